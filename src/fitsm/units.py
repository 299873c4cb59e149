"""The one entry point to pint: quantities for service targets, and exact conversions.

fitsm uses pint's *application registry*, so quantities made here mix with the
ones your application makes with ``pint.get_application_registry()``. Quantities
belong at the API boundary (targets, capacities); inside, durations are
``timedelta`` or integer microseconds and shares are ``Fraction``, because pint
costs microseconds per operation and floats cannot say ``0.1`` exactly.

>>> Q_(99.9, "percent")
<Quantity(99.9, 'percent')>
>>> share(Q_(99.9, "percent"))
Fraction(999, 1000)
>>> duration(Q_(4, "hour"))
datetime.timedelta(seconds=14400)
"""

from __future__ import annotations

import functools
import math
import numbers
from datetime import timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pint

from fitsm._validators import shown
from fitsm.errors import ValidationError

__all__ = [
    "DEFAULT_PLACES",
    "EXTRA_UNITS",
    "Q_",
    "Quantity",
    "check_dimension",
    "check_quantity",
    "duration",
    "percent",
    "registry",
    "root_units",
    "share",
    "to_fraction",
]

Quantity = pint.Quantity
"""The pint quantity type; make quantities with :func:`Q_`."""


def registry() -> Any:
    """The pint application registry fitsm uses."""
    return pint.get_application_registry()  # type: ignore[no-untyped-call]


EXTRA_UNITS = (
    "core = [cpu_core]",
    "licence = [licence] = _ = license",
    "person = [person] = _ = people",
    "transaction = [transaction]",
)
"""Units pint lacks, each its own dimension, for capacities (PR5.2): CPU cores, licences,
people (per shift) and transactions. A TB pool's utilisation in cores is then refused, not
converted; defined once, in the application registry, when fitsm.units is imported."""


def _define_extra_units() -> None:
    reg = registry()
    for definition in EXTRA_UNITS:
        name = definition.split("=", 1)[0].strip()
        if name not in reg:  # another import (or the application) defined it already
            reg.define(definition)


def root_units(unit: Any) -> str:
    """What a unit measures, finer than its dimension: pint counts bits and bytes as
    dimensionless, so ``TB`` and ``percent`` share a dimension but not root units.

    >>> root_units("TB"), root_units("GiB"), root_units("Gbit/s"), root_units("percent")
    ('bit', 'bit', 'bit / second', 'dimensionless')
    """
    try:
        return _root_units(unit)
    except (pint.errors.PintError, AssertionError, ValueError, TypeError) as e:
        raise ValidationError(f"{shown(unit)} is not a unit fitsm understands: {e}") from None


@functools.lru_cache(maxsize=512)
def _root_units(unit: Any) -> str:
    # a few units, asked about on every check: pint takes a millisecond to answer
    return str(registry().Quantity(1, unit).to_root_units().units)


@functools.lru_cache(maxsize=512)
def unit_named(text: str) -> Any:
    """The unit ``text`` names, parsed once: a stored document repeats a few units many
    times, and pint takes tens of microseconds to parse one."""
    try:
        return registry().Unit(text)
    except (pint.errors.PintError, AssertionError, ValueError, TypeError) as e:
        raise ValidationError(f"{shown(text)} is not a unit fitsm understands: {e}") from None


@functools.lru_cache(maxsize=512)
def unit_text(unit: Any) -> str:
    """``str(unit)``, formatted once per unit (pint takes tens of microseconds each time)."""
    return str(unit)


def Q_(value: Any, unit: str | None = None) -> Any:  # noqa: N802 - pint's own idiom
    """A quantity of the application registry: ``Q_(99.9, "percent")``, ``Q_("4 hour")``."""
    reg = registry()
    try:
        return reg.Quantity(value) if unit is None else reg.Quantity(value, unit)
    except (pint.errors.PintError, AssertionError, ValueError, TypeError) as e:
        # pint's parser can fail with any of these on malformed text
        given = unit if unit is not None else value
        raise ValidationError(f"{shown(given)} is not a quantity fitsm understands: {e}") from None


def to_fraction(value: Any) -> Fraction:
    """An exact fraction from an int, a Fraction, a Decimal, a str or a float (by its text)."""
    try:
        return _to_fraction(value)
    except (ValueError, OverflowError, ZeroDivisionError):
        raise ValidationError(f"expected a finite number, got {shown(value)}") from None


