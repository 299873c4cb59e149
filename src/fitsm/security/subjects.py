"""The review subjects of ISM: a policy's reviews (PR6.1) and an asset's access reviews (PR6.5).

>>> str(policy_subject("pol-access")), str(access_review_subject("payroll-db"))
('security_policy:pol-access', 'access_review:payroll-db')
"""

from __future__ import annotations

from fitsm.reviews.schedules import ReviewSubject, SubjectKind

__all__ = ["access_review_subject", "policy_subject"]


def policy_subject(policy_id: str) -> ReviewSubject:
    """The review subject of a security policy (PR6.1: "reviewed at planned intervals")."""
    return ReviewSubject(SubjectKind.SECURITY_POLICY, policy_id)


def access_review_subject(asset_id: str) -> ReviewSubject:
    """The review subject of the access rights to one asset (PR6.5)."""
    return ReviewSubject(SubjectKind.ACCESS_REVIEW, asset_id)
