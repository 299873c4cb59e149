"""Loading a CMDB from JSON or CSV files, and writing it back as JSON.

Both formats are described in ``docs/cmdb-files.md``. A file is read whole and
checked record by record before anything reaches the CMDB: a bad record raises
:class:`~fitsm.errors.LoadError` naming the file, line and field, and nothing is
loaded. A key or column the format does not define is an error too: a misspelt
``"relationship"`` would otherwise load a CMDB without its relationships.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

from fitsm._validators import check_id, shown
from fitsm.clock import as_utc
from fitsm.cmdb.configuration import (
    DEPENDS_ON,
    HAS_MEMBER,
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
from fitsm.errors import CycleError, LoadError, NotFoundError, ValidationError
from fitsm.interop._json import JsonPlaces, read_json

__all__ = ["cmdb_json", "dump_cmdb_json", "load_cmdb", "load_cmdb_csv", "load_cmdb_json"]

FORMAT = "fitsm-cmdb/1"
LOADER = "loader"
"""The actor recorded in the CMDB history for everything a file load creates."""

_SECTIONS = ("services", "components", "cis", "redundancy_groups", "relationships")
_KEYS: dict[str, tuple[str, ...]] = {
    "document": ("format", "id", "schema", *_SECTIONS),
    "schema": ("ci_types", "relationship_types"),
    "ci_types": ("name", "description", "attributes"),
    "attributes": ("name", "type", "required", "description"),
    "relationship_types": ("name", "description"),
    "services": ("id", "name", "owner"),
    "components": ("id", "name", "owner"),
    "cis": ("id", "type", "name", "owner", "attributes"),
    "redundancy_groups": ("id", "name", "owner", "min_up", "members"),
    "relationships": ("source", "target", "type"),
}
"""The keys each kind of JSON object may have."""

NODE_COLUMNS = ("kind", "id", "type", "name", "owner", "min_up")
"""The fixed columns of ``nodes.csv``; every other column is a CI attribute."""

RELATIONSHIP_COLUMNS = ("source", "target", "type")
"""The columns of ``relationships.csv``."""

_KIND_SECTION = {
    NodeKind.SERVICE: "services",
    NodeKind.COMPONENT: "components",
    NodeKind.CI: "cis",
    NodeKind.GROUP: "redundancy_groups",
}
_INTEGER = re.compile(r"[+-]?[0-9]+\Z")
_LONGEST = 40
"""Characters of a number in a CSV cell: more than a 64-bit integer or a double needs."""
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z")

Locate = Callable[[str, int, str | None], tuple[str, int | None]]
"""``(what, number, field) -> (file, line)``: where record ``number`` of ``what``
(``"node"`` or ``"relationship"``) is, at ``field`` when the file shows it."""


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
    doc = read_json(name, text)
    places = JsonPlaces(text)

    def fail(where: Sequence[str | int], field: str | None, reason: str) -> NoReturn:
        within = [] if field is None else [(field,), ("attributes", field)]
        raise LoadError(name, places.line(where, *within), field, reason)

    if not isinstance(doc, dict):
        fail((), None, f"expected a JSON object at the top, got {_kind_of(doc)}")
    _check_keys(doc, "document", "the document", (), fail)
    if doc.get("format", FORMAT) != FORMAT:
        fail((), "format", f"expected {FORMAT!r}, got {shown(doc['format'])}")
    cmdb_id = doc.get("id", "default")
    try:
        check_id(cmdb_id, "the CMDB id", field="id")
    except ValidationError as e:
        fail((), "id", str(e))
    schema = _schema(doc.get("schema", {}), ("schema",), fail)

    # nodes are numbered across their sections: where each section's first one is
    starts: list[tuple[int, str]] = []

    def locate(what: str, number: int, field: str | None) -> tuple[str, int | None]:
        within = [] if field is None else [(field,), ("attributes", field)]
        if what == "relationship":
            return name, places.line(("relationships", number), *within)
        start, section = [s for s in starts if s[0] <= number][-1]
        return name, places.line((section, number - start), *within)

    builder = _Builder(schema, locate, name)
    for section in _SECTIONS:
        records = doc.get(section, [])
        if not isinstance(records, list):
            fail((section,), None, f"{section!r} must be a list, got {_kind_of(records)}")
        if section != "relationships":
            starts.append((len(builder.nodes), section))
        for i, raw in enumerate(records):
            if not isinstance(raw, dict):
                fail((section, i), None, f"{section}[{i}]: expected an object, got {shown(raw)}")
            _check_keys(raw, section, f"{section}[{i}]", (section, i), fail)
            builder.record(section, raw)
    return builder.build(cmdb_id, at=at, actor=actor)


def dump_cmdb_json(cmdb: Cmdb, path: str | Path) -> None:
    """Write ``cmdb`` (schema, nodes, relationships; not its history) as JSON."""
    Path(path).write_text(cmdb_json(cmdb), encoding="utf-8")


def schema_document(schema: CmdbSchema) -> dict[str, Any]:
    """The CMDB's scope (CI and relationship types) as the ``schema`` part of its files,
    the same in the JSON file and beside the CSV files."""
    return {
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
            for t in schema.ci_types
        ],
        "relationship_types": [
            {"name": t.name, "description": t.description} for t in schema.relationship_types
        ],
    }


def cmdb_json(cmdb: Cmdb) -> str:
    """``cmdb`` (schema, nodes, relationships; not its history) as the text of a JSON file."""
    doc: dict[str, Any] = {
        "format": FORMAT,
        "id": cmdb.id,
        "schema": schema_document(cmdb.schema),
        "services": [
            {"id": n.id, "name": n.name, "owner": n.owner}
            for n in cmdb.nodes(NodeKind.SERVICE)
            if isinstance(n, ServiceNode)
        ],
        "components": [
            {"id": n.id, "name": n.name, "owner": n.owner}
            for n in cmdb.nodes(NodeKind.COMPONENT)
            if isinstance(n, ComponentNode)
        ],
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
            {
                "id": n.id,
                "name": n.name,
                "owner": n.owner,
                "min_up": n.min_up,
                "members": list(cmdb.members(n.id)),
            }
            for n in cmdb.nodes(NodeKind.GROUP)
            if isinstance(n, RedundancyGroup)
        ],
        "relationships": [
            {"source": r.source, "target": r.target, "type": r.type}
            for r in cmdb.relationships()
            if r.source not in cmdb.groups
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


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
    schema_path = str(root / "schema.json")
    schema_text = _read(root / "schema.json")
    raw_schema = read_json(schema_path, schema_text)
    places = JsonPlaces(schema_text)

    def schema_fail(where: Sequence[str | int], field: str | None, reason: str) -> NoReturn:
        within = [] if field is None else [(field,)]
        raise LoadError(schema_path, places.line(where, *within), field, reason)

    schema = _schema(raw_schema, (), schema_fail)
    for i, ci_type in enumerate(schema.ci_types):
        for j, spec in enumerate(ci_type.attributes):
            if spec.name in NODE_COLUMNS:
                schema_fail(
                    ("ci_types", i, "attributes", j),
                    "name",
                    f"CI type {ci_type.name!r}: attribute {spec.name!r} has the name of a "
                    f"column of nodes.csv ({', '.join(NODE_COLUMNS)}); rename it",
                )
    files = {"node": str(root / "nodes.csv"), "relationship": str(root / "relationships.csv")}
    lines: dict[str, list[int]] = {"node": [], "relationship": []}

    def locate(what: str, number: int, field: str | None) -> tuple[str, int | None]:
        return files[what], lines[what][number]

    builder = _Builder(schema, locate, str(root))
    header, rows = _csv_rows(root / "nodes.csv", required=("id",))
    attribute_columns = [c for c in header if c not in NODE_COLUMNS]
    for line, row in rows:
        path = files["node"]
        kind = row.get("kind") or NodeKind.CI.value
        raw: dict[str, Any] = {k: row[k] for k in ("id", "type", "name", "owner") if row.get(k)}
        given = [c for c in attribute_columns if row[c]]
        if kind not in _KIND_SECTION:
            allowed = ", ".join(k.value for k in NodeKind)
            raise LoadError(path, line, "kind", f"unknown kind {shown(kind)}; expected {allowed}")
        section = _KIND_SECTION[NodeKind(kind)]
        unused = [c for c in ("type", "min_up") if row.get(c) and c not in _KEYS[section]]
        unused += [] if kind == NodeKind.CI else given
        if unused:
            raise LoadError(
                path,
                line,
                unused[0],
                f"a {kind} has no {unused[0]!r}; leave the cell empty "
                f"(a {kind} row may fill {', '.join(_csv_cells(section))})",
            )
        if kind == NodeKind.CI:
            raw["attributes"] = {c: row[c] for c in given}
        elif kind == NodeKind.GROUP:
            raw["min_up"] = _csv_int(row.get("min_up") or "1", path, line, "min_up")
            raw["members"] = []
        lines["node"].append(line)
        builder.record(section, raw, cells_are_text=True)
    _, rows = _csv_rows(
        root / "relationships.csv", required=("source", "target"), known=RELATIONSHIP_COLUMNS
    )
    for line, row in rows:
        lines["relationship"].append(line)
        builder.record(
            "relationships",
            {
                "source": row["source"],
                "target": row["target"],
                "type": row.get("type") or DEPENDS_ON,
            },
        )
    return builder.build("default", at=at, actor=actor)


def _csv_cells(section: str) -> list[str]:
    cells = [c for c in NODE_COLUMNS if c == "kind" or c in _KEYS[section]]
    return cells + (["the attribute columns"] if section == "cis" else [])


# -- shared -------------------------------------------------------------------------


class _Builder:
    """Turns raw records into nodes and relationships, checking each where it was read.

    Nodes and relationships are numbered as they come; ``locate`` turns a number
    back into a file and line when something is wrong, so a good file costs no
    more than those numbers.
    """

    def __init__(self, schema: CmdbSchema, locate: Locate, origin: str) -> None:
        self.schema = schema
        self.locate = locate
        self.origin = origin
        self.nodes: list[Node] = []
        self.ids: dict[str, int] = {}
        self.members: dict[str, list[str]] = {}
        self.relationships: list[tuple[str, str, str]] = []
        self.given: dict[tuple[str, str], tuple[str, int]] = {}
        """The record that gave each relationship (a group's own record for its members)."""
        self.relationship_count = 0

    def fail(self, what: str, number: int, field: str | None, reason: str) -> NoReturn:
        path, line = self.locate(what, number, field)
        raise LoadError(path, line, field, reason)

    def record(self, section: str, raw: Mapping[str, Any], *, cells_are_text: bool = False) -> None:
        if section == "relationships":
            self.relationship_count += 1
            self._relationship(raw, self.relationship_count - 1)
            return
        number = len(self.nodes)
        try:
            node = self._node(section, raw, cells_are_text)
        except ValidationError as e:
            self.fail("node", number, e.field, str(e))
        if node.id in self.ids:
            first = self.locate("node", self.ids[node.id], None)[1]
            self.fail("node", number, "id", f"id {node.id!r} was already used (line {first})")
        self.ids[node.id] = number
        self.nodes.append(node)
        if isinstance(node, RedundancyGroup):
            self.members[node.id] = []
            members = raw.get("members", [])
            if not isinstance(members, list):
                self.fail(
                    "node",
                    number,
                    "members",
                    f"members of redundancy group {node.id!r} must be a list of ids, "
                    f"got {shown(members)}",
                )
            for member in members:
                try:
                    check_id(member, f"a member of redundancy group {node.id!r}", field="members")
                except ValidationError as e:
                    self.fail("node", number, "members", str(e))
                self._edge(node.id, member, HAS_MEMBER, ("node", number))

    def _node(self, section: str, raw: Mapping[str, Any], cells_are_text: bool) -> Node:
        _require(raw, "id")
        name, owner = raw.get("name", ""), raw.get("owner", "")
        if section == "services":
            return ServiceNode(raw["id"], name, owner)
        if section == "components":
            return ComponentNode(raw["id"], name, owner)
        if section == "redundancy_groups":
            return RedundancyGroup(raw["id"], raw.get("min_up", 1), name, owner)
        _require(raw, "type")
        attributes = raw.get("attributes", {})
        if not isinstance(attributes, dict):
            raise ValidationError(
                f"attributes must be an object, got {shown(attributes)}", field="attributes"
            )
        # a null value is an attribute left out, as an empty cell is in CSV
        attributes = {k: v for k, v in attributes.items() if v is not None}
        if cells_are_text:
            attributes = self._typed(raw["type"], attributes)
        ci = ConfigurationItem(raw["id"], raw["type"], name, attributes, owner)
        self.schema.check_ci(ci)
        return ci

    def _typed(self, ci_type: str, cells: Mapping[str, str]) -> dict[str, AttributeValue]:
        try:
            specs = {a.name: a for a in self.schema.ci_type(ci_type).attributes}
        except NotFoundError:
            raise ValidationError(
                f"unknown CI type {ci_type!r}; defined types: "
                + (", ".join(self.schema.ci_type_names) or "none"),
                field="type",
            ) from None
        return {k: _cell(v, specs.get(k), k) for k, v in cells.items()}

    def _relationship(self, raw: Mapping[str, Any], number: int) -> None:
        try:
            _require(raw, "source")
            _require(raw, "target")
            source = check_id(raw["source"], "a relationship's source", field="source")
            target = check_id(raw["target"], "a relationship's target", field="target")
            for field, end in (("source", source), ("target", target)):
                if end not in self.ids:
                    raise ValidationError(
                        f"relationship {source!r} -> {target!r} names {end!r}, "
                        "which is not defined",
                        field=field,
                    )
            kind = check_id(raw.get("type", DEPENDS_ON), "a relationship's type", field="type")
            self.schema.check_relationship_type(kind)
            if kind == HAS_MEMBER and source not in self.members:
                raise ValidationError(
                    f"relationship {source!r} -> {target!r} is of type {HAS_MEMBER!r}, which "
                    f"only a redundancy group has, and {source!r} is none",
                    field="type",
                )
            if kind != HAS_MEMBER and source in self.members:
                raise ValidationError(
                    f"redundancy group {source!r} can have no relationship of its own "
                    f"({kind!r} to {target!r}): it relates to its members with "
                    f"{HAS_MEMBER!r} alone, and what it needs belongs to its members",
                    field="source",
                )
        except ValidationError as e:
            self.fail("relationship", number, e.field, str(e))
        self._edge(source, target, kind, ("relationship", number))

    def _edge(self, source: str, target: str, kind: str, where: tuple[str, int]) -> None:
        key = (source, target)
        if key in self.given:
            first_path, first_line = self.locate(*self.given[key], None)
            here = self.locate(*where, None)[0]
            first = f"line {first_line}" if first_path == here else f"{first_path}:{first_line}"
            self.fail(
                *where, None, f"relationship {source!r} -> {target!r} was already given ({first})"
            )
        self.given[key] = where
        if kind == HAS_MEMBER:
            self.members[source].append(target)
        self.relationships.append((source, target, kind))

    def build(self, cmdb_id: str, *, at: datetime, actor: str) -> Cmdb:
        for node in self.nodes:
            if not isinstance(node, RedundancyGroup):
                continue
            number = self.ids[node.id]
            members = self.members[node.id]
            for member in members:
                if member not in self.ids:
                    what, given_by = self.given[(node.id, member)]
                    self.fail(
                        what,
                        given_by,
                        "members" if what == "node" else "target",
                        f"redundancy group {node.id!r} names member {member!r}, "
                        "which is not defined",
                    )
            if len(members) < node.min_up:
                self.fail(
                    "node",
                    number,
                    "min_up",
                    f"redundancy group {node.id!r} needs {node.min_up} members up (min_up) "
                    f"but has {len(members)} members",
                )
        try:
            cmdb = Cmdb(self.schema, id=cmdb_id)
            cmdb.add_many(self.nodes, self.relationships, actor=actor, at=at)
        except CycleError as e:
            source, target = e.cycle[0], e.cycle[1]
            path, found = self.locate(*self.given[(source, target)], "source")
            raise LoadError(
                path,
                found,
                None,
                f"relationship {source!r} -> {target!r} closes a dependency cycle: "
                + " -> ".join(e.cycle),
            ) from None
        except ValidationError as e:
            raise LoadError(self.origin, None, e.field, str(e)) from None
        return cmdb


def _check_at(at: object) -> None:
    """Refuse a missing or naive ``at`` before any file is read (it is not the file's fault)."""
    if not isinstance(at, datetime):
        raise ValidationError(
            "a load records when its records were created: at must be an aware datetime "
            f"(datetime.now(UTC) or your application's clock), got {shown(at)}",
            field="at",
        )
    as_utc(at, "at")


def _require(raw: Mapping[str, Any], key: str) -> None:
    if key not in raw or raw[key] in (None, ""):
        raise ValidationError(f"{key!r} is required", field=key)


Fail = Callable[[Sequence[str | int], str | None, str], NoReturn]


def _kind_of(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}
    return names.get(type(value), "a number" if isinstance(value, int | float) else "null")


def _check_keys(
    raw: Mapping[str, Any], kind: str, what: str, where: Sequence[str | int], fail: Fail
) -> None:
    allowed = _KEYS[kind]
    for key in raw:
        if key not in allowed:
            fail(
                where,
                key,
                f"{what}: unknown key {shown(key)}; allowed keys: {', '.join(allowed)}",
            )


def _schema(raw: Any, where: tuple[str | int, ...], fail: Fail) -> CmdbSchema:
    """The schema object read, each CI type, attribute and relationship type checked where
    it stands in the file."""
    if not isinstance(raw, dict):
        fail(where, None, f"the schema must be an object, got {_kind_of(raw)}")
    _check_keys(raw, "schema", "the schema", where, fail)
    ci_types: dict[str, CiType] = {}
    for i, item in _listed(raw, "ci_types", where, fail):
        at = (*where, "ci_types", i)
        specs: dict[str, AttributeSpec] = {}
        if isinstance(item, dict):
            _check_keys(item, "ci_types", f"ci_types[{i}]", at, fail)
            for j, entry in _listed(item, "attributes", at, fail):
                spec = _spec(entry, (*at, "attributes", j), specs, fail)
                specs[spec.name] = spec
            args: tuple[Any, ...] = (
                item.get("name", ""),
                specs.values(),
                item.get("description", ""),
            )
        else:
            args = (item,)
        try:
            ci_type = CiType(*args)
        except ValidationError as e:
            names = list(specs)
            if e.field in names:  # an attribute with a name every CI record has
                fail((*at, "attributes", names.index(e.field)), "name", str(e))
            fail(at, e.field, str(e))
        if ci_type.name in ci_types:
            fail(at, "name", f"CI type {ci_type.name!r} is declared twice")
        ci_types[ci_type.name] = ci_type
    rel_types: dict[str, RelationshipType] = {}
    for i, item in _listed(raw, "relationship_types", where, fail):
        at = (*where, "relationship_types", i)
        try:
            if isinstance(item, dict):
                _check_keys(item, "relationship_types", f"relationship_types[{i}]", at, fail)
                rel_type = RelationshipType(item.get("name", ""), item.get("description", ""))
            else:
                rel_type = RelationshipType(item)
        except ValidationError as e:
            fail(at, e.field, str(e))
        if rel_type.name in (DEPENDS_ON, HAS_MEMBER) or rel_type.name in rel_types:
            fail(
                at, "name", f"relationship type {rel_type.name!r} is declared twice or is built in"
            )
        rel_types[rel_type.name] = rel_type
    return CmdbSchema(ci_types.values(), rel_types.values())


def _spec(
    raw: Any, at: tuple[str | int, ...], seen: Mapping[str, AttributeSpec], fail: Fail
) -> AttributeSpec:
    """One attribute of a CI type, by name or as an object."""
    try:
        if isinstance(raw, dict):
            _check_keys(raw, "attributes", f"attribute {at[-1]}", at, fail)
            if "name" not in raw:
                fail(at, None, "an attribute needs a 'name'")
            spec = AttributeSpec(**raw)
        else:
            spec = AttributeSpec(raw)
    except ValidationError as e:
        fail(at, e.field, str(e))
    if spec.name in seen:
        fail(at, "name", f"attribute {spec.name!r} is declared twice")
    return spec


def _listed(
    raw: Mapping[str, Any], key: str, where: tuple[str | int, ...], fail: Fail
) -> Iterator[tuple[int, Any]]:
    """The entries of the list ``raw[key]``; each a name or an object."""
    items = raw.get(key, [])
    if not isinstance(items, list):
        fail((*where, key), None, f"{key!r} must be a list, got {_kind_of(items)}")
    for i, item in enumerate(items):
        if not isinstance(item, str | dict):
            fail(
                (*where, key, i), None, f"{key}[{i}] must be an object or a name, got {shown(item)}"
            )
        yield i, item


def _cell(text: str, spec: AttributeSpec | None, name: str) -> AttributeValue:
    """Convert a CSV cell to its attribute's type; unknown attributes stay text.

    Numbers are read as JSON writes them, in ASCII digits: ``1_000`` or ``٤``
    would be numbers to ``int()`` but are not numbers in a file.
    """
    if spec is None or spec.type is AttributeType.STRING:
        return text
    if spec.type is AttributeType.INTEGER:
        if _INTEGER.match(text) and len(text) <= _LONGEST:
            return int(text)  # the CI record refuses what does not fit in 64 bits
        raise ValidationError(
            f"attribute {name!r} must be integer (digits 0-9, at most {_LONGEST}), "
            f"got {shown(text)}",
            field=name,
        )
    if spec.type is AttributeType.NUMBER:
        if _NUMBER.match(text) and len(text) <= _LONGEST:
            return float(text)  # an infinity from 1e999 is refused by the CI record
        raise ValidationError(
            f"attribute {name!r} must be number (such as 2.5 or 1e3), got {shown(text)}",
            field=name,
        )
    lowered = text.strip().lower()
    if lowered in ("true", "yes", "1"):
        return True
    if lowered in ("false", "no", "0"):
        return False
    raise ValidationError(
        f"attribute {name!r} must be boolean (true/false), got {shown(text)}", field=name
    )


def _csv_int(text: str, path: str, line: int, field: str) -> int:
    if _INTEGER.match(text) and len(text) <= 10:
        return int(text)
    raise LoadError(path, line, field, f"expected a whole number (digits 0-9), got {shown(text)}")


def _csv_rows(
    path: Path, required: tuple[str, ...], known: tuple[str, ...] | None = None
) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """The header of a CSV file, checked, and its rows with their lines."""
    name = str(path)
    reader = csv.DictReader(_read(path).splitlines(keepends=True))
    try:
        header = list(reader.fieldnames or [])
    except csv.Error as e:
        raise LoadError(name, 1, None, f"not valid CSV: {e}") from None
    for i, column in enumerate(header):
        if not column.strip():
            raise LoadError(name, 1, None, f"column {i + 1} of the header has no name")
        if column in header[:i]:
            raise LoadError(name, 1, column, f"column {shown(column)} appears twice in the header")
    for column in required:
        if column not in header:
            raise LoadError(
                name, 1, column, f"missing column {column!r}; header is {shown(header)}"
            )
    for column in header:
        if known is not None and column not in known:
            raise LoadError(
                name,
                1,
                column,
                f"unknown column {shown(column)}; allowed columns: {', '.join(known)}",
            )

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        try:
            for row in reader:
                if None in row:
                    raise LoadError(
                        name, reader.line_num, None, "more cells than columns in the header"
                    )
                yield reader.line_num, {k: (v or "").strip() for k, v in row.items()}
        except csv.Error as e:
            raise LoadError(name, reader.line_num, None, f"not valid CSV: {e}") from None

    return header, rows()


def _read(path: Path) -> str:
    """The text of a file; a UTF-8 byte order mark, as spreadsheets write one, is dropped."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise LoadError(str(path), None, None, "no such file") from None
    except OSError as e:
        raise LoadError(str(path), None, None, f"cannot read: {e.strerror}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise LoadError(str(path), line, None, f"not UTF-8 text: {e.reason}") from None
