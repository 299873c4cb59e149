"""Who may keep the report register, by FitSM-3 role (PR3).

FitSM-3 gives the SRM process manager "maintain the list of reports" and
"review report specifications in regular intervals", and the report owner (1
per report) "maintain the report specification for the report under his/her
ownership" and "produce and deliver the report according to the
specification". So: the SRM process manager or owner specifies a new report and
terminates one; the report's owner (the report owner role for its id) or the
SRM process manager or owner revises its specification and records the
recipients' agreement; the report's owner produces and delivers it. The SMS
manager may do all of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fitsm.authority import Rule, Rules, any_of, holder, object_holder, process_role
from fitsm.reporting.reports import Report
from fitsm.reporting.specifications import ReportSpecification
from fitsm.roles import Process, Role

__all__ = ["RULES", "report_of"]


def report_of(register: Any, arguments: Mapping[str, Any]) -> str:
    """The id of the report a call is about: ``report_id``, or the report or specification
    given."""
    for name in ("report", "specification"):
        given = arguments.get(name)
        if isinstance(given, Report):
            return given.report_id
        if isinstance(given, ReportSpecification):
            return given.id
    return str(arguments.get("report_id", ""))


_SRM = process_role(Process.SRM, Role.PROCESS_MANAGER, Role.PROCESS_OWNER)
_SMS = holder(Role.SMS_MANAGER)
_OWNER = object_holder(Role.REPORT_OWNER, report_of)

_LIST: Rule = any_of(_SRM, _SMS)
_SPECIFICATION: Rule = any_of(_OWNER, _SRM, _SMS)
_PRODUCTION: Rule = any_of(_OWNER, _SMS)

RULES: Rules = {
    "specify": _LIST,
    "revise": _SPECIFICATION,
    "agree": _SPECIFICATION,
    "terminate": _LIST,
    "produce": _PRODUCTION,
    "deliver": _PRODUCTION,
}
"""The rule for each operation of :class:`~fitsm.reporting.ReportRegister`."""
