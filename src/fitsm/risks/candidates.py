"""Availability risks derived from the CMDB, to seed the register rather than type it in.

FitSM-2 (CC BY 4.0) names the input of PR4: "Risk factors having impact on the
capability of delivering services according to agreed availability and
continuity targets". The CMDB knows one kind of such factor exactly: a CI whose
failure alone takes a service down (a single point of failure), and how many
services its failure takes down or degrades (its blast radius).
"""

from __future__ import annotations

from collections.abc import Iterable

from fitsm._validators import to_str_tuple
from fitsm.cmdb.analysis import impact, single_points_of_failure
from fitsm.cmdb.configuration import ConfigurationItem, NodeKind
from fitsm.cmdb.view import CmdbView
from fitsm.errors import NotFoundError, ValidationError
from fitsm.risks.matrix import RiskMatrix
from fitsm.risks.register import Risk, RiskArea

__all__ = ["SINGLE_POINT_OF_FAILURE", "candidate_risks"]

SINGLE_POINT_OF_FAILURE = "cmdb:single_point_of_failure"
"""The :attr:`Risk.source` of the candidates :func:`candidate_risks` derives."""


def candidate_risks(
    cmdb: CmdbView,
    services: Iterable[str],
    *,
    matrix: RiskMatrix | None = None,
    likelihood: str | None = None,
) -> list[Risk]:
    """One availability risk (PR4.2) per single point of failure of the services in scope.

    Each candidate has the id ``spof-<CI id>``, concerns the CI and the services its
    failure alone takes down or degrades (down first, each sorted), is owned by the
    CI's owner, and comes from :data:`SINGLE_POINT_OF_FAILURE`. Its impact follows
    the blast radius: one service down is the middle impact level of ``matrix``
    (default: the 5 x 5 matrix, ``moderate``), each further service down one level
    higher, up to the top. Its likelihood is ``likelihood``, by default the middle
    level (``possible``): the CMDB does not know how often a CI fails, so assess it.
    Candidates come most services down first (then most degraded, then by CI id),
    and carry the same ids each time, so seeding a register twice adds nothing.
    """
    scale = matrix if matrix is not None else RiskMatrix.default()
    chance = likelihood
    if chance is None:
        chance = scale.likelihoods[(len(scale.likelihoods) - 1) // 2]
    scale.check(chance, scale.impacts[0])
    scope = list(dict.fromkeys(to_str_tuple(services)))
    if not scope:
        raise ValidationError(
            "candidate_risks needs at least one service in scope, got none", field="services"
        )
    for service in scope:
        if service not in cmdb or cmdb[service].kind is not NodeKind.SERVICE:
            raise NotFoundError(f"no service {service!r} in CMDB {cmdb.id!r}")
    spof_of: dict[str, list[str]] = {}
    for service in scope:
        for ci in single_points_of_failure(cmdb, service):
            spof_of.setdefault(ci, []).append(service)

    levels = scale.impacts
    middle = (len(levels) - 1) // 2
    found = []
    for ci, of in spof_of.items():
        report = impact(cmdb, ci)
        down, degraded = sorted(report.services_down), sorted(report.services_degraded)
        record = cmdb[ci]
        kind, owner = (
            (record.type, record.owner)
            if isinstance(record, ConfigurationItem)
            else (record.kind.value, "")
        )
        found.append(
            (
                -len(down),
                -len(degraded),
                ci,
                Risk(
                    f"spof-{ci}",
                    f"{ci} is a single point of failure",
                    RiskArea.AVAILABILITY,
                    [ci, *down, *degraded],
                    chance,
                    levels[min(len(levels) - 1, middle + len(down) - 1)],
                    owner=owner,
                    description=(
                        f"{ci} ({kind}) failing alone takes down {_listed(down)} and degrades "
                        f"{_listed(degraded)}; it is a single point of failure of "
                        f"{', '.join(of)}."
                    ),
                    source=SINGLE_POINT_OF_FAILURE,
                ),
            )
        )
    found.sort(key=lambda entry: entry[:3])
    return [entry[3] for entry in found]


def _listed(ids: list[str]) -> str:
    return ", ".join(ids) if ids else "no service"
