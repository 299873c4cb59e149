"""Audit rules as data: one small object per requirement, and a rule book holding them.

A :class:`Rule` names a requirement, quotes its FitSM-1 text, lists the building
blocks of the library that serve it, and either checks a
:class:`~fitsm.conformance.Snapshot` (decided by machine) or says what a person
must provide (``needs_evidence``). A :class:`Rulebook` holds one rule per
requirement; users add their own, replace one, or mark one not applicable::

    book = default_rulebook()
    book.replace(attrs.evolve(book["PR9.6"], check=major_incidents(my_criteria)))
    book.not_applicable("PR6.4", "out of the SMS scope: security is run by the parent",
                        by="ann", at=when)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

import attrs

from fitsm._validators import check_id, check_text, identifier, to_str_tuple
from fitsm._validators import text as _text
from fitsm.clock import as_utc
from fitsm.conformance.findings import AuditFinding
from fitsm.conformance.requirements import ATTRIBUTION, requirement_order
from fitsm.conformance.snapshot import Snapshot
from fitsm.errors import DuplicateError, NotFoundError, ValidationError

__all__ = ["Check", "Exemption", "Rule", "Rulebook"]

Check = Callable[[Snapshot], AuditFinding]
"""A rule's check: a function of the snapshot returning the finding on its requirement."""


def _check(instance: Rule, attribute: attrs.Attribute[Check | None], value: object) -> None:
    if value is not None and not callable(value):
        raise ValidationError(
            f"rule {instance.requirement}: check must be a function of a Snapshot or None, "
            f"got {value!r}",
            field="check",
        )


@attrs.frozen
class Rule:
    """How the audit decides one requirement.

    ``check`` decides it from the store's data; without one, the finding is
    ``needs_evidence`` and ``provide`` says what a person must show. ``blocks``
    names the library's building blocks that serve the requirement.

    >>> from fitsm.conformance import AuditFinding
    >>> rule = Rule("ORG.1", "Every service has a runbook.", provide="the runbooks")
    >>> rule.by_machine, rule.decide(None).status.value  # type: ignore[arg-type]
    (False, 'needs_evidence')
    """

    requirement: str = attrs.field(validator=identifier)
    text: str = attrs.field(validator=_text)
    """The requirement's words, quoted from its source."""
    blocks: tuple[str, ...] = attrs.field(default=(), converter=to_str_tuple)
    check: Check | None = attrs.field(default=None, validator=_check, eq=False)
    provide: str = attrs.field(default="", validator=_text)
    """What a person must provide when the store cannot decide (or holds no such data)."""
    source: str = attrs.field(default=ATTRIBUTION, validator=_text)
    """Where ``text`` comes from, with its licence."""

    def __attrs_post_init__(self) -> None:
        if self.check is None and not self.provide:
            raise ValidationError(
                f"rule {self.requirement}: a rule without a check must say what to provide",
                field="provide",
            )

    @property
    def by_machine(self) -> bool:
        """Whether the audit decides this requirement from the store's data."""
        return self.check is not None

    def decide(self, snapshot: Snapshot) -> AuditFinding:
        """The finding on this requirement for ``snapshot``."""
        if self.check is None:
            return AuditFinding.needs_evidence(self.requirement, self.provide)
        found = self.check(snapshot)
        if not isinstance(found, AuditFinding) or found.requirement != self.requirement:
            raise ValidationError(
                f"rule {self.requirement}: its check must return a AuditFinding on "
                f"{self.requirement}, got {found!r}"
            )
        return found


def _utc(value: datetime) -> datetime:
    return as_utc(value, "at")


@attrs.frozen
class Exemption:
    """A requirement marked not applicable: why, by whom, when."""

    requirement: str = attrs.field(validator=identifier)
    why: str = attrs.field(validator=_text)
    by: str = attrs.field(validator=identifier)
    at: datetime = attrs.field(converter=_utc)


