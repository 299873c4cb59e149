"""The scheme information assets are classified by: levels of confidentiality, integrity and
availability (PR6.3).

FitSM-2 (CC BY 4.0) asks to "define a scheme to classify information assets
according to their sensitivity / criticality" and to "identify information
(assets) to be protected and their needs in terms of confidentiality, integrity
and availability". FitSM-0 defines the three: *confidentiality*, the "property of
information not being accessible to unauthorized parties"; *integrity*, of
information not being "subject to unauthorized modification, duplication or
deletion"; *availability of information*, of information "being available to and
usable by an authorized party". A :class:`ClassificationScheme` is the provider's
scheme (ordered levels, lowest first); :meth:`ClassificationScheme.default` is
low / medium / high.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from fitsm._validators import check_id, shown
from fitsm.errors import ValidationError

__all__ = ["DEFAULT_LEVELS", "PROPERTIES", "Classification", "ClassificationScheme"]

DEFAULT_LEVELS: tuple[str, ...] = ("low", "medium", "high")
"""The levels of the default scheme, lowest first."""

PROPERTIES: tuple[str, ...] = ("confidentiality", "integrity", "availability")
"""The three properties every asset is classified on (FitSM-0)."""


def _level_names(value: Any) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValidationError(
            f"a classification scheme's levels must be a list of names, got {shown(value)}",
            field="levels",
        )
    names = tuple(value)
    for name in names:
        check_id(name, "each level of a classification scheme", field="levels")
    if not names:
        raise ValidationError("a classification scheme needs at least one level", field="levels")
    if len(set(names)) != len(names):
        twice = sorted({n for n in names if names.count(n) > 1})
        raise ValidationError(
            f"a classification scheme names level {', '.join(map(repr, twice))} more than once",
            field="levels",
        )
    return names


@attrs.frozen
class Classification:
    """An asset's level of confidentiality, integrity and availability, each a level name of
    the register's :class:`ClassificationScheme`.

    >>> str(Classification("high", "medium", "low"))
    'C=high I=medium A=low'
    """

    confidentiality: str = attrs.field()
    integrity: str = attrs.field()
    availability: str = attrs.field()

    @confidentiality.validator
    @integrity.validator
    @availability.validator
    def _named(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        check_id(value, f"Classification.{attribute.name}", field=attribute.name)

    def __str__(self) -> str:
        return f"C={self.confidentiality} I={self.integrity} A={self.availability}"


@attrs.frozen
class ClassificationScheme:
    """Ordered levels (lowest first) that confidentiality, integrity and availability are
    classified on; a level outside the scheme is refused.

    >>> scheme = ClassificationScheme(["public", "internal", "confidential", "secret"])
    >>> scheme.check(Classification("secret", "internal", "internal"))
    Classification(confidentiality='secret', integrity='internal', availability='internal')
    >>> scheme.highest(Classification("public", "confidential", "internal"))
    'confidential'
    """

    levels: tuple[str, ...] = attrs.field(converter=_level_names)

    @classmethod
    def default(cls) -> ClassificationScheme:
        """The default scheme: low, medium, high."""
        return cls(DEFAULT_LEVELS)

    def rank(self, level: str) -> int:
        """The position of ``level``, from 0 for the lowest; ValidationError if it is not one."""
        try:
            return self.levels.index(level)
        except ValueError:
            raise ValidationError(
                f"{shown(level)} is not a level of this classification scheme; expected one "
                f"of {', '.join(map(repr, self.levels))}",
                field="classification",
            ) from None

    def check(self, classification: Classification) -> Classification:
        """Return ``classification`` if each of its levels is in the scheme, else raise
        ValidationError naming the property and the level."""
        if not isinstance(classification, Classification):
            raise ValidationError(
                f"expected a Classification, got {shown(classification)}", field="classification"
            )
        for prop in PROPERTIES:
            level = getattr(classification, prop)
            if level not in self.levels:
                raise ValidationError(
                    f"{prop} {level!r} is not a level of this classification scheme; "
                    f"expected one of {', '.join(map(repr, self.levels))}",
                    field=prop,
                )
        return classification

    def highest(self, classification: Classification) -> str:
        """The highest of the three levels: how sensitive or critical the asset is overall."""
        self.check(classification)
        levels: list[str] = [getattr(classification, p) for p in PROPERTIES]
        return max(levels, key=self.rank)
