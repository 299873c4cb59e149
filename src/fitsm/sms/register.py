"""The SMS register: the building blocks of the service management system (GR1-GR7) as one
aggregate the store keeps (``uow.sms``).

It holds the service management policy (GR1.2), management reviews (GR1.3),
controlled documents (GR2.4), process definitions (GR2.2), stakeholders and the
scope statement (GR3), the service management plan and process plans (GR4), KPIs
and their measurements (GR5, GR6.1), assessments and audits (GR6.2) and
nonconformities with their corrective actions (GR7.1). Each item is its own unit
of change: two people changing different items do not conflict
(:meth:`SmsRegister.rebase`). Every operation takes ``at=`` and ``by=``, checks
its input before it changes anything and appends a
:class:`~fitsm.sms.SmsChange` to the item's history; a change dated before the
item's last one is refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from enum import Enum
from fractions import Fraction
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from fitsm._merging import after_last, merge_items
from fitsm._validators import check_id, check_text, enum_value
from fitsm.clock import as_utc
from fitsm.errors import DuplicateError, NotFoundError, ValidationError
from fitsm.reviews.schedules import ReviewOutcome
from fitsm.roles import Process
from fitsm.sms.assessments import Assessment, ManagementReview, Nonconformity
from fitsm.sms.documents import ControlledDocument, DocumentVersion
from fitsm.sms.kpis import Kpi, Measurement
from fitsm.sms.plans import ProcessPlan, ServiceManagementPlan
from fitsm.sms.policy import Commitment, ServiceManagementPolicy, ServiceManagementPolicyVersion
from fitsm.sms.processes import REQUIRED_DEFINITION_CONTENTS, ProcessDefinition
from fitsm.sms.records import Action, Approval, Distribution, SmsChange
from fitsm.sms.scope import ScopeStatement, Stakeholder
from fitsm.sms.subjects import document_subject, management_review_subject, sms_assessment_subject

if TYPE_CHECKING:
    from fitsm.reviews.schedules import ReviewSchedules

__all__ = ["SmsRegister"]

T = TypeVar("T")

_POLICY, _SCOPE, _PLAN = "policy", "scope", "plan"
_KINDS = {
    ServiceManagementPolicy: "policy",
    ManagementReview: "management review",
    ControlledDocument: "document",
    ProcessDefinition: "process definition",
    Stakeholder: "stakeholder",
    ScopeStatement: "scope statement",
    ServiceManagementPlan: "service management plan",
    ProcessPlan: "process plan",
    Kpi: "KPI",
    Assessment: "assessment",
    Nonconformity: "nonconformity",
}
"""The item types and how messages name them; items are keyed by (name, id)."""


def _plain(value: Any) -> Any:
    """A value as the history keeps it: enums as their value, sets sorted."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, frozenset):
        return tuple(sorted(_plain(v) for v in value))
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    return value


def _fields(record: Any) -> dict[str, Any]:
    """The plain fields of a record that a history entry keeps (not nested records)."""
    kept = {}
    for field in attrs.fields(type(record)):
        if field.name in ("history", "versions", "measurements"):
            continue
        value = _plain(getattr(record, field.name))
        if isinstance(value, tuple) and value and attrs.has(type(value[0])):
            value = tuple(getattr(v, "id", str(v)) for v in value)
        kept[field.name] = value
    return kept


