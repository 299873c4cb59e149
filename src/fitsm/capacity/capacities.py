"""The capacity of a CI or component (PR5.2): how much of one resource it can give.

FitSM-0 (CC BY 4.0) defines capacity as the "maximum extent to which a certain
element of the infrastructure (such as a configuration item) can be used", e.g.
total disk capacity, network bandwidth or transaction throughput. A
:class:`Capacity` says it for one subject (a CI or service component, by id) and
one metric, as a pint quantity: ``Q_(100, "TB")``, ``Q_(10, "Gbit/s")``,
``Q_(64, "core")``, ``Q_(500, "licence")``, ``Q_(4, "person")`` (per shift).
Utilisation is compared with it only in a unit of the same kind
(:func:`check_same_measure`): a TB pool's utilisation in cores is refused.
"""

from __future__ import annotations

import functools
from enum import StrEnum
from fractions import Fraction
from typing import Any

import attrs

from fitsm._validators import enum_value, identifier, identifier_or_empty, text
from fitsm.errors import ValidationError
from fitsm.units import Quantity, check_quantity, registry, root_units, to_fraction

__all__ = ["Capacity", "ResourceKind", "check_same_measure", "exact_factor"]


class ResourceKind(StrEnum):
    """The three kinds of resource PR5.3 asks capacity planning to consider."""

    HUMAN = "human"
    TECHNICAL = "technical"
    FINANCIAL = "financial"


def _kind(value: object) -> ResourceKind:
    return enum_value(ResourceKind, "kind")(value)


def check_same_measure(unit: Any, reference: Any, what: str) -> None:
    """Raise ValidationError unless ``unit`` measures what ``reference`` measures (bytes and
    bytes, cores and cores); both are units or quantities.

    >>> check_same_measure("GB", "TB", "utilisation")
    >>> check_same_measure("core", "TB", "utilisation")
    Traceback (most recent call last):
    ...
    fitsm.errors.ValidationError: utilisation in 'core' cannot be compared with a capacity ...
    """
    given = unit.units if isinstance(unit, Quantity) else unit
    wanted = reference.units if isinstance(reference, Quantity) else reference
    if root_units(given) != root_units(wanted):
        shown_given, shown_wanted = _unit_text(given), _unit_text(wanted)
        raise ValidationError(
            f"{what} in {shown_given!r} cannot be compared with a capacity in {shown_wanted!r}: "
            f"one measures {root_units(given)}, the other {root_units(wanted)}; expected a unit "
            f"of the same kind as {shown_wanted!r}",
            field=what,
        )


def _unit_text(unit: Any) -> str:
    """A unit as its user wrote it (``TB``), or pint's short form of a unit object."""
    return unit if isinstance(unit, str) else format(unit, "~")


def exact_factor(unit: Any, to: Any) -> Fraction:
    """What one ``unit`` is in ``to``, exactly: the ratio of their sizes in root units
    (pint's own conversion multiplies floats, and 1 TB came out as 1000.0000000000001 GB).

    >>> exact_factor("TB", "GB"), exact_factor("GiB", "MiB")
    (Fraction(1000, 1), Fraction(1024, 1))
    """
    check_same_measure(unit, to, "unit")
    return _root_size(unit) / _root_size(to)


@functools.lru_cache(maxsize=512)
def _root_size(unit: Any) -> Fraction:
    """The size of ``unit`` in root units, exactly: the product of its parts' sizes, so that
    ``transaction/min`` is exactly 1/60 (pint's float would be 0.016666666666666666)."""
    reg = registry()
    size = Fraction(1)
    for name, power in reg.Unit(unit)._units.items():
        part = to_fraction(reg.Quantity(1, name).to_root_units().magnitude)
        size *= part ** int(power) if power == int(power) else Fraction(part ** float(power))
    return size


def _amount(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    where = f"capacity {getattr(instance, 'subject', '?')}/{getattr(instance, 'metric', '?')}"
    check_quantity(value, f"{where}: amount")
    if to_fraction(value.magnitude) <= 0:
        raise ValidationError(f"{where}: amount must be above zero, got {value}", field="amount")


@attrs.frozen
class Capacity:
    """How much of ``metric`` the CI or component ``subject`` can give (PR5.2).

    ``ci_type`` is the subject's CI type in the CMDB (``"storage"``); thresholds
    set for a CI type apply through it. ``kind`` says whether it is a technical,
    human or financial resource (PR5.3).

    >>> from fitsm.units import Q_
    >>> Capacity("san1", "storage", Q_(100, "TB"), ci_type="storage").key
    'san1/storage'
    """

    subject: str = attrs.field(validator=identifier)
    metric: str = attrs.field(validator=identifier)
    amount: Any = attrs.field(validator=_amount)
    kind: ResourceKind = attrs.field(default=ResourceKind.TECHNICAL, converter=_kind)
    ci_type: str = attrs.field(default="", validator=identifier_or_empty)
    note: str = attrs.field(default="", validator=text)

    @property
    def key(self) -> str:
        """``subject/metric``: one capacity per metric of a subject."""
        return f"{self.subject}/{self.metric}"

    def in_unit(self, unit: str) -> float:
        """The amount as a float in ``unit``, which must measure the same (bytes, cores ...).

        >>> from fitsm.units import Q_
        >>> Capacity("san1", "storage", Q_(100, "TB")).in_unit("GB")
        100000.0
        """
        check_same_measure(unit, self.amount, f"{self.key} utilisation")
        return float(to_fraction(self.amount.magnitude) * exact_factor(self.amount.units, unit))
