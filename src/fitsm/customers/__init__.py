"""Customer relationship management (PR7): the customer database, contacts, channels, service
reviews, complaints and satisfaction.

Customers and their units identified (PR7.1), each with designated contacts and a
customer relationship manager (PR7.2), channels for ordering, escalation and
complaints (PR7.3), service reviews at planned intervals with an agenda built from
SLA performance and cases, and their outcome and actions recorded (PR7.4), the
complaints of a customer (PR7.5), and satisfaction surveys with exact averages, a
trend and follow-up of low scores (PR7.6). The agreements and services each
customer has come from the SLAs and the portfolio.
"""

from fitsm.customers.agenda import ServiceReviewAgenda, review_agenda
from fitsm.customers.contacts import Channel, ChannelMedium, ChannelPurpose, Contact, Matter
from fitsm.customers.register import (
    Customer,
    CustomerChange,
    CustomerRegister,
    plan_service_reviews,
)
from fitsm.customers.relations import (
    CustomerAgreements,
    PartyFinding,
    agreements_of,
    complaints_of,
    customer_agreements,
    customer_ids,
    unknown_customers,
)
from fitsm.customers.satisfaction import (
    MINIMUM_PERIODS,
    FollowUp,
    LowScore,
    SatisfactionScale,
    SatisfactionScore,
    SatisfactionSurvey,
    SatisfactionTrend,
    period_averages,
    satisfaction_trend,
    service_averages,
)
from fitsm.customers.service_reviews import ReviewAction, ServiceReview, service_review_subject

__all__ = [
    "MINIMUM_PERIODS",
    "Channel",
    "ChannelMedium",
    "ChannelPurpose",
    "Contact",
    "Customer",
    "CustomerAgreements",
    "CustomerChange",
    "CustomerRegister",
    "FollowUp",
    "LowScore",
    "Matter",
    "PartyFinding",
    "ReviewAction",
    "SatisfactionScale",
    "SatisfactionScore",
    "SatisfactionSurvey",
    "SatisfactionTrend",
    "ServiceReview",
    "ServiceReviewAgenda",
    "agreements_of",
    "complaints_of",
    "customer_agreements",
    "customer_ids",
    "period_averages",
    "plan_service_reviews",
    "review_agenda",
    "satisfaction_trend",
    "service_averages",
    "service_review_subject",
    "unknown_customers",
]
