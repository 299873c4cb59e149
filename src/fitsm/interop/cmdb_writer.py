"""Writing a CMDB as the directory of CSV files that :func:`~fitsm.interop.load_cmdb_csv` reads.

:func:`dump_cmdb_csv` writes ``schema.json``, ``nodes.csv`` and
``relationships.csv`` (the format of ``docs/cmdb-files.md``), so that loading
the directory gives back the same schema, records and relationships, in the
same order. What the CSV format cannot hold is refused before any file is
written, with a :class:`~fitsm.errors.ValidationError` naming the node and the
field: text with white space at either end (the reader strips cells) or with a
carriage return (it reads one as a line feed), an empty text attribute (it
leaves empty cells out) and an attribute named like one of the fixed columns.
The CMDB's id and its history are not part of the format: the reader names the
CMDB ``default`` and records the load as one entry.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from fitsm.cmdb.configuration import (
    AttributeValue,
    ConfigurationItem,
    Node,
    NodeKind,
    RedundancyGroup,
)
from fitsm.cmdb.database import Cmdb
from fitsm.errors import StoreError, ValidationError
from fitsm.interop.files import schema_document

__all__ = ["NODE_COLUMNS", "dump_cmdb_csv"]

NODE_COLUMNS = ("kind", "id", "type", "name", "owner", "min_up")
"""The fixed columns of ``nodes.csv``; every further column is a CI attribute."""

_RELATIONSHIP_COLUMNS = ("source", "target", "type")


def dump_cmdb_csv(cmdb: Cmdb, directory: str | Path) -> None:
    """Write ``cmdb`` as ``schema.json``, ``nodes.csv`` and ``relationships.csv`` in
    ``directory`` (created if missing; the three files are replaced).

    Nodes and relationships are written in the CMDB's order; the attribute
    columns follow the schema's order of CI types and their attributes.
    """
    if not isinstance(cmdb, Cmdb):
        raise ValidationError(f"expected a Cmdb, got {cmdb!r}", field="cmdb")
    attributes = _attribute_columns(cmdb)
    nodes = _table([*NODE_COLUMNS, *attributes], (_node_row(n, attributes) for n in cmdb.nodes()))
    relationships = _table(
        list(_RELATIONSHIP_COLUMNS),
        ([r.source, r.target, r.type] for r in cmdb.relationships()),
    )
    schema = json.dumps(schema_document(cmdb.schema), indent=2, ensure_ascii=False) + "\n"
    root = Path(directory)
    try:
        root.mkdir(parents=True, exist_ok=True)
        for name, text in (
            ("schema.json", schema),
            ("nodes.csv", nodes),
            ("relationships.csv", relationships),
        ):
            (root / name).write_text(text, encoding="utf-8", newline="")
    except OSError as e:
        raise StoreError(f"cannot write the CMDB to {str(root)!r}: {e.strerror}") from None


def _attribute_columns(cmdb: Cmdb) -> list[str]:
    columns: list[str] = []
    for ci_type in cmdb.schema.ci_types:
        for spec in ci_type.attributes:
            if spec.name in NODE_COLUMNS:
                raise ValidationError(
                    f"CI type {ci_type.name!r} has an attribute {spec.name!r}, which is a "
                    f"fixed column of nodes.csv ({', '.join(NODE_COLUMNS)}); the CSV format "
                    "cannot hold it (write JSON instead)",
                    field=spec.name,
                )
            if spec.name not in columns:
                columns.append(spec.name)
    return columns


def _node_row(node: Node, attributes: list[str]) -> list[str]:
    row = dict.fromkeys([*NODE_COLUMNS, *attributes], "")
    row["kind"] = node.kind.value
    row["id"] = node.id
    row["name"] = _text(node, "name", node.name)
    row["owner"] = _text(node, "owner", node.owner)  # every kind of node has an owner
    if isinstance(node, ConfigurationItem):
        row["type"] = node.type
        for key, value in node.attributes.items():
            row[key] = _cell(node, key, value)
    elif isinstance(node, RedundancyGroup):
        row["min_up"] = str(node.min_up)
    elif node.kind not in (NodeKind.SERVICE, NodeKind.COMPONENT):  # pragma: no cover
        raise ValidationError(f"unknown kind of node {node!r}")
    return list(row.values())


def _text(node: Node, field: str, value: str) -> str:
    if value != value.strip():
        problem = "has white space at an end, which the CSV reader strips"
    elif "\r" in value:
        problem = "holds a carriage return, which the CSV reader reads as a line feed"
    else:
        return value
    raise ValidationError(
        f"{node.kind.value} {node.id!r}: {field} {value!r} {problem}; the CSV format "
        "cannot hold it (write JSON instead)",
        field=field,
    )


def _cell(node: Node, key: str, value: AttributeValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)  # repr gives back the same float when read
    if value == "":
        raise ValidationError(
            f"{node.kind.value} {node.id!r}: attribute {key!r} is empty text, which the CSV "
            "reader reads as no value; the CSV format cannot hold it (write JSON instead)",
            field=key,
        )
    return _text(node, key, value)


def _table(header: list[str], rows: Any) -> str:
    out = io.StringIO()
    # QUOTE_ALL: the reader splits lines on every Unicode line break, and only a
    # quoted cell keeps one (such as U+2028) inside it
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()
