"""Where controls and the risks they treat disagree (PR6.3 with PR6.2).

A risk and a control are linked both ways, by id: the risk register's
:attr:`Risk.measures <fitsm.risks.Risk.measures>` names the measures and controls that
carry out a risk's treatment, and a :class:`~fitsm.security.SecurityControl` names
the risks it treats. They live in two aggregates, which two people may change at
the same time, so neither refuses a change because of the other; instead, the
security register checks that the risk ids exist when it is given the risk
register (``add_control(..., risks=)``, ``link_control_risks(..., risks=)``), and
:func:`link_findings` reports every place where the two sides disagree, for the
information security risk manager to settle.
"""

from __future__ import annotations

import attrs

from fitsm.risks.register import RiskArea, RiskRegister, Treatment
from fitsm.security.register import SecurityRegister

__all__ = ["LinkFinding", "link_findings"]


@attrs.frozen
class LinkFinding:
    """One disagreement: its kind, the control and the risk, and what is wrong.

    Kinds: ``unknown_risk`` (a control names a risk not in the register),
    ``closed_risk`` (it names a closed risk), ``not_in_measures`` (the control treats
    the risk but the risk's measures do not name it), ``not_in_control`` (the risk's
    measures name the control but the control does not name the risk), and
    ``untreated`` (an open information security risk treated by *reduce* that no
    control names).
    """

    kind: str
    control: str
    risk: str
    message: str


def link_findings(register: SecurityRegister, risks: RiskRegister) -> list[LinkFinding]:
    """Every disagreement between the controls of ``register`` and the risks of ``risks``,
    by control, then risk.

    >>> from datetime import UTC, datetime
    >>> from fitsm.risks import Risk
    >>> from fitsm.security import SecurityControl
    >>> t0 = datetime(2026, 1, 5, tzinfo=UTC)
    >>> risks = RiskRegister()
    >>> _ = risks.add(Risk("isr-1", "Stolen laptop", "information_security", ["laptops"],
    ...                    "likely", "major"), at=t0, by="ivy")
    >>> register = SecurityRegister()
    >>> _ = register.add_control(SecurityControl("ctl-fde", "Disk encryption", "technical",
    ...                                          risks=["isr-1"]), at=t0, by="ivy")
    >>> [f.kind for f in link_findings(register, risks)]
    ['not_in_measures']
    """
    found: list[LinkFinding] = []
    controls = {c.id: c for c in register.controls()}
    for control in controls.values():
        for risk_id in control.risks:
            if risk_id not in risks:
                found.append(
                    LinkFinding(
                        "unknown_risk",
                        control.id,
                        risk_id,
                        f"control {control.id!r} treats risk {risk_id!r}, which is not in risk "
                        f"register {risks.id!r}",
                    )
                )
                continue
            risk = risks.risk(risk_id)
            if risk.closed:
                found.append(
                    LinkFinding(
                        "closed_risk",
                        control.id,
                        risk_id,
                        f"control {control.id!r} treats risk {risk_id!r}, which is closed",
                    )
                )
            elif control.id not in risk.measures:
                found.append(
                    LinkFinding(
                        "not_in_measures",
                        control.id,
                        risk_id,
                        f"control {control.id!r} treats risk {risk_id!r}, but the risk's "
                        "measures do not name it",
                    )
                )
    for risk in risks:
        if risk.closed:
            continue
        for measure in risk.measures:
            if measure in controls and risk.id not in controls[measure].risks:
                found.append(
                    LinkFinding(
                        "not_in_control",
                        measure,
                        risk.id,
                        f"risk {risk.id!r} names control {measure!r} among its measures, but "
                        "the control does not name the risk",
                    )
                )
        if (
            risk.area is RiskArea.INFORMATION_SECURITY
            and risk.treatment is Treatment.REDUCE
            and not register.treating(risk.id)
        ):
            found.append(
                LinkFinding(
                    "untreated",
                    "",
                    risk.id,
                    f"information security risk {risk.id!r} is to be reduced, but no control "
                    "names it",
                )
            )
    return sorted(found, key=lambda f: (f.control, f.risk, f.kind))
