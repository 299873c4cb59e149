"""The one exception tree of fitsm.

Every error the library raises derives from :class:`FitsmError` and from the
builtin exception closest in meaning, so callers can catch either::

    try:
        cmdb.add(ci, actor="alice", at=now)
    except ValueError:  # or fitsm.ValidationError, or fitsm.FitsmError
        ...

Messages name the offending value and what was expected.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "AuthorizationError",
    "ConflictError",
    "CycleError",
    "DuplicateError",
    "FitsmError",
    "InvalidTransitionError",
    "LoadError",
    "MissingExtraError",
    "NaiveDatetimeError",
    "NotFoundError",
    "StoreError",
    "UnsupportedStoreError",
    "ValidationError",
]


class FitsmError(Exception):
    """Base class of every error raised by fitsm."""


class ValidationError(FitsmError, ValueError):
    """A value does not satisfy the model: wrong type, missing attribute, out of range.

    ``field`` names the offending field or attribute where one is to blame.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NaiveDatetimeError(ValidationError):
    """A datetime without a time zone was given where an aware one is required."""


class DuplicateError(ValidationError):
    """An id is already taken."""


class CycleError(ValidationError):
    """A dependency relationship would close a cycle.

    ``cycle`` lists the ids along the cycle, first and last being the same.
    """

    def __init__(self, message: str, cycle: Sequence[str]) -> None:
        super().__init__(message)
        self.cycle: tuple[str, ...] = tuple(cycle)


class InvalidTransitionError(ValidationError):
    """A lifecycle move that the lifecycle does not allow from the current phase or status."""


class AuthorizationError(FitsmError, PermissionError):
    """The acting person's roles do not allow the operation; nothing was changed."""


class NotFoundError(FitsmError, LookupError):
    """Nothing is known under the given id."""


class LoadError(ValidationError):
    """A record in a file could not be loaded; names the file, line and field."""

    def __init__(self, path: str, line: int | None, field: str | None, reason: str) -> None:
        where = path if line is None else f"{path}:{line}"
        what = f" field {field!r}:" if field else ""
        super().__init__(f"{where}:{what} {reason}", field=field)
        self.path = path
        self.line = line
        self.reason = reason


class MissingExtraError(FitsmError, ImportError):
    """An optional dependency is not installed; the message names the extra that brings it."""


class ConflictError(FitsmError, RuntimeError):
    """Someone else changed an aggregate since it was loaded; nothing was written."""


class StoreError(FitsmError, OSError):
    """The store could not be read or written."""


class UnsupportedStoreError(FitsmError, ValueError):
    """A store URL names a scheme no adapter serves."""
