"""Reading NetBox's two JSON shapes into one inventory of records.

* The REST API: one result set per endpoint (``dcim/devices``), either a
  directory of ``<app>/<endpoint>.json`` files or a mapping of endpoint to
  result set. A result set is a page (``{"count", "next", "previous",
  "results"}``), a list of pages, or a plain list of records. Related objects
  come nested (``{"id": 3, "url": ..., "slug": ...}``), choices as
  ``{"value", "label"}``.
* A ``manage.py dumpdata`` fixture: a list of ``{"model", "pk", "fields"}``
  records, related objects as primary keys (content types also as natural keys
  with ``--natural-foreign``).

Both become the same :class:`Inventory`: per model label, per primary key, the
record's fields with related objects as primary keys and choices as their value.
A record that does not have the shape raises :class:`~fitsm.errors.LoadError`
naming the file (or endpoint), the record and the field; NetBox's own fields
beyond those the importer reads are left alone, since every NetBox release
adds some.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from fitsm.errors import LoadError

__all__ = ["ENDPOINTS", "Inventory", "Ref", "read_inventory"]

Ref = tuple[str, int]
"""A NetBox object: its model label and primary key."""

ENDPOINTS: Mapping[str, str] = {
    "dcim/sites": "dcim.site",
    "dcim/locations": "dcim.location",
    "dcim/racks": "dcim.rack",
    "dcim/rack-roles": "dcim.rackrole",
    "dcim/manufacturers": "dcim.manufacturer",
    "dcim/device-types": "dcim.devicetype",
    "dcim/device-roles": "dcim.devicerole",
    "dcim/platforms": "dcim.platform",
    "dcim/devices": "dcim.device",
    "dcim/interfaces": "dcim.interface",
    "dcim/front-ports": "dcim.frontport",
    "dcim/rear-ports": "dcim.rearport",
    "dcim/power-panels": "dcim.powerpanel",
    "dcim/power-feeds": "dcim.powerfeed",
    "dcim/power-ports": "dcim.powerport",
    "dcim/power-outlets": "dcim.poweroutlet",
    "dcim/cables": "dcim.cable",
    "dcim/cable-terminations": "dcim.cabletermination",
    "circuits/providers": "circuits.provider",
    "circuits/circuit-types": "circuits.circuittype",
    "circuits/circuits": "circuits.circuit",
    "circuits/circuit-terminations": "circuits.circuittermination",
    "virtualization/cluster-types": "virtualization.clustertype",
    "virtualization/cluster-groups": "virtualization.clustergroup",
    "virtualization/clusters": "virtualization.cluster",
    "virtualization/virtual-machines": "virtualization.virtualmachine",
    "tenancy/tenants": "tenancy.tenant",
}
"""The REST endpoints the importer reads, and the model each serves."""

CONTENT_TYPES = "contenttypes.contenttype"
PORT_MAPPING = "dcim.portmapping"
_MODELS = frozenset(ENDPOINTS.values()) | {CONTENT_TYPES, PORT_MAPPING}

# The related objects the importer follows: model -> field -> related model.
FOREIGN_KEYS: Mapping[str, Mapping[str, str]] = {
    "dcim.site": {"tenant": "tenancy.tenant"},
    "dcim.location": {
        "site": "dcim.site",
        "parent": "dcim.location",
        "tenant": "tenancy.tenant",
    },
    "dcim.rack": {
        "site": "dcim.site",
        "location": "dcim.location",
        "role": "dcim.rackrole",
        "tenant": "tenancy.tenant",
    },
    "dcim.devicetype": {"manufacturer": "dcim.manufacturer"},
    "dcim.device": {
        "device_type": "dcim.devicetype",
        "role": "dcim.devicerole",
        "platform": "dcim.platform",
        "site": "dcim.site",
        "location": "dcim.location",
        "rack": "dcim.rack",
        "cluster": "virtualization.cluster",
        "tenant": "tenancy.tenant",
    },
    "dcim.interface": {"device": "dcim.device"},
    "dcim.frontport": {"device": "dcim.device", "rear_port": "dcim.rearport"},
    "dcim.rearport": {"device": "dcim.device"},
    PORT_MAPPING: {"front_port": "dcim.frontport", "rear_port": "dcim.rearport"},
    "dcim.powerport": {"device": "dcim.device"},
    "dcim.poweroutlet": {"device": "dcim.device", "power_port": "dcim.powerport"},
    "dcim.powerpanel": {"site": "dcim.site", "location": "dcim.location"},
    "dcim.powerfeed": {
        "power_panel": "dcim.powerpanel",
        "rack": "dcim.rack",
        "tenant": "tenancy.tenant",
    },
    "dcim.cabletermination": {"cable": "dcim.cable"},
    "circuits.circuit": {
        "provider": "circuits.provider",
        "type": "circuits.circuittype",
        "tenant": "tenancy.tenant",
    },
    "circuits.circuittermination": {"circuit": "circuits.circuit"},
    "virtualization.cluster": {
        "type": "virtualization.clustertype",
        "group": "virtualization.clustergroup",
        "tenant": "tenancy.tenant",
    },
    "virtualization.virtualmachine": {
        "cluster": "virtualization.cluster",
        "site": "dcim.site",
        "device": "dcim.device",
        "role": "dcim.devicerole",
        "platform": "dcim.platform",
        "tenant": "tenancy.tenant",
    },
}

# Models looked up for a slug or name only: in the REST shape the nested object
# (``"role": {"id": 2, "slug": "server", ...}``) stands in for the record.
_LOOKUPS = frozenset(
    {
        "dcim.rackrole",
        "dcim.manufacturer",
        "dcim.devicetype",
        "dcim.devicerole",
        "dcim.platform",
        "circuits.circuittype",
        "virtualization.clustertype",
        "virtualization.clustergroup",
        "tenancy.tenant",
    }
)
_PAGE_KEYS = frozenset({"count", "next", "previous", "results"})
_DUMP_KEYS = frozenset({"model", "pk", "fields"})
_SIDES = ("A", "B")


class Inventory:
    """NetBox records by model and primary key, in one shape whatever the input was."""

    def __init__(self) -> None:
        self.records: dict[str, dict[int, dict[str, Any]]] = {}
        self.origin: dict[str, str] = {}
        """Where each model's records were read: a file, or an endpoint of the data given."""
        self.briefs: dict[str, dict[int, dict[str, Any]]] = {}
        """Nested REST objects of the lookup models, for when their endpoint is missing."""
        self.unknown: dict[str, list[int]] = {}
        """Records of models the importer does not map, by label (or endpoint)."""
        self.terminations: dict[int, dict[str, set[Ref]]] = {}
        """Each cable's ends: ``{"A": {...}, "B": {...}}``."""
        self.port_mappings: set[tuple[int, int, int, int]] = set()
        """(front port, front position, rear port, rear position)."""
        self._content_types: dict[int, str] = {}
        self._pending_terminations: list[tuple[str, int, dict[str, Any]]] = []

    # -- reading records --------------------------------------------------------------

    def of(self, model: str) -> dict[int, dict[str, Any]]:
        """Every record of ``model`` by primary key (empty if none was read)."""
        return self.records.get(model, {})

    def where(self, model: str) -> str:
        return self.origin.get(model, model)

    def error(self, model: str, pk: int | None, field: str | None, reason: str) -> LoadError:
        what = model if pk is None else f"{model} {pk}"
        return LoadError(self.where(model), None, field, f"{what}: {reason}")

    def ref(self, model: str, pk: int, field: str) -> int | None:
        """The primary key in ``field`` of a record, checked to name a record that was read."""
        value = self.records[model][pk].get(field)
        if value is None:
            return None
        target = FOREIGN_KEYS[model][field]
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(model, pk, field, f"expected the id of a {target}, got {value!r}")
        if value not in self.of(target) and value not in self.briefs.get(target, {}):
            raise self.error(
                model, pk, field, f"names {target} {value}, which is not in the NetBox data"
            )
        return value

    def related(self, model: str, pk: int, field: str) -> dict[str, Any] | None:
        """The record (or nested REST object) that ``field`` names, or None."""
        target_pk = self.ref(model, pk, field)
        if target_pk is None:
            return None
        target = FOREIGN_KEYS[model][field]
        found = self.of(target).get(target_pk)
        return found if found is not None else self.briefs[target][target_pk]

    def text(self, model: str, pk: int, field: str, *, required: bool = False) -> str | None:
        """A text field; a missing or empty one is None (or an error if required)."""
        value = self.records[model][pk].get(field)
        if value is None or value == "":
            if required:
                raise self.error(model, pk, field, "is required")
            return None
        if not isinstance(value, str):
            raise self.error(model, pk, field, f"expected text, got {value!r}")
        return value.strip() or None

    def integer(self, model: str, pk: int, field: str) -> int | None:
        value = self.records[model][pk].get(field)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(model, pk, field, f"expected a whole number, got {value!r}")
        return value

    def decimal(self, model: str, pk: int, field: str) -> str | None:
        """A decimal field as exact text without trailing zeros (``"4"``, ``"10.5"``)."""
        value = self.records[model][pk].get(field)
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise self.error(model, pk, field, f"expected a decimal number, got {value!r}")
        text = str(value).strip()
        try:
            exact = Decimal(text)
        except InvalidOperation:
            exact = Decimal("NaN")
        if not exact.is_finite():
            raise self.error(model, pk, field, f"expected a decimal number, got {value!r}")
        # one spelling for one number: a dump writes "4.00", the REST API 4.0
        return format(exact.normalize(), "f")

    def flag(self, model: str, pk: int, field: str) -> bool:
        value = self.records[model][pk].get(field, False)
        if value is None:
            return False
        if not isinstance(value, bool):
            raise self.error(model, pk, field, f"expected true or false, got {value!r}")
        return value

    def slug(self, record: Mapping[str, Any] | None) -> str | None:
        """How an attribute names a related object: its slug, else its name."""
        if record is None:
            return None
        for key in ("slug", "name", "model", "cid"):
            value = record.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
        return None

    # -- adding records ------------------------------------------------------------------

    def add(self, model: str, pk: object, fields: dict[str, Any], where: str) -> None:
        if model not in _MODELS:
            pks = self.unknown.setdefault(model, [])
            if isinstance(pk, int) and not isinstance(pk, bool):
                pks.append(pk)
            return
        if isinstance(pk, bool) or not isinstance(pk, int):
            raise LoadError(where, None, "pk", f"{model}: expected a whole-number id, got {pk!r}")
        self.origin.setdefault(model, where)
        records = self.records.setdefault(model, {})
        if pk in records:
            raise LoadError(where, None, "pk", f"{model} {pk} is given twice")
        records[pk] = fields

    def finish(self) -> None:
        """Resolve what needed every record read first: content types, cable ends, ports."""
        for model, pk, fields in self._pending_terminations:
            self._termination(model, pk, fields)
        self._pending_terminations.clear()
        for pk in sorted(self.of("dcim.frontport")):
            fields = self.records["dcim.frontport"][pk]
            if fields.get("rear_port") is not None:  # NetBox up to 4.4
                rear = self.ref("dcim.frontport", pk, "rear_port")
                assert rear is not None
                position = self._position(fields, "rear_port_position", "dcim.frontport", pk)
                self.port_mappings.add((pk, 1, rear, position))
            for i, m in enumerate(fields.get("rear_ports") or ()):  # REST, NetBox 4.5 on
                field = f"rear_ports[{i}]"
                if not isinstance(m, dict) or not isinstance(m.get("rear_port"), int):
                    raise self.error(
                        "dcim.frontport", pk, field, f"expected a rear port mapping, got {m!r}"
                    )
                if m["rear_port"] not in self.of("dcim.rearport"):
                    raise self.error(
                        "dcim.frontport",
                        pk,
                        field,
                        f"names dcim.rearport {m['rear_port']}, which is not in the NetBox data",
                    )
                self.port_mappings.add(
                    (
                        pk,
                        self._position(m, "position", "dcim.frontport", pk),
                        m["rear_port"],
                        self._position(m, "rear_port_position", "dcim.frontport", pk),
                    )
                )
        for pk in sorted(self.of(PORT_MAPPING)):  # dumps, NetBox 4.5 on
            fields = self.records[PORT_MAPPING][pk]
            front = self.ref(PORT_MAPPING, pk, "front_port")
            rear = self.ref(PORT_MAPPING, pk, "rear_port")
            if front is None or rear is None:
                raise self.error(PORT_MAPPING, pk, "front_port", "needs a front and a rear port")
            self.port_mappings.add(
                (
                    front,
                    self._position(fields, "front_port_position", PORT_MAPPING, pk),
                    rear,
                    self._position(fields, "rear_port_position", PORT_MAPPING, pk),
                )
            )

    def _position(self, fields: Mapping[str, Any], key: str, model: str, pk: int) -> int:
        value = fields.get(key)
        if value is None:
            return 1
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise self.error(model, pk, key, f"expected a position >= 1, got {value!r}")
        return value

    def content_type(self, value: object, model: str, pk: int, field: str) -> str:
        """A content type as ``app_label.model``, from a label, a natural key or a pk."""
        if isinstance(value, str) and value.count(".") == 1:
            return value
        if isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value):
            return f"{value[0]}.{value[1]}"
        if isinstance(value, int) and not isinstance(value, bool):
            found = self._content_types.get(value)
            if found is None:
                raise self.error(
                    model, pk, field, f"names content type {value}, which is not in the dump"
                )
            return found
        raise self.error(
            model, pk, field, f"expected a content type ('dcim.interface'), got {value!r}"
        )

    def _termination(self, model: str, pk: int, fields: dict[str, Any]) -> None:
        """One cable end: a dump's or the REST API's cable termination record."""
        cable = fields.get("cable")
        if isinstance(cable, dict):
            cable = cable.get("id")
        if isinstance(cable, bool) or not isinstance(cable, int):
            raise self.error(model, pk, "cable", f"expected the id of a dcim.cable, got {cable!r}")
        if cable not in self.of("dcim.cable"):
            raise self.error(
                model, pk, "cable", f"names dcim.cable {cable}, which is not in the NetBox data"
            )
        side = fields.get("cable_end")
        if side not in _SIDES:
            raise self.error(model, pk, "cable_end", f"expected 'A' or 'B', got {side!r}")
        kind = self.content_type(fields.get("termination_type"), model, pk, "termination_type")
        target = fields.get("termination_id")
        if isinstance(target, bool) or not isinstance(target, int):
            raise self.error(model, pk, "termination_id", f"expected an id, got {target!r}")
        self.terminations.setdefault(cable, {"A": set(), "B": set()})[side].add((kind, target))

    # -- the two shapes -------------------------------------------------------------------

    def read_dump(self, records: object, where: str) -> None:
        if not isinstance(records, list):
            raise LoadError(where, None, None, "expected a list of dumpdata records")
        for i, raw in enumerate(records):
            if not isinstance(raw, dict):
                raise LoadError(where, None, None, f"record {i}: expected an object, got {raw!r}")
            unknown = sorted(set(raw) - _DUMP_KEYS)
            if unknown:
                raise LoadError(
                    where,
                    None,
                    unknown[0],
                    f"record {i}: unknown key {unknown[0]!r}; a dumpdata record has "
                    "'model', 'pk' and 'fields'",
                )
            model, fields = raw.get("model"), raw.get("fields")
            if not isinstance(model, str) or not isinstance(fields, dict):
                raise LoadError(
                    where, None, "model", f"record {i}: expected a model label and its fields"
                )
            if model == CONTENT_TYPES:
                self._content_type_record(raw, fields, where, i)
                continue
            self.add(model, raw.get("pk"), _renamed(model, fields), where)
        for pk, fields in self.of("dcim.cabletermination").items():
            self._pending_terminations.append(("dcim.cabletermination", pk, fields))

    def _content_type_record(
        self, raw: Mapping[str, Any], fields: Mapping[str, Any], where: str, i: int
    ) -> None:
        app, name, pk = fields.get("app_label"), fields.get("model"), raw.get("pk")
        if not isinstance(app, str) or not isinstance(name, str):
            raise LoadError(
                where, None, "fields", f"record {i}: a content type needs app_label and model"
            )
        if pk is not None:  # with --natural-primary there is none, and nothing refers to one
            if isinstance(pk, bool) or not isinstance(pk, int):
                raise LoadError(
                    where, None, "pk", f"record {i}: expected a whole-number id, got {pk!r}"
                )
            self._content_types[pk] = f"{app}.{name}"

    def read_endpoint(self, endpoint: str, data: object, where: str) -> None:
        model = ENDPOINTS.get(endpoint)
        for rec in _results(data, where):
            pk = rec.get("id")
            if isinstance(pk, bool) or not isinstance(pk, int):
                raise LoadError(where, None, "id", f"expected a whole-number id, got {pk!r}")
            if model is None:
                self.unknown.setdefault(endpoint, []).append(pk)
                continue
            if model == "dcim.cable":
                self._rest_cable_ends(pk, rec, where)
            fields = self._flatten(model, _renamed(model, rec))
            self.add(model, pk, fields, where)
            if model == "dcim.cabletermination":
                self._pending_terminations.append((model, pk, fields))

    def _rest_cable_ends(self, pk: int, rec: Mapping[str, Any], where: str) -> None:
        ends = self.terminations.setdefault(pk, {"A": set(), "B": set()})
        for side in _SIDES:
            field = f"{side.lower()}_terminations"
            items = rec.get(field) or []
            if not isinstance(items, list):
                raise LoadError(
                    where, None, field, f"dcim.cable {pk}: expected a list, got {items!r}"
                )
            for item in items:
                if not isinstance(item, dict):
                    raise LoadError(
                        where, None, field, f"dcim.cable {pk}: expected an object, got {item!r}"
                    )
                kind = item.get("object_type")
                target = item.get("object_id")
                if not isinstance(kind, str) or kind.count(".") != 1:
                    raise LoadError(
                        where,
                        None,
                        field,
                        f"dcim.cable {pk}: expected object_type like 'dcim.interface', "
                        f"got {kind!r}",
                    )
                if isinstance(target, bool) or not isinstance(target, int):
                    raise LoadError(
                        where,
                        None,
                        field,
                        f"dcim.cable {pk}: expected an object_id, got {target!r}",
                    )
                ends[side].add((kind, target))

    def _flatten(self, model: str, rec: Mapping[str, Any]) -> dict[str, Any]:
        """A REST record with related objects as their id and choices as their value."""
        keys = FOREIGN_KEYS.get(model, {})
        fields: dict[str, Any] = {}
        for key, value in rec.items():
            if isinstance(value, dict):
                if "value" in value and "label" in value:
                    value = value["value"]
                elif "id" in value:
                    target = keys.get(key)
                    if target in _LOOKUPS and isinstance(value["id"], int):
                        self._brief(target, value)
                    value = value["id"]
            fields[key] = value
        return fields

    def _brief(self, model: str, nested: Mapping[str, Any]) -> None:
        briefs = self.briefs.setdefault(model, {})
        if nested["id"] not in briefs:
            briefs[nested["id"]] = self._flatten(model, nested)


