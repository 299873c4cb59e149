"""Loading a CMDB from JSON or CSV files, and writing it back as JSON.

Both formats are described in ``docs/cmdb-files.md``. A file is read whole and
checked record by record before anything reaches the CMDB: a bad record raises
:class:`~fitsm.errors.LoadError` naming the file, line and field, and nothing is loaded.
"""

from __future__ import annotations

import bisect
import csv
import json
import re
from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from fitsm.clock import as_utc
from fitsm.cmdb.configuration import (
    DEPENDS_ON,
    AttributeSpec,
    AttributeType,
    AttributeValue,
    CiType,
    CmdbSchema,
    ComponentNode,
    ConfigurationItem,
    Node,
    NodeKind,
    RedundancyGroup,
    RelationshipType,
    ServiceNode,
)
from fitsm.cmdb.database import Cmdb
from fitsm.errors import FitsmError, LoadError, ValidationError

__all__ = ["dump_cmdb_json", "load_cmdb", "load_cmdb_csv", "load_cmdb_json"]

FORMAT = "fitsm-cmdb/1"
LOADER = "loader"
"""The actor recorded in the CMDB history for everything a file load creates."""

_SECTIONS = ("services", "components", "cis", "redundancy_groups", "relationships")
_WS = re.compile(r"[ \t\n\r]*")


def load_cmdb(path: str | Path, *, at: datetime, actor: str = LOADER) -> Cmdb:
    """Load a ``.json`` file, or a directory holding the CSV files.

    Everything the files hold is recorded in the CMDB's history as created by
    ``actor`` at ``at``, in one entry. ``at`` is required and is an aware datetime:
    when the data were taken (an export's time stamp) or when you load them
    (``datetime.now(UTC)``). The loader reads no clock and no file times, so the
    same files loaded with the same ``at`` give equal CMDBs.
    """
    p = Path(path)
    if p.is_dir():
        return load_cmdb_csv(p, at=at, actor=actor)
    return load_cmdb_json(p, at=at, actor=actor)


# -- JSON -------------------------------------------------------------------------


def load_cmdb_json(path: str | Path, *, at: datetime, actor: str = LOADER) -> Cmdb:
    """Load a CMDB from one JSON document (format ``fitsm-cmdb/1``), recorded at ``at``
    (see :func:`load_cmdb`)."""
    _check_at(at)
    name = str(path)
    text = _read(Path(path))
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise LoadError(name, e.lineno, None, f"not valid JSON: {e.msg}") from None
    if not isinstance(doc, dict):
        raise LoadError(name, 1, None, "expected a JSON object at the top")
    lines = _LineIndex(text)
    starts = _element_offsets(text)

    def line_of(section: str, i: int | None = None) -> int | None:
        offsets = starts.get(section)
        if offsets is None:
            return None
        return lines.line(offsets[0] if i is None else offsets[1][i][0])

    def field_line(section: str, i: int, field: str | None) -> int | None:
        """The line of ``"field":`` inside a record, else the record's first line."""
        start, end = starts[section][1][i]
        if field is not None:
            found = text.find(json.dumps(field) + ":", start, end)
            if found < 0:
                found = text.find(json.dumps(field), start, end)
            if found >= 0:
                return lines.line(found)
        return lines.line(start)

    if doc.get("format", FORMAT) != FORMAT:
        raise LoadError(
            name, line_of("format"), "format", f"expected {FORMAT!r}, got {doc['format']!r}"
        )
    schema = _schema(doc.get("schema", {}), name, line_of("schema"))
    builder = _Builder(name, schema)
    for section in _SECTIONS:
        records = doc.get(section, [])
        if not isinstance(records, list):
            raise LoadError(name, line_of(section), section, "expected a list")
        for i, raw in enumerate(records):
            line = line_of(section, i)
            if not isinstance(raw, dict):
                raise LoadError(name, line, None, f"{section}[{i}]: expected an object")
            try:
                builder.record(section, raw, line)
            except LoadError as e:
                if e.line != line:
                    raise
                raise LoadError(name, field_line(section, i, e.field), e.field, e.reason) from None
    cmdb_id = doc.get("id", "default")
    return builder.build(cmdb_id, at=at, actor=actor)


