"""The general service management policy, versioned, approved and communicated (GR1.2).

FitSM-1 (CC BY 4.0): "GR1.2 A general service management policy shall be defined
that includes overall service management goals as well as a commitment to
continual improvement and a service-oriented and process-oriented approach. The
service management policy shall be approved and communicated to relevant parties
by the SMS owner." A :class:`ServiceManagementPolicy` keeps every version; a version is drafted,
then approved (only with goals and the three commitments), then communicated.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

import attrs

from fitsm._validators import enum_value, identifier, text, to_str_tuple
from fitsm.errors import ValidationError
from fitsm.sms.records import Approval, Distribution, SmsChange, history

__all__ = [
    "REQUIRED_COMMITMENTS",
    "Commitment",
    "ServiceManagementPolicy",
    "ServiceManagementPolicyVersion",
]


class Commitment(StrEnum):
    """The commitments GR1.2 asks the policy to make."""

    CONTINUAL_IMPROVEMENT = "continual_improvement"
    SERVICE_ORIENTED = "service_oriented"
    PROCESS_ORIENTED = "process_oriented"


REQUIRED_COMMITMENTS = frozenset(Commitment)
"""Every commitment: GR1.2 asks for all three."""


def _commitments(value: Iterable[object]) -> frozenset[Commitment]:
    if isinstance(value, str):
        value = (value,)
    return frozenset(enum_value(Commitment, "commitments")(v) for v in value)


def _distributions(value: Iterable[Distribution]) -> tuple[Distribution, ...]:
    return tuple(value)


@attrs.frozen
class ServiceManagementPolicyVersion:
    """One version of the policy: its goals, commitments and statement, its approval and
    to whom it was communicated."""

    number: int
    goals: tuple[str, ...] = attrs.field(converter=to_str_tuple)
    commitments: frozenset[Commitment] = attrs.field(converter=_commitments)
    statement: str = attrs.field(default="", validator=text)
    approval: Approval | None = None
    communications: tuple[Distribution, ...] = attrs.field(default=(), converter=_distributions)

    def missing(self) -> list[str]:
        """What GR1.2 asks of the policy that this version lacks: ``"goals"`` and the
        commitments not made, in that order."""
        found = [] if any(g.strip() for g in self.goals) else ["goals"]
        return found + [c.value for c in Commitment if c not in self.commitments]


def _versions(
    value: Iterable[ServiceManagementPolicyVersion],
) -> tuple[ServiceManagementPolicyVersion, ...]:
    return tuple(value)


@attrs.frozen
class ServiceManagementPolicy:
    """The general service management policy with every version (GR1.2).

    >>> v = ServiceManagementPolicyVersion(1, ["Meet every SLA"], ["continual_improvement"])
    >>> v.missing()
    ['service_oriented', 'process_oriented']
    """

    id: str = attrs.field(validator=identifier)
    title: str = attrs.field(validator=text)
    versions: tuple[ServiceManagementPolicyVersion, ...] = attrs.field(
        default=(), converter=_versions
    )
    history: tuple[SmsChange, ...] = attrs.field(default=(), converter=history)

    def __attrs_post_init__(self) -> None:
        numbers = [v.number for v in self.versions]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValidationError(
                f"policy {self.id!r}: versions must be numbered 1, 2, ... in order, got "
                f"{numbers!r}",
                field="versions",
            )

    @property
    def latest(self) -> ServiceManagementPolicyVersion | None:
        """The newest version, approved or not."""
        return self.versions[-1] if self.versions else None

    @property
    def current(self) -> ServiceManagementPolicyVersion | None:
        """The newest approved version: the policy in force."""
        return next((v for v in reversed(self.versions) if v.approval is not None), None)

    def version(self, number: int) -> ServiceManagementPolicyVersion:
        if not isinstance(number, int) or not 1 <= number <= len(self.versions):
            raise ValidationError(
                f"policy {self.id!r} has versions 1 to {len(self.versions)}, got {number!r}",
                field="number",
            )
        return self.versions[number - 1]
