"""The scale risks are rated on: likelihood and impact levels, and the rating of each pair.

FitSM-0 (CC BY 4.0): "Risk is made up of the probability of the threat entailed,
the vulnerability to that threat of some asset, and the impact the threat would
have, if it occurred." FitSM leaves the method to the provider ("Define a
method / scheme to identify and assess information security risks", FitSM-2
PR6); a :class:`RiskMatrix` is that scheme, and :meth:`RiskMatrix.default` is the
common 5 x 5 one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from fitsm.errors import ValidationError

__all__ = ["DEFAULT_IMPACTS", "DEFAULT_LIKELIHOODS", "RiskMatrix", "RiskRating"]

DEFAULT_LIKELIHOODS: tuple[str, ...] = ("rare", "unlikely", "possible", "likely", "almost_certain")
"""The likelihood levels of the default matrix, lowest first (scored 1 to 5)."""
DEFAULT_IMPACTS: tuple[str, ...] = ("negligible", "minor", "moderate", "major", "severe")
"""The impact levels of the default matrix, lowest first (scored 1 to 5)."""
_DEFAULT_BANDS = {"low": 4, "medium": 9, "high": 16, "critical": 25}


def _names(value: Iterable[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def _levels(instance: Any, attribute: attrs.Attribute[Any], value: tuple[str, ...]) -> None:
    if not value:
        raise ValidationError(f"a risk matrix needs at least one {attribute.name[:-1]} level")
    for name in value:
        if not isinstance(name, str) or not name or name != name.strip():
            raise ValidationError(
                f"risk matrix {attribute.name} must be non-empty names, got {name!r}",
                field=attribute.name,
            )
    if len(set(value)) != len(value):
        twice = sorted({n for n in value if value.count(n) > 1})
        raise ValidationError(
            f"risk matrix {attribute.name} name {', '.join(map(repr, twice))} more than once",
            field=attribute.name,
        )


def _table(value: Iterable[Iterable[str]]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(row) for row in value)


@attrs.frozen
class RiskRating:
    """A likelihood and an impact, their score (the product of their positions, from 1) and
    the rating level the matrix gives them."""

    likelihood: str
    impact: str
    score: int
    level: str

    def __str__(self) -> str:
        return f"{self.level} ({self.likelihood} x {self.impact} = {self.score})"


@attrs.frozen
class RiskMatrix:
    """Likelihood and impact levels (lowest first) and the rating level of every pair.

    ``table[l][i]`` rates likelihood ``likelihoods[l]`` with impact ``impacts[i]``; each
    entry is one of ``levels`` (lowest first). A rating never falls as likelihood or
    impact rises. Build one from score bands with :meth:`banded`, or give the table.

    >>> m = RiskMatrix.default()
    >>> str(m.rate("likely", "major"))
    'high (likely x major = 16)'
    """

    likelihoods: tuple[str, ...] = attrs.field(converter=_names, validator=_levels)
    impacts: tuple[str, ...] = attrs.field(converter=_names, validator=_levels)
    levels: tuple[str, ...] = attrs.field(converter=_names, validator=_levels)
    table: tuple[tuple[str, ...], ...] = attrs.field(converter=_table)

    def __attrs_post_init__(self) -> None:
        rows, columns = len(self.likelihoods), len(self.impacts)
        if len(self.table) != rows or any(len(row) != columns for row in self.table):
            shape = [len(row) for row in self.table]
            raise ValidationError(
                f"a risk matrix table needs {rows} rows (likelihoods) of {columns} levels "
                f"(impacts), got rows of {shape}",
                field="table",
            )
        rank = {level: n for n, level in enumerate(self.levels)}
        for l, row in enumerate(self.table):  # noqa: E741 - l for likelihood, as in the docs
            for i, level in enumerate(row):
                if level not in rank:
                    raise ValidationError(
                        f"risk matrix rates ({self.likelihoods[l]!r}, {self.impacts[i]!r}) as "
                        f"{level!r}; expected one of {', '.join(map(repr, self.levels))}",
                        field="table",
                    )
                below = [self.table[l - 1][i]] if l else []
                left = [row[i - 1]] if i else []
                for lower in below + left:
                    if rank[lower] > rank[level]:
                        raise ValidationError(
                            f"risk matrix rates ({self.likelihoods[l]!r}, {self.impacts[i]!r}) "
                            f"as {level!r}, lower than the {lower!r} of a lower likelihood or "
                            "impact; expected ratings that never fall as either rises",
                            field="table",
                        )

    @classmethod
    def banded(
        cls,
        likelihoods: Iterable[str],
        impacts: Iterable[str],
        bands: Mapping[str, int],
    ) -> RiskMatrix:
        """A matrix rated by score: likelihood position times impact position (from 1).

        ``bands`` maps each level, lowest first, to the highest score it covers; the
        last must cover the highest score.

        >>> m = RiskMatrix.banded(["low", "high"], ["small", "big"], {"ok": 1, "act": 4})
        >>> m.rate("high", "small").level, m.rate("high", "big").level
        ('act', 'act')
        """
        ls, imps = _names(likelihoods), _names(impacts)
        bounds = list(bands.items())
        if not bounds:
            raise ValidationError("a banded risk matrix needs at least one band", field="bands")
        for name, bound in bounds:
            if isinstance(bound, bool) or not isinstance(bound, int):
                raise ValidationError(
                    f"band {name!r} ends at {bound!r}; expected a whole score", field="bands"
                )
        for (name, bound), (_, before) in zip(bounds[1:], bounds, strict=False):
            if bound <= before:
                raise ValidationError(
                    f"band {name!r} ends at score {bound}, not above the band before it "
                    f"({before}); expected bands in rising order",
                    field="bands",
                )
        top = len(ls) * len(imps)
        if bounds[-1][1] < top:
            raise ValidationError(
                f"the last band {bounds[-1][0]!r} ends at score {bounds[-1][1]}; expected it "
                f"to cover the highest score, {top}",
                field="bands",
            )

        def level(score: int) -> str:
            return next(name for name, bound in bounds if score <= bound)

        table = [[level((l + 1) * (i + 1)) for i in range(len(imps))] for l in range(len(ls))]  # noqa: E741
        return cls(ls, imps, [name for name, _ in bounds], table)

    @classmethod
    def default(cls) -> RiskMatrix:
        """The common 5 x 5 matrix: likelihood rare, unlikely, possible, likely,
        almost_certain; impact negligible, minor, moderate, major, severe; scored 1 to 5
        each and rated by their product: low up to 4, medium up to 9, high up to 16,
        critical above (20 and 25)."""
        return cls.banded(DEFAULT_LIKELIHOODS, DEFAULT_IMPACTS, _DEFAULT_BANDS)

    def rate(self, likelihood: str, impact: str) -> RiskRating:
        """The rating of a likelihood and an impact; ValidationError names an unknown level."""
        l = self._position(self.likelihoods, likelihood, "likelihood")  # noqa: E741
        i = self._position(self.impacts, impact, "impact")
        return RiskRating(likelihood, impact, (l + 1) * (i + 1), self.table[l][i])

    def rank(self, rating: RiskRating) -> tuple[int, int]:
        """A sort key: the rating level's position, then the score."""
        return (self.levels.index(rating.level), rating.score)

    def check(self, likelihood: str, impact: str) -> None:
        """Raise ValidationError unless both levels are on this scale."""
        self.rate(likelihood, impact)

    @staticmethod
    def _position(levels: tuple[str, ...], value: str, what: str) -> int:
        try:
            return levels.index(value)
        except ValueError:
            raise ValidationError(
                f"{what} {value!r} is not on this risk matrix's scale; expected one of "
                + ", ".join(map(repr, levels)),
                field=what,
            ) from None
