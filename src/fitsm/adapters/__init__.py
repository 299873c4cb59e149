"""Adapters at the edge: stores chosen by URL, and file formats.

Drivers are imported only when a store of their kind is opened, so
``import fitsm`` never pays for a backend it does not use.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from fitsm.errors import UnsupportedStoreError
from fitsm.ports import Store

__all__ = ["open_store"]

_SCHEMES = ("memory",)


def open_store(url: str) -> Store:
    """Open the store a URL names.

    ``memory://`` is a new, empty in-process store.

    >>> open_store("memory://")
    <MemoryStore 'memory://'>
    """
    if not isinstance(url, str):
        raise UnsupportedStoreError(f"store URL must be a string, got {url!r}")
    scheme = urlsplit(url).scheme
    if scheme == "memory":
        from fitsm.adapters.memory import MemoryStore

        return MemoryStore(url)
    known = ", ".join(f"{s}://" for s in _SCHEMES)
    raise UnsupportedStoreError(f"no store serves {url!r}; supported: {known}")
