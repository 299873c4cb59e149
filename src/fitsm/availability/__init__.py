"""Availability (PR4): outages, measurement inside service hours, CI -> service outages.

Availability, downtime, MTRS and MTBF measured exactly from outage records;
service outages derived from the outages of the CIs a service depends on,
through the CMDB's redundancy groups; the composite availability a service can
reach from its components'.
"""

from fitsm.availability.composite import CompositeAvailability, composite_availability
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
    "CompositeAvailability",
    "MaintenancePolicy",
    "Outage",
    "OutageLog",
    "OutageState",
    "composite_availability",
    "derive_outages",
    "measure_availability",
]