def dump_cmdb_json(cmdb: Cmdb, path: str | Path) -> None:
    """Write ``cmdb`` (schema, nodes, relationships; not its history) as JSON."""
    doc: dict[str, Any] = {
        "format": FORMAT,
        "id": cmdb.id,
        "schema": {
            "ci_types": [
                {
                    "name": t.name,
                    "description": t.description,
                    "attributes": [
                        {
                            "name": a.name,
                            "type": a.type.value,
                            "required": a.required,
                            "description": a.description,
                        }
                        for a in t.attributes
                    ],
                }
                for t in cmdb.schema.ci_types
            ],
            "relationship_types": [
                {"name": t.name, "description": t.description}
                for t in cmdb.schema.relationship_types
            ],
        },
        "services": [{"id": n.id, "name": n.name} for n in cmdb.nodes(NodeKind.SERVICE)],
        "components": [{"id": n.id, "name": n.name} for n in cmdb.nodes(NodeKind.COMPONENT)],
        "cis": [
            {
                "id": n.id,
                "type": n.type,
                "name": n.name,
                "owner": n.owner,
                "attributes": dict(n.attributes),
            }
            for n in cmdb.nodes(NodeKind.CI)
            if isinstance(n, ConfigurationItem)
        ],
        "redundancy_groups": [
            {"id": n.id, "name": n.name, "min_up": n.min_up, "members": list(cmdb.members(n.id))}
            for n in cmdb.nodes(NodeKind.GROUP)
            if isinstance(n, RedundancyGroup)
        ],
        "relationships": [
            {"source": r.source, "target": r.target, "type": r.type}
            for r in cmdb.relationships()
            if r.source not in cmdb.groups
        ],
    }
    Path(path).write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


# -- CSV --------------------------------------------------------------------------


def load_cmdb_csv(directory: str | Path, *, at: datetime, actor: str = LOADER) -> Cmdb:
    """Load a CMDB from a directory of ``schema.json``, ``nodes.csv`` and ``relationships.csv``,
    recorded at ``at`` (see :func:`load_cmdb`).

    ``nodes.csv`` has the columns ``kind`` (``service``, ``service_component``,
    ``configuration_item`` (the default when blank) or ``redundancy_group``),
    ``id``, ``type``, ``name``, ``owner``, ``min_up``; every other column is a CI
    attribute, left out where the cell is empty and typed by the schema.
    ``relationships.csv`` has ``source``, ``target`` and ``type``; a redundancy
    group's members are rows of type ``has_member``.
    """
    _check_at(at)
    root = Path(directory)
    schema_path = root / "schema.json"
    schema_text = _read(schema_path)
    try:
        raw_schema = json.loads(schema_text)
    except json.JSONDecodeError as e:
        raise LoadError(str(schema_path), e.lineno, None, f"not valid JSON: {e.msg}") from None
    schema = _schema(raw_schema, str(schema_path), 1)
    builder = _Builder(str(root / "nodes.csv"), schema)
    fixed = {"kind", "id", "type", "name", "owner", "min_up"}
    for line, row in _csv_rows(root / "nodes.csv", required=("id",)):
        kind = row.get("kind") or NodeKind.CI.value
        raw: dict[str, Any] = {k: row[k] for k in ("id", "type", "name", "owner") if row.get(k)}
        if kind == NodeKind.CI:
            raw["attributes"] = {
                k: v for k, v in row.items() if k not in fixed and v not in (None, "")
            }
            builder.record("cis", raw, line, cells_are_text=True)
        elif kind == NodeKind.SERVICE:
            builder.record("services", raw, line)
        elif kind == NodeKind.COMPONENT:
            builder.record("components", raw, line)
        elif kind == NodeKind.GROUP:
            raw["min_up"] = _csv_int(row.get("min_up") or "1", builder.path, line, "min_up")
            raw["members"] = []
            builder.record("redundancy_groups", raw, line)
        else:
            allowed = ", ".join(k.value for k in NodeKind)
            raise LoadError(
                builder.path, line, "kind", f"unknown kind {kind!r}; expected {allowed}"
            )
    builder.path = str(root / "relationships.csv")
    for line, row in _csv_rows(root / "relationships.csv", required=("source", "target")):
        raw = {
            "source": row["source"],
            "target": row["target"],
            "type": row.get("type") or DEPENDS_ON,
        }
        builder.record("relationships", raw, line)
    return builder.build("default", at=at, actor=actor)


# -- shared -------------------------------------------------------------------------


