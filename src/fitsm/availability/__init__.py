"""Availability (PR4): outages, measurement inside service hours, CI -> service outages.

Availability, downtime, MTRS and MTBF measured exactly from outage records;
service outages derived from the outages of the CIs a service depends on,
through the CMDB's redundancy groups; the composite availability a service can
reach from its components'. Continuity (PR4.1, PR4.3): requirements per service
(availability target, maximum tolerable downtime, RTO, RPO), availability and
continuity plans with measures, continuity tests with their achieved recovery
time, in one :class:`ContinuityRegister`; :func:`check_services` says per service
whether its structure can meet the target and its last test met the RTO. Who may
do what is in :data:`fitsm.availability.authority.RULES`.
"""

from fitsm.availability.composite import CompositeAvailability, composite_availability
from fitsm.availability.continuity import (
    ContinuityChange,
    ContinuityTest,
    Measure,
    MeasureStatus,
    Plan,
    PlanKind,
    ServiceRequirements,
    TestEvent,
    TestEventKind,
    TestOutcome,
)
from fitsm.availability.continuity_check import (
    AvailabilityVerdict,
    ContinuityCheck,
    ContinuityVerdict,
    check_services,
)
from fitsm.availability.continuity_register import (
    ContinuityRegister,
    TestVerdict,
    continuity_plan_subject,
    continuity_requirements_subject,
    plan_reviews,
)
from fitsm.availability.derivation import derive_outages
from fitsm.availability.measurement import (
    AvailabilityPolicy,
    AvailabilityReport,
    MaintenancePolicy,
    Outage,
    OutageLog,
    OutageState,
    measure_availability,
)

__all__ = [
    "AvailabilityPolicy",
    "AvailabilityReport",
    "AvailabilityVerdict",
    "CompositeAvailability",
    "ContinuityChange",
    "ContinuityCheck",
    "ContinuityRegister",
    "ContinuityTest",
    "ContinuityVerdict",
    "MaintenancePolicy",
    "Measure",
    "MeasureStatus",
    "Outage",
    "OutageLog",
    "OutageState",
    "Plan",
    "PlanKind",
    "ServiceRequirements",
    "TestEvent",
    "TestEventKind",
    "TestOutcome",
    "TestVerdict",
    "check_services",
    "composite_availability",
    "continuity_plan_subject",
    "continuity_requirements_subject",
    "derive_outages",
    "measure_availability",
    "plan_reviews",
]
