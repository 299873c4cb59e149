"""Process definitions with the contents GR2.2 lists, and a check of what is missing.

FitSM-1 (CC BY 4.0): "GR2.2 Documented definitions of all service management
processes (see PR1-PR14) shall be created and maintained. Each of these
definitions shall include: description of the goals of the process; description
of the inputs, activities and outputs of the process; description of
process-specific roles and responsibilities; description of interfaces to other
processes; related process-specific policies as needed; related process- and
activity-specific procedures as needed." One :class:`ProcessDefinition` per
FitSM process (:class:`fitsm.roles.Process`); :meth:`ProcessDefinition.missing`
names the required contents it lacks (policies and procedures are "as needed",
so never missing).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from fitsm._validators import enum_value, identifier_or_empty, to_str_tuple
from fitsm.errors import ValidationError
from fitsm.roles import Process
from fitsm.sms.records import SmsChange, history

__all__ = ["DEFINITION_CONTENTS", "REQUIRED_DEFINITION_CONTENTS", "ProcessDefinition"]

DEFINITION_CONTENTS = (
    "goals",
    "inputs",
    "activities",
    "outputs",
    "roles",
    "interfaces",
    "policies",
    "procedures",
)
"""The contents of a process definition, in GR2.2's order."""

REQUIRED_DEFINITION_CONTENTS = DEFINITION_CONTENTS[:6]
"""The contents every definition must have; policies and procedures are "as needed"."""


def _process(value: object) -> Process:
    return enum_value(Process, "process")(value)


def _processes(value: Iterable[object]) -> tuple[Process, ...]:
    if isinstance(value, str):
        value = (value,)
    return tuple(_process(v) for v in value)


def _no_self(instance: Any, attribute: attrs.Attribute[Any], value: tuple[Process, ...]) -> None:
    if instance.process in value:
        raise ValidationError(
            f"the definition of {instance.process.value} names itself as an interface; "
            "expected the other processes it exchanges inputs and outputs with",
            field="interfaces",
        )


@attrs.frozen
class ProcessDefinition:
    """The documented definition of one process (GR2.2).

    ``roles`` describes the process-specific roles and responsibilities;
    ``interfaces`` names the other processes it exchanges inputs and outputs with.
    ``document`` names the controlled document (GR2.4) it is kept in, if any.

    >>> d = ProcessDefinition("CHM", goals=["Control changes"], inputs=["RFCs"])
    >>> d.missing()
    ['activities', 'outputs', 'roles', 'interfaces']
    """

    process: Process = attrs.field(converter=_process)
    goals: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple)
    inputs: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple)
    activities: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple)
    outputs: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple)
    roles: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple)
    interfaces: tuple[Process, ...] = attrs.field(
        default=(), converter=_processes, validator=_no_self
    )
    policies: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple)
    procedures: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple)
    document: str = attrs.field(default="", validator=identifier_or_empty)
    history: tuple[SmsChange, ...] = attrs.field(default=(), converter=history)

    @property
    def id(self) -> str:
        """The process's abbreviation: a definition is keyed by its process."""
        return self.process.value

    def missing(self) -> list[str]:
        """The required contents (:data:`REQUIRED_DEFINITION_CONTENTS`) this definition lacks."""
        return [
            name
            for name in REQUIRED_DEFINITION_CONTENTS
            if not any(str(item).strip() for item in getattr(self, name))
        ]
