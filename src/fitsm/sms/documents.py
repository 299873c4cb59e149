"""Controlled documents: versions, approval, distribution and review (GR2.4).

FitSM-1 (CC BY 4.0): "GR2.4 Documented information shall be controlled,
addressing the following activities as applicable: creation and approval;
communication and distribution; review; versioning and change tracking." A
:class:`ControlledDocument` keeps its versions, each approved and distributed on
its own; its review is a review subject (``("document", id)``) on the review
schedules; its history tracks every change.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from fitsm._validators import identifier, identifier_or_empty, text
from fitsm.errors import ValidationError
from fitsm.sms.records import Approval, Distribution, SmsChange, history, non_blank

__all__ = ["ControlledDocument", "DocumentVersion"]


def _distributions(value: Iterable[Distribution]) -> tuple[Distribution, ...]:
    return tuple(value)


@attrs.frozen
class DocumentVersion:
    """One version of a document: what changed in it, its approval and its distribution."""

    number: int
    summary: str = attrs.field(validator=text)
    """What this version changed (the first: what the document is)."""
    approval: Approval | None = None
    distributions: tuple[Distribution, ...] = attrs.field(default=(), converter=_distributions)


def _versions(value: Iterable[DocumentVersion]) -> tuple[DocumentVersion, ...]:
    return tuple(value)


@attrs.frozen
class ControlledDocument:
    """A document under control (GR2.4): a policy, plan, process description, procedure,
    catalogue or template, where it is kept, who owns it, and every version.

    >>> doc = ControlledDocument("doc-chm", "Change management process", kind="process")
    >>> doc.current is None
    True
    """

    id: str = attrs.field(validator=identifier)
    title: str = attrs.field(validator=non_blank)
    kind: str = attrs.field(default="", validator=text)
    """What it is: ``"policy"``, ``"plan"``, ``"process"``, ``"procedure"``, ..."""
    owner: str = attrs.field(default="", validator=identifier_or_empty)
    location: str = attrs.field(default="", validator=text)
    """Where it is kept (a repository, a wiki page)."""
    versions: tuple[DocumentVersion, ...] = attrs.field(default=(), converter=_versions)
    withdrawn: bool = False
    history: tuple[SmsChange, ...] = attrs.field(default=(), converter=history)

    def __attrs_post_init__(self) -> None:
        numbers = [v.number for v in self.versions]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValidationError(
                f"document {self.id!r}: versions must be numbered 1, 2, ... in order, got "
                f"{numbers!r}",
                field="versions",
            )

    @property
    def latest(self) -> DocumentVersion | None:
        return self.versions[-1] if self.versions else None

    @property
    def current(self) -> DocumentVersion | None:
        """The newest approved version: the one readers should use."""
        return next((v for v in reversed(self.versions) if v.approval is not None), None)
