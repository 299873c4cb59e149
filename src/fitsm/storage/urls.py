"""Store URLs as they may be shown: in a repr, an error or output, never with a password."""

from __future__ import annotations

from urllib.parse import urlsplit

__all__ = ["redacted"]


def redacted(url: str) -> str:
    """``url`` with its password, if it has one, replaced by ``***``: what may be shown.

    >>> redacted("postgresql://ann:s3cret@db.example.org/fitsm")
    'postgresql://ann:***@db.example.org/fitsm'
    """
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return "<a store URL that cannot be read>"
    if not password:
        return url
    user = parts.username or ""
    host = parts.netloc.rpartition("@")[2]
    return parts._replace(netloc=f"{user}:***@{host}").geturl()
