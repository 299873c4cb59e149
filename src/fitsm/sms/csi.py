"""Nonconformities and deviations feed the CSI register (GR7.1, GR7.2 -> PR14).

FitSM-2 (CC BY 4.0) asks to "ensure that identified nonconformities and deviations
are prioritised, approved or rejected, and implemented according to the Continual
Service Improvement Management process". The SMS area builds the improvement case
(:class:`fitsm.cases.Improvement`) for a nonconformity; the application registers
it with :class:`fitsm.CaseDesk` (which checks who may) and links it back with
:meth:`fitsm.sms.SmsRegister.link_improvement`. The SMS area reads the cases area,
never the other way round (docs/architecture.md).
"""

from __future__ import annotations

from datetime import datetime

from fitsm._validators import check_id
from fitsm.cases.improvements import Improvement
from fitsm.errors import ValidationError
from fitsm.sms.assessments import Nonconformity

__all__ = ["improvement_for"]


def improvement_for(
    nonconformity: Nonconformity, case_id: str, *, at: datetime, by: str
) -> Improvement:
    """The CSI improvement (PR14.1) that handles ``nonconformity``: titled after it, its
    ``source`` naming it (``"nonconformity:nc-1"``), registered at ``at`` by ``by``.

    >>> from datetime import UTC
    >>> nc = Nonconformity("nc-1", "No management review in 2024", requirement="GR1.3")
    >>> case = improvement_for(nc, "CSI-7", at=datetime(2024, 3, 1, tzinfo=UTC), by="sam")
    >>> case.source, case.title
    ('nonconformity:nc-1', 'GR1.3: No management review in 2024')
    """
    if not isinstance(nonconformity, Nonconformity):
        raise ValidationError(f"expected a Nonconformity, got {nonconformity!r}")
    if nonconformity.improvement:
        raise ValidationError(
            f"nonconformity {nonconformity.id!r} feeds improvement "
            f"{nonconformity.improvement!r} already; expected one without",
            field="improvement",
        )
    title = nonconformity.description
    if nonconformity.requirement:
        title = f"{nonconformity.requirement}: {title}"
    return Improvement(
        check_id(case_id, "case id"),
        title,
        at,
        check_id(by, "registered by"),
        source=f"{nonconformity.kind.value}:{nonconformity.id}",
    )
