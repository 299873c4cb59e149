"""What the commands share: the CMDB source, ids from arguments, a file or standard input,
selection by attribute, "did you mean", and output as a table, JSON or CSV."""

from __future__ import annotations

import csv
import difflib
import json
import sys
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from fitsm.cmdb import Cmdb
from fitsm.errors import NotFoundError, ValidationError

__all__ = ["UsageError", "emit", "load", "node_ids", "require_known"]


class UsageError(ValidationError):
    """The command was called wrongly in a way the parser cannot see (exit code 2)."""


Row = dict[str, Any]


def load(source: str) -> Cmdb:
    """The CMDB in ``source``: a JSON file, a CSV directory, or ``example``."""
    from fitsm.interop.files import load_cmdb

    at = datetime.now(UTC)  # the command is the application: it stamps the load
    if source == "example":  # a file of that name is ./example
        from fitsm import data

        return load_cmdb(data.path(data.EXAMPLE_CMDB), at=at)
    return load_cmdb(Path(source), at=at)


def require_known(cmdb: Cmdb, ids: Iterable[str]) -> None:
    """Refuse unknown ids, suggesting the nearest known ones."""
    for node_id in ids:
        if node_id not in cmdb:
            close = difflib.get_close_matches(node_id, list(cmdb.records), n=3)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise NotFoundError(f"no node {node_id!r} in the CMDB{hint}")


def _selected(cmdb: Cmdb, where: Sequence[str]) -> list[str]:
    wanted: list[tuple[str, str]] = []
    for clause in where:
        key, sep, value = clause.partition("=")
        if not sep or not key:
            raise ValidationError(f"--where takes KEY=VALUE, got {clause!r}")
        wanted.append((key, value))

    def value_of(node: Any, key: str) -> object:
        if key == "kind":
            return str(node.kind)
        if key in ("type", "name", "owner", "min_up"):
            found = getattr(node, key, None)
            return None if found is None else str(found)
        attributes = getattr(node, "attributes", {})
        return str(attributes[key]) if key in attributes else None

    found = [
        node.id
        for node in cmdb.records.values()
        if all(value_of(node, key) == value for key, value in wanted)
    ]
    if not found:
        shown = " and ".join(f"{k}={v}" for k, v in wanted)
        raise NotFoundError(f"no node has {shown}")
    return sorted(found)


def node_ids(
    cmdb: Cmdb, ids: Sequence[str], ids_from: str | None, where: Sequence[str]
) -> list[str]:
    """The ids named on the command line, in ``ids_from`` and selected by ``where``."""
    found = list(ids)
    if ids_from is not None:
        if ids_from == "-":
            text = sys.stdin.read()
        else:
            try:
                text = Path(ids_from).read_text(encoding="utf-8-sig")
            except OSError as e:
                raise ValidationError(f"{ids_from}: cannot read the ids: {e.strerror}") from None
        found += [line.strip() for line in text.splitlines() if line.strip()]
    require_known(cmdb, found)
    if where:
        found += _selected(cmdb, where)
    return list(dict.fromkeys(found))


def _plain(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return str(value)


def emit(rows: Sequence[Row], columns: Sequence[str], fmt: str, out: TextIO) -> None:
    """Write ``rows`` as an aligned table, a JSON list of objects, or CSV with a header."""
    if fmt == "json":
        json.dump([{c: _plain(r.get(c)) for c in columns} for r in rows], out, indent=2)
        out.write("\n")
        return
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for r in rows:
            cells = [_plain(r.get(c)) for c in columns]
            writer.writerow(["" if v is None else " ".join(v) if isinstance(v, list) else v
                             for v in cells])  # fmt: skip
        return
    text = [[_cell(r.get(c)) for c in columns] for r in rows]
    widths = [max([len(c), *(len(t[i]) for t in text)]) for i, c in enumerate(columns)]
    out.write("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for t in text:
        out.write("  ".join(v.ljust(w) for v, w in zip(t, widths, strict=True)).rstrip() + "\n")


def _cell(value: Any) -> str:
    plain = _plain(value)
    if plain is None:
        return ""
    if isinstance(plain, list):
        return " ".join(str(v) for v in plain)
    return str(plain)
