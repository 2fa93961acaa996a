"""Train/dev/test splits grouped by site, so that no site's pages sit in two splits.

A site is the url's host, lowercased, without a leading ``www.``; a document with no url
(or one with no host) is its own group, keyed by its id.

Assignment (deterministic for a seed): each site gets a rank from ``sha256(seed, site)``;
walking the sites in rank order, a site goes to the split in whose share of the documents
the middle of its own documents falls. The splits therefore come out as close to the asked
fractions as whole sites allow, and the order of sites (hence most assignments) depends
only on the seed and the site, not on the other documents: adding documents moves only the
sites at the edges between splits.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from urllib.parse import urlsplit

SPLIT_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
DEFAULT_SPLITS = "train=0.8,dev=0.1,test=0.1"
_PLAIN_URL_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://([A-Za-z0-9.-]+)(?::[0-9]*)?(?:[/?#]|$)")


class SplitSpecError(ValueError):
    """A ``--split`` value that cannot be used."""


def parse_split_spec(spec: str) -> list[tuple[str, float]]:
    """``"train=0.8,dev=0.1,test=0.1"`` -> ``[("train", 0.8), ...]``; fractions sum to 1."""
    result: list[tuple[str, float]] = []
    for item in spec.split(","):
        name, sep, value = item.strip().partition("=")
        name = name.strip()
        if not sep or not name:
            raise SplitSpecError(f"{item.strip()!r}: expected NAME=FRACTION (e.g. train=0.8)")
        if not SPLIT_NAME_RE.match(name):
            raise SplitSpecError(f"{name!r}: split names are letters, digits, '_' and '-'")
        if any(n == name for n, _ in result):
            raise SplitSpecError(f"split {name!r} is named twice")
        try:
            fraction = float(value)
        except ValueError:
            raise SplitSpecError(f"{item.strip()!r}: {value.strip()!r} is not a number") from None
        if not 0 < fraction <= 1:
            raise SplitSpecError(f"{item.strip()!r}: a fraction is more than 0 and at most 1")
        result.append((name, fraction))
    total = sum(f for _, f in result)
    if abs(total - 1) > 1e-6:
        raise SplitSpecError(f"the fractions add up to {total:g}, not 1")
    return result


def site_of(url: str | None, doc_id: str) -> str:
    """The group a document belongs to: its url's host, or its id when it has none."""
    if url:
        # A plain scheme://host[:port]/... is the usual case and cheap to cut by hand;
        # anything else (user info, IPv6, odd spacing) goes through urlsplit.
        m = _PLAIN_URL_RE.match(url)
        if m:
            host: str | None = m.group(1).lower()
        else:
            try:
                host = urlsplit(url.strip()).hostname
            except ValueError:
                host = None
        if host:
            host = host.lower().rstrip(".")
            return host[4:] if host.startswith("www.") else host
    # A prefix no host can have, so an id never joins a real site's group.
    return f"id:{doc_id}"


def _rank(seed: int, site: str) -> bytes:
    return hashlib.sha256(f"{seed}\x00{site}".encode()).digest()


def assign_splits(
    sites: dict[str, int], splits: list[tuple[str, float]], seed: int
) -> dict[str, str]:
    """Site -> split name, for ``sites`` mapping each site to its number of documents."""
    total = sum(sites.values())
    bounds = []
    acc = 0.0
    for name, fraction in splits:
        acc += fraction
        bounds.append((acc, name))
    result: dict[str, str] = {}
    done = 0
    for site in sorted(sites, key=lambda s: (_rank(seed, s), s)):
        size = sites[site]
        middle = (done + size / 2) / total
        result[site] = next((name for bound, name in bounds if middle < bound), bounds[-1][1])
        done += size
    return result


def split_counts(assignment: dict[str, str], sites: dict[str, int]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for site, name in assignment.items():
        counts[name] += sites[site]
    return counts
