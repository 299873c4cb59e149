"""Capacity requirements from SLA targets and demand forecasts (PR5.1).

FitSM-1 (CC BY 4.0): "PR5.1 Service capacity and performance requirements shall
be identified and reviewed at planned intervals, taking into consideration SLAs
and predicted demand." FitSM-2 names the steps "derive performance targets from
SLAs" and "translate performance targets into capacity requirements".

The translation here is deliberately small: the demand (the larger of an SLA
performance or capacity target and a forecast demand) times what one unit of
demand costs in the resource, times ``1 + headroom``::

    200 transaction/s x 0.02 core s/transaction x (1 + 25 %) = 5 core

Magnitudes are multiplied as exact fractions, so the figure shown is the figure
meant. Each requirement is reviewed on a schedule whose subject is
:func:`capacity_requirements_subject` of its service (kind ``requirements``).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import attrs

from fitsm._validators import identifier, shown, text, to_str_tuple
from fitsm.capacity.capacities import check_same_measure, exact_factor
from fitsm.errors import ValidationError
from fitsm.reviews.schedules import ReviewSubject, SubjectKind
from fitsm.service_levels.agreements import ServiceTarget, TargetKind
from fitsm.units import Q_, check_quantity, share, to_fraction

__all__ = ["CapacityRequirement", "capacity_requirements_subject", "derive_requirement"]


def capacity_requirements_subject(service: str) -> ReviewSubject:
    """The review subject of a service's capacity and performance requirements (PR5.1).

    >>> str(capacity_requirements_subject("shop"))
    'requirements:capacity-shop'
    """
    return ReviewSubject(SubjectKind.REQUIREMENTS, f"capacity-{service}")


def _amount(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    check_quantity(value, f"requirement {getattr(instance, 'id', '?')!r}: amount")
    if to_fraction(value.magnitude) <= 0:
        raise ValidationError(
            f"requirement {getattr(instance, 'id', '?')!r}: amount must be above zero, got {value}",
            field="amount",
        )


@attrs.frozen
class CapacityRequirement:
    """How much of ``metric`` ``service`` needs (PR5.1), and how that was worked out.

    ``basis`` states the derivation (:func:`derive_requirement` writes it);
    ``sources`` names where the demand came from (an agreement id, a forecast).
    """

    id: str = attrs.field(validator=identifier)
    service: str = attrs.field(validator=identifier)
    metric: str = attrs.field(validator=identifier)
    amount: Any = attrs.field(validator=_amount)
    basis: str = attrs.field(default="", validator=text)
    sources: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple)

    def is_met_by(self, capacity: Any) -> bool:
        """Whether ``capacity`` (a quantity of the same kind) is at least the requirement."""
        check_same_measure(capacity, self.amount, f"requirement {self.id!r}: capacity")
        return bool(to_fraction(capacity.to(self.amount.units).magnitude) >= self.magnitude)

    @property
    def magnitude(self) -> Fraction:
        return to_fraction(self.amount.magnitude)


def _demand(value: Any, what: str) -> Any:
    if isinstance(value, ServiceTarget):
        if value.kind not in (TargetKind.PERFORMANCE, TargetKind.CAPACITY):
            raise ValidationError(
                f"{what}: a {value.kind.value} target sets no demand; expected a performance "
                "or capacity target (e.g. Q_(200, 'transaction/s'))",
                field="target",
            )
        return value.value
    return check_quantity(value, what)


def _exact(quantity: Any, unit: Any) -> Fraction:
    """``quantity`` in ``unit`` as an exact fraction (pint's factors are exact decimals)."""
    return to_fraction(quantity.magnitude) * exact_factor(quantity.units, unit)


def derive_requirement(
    id: str,
    service: str,
    metric: str,
    *,
    cost: Any,
    unit: str,
    target: ServiceTarget | Any = None,
    forecast: Any = None,
    headroom: Any = 0,
    sources: tuple[str, ...] = (),
) -> CapacityRequirement:
    """A requirement of ``service`` for ``metric`` in ``unit``: the demand times ``cost``
    (the resource one unit of demand takes) times ``1 + headroom``.

    The demand is the larger of ``target`` (an SLA performance or capacity target,
    or a quantity) and ``forecast`` (a predicted demand); at least one is needed.

    >>> from fitsm.units import Q_
    >>> r = derive_requirement("cpu-shop", "shop", "cpu", unit="core",
    ...     target=Q_(200, "transaction/s"), cost=Q_(0.02, "core*s/transaction"),
    ...     forecast=Q_(160, "transaction/s"), headroom=Q_(25, "percent"))
    >>> str(r.amount)
    '5 core'
    >>> for part in r.basis.split(" x "):
    ...     print(part)
    200 transaction / second (target)
    0.02 core * second / transaction
    (1 + 25 % headroom) = 5 core
    """
    where = f"requirement {id!r}"
    given = []
    if target is not None:
        given.append((_demand(target, f"{where}: target"), "target"))
    if forecast is not None:
        given.append((_demand(forecast, f"{where}: forecast"), "forecast"))
    if not given:
        raise ValidationError(
            f"{where} needs a demand: an SLA target (target=) or a forecast demand (forecast=)",
            field="target",
        )
    if len(given) == 2:
        check_same_measure(given[1][0], given[0][0], f"{where}: forecast demand")
        first, second = given
        bigger = _exact(second[0], first[0].units) > to_fraction(first[0].magnitude)
        demand, picked = second if bigger else first
    else:
        demand, picked = given[0]
    check_quantity(cost, f"{where}: cost")
    extra = share(headroom, "headroom")
    if extra < 0:
        raise ValidationError(f"{where}: headroom must be at least 0, got {shown(headroom)}")
    product = Q_(1, demand.units) * Q_(1, cost.units)
    try:
        factor = _exact(product, unit)
    except ValidationError as e:
        raise ValidationError(
            f"{where}: demand in {demand.units} times cost in {cost.units} is not a quantity "
            f"in {unit!r} ({e}); expected a cost per unit of demand, e.g. 'core*s/transaction'",
            field="cost",
        ) from None
    amount = to_fraction(demand.magnitude) * to_fraction(cost.magnitude) * factor * (1 + extra)
    shown_amount = Q_(_plain(amount), unit)
    basis = f"{demand} ({picked}) x {cost}"
    if extra:
        basis += f" x (1 + {_plain(extra * 100)} % headroom)"
    basis += f" = {shown_amount}"
    return CapacityRequirement(id, service, metric, shown_amount, basis, sources)


def _plain(value: Fraction) -> int | Fraction:
    """A whole fraction as an int, so it prints as ``5``, not ``5/1``."""
    return value.numerator if value.denominator == 1 else value
