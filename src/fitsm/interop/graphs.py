"""Writing the CMDB graph to a file for graph tools: GraphML, DOT or Mermaid.

The texts come from :mod:`fitsm.cmdb.export`, which does no I/O; this adapter
only picks the format from the file name and writes it (UTF-8).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from fitsm.cmdb.export import to_dot, to_graphml, to_mermaid
from fitsm.errors import StoreError, ValidationError

if TYPE_CHECKING:
    from fitsm.cmdb.analysis import ImpactReport
    from fitsm.cmdb.view import CmdbView

__all__ = ["GraphFormat", "dump_cmdb_graph"]

GraphFormat = Literal["graphml", "dot", "mermaid"]
"""The graph formats :func:`dump_cmdb_graph` writes."""

_BY_SUFFIX: dict[str, GraphFormat] = {
    ".graphml": "graphml",
    ".dot": "dot",
    ".gv": "dot",
    ".mmd": "mermaid",
    ".mermaid": "mermaid",
}


def dump_cmdb_graph(
    cmdb: CmdbView,
    path: str | Path,
    *,
    format: GraphFormat | None = None,
    impact: ImpactReport | None = None,
    nodes: Iterable[str] | str | None = None,
) -> GraphFormat:
    """Write the CMDB graph (or the part ``nodes`` names, with ``impact``'s states) to ``path``.

    ``format`` defaults to what the file name says: ``.graphml``, ``.dot`` or
    ``.gv``, ``.mmd`` or ``.mermaid``. Returns the format written.
    """
    target = Path(path)
    chosen = format or _BY_SUFFIX.get(target.suffix.lower())
    if chosen is None:
        raise ValidationError(
            f"cannot tell the graph format of {str(target)!r} from its suffix "
            f"{target.suffix!r}; expected one of {', '.join(_BY_SUFFIX)} or format=",
            field="format",
        )
    render = {"graphml": to_graphml, "dot": to_dot, "mermaid": to_mermaid}.get(chosen)
    if render is None:
        raise ValidationError(
            f"format must be 'graphml', 'dot' or 'mermaid', got {chosen!r}", field="format"
        )
    text = render(cmdb, impact=impact, nodes=nodes)
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as e:
        raise StoreError(f"cannot write {str(target)!r}: {e.strerror or e}") from e
    return chosen