class _Builder:
    """Turns raw records into nodes and relationships, checking each with its line."""

    def __init__(self, path: str, schema: CmdbSchema) -> None:
        self.path = path
        self.schema = schema
        self.nodes: list[Node] = []
        self.ids: dict[str, int | None] = {}
        self.relationships: list[tuple[str, str, str]] = []
        self.rel_lines: dict[tuple[str, str], int | None] = {}
        self.paths: dict[tuple[str, str], str] = {}

    def record(
        self,
        section: str,
        raw: Mapping[str, Any],
        line: int | None,
        *,
        cells_are_text: bool = False,
    ) -> None:
        try:
            if section == "relationships":
                self._relationship(raw, line, check_ends=True)
                return
            node = self._node(section, raw, cells_are_text)
        except LoadError:
            raise
        except (ValidationError, TypeError) as e:
            raise LoadError(self.path, line, getattr(e, "field", None), str(e)) from None
        if node.id in self.ids:
            first = self.ids[node.id]
            raise LoadError(
                self.path, line, "id", f"id {node.id!r} was already used (line {first})"
            )
        self.ids[node.id] = line
        self.nodes.append(node)
        if isinstance(node, RedundancyGroup):
            for member in raw.get("members", []):
                self._relationship(
                    {"source": node.id, "target": member, "type": "has_member"}, line
                )

    def _node(self, section: str, raw: Mapping[str, Any], cells_are_text: bool) -> Node:
        _require(raw, "id")
        if section == "services":
            return ServiceNode(raw["id"], raw.get("name", ""))
        if section == "components":
            return ComponentNode(raw["id"], raw.get("name", ""))
        if section == "redundancy_groups":
            return RedundancyGroup(raw["id"], raw.get("min_up", 1), raw.get("name", ""))
        _require(raw, "type")
        attributes = raw.get("attributes", {})
        if not isinstance(attributes, dict):
            raise ValidationError(
                f"attributes must be an object, got {attributes!r}", field="attributes"
            )
        if cells_are_text:
            attributes = self._typed(raw["type"], attributes)
        ci = ConfigurationItem(
            raw["id"], raw["type"], raw.get("name", ""), attributes, raw.get("owner", "")
        )
        self.schema.check_ci(ci)
        return ci

    def _typed(self, ci_type: str, cells: Mapping[str, str]) -> dict[str, AttributeValue]:
        try:
            specs = {a.name: a for a in self.schema.ci_type(ci_type).attributes}
        except FitsmError:
            raise ValidationError(
                f"unknown CI type {ci_type!r}; defined types: "
                + ", ".join(self.schema.ci_type_names),
                field="type",
            ) from None
        return {k: _cell(v, specs.get(k), k) for k, v in cells.items()}

    def _relationship(
        self, raw: Mapping[str, Any], line: int | None, *, check_ends: bool = False
    ) -> None:
        try:
            _require(raw, "source")
            _require(raw, "target")
            if check_ends:
                for field in ("source", "target"):
                    if raw[field] not in self.ids:
                        raise ValidationError(
                            f"relationship {raw['source']!r} -> {raw['target']!r} names "
                            f"{raw[field]!r}, which is not defined",
                            field=field,
                        )
            kind = raw.get("type", DEPENDS_ON)
            self.schema.check_relationship_type(kind)
        except ValidationError as e:
            raise LoadError(self.path, line, e.field, str(e)) from None
        key = (raw["source"], raw["target"])
        if key in self.rel_lines:
            raise LoadError(
                self.path,
                line,
                None,
                f"relationship {key[0]!r} -> {key[1]!r} was already given "
                f"(line {self.rel_lines[key]})",
            )
        self.rel_lines[key] = line
        self.paths[key] = self.path
        self.relationships.append((key[0], key[1], kind))

    def build(self, cmdb_id: Any, *, at: datetime, actor: str) -> Cmdb:
        for s, t, _ in self.relationships:
            if t not in self.ids:  # only group members are left unchecked by record()
                raise LoadError(
                    self.paths[(s, t)],
                    self.rel_lines[(s, t)],
                    "members",
                    f"redundancy group {s!r} names member {t!r}, which is not defined",
                )
        try:
            cmdb = Cmdb(self.schema, id=cmdb_id)
            cmdb.add_many(self.nodes, self.relationships, actor=actor, at=at)
        except ValidationError as e:
            raise LoadError(self.path, None, e.field, str(e)) from None
        return cmdb


def _check_at(at: object) -> None:
    """Refuse a missing or naive ``at`` before any file is read (it is not the file's fault)."""
    if not isinstance(at, datetime):
        raise ValidationError(
            "a load records when its records were created: at must be an aware datetime "
            f"(datetime.now(UTC) or your application's clock), got {at!r}",
            field="at",
        )
    as_utc(at, "at")


