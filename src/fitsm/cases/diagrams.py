"""Lifecycle diagrams generated from the charts, so documentation never drifts."""

from __future__ import annotations

from fitsm.cases._engine import CaseLifecycle

__all__ = ["mermaid"]


def mermaid(lifecycle: CaseLifecycle) -> str:
    """A Mermaid ``stateDiagram-v2`` of a lifecycle, guards shown in brackets.

    >>> from fitsm.cases.releases import RELEASE
    >>> print(mermaid(RELEASE).splitlines()[2])
        [*] --> new
    """
    lines = [
        "stateDiagram-v2",
        f"    %% {lifecycle.chart.__name__}",
        f"    [*] --> {lifecycle.initial}",
    ]
    for (source, event), transitions in lifecycle.table.items():
        for t in transitions:
            guards = [g.__name__ if want else f"not {g.__name__}" for g, want in t.guards]
            label = event + (f" [{', '.join(guards)}]" if guards else "")
            lines.append(f"    {source} --> {t.target} : {label}")
    lines += [f"    {final} --> [*]" for final in sorted(lifecycle.finals)]
    return "\n".join(lines) + "\n"
