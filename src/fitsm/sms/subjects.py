"""The review subjects of the SMS: what is reviewed at planned intervals (GR1.3, GR2.4, GR6.2,
GR7.2).

Management reviews (GR1.3) and SMS assessments or audits (GR6.2) are done at
planned intervals; controlled documents are reviewed (GR2.4); and the policy, the
plan and every process definition are "subject to continual improvement" (GR7.2),
so each has a review subject whose schedule asks for its periodic update.

>>> str(management_review_subject())
'management_review:default'
>>> str(process_definition_subject("CHM"))
'process_definition:CHM'
"""

from __future__ import annotations

from fitsm._validators import check_id, enum_value
from fitsm.reviews.schedules import ReviewSubject, SubjectKind
from fitsm.roles import Process

__all__ = [
    "document_subject",
    "management_review_subject",
    "process_definition_subject",
    "sms_assessment_subject",
    "sms_plan_subject",
    "sms_policy_subject",
]


def management_review_subject(sms: str = "default") -> ReviewSubject:
    """The management reviews of the SMS ``sms`` (its register's id) (GR1.3)."""
    return ReviewSubject(SubjectKind.MANAGEMENT_REVIEW, check_id(sms, "sms id"))


def sms_assessment_subject(sms: str = "default") -> ReviewSubject:
    """The assessments and audits of the SMS ``sms`` (GR6.2)."""
    return ReviewSubject(SubjectKind.SMS_ASSESSMENT, check_id(sms, "sms id"))


def document_subject(document: str) -> ReviewSubject:
    """The review of a controlled document (GR2.4)."""
    return ReviewSubject(SubjectKind.DOCUMENT, check_id(document, "document id"))


def sms_policy_subject(sms: str = "default") -> ReviewSubject:
    """The periodic update of the service management policy (GR1.2, GR7.2)."""
    return ReviewSubject(SubjectKind.SMS_POLICY, check_id(sms, "sms id"))


def sms_plan_subject(sms: str = "default") -> ReviewSubject:
    """The periodic update of the service management plan (GR4.1, GR7.2)."""
    return ReviewSubject(SubjectKind.SMS_PLAN, check_id(sms, "sms id"))


def process_definition_subject(process: Process | str) -> ReviewSubject:
    """The periodic update of a process definition (GR2.2, GR7.2)."""
    return ReviewSubject(
        SubjectKind.PROCESS_DEFINITION, enum_value(Process, "process")(process).value
    )
