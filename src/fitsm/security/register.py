"""The security register: asset inventory, policies, controls and access rights (PR6.1, PR6.3,
PR6.5), the aggregate the store keeps.

FitSM-2 (CC BY 4.0) names ISM's outputs: an "up-to-date inventory of information
assets", "approved information security policies", "documented information
security controls" and "documented information on access rights and their
reviews". One :class:`SecurityRegister` holds all four, each item (an asset, a
policy, a control, an access right) its own unit of change, so two people
working on different items never conflict. Every operation takes the time and
the acting person (``at=``, ``by=``), checks its input and records who changed
what; a failed operation changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from fitsm._merging import after_last, merge_items
from fitsm._validators import check_id, check_text, enum_value, shown, to_id_tuple
from fitsm.clock import as_utc
from fitsm.errors import ConflictError, DuplicateError, NotFoundError, ValidationError
from fitsm.reviews.schedules import ReviewOutcome
from fitsm.roles import Role
from fitsm.security.access import AccessConfirmation, AccessRight
from fitsm.security.assets import InformationAsset
from fitsm.security.classification import Classification, ClassificationScheme
from fitsm.security.controls import ImplementationStatus, SecurityControl
from fitsm.security.history import SecurityChange, plain
from fitsm.security.policies import PolicyVersion, SecurityPolicy
from fitsm.security.subjects import access_review_subject, policy_subject

if TYPE_CHECKING:
    from fitsm.reviews.schedules import ReviewSchedules
    from fitsm.risks.register import RiskRegister

__all__ = ["SecurityRegister"]

T = TypeVar("T", InformationAsset, SecurityPolicy, SecurityControl)

_DESCRIBABLE = ("name", "description", "cis", "services")
_REVISABLE_CONTROL = ("title", "description", "kind", "assets")


class SecurityRegister:
    """Every information asset, policy, control and access right of the organisation.

    The classification scheme is fixed when the register is made (the default:
    low, medium, high); every asset is classified on it.

    >>> from datetime import UTC
    >>> t0 = datetime(2026, 1, 5, tzinfo=UTC)
    >>> register = SecurityRegister()
    >>> payroll = InformationAsset("payroll-db", "Payroll records",
    ...                            Classification("high", "high", "low"))
    >>> _ = register.add_asset(payroll, at=t0, by="ivy")
    >>> right = register.grant_access("r1", holder="bob", asset="payroll-db", access="read",
    ...                               reason="payroll clerk", at=t0, by="sam")
    >>> [r.id for r in register.unconfirmed("payroll-db")]
    ['r1']
    """

    def __init__(self, id: str = "default", scheme: ClassificationScheme | None = None) -> None:
        if not isinstance(id, str) or not id or id != id.strip():
            raise ValidationError(f"security register id must be a non-empty string, got {id!r}")
        if scheme is not None and not isinstance(scheme, ClassificationScheme):
            raise ValidationError(
                f"scheme must be a ClassificationScheme, got {shown(scheme)}", field="scheme"
            )
        self.id = id
        self.version = 0
        """Bumped by the store on every commit; used to detect conflicting writers."""
        self.scheme = scheme if scheme is not None else ClassificationScheme.default()
        """The scheme every asset is classified on; fixed when the register is made."""
        self._assets: dict[str, InformationAsset] = {}
        self._policies: dict[str, SecurityPolicy] = {}
        self._controls: dict[str, SecurityControl] = {}
        self._rights: dict[str, AccessRight] = {}

    # -- the asset inventory (PR6.3) ----------------------------------------------------

    def add_asset(
        self, asset: InformationAsset, *, at: datetime, by: str, note: str = ""
    ) -> InformationAsset:
        """Add an information asset to the inventory; its classification must be on the
        register's scheme. The register writes the history: an asset bringing one is refused."""
        if not isinstance(asset, InformationAsset):
            raise ValidationError(
                f"expected an InformationAsset, got {shown(asset)}", field="asset"
            )
        if asset.id in self._assets:
            raise DuplicateError(f"asset {asset.id!r} is in the inventory already")
        if asset.history or asset.retired:
            raise ValidationError(
                f"asset {asset.id!r} comes with a history or retired; the register records "
                "both itself, expected a new asset",
                field="history",
            )
        self.scheme.check(asset.classification)
        fields = {
            "name": asset.name,
            "classification": plain(asset.classification),
            "cis": asset.cis,
            "services": asset.services,
        }
        change = SecurityChange(at, by, "added", fields, note)
        added = attrs.evolve(asset, history=(change,))
        self._assets[asset.id] = added
        return added

    def describe_asset(
        self, asset_id: str, *, at: datetime, by: str, note: str = "", **changes: Any
    ) -> InformationAsset:
        """Change an asset's name, description, or the CIs and services it is linked to."""
        _only(changes, _DESCRIBABLE, f"describe_asset() of asset {asset_id!r}")
        current = self._live_asset(asset_id)
        updated = attrs.evolve(current, **changes)
        recorded = {k: getattr(updated, k) for k in changes}
        return self._put(
            self._assets, updated, _after(current, at, by, "described", recorded, note)
        )

    def classify_asset(
        self,
        asset_id: str,
        classification: Classification,
        *,
        at: datetime,
        by: str,
        note: str = "",
    ) -> InformationAsset:
        """Classify an asset anew on the register's scheme (a level outside it is refused)."""
        current = self._live_asset(asset_id)
        self.scheme.check(classification)
        updated = attrs.evolve(current, classification=classification)
        change = _after(
            current, at, by, "classified", {"classification": plain(classification)}, note
        )
        return self._put(self._assets, updated, change)

    def retire_asset(
        self, asset_id: str, *, at: datetime, by: str, note: str = ""
    ) -> InformationAsset:
        """Take an asset out of the inventory; it stays on record. Its access rights must be
        revoked first."""
        current = self._live_asset(asset_id)
        active = [r.id for r in self.rights(asset=asset_id)]
        if active:
            raise ValidationError(
                f"asset {asset_id!r} still has active access rights {', '.join(map(repr, active))};"
                " revoke them before retiring it",
                field="asset_id",
            )
        change = _after(current, at, by, "retired", {"retired": True}, note)
        return self._put(self._assets, attrs.evolve(current, retired=True), change)

    # -- policies (PR6.1) --------------------------------------------------------------

    def add_policy(
        self, policy_id: str, *, title: str, text: str, at: datetime, by: str, note: str = ""
    ) -> SecurityPolicy:
        """Write a new policy: version 1, a draft until :meth:`approve_policy`."""
        check_id(policy_id, "policy_id", field="policy_id")
        if policy_id in self._policies:
            raise DuplicateError(f"policy {policy_id!r} is in the register already")
        change = SecurityChange(at, by, "drafted", {"version": 1}, note)
        first = PolicyVersion(1, text, change.at, by)
        policy = SecurityPolicy(policy_id, title, (first,), history=(change,))
        self._policies[policy_id] = policy
        return policy

    def revise_policy(
        self,
        policy_id: str,
        *,
        text: str,
        at: datetime,
        by: str,
        title: str | None = None,
        note: str = "",
    ) -> SecurityPolicy:
        """Write a new version of a policy's text (and title); it is a draft until approved,
        and the version approved before stays in force meanwhile. A draft not yet approved is
        rewritten in place rather than followed by another."""
        current = self._live_policy(policy_id)
        last = current.current
        number = (
            last.number if last is not None and not last.approved else len(current.versions) + 1
        )
        draft = PolicyVersion(number, text, as_utc(at, "at"), by)
        versions = (*current.versions[: number - 1], draft)
        fields: dict[str, Any] = {"version": number}
        updated = attrs.evolve(current, versions=versions)
        if title is not None:
            updated = attrs.evolve(updated, title=title)
            fields["title"] = title
        return self._put(self._policies, updated, _after(current, at, by, "revised", fields, note))

    def approve_policy(
        self, policy_id: str, *, at: datetime, by: str, note: str = ""
    ) -> SecurityPolicy:
        """Approve the policy's newest version; the acting person is recorded as its approver
        (nobody else can be named). It is then the version in force."""
        current = self._live_policy(policy_id)
        last = current.current
        if last is None or last.approved:
            raise ValidationError(
                f"policy {policy_id!r} has no draft to approve: version "
                f"{last.number if last else 0} is approved already; revise it first",
                field="policy_id",
            )
        change = _after(current, at, by, "approved", {"version": last.number}, note)
        approved = attrs.evolve(last, approved_at=change.at, approved_by=by)
        updated = attrs.evolve(current, versions=(*current.versions[:-1], approved))
        return self._put(self._policies, updated, change)

    def review_policy(
        self,
        policy_id: str,
        *,
        at: datetime,
        by: str,
        outcome: ReviewOutcome | str = ReviewOutcome.PASSED,
        note: str = "",
        schedules: ReviewSchedules | None = None,
    ) -> SecurityPolicy:
        """Record a review of a policy in force (PR6.1: "reviewed at planned intervals").

        With ``schedules``, it is also the review of the policy's schedule
        (:func:`~fitsm.security.policy_subject`), which then advances: both change, or
        neither.
        """
        current = self._live_policy(policy_id)
        in_force = current.in_force
        if in_force is None:
            raise ValidationError(
                f"policy {policy_id!r} has no approved version to review; approve it first",
                field="policy_id",
            )
        result = enum_value(ReviewOutcome, "outcome")(outcome)
        fields = {"version": in_force.number, "outcome": result.value}
        change = _after(current, at, by, "reviewed", fields, note)
        if schedules is not None:
            schedules.perform(
                policy_subject(policy_id), at=change.at, by=by, outcome=result, note=note
            )
        return self._put(self._policies, current, change)

    def retire_policy(
        self, policy_id: str, *, at: datetime, by: str, note: str = ""
    ) -> SecurityPolicy:
        """Withdraw a policy; it stays on record with all its versions, and is in force no more."""
        current = self._live_policy(policy_id)
        change = _after(current, at, by, "retired", {"retired": True}, note)
        return self._put(self._policies, attrs.evolve(current, retired=True), change)

    # -- controls (PR6.3) -----------------------------------------------------------------

    def add_control(
        self,
        control: SecurityControl,
        *,
        at: datetime,
        by: str,
        note: str = "",
        risks: RiskRegister | None = None,
    ) -> SecurityControl:
        """Document a control. The assets it names must be in the inventory; with ``risks``
        (the risk register), the risks it names must be open risks there."""
        if not isinstance(control, SecurityControl):
            raise ValidationError(
                f"expected a SecurityControl, got {shown(control)}", field="control"
            )
        if control.id in self._controls:
            raise DuplicateError(f"control {control.id!r} is in the register already")
        if control.history:
            raise ValidationError(
                f"control {control.id!r} comes with a history; the register records it, "
                "expected a new control",
                field="history",
            )
        self._check_assets(control.assets, f"control {control.id!r}")
        _check_risks(control.risks, risks, f"control {control.id!r}")
        fields = {
            "kind": control.kind.value,
            "status": control.status.value,
            "risks": control.risks,
            "assets": control.assets,
        }
        change = SecurityChange(at, by, "added", fields, note)
        added = attrs.evolve(control, history=(change,))
        self._controls[control.id] = added
        return added

    def revise_control(
        self, control_id: str, *, at: datetime, by: str, note: str = "", **changes: Any
    ) -> SecurityControl:
        """Change a control's title, description, kind or the assets it protects."""
        _only(changes, _REVISABLE_CONTROL, f"revise_control() of control {control_id!r}")
        current = self._live_control(control_id)
        updated = attrs.evolve(current, **changes)
        self._check_assets(updated.assets, f"control {control_id!r}")
        recorded = {k: plain(getattr(updated, k)) for k in changes}
        change = _after(current, at, by, "revised", recorded, note)
        return self._put(self._controls, updated, change)

    def set_control_status(
        self,
        control_id: str,
        status: ImplementationStatus | str,
        *,
        at: datetime,
        by: str,
        note: str = "",
    ) -> SecurityControl:
        """Record how far a control's implementation has come (FitSM-2: "monitor their status
        and progress of implementation"); ``retired`` ends it."""
        current = self._live_control(control_id)
        updated = attrs.evolve(current, status=status)
        if updated.status is current.status:
            raise ValidationError(
                f"control {control_id!r} is {current.status.value} already", field="status"
            )
        change = _after(current, at, by, "status", {"status": updated.status.value}, note)
        return self._put(self._controls, updated, change)

    def link_control_risks(
        self,
        control_id: str,
        risk_ids: Iterable[str],
        *,
        at: datetime,
        by: str,
        note: str = "",
        risks: RiskRegister | None = None,
    ) -> SecurityControl:
        """Set the risks a control treats (by their ids in the risk register); with ``risks``,
        each must be an open risk there."""
        current = self._live_control(control_id)
        wanted = to_id_tuple(risk_ids)
        updated = attrs.evolve(current, risks=wanted)
        _check_risks(updated.risks, risks, f"control {control_id!r}")
        change = _after(current, at, by, "linked", {"risks": updated.risks}, note)
        return self._put(self._controls, updated, change)

    # -- access rights (PR6.5) -----------------------------------------------------------

    def grant_access(
        self,
        right_id: str,
        *,
        holder: str,
        asset: str,
        access: str,
        reason: str,
        at: datetime,
        by: str,
        request: str = "",
    ) -> AccessRight:
        """Provide an access right to an asset in the inventory, recording who granted it, when,
        why, and the access request case it was granted on. A holder has one active right of
        each kind to an asset (DuplicateError names the one they have)."""
        check_id(right_id, "right_id", field="right_id")
        if right_id in self._rights:
            raise DuplicateError(f"access right {right_id!r} is in the register already")
        self._live_asset(asset)
        right = AccessRight(right_id, holder, asset, access, as_utc(at, "at"), by, reason, request)
        same = [
            r.id
            for r in self._rights.values()
            if r.active and (r.holder, r.asset, r.access) == (holder, asset, access)
        ]
        if same:
            raise DuplicateError(
                f"{holder!r} has {access!r} access to {asset!r} already (right {same[0]!r})"
            )
        self._rights[right_id] = right
        return right

    def confirm_access(
        self, right_id: str, *, at: datetime, by: str, note: str = ""
    ) -> AccessRight:
        """Confirm in an access review that a right is still needed; recorded with who and
        when."""
        current = self._active_right(right_id)
        confirmation = AccessConfirmation(at, by, note)
        last = current.last_confirmed
        since = last.at if last is not None else current.granted_at
        if confirmation.at < since:
            raise ValidationError(
                f"confirming access right {right_id!r} at {confirmation.at.isoformat()} is before "
                f"its last grant or confirmation ({since.isoformat()}); expected a later time",
                field="at",
            )
        updated = attrs.evolve(current, confirmations=(*current.confirmations, confirmation))
        self._rights[right_id] = updated
        return updated

    def revoke_access(self, right_id: str, *, reason: str, at: datetime, by: str) -> AccessRight:
        """Revoke a right; it stays on record with who revoked it, when and why."""
        current = self._active_right(right_id)
        check_text(reason, "reason", field="reason")
        if not reason.strip():
            raise ValidationError(f"say why access right {right_id!r} is revoked", field="reason")
        when = as_utc(at, "at")
        last = current.last_confirmed
        since = last.at if last is not None else current.granted_at
        if when < since:
            raise ValidationError(
                f"revoking access right {right_id!r} at {when.isoformat()} is before its last "
                f"grant or confirmation ({since.isoformat()}); expected a later time",
                field="at",
            )
        updated = attrs.evolve(current, revoked_at=when, revoked_by=by, revoked_because=reason)
        self._rights[right_id] = updated
        return updated

    def complete_access_review(
        self,
        asset_id: str,
        *,
        at: datetime,
        by: str,
        note: str = "",
        schedules: ReviewSchedules | None = None,
    ) -> InformationAsset:
        """Close an access review of an asset (PR6.5: "review access rights at regular
        intervals"): the rights still unconfirmed are recorded with it, and the outcome is
        ``findings`` if there are any, else ``passed``. From then on every right needs a new
        confirmation for the next review.

        With ``schedules``, it is also the review of the asset's access review schedule
        (:func:`~fitsm.security.access_review_subject`), which then advances: both change,
        or neither.
        """
        current = self._live_asset(asset_id)
        left = tuple(r.id for r in self.unconfirmed(asset_id))
        outcome = ReviewOutcome.FINDINGS if left else ReviewOutcome.PASSED
        fields = {"unconfirmed": left, "outcome": outcome.value}
        change = _after(current, at, by, "access_reviewed", fields, note)
        if schedules is not None:
            unconfirmed = f"unconfirmed: {', '.join(left)}" if left else "all rights confirmed"
            schedules.perform(
                access_review_subject(asset_id),
                at=change.at,
                by=by,
                outcome=outcome,
                note=f"{note}; {unconfirmed}" if note else unconfirmed,
            )
        return self._put(self._assets, current, change)

    # -- reading ------------------------------------------------------------------------

    def asset(self, asset_id: str) -> InformationAsset:
        """The asset ``asset_id``; NotFoundError if there is none."""
        return _find(self._assets, asset_id, "asset", self.id)

    def policy(self, policy_id: str) -> SecurityPolicy:
        """The policy ``policy_id``; NotFoundError if there is none."""
        return _find(self._policies, policy_id, "policy", self.id)

    def control(self, control_id: str) -> SecurityControl:
        """The control ``control_id``; NotFoundError if there is none."""
        return _find(self._controls, control_id, "control", self.id)

    def right(self, right_id: str) -> AccessRight:
        """The access right ``right_id``; NotFoundError if there is none."""
        return _find(self._rights, right_id, "access right", self.id)

    def assets(self, *, include_retired: bool = False) -> list[InformationAsset]:
        """The assets in the inventory (retired ones only if asked), by id."""
        return [a for _, a in sorted(self._assets.items()) if include_retired or not a.retired]

    def policies(self, *, include_retired: bool = False) -> list[SecurityPolicy]:
        """The policies (retired ones only if asked), by id."""
        return [p for _, p in sorted(self._policies.items()) if include_retired or not p.retired]

    def controls(
        self, *, status: ImplementationStatus | str | None = None
    ) -> list[SecurityControl]:
        """The controls (of one implementation status, if given), by id."""
        wanted = None if status is None else ImplementationStatus(status)
        return [
            c for _, c in sorted(self._controls.items()) if wanted is None or c.status is wanted
        ]

    def rights(
        self,
        *,
        asset: str | None = None,
        holder: str | None = None,
        include_revoked: bool = False,
    ) -> list[AccessRight]:
        """The access rights (to ``asset``, of ``holder``; active ones unless asked), by id."""
        return [
            r
            for _, r in sorted(self._rights.items())
            if (include_revoked or r.active)
            and (asset is None or r.asset == asset)
            and (holder is None or r.holder == holder)
        ]

    def last_access_review(self, asset_id: str) -> SecurityChange | None:
        """The latest access review of the asset's rights, or None if there was none."""
        history = self.asset(asset_id).history
        return next((c for c in reversed(history) if c.action == "access_reviewed"), None)

    def unconfirmed(self, asset_id: str) -> list[AccessRight]:
        """The active rights to an asset not confirmed since its last access review (after it:
        a confirmation counts for the next review only once the last one is closed); every
        active right never confirmed if it was never reviewed. By id."""
        last = self.last_access_review(asset_id)
        since = None if last is None else last.at
        return [
            r
            for r in self.rights(asset=asset_id)
            if r.last_confirmed is None or (since is not None and r.last_confirmed.at <= since)
        ]

    def treating(self, risk_id: str) -> list[SecurityControl]:
        """The controls that name ``risk_id`` among the risks they treat, by id."""
        return [c for _, c in sorted(self._controls.items()) if risk_id in c.risks]

    def owned(self) -> dict[Role, list[str]]:
        """The assets and controls that need an owner, for
        :meth:`RoleModel.check(owned=...) <fitsm.roles.RoleModel.check>`: every asset in the
        inventory and every control not retired."""
        return {
            Role.ASSET_OWNER: [a.id for a in self.assets()],
            Role.SECURITY_CONTROL_OWNER: [
                c.id for c in self.controls() if c.status is not ImplementationStatus.RETIRED
            ],
        }

    def __len__(self) -> int:
        """How many items the register holds, of all four kinds."""
        return len(self._assets) + len(self._policies) + len(self._controls) + len(self._rights)

    def __iter__(self) -> Iterator[InformationAsset]:
        """The assets in the inventory, retired ones included, by id."""
        return iter(a for _, a in sorted(self._assets.items()))

    # -- internals --------------------------------------------------------------------

    def _live_asset(self, asset_id: str) -> InformationAsset:
        current = self.asset(asset_id)
        if current.retired:
            raise ValidationError(f"asset {asset_id!r} is retired; it changes no more")
        return current

    def _live_policy(self, policy_id: str) -> SecurityPolicy:
        current = self.policy(policy_id)
        if current.retired:
            raise ValidationError(f"policy {policy_id!r} is retired; it changes no more")
        return current

    def _live_control(self, control_id: str) -> SecurityControl:
        current = self.control(control_id)
        if current.status is ImplementationStatus.RETIRED:
            raise ValidationError(f"control {control_id!r} is retired; it changes no more")
        return current

    def _active_right(self, right_id: str) -> AccessRight:
        current = self.right(right_id)
        if not current.active:
            raise ValidationError(
                f"access right {right_id!r} was revoked on {current.revoked_at}; it changes no more"
            )
        return current

    def _check_assets(self, ids: Iterable[str], what: str) -> None:
        missing = [a for a in ids if a not in self._assets]
        if missing:
            raise NotFoundError(
                f"{what} names assets not in the inventory: {', '.join(map(repr, missing))}"
            )

    @staticmethod
    def _put(items: dict[str, T], updated: T, change: SecurityChange) -> T:
        stored = attrs.evolve(updated, history=(*updated.history, change))
        items[updated.id] = stored
        return stored

    # -- aggregate --------------------------------------------------------------------

    def rebase(self, stored: SecurityRegister, base: SecurityRegister) -> None:
        """Put the items changed here since ``base`` on top of ``stored``.

        Each asset, policy, control and access right is its own unit of change: when
        this register and ``stored`` (what others committed since ``base`` was loaded)
        changed the same item, or the merge would leave a right to a retired asset or a
        control naming an asset no longer there, ConflictError is raised and nothing
        changes.
        """
        if stored.scheme != base.scheme:
            raise ConflictError(
                f"security register {self.id!r}: its classification scheme changed since it "
                "was loaded; reload and apply the change again"
            )

        def said(what: str) -> Callable[[list[str]], str]:
            return lambda both: (
                f"{what} {', '.join(map(repr, both))} was changed by someone else since it was "
                "loaded; reload and apply the change again"
            )

        merged = (
            merge_items(self._assets, stored._assets, base._assets, said("asset")),
            merge_items(self._policies, stored._policies, base._policies, said("policy")),
            merge_items(self._controls, stored._controls, base._controls, said("control")),
            merge_items(self._rights, stored._rights, base._rights, said("access right")),
        )
        assets, _, controls, rights = merged
        for right in rights.values():
            asset = assets.get(right.asset)
            if right.active and (asset is None or asset.retired):
                raise ConflictError(
                    f"access right {right.id!r} is to asset {right.asset!r}, which was retired "
                    "since it was loaded; reload and apply the change again"
                )
        for control in controls.values():
            gone = [a for a in control.assets if a not in assets]
            if gone:
                raise ConflictError(
                    f"control {control.id!r} names asset {gone[0]!r}, which is not in the "
                    "inventory any more; reload and apply the change again"
                )
        self._assets, self._policies, self._controls, self._rights = merged

    def copy(self) -> SecurityRegister:
        """An independent copy; the items are immutable, so sharing them is safe."""
        other = SecurityRegister(self.id, self.scheme)
        other.version = self.version
        other._assets = dict(self._assets)
        other._policies = dict(self._policies)
        other._controls = dict(self._controls)
        other._rights = dict(self._rights)
        return other

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SecurityRegister):
            return NotImplemented
        return self._state() == other._state()

    __hash__ = None  # type: ignore[assignment]

    def _state(self) -> tuple[Any, ...]:
        return (self.id, self.scheme, self._assets, self._policies, self._controls, self._rights)

    def __repr__(self) -> str:
        return (
            f"<SecurityRegister {self.id!r}: {len(self._assets)} assets, "
            f"{len(self._policies)} policies, {len(self._controls)} controls, "
            f"{len(self._rights)} access rights>"
        )