# Fields an older NetBox named otherwise: (model, old name) -> name
_RENAMED = {("dcim.device", "device_role"): "role"}  # NetBox 3.x


def _renamed(model: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    return {_RENAMED.get((model, k), k): v for k, v in fields.items()}


def _results(data: object, where: str) -> Iterator[dict[str, Any]]:
    """The records of one endpoint: a page, a list of pages, or a list of records."""
    if isinstance(data, dict):
        pages: list[Any] = [data]
    elif (
        isinstance(data, list)
        and data
        and all(isinstance(p, dict) and "results" in p for p in data)
    ):
        pages = data
    elif isinstance(data, list):
        pages = [{"results": data}]
    else:
        raise LoadError(where, None, None, f"expected a page of results or a list, got {data!r}")
    total = 0
    for i, page in enumerate(pages):
        unknown = sorted(set(page) - _PAGE_KEYS)
        if unknown or "results" not in page:
            raise LoadError(
                where,
                None,
                unknown[0] if unknown else "results",
                f"page {i + 1}: expected the keys count, next, previous and results, "
                f"got {', '.join(sorted(page))}",
            )
        results = page["results"]
        if not isinstance(results, list):
            raise LoadError(where, None, "results", f"page {i + 1}: expected a list")
        for rec in results:
            if not isinstance(rec, dict):
                raise LoadError(where, None, "results", f"expected a record, got {rec!r}")
            yield rec
        total += len(results)
    if pages[-1].get("next"):
        # the URL is not shown: the page is all we know, and a URL may carry more than it should
        raise LoadError(
            where,
            None,
            "next",
            "the last page says more results follow; save every page (or fetch with "
            "?limit=0 where the server allows it)",
        )
    count = pages[0].get("count")
    if count is not None and count != total:
        raise LoadError(
            where, None, "count", f"the first page counts {count!r} results, the pages hold {total}"
        )


def _endpoint(name: str) -> str:
    """``/api/dcim/devices/`` or ``dcim/devices.json`` -> ``dcim/devices``."""
    name = name.strip().strip("/")
    name = name.removesuffix(".json")
    return name.removeprefix("api/")


def read_inventory(source: object) -> tuple[Inventory, str]:
    """An inventory from a path (a directory of endpoint files, or one JSON file), a mapping
    of endpoint to results, or a list of dumpdata records; and how to name the source."""
    inventory = Inventory()
    if isinstance(source, str | Path):
        path = Path(source)
        if path.is_dir():
            files = sorted(path.rglob("*.json"))
            if not files:
                raise LoadError(str(path), None, None, "no .json files in this directory")
            for file in files:
                endpoint = _endpoint(file.relative_to(path).as_posix())
                inventory.read_endpoint(endpoint, _load(file), str(file))
        else:
            data = _load(path)
            if isinstance(data, list):
                inventory.read_dump(data, str(path))
            elif isinstance(data, dict):
                _read_endpoints(inventory, data, str(path))
            else:
                raise LoadError(str(path), None, None, "expected a JSON list or object")
        where = str(path)
    elif isinstance(source, Mapping):
        _read_endpoints(inventory, source, None)
        where = "<NetBox API data>"
    elif isinstance(source, list):
        where = "<NetBox dump>"
        inventory.read_dump(source, where)
    else:
        raise LoadError(
            "<NetBox data>",
            None,
            None,
            "expected a path, a mapping of API endpoint to results, or a list of dumpdata "
            f"records, got {type(source).__name__}",
        )
    inventory.finish()
    return inventory, where


def _read_endpoints(inventory: Inventory, data: Mapping[Any, Any], path: str | None) -> None:
    for key in sorted(data, key=str):
        if not isinstance(key, str):
            raise LoadError(
                path or "<NetBox API data>", None, None, f"expected an endpoint name, got {key!r}"
            )
        endpoint = _endpoint(key)
        where = f"{path}[{key!r}]" if path else endpoint
        inventory.read_endpoint(endpoint, data[key], where)


def _load(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LoadError(str(path), None, None, "no such file") from None
    except UnicodeDecodeError as e:
        raise LoadError(str(path), None, None, f"not UTF-8 text: {e.reason}") from None
    except OSError as e:
        raise LoadError(str(path), None, None, f"cannot read: {e.strerror}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise LoadError(str(path), e.lineno, None, f"not valid JSON: {e.msg}") from None
