"""Stakeholders and the SMS scope statement (GR3.1, GR3.2).

FitSM-1 (CC BY 4.0): "GR3.1 The stakeholders of the IT services and the SMS shall
be identified and their needs and expectations analysed. Relevant legal,
regulatory and contractual requirements shall be considered." and "GR3.2 The
scope of the SMS shall be defined taking into consideration results from the
stakeholder analysis." FitSM-2 limits a scope to services, technologies,
geographical locations, involved organisations and customers; the
:class:`ScopeStatement` names them, and the processes the SMS covers, so an audit
can mark the requirements of what is out of scope as not applicable.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from fitsm._validators import enum_value, identifier, text, to_id_tuple, to_str_tuple
from fitsm.roles import Process
from fitsm.sms.records import SmsChange, history, ids, non_blank

__all__ = ["ScopeStatement", "Stakeholder"]


@attrs.frozen
class Stakeholder:
    """A stakeholder of the services or the SMS (GR3.1): a customer, user group, supplier,
    authority or part of the provider, with their needs and expectations and the legal,
    regulatory or contractual requirements that come with them."""

    id: str = attrs.field(validator=identifier)
    name: str = attrs.field(validator=non_blank)
    kind: str = attrs.field(default="", validator=text)
    """``"customer"``, ``"user"``, ``"supplier"``, ``"authority"``, ``"staff"``, ..."""
    needs: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple)
    """Their needs and expectations, as analysed."""
    requirements: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple)
    """Legal, regulatory and contractual requirements they bring."""
    history: tuple[SmsChange, ...] = attrs.field(default=(), converter=history)

    @property
    def analysed(self) -> bool:
        """Whether their needs and expectations are written down (GR3.1)."""
        return any(n.strip() for n in self.needs)


def _processes(value: Iterable[object]) -> frozenset[Process]:
    if isinstance(value, str):
        value = (value,)
    return frozenset(enum_value(Process, "processes")(v) for v in value)


@attrs.frozen
class ScopeStatement:
    """What the SMS covers (GR3.2): services, organisations and customers, locations,
    technologies and processes, by id or name, with the exclusions said in words.

    An empty list of services (or organisations, locations) means *all*: a scope
    limits only along the dimensions it names. ``processes`` empty means all 14.

    >>> scope = ScopeStatement(services=["mail", "shop"], processes=["ISRM", "CHM"])
    >>> scope.covers_service("hr"), scope.covers_process("PM")
    (False, False)
    """

    services: tuple[str, ...] = attrs.field(default=(), converter=to_id_tuple, validator=ids)
    organisations: tuple[str, ...] = attrs.field(default=(), converter=to_id_tuple, validator=ids)
    """Provider organisations, federation members and customers in scope."""
    locations: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple)
    technologies: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple)
    processes: frozenset[Process] = attrs.field(default=frozenset(), converter=_processes)
    exclusions: str = attrs.field(default="", validator=text)
    """What is left out and why."""
    stakeholders: tuple[str, ...] = attrs.field(default=(), converter=to_id_tuple, validator=ids)
    """The stakeholders whose analysis the scope took into account (GR3.2), by id."""
    history: tuple[SmsChange, ...] = attrs.field(default=(), converter=history)

    @property
    def id(self) -> str:
        return "scope"

    def covers_service(self, service: str) -> bool:
        return not self.services or service in self.services

    def covers_organisation(self, organisation: str) -> bool:
        return not self.organisations or organisation in self.organisations

    def covers_location(self, location: str) -> bool:
        return not self.locations or location in self.locations

    def covers_process(self, process: Process | str) -> bool:
        return not self.processes or enum_value(Process, "process")(process) in self.processes

    def out_of_scope_processes(self) -> list[Process]:
        """The processes the SMS does not cover, in FitSM's order."""
        return [p for p in Process if not self.covers_process(p)]
