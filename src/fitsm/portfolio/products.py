"""The product register: proposals, toll-gates, strategies and performance reviews of the
services in a portfolio (PR1.2, PR1.3; IT service product management, 003).

One aggregate the store keeps (``uow.products``). Each proposal, gate,
confirmation, waiver, strategy and performance review is its own unit of
change: two people changing different items both commit (:meth:`ProductRegister.rebase`).
Every operation takes ``at=`` and ``by=`` and records who did what and when.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any, Protocol

import attrs

from fitsm._merging import merge_items
from fitsm._validators import check_id, check_text, shown
from fitsm.errors import ConflictError, DuplicateError, NotFoundError, ValidationError
from fitsm.portfolio.gates import (
    Confirmation,
    CriterionResult,
    CriterionState,
    Evidence,
    GateCriterion,
    GateResult,
    OpenGateError,
    TollGate,
    Waiver,
)
from fitsm.portfolio.history import ProductChange, after_last
from fitsm.portfolio.performance import (
    Financials,
    ImprovementOpportunity,
    PerformanceReview,
    ServiceLevelResult,
    assess_outcomes,
)
from fitsm.portfolio.proposals import (
    AssessmentCriterion,
    Decision,
    Finding,
    Proposal,
    ProposalStatus,
)
from fitsm.portfolio.services import DEFAULT_LIFECYCLE, ServiceLifecycle
from fitsm.portfolio.strategy import ServiceStrategy, performance_subject, strategy_subject

__all__ = ["Gatekeeper", "ProductRegister", "Schedules"]

_REVISABLE = (
    "title",
    "predicted_demand",
    "required_resources",
    "expected_benefits",
    "business_case",
    "risks",
)
"""What a proposal's author may change before it is decided."""

_Key = tuple[str, str, str]
"""(service, gate, criterion): what a confirmation or a waiver is for."""


class Schedules(Protocol):
    """What the register needs of review schedules (:class:`fitsm.reviews.ReviewSchedules`):
    to record a review done. The portfolio area does not import the reviews area (it
    sits below it), so this names the one method it calls."""

    def perform(
        self,
        subject: Any,
        *,
        at: datetime,
        by: str,
        outcome: Any = ...,
        note: str = ...,
        follow_ups: Iterable[str] = ...,
    ) -> Any: ...


class Gatekeeper:
    """The register's gates bound to the evidence of one moment: what
    :meth:`fitsm.portfolio.ServicePortfolio.move` asks before a service changes phase."""

    def __init__(self, register: ProductRegister, evidence: Evidence) -> None:
        self.register = register
        self.evidence = evidence

    def clear(self, service_id: str, from_phase: str, to_phase: str) -> tuple[GateResult, ...]:
        """The gates on the move, checked; OpenGateError if one has an open criterion."""
        results = self.register.check(service_id, from_phase, to_phase, self.evidence)
        closed = [r for r in results if not r.passed]
        if closed:
            reasons = "; ".join(
                f"gate {r.gate.name!r}: {', '.join(repr(c.criterion.text) for c in r.open)} open"
                for r in closed
            )
            raise OpenGateError(
                f"service {service_id!r} cannot move from {from_phase!r} to {to_phase!r}: "
                f"{reasons}; meet, confirm or waive each open criterion first",
                results,
            )
        return results


