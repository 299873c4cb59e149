"""When will a resource fill up at the current trend? A least-squares line (PR5.1, PR5.3).

The trend model, in full: take the samples of the last ``window`` of the
series (default 30 days, counted back from the last sample), fit the straight
line ``value = a + b * t`` that minimises the sum of squared differences
(ordinary least squares, computed with numpy on times centred on their mean, so
microsecond epochs lose no precision), and solve ``a + b * t = fraction x
capacity`` for ``t``. Seasonality, bursts and step changes are not modelled: the
answer says where the recent straight-line growth leads, nothing more.

The data is *too short* when the window holds fewer than ``min_samples``
samples (default 10) or spans less than ``min_span`` (default 7 days): the
forecast then says so (:attr:`ForecastStatus.TOO_SHORT`) instead of guessing.
A flat or falling trend never crosses (:attr:`ForecastStatus.NOT_RISING`); a
rise over the window below a billionth of the mean level (:data:`FLAT`) is
float64 rounding of flat data and counts as flat.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from fractions import Fraction
from typing import Any

import attrs
import numpy as np

from fitsm._validators import shown
from fitsm.capacity.capacities import Capacity
from fitsm.capacity.series import UtilisationSeries
from fitsm.capacity.thresholds import level_share
from fitsm.errors import ValidationError
from fitsm.time.intervals import from_micros

__all__ = [
    "DEFAULT_WINDOW",
    "FLAT",
    "MIN_SAMPLES",
    "MIN_SPAN",
    "Forecast",
    "ForecastStatus",
    "Trend",
    "fit_trend",
    "forecast_crossing",
]

FLAT = 1e-9
"""A fitted rise over the whole window smaller than this share of the mean level is rounding,
not a trend: the forecast calls it flat."""
DEFAULT_WINDOW = timedelta(days=30)
"""How much recent history the trend is fitted to."""
MIN_SAMPLES = 10
"""Fewer samples than this in the window are too short for a trend."""
MIN_SPAN = timedelta(days=7)
"""A window whose samples span less than this is too short for a trend."""

_LAST_MICROS = (datetime.max - datetime(1970, 1, 1)) // timedelta(microseconds=1)
_FIRST_MICROS = (datetime.min - datetime(1970, 1, 1)) // timedelta(microseconds=1)


class ForecastStatus(StrEnum):
    """What a forecast found."""

    CROSSES = "crosses"
    """The trend reaches the level after the last sample, at :attr:`Forecast.crossing`."""
    ABOVE = "above"
    """The trend is rising and already at or above the level at the last sample;
    :attr:`Forecast.crossing` is when the trend line reached it."""
    NOT_RISING = "not_rising"
    """The trend is flat or falling: it never reaches the level."""
    BEYOND_CALENDAR = "beyond_calendar"
    """The trend rises so slowly that it reaches the level after the year 9999."""
    TOO_SHORT = "too_short"
    """Too few samples, or too short a span, to fit a trend (see :data:`MIN_SAMPLES`,
    :data:`MIN_SPAN`)."""


@attrs.frozen
class Trend:
    """A fitted line: ``value(t) = level + slope * (t - at)``, in the series' unit."""

    at: datetime
    """The instant the line's ``level`` is given for (the mean of the fitted times)."""
    level: float
    slope_per_day: float

    def value(self, when: datetime) -> float:
        """The line's value at ``when``."""
        return self.level + self.slope_per_day * ((when - self.at) / timedelta(days=1))


@attrs.frozen
class Forecast:
    """The answer of :func:`forecast_crossing`."""

    subject: str
    metric: str
    status: ForecastStatus
    crossing: datetime | None
    """When the trend reaches ``limit``; None unless the status is CROSSES or ABOVE."""
    limit: float
    """The level looked for, in ``unit`` (fraction x capacity)."""
    unit: str
    samples: int
    """Samples in the window the trend was fitted to."""
    span: timedelta
    """From the window's first sample to its last."""
    trend: Trend | None
    """The fitted line; None when the data is too short."""
    reason: str
    """The status in words, with the figures."""


def fit_trend(times: Any, values: Any) -> tuple[float, float, float]:
    """Least squares over ``times`` (int64 microseconds) and ``values``: ``(mean time in
    microseconds, value at the mean time, slope per microsecond)``.

    >>> fit_trend(np.array([0, 10, 20]), np.array([1.0, 2.0, 3.0]))
    (10.0, 2.0, 0.1)
    """
    t = np.asarray(times)
    y = np.asarray(values, dtype=np.float64)
    origin = int(t[0])
    x = (t - origin).astype(np.float64)  # small numbers: float64 keeps them exact
    x_mean = float(x.mean())
    x -= x_mean
    residue = float(x.sum())  # zero but for rounding; taken out of sum(x * y) below
    # einsum, not x @ y: a BLAS dot can cost a hundred times more on a busy machine
    sxx = float(np.einsum("i,i->", x, x))
    y_mean = float(y.mean())
    sxy = float(np.einsum("i,i->", x, y)) - residue * y_mean
    slope = sxy / sxx if sxx > 0 else 0.0
    return origin + x_mean, y_mean, slope


