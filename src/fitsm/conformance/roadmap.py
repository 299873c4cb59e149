"""A roadmap to conformance: the next steps in the recommended implementation sequence.

The order follows "Sequencing FitSM process implementations": service portfolio and
service level management first; then incidents and service requests, and
configuration; then change, and release and deployment; then continual improvement;
then problems, availability and continuity, and capacity; then suppliers; then
information security; then customer relationships. The article leaves two things
open, placed here by what they build on: service reporting joins the first stage
(its reports are of service performance against the SLAs), the general requirements
of setting up the SMS (GR1-GR4: owner, policy, documents, scope, plan) come with
the first stage too, and those of running it (GR5-GR7: implementing, measuring,
improving) come with continual improvement.

:func:`roadmap` takes a self-assessment, skips what is already mature (at or above
``mature``, by default *defined*), and lists one step per remaining subject, with the
requirements the step closes and their next steps.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

import attrs

from fitsm.conformance.maturity import SUBJECTS, Capability, SelfAssessment
from fitsm.conformance.requirements import ATTRIBUTION, requirement_order
from fitsm.tables import Column, Columns, Rows, html_table

__all__ = ["SEQUENCE", "Roadmap", "Stage", "Step", "roadmap"]


@attrs.frozen
class Stage:
    """One stage of the implementation sequence: its number, title, why, and subjects."""

    number: int
    title: str
    why: str
    subjects: tuple[str, ...]


SEQUENCE: tuple[Stage, ...] = (
    Stage(
        1,
        "Foundation",
        "knowing which services are managed, and at which service levels, shapes every "
        "later process",
        ("SPM", "SLM", "SRM", "GR1", "GR2", "GR3", "GR4"),
    ),
    Stage(
        2,
        "Core operational processes",
        "day-to-day operations with immediate visible benefit; configuration management "
        "sets the boundaries of what the SMS covers",
        ("ISRM", "CONFM"),
    ),
    Stage(
        3,
        "Change and release and deployment",
        "changes happen daily: control them and their rollout",
        ("CHM", "RDM"),
    ),
    Stage(
        4,
        "Continual service improvement",
        "with processes running, opportunities for improvement arise and need an orderly process",
        ("CSI", "GR5", "GR6", "GR7"),
    ),
    Stage(
        5,
        "Problems, availability and continuity, capacity",
        "preventing issues and planning for reliable services",
        ("PM", "SACM", "CAPM"),
    ),
    Stage(6, "Supplier relationships", "services depend on third parties", ("SUPPM",)),
    Stage(
        7,
        "Information security",
        "formalised once the core processes are in place",
        ("ISM",),
    ),
    Stage(8, "Customer relationships", "managing and improving customer relations", ("CRM",)),
)
"""The implementation sequence, stage by stage (every subject of the self-assessment once)."""


@attrs.frozen
class Step:
    """One step of the roadmap: bring ``subject`` from its level towards managed by closing
    ``requirements``; ``actions`` are the audit's next steps for them."""

    columns: ClassVar[Columns] = Columns(
        Column("order", "int"),
        Column("stage", "int", lambda s: s.stage.number),
        Column("stage_title", "string", lambda s: s.stage.title),
        Column("subject", "string"),
        Column("name", "string", lambda s: SUBJECTS.get(s.subject, s.subject)),
        Column("level", "int", lambda s: int(s.level)),
        Column("requirements", "string", lambda s: ", ".join(s.requirements)),
        Column("actions", "string", lambda s: "; ".join(s.actions)),
    )
    """The table of a roadmap: one row per step."""

    order: int
    stage: Stage
    subject: str
    level: Capability
    requirements: tuple[str, ...]
    actions: tuple[str, ...]

    def __str__(self) -> str:
        closes = ", ".join(self.requirements) or "nothing the audit found"
        return (
            f"{self.order}. {SUBJECTS.get(self.subject, self.subject)}, now "
            f"{self.level.label}: close {closes} (stage {self.stage.number}, "
            f"{self.stage.title.lower()})"
        )


class Roadmap(Rows[Step]):
    """The steps in order: a table with Markdown and HTML renderings."""

    def __init__(self, steps: Iterable[Step] = ()) -> None:
        super().__init__(steps, columns=Step.columns)

    def to_markdown(self) -> str:
        """A numbered Markdown list: each step, why its stage comes there, its actions."""
        lines = []
        for step in self:
            lines.append(f"{step}.")
            lines.append(f"    - why now: {step.stage.why}")
            lines += [f"    - {action}" for action in step.actions]
        lines += ["", f"*{ATTRIBUTION}.*", ""]
        return "\n".join(lines)

    def to_html(self) -> str:
        """An HTML table of the steps."""
        rows = [
            [
                str(s.order),
                SUBJECTS.get(s.subject, s.subject),
                s.level.label,
                ", ".join(s.requirements),
                "; ".join(s.actions),
            ]
            for s in self
        ]
        return html_table(["step", "subject", "now", "closes", "actions"], rows, caption="Roadmap")

    def _repr_html_(self) -> str:
        return self.to_html()


def roadmap(
    assessment: SelfAssessment, *, mature: Capability | int = Capability.DEFINED
) -> Roadmap:
    """The next steps: every subject below ``mature``, in the implementation sequence
    (within a stage, in the order the stage lists them), each with the requirements it
    closes (those not yet met) and the audit's next steps for them."""
    bar = Capability(int(mature))
    present = {level.subject for level in assessment}
    steps: list[Step] = []
    for stage in SEQUENCE:
        for subject in stage.subjects:
            if subject not in present:
                continue
            level = assessment[subject]
            if level.level >= bar:
                continue
            open_ = sorted(level.open, key=lambda f: requirement_order(f.requirement))
            steps.append(
                Step(
                    len(steps) + 1,
                    stage,
                    subject,
                    level.level,
                    tuple(f.requirement for f in open_),
                    tuple(f"{f.requirement}: {f.next_step}" for f in open_ if f.next_step),
                )
            )
    return Roadmap(steps)