class ProductRegister:
    """Proposals, toll-gates, waivers, strategies and performance reviews of one portfolio.

    ``lifecycle`` is the portfolio's: gates guard moves into its phases.

    >>> from datetime import UTC
    >>> from fitsm.portfolio.gates import GateCriterion
    >>> t0 = datetime(2026, 3, 2, tzinfo=UTC)
    >>> register = ProductRegister()
    >>> gate = TollGate("go-live", "Go-live", "in_production",
    ...                 [GateCriterion("sla", "An SLA draft exists", evidence="sla")])
    >>> _ = register.define_gate(gate, at=t0, by="ann")
    >>> [r.passed for r in register.check("shop", "in_development", "in_production",
    ...                                     Evidence({"sla": ["mail"]}))]
    [False]
    """

    def __init__(self, id: str = "default", lifecycle: ServiceLifecycle | None = None) -> None:
        check_id(id, "product register id", field="id")
        if lifecycle is not None and not isinstance(lifecycle, ServiceLifecycle):
            raise ValidationError(
                f"lifecycle must be a ServiceLifecycle, got {shown(lifecycle)}", field="lifecycle"
            )
        self.id = id
        self.version = 0
        """Bumped by the store on every commit; used to detect conflicting writers."""
        self.lifecycle = DEFAULT_LIFECYCLE if lifecycle is None else lifecycle
        self._criteria: dict[str, AssessmentCriterion] = {}
        self._proposals: dict[str, Proposal] = {}
        self._gates: dict[str, TollGate] = {}
        self._confirmations: dict[_Key, Confirmation] = {}
        self._waivers: dict[_Key, Waiver] = {}
        self._strategies: dict[str | None, ServiceStrategy] = {}
        self._reviews: dict[str, PerformanceReview] = {}

    # -- proposals (PR1.2) --------------------------------------------------------

    def define_assessment_criterion(
        self, criterion: AssessmentCriterion, *, at: datetime, by: str
    ) -> AssessmentCriterion:
        """Write down a criterion proposals are decided by (FitSM-2: "write down the
        assessment criteria used to make decisions on proposals")."""
        if not isinstance(criterion, AssessmentCriterion):
            raise ValidationError(
                f"expected an AssessmentCriterion, got {shown(criterion)}", field="criterion"
            )
        if criterion.id in self._criteria:
            raise DuplicateError(f"assessment criterion {criterion.id!r} is defined already")
        stored = attrs.evolve(criterion, history=(ProductChange(at, by, "defined"),))
        self._criteria[criterion.id] = stored
        return stored

    def propose(self, proposal: Proposal, *, at: datetime, by: str, note: str = "") -> Proposal:
        """Register a proposal for a new or changed service (PR1.2)."""
        if not isinstance(proposal, Proposal):
            raise ValidationError(f"expected a Proposal, got {shown(proposal)}", field="proposal")
        if proposal.id in self._proposals:
            raise DuplicateError(f"proposal {proposal.id!r} is in the register already")
        if (
            proposal.status is not ProposalStatus.PROPOSED
            or proposal.findings
            or proposal.decision is not None
            or proposal.history
        ):
            raise ValidationError(
                f"proposal {proposal.id!r} comes evaluated, decided or with a history; the "
                "register records all three itself, expected a new proposal",
                field="proposal",
            )
        change = ProductChange(at, by, "proposed", {"kind": proposal.kind.value}, note)
        added = attrs.evolve(proposal, history=(change,))
        self._proposals[proposal.id] = added
        return added

    def revise_proposal(
        self, proposal_id: str, *, at: datetime, by: str, note: str = "", **changes: Any
    ) -> Proposal:
        """Change what a proposal says before it is decided; an evaluated proposal goes back
        to *proposed*, since its evaluation was of what it said before."""
        unknown = sorted(set(changes) - set(_REVISABLE))
        if unknown or not changes:
            raise ValidationError(
                f"revise_proposal() of {proposal_id!r} changes {', '.join(_REVISABLE)}; got "
                + (", ".join(map(repr, unknown)) if unknown else "nothing"),
                field=unknown[0] if unknown else None,
            )
        current = self._undecided(proposal_id)
        updated = attrs.evolve(current, **changes, status=ProposalStatus.PROPOSED, findings=())
        recorded = {k: getattr(updated, k) for k in changes}
        change = after_last(
            f"proposal {proposal_id!r}",
            current.history,
            ProductChange(at, by, "revised", recorded, note),
        )
        return self._put_proposal(updated, change)

    def evaluate_proposal(
        self,
        proposal_id: str,
        findings: Iterable[Finding],
        *,
        at: datetime,
        by: str,
        note: str = "",
    ) -> Proposal:
        """Record the evaluation of a proposal: one finding per assessment criterion (PR1.2).

        Every criterion written down must have its finding, and no other; an
        evaluation may be repeated until the proposal is decided.
        """
        current = self._undecided(proposal_id)
        given = tuple(findings) if not isinstance(findings, Finding) else (findings,)
        for finding in given:
            if not isinstance(finding, Finding):
                raise ValidationError(
                    f"expected Finding records, got {shown(finding)}", field="findings"
                )
        if not self._criteria:
            raise ValidationError(
                f"proposal {proposal_id!r} cannot be evaluated: no assessment criteria are "
                "written down; define_assessment_criterion() first (FitSM-2, SPM)",
                field="findings",
            )
        named = [f.criterion for f in given]
        missing = [c for c in self._criteria if c not in named]
        unknown = [c for c in named if c not in self._criteria]
        twice = sorted({c for c in named if named.count(c) > 1})
        if missing or unknown or twice:
            problems = [
                *([f"no finding for {', '.join(map(repr, missing))}"] if missing else []),
                *([f"unknown criteria {', '.join(map(repr, unknown))}"] if unknown else []),
                *([f"{', '.join(map(repr, twice))} found twice"] if twice else []),
            ]
            raise ValidationError(
                f"the evaluation of proposal {proposal_id!r} has {'; '.join(problems)}; "
                f"expected one finding for each of {', '.join(map(repr, self._criteria))}",
                field="findings",
            )
        met = {f.criterion: f.met for f in given}
        change = after_last(
            f"proposal {proposal_id!r}",
            current.history,
            ProductChange(at, by, "evaluated", {"met": met}, note),
        )
        updated = attrs.evolve(current, status=ProposalStatus.EVALUATED, findings=given)
        return self._put_proposal(updated, change)

    def decide_proposal(
        self, proposal_id: str, *, approved: bool, at: datetime, by: str, reason: str = ""
    ) -> Proposal:
        """Approve or reject an evaluated proposal; the decision is recorded as made by ``by``.

        A rejection says why (``reason``).
        """
        current = self._undecided(proposal_id)
        if not isinstance(approved, bool):
            raise ValidationError(
                f"approved must be True or False, got {shown(approved)}", field="approved"
            )
        if current.status is not ProposalStatus.EVALUATED:
            raise ValidationError(
                f"proposal {proposal_id!r} is {current.status.value}; it is decided once "
                "evaluated (PR1.2): evaluate_proposal() first",
                field="proposal_id",
            )
        check_text(reason, "reason", field="reason")
        if not approved and not reason.strip():
            raise ValidationError(
                f"rejecting proposal {proposal_id!r} needs a reason", field="reason"
            )
        decision = Decision(approved, by, at, reason)
        status = ProposalStatus.APPROVED if approved else ProposalStatus.REJECTED
        change = after_last(
            f"proposal {proposal_id!r}",
            current.history,
            ProductChange(at, by, "decided", {"status": status.value}, reason),
        )
        updated = attrs.evolve(current, status=status, decision=decision)
        return self._put_proposal(updated, change)

    def _undecided(self, proposal_id: str) -> Proposal:
        current = self.proposal(proposal_id)
        if current.decision is not None:
            raise ValidationError(
                f"proposal {proposal_id!r} was {current.status.value} by "
                f"{current.decision.by!r}; a decided proposal changes no more",
                field="proposal_id",
            )
        return current

    def _put_proposal(self, updated: Proposal, change: ProductChange) -> Proposal:
        stored = attrs.evolve(updated, history=(*updated.history, change))
        self._proposals[updated.id] = stored
        return stored

    # -- toll-gates (PR1.3) ---------------------------------------------------------

    def define_gate(self, gate: TollGate, *, at: datetime, by: str, note: str = "") -> TollGate:
        """Put a toll-gate on the move into ``gate.into``; its phases must be the lifecycle's."""
        if not isinstance(gate, TollGate):
            raise ValidationError(f"expected a TollGate, got {shown(gate)}", field="gate")
        if gate.id in self._gates:
            raise DuplicateError(f"toll-gate {gate.id!r} is defined already; retire it first")
        if gate.history or not gate.active:
            raise ValidationError(
                f"toll-gate {gate.id!r} comes retired or with a history; expected a new gate",
                field="gate",
            )
        for phase in (gate.into, *sorted(gate.from_phases)):
            self.lifecycle.check_phase(phase)
        recorded = {"into": gate.into, "criteria": tuple(c.id for c in gate.criteria)}
        change = ProductChange(at, by, "defined", recorded, note)
        stored = attrs.evolve(gate, history=(change,))
        self._gates[gate.id] = stored
        return stored

    def retire_gate(self, gate_id: str, *, at: datetime, by: str, note: str = "") -> TollGate:
        """Stop a gate guarding moves; it stays on record with its history."""
        current = self.gate(gate_id)
        if not current.active:
            raise ValidationError(f"toll-gate {gate_id!r} is retired already", field="gate_id")
        change = after_last(
            f"toll-gate {gate_id!r}", current.history, ProductChange(at, by, "retired", {}, note)
        )
        stored = attrs.evolve(current, active=False, history=(*current.history, change))
        self._gates[gate_id] = stored
        return stored

    def confirm(
        self,
        service_id: str,
        gate_id: str,
        criterion_id: str,
        *,
        at: datetime,
        by: str,
        note: str = "",
    ) -> Confirmation:
        """Record that a manual criterion of a gate is met for a service (e.g. "the design
        is reviewed"); confirming again replaces the earlier confirmation."""
        criterion = self._active_gate(gate_id).criterion(criterion_id)
        if not criterion.manual:
            raise ValidationError(
                f"criterion {criterion_id!r} of toll-gate {gate_id!r} is checked against the "
                f"evidence {criterion.evidence!r}, not confirmed by a person",
                field="criterion_id",
            )
        confirmation = Confirmation(service_id, gate_id, criterion_id, by, at, note)
        self._confirmations[(service_id, gate_id, criterion_id)] = confirmation
        return confirmation

    def waive(
        self,
        service_id: str,
        gate_id: str,
        criterion_id: str,
        *,
        reason: str,
        at: datetime,
        by: str,
    ) -> Waiver:
        """Let a service pass a gate with a criterion open: who, when, why, which criterion.

        One waiver per service, gate and criterion (DuplicateError for a second).
        """
        self._active_gate(gate_id).criterion(criterion_id)
        key = (service_id, gate_id, criterion_id)
        waiver = Waiver(service_id, gate_id, criterion_id, by, at, reason)
        if key in self._waivers:
            earlier = self._waivers[key]
            raise DuplicateError(
                f"criterion {criterion_id!r} of toll-gate {gate_id!r} is waived for service "
                f"{service_id!r} already (by {earlier.by!r} at {earlier.at.isoformat()})"
            )
        self._waivers[key] = waiver
        return waiver

    def _active_gate(self, gate_id: str) -> TollGate:
        gate = self.gate(gate_id)
        if not gate.active:
            raise ValidationError(f"toll-gate {gate_id!r} is retired", field="gate_id")
        return gate

    # -- strategies (003) ---------------------------------------------------------------

    def set_strategy(
        self,
        strategy: ServiceStrategy,
        *,
        at: datetime,
        by: str,
        note: str = "",
        schedules: Schedules | None = None,
    ) -> ServiceStrategy:
        """Agree a service's (or the portfolio's) strategy, or update it.

        With ``schedules``, this is also the review of the strategy's schedule
        (:func:`~fitsm.portfolio.strategy_subject`), which advances: both change, or
        neither.
        """
        if not isinstance(strategy, ServiceStrategy):
            raise ValidationError(
                f"expected a ServiceStrategy, got {shown(strategy)}", field="strategy"
            )
        if strategy.history:
            raise ValidationError(
                f"the strategy of {strategy.subject_id!r} comes with a history; the register "
                "records it itself",
                field="strategy",
            )
        current = self._strategies.get(strategy.key)
        history = () if current is None else current.history
        action = "set" if current is None else "updated"
        recorded = {
            "objectives": strategy.objectives,
            "available_from": strategy.available_from,
            "outcomes": tuple(o.id for o in strategy.outcomes),
        }
        change = after_last(
            f"the strategy of {strategy.subject_id!r}",
            history,
            ProductChange(at, by, action, recorded, note),
        )
        if schedules is not None:
            schedules.perform(
                strategy_subject(strategy.service),
                at=change.at,
                by=by,
                outcome="updated",
                note=note or f"strategy {action}",
            )
        stored = attrs.evolve(strategy, history=(*history, change))
        self._strategies[strategy.key] = stored
        return stored

    def review_strategy(
        self,
        service_id: str | None,
        *,
        at: datetime,
        by: str,
        note: str = "",
        schedules: Schedules | None = None,
    ) -> ServiceStrategy:
        """Record that a strategy was reviewed and still holds (kept current, 003); with
        ``schedules``, its review schedule advances too. A strategy that no longer holds is
        updated with :meth:`set_strategy`."""
        current = self.strategy(service_id)
        change = after_last(
            f"the strategy of {current.subject_id!r}",
            current.history,
            ProductChange(at, by, "reviewed", {}, note),
        )
        if schedules is not None:
            schedules.perform(
                strategy_subject(service_id), at=change.at, by=by, outcome="passed", note=note
            )
        stored = attrs.evolve(current, history=(*current.history, change))
        self._strategies[current.key] = stored
        return stored

    # -- performance reviews (003) -----------------------------------------------------

    def review_performance(
        self,
        review_id: str,
        service_id: str,
        *,
        start: datetime,
        end: datetime,
        at: datetime,
        by: str,
        financials: Financials | None = None,
        service_levels: Iterable[ServiceLevelResult] = (),
        judgements: Mapping[str, bool] | None = None,
        opportunities: Iterable[ImprovementOpportunity | str] = (),
        note: str = "",
        schedules: Schedules | None = None,
    ) -> PerformanceReview:
        """Review a service's performance over ``[start, end)`` against its strategy's outcomes.

        Each outcome not achieved becomes an improvement opportunity
        (``<review_id>-<outcome id>``), after which come those the reviewers name
        (a title, numbered ``<review_id>-1``, ... or an
        :class:`~fitsm.portfolio.ImprovementOpportunity`). With ``schedules``, the
        service's performance review schedule (:func:`~fitsm.portfolio.performance_subject`)
        records the review, with the opportunities as its follow-ups.
        """
        check_id(review_id, "review_id", field="review_id")
        if review_id in self._reviews:
            raise DuplicateError(f"performance review {review_id!r} is recorded already")
        strategy = self._strategies.get(service_id)
        if strategy is None:
            raise NotFoundError(
                f"service {service_id!r} has no strategy in product register {self.id!r}: a "
                "performance review measures against the strategy's outcomes; set_strategy() "
                "first"
            )
        levels = tuple(service_levels)
        results = assess_outcomes(
            strategy, financials=financials, service_levels=levels, judgements=judgements
        )
        found = [
            ImprovementOpportunity(
                f"{review_id}-{r.outcome.id}",
                f"{service_id}: {r.outcome.text} was not achieved",
                r.note,
                r.outcome.id,
            )
            for r in results
            if r.achieved is False
        ]
        given = (opportunities,) if isinstance(opportunities, str) else tuple(opportunities)
        for number, each in enumerate(given, start=1):
            if isinstance(each, str):
                found.append(ImprovementOpportunity(f"{review_id}-{number}", each))
            elif isinstance(each, ImprovementOpportunity):
                found.append(each)
            else:
                raise ValidationError(
                    f"an opportunity is a title or an ImprovementOpportunity, got {shown(each)}",
                    field="opportunities",
                )
        ids = [o.id for o in found]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValidationError(
                f"performance review {review_id!r} names opportunity {twice[0]!r} twice",
                field="opportunities",
            )
        review = PerformanceReview(
            review_id,
            service_id,
            start,
            end,
            at,
            by,
            financials,
            levels,
            results,
            tuple(found),
            note,
        )
        if schedules is not None:
            schedules.perform(
                performance_subject(service_id),
                at=review.at,
                by=by,
                outcome="findings" if found else "passed",
                note=note or f"performance review {review_id}",
                follow_ups=ids,
            )
        self._reviews[review_id] = review
        return review

    # -- reading -------------------------------------------------------------------------

    @property
    def assessment_criteria(self) -> tuple[AssessmentCriterion, ...]:
        return tuple(self._criteria.values())

    def proposal(self, proposal_id: str) -> Proposal:
        """The proposal ``proposal_id``; NotFoundError if there is none."""
        try:
            return self._proposals[proposal_id]
        except (KeyError, TypeError):
            raise NotFoundError(
                f"no proposal {shown(proposal_id)} in product register {self.id!r}"
            ) from None

    def proposals(self, status: ProposalStatus | str | None = None) -> list[Proposal]:
        """The proposals (in ``status``), by id."""
        wanted = None if status is None else ProposalStatus(status)
        return sorted(
            (p for p in self._proposals.values() if wanted is None or p.status is wanted),
            key=lambda p: p.id,
        )

    def gate(self, gate_id: str) -> TollGate:
        """The toll-gate ``gate_id``; NotFoundError if there is none."""
        try:
            return self._gates[gate_id]
        except (KeyError, TypeError):
            raise NotFoundError(
                f"no toll-gate {shown(gate_id)} in product register {self.id!r}"
            ) from None

    @property
    def gates(self) -> list[TollGate]:
        """Every gate, retired ones included, by id."""
        return sorted(self._gates.values(), key=lambda g: g.id)

    def gates_for(self, service_id: str, from_phase: str, to_phase: str) -> list[TollGate]:
        """The active gates on this service's move, by id."""
        return [g for g in self.gates if g.applies(service_id, from_phase, to_phase)]

    def facts(self) -> Evidence:
        """What the register itself evidences: ``strategy`` (services with a strategy) and
        ``proposal_approved`` (services with an approved proposal)."""
        return Evidence(
            {
                "strategy": [k for k in self._strategies if k is not None],
                "proposal_approved": sorted(
                    {
                        p.service
                        for p in self._proposals.values()
                        if p.status is ProposalStatus.APPROVED
                    }
                ),
            }
        )

    def check(
        self,
        service_id: str,
        from_phase: str,
        to_phase: str,
        evidence: Evidence | Mapping[str, Iterable[str]] | None = None,
    ) -> tuple[GateResult, ...]:
        """Each gate on the move checked for the service: criteria met by ``evidence`` (with
        the register's own :meth:`facts`), confirmed, waived or open."""
        known = self.facts() if evidence is None else self.facts().merged(evidence)
        return tuple(
            GateResult(
                gate,
                service_id,
                tuple(self._state(service_id, gate, c, known) for c in gate.criteria),
            )
            for gate in self.gates_for(service_id, from_phase, to_phase)
        )

    def _state(
        self, service_id: str, gate: TollGate, criterion: GateCriterion, evidence: Evidence
    ) -> CriterionResult:
        key = (service_id, gate.id, criterion.id)
        if criterion.manual:
            confirmed = self._confirmations.get(key)
            if confirmed is not None:
                return CriterionResult(
                    criterion,
                    CriterionState.CONFIRMED,
                    f"confirmed by {confirmed.by!r} at {confirmed.at.isoformat()}",
                )
            missing = "not confirmed"
        elif evidence.holds(criterion.evidence, service_id):
            return CriterionResult(criterion, CriterionState.MET, f"{criterion.evidence} holds")
        elif evidence.known(criterion.evidence):
            missing = f"no {criterion.evidence} for {service_id!r}"
        else:
            missing = f"no evidence of {criterion.evidence!r} was given"
        waiver = self._waivers.get(key)
        if waiver is not None:
            return CriterionResult(
                criterion,
                CriterionState.WAIVED,
                f"{missing}; waived by {waiver.by!r}: {waiver.reason}",
                waiver,
            )
        return CriterionResult(criterion, CriterionState.OPEN, missing)

    def gatekeeper(
        self, evidence: Evidence | Mapping[str, Iterable[str]] | None = None
    ) -> Gatekeeper:
        """The gates with ``evidence``, for :meth:`fitsm.portfolio.ServicePortfolio.move`."""
        given = Evidence() if evidence is None else evidence
        return Gatekeeper(self, given if isinstance(given, Evidence) else Evidence(given))

    def confirmations(self, service_id: str | None = None) -> list[Confirmation]:
        """The confirmations (of one service), by service, gate and criterion."""
        return [v for k, v in sorted(self._confirmations.items()) if service_id in (None, k[0])]

    def waivers(self, service_id: str | None = None) -> list[Waiver]:
        """The waivers (of one service), by service, gate and criterion."""
        return [v for k, v in sorted(self._waivers.items()) if service_id in (None, k[0])]

    def strategy(self, service_id: str | None = None) -> ServiceStrategy:
        """The strategy of a service, or of the portfolio (None); NotFoundError if none."""
        try:
            return self._strategies[service_id]
        except (KeyError, TypeError):
            which = "the portfolio" if service_id is None else f"service {shown(service_id)}"
            raise NotFoundError(
                f"{which} has no strategy in product register {self.id!r}"
            ) from None

    @property
    def strategies(self) -> list[ServiceStrategy]:
        """Every strategy, the portfolio's first, then by service."""
        return sorted(self._strategies.values(), key=lambda s: (s.service is not None, s.key))

    def review(self, review_id: str) -> PerformanceReview:
        """The performance review ``review_id``; NotFoundError if there is none."""
        try:
            return self._reviews[review_id]
        except (KeyError, TypeError):
            raise NotFoundError(
                f"no performance review {shown(review_id)} in product register {self.id!r}"
            ) from None

    def reviews_of(self, service_id: str) -> list[PerformanceReview]:
        """The performance reviews of a service, oldest first."""
        return sorted(
            (r for r in self._reviews.values() if r.service == service_id),
            key=lambda r: (r.at, r.id),
        )

    def __iter__(self) -> Iterator[Proposal]:
        """The proposals, by id."""
        return iter(self.proposals())

    # -- aggregate ----------------------------------------------------------------------

    def rebase(self, stored: ProductRegister, base: ProductRegister) -> None:
        """Put the items changed here since ``base`` on top of ``stored``.

        Each proposal, gate, confirmation, waiver, strategy and review is its own
        unit of change: when this register and ``stored`` changed the same one,
        ConflictError is raised and nothing changes.
        """
        if stored.lifecycle != base.lifecycle:
            raise ConflictError(
                f"product register {self.id!r}: its lifecycle changed since it was loaded; "
                "reload and apply the change again"
            )
        merged = {
            name: merge_items(
                getattr(self, name), getattr(stored, name), getattr(base, name), _conflict(what)
            )
            for name, what in _ITEMS.items()
        }
        for name, items_ in merged.items():  # all merged before any is replaced
            setattr(self, name, items_)

    def copy(self) -> ProductRegister:
        """An independent copy; the items are immutable, so sharing them is safe."""
        other = ProductRegister(self.id, self.lifecycle)
        other.version = self.version
        for name in _ITEMS:
            setattr(other, name, dict(getattr(self, name)))
        return other

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ProductRegister):
            return NotImplemented
        return (self.id, self.lifecycle) == (other.id, other.lifecycle) and all(
            getattr(self, n) == getattr(other, n) for n in _ITEMS
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"<ProductRegister {self.id!r}: {len(self._proposals)} proposals, "
            f"{len(self._gates)} gates, {len(self._strategies)} strategies, "
            f"{len(self._reviews)} performance reviews>"
        )


_ITEMS: dict[str, str] = {
    "_criteria": "assessment criterion",
    "_proposals": "proposal",
    "_gates": "toll-gate",
    "_confirmations": "confirmation",
    "_waivers": "waiver",
    "_strategies": "strategy",
    "_reviews": "performance review",
}
"""The register's items by attribute, each merged on its own (:meth:`ProductRegister.rebase`)."""


def _conflict(what: str) -> Callable[[list[Any]], str]:
    def message(keys: list[Any]) -> str:
        return (
            f"{what} {', '.join(map(repr, keys))} was changed by someone else since it was "
            "loaded; reload and apply the change again"
        )

    return message
