"""Memory and CPU of a process tree, sampled in a thread (shared by the crawl and load benches)."""

from __future__ import annotations

import threading


class TreeSampler:
    """Peak memory and CPU time of a process and all its descendants, sampled in a thread.

    Pool workers are children of the fork server, not of the crawler, so the kernel's
    accounting of waited-for children (wait4) misses their CPU: it is taken per process here,
    the last value seen before each one exits (sampled every 20 ms). Memory is the sum of PSS
    (shared pages divided among the processes sharing them: forked workers share the parsers'
    code and data with the fork server) and, for comparison, the sum of RSS.
    """

    def __init__(self, pid: int, every: float = 0.02):
        import psutil

        self.proc = psutil.Process(pid)
        self.peak_pss = self.peak_rss = 0
        # the root process alone: its RSS, and the part of it not backed by files (the mmapped
        # database and shared libraries are file pages the kernel can drop and reread)
        self.root_rss = self.root_anon = 0
        self.cpu: dict[int, float] = {}
        self._every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import psutil

        while not self._stop.is_set():
            pss = rss = 0
            try:
                procs = [self.proc, *self.proc.children(recursive=True)]
            except psutil.Error:
                procs = []
            for p in procs:
                try:
                    mem = p.memory_full_info()
                    t = p.cpu_times()
                except psutil.Error:
                    continue
                pss += mem.pss
                rss += mem.rss
                if p.pid == self.proc.pid:
                    self.root_rss = max(self.root_rss, mem.rss)
                    self.root_anon = max(self.root_anon, mem.rss - mem.shared)
                self.cpu[p.pid] = t.user + t.system
            self.peak_pss, self.peak_rss = max(self.peak_pss, pss), max(self.peak_rss, rss)
            self._stop.wait(self._every)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
