"""Which stored records are the key outputs of which process (GR2.3), as data.

FitSM-1 (CC BY 4.0): "GR2.3 The key outputs of all service management processes
(see PR1-PR14) shall be documented and the execution of key activities of these
processes recorded." The library keeps many of these outputs in a store; each
:class:`KeyOutput` says where (the unit of work's repository, and the case kind or
review subject kind within it), so an audit can count the records of each output.
An output the library does not hold has no repository: a person must show it.
The output names are FitSM-2's.
"""

from __future__ import annotations

import attrs

from fitsm._validators import enum_value, text
from fitsm.roles import Process

__all__ = ["KEY_OUTPUTS", "KeyOutput", "outputs_of"]


def _process(value: object) -> Process:
    return enum_value(Process, "process")(value)


@attrs.frozen
class KeyOutput:
    """One key output of a process and where the store keeps its records.

    ``repository`` is the unit of work's attribute (``"cases"``, ``"reviews"``,
    ``"cmdbs"``, ...) or ``""`` when the library keeps no record of it; ``kind``
    narrows it: a case kind (``"incident"``) in ``cases``, a review subject kind
    (``"cmdb_verification"``) in ``reviews``.
    """

    process: Process = attrs.field(converter=_process)
    output: str = attrs.field(validator=text)
    repository: str = attrs.field(default="", validator=text)
    kind: str = attrs.field(default="", validator=text)

    @property
    def stored(self) -> bool:
        """Whether the library keeps records of this output."""
        return bool(self.repository)


_O = KeyOutput
KEY_OUTPUTS: tuple[KeyOutput, ...] = (
    _O("SPM", "Service portfolio", "portfolios"),
    _O("SLM", "Service catalogue", "portfolios"),
    _O("SLM", "Default SLA and individual SLAs with customers", "agreements"),
    _O("SLM", "Supporting OLAs and UAs, aligned with SLAs", "agreements"),
    _O("SLM", "Service level reviews", "reviews", "agreement"),
    _O("SRM", "Reports", "reports"),
    _O("SACM", "Service availability and continuity plans", "continuity"),
    _O("SACM", "Service availability data", "outages"),
    _O("SACM", "Availability and continuity risk assessments", "risks"),
    _O("CAPM", "Capacity plans"),
    _O("ISM", "Up-to-date information security risk assessment", "risks"),
    _O("ISM", "Documented information on access rights and their reviews", "reviews",
       "access_review"),
    _O("ISM", "Approved information security policies", "reviews", "security_policy"),
    _O("CRM", "Up-to-date database of service customers (customer database)", "customers"),
    _O("CRM", "Service review reports", "reviews", "customer_review"),
    _O("CRM", "Customer complaints records", "cases", "complaint"),
    _O("SUPPM", "Up-to-date supplier database", "suppliers"),
    _O("SUPPM", "Supplier evaluation results", "reviews", "supplier"),
    _O("ISRM", "Incident records", "cases", "incident"),
    _O("ISRM", "Service request records", "cases", "service_request"),
    _O("PM", "Up-to-date KEDB with information (records) on problems, known errors and "
       "related workarounds", "cases", "problem"),
    _O("CONFM", "Up-to-date logical model of all relevant CIs (the CMDB)", "cmdbs"),
    _O("CONFM", "Configuration verification reports", "reviews", "cmdb_verification"),
    _O("CHM", "Change records (requests for change and their decisions)", "cases", "change"),
    _O("RDM", "Defined and successfully deployed releases", "cases", "release"),
    _O("CSI", "Improvements to services or the SMS", "cases", "improvement"),
)  # fmt: skip
"""The key outputs of the 14 processes and where the store keeps each (GR2.3)."""


def outputs_of(process: Process | str) -> tuple[KeyOutput, ...]:
    """The key outputs of one process.

    >>> [o.repository for o in outputs_of("CONFM")]
    ['cmdbs', 'reviews']
    """
    wanted = _process(process)
    return tuple(o for o in KEY_OUTPUTS if o.process is wanted)
