"""Capacity and performance management (PR5).

Capacities of CIs and components as pint quantities (PR5.2), utilisation
series as numpy columns (PR5.2), warning and critical thresholds per CI or CI
type that yield breach intervals (PR5.2, PR5.4), a least-squares trend that
says when a resource reaches a share of its capacity, capacity requirements
derived from SLA targets and demand forecasts (PR5.1), and capacity plans
covering human, technical and financial resources (PR5.3), all kept in one
:class:`CapacityRegister`; requirements and plans are reviewed on schedules.
"""

from fitsm.capacity.capacities import Capacity, ResourceKind, check_same_measure
from fitsm.capacity.forecast import (
    DEFAULT_WINDOW,
    MIN_SAMPLES,
    MIN_SPAN,
    Forecast,
    ForecastStatus,
    Trend,
    fit_trend,
    forecast_crossing,
)
from fitsm.capacity.plans import (
    CapacityPlan,
    ItemStatus,
    PlanItem,
    PlanStatus,
    capacity_plan_subject,
)
from fitsm.capacity.register import CapacityChange, CapacityRegister
from fitsm.capacity.requirements import (
    CapacityRequirement,
    capacity_requirements_subject,
    derive_requirement,
)
from fitsm.capacity.series import UtilisationSeries
from fitsm.capacity.thresholds import (
    ONGOING,
    Breach,
    Breaches,
    BreachLevel,
    Threshold,
    breach_indices,
    breaches,
)

__all__ = [
    "DEFAULT_WINDOW",
    "MIN_SAMPLES",
    "MIN_SPAN",
    "ONGOING",
    "Breach",
    "BreachLevel",
    "Breaches",
    "Capacity",
    "CapacityChange",
    "CapacityPlan",
    "CapacityRegister",
    "CapacityRequirement",
    "Forecast",
    "ForecastStatus",
    "ItemStatus",
    "PlanItem",
    "PlanStatus",
    "ResourceKind",
    "Threshold",
    "Trend",
    "UtilisationSeries",
    "breach_indices",
    "breaches",
    "capacity_plan_subject",
    "capacity_requirements_subject",
    "check_same_measure",
    "derive_requirement",
    "fit_trend",
    "forecast_crossing",
]
