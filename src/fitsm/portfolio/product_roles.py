"""The roles of IT service product management (003) as FitSM-3 roles.

The ITSPM framework (003) names two key roles: the *IT service portfolio manager*,
who "takes ownership and responsibility for a service portfolio", and the *IT
service product manager*, who "takes ownership and responsibility for one or
more services". In FitSM-3 terms the first is the process manager of service
portfolio management (SPM, PR1), the second the service owner of each service.
:data:`ITSPM_ROLES` states the mapping; :func:`check_product_roles` checks a
role model for it with :meth:`fitsm.roles.RoleModel.check`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

from fitsm.roles import Process, Role, RoleFinding, RoleModel

__all__ = ["ITSPM_ROLES", "ItspmRole", "check_product_roles"]


@attrs.frozen
class ItspmRole:
    """An ITSPM role and the FitSM-3 role that carries it: ``role`` in ``process`` (a process
    role), or ``role`` per service (``process`` None)."""

    name: str
    role: Role
    process: Process | None = None


ITSPM_ROLES: Mapping[str, ItspmRole] = {
    "service_portfolio_manager": ItspmRole(
        "service portfolio manager", Role.PROCESS_MANAGER, Process.SPM
    ),
    "service_product_manager": ItspmRole("service product manager", Role.SERVICE_OWNER),
}
"""The ITSPM roles (003) by key, with the FitSM-3 role each maps onto."""

_PROBLEMS: Mapping[str, str] = {
    "no_process_manager": "service_portfolio_manager",
    "no_service_owner": "service_product_manager",
    "several_service_owners": "service_product_manager",
}


def check_product_roles(roles: RoleModel, services: Iterable[str]) -> list[RoleFinding]:
    """Where ``roles`` lacks an ITSPM role for the portfolio or for one of ``services``.

    The findings are :meth:`RoleModel.check`'s for SPM and the services, those
    about the ITSPM roles named as ITSPM names them.

    >>> from fitsm.roles import Person
    >>> model = RoleModel()
    >>> _ = model.add_person(Person("ann", "Ann"))
    >>> _ = model.assign("ann", Role.SMS_OWNER)
    >>> _ = model.assign("ann", Role.SERVICE_OWNER, "shop")
    >>> [f.message for f in check_product_roles(model, ["shop", "mail"])]
    ... # doctest: +NORMALIZE_WHITESPACE
    ['process SPM (PR1) has no process manager: no service portfolio manager (ITSPM)',
     "service 'mail' has no service owner: no service product manager (ITSPM)"]
    """
    found = []
    for finding in roles.check(processes=(Process.SPM,), services=services):
        key = _PROBLEMS.get(finding.problem)
        if key is None:
            found.append(finding)
            continue
        name = ITSPM_ROLES[key].name
        lacks = f"several {name}s" if finding.problem.startswith("several") else f"no {name}"
        found.append(attrs.evolve(finding, message=f"{finding.message}: {lacks} (ITSPM)"))
    return found
