"""Service financial management and the service roadmap (003; PR1).

Money as exact decimals with a currency; the costs of CIs, components and
services, one-off (amortised) or recurring, effective-dated; shared costs
allocated to the services that rely on them through the CMDB by a selectable
key, to the cent; the total cost of ownership per service and per customer;
charging models (fixed, per unit, tiered) and cost recovery; the service
roadmap of planned versions and retirements, checked against the portfolio's
lifecycle; and the catalogue with each live service's price and dependencies.
The :class:`FinanceRegister` keeps them all, each item its own unit of change.
"""

from fitsm.finance.allocation import (
    EVEN,
    Allocation,
    AllocationKey,
    ByAttribute,
    ByWeights,
    EvenSplit,
    allocate,
)
from fitsm.finance.catalogue import PricedEntry, priced_catalogue
from fitsm.finance.changes import FinanceChange
from fitsm.finance.charging import (
    ChargingModel,
    CostRecovery,
    FixedCharge,
    PerUnitCharge,
    Tier,
    TieredCharge,
    Tiering,
    cost_recovery,
)
from fitsm.finance.costs import Cost, Recurrence
from fitsm.finance.money import MINOR_UNITS, Money, largest_remainder
from fitsm.finance.register import DEFAULT_ITEM, AllocationChoice, FinanceRegister, Price
from fitsm.finance.roadmap import (
    RoadmapEntry,
    RoadmapFinding,
    RoadmapKind,
    check_roadmap,
    planned_between,
)
from fitsm.finance.tco import CostRollUp, CustomerCosts, ServiceCost, customers_of, roll_up

__all__ = [
    "DEFAULT_ITEM",
    "EVEN",
    "MINOR_UNITS",
    "Allocation",
    "AllocationChoice",
    "AllocationKey",
    "ByAttribute",
    "ByWeights",
    "ChargingModel",
    "Cost",
    "CostRecovery",
    "CostRollUp",
    "CustomerCosts",
    "EvenSplit",
    "FinanceChange",
    "FinanceRegister",
    "FixedCharge",
    "Money",
    "PerUnitCharge",
    "Price",
    "PricedEntry",
    "Recurrence",
    "RoadmapEntry",
    "RoadmapFinding",
    "RoadmapKind",
    "ServiceCost",
    "Tier",
    "TieredCharge",
    "Tiering",
    "allocate",
    "check_roadmap",
    "cost_recovery",
    "customers_of",
    "largest_remainder",
    "planned_between",
    "priced_catalogue",
    "roll_up",
]
