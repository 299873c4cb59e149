"""What every unit of work does as a context manager: leaving the block rolls back."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from fitsm.errors import ValidationError

__all__ = ["RollsBackOnExit", "checked_actor"]


class RollsBackOnExit:
    """``with store.unit_of_work() as uow:`` ends by rolling back what was not committed."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()

    def rollback(self) -> None:
        """Forget every change since the last commit."""
        raise NotImplementedError


def checked_actor(actor: object) -> str | None:
    """``actor`` if it names someone (or is None); otherwise a ValidationError."""
    if actor is not None and (not isinstance(actor, str) or not actor.strip()):
        raise ValidationError(f"actor must name someone (a non-empty string), got {actor!r}")
    return actor
