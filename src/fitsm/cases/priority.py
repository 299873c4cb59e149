"""Priority from impact and urgency (PR9.1)."""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from fitsm._validators import frozen_mapping
from fitsm.errors import ValidationError

__all__ = ["DEFAULT_MATRIX", "PriorityMatrix"]


def _frozen(value: Mapping[tuple[str, str], str]) -> Mapping[tuple[str, str], str]:
    return frozen_mapping(value, "a mapping of (impact, urgency) to priority")


@attrs.frozen
class PriorityMatrix:
    """A configurable impact x urgency matrix.

    >>> DEFAULT_MATRIX.priority("high", "medium")
    'P2'
    """

    table: Mapping[tuple[str, str], str] = attrs.field(converter=_frozen)

    @property
    def impacts(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(i for i, _ in self.table))

    @property
    def urgencies(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(u for _, u in self.table))

    def priority(self, impact: str, urgency: str) -> str:
        try:
            return self.table[impact, urgency]
        except KeyError:
            raise ValidationError(
                f"no priority for impact {impact!r} and urgency {urgency!r}; impacts: "
                f"{', '.join(self.impacts)}; urgencies: {', '.join(self.urgencies)}"
            ) from None


_LEVELS = ("high", "medium", "low")
DEFAULT_MATRIX = PriorityMatrix(
    {(i, u): f"P{a + b + 1}" for a, i in enumerate(_LEVELS) for b, u in enumerate(_LEVELS)}
)
"""high/high is P1, high/medium and medium/high P2, ... low/low P5."""