def forecast_crossing(
    series: UtilisationSeries,
    capacity: Capacity | Any,
    fraction: Any = Fraction(4, 5),
    *,
    window: timedelta = DEFAULT_WINDOW,
    min_samples: int = MIN_SAMPLES,
    min_span: timedelta = MIN_SPAN,
) -> Forecast:
    """When ``series`` reaches ``fraction`` (default 80 %) of ``capacity`` (a
    :class:`Capacity` or a quantity) at the trend of its last ``window``.

    >>> from datetime import UTC
    >>> from fitsm.units import Q_
    >>> t0 = datetime(2026, 1, 1, tzinfo=UTC)
    >>> days = [t0 + timedelta(days=d) for d in range(30)]
    >>> s = UtilisationSeries.of("san1", "storage", "TB", days, [50 + d for d in range(30)])
    >>> f = forecast_crossing(s, Q_(100, "TB"), Q_(80, "percent"))
    >>> f.status.value, f.crossing.isoformat()
    ('crosses', '2026-01-31T00:00:00+00:00')
    """
    if not isinstance(series, UtilisationSeries):
        raise ValidationError(f"expected a UtilisationSeries, got {shown(series)}", field="series")
    for name, given in (("window", window), ("min_span", min_span)):
        if not isinstance(given, timedelta) or given < timedelta(0):
            raise ValidationError(
                f"{name} must be a timedelta of at least 0, got {shown(given)}", field=name
            )
    if isinstance(min_samples, bool) or not isinstance(min_samples, int) or min_samples < 2:
        raise ValidationError(
            f"min_samples must be a whole number of at least 2 (a line needs two points), got "
            f"{shown(min_samples)}",
            field="min_samples",
        )
    level = level_share(fraction, "fraction")
    if level <= 0:
        raise ValidationError(f"fraction must be above 0, got {shown(fraction)}", field="fraction")
    amount = capacity.amount if isinstance(capacity, Capacity) else capacity
    full = Capacity(series.subject, series.metric, amount).in_unit(series.unit)
    limit = float(level * Fraction(full))
    times, values = series.times, series.values
    if len(times):
        first = int(np.searchsorted(times, int(times[-1]) - window // timedelta(microseconds=1)))
        times, values = times[first:], values[first:]
    n = len(times)
    span = timedelta(microseconds=int(times[-1] - times[0])) if n else timedelta(0)

    def answer(status: ForecastStatus, crossing: datetime | None, trend: Trend | None,
               reason: str) -> Forecast:  # fmt: skip
        return Forecast(series.subject, series.metric, status, crossing, limit, series.unit,
                        n, span, trend, reason)  # fmt: skip

    if n < min_samples or span < min_span or span <= timedelta(0):
        return answer(
            ForecastStatus.TOO_SHORT,
            None,
            None,
            f"too short: {n} samples over {_said(span)} in the last {_said(window)}; a trend "
            f"needs at least {min_samples} samples over at least {_said(min_span)}",
        )
    mean_us, mean_value, slope = fit_trend(times, values)
    if abs(slope) * (times[-1] - times[0]) <= FLAT * abs(mean_value):
        slope = 0.0  # a rise over the window below float64's noise on the level: no trend
    per_day = slope * (timedelta(days=1) // timedelta(microseconds=1))
    anchor = from_micros(round(mean_us))
    trend = Trend(anchor, mean_value, per_day)
    if slope <= 0:
        return answer(
            ForecastStatus.NOT_RISING,
            None,
            trend,
            f"not rising: the trend is {per_day:.6g} {series.unit} a day",
        )
    at_us = mean_us + (limit - mean_value) / slope
    if at_us > _LAST_MICROS:
        return answer(
            ForecastStatus.BEYOND_CALENDAR,
            None,
            trend,
            f"rising {per_day:.6g} {series.unit} a day, too slowly to reach {limit:.6g} "
            f"{series.unit} before the year 9999",
        )
    # a steep trend far above the level crossed it before the year 1: say when is unknown
    crossing = from_micros(round(at_us)) if at_us >= _FIRST_MICROS else None
    status = ForecastStatus.CROSSES if at_us > times[-1] else ForecastStatus.ABOVE
    verb = "reaches" if status is ForecastStatus.CROSSES else "reached"
    return answer(
        status,
        crossing,
        trend,
        f"rising {per_day:.6g} {series.unit} a day, the trend {verb} {limit:.6g} {series.unit} "
        f"on {crossing.isoformat() if crossing else 'a day before the year 1'}",
    )


def _said(span: timedelta) -> str:
    """A span in words: ``7 days``, ``36 hours``, ``90 seconds``."""
    for unit, size in (("day", timedelta(days=1)), ("hour", timedelta(hours=1))):
        if span and span % size == timedelta(0):
            count = span // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{span.total_seconds():g} seconds"
