"""fitsm: IT service management according to FitSM, as a library.

The root holds the names most programs need; everything else lives in the
namespace of its FitSM area:

- ``fitsm.portfolio``: service portfolio and catalogue (PR1, PR2.1)
- ``fitsm.service_levels``: agreements, targets, evaluation, SLO maths (PR2)
- ``fitsm.availability``: outages, measurement, derivation, composite (PR4)
- ``fitsm.suppliers``: suppliers (PR8)
- ``fitsm.cmdb``: the CMDB, impact analysis, verification (PR11)
- ``fitsm.cases``: incidents, problems, changes, releases, improvements
- ``fitsm.roles``: the FitSM-3 role model
- ``fitsm.reviews``: review schedules, what is due at planned intervals (GR1.3, PR2.2, PR11.5, ...)
- ``fitsm.risks``: one risk register for availability, continuity and security (PR4.2, PR6.2)
- ``fitsm.desk``: running cases against a store as the acting person
- ``fitsm.storage``: ports and stores opened by URL
- ``fitsm.interop``: CMDB files (JSON, CSV), outages, OpenSLO, iCalendar
- ``fitsm.testing``: the contract suite for third-party stores
- ``fitsm.tables``: results as records, pandas DataFrames and HTML
- ``fitsm.time``, ``fitsm.units``, ``fitsm.clock``, ``fitsm.errors``: the shared kernel

Root names are imported on first use, so ``import fitsm`` is cheap and a
program pays only for the areas it touches.

>>> import fitsm
>>> fitsm.Cmdb.__module__
'fitsm.cmdb.database'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fitsm.availability import (
        Outage,
        composite_availability,
        derive_outages,
        measure_availability,
    )
    from fitsm.cases import (
        Change,
        Complaint,
        Improvement,
        Incident,
        Problem,
        Release,
        ServiceRequest,
    )
    from fitsm.cmdb import (
        CiType,
        Cmdb,
        CmdbSchema,
        ComponentNode,
        ConfigurationItem,
        RedundancyGroup,
        ServiceNode,
    )
    from fitsm.desk import CaseDesk
    from fitsm.errors import (
        AuthorizationError,
        ConflictError,
        FitsmError,
        InvalidTransitionError,
        NotFoundError,
        StoreError,
        ValidationError,
    )
    from fitsm.interop import load_cmdb
    from fitsm.planning import PlanningDesk
    from fitsm.portfolio import Service, ServiceComponent, ServicePortfolio
    from fitsm.roles import Person, Role, RoleModel
    from fitsm.service_levels import Agreement, ServiceTarget, evaluate
    from fitsm.storage import open_store
    from fitsm.suppliers import Supplier
    from fitsm.time import BusinessCalendar
    from fitsm.units import Q_

__version__: str
_HOMES: dict[str, tuple[str, ...]] = {
    "fitsm.errors": (
        "AuthorizationError",
        "ConflictError",
        "FitsmError",
        "InvalidTransitionError",
        "NotFoundError",
        "StoreError",
        "ValidationError",
    ),
    "fitsm.units": ("Q_",),
    "fitsm.time": ("BusinessCalendar",),
    "fitsm.portfolio": ("Service", "ServiceComponent", "ServicePortfolio"),
    "fitsm.suppliers": ("Supplier",),
    "fitsm.service_levels": ("Agreement", "ServiceTarget", "evaluate"),
    "fitsm.availability": (
        "Outage",
        "composite_availability",
        "derive_outages",
        "measure_availability",
    ),
    "fitsm.cmdb": (
        "CiType",
        "Cmdb",
        "CmdbSchema",
        "ComponentNode",
        "ConfigurationItem",
        "RedundancyGroup",
        "ServiceNode",
    ),
    "fitsm.cases": (
        "Change",
        "Complaint",
        "Improvement",
        "Incident",
        "Problem",
        "Release",
        "ServiceRequest",
    ),
    "fitsm.roles": ("Person", "Role", "RoleModel"),
    "fitsm.desk": ("CaseDesk",),
    "fitsm.planning": ("PlanningDesk",),
    "fitsm.storage": ("open_store",),
    "fitsm.interop": ("load_cmdb",),
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}

__all__ = [
    "Q_",
    "Agreement",
    "AuthorizationError",
    "BusinessCalendar",
    "CaseDesk",
    "Change",
    "CiType",
    "Cmdb",
    "CmdbSchema",
    "Complaint",
    "ComponentNode",
    "ConfigurationItem",
    "ConflictError",
    "FitsmError",
    "Improvement",
    "Incident",
    "InvalidTransitionError",
    "NotFoundError",
    "Outage",
    "Person",
    "PlanningDesk",
    "Problem",
    "RedundancyGroup",
    "Release",
    "Role",
    "RoleModel",
    "Service",
    "ServiceComponent",
    "ServiceNode",
    "ServicePortfolio",
    "ServiceRequest",
    "ServiceTarget",
    "StoreError",
    "Supplier",
    "ValidationError",
    "__version__",
    "composite_availability",
    "derive_outages",
    "evaluate",
    "load_cmdb",
    "measure_availability",
    "open_store",
]


def __getattr__(name: str) -> Any:
    # PEP 562: a root name is imported from its area the first time it is asked for
    if name == "__version__":
        # importlib.metadata costs more than the rest of ``import fitsm``: look it up on demand
        from importlib.metadata import PackageNotFoundError, version

        try:
            found = version("fitsm")
        except PackageNotFoundError:  # pragma: no cover - running from a source tree
            found = "0+unknown"
        globals()["__version__"] = found
        return found
    home = _HOME_OF.get(name)
    if home is None:
        raise AttributeError(f"module 'fitsm' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
