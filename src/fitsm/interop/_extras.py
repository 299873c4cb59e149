"""The error for an optional dependency that is not installed."""

from __future__ import annotations

from fitsm.errors import MissingExtraError

__all__ = ["missing_extra"]


def missing_extra(what: str, extra: str) -> MissingExtraError:
    """The error to raise when ``what`` cannot import the packages of the extra ``extra``.

    >>> print(missing_extra("read_openslo", "openslo"))
    read_openslo needs the optional extra 'openslo': pip install 'fitsm[openslo]'
    """
    return MissingExtraError(
        f"{what} needs the optional extra {extra!r}: pip install 'fitsm[{extra}]'"
    )
