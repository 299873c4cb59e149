"""Service level management (PR2): agreements, targets, evaluation, alignment, SLO maths.

SLAs with customers, OLAs with internal suppliers and UAs with external ones,
each with dimension-checked service targets and versions that take effect at a
time (PR2.2); the evaluation of an agreement against measured availability
(PR2.3); the check that OLAs and UAs support an SLA (PR2.4); exact error budgets
and burn rates; service level objectives over rolling or calendar windows, as
OpenSLO states them.
"""

from fitsm.service_levels.agreements import (
    Agreement,
    AgreementKind,
    Agreements,
    ServiceTarget,
    TargetKind,
    VersionPeriod,
)
from fitsm.service_levels.evaluation import (
    AlignmentFinding,
    Evaluation,
    TargetEvaluation,
    TargetViolated,
    check_alignment,
    evaluate,
)
from fitsm.service_levels.objectives import (
    BudgetingMethod,
    ServiceLevelObjective,
    SloObjective,
    SloWindow,
)
from fitsm.service_levels.slo import ErrorBudget, allowed_bad_events, burn_rate, error_budget

__all__ = [
    "Agreement",
    "AgreementKind",
    "Agreements",
    "AlignmentFinding",
    "BudgetingMethod",
    "ErrorBudget",
    "Evaluation",
    "ServiceLevelObjective",
    "ServiceTarget",
    "SloObjective",
    "SloWindow",
    "TargetEvaluation",
    "TargetKind",
    "TargetViolated",
    "VersionPeriod",
    "allowed_bad_events",
    "burn_rate",
    "check_alignment",
    "error_budget",
    "evaluate",
]
