"""Benchmarks, run by hand: python -m bench.extraction, bench.fetch, bench.dedup, bench.topics, bench.load."""