def _to_fraction(value: Any) -> Fraction:
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool):
        raise ValidationError(f"expected a number, got {shown(value)}")
    if isinstance(value, int | Decimal):
        return Fraction(value)
    if isinstance(value, float):
        # 99.9 means 99.9, not 99.900000000000005684...
        return Fraction(repr(value))
    if isinstance(value, str):
        try:
            return Fraction(value)
        except ValueError:
            raise ValidationError(f"expected a number, got {shown(value)}") from None
    raise ValidationError(f"expected a number, got {shown(value)}")


def check_quantity(value: Any, what: str) -> Any:
    """Return ``value`` if it is a finite quantity of the application registry, else raise.

    A quantity of another pint registry cannot be compared or converted with
    fitsm's (pint raises on every mix), and a NaN target is met by nothing.
    """
    if not isinstance(value, pint.Quantity):
        raise ValidationError(
            f"{what} must be a quantity such as Q_(4, 'hour'), got {shown(value)}", field=what
        )
    if value._REGISTRY is not registry().get():
        raise ValidationError(
            f"{what} {shown(value)} comes from another pint registry; make it with fitsm.Q_ "
            "or pint.get_application_registry()",
            field=what,
        )
    magnitude = value.magnitude
    if isinstance(magnitude, bool):
        finite = False
    elif isinstance(magnitude, int | Fraction):
        finite = True
    elif isinstance(magnitude, Decimal):
        finite = magnitude.is_finite()
    else:
        finite = isinstance(magnitude, numbers.Real) and math.isfinite(magnitude)
    if not finite:
        raise ValidationError(
            f"{what} must have a finite number as magnitude, got {shown(value)}", field=what
        )
    return value


def check_dimension(value: Any, dimension: str, what: str) -> Any:
    """Return ``value`` if it is a quantity of ``dimension`` (e.g. ``"[time]"``), else raise."""
    check_quantity(value, what)
    if not value.check(dimension):
        raise ValidationError(
            f"{what} must have dimension {dimension}, got {value:~P} ({value.dimensionality})",
            field=what,
        )
    return value


def share(value: Any, what: str = "share") -> Fraction:
    """A dimensionless quantity (``Q_(99.9, "percent")``) or a number as an exact fraction of 1."""
    if isinstance(value, pint.Quantity):
        check_dimension(value, "[]", what)
        magnitude = to_fraction(value.magnitude)
        factor = to_fraction(value.units._REGISTRY.Quantity(1, value.units).to("").magnitude)
        return magnitude * factor
    return to_fraction(value)


def duration(value: Any, what: str = "duration") -> timedelta:
    """A ``[time]`` quantity as a ``timedelta``, exact to the microsecond."""
    if isinstance(value, timedelta):
        return value
    check_dimension(value, "[time]", what)
    micros = to_fraction(value.to("microsecond").magnitude)
    try:
        return timedelta(microseconds=round(micros))
    except OverflowError:
        raise ValidationError(f"{what} {value} is too long for a timedelta") from None


_define_extra_units()

DEFAULT_PLACES = 10
"""Decimal places :func:`percent` rounds to when a share has no finite decimal form."""


def _terminates(denominator: int) -> int | None:
    """The fewest decimal places that express ``1/denominator`` exactly, or None."""
    twos = fives = 0
    while denominator % 2 == 0:
        denominator //= 2
        twos += 1
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    return max(twos, fives) if denominator == 1 else None


def percent(value: Fraction, places: int | None = None) -> Decimal:
    """A share as a ``Decimal`` percent.

    Without ``places`` the result is exact when the percent has a finite decimal
    form and otherwise rounded half-even to :data:`DEFAULT_PLACES` places; with
    ``places`` it is always rounded half-even to that many places.

    >>> percent(Fraction(1, 1000))
    Decimal('0.1')
    >>> percent(Fraction(2, 3))
    Decimal('66.6666666667')
    >>> percent(Fraction(1, 8), 0)
    Decimal('12')
    """
    try:
        share_ = share(value, "value")
    except ValidationError:
        raise
    except (ValueError, OverflowError, TypeError, ZeroDivisionError) as e:
        raise ValidationError(f"value must be a finite number, got {shown(value)} ({e})") from None
    hundredths = share_ * 100
    if places is None:
        exact = _terminates(hundredths.denominator)
        digits = DEFAULT_PLACES if exact is None else exact
    else:
        if isinstance(places, bool) or not isinstance(places, int) or places < 0:
            raise ValidationError(
                f"places must be a whole number of at least 0, got {shown(places)}", field="places"
            )
        digits = places
    scaled = round(hundredths * 10**digits)  # Fraction rounds half to even
    return Decimal(f"{scaled}E-{digits}")
