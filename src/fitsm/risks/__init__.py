"""One risk register for availability, continuity (PR4.2) and information security (PR6.2).

Risks rated on a likelihood x impact matrix the provider defines (default 5 x 5),
with owner, treatment (reduce, accept, transfer, avoid), the measures or controls
that carry it out and the rating left after it; every change checked and recorded.
Candidate availability risks come from the CMDB's single points of failure and
their blast radius; each risk's assessment is a review subject on a schedule.
"""

from fitsm.risks.candidates import SINGLE_POINT_OF_FAILURE, candidate_risks
from fitsm.risks.matrix import DEFAULT_IMPACTS, DEFAULT_LIKELIHOODS, RiskMatrix, RiskRating
from fitsm.risks.register import (
    Risk,
    RiskArea,
    RiskChange,
    RiskRegister,
    Treatment,
    assessment_subject,
    plan_assessments,
)

__all__ = [
    "DEFAULT_IMPACTS",
    "DEFAULT_LIKELIHOODS",
    "SINGLE_POINT_OF_FAILURE",
    "Risk",
    "RiskArea",
    "RiskChange",
    "RiskMatrix",
    "RiskRating",
    "RiskRegister",
    "Treatment",
    "assessment_subject",
    "candidate_risks",
    "plan_assessments",
]