def _require(raw: Mapping[str, Any], key: str) -> None:
    if key not in raw or raw[key] in (None, ""):
        raise ValidationError(f"{key!r} is required", field=key)


def _cell(text: str, spec: AttributeSpec | None, name: str) -> AttributeValue:
    """Convert a CSV cell to its attribute's type; unknown attributes stay text."""
    if spec is None or spec.type is AttributeType.STRING:
        return text
    try:
        if spec.type is AttributeType.INTEGER:
            return int(text)
        if spec.type is AttributeType.NUMBER:
            return float(text)
    except ValueError:
        raise ValidationError(
            f"attribute {name!r} must be {spec.type.value}, got {text!r}", field=name
        ) from None
    lowered = text.strip().lower()
    if lowered in ("true", "yes", "1"):
        return True
    if lowered in ("false", "no", "0"):
        return False
    raise ValidationError(
        f"attribute {name!r} must be boolean (true/false), got {text!r}", field=name
    )


def _csv_int(text: str, path: str, line: int, field: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise LoadError(path, line, field, f"expected a whole number, got {text!r}") from None


def _csv_rows(path: Path, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    text = _read(path)
    reader = csv.DictReader(text.splitlines(keepends=True))
    header = reader.fieldnames or []
    for column in required:
        if column not in header:
            raise LoadError(
                str(path), 1, column, f"missing column {column!r}; header is {header!r}"
            )
    try:
        for row in reader:
            if None in row:
                raise LoadError(
                    str(path), reader.line_num, None, "more cells than columns in the header"
                )
            yield reader.line_num, {k: (v or "").strip() for k, v in row.items()}
    except csv.Error as e:
        raise LoadError(str(path), reader.line_num, None, f"not valid CSV: {e}") from None


def _schema(raw: Any, path: str, line: int | None) -> CmdbSchema:
    try:
        if not isinstance(raw, dict):
            raise ValidationError(f"the schema must be an object, got {raw!r}", field="schema")
        ci_types = [
            CiType(
                t["name"],
                [AttributeSpec(**a) if isinstance(a, dict) else a for a in t.get("attributes", [])],
                t.get("description", ""),
            )
            for t in raw.get("ci_types", [])
        ]
        rel_types = [
            RelationshipType(t["name"], t.get("description", "")) if isinstance(t, dict) else t
            for t in raw.get("relationship_types", [])
        ]
        return CmdbSchema(ci_types, rel_types)
    except ValidationError as e:
        raise LoadError(path, line, e.field or "schema", str(e)) from None
    except (KeyError, TypeError) as e:
        raise LoadError(path, line, "schema", f"malformed schema: {e}") from None


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LoadError(str(path), None, None, "no such file") from None
    except UnicodeDecodeError as e:
        raise LoadError(str(path), None, None, f"not UTF-8 text: {e.reason}") from None
    except OSError as e:
        raise LoadError(str(path), None, None, f"cannot read: {e.strerror}") from None


class _LineIndex:
    def __init__(self, text: str) -> None:
        self._breaks = [m.start() for m in re.finditer("\n", text)]

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self._breaks, offset - 1) + 1


def _element_offsets(text: str) -> dict[str, tuple[int, list[tuple[int, int]]]]:
    """For each top-level key: where its value starts and, for a list, each element's span.

    ``json`` reports no positions for valid documents, so this walks the (already
    validated) top-level object once more with ``raw_decode``.
    """
    decoder = json.JSONDecoder()
    found: dict[str, tuple[int, list[tuple[int, int]]]] = {}

    def skip(i: int) -> int:
        match = _WS.match(text, i)
        return match.end() if match else i

    i = skip(0) + 1  # past "{"
    while True:
        i = skip(i)
        if text[i] == "}":
            return found
        key, i = json.decoder.scanstring(text, i + 1)  # type: ignore[attr-defined]
        i = skip(skip(i) + 1)  # past ":"
        start, elements = i, []
        if text[i] == "[":
            i = skip(i + 1)
            while text[i] != "]":
                begin = i
                _, i = decoder.raw_decode(text, i)
                elements.append((begin, i))
                i = skip(i)
                if text[i] == ",":
                    i = skip(i + 1)
            i += 1
        else:
            _, i = decoder.raw_decode(text, i)
        found[key] = (start, elements)
        i = skip(i)
        if text[i] == ",":
            i += 1
