"""URL identity: one canonical form per article.

The page's <link rel=canonical> or og:url wins when it stays on the same site; otherwise the
fetched URL is normalised: lower-case host, no default port, no fragment, tracking parameters
removed (utm_*, fbclid, gclid ...) while the ones that identify an article (idxno, aid, oid,
article ids) stay, the rest sorted. Mobile hosts and paths map to the desktop form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "ref",
        "ref_src",
        "referrer",
        "from",
        "cmpid",
        "ncid",
        "ocid",
        "spm",
        "share",
        "sns",
        "rc",
        "ns",
        "_ga",
        "_gl",
        "feature",
        "output",
        "mobile",
        "nclick",
        "ntype",
        "fromtype",
        "sid1",
        "sid2",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hmb_", "vero_", "oly_", "__")
_MOBILE_HOST = re.compile(r"^(?:m|mobile|amp)\.")
_MOBILE_PATH = re.compile(r"^/(?:m|mobile|amp)(?=/)")
DEFAULT_PORTS = {"http": 80, "https": 443}


def _keep_param(name: str) -> bool:
    low = name.lower()
    return low not in TRACKING_PARAMS and not low.startswith(TRACKING_PREFIXES)


def normalize_url(url: str, *, desktop: bool = True) -> str:
    """The normalised form of `url` (no network, no page needed)."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower() or "http"
    host = (parts.hostname or "").lower().rstrip(".")
    if desktop and _MOBILE_HOST.match(host) and host.count(".") >= 2:
        host = _MOBILE_HOST.sub("", host)
        if host.count(".") == 1:
            host = "www." + host
    port = parts.port
    netloc = host if port in (None, DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    path = parts.path or "/"
    if desktop:
        path = _MOBILE_PATH.sub("", path) or "/"
    path = re.sub(r"/{2,}", "/", path)
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if _keep_param(k))
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))


def registrable_host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    host = _MOBILE_HOST.sub("", host)
    return host[4:] if host.startswith("www.") else host


def canonical_url(fetched_url: str, declared: str | None = None) -> str:
    """The article's identity: the declared canonical when it agrees with the host, else the fetched URL."""
    if declared:
        absolute = urljoin(fetched_url, declared.strip())
        if urlsplit(absolute).scheme in ("http", "https") and registrable_host(absolute) == registrable_host(
            fetched_url
        ):
            return normalize_url(absolute)
    return normalize_url(fetched_url)


@dataclass(frozen=True, slots=True)
class UrlIdentity:
    """Who an article is: its canonical URL, the key its fetch is logged under, its other URLs."""

    canonical: str
    key: str
    aliases: tuple[str, ...]

    @property
    def all(self) -> tuple[str, ...]:
        """Every URL that names the article, canonical first, without repeats."""
        return tuple(dict.fromkeys((self.canonical, self.key, *self.aliases)))


def link_key(link_url: str) -> str:
    """The key a discovered link is looked up under before it is fetched."""
    return normalize_url(link_url)


def identify(link_url: str, fetched_url: str | None = None, declared: str | None = None) -> UrlIdentity:
    """The one identity step: from the link, the URL the fetch ended at and the page's declared
    canonical, the canonical URL, the lookup key and every other form that names the article."""
    fetched = fetched_url or link_url
    key = normalize_url(link_url)
    canonical = canonical_url(fetched, declared)
    aliases = {normalize_url(fetched), normalize_url(link_url, desktop=False)} - {canonical, key}
    return UrlIdentity(canonical, key, tuple(sorted(aliases)))
