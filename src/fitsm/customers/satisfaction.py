"""Customer satisfaction (PR7.6): surveys, exact averages, a trend, and scores to follow up.

FitSM-1 (CC BY 4.0): "PR7.6 Customer satisfaction shall be managed"; FitSM-2 asks to
"plan and implement measures to assess customer satisfaction" and to "initiate
follow-up actions in response to insufficient customer satisfaction". A
:class:`SatisfactionSurvey` holds the scores a customer gave per service for one
period, on the register's :class:`SatisfactionScale`. Averages are exact
fractions. The trend model is stated in :func:`satisfaction_trend`: the
least-squares slope of the period averages against the period's position.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs

from fitsm._validators import identifier, shown, text
from fitsm.clock import as_utc
from fitsm.errors import ValidationError

__all__ = [
    "MINIMUM_PERIODS",
    "FollowUp",
    "LowScore",
    "SatisfactionScale",
    "SatisfactionScore",
    "SatisfactionSurvey",
    "SatisfactionTrend",
    "period_averages",
    "satisfaction_trend",
    "service_averages",
]

MINIMUM_PERIODS = 3
"""Fewer periods than this give no trend: two points always lie on a line."""


def _whole(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValidationError(
            f"{type(instance).__name__}.{attribute.name} must be a whole number, got "
            f"{shown(value)}",
            field=attribute.name,
        )


@attrs.frozen
class SatisfactionScale:
    """The scores a survey may give, from ``lowest`` (worst) to ``highest`` (best), whole
    numbers; 1 to 5 unless the provider says otherwise.

    >>> SatisfactionScale().check(6)
    Traceback (most recent call last):
    ...
    fitsm.errors.ValidationError: a satisfaction score must be a whole number from 1 to 5, got 6
    """

    lowest: int = attrs.field(default=1, validator=_whole)
    highest: int = attrs.field(default=5, validator=_whole)

    def __attrs_post_init__(self) -> None:
        if self.highest <= self.lowest:
            raise ValidationError(
                f"a satisfaction scale needs highest > lowest, got {self.lowest} to {self.highest}",
                field="highest",
            )

    def check(self, score: object) -> int:
        """``score`` if it is on the scale, else ValidationError."""
        if (
            not isinstance(score, int)
            or isinstance(score, bool)
            or not self.lowest <= score <= self.highest
        ):
            raise ValidationError(
                f"a satisfaction score must be a whole number from {self.lowest} to "
                f"{self.highest}, got {shown(score)}",
                field="score",
            )
        return score

    def threshold(self, value: object) -> Fraction:
        """``value`` (an int, Fraction or Decimal on the scale) as an exact threshold."""
        exact: Fraction | None = None
        if isinstance(value, int | Fraction | Decimal) and not isinstance(value, bool):
            exact = Fraction(value)
        if exact is None or not self.lowest <= exact <= self.highest:
            raise ValidationError(
                f"a satisfaction threshold must be an exact number (int, Fraction, Decimal) "
                f"from {self.lowest} to {self.highest}, got {shown(value)}",
                field="threshold",
            )
        return exact


@attrs.frozen
class SatisfactionScore:
    """One answer: the score given to one service."""

    service: str = attrs.field(validator=identifier)
    score: int = attrs.field(validator=_whole)


def _scores(value: Any) -> tuple[SatisfactionScore, ...]:
    if isinstance(value, Mapping):
        # {"mail": [4, 5], "shop": 3}: the answers per service
        pairs: list[Any] = []
        for service, given in value.items():
            many = given if isinstance(given, list | tuple) else [given]
            pairs += [(service, s) for s in many]
        value = pairs
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValidationError(
            f"scores must be SatisfactionScores, (service, score) pairs or a mapping of service "
            f"to scores, got {shown(value)}",
            field="scores",
        )
    found = []
    for item in value:
        if isinstance(item, SatisfactionScore):
            found.append(item)
        elif isinstance(item, tuple) and len(item) == 2:
            found.append(SatisfactionScore(*item))
        else:
            raise ValidationError(
                f"a score must be a SatisfactionScore or a (service, score) pair, got "
                f"{shown(item)}",
                field="scores",
            )
    return tuple(found)


def _period(value: object) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValidationError(
            f"a survey's period is the date its period begins, got {shown(value)}",
            field="period",
        )
    return value


@attrs.frozen
class SatisfactionSurvey:
    """The scores a customer gave per service for one period (PR7.6).

    ``period`` is the first day of the period surveyed (a month, a quarter); the
    scores are one or more answers per service. Scores are checked against the
    register's scale when the survey is recorded.

    >>> s = SatisfactionSurvey("q1", date(2026, 1, 1), {"mail": [4, 5], "shop": 2})
    >>> s.averages()
    {'mail': Fraction(9, 2), 'shop': Fraction(2, 1)}
    """

    id: str = attrs.field(validator=identifier)
    period: date = attrs.field(converter=_period)
    scores: tuple[SatisfactionScore, ...] = attrs.field(converter=_scores)
    note: str = attrs.field(default="", validator=text)

    def __attrs_post_init__(self) -> None:
        if not self.scores:
            raise ValidationError(f"survey {self.id!r} has no scores", field="scores")

    @property
    def services(self) -> tuple[str, ...]:
        """The services scored, sorted."""
        return tuple(sorted({s.service for s in self.scores}))

    def averages(self) -> dict[str, Fraction]:
        """The exact average score per service, by service."""
        return service_averages(self.scores)


def service_averages(scores: Iterable[SatisfactionScore]) -> dict[str, Fraction]:
    """The exact average of ``scores`` per service, by service."""
    sums: dict[str, list[int]] = {}
    for s in scores:
        sums.setdefault(s.service, []).append(s.score)
    return {k: Fraction(sum(v), len(v)) for k, v in sorted(sums.items())}


def _utc(value: datetime) -> datetime:
    return as_utc(value, "at")


@attrs.frozen
class FollowUp:
    """A follow-up action on a score below what the provider accepts (PR7.6): for which
    period and service, what is done, by whom and when; ``reference`` names the case
    that carries it (an improvement, a change), by id."""

    period: date = attrs.field(converter=_period)
    service: str = attrs.field(validator=identifier)
    action: str = attrs.field(validator=text)
    at: datetime = attrs.field(converter=_utc)
    by: str = attrs.field(validator=identifier)
    reference: str = attrs.field(default="", validator=text)

    def __attrs_post_init__(self) -> None:
        if not self.action.strip():
            raise ValidationError("a follow-up needs the action taken", field="action")


@attrs.frozen
class LowScore:
    """A service whose average score for a period fell below the threshold, with the
    follow-ups recorded for it (none yet: it still needs one)."""

    customer: str
    period: date
    service: str
    average: Fraction
    threshold: Fraction
    follow_ups: tuple[FollowUp, ...] = ()


def period_averages(
    surveys: Iterable[SatisfactionSurvey], service: str | None = None
) -> list[tuple[date, Fraction]]:
    """The exact average score of each period, oldest first: of ``service``'s scores, or of
    every score (None). Surveys of the same period count together; periods without a
    score for ``service`` are left out."""
    by_period: dict[date, list[int]] = {}
    for survey in surveys:
        for s in survey.scores:
            if service is None or s.service == service:
                by_period.setdefault(survey.period, []).append(s.score)
    return [(p, Fraction(sum(v), len(v))) for p, v in sorted(by_period.items())]


@attrs.frozen
class SatisfactionTrend:
    """How satisfaction moves over periods: the averages and the slope through them.

    ``slope`` is the least-squares slope in score points per period (None when
    there are fewer than ``minimum`` periods: :attr:`reason` says so).
    """

    customer: str
    service: str | None
    points: tuple[tuple[date, Fraction], ...]
    slope: Fraction | None
    minimum: int

    @property
    def direction(self) -> str:
        """``rising``, ``falling``, ``flat``, or ``unknown`` without a slope."""
        if self.slope is None:
            return "unknown"
        return "rising" if self.slope > 0 else "falling" if self.slope < 0 else "flat"

    @property
    def reason(self) -> str:
        """Why there is no slope, or ``""``."""
        if self.slope is not None:
            return ""
        return (
            f"{len(self.points)} period{'' if len(self.points) == 1 else 's'} with scores; "
            f"a trend needs at least {self.minimum}"
        )


def satisfaction_trend(
    customer: str,
    surveys: Sequence[SatisfactionSurvey],
    service: str | None = None,
    *,
    minimum: int = MINIMUM_PERIODS,
) -> SatisfactionTrend:
    """The trend of a customer's satisfaction (with ``service``, or overall) (PR7.6).

    The model: each period with scores is one point, its x the period's position
    (0, 1, 2, ... oldest first, so periods are taken as evenly spaced, as surveys
    held every quarter are) and its y the exact average score of the period; the
    slope is the least-squares slope ``sum((x - mx) * (y - my)) / sum((x - mx)**2)``,
    an exact Fraction in score points per period. With fewer than ``minimum``
    periods (at least 2) there is no slope.

    >>> surveys = [SatisfactionSurvey(f"s{n}", date(2026, m, 1), {"mail": v})
    ...            for n, (m, v) in enumerate([(1, 4), (4, 4), (7, 3)])]
    >>> satisfaction_trend("acme", surveys, "mail").slope
    Fraction(-1, 2)
    """
    if not isinstance(minimum, int) or isinstance(minimum, bool) or minimum < 2:
        raise ValidationError(
            f"a trend needs a minimum of at least 2 periods, got {shown(minimum)}",
            field="minimum",
        )
    points = period_averages(surveys, service)
    slope = _least_squares_slope([y for _, y in points]) if len(points) >= minimum else None
    return SatisfactionTrend(customer, service, tuple(points), slope, minimum)


def _least_squares_slope(ys: Sequence[Fraction]) -> Fraction:
    n = len(ys)
    mean_x = Fraction(n - 1, 2)
    mean_y = sum(ys, Fraction(0)) / n
    num = sum(((x - mean_x) * (y - mean_y) for x, y in enumerate(ys)), Fraction(0))
    den = sum(((x - mean_x) ** 2 for x in range(n)), Fraction(0))
    return num / den