class Rulebook:
    """One rule per requirement, in the standard's order, and the exemptions.

    >>> book = Rulebook([Rule("ORG.1", "Every service has a runbook.", provide="runbooks")])
    >>> len(book), "ORG.1" in book
    (1, True)
    """

    def __init__(self, rules: Iterable[Rule] = ()) -> None:
        self._rules: dict[str, Rule] = {}
        self._exempt: dict[str, Exemption] = {}
        for rule in rules:
            self.add(rule)

    def add(self, rule: Rule) -> Rule:
        """Add a rule for a requirement the book has no rule for (DuplicateError if it has)."""
        if not isinstance(rule, Rule):
            raise ValidationError(f"a rule book holds Rule objects, got {rule!r}")
        if rule.requirement in self._rules:
            raise DuplicateError(
                f"the rule book has a rule for {rule.requirement} already; use replace()"
            )
        self._rules[rule.requirement] = rule
        return rule

    def replace(self, rule: Rule) -> Rule:
        """Put ``rule`` in place of the book's rule for its requirement."""
        if not isinstance(rule, Rule):
            raise ValidationError(f"a rule book holds Rule objects, got {rule!r}")
        self[rule.requirement]  # NotFoundError for an unknown requirement
        self._rules[rule.requirement] = rule
        return rule

    def not_applicable(self, requirement: str, why: str, *, by: str, at: datetime) -> Exemption:
        """Mark a requirement not applicable (out of the SMS scope, ...), saying why; the
        audit reports it so, with the reason, instead of running its rule."""
        self[requirement]
        exemption = Exemption(
            requirement,
            check_text(why, "why", field="why"),
            check_id(by, "who", field="by"),
            at,
        )
        if not why.strip():
            raise ValidationError(
                f"marking {requirement} not applicable needs a reason", field="why"
            )
        self._exempt[requirement] = exemption
        return exemption

    def applicable(self, requirement: str) -> None:
        """Take back a requirement's exemption."""
        if self._exempt.pop(requirement, None) is None:
            raise NotFoundError(f"{requirement} is not marked not applicable")

    @property
    def exemptions(self) -> tuple[Exemption, ...]:
        """The requirements marked not applicable, in the standard's order."""
        return tuple(self._exempt[r] for r in sorted(self._exempt, key=requirement_order))

    def decide(self, requirement: str, snapshot: Snapshot) -> AuditFinding:
        """The finding on one requirement: its exemption, else its rule's decision."""
        exemption = self._exempt.get(requirement)
        if exemption is not None:
            return AuditFinding.not_applicable(
                requirement, f"{exemption.why} (marked by {exemption.by})"
            )
        return self[requirement].decide(snapshot)

    def __getitem__(self, requirement: str) -> Rule:
        try:
            return self._rules[requirement]
        except (KeyError, TypeError):
            raise NotFoundError(f"the rule book has no rule for {requirement!r}") from None

    def __contains__(self, requirement: object) -> bool:
        return requirement in self._rules

    def __iter__(self) -> Iterator[Rule]:
        return iter(sorted(self._rules.values(), key=lambda r: requirement_order(r.requirement)))

    def __len__(self) -> int:
        return len(self._rules)

    def to_markdown(self) -> str:
        """A Markdown table of the rules: each requirement with its FitSM-1 text, the
        building blocks that serve it, and whether the audit decides it from the data
        (else what a person must provide). ``docs/conformance.md`` holds this table."""
        lines = [
            "| requirement | FitSM-1 text | building blocks | decided |",
            "|---|---|---|---|",
        ]
        for rule in self:
            blocks = ", ".join(f"`{b}`" for b in rule.blocks) or "-"
            decided = "by machine" if rule.by_machine else f"needs evidence: {rule.provide}"
            cells = [rule.requirement, rule.text, blocks, decided]
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        return "\n".join(lines) + "\n"

    def copy(self) -> Rulebook:
        """An independent copy (rules are immutable)."""
        other = Rulebook()
        other._rules = dict(self._rules)
        other._exempt = dict(self._exempt)
        return other
