"""What every unit of work does as a context manager: leaving the block rolls back."""

from __future__ import annotations

from types import TracebackType
from typing import Self

__all__ = ["RollsBackOnExit"]


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
