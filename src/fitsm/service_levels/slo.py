"""Service level objectives: error budgets, burn rates and allowed bad events, exactly.

A target such as 99.9 % is kept as the fraction ``999/1000``, durations as
whole microseconds, and figures are reported as ``Decimal``, so that the error
budget of a 99.9 % target is 0.1 %, not 0.09999999999999432 %.

A target is a percent quantity (``Q_(99.9, "percent")``) or a bare number,
which is a share of 1 (``0.999``, ``Decimal("0.999")``, ``Fraction(999, 1000)``);
it must lie strictly between 0 and 100 %. Windows and durations are
``timedelta`` objects or ``[time]`` quantities such as ``Q_(30, "day")``.

>>> from fitsm.units import Q_
>>> budget = error_budget(Q_(99.9, "percent"), Q_(30, "day"))
>>> budget.allowed
datetime.timedelta(seconds=2592)
>>> print(budget.allowed_percent)
0.1
>>> budget.exhausted_after(10)
datetime.timedelta(days=3)
>>> burn_rate(Q_(2, "percent"), Q_(1, "hour"), Q_(30, "day"))
Fraction(72, 5)
>>> allowed_bad_events(3_663_253, Q_(97, "percent"))
109897
>>> budget
<ErrorBudget 99.9 % over 30 d: 43 min 12 s allowed>
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any, ClassVar, TypeVar

import attrs
import pint

from fitsm.errors import ValidationError
from fitsm.tables import Column, Columns
from fitsm.time.durations import format_duration
from fitsm.units import duration, percent, share

__all__ = [
    "ErrorBudget",
    "allowed_bad_events",
    "burn_rate",
    "error_budget",
]

_MICROSECOND = timedelta(microseconds=1)
_T = TypeVar("_T")


def _shown(value: Any) -> str:
    """The value as a person wrote it: ``120 %``, ``3 m``, ``-1:00:00``, ``0.999``."""
    if isinstance(value, pint.Quantity):
        return f"{value:~P}"
    if isinstance(value, timedelta):
        return f"-{-value}" if value < timedelta(0) else str(value)
    return repr(value)


def _checked(convert: Callable[[Any, str], _T], value: Any, what: str) -> _T:
    """``convert(value, what)``, with NaN, infinities and the like as ValidationError."""
    try:
        return convert(value, what)
    except ValidationError:
        raise
    except (ValueError, OverflowError, TypeError, ZeroDivisionError) as e:
        raise ValidationError(
            f"{what} must be a finite number, got {_shown(value)} ({e})", field=what
        ) from None


def _micros(value: timedelta) -> int:
    return value // _MICROSECOND


def _target(value: Any) -> Fraction:
    """An SLO target as a fraction strictly between 0 and 1."""
    target = _checked(share, value, "target")
    if 0 < target < 1:
        return target
    if target == 1:
        reason = "100 % leaves no error budget"
    elif target > 1 and not isinstance(value, pint.Quantity):
        reason = "a bare number is a share of 1: write 0.999 or Q_(99.9, 'percent') for 99.9 %"
    else:
        reason = "it must be above 0 % and below 100 %"
    raise ValidationError(f"SLO target {_shown(value)} is not usable: {reason}", field="target")


def _positive_duration(value: Any, what: str) -> timedelta:
    """A duration longer than zero (at least one microsecond)."""
    result = _checked(duration, value, what)
    if result <= timedelta(0):
        raise ValidationError(f"{what} must be longer than zero, got {_shown(value)}", field=what)
    return result


def _non_negative_duration(value: Any, what: str) -> timedelta:
    result = _checked(duration, value, what)
    if result < timedelta(0):
        raise ValidationError(f"{what} must not be negative, got {_shown(value)}", field=what)
    return result


def _window(value: Any) -> timedelta:
    return _positive_duration(value, "window")


def _target_pct(budget: ErrorBudget) -> Fraction:
    return budget.target * 100


def _allowed_pct(budget: ErrorBudget) -> Fraction:
    return budget.allowed_share * 100


@attrs.frozen(repr=False)
class ErrorBudget:
    """How much bad time an SLO ``target`` allows over a ``window``.

    ``allowed`` is derived: the window times ``1 - target``, rounded down to the
    microsecond. Shares of the budget are computed from the exact budget, not
    from the rounded ``allowed``.

    As a table it is one row: ``target`` (a ratio) and ``target_pct``,
    ``window_s`` and ``allowed_s`` in seconds, ``allowed_share`` and ``allowed_pct``.
    """

    columns: ClassVar[Columns] = Columns(
        Column("target", "float"),
        Column("target_pct", "float", _target_pct),
        Column("window_s", "seconds", "window"),
        Column("allowed_s", "seconds", "allowed"),
        Column("allowed_share", "float"),
        Column("allowed_pct", "float", _allowed_pct),
    )
    """The table of error budgets: one row each."""

    target: Fraction = attrs.field(converter=_target)
    window: timedelta = attrs.field(converter=_window)
    allowed: timedelta = attrs.field(init=False)

    @allowed.default
    def _allowed_default(self) -> timedelta:
        return timedelta(microseconds=_micros(self.window) * self.allowed_share // 1)

    @property
    def allowed_share(self) -> Fraction:
        """The share of the window that may be bad: ``1 - target``."""
        return 1 - self.target

    @property
    def allowed_percent(self) -> Decimal:
        """``allowed_share`` in percent: ``Decimal("0.1")`` for a 99.9 % target."""
        return percent(self.allowed_share)

    def _budget_micros(self) -> Fraction:
        """The exact budget in microseconds, before rounding."""
        return _micros(self.window) * self.allowed_share

    def consumed(self, bad: Any) -> Fraction:
        """The share of the budget that ``bad`` time uses; above 1 when overspent."""
        spent = _non_negative_duration(bad, "bad")
        return _micros(spent) / self._budget_micros()

    def remaining(self, bad: Any) -> timedelta:
        """What is left of ``allowed`` after ``bad`` time; negative when overspent."""
        return self.allowed - _non_negative_duration(bad, "bad")

    def exhausted_after(self, burn_rate: Any) -> timedelta:
        """How long the whole budget lasts at ``burn_rate`` (1 spends it over the window).

        Rounded down to the microsecond.
        """
        rate = _checked(share, burn_rate, "burn rate")
        if rate <= 0:
            raise ValidationError(
                f"burn rate must be above 0, got {_shown(burn_rate)}", field="burn rate"
            )
        return timedelta(microseconds=_micros(self.window) / rate // 1)

    def to_records(self, *, iso: bool = False) -> list[dict[str, Any]]:
        """The budget as one record of plain values (see the class documentation)."""
        return self.columns.records([self], iso=iso)

    def to_frame(self) -> Any:
        """The budget as a one-row pandas DataFrame (needs the ``pandas`` extra)."""
        return self.columns.frame([self])

    def _repr_html_(self) -> str:
        return self.columns.html_card(self, caption=repr(self)[1:-1])

    def __repr__(self) -> str:
        return (
            f"<ErrorBudget {percent(self.target)} % over {format_duration(self.window)}: "
            f"{format_duration(self.allowed)} allowed>"
        )


def error_budget(target: Any, window: Any) -> ErrorBudget:
    """The error budget of an SLO ``target`` over a ``window``.

    >>> error_budget(0.999, timedelta(days=30)).allowed
    datetime.timedelta(seconds=2592)
    """
    return ErrorBudget(target, window)


def burn_rate(consumed: Any, elapsed: Any, window: Any) -> Fraction:
    """How fast a budget burns, relative to spending it evenly over its window.

    ``consumed`` is the share of the budget used (``Q_(2, "percent")`` or
    ``0.02``) during ``elapsed``; the rate is ``consumed / (elapsed / window)``.
    1 exhausts the budget exactly at the end of the window.

    >>> burn_rate(0.05, timedelta(hours=6), timedelta(days=30))
    Fraction(6, 1)
    """
    used = _checked(share, consumed, "consumed")
    if used < 0:
        raise ValidationError(
            f"consumed must not be negative, got {_shown(consumed)}", field="consumed"
        )
    spent = _positive_duration(elapsed, "elapsed")
    whole = _window(window)
    return used * _micros(whole) / _micros(spent)


def allowed_bad_events(total: int, target: Any) -> int:
    """How many of ``total`` events may be bad under ``target``: ``floor(total * (1 - target))``.

    >>> allowed_bad_events(3_663_253, 0.99)
    36632
    """
    if isinstance(total, bool):
        raise ValidationError(f"total must be a whole number, got {total!r}", field="total")
    try:
        count = operator.index(total)
    except TypeError:
        raise ValidationError(
            f"total must be a whole number, got {total!r}", field="total"
        ) from None
    if count < 0:
        raise ValidationError(f"total must not be negative, got {count}", field="total")
    return count * (1 - _target(target)) // 1