class SmsRegister:
    """The service management system's building blocks (GR1-GR7): the aggregate the store
    keeps as ``uow.sms``.

    >>> from datetime import UTC
    >>> sms = SmsRegister()
    >>> t0 = datetime(2024, 1, 8, tzinfo=UTC)
    >>> _ = sms.define_policy(goals=["Meet every SLA"], commitments=list(Commitment),
    ...                       at=t0, by="sam")
    >>> sms.approve_policy(at=t0, by="olga").current.approval.by
    'olga'
    """

    def __init__(self, id: str = "default") -> None:
        if not isinstance(id, str) or not id or id != id.strip():
            raise ValidationError(f"SMS register id must be a non-empty string, got {id!r}")
        self.id = id
        self.version = 0
        """Bumped by the store on every commit; used to detect conflicting writers."""
        self._items: dict[tuple[str, str], Any] = {}

    # -- the item store ------------------------------------------------------------

    def _get(self, cls: type[T], key: str) -> T:
        name = _KINDS[cls]
        try:
            found: T = self._items[(name, key)]
        except (KeyError, TypeError):
            raise NotFoundError(f"no {name} {key!r} in SMS register {self.id!r}") from None
        return found

    def _all(self, cls: type[T]) -> list[T]:
        name = _KINDS[cls]
        return [v for (k, _), v in sorted(self._items.items()) if k == name]

    def _put(
        self,
        record: T,
        key: str,
        at: datetime,
        by: str,
        action: str,
        *,
        changes: Mapping[str, Any] | None = None,
        note: str = "",
        new: bool | None = None,
    ) -> T:
        """Store ``record`` under ``key`` with a history entry; ``new=True`` refuses an
        existing item (DuplicateError), ``new=False`` a missing one."""
        name = _KINDS[type(record)]
        current = self._items.get((name, key))
        if new is True and current is not None:
            raise DuplicateError(f"{name} {key!r} is in SMS register {self.id!r} already")
        if new is False and current is None:
            raise NotFoundError(f"no {name} {key!r} in SMS register {self.id!r}")
        change = SmsChange(
            at,
            by,
            action,
            _fields(record) if changes is None else changes,
            check_text(note, "note"),
        )
        before: tuple[SmsChange, ...] = () if current is None else current.history
        after_last(f"{name} {key!r}", before, change)
        stored = attrs.evolve(record, history=(*before, change))  # type: ignore[misc]
        self._items[(name, key)] = stored
        return stored

    @staticmethod
    def _fresh(record: Any, cls: type[Any]) -> None:
        if not isinstance(record, cls):
            raise ValidationError(f"expected a {cls.__name__}, got {record!r}")
        if record.history:
            raise ValidationError(
                f"{_KINDS[cls]} comes with a history; the register records it itself",
                field="history",
            )

    # -- the policy (GR1.2) ----------------------------------------------------------

    def define_policy(
        self,
        *,
        goals: Iterable[str],
        commitments: Iterable[Commitment | str],
        at: datetime,
        by: str,
        statement: str = "",
        title: str = "Service management policy",
        note: str = "",
    ) -> ServiceManagementPolicy:
        """Draft the next version of the policy (GR1.2); a draft not yet approved is
        replaced by the new one rather than kept beside it."""
        current = self._items.get((_KINDS[ServiceManagementPolicy], _POLICY))
        versions: tuple[ServiceManagementPolicyVersion, ...] = (
            () if current is None else current.versions
        )
        if versions and versions[-1].approval is None:
            versions = versions[:-1]
        draft = ServiceManagementPolicyVersion(
            len(versions) + 1, tuple(goals), tuple(commitments), statement
        )
        policy = ServiceManagementPolicy(_POLICY, title, (*versions, draft))
        changes = {
            "version": draft.number,
            "goals": draft.goals,
            "commitments": _plain(draft.commitments),
        }
        return self._put(policy, _POLICY, at, by, "drafted", changes=changes, note=note)

    def approve_policy(self, *, at: datetime, by: str, note: str = "") -> ServiceManagementPolicy:
        """Approve the latest version of the policy (GR1.2: by the SMS owner, the acting
        person). A version without goals or one of the three commitments is refused."""
        policy = self.policy
        latest = policy.latest
        if latest is None or latest.approval is not None:
            raise ValidationError(
                "the policy has no draft to approve; define_policy() drafts the next version",
                field="version",
            )
        missing = latest.missing()
        if missing:
            raise ValidationError(
                f"policy version {latest.number} lacks what GR1.2 asks: {', '.join(missing)}; "
                "expected overall goals and the commitments to continual improvement and a "
                "service-oriented and process-oriented approach",
                field="commitments",
            )
        approved = attrs.evolve(latest, approval=Approval(at, by))
        updated = attrs.evolve(policy, versions=(*policy.versions[:-1], approved))
        return self._put(
            updated, _POLICY, at, by, "approved", changes={"version": latest.number}, note=note
        )

    def communicate_policy(
        self, *, to: Iterable[str] | str, at: datetime, by: str, channel: str = "", note: str = ""
    ) -> ServiceManagementPolicy:
        """Record that the policy in force was communicated to ``to`` (GR1.2)."""
        policy = self.policy
        current = policy.current
        if current is None:
            raise ValidationError(
                "the policy has no approved version to communicate; approve_policy() first",
                field="version",
            )
        sent = Distribution(at, by, to, channel)
        updated_version = attrs.evolve(current, communications=(*current.communications, sent))
        versions = tuple(updated_version if v is current else v for v in policy.versions)
        changes = {"version": current.number, "to": sent.to}
        return self._put(
            attrs.evolve(policy, versions=versions),
            _POLICY,
            at,
            by,
            "communicated",
            changes=changes,
            note=note,
        )

    @property
    def policy(self) -> ServiceManagementPolicy:
        """The policy; NotFoundError before one is defined."""
        return self._get(ServiceManagementPolicy, _POLICY)

    # -- management reviews (GR1.3) ---------------------------------------------------

    def record_management_review(
        self,
        review: ManagementReview,
        *,
        at: datetime,
        by: str,
        schedules: ReviewSchedules | None = None,
        note: str = "",
    ) -> ManagementReview:
        """Record a management review held by the SMS owner (GR1.3).

        With ``schedules``, the review is also done on the schedule of
        :func:`~fitsm.sms.management_review_subject`, which then advances: both change,
        or neither.
        """
        self._fresh(review, ManagementReview)
        if (_KINDS[ManagementReview], review.id) in self._items:
            raise DuplicateError(f"management review {review.id!r} is recorded already")
        if schedules is not None:
            schedules.perform(
                management_review_subject(self.id),
                at=review.held,
                by=by,
                outcome=ReviewOutcome.FINDINGS if review.actions else ReviewOutcome.PASSED,
                note=note or f"management review {review.id}",
                follow_ups=[a.id for a in review.actions],
            )
        return self._put(review, review.id, at, by, "recorded", note=note, new=True)

    def complete_review_action(
        self, review_id: str, action_id: str, *, at: datetime, by: str, note: str = ""
    ) -> ManagementReview:
        """Mark a follow-up action of a management review done."""
        review = self._get(ManagementReview, review_id)
        done = _done(review.actions, action_id, at, f"management review {review_id!r}")
        changes = {"action": action_id}
        return self._put(
            attrs.evolve(review, actions=done),
            review_id,
            at,
            by,
            "action done",
            changes=changes,
            note=note,
        )

    def management_reviews(self) -> list[ManagementReview]:
        """Every management review, by the time it was held."""
        return sorted(self._all(ManagementReview), key=lambda r: (r.held, r.id))

    # -- controlled documents (GR2.4) ------------------------------------------------

    def add_document(
        self,
        document: ControlledDocument,
        *,
        at: datetime,
        by: str,
        summary: str = "",
        note: str = "",
    ) -> ControlledDocument:
        """Create a controlled document with its first version (a draft)."""
        self._fresh(document, ControlledDocument)
        if document.versions or document.withdrawn:
            raise ValidationError(
                f"document {document.id!r} comes with versions or withdrawn; the register "
                "records both itself",
                field="versions",
            )
        first = attrs.evolve(document, versions=(DocumentVersion(1, summary or "created"),))
        return self._put(first, document.id, at, by, "created", note=note, new=True)

    def revise_document(
        self, document_id: str, *, summary: str, at: datetime, by: str, note: str = ""
    ) -> ControlledDocument:
        """Start the next version of a document; a draft not yet approved is replaced."""
        document = self._open_document(document_id)
        versions = document.versions
        if versions and versions[-1].approval is None:
            versions = versions[:-1]
        draft = DocumentVersion(len(versions) + 1, summary)
        updated = attrs.evolve(document, versions=(*versions, draft))
        changes = {"version": draft.number, "summary": summary}
        return self._put(updated, document_id, at, by, "revised", changes=changes, note=note)

    def approve_document(
        self, document_id: str, *, at: datetime, by: str, note: str = ""
    ) -> ControlledDocument:
        """Approve the latest version of a document (GR2.4)."""
        document = self._open_document(document_id)
        latest = document.latest
        if latest is None or latest.approval is not None:
            raise ValidationError(
                f"document {document_id!r} has no draft to approve; revise_document() first",
                field="version",
            )
        approved = attrs.evolve(latest, approval=Approval(at, by))
        updated = attrs.evolve(document, versions=(*document.versions[:-1], approved))
        return self._put(
            updated, document_id, at, by, "approved", changes={"version": latest.number}, note=note
        )

    def distribute_document(
        self,
        document_id: str,
        *,
        to: Iterable[str] | str,
        at: datetime,
        by: str,
        channel: str = "",
        note: str = "",
    ) -> ControlledDocument:
        """Record that the approved version of a document was distributed to ``to``."""
        document = self._open_document(document_id)
        current = document.current
        if current is None:
            raise ValidationError(
                f"document {document_id!r} has no approved version to distribute",
                field="version",
            )
        sent = Distribution(at, by, to, channel)
        updated_version = attrs.evolve(current, distributions=(*current.distributions, sent))
        versions = tuple(updated_version if v is current else v for v in document.versions)
        changes = {"version": current.number, "to": sent.to}
        return self._put(
            attrs.evolve(document, versions=versions),
            document_id,
            at,
            by,
            "distributed",
            changes=changes,
            note=note,
        )

    def review_document(
        self,
        document_id: str,
        *,
        at: datetime,
        by: str,
        outcome: ReviewOutcome | str = ReviewOutcome.PASSED,
        schedules: ReviewSchedules | None = None,
        note: str = "",
    ) -> ControlledDocument:
        """Record a review of a document (GR2.4); with ``schedules`` it is also done on the
        document's review schedule (:func:`~fitsm.sms.document_subject`), both or neither."""
        document = self._open_document(document_id)
        result = enum_value(ReviewOutcome, "outcome")(outcome)
        if schedules is not None:
            schedules.perform(
                document_subject(document_id), at=at, by=by, outcome=result, note=note
            )
        return self._put(
            document, document_id, at, by, "reviewed", changes={"outcome": result.value}, note=note
        )

    def withdraw_document(
        self, document_id: str, *, at: datetime, by: str, note: str = ""
    ) -> ControlledDocument:
        """Withdraw a document; it stays on record and changes no more."""
        document = self._open_document(document_id)
        return self._put(
            attrs.evolve(document, withdrawn=True),
            document_id,
            at,
            by,
            "withdrawn",
            changes={"withdrawn": True},
            note=note,
        )

    def _open_document(self, document_id: str) -> ControlledDocument:
        document = self.document(document_id)
        if document.withdrawn:
            raise ValidationError(
                f"document {document_id!r} is withdrawn; it changes no more", field="id"
            )
        return document

    def document(self, document_id: str) -> ControlledDocument:
        return self._get(ControlledDocument, document_id)

    def documents(self) -> list[ControlledDocument]:
        """Every document, withdrawn ones included, by id."""
        return self._all(ControlledDocument)

    # -- process definitions (GR2.2) ---------------------------------------------------

    def define_process(
        self, definition: ProcessDefinition, *, at: datetime, by: str, note: str = ""
    ) -> ProcessDefinition:
        """Define a process, or replace its definition (GR2.2)."""
        self._fresh(definition, ProcessDefinition)
        key = definition.process.value
        action = "revised" if (_KINDS[ProcessDefinition], key) in self._items else "defined"
        return self._put(definition, key, at, by, action, note=note)

    def definition(self, process: Process | str) -> ProcessDefinition:
        return self._get(ProcessDefinition, enum_value(Process, "process")(process).value)

    def definition_gaps(self) -> dict[Process, list[str]]:
        """For every process whose definition is missing or lacks a required content (GR2.2),
        what it lacks (every required content when there is no definition), in FitSM's
        order; processes out of the scope statement's processes are left out."""
        scope = self.scope_or_none
        gaps: dict[Process, list[str]] = {}
        for process in Process:
            if scope is not None and not scope.covers_process(process):
                continue
            found = self._items.get((_KINDS[ProcessDefinition], process.value))
            missing = list(REQUIRED_DEFINITION_CONTENTS) if found is None else found.missing()
            if missing:
                gaps[process] = missing
        return gaps

    # -- stakeholders and scope (GR3) ---------------------------------------------------

    def identify_stakeholder(
        self, stakeholder: Stakeholder, *, at: datetime, by: str, note: str = ""
    ) -> Stakeholder:
        """Add a stakeholder, or replace their analysis (GR3.1)."""
        self._fresh(stakeholder, Stakeholder)
        action = "revised" if (_KINDS[Stakeholder], stakeholder.id) in self._items else "identified"
        return self._put(stakeholder, stakeholder.id, at, by, action, note=note)

    def stakeholders(self) -> list[Stakeholder]:
        return self._all(Stakeholder)

    def define_scope(
        self, scope: ScopeStatement, *, at: datetime, by: str, note: str = ""
    ) -> ScopeStatement:
        """State the scope of the SMS, or restate it (GR3.2). The stakeholders it names
        must be identified."""
        self._fresh(scope, ScopeStatement)
        unknown = [s for s in scope.stakeholders if (_KINDS[Stakeholder], s) not in self._items]
        if unknown:
            raise NotFoundError(
                f"the scope statement names stakeholders not identified: {unknown!r}; "
                "identify_stakeholder() them first"
            )
        return self._put(scope, _SCOPE, at, by, "stated", note=note)

    @property
    def scope(self) -> ScopeStatement:
        return self._get(ScopeStatement, _SCOPE)

    @property
    def scope_or_none(self) -> ScopeStatement | None:
        return self._items.get((_KINDS[ScopeStatement], _SCOPE))

    # -- plans (GR4) -------------------------------------------------------------------

    def set_plan(
        self, plan: ServiceManagementPlan, *, at: datetime, by: str, note: str = ""
    ) -> ServiceManagementPlan:
        """Create or replace the service management plan (GR4.1)."""
        self._fresh(plan, ServiceManagementPlan)
        action = "revised" if (_KINDS[ServiceManagementPlan], _PLAN) in self._items else "created"
        return self._put(plan, _PLAN, at, by, action, note=note)

    def reach_milestone(
        self, milestone_id: str, *, at: datetime, by: str, note: str = ""
    ) -> ServiceManagementPlan:
        """Mark a milestone of the plan reached at ``at`` (GR5.1)."""
        plan = self.plan
        found = [m for m in plan.milestones if m.id == milestone_id]
        if not found:
            raise NotFoundError(
                f"the plan has no milestone {milestone_id!r}; expected one of "
                f"{[m.id for m in plan.milestones]!r}"
            )
        if found[0].reached is not None:
            raise ValidationError(
                f"milestone {milestone_id!r} was reached already", field="milestone_id"
            )
        reached = attrs.evolve(found[0], reached=at)
        milestones = tuple(reached if m.id == milestone_id else m for m in plan.milestones)
        return self._put(
            attrs.evolve(plan, milestones=milestones),
            _PLAN,
            at,
            by,
            "milestone reached",
            changes={"milestone": milestone_id},
            note=note,
        )

    @property
    def plan(self) -> ServiceManagementPlan:
        return self._get(ServiceManagementPlan, _PLAN)

    def set_process_plan(
        self, plan: ProcessPlan, *, at: datetime, by: str, note: str = ""
    ) -> ProcessPlan:
        """Add or replace a process plan (GR4.2); its process stays what it was."""
        self._fresh(plan, ProcessPlan)
        current = self._items.get((_KINDS[ProcessPlan], plan.id))
        if current is not None and current.process is not plan.process:
            raise ValidationError(
                f"process plan {plan.id!r} is {current.process.value}'s; expected the same "
                f"process, got {plan.process.value}",
                field="process",
            )
        if plan.retired:
            raise ValidationError(
                f"process plan {plan.id!r}: retire it with retire_process_plan()", field="retired"
            )
        return self._put(
            plan, plan.id, at, by, "created" if current is None else "revised", note=note
        )

    def retire_process_plan(
        self, plan_id: str, *, at: datetime, by: str, note: str = ""
    ) -> ProcessPlan:
        plan = self.process_plan(plan_id)
        return self._put(
            attrs.evolve(plan, retired=True),
            plan_id,
            at,
            by,
            "retired",
            changes={"retired": True},
            note=note,
        )

    def process_plan(self, plan_id: str) -> ProcessPlan:
        return self._get(ProcessPlan, plan_id)

    def process_plans(self) -> list[ProcessPlan]:
        return self._all(ProcessPlan)

    def misaligned_plans(self) -> list[ProcessPlan]:
        """The process plans in force not aligned to the service management plan (GR4.2):
        every one when there is no plan yet."""
        plan = self._items.get((_KINDS[ServiceManagementPlan], _PLAN))
        live = [p for p in self.process_plans() if not p.retired]
        return live if plan is None else plan.misaligned(live)

    # -- KPIs (GR5, GR6.1) ------------------------------------------------------------------

    def define_kpi(self, kpi: Kpi, *, at: datetime, by: str, note: str = "") -> Kpi:
        """Define a KPI, or revise its definition; its measurements are kept."""
        self._fresh(kpi, Kpi)
        if kpi.measurements or kpi.retired:
            raise ValidationError(
                f"KPI {kpi.id!r} comes with measurements or retired; record_measurement() "
                "records them",
                field="measurements",
            )
        current = self._items.get((_KINDS[Kpi], kpi.id))
        kept = kpi if current is None else attrs.evolve(kpi, measurements=current.measurements)
        return self._put(
            kept, kpi.id, at, by, "defined" if current is None else "revised", note=note
        )

    def record_measurement(
        self,
        kpi_id: str,
        value: Fraction | int | str,
        *,
        at: datetime,
        by: str,
        period: str = "",
        counts: Mapping[str, int] | None = None,
        note: str = "",
    ) -> Kpi:
        """Record a measurement of a KPI (GR6.1); a value computed by
        :mod:`fitsm.sms.computed` comes with its counts."""
        kpi = self.kpi(kpi_id)
        if kpi.retired:
            raise ValidationError(f"KPI {kpi_id!r} is retired", field="kpi_id")
        measurement = Measurement(at, by, value, period, counts or {}, note)
        updated = attrs.evolve(kpi, measurements=(*kpi.measurements, measurement))
        changes = {"value": measurement.value, "period": period}
        return self._put(updated, kpi_id, at, by, "measured", changes=changes, note=note)

    def kpi(self, kpi_id: str) -> Kpi:
        return self._get(Kpi, kpi_id)

    def kpis(self, *, process: Process | str | None = None) -> list[Kpi]:
        """The KPIs in use (of ``process``), by id."""
        wanted = None if process is None else enum_value(Process, "process")(process)
        return [
            k for k in self._all(Kpi) if not k.retired and (wanted is None or k.process is wanted)
        ]

    def off_target(self) -> list[Kpi]:
        """The KPIs whose latest measurement misses the target: deviations from goals
        (GR7.1), by id."""
        return [k for k in self.kpis() if k.on_target() is False]

    # -- assessments and nonconformities (GR6.2, GR7.1) -------------------------------------

    def record_assessment(
        self,
        assessment: Assessment,
        *,
        at: datetime,
        by: str,
        schedules: ReviewSchedules | None = None,
        note: str = "",
    ) -> Assessment:
        """Record an assessment or audit and its findings (GR6.2); with ``schedules`` it is
        also done on the schedule of :func:`~fitsm.sms.assessment_subject`, both or
        neither."""
        self._fresh(assessment, Assessment)
        if (_KINDS[Assessment], assessment.id) in self._items:
            raise DuplicateError(f"assessment {assessment.id!r} is recorded already")
        if schedules is not None:
            schedules.perform(
                sms_assessment_subject(self.id),
                at=assessment.held,
                by=by,
                outcome=ReviewOutcome.FINDINGS
                if assessment.nonconformities()
                else ReviewOutcome.PASSED,
                note=note or f"{assessment.kind} {assessment.id}",
            )
        return self._put(assessment, assessment.id, at, by, "recorded", note=note, new=True)

    def assessments(self) -> list[Assessment]:
        return sorted(self._all(Assessment), key=lambda a: (a.held, a.id))

    def raise_nonconformity(
        self, nonconformity: Nonconformity, *, at: datetime, by: str, note: str = ""
    ) -> Nonconformity:
        """Record a nonconformity or a deviation from goals (GR7.1)."""
        self._fresh(nonconformity, Nonconformity)
        if nonconformity.closed or nonconformity.improvement:
            raise ValidationError(
                f"nonconformity {nonconformity.id!r} comes closed or linked; the register "
                "records both itself",
                field="closed",
            )
        return self._put(nonconformity, nonconformity.id, at, by, "raised", note=note, new=True)

    def add_corrective_action(
        self, nonconformity_id: str, action: Action, *, at: datetime, by: str, note: str = ""
    ) -> Nonconformity:
        """Add an action to prevent the nonconformity from recurring (GR7.1)."""
        found = self._open_nonconformity(nonconformity_id)
        if not isinstance(action, Action):
            raise ValidationError(f"expected an Action, got {action!r}", field="action")
        if action.done is not None:
            raise ValidationError(
                f"action {action.id!r} comes done; complete it with complete_corrective_action()"
            )
        updated = attrs.evolve(found, corrective_actions=(*found.corrective_actions, action))
        changes = {"action": action.id, "description": action.description, "owner": action.owner}
        return self._put(
            updated, nonconformity_id, at, by, "action added", changes=changes, note=note
        )

    def complete_corrective_action(
        self, nonconformity_id: str, action_id: str, *, at: datetime, by: str, note: str = ""
    ) -> Nonconformity:
        found = self._open_nonconformity(nonconformity_id)
        done = _done(found.corrective_actions, action_id, at, f"nonconformity {nonconformity_id!r}")
        return self._put(
            attrs.evolve(found, corrective_actions=done),
            nonconformity_id,
            at,
            by,
            "action done",
            changes={"action": action_id},
            note=note,
        )

    def link_improvement(
        self, nonconformity_id: str, improvement: str, *, at: datetime, by: str, note: str = ""
    ) -> Nonconformity:
        """Name the CSI improvement (a case id) that handles the nonconformity (GR7.1, PR14);
        build it with :func:`~fitsm.sms.improvement_for`."""
        found = self._open_nonconformity(nonconformity_id)
        if found.improvement:
            raise ValidationError(
                f"nonconformity {nonconformity_id!r} feeds improvement "
                f"{found.improvement!r} already",
                field="improvement",
            )
        case_id = check_id(improvement, "improvement")
        return self._put(
            attrs.evolve(found, improvement=case_id),
            nonconformity_id,
            at,
            by,
            "linked",
            changes={"improvement": case_id},
            note=note,
        )

    def close_nonconformity(
        self, nonconformity_id: str, *, at: datetime, by: str, note: str = ""
    ) -> Nonconformity:
        """Close a nonconformity whose corrective actions are all done and which has at least
        one, or which feeds a CSI improvement that takes it over."""
        found = self._open_nonconformity(nonconformity_id)
        open_actions = found.open_actions()
        if open_actions or not (found.corrective_actions or found.improvement):
            why = (
                f"its actions {[a.id for a in open_actions]!r} are not done"
                if open_actions
                else "it has no corrective action and feeds no improvement"
            )
            raise ValidationError(
                f"nonconformity {nonconformity_id!r} cannot close: {why}", field="id"
            )
        return self._put(
            attrs.evolve(found, closed=True),
            nonconformity_id,
            at,
            by,
            "closed",
            changes={"closed": True},
            note=note,
        )

    def _open_nonconformity(self, nonconformity_id: str) -> Nonconformity:
        found = self.nonconformity(nonconformity_id)
        if found.closed:
            raise ValidationError(
                f"nonconformity {nonconformity_id!r} is closed; it changes no more", field="id"
            )
        return found

    def nonconformity(self, nonconformity_id: str) -> Nonconformity:
        return self._get(Nonconformity, nonconformity_id)

    def nonconformities(self, *, include_closed: bool = False) -> list[Nonconformity]:
        """The open nonconformities and deviations (all with ``include_closed``), by id."""
        return [n for n in self._all(Nonconformity) if include_closed or not n.closed]

    # -- reading ---------------------------------------------------------------------------

    def __iter__(self) -> Iterator[Any]:
        """Every item, by kind and id."""
        return iter(v for _, v in sorted(self._items.items()))

    def __len__(self) -> int:
        return len(self._items)

    def status_line(self, schedules: ReviewSchedules | None, at: datetime) -> str:
        """One line on the SMS: the policy, the management review, the open nonconformities.

        ``SMS: policy v2 approved by 'olga'; management review overdue since 2024-01-31;
        2 open nonconformities``
        """
        when = as_utc(at, "at")
        parts = []
        policy = self._items.get((_KINDS[ServiceManagementPolicy], _POLICY))
        current = None if policy is None else policy.current
        if current is None or current.approval is None:
            parts.append("no approved policy")
        else:
            parts.append(f"policy v{current.number} approved by {current.approval.by!r}")
        subject = management_review_subject(self.id)
        if schedules is None or subject not in schedules:
            parts.append("no management review planned")
        else:
            due = schedules.schedule(subject).next_due
            state = "overdue since" if due < when else "due"
            parts.append(f"management review {state} {due.date().isoformat()}")
        count = len(self.nonconformities())
        parts.append(f"{count} open nonconformit{'y' if count == 1 else 'ies'}")
        return "SMS: " + "; ".join(parts)

    # -- aggregate -------------------------------------------------------------------------

    def rebase(self, stored: SmsRegister, base: SmsRegister) -> None:
        """Put the items changed here since ``base`` on top of ``stored``; ConflictError, with
        nothing changed, where ``stored`` changed one of them too."""
        self._items = merge_items(
            self._items,
            stored._items,
            base._items,
            lambda both: (
                ", ".join(f"{kind} {key!r}" for kind, key in both)
                + " changed by someone else since it was loaded; reload and apply the change again"
            ),
        )

    def copy(self) -> SmsRegister:
        """An independent copy; items are immutable, so sharing them is safe."""
        other = SmsRegister(self.id)
        other.version = self.version
        other._items = dict(self._items)
        return other

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SmsRegister):
            return NotImplemented
        return self.id == other.id and self._items == other._items

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<SmsRegister {self.id!r}: {len(self)} items>"


def _done(
    actions: tuple[Action, ...], action_id: str, at: datetime, where: str
) -> tuple[Action, ...]:
    found = [a for a in actions if a.id == action_id]
    if not found:
        raise NotFoundError(
            f"{where} has no action {action_id!r}; expected one of {[a.id for a in actions]!r}"
        )
    if found[0].done is not None:
        raise ValidationError(f"action {action_id!r} of {where} is done already", field="action_id")
    return tuple(attrs.evolve(a, done=at) if a.id == action_id else a for a in actions)
