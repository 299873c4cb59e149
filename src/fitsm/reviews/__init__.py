"""Review schedules: what FitSM asks to be done "at planned intervals" (GR1.3, GR6.2, PR2.2,
PR2.4, PR4.1, PR4.2, PR5.1, PR6.1, PR6.2, PR7.4, PR8.4, PR11.5).

A schedule per subject (an agreement, a plan, a risk assessment, a CMDB
verification, a supplier, a customer review, ...) with its rule (an interval or
every N calendar months on a day), the reviews done (who, when, outcome) and the
next due date; the overdue and soon-due reviews across all subjects; agreement
reviews and CMDB verifications kept on it.
"""

from fitsm.reviews.followers import follow_agreements, record_verification
from fitsm.reviews.rules import MonthlyRule, ReviewRule, next_due
from fitsm.reviews.schedules import (
    Review,
    ReviewOutcome,
    ReviewSchedule,
    ReviewSchedules,
    ReviewSubject,
    ScheduleChange,
    SubjectKind,
)

__all__ = [
    "MonthlyRule",
    "Review",
    "ReviewOutcome",
    "ReviewRule",
    "ReviewSchedule",
    "ReviewSchedules",
    "ReviewSubject",
    "ScheduleChange",
    "SubjectKind",
    "follow_agreements",
    "next_due",
    "record_verification",
]
