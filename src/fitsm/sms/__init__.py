"""The service management system (GR1-GR7): its building blocks as one register.

The service management policy, versioned, approved and communicated (GR1.2);
management reviews on a review schedule (GR1.3); controlled documents (GR2.4);
process definitions with the contents GR2.2 lists, and which stored records are
the key outputs of which process (GR2.3); stakeholders and the scope statement
(GR3); the service management plan and process plans aligned to it (GR4); KPIs
in the five columns of the SPD training with their measurements, some computed
from the stored data (GR5, GR6.1); assessments and audits with findings (GR6.2);
nonconformities and deviations with corrective actions that feed the CSI
register (GR7.1); the periodic update of policy, plan and processes as review
subjects (GR7.2).
"""

from fitsm.sms.assessments import (
    Assessment,
    AssessmentFinding,
    AssessmentFindingKind,
    ManagementReview,
    Nonconformity,
    NonconformityKind,
)
from fitsm.sms.computed import (
    COMPUTED,
    KpiResult,
    changes_approved_at_required_level,
    cmdb_verified_within_interval,
    incidents_within_target,
    mean_time_to_restore,
)
from fitsm.sms.csi import improvement_for
from fitsm.sms.documents import ControlledDocument, DocumentVersion
from fitsm.sms.kpis import Kpi, KpiTarget, Measurement, TargetDirection
from fitsm.sms.outputs import KEY_OUTPUTS, KeyOutput, outputs_of
from fitsm.sms.plans import Milestone, PlanGoal, ProcessPlan, Responsibility, ServiceManagementPlan
from fitsm.sms.policy import (
    REQUIRED_COMMITMENTS,
    Commitment,
    ServiceManagementPolicy,
    ServiceManagementPolicyVersion,
)
from fitsm.sms.processes import DEFINITION_CONTENTS, REQUIRED_DEFINITION_CONTENTS, ProcessDefinition
from fitsm.sms.records import Action, Approval, Distribution, SmsChange
from fitsm.sms.register import SmsRegister
from fitsm.sms.scope import ScopeStatement, Stakeholder
from fitsm.sms.subjects import (
    document_subject,
    management_review_subject,
    process_definition_subject,
    sms_assessment_subject,
    sms_plan_subject,
    sms_policy_subject,
)

__all__ = [
    "COMPUTED",
    "DEFINITION_CONTENTS",
    "KEY_OUTPUTS",
    "REQUIRED_COMMITMENTS",
    "REQUIRED_DEFINITION_CONTENTS",
    "Action",
    "Approval",
    "Assessment",
    "AssessmentFinding",
    "AssessmentFindingKind",
    "Commitment",
    "ControlledDocument",
    "Distribution",
    "DocumentVersion",
    "KeyOutput",
    "Kpi",
    "KpiResult",
    "KpiTarget",
    "ManagementReview",
    "Measurement",
    "Milestone",
    "Nonconformity",
    "NonconformityKind",
    "PlanGoal",
    "ProcessDefinition",
    "ProcessPlan",
    "Responsibility",
    "ScopeStatement",
    "ServiceManagementPlan",
    "ServiceManagementPolicy",
    "ServiceManagementPolicyVersion",
    "SmsChange",
    "SmsRegister",
    "Stakeholder",
    "TargetDirection",
    "changes_approved_at_required_level",
    "cmdb_verified_within_interval",
    "document_subject",
    "improvement_for",
    "incidents_within_target",
    "management_review_subject",
    "mean_time_to_restore",
    "outputs_of",
    "process_definition_subject",
    "sms_assessment_subject",
    "sms_plan_subject",
    "sms_policy_subject",
]