V = TypeVar("V")


def _find(items: Mapping[str, V], key: str, what: str, register: str) -> V:
    try:
        return items[key]
    except (KeyError, TypeError):
        raise NotFoundError(f"no {what} {shown(key)} in security register {register!r}") from None


def _only(changes: Mapping[str, Any], allowed: tuple[str, ...], what: str) -> None:
    unknown = sorted(set(changes) - set(allowed))
    if unknown or not changes:
        raise ValidationError(
            f"{what} changes {', '.join(allowed)}; got "
            + (", ".join(map(repr, unknown)) if unknown else "nothing"),
            field=unknown[0] if unknown else None,
        )


def _after(
    current: InformationAsset | SecurityPolicy | SecurityControl,
    at: datetime,
    by: str,
    action: str,
    fields: Mapping[str, Any],
    note: str,
) -> SecurityChange:
    """The change to record, refused if it is dated before the item's last change."""
    return after_last(
        repr(current.id), current.history, SecurityChange(at, by, action, fields, note)
    )


def _check_risks(ids: tuple[str, ...], risks: RiskRegister | None, what: str) -> None:
    """With the risk register at hand, every id must be an open risk in it."""
    if risks is None:
        return
    missing = [r for r in ids if r not in risks]
    if missing:
        raise NotFoundError(
            f"{what} treats risks not in risk register {risks.id!r}: "
            + ", ".join(map(repr, missing))
        )
    closed = [r for r in ids if risks.risk(r).closed]
    if closed:
        raise ValidationError(
            f"{what} treats closed risks {', '.join(map(repr, closed))}; expected open ones",
            field="risks",
        )
