"""How conformant are we? The FitSM-1 audit of a store, a maturity self-assessment, a roadmap.

:func:`audit` reads a store once and decides each of the 82 FitSM-1 requirements
(met, partly met, not met, needs evidence, not applicable) with the evidence it used
and the next step; the rules are data (:class:`Rule`, :class:`Rulebook`), so users add
their own, replace one or mark one not applicable. :func:`assess` seeds a capability
self-assessment per process and general requirement from the findings, which people
adjust, and :func:`roadmap` orders the next steps by the recommended implementation
sequence of the FitSM processes.
"""

from fitsm.conformance.audit import AuditReport, audit, audit_snapshot
from fitsm.conformance.defaults import DEFAULT_RULES, default_rulebook
from fitsm.conformance.findings import AuditFinding, FindingStatus
from fitsm.conformance.maturity import (
    SUBJECTS,
    Adjustment,
    Capability,
    SelfAssessment,
    SubjectLevel,
    assess,
    seed_level,
)
from fitsm.conformance.requirements import ATTRIBUTION, REQUIREMENTS, group_of
from fitsm.conformance.roadmap import SEQUENCE, Roadmap, Stage, Step, roadmap
from fitsm.conformance.rules import Check, Exemption, Rule, Rulebook
from fitsm.conformance.snapshot import AUDIT_WINDOW, Snapshot

__all__ = [
    "ATTRIBUTION",
    "AUDIT_WINDOW",
    "DEFAULT_RULES",
    "REQUIREMENTS",
    "SEQUENCE",
    "SUBJECTS",
    "Adjustment",
    "AuditFinding",
    "AuditReport",
    "Capability",
    "Check",
    "Exemption",
    "FindingStatus",
    "Roadmap",
    "Rule",
    "Rulebook",
    "SelfAssessment",
    "Snapshot",
    "Stage",
    "Step",
    "SubjectLevel",
    "assess",
    "audit",
    "audit_snapshot",
    "default_rulebook",
    "group_of",
    "roadmap",
    "seed_level",
]
