"""Anything in, one of two outcomes out (issue 10).

Every public constructor, the CMDB loaders and the stores are fed arbitrary
input: text with NUL characters and lone surrogates, huge and non-finite
numbers, moments UTC cannot name, values of the wrong type. Either the input is
refused with a :class:`~fitsm.FitsmError` that names the offending value or its
field, or it is accepted, and then every backend keeps it verbatim.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import json
import math
import os
import re
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import pint
import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from fitsm import (
    Q_,
    Agreement,
    BusinessCalendar,
    CiType,
    Cmdb,
    CmdbSchema,
    ComponentNode,
    ConfigurationItem,
    FitsmError,
    Incident,
    Outage,
    RedundancyGroup,
    Service,
    ServiceComponent,
    ServiceNode,
    ServicePortfolio,
    ServiceTarget,
    Supplier,
    open_store,
)
from fitsm.availability import AvailabilityPolicy
from fitsm.cases import (
    CASE_TYPES,
    CaseQuery,
    ChangeCriteria,
    ClockPolicy,
    HistoryEntry,
    MajorIncidentCriteria,
    PriorityMatrix,
    ReleaseCriteria,
)
from fitsm.cmdb import (
    AttributeSpec,
    AttributeType,
    CmdbChangeRecord,
    DiscoveredState,
    Relationship,
    RelationshipType,
)
from fitsm.errors import LoadError
from fitsm.interop import dump_cmdb_json, load_cmdb_csv, load_cmdb_json
from fitsm.portfolio import PhaseChange, ServiceLifecycle, SupplierInvolvement
from fitsm.service_levels import Agreements
from fitsm.storage import Store
from tests.contract.conftest import BACKENDS, fresh_postgresql_url

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)
FUZZ = settings(
    # a deeper search: FITSM_FUZZ_EXAMPLES=2000 pytest tests/test_fuzz.py
    max_examples=int(os.environ.get("FITSM_FUZZ_EXAMPLES", "60")),
    deadline=None,
    # refused input is part of the point: an example the stores cannot take is skipped
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.filter_too_much,
    ],
)

# -- what goes in -------------------------------------------------------------------

ODD_TEXT = [
    "", " ", " x", "x ", "\x00", "a\x00b", "\ud800", "x\udfff", "\ufeff", "x" * 200, "x" * 201,
    "é", "\U0001f600" * 60, "\r\n", "'; DROP TABLE cmdbs; --", "NaN", "$a", "{}", "None",
]  # fmt: skip
odd_text = st.one_of(
    st.sampled_from(ODD_TEXT),
    st.text(max_size=12),
    st.builds(
        lambda a, c, b: a + c + b,
        st.text(max_size=4),
        st.sampled_from(["\x00", "\ud800", "\udc00", "\udbff"]),
        st.text(max_size=4),
    ),
)
odd_moments = st.sampled_from(
    [
        datetime.max.replace(tzinfo=timezone(-timedelta(hours=1))),
        datetime.min.replace(tzinfo=timezone(timedelta(hours=1))),
        datetime.max.replace(tzinfo=UTC),
        datetime.min.replace(tzinfo=UTC),
        datetime(2026, 1, 5, 9),  # naive
        datetime(2026, 3, 29, 2, 30, tzinfo=timezone(timedelta(hours=14))),
    ]
)
odd_numbers = st.one_of(
    # built lazily: hypothesis may print a strategy, and Python cannot print 10**5000
    st.sampled_from([5000, -5000]).map(
        lambda digits: (1 if digits > 0 else -1) * 10 ** abs(digits)
    ),
    st.sampled_from([2**63, -(2**63) - 1, 2**63 - 1, 0, -1, 2**31]),
    st.integers(),
    st.floats(),  # NaN and infinities included
    st.sampled_from([Fraction(1, 3), Decimal("NaN"), Decimal("1e999999"), True, False]),
)
odd_things = st.sampled_from(
    [
        None,
        object(),
        [],
        {},
        {"a": 1},
        [1, 2],
        ("a", 5),
        b"bytes",
        timedelta(days=-1),
        timedelta.max,
        date(2026, 1, 5),
        Q_(99, "percent"),
        Q_(float("nan"), "hour"),
        pint.UnitRegistry().Quantity(4, "hour"),
        frozenset({1}),
        BusinessCalendar.always(),
    ]
)
anything = st.one_of(odd_text, odd_numbers, odd_moments, odd_things, st.lists(odd_text, max_size=3))
kept_text = st.one_of(
    st.text(
        st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), min_size=1, max_size=20
    ),
    st.sampled_from(["x" * 200, "\U0001f600" * 50, "'; DROP TABLE cmdbs; --", "a\r\nb", "é"]),
).map(str.strip)
"""Text every store keeps, mostly: ids and names for the round trips."""
some_text = st.one_of(kept_text, kept_text, kept_text, odd_text)


def names_it(error: FitsmError, field: str, value: Any) -> bool:
    """Whether the error names the offending value or its field."""
    message = str(error)
    if getattr(error, "field", None) == field or re.search(rf"\b{re.escape(field)}\b", message):
        return True
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**300:
        return "integer of about" in message
    if isinstance(value, datetime) and value.isoformat() in message:
        return True
    if isinstance(value, list | tuple | frozenset) and any(
        names_it(error, field, item) for item in value
    ):
        return True  # the item of a list that is wrong
    try:
        shown = repr(value)
    except ValueError:
        return False
    return shown[:40] in message


# -- every public constructor ----------------------------------------------------------

LIFECYCLE = ServiceLifecycle(["a", "b"], [("a", "b")], "a", ["b"])
GOOD: dict[str, Any] = {
    "id": "x1",
    "name": "n",
    "title": "t",
    "registered_at": T0,
    "registered_by": "ann",
    "party": "customer",
    "covers": ["svc"],
    "targets": [],
    "subject": "db1",
    "start": T0,
    "source": "a",
    "target": "b",
    "service": "svc",
    "at": T0,
    "actor": "ann",
    "from_phase": "a",
    "to_phase": "b",
    "supplier": "dc",
    "phases": ["a", "b"],
    "transitions": [("a", "b")],
    "initial": "a",
    "live": ["b"],
    "event": "assign",
    "table": {("high", "high"): "P1"},
    "zone": "Europe/Berlin",
    "weekly": (((0, 86400),),) * 7,
}
GOOD_BY_CLASS: dict[type[Any], dict[str, Any]] = {
    ConfigurationItem: {"type": "server"},
    Supplier: {"kind": "internal"},
    Agreement: {"kind": "SLA"},
    ServiceTarget: {"kind": "availability", "value": Q_(99, "percent")},
    CmdbChangeRecord: {"action": "created"},
}
CONSTRUCTORS: list[type[Any]] = [
    AttributeSpec, CiType, RelationshipType, CmdbSchema, ConfigurationItem, RedundancyGroup,
    ServiceNode, ComponentNode, Relationship, DiscoveredState, CmdbChangeRecord,
    ServiceLifecycle, SupplierInvolvement, Service, ServiceComponent, PhaseChange, Supplier,
    ServiceTarget, Agreement, Outage, AvailabilityPolicy, HistoryEntry,
    MajorIncidentCriteria, ChangeCriteria, ReleaseCriteria, PriorityMatrix, ClockPolicy,
    CaseQuery, BusinessCalendar, *CASE_TYPES,
]  # fmt: skip


def arguments(cls: type[Any]) -> dict[str, Any]:
    """Good values for the arguments ``cls`` requires."""
    good = GOOD | GOOD_BY_CLASS.get(cls, {})
    return {
        a.alias or a.name: good[a.name]
        for a in attrs.fields(cls)
        if a.init and a.default is attrs.NOTHING and not a.kw_only
    }


def fields(cls: type[Any]) -> list[str]:
    return [a.alias or a.name for a in attrs.fields(cls) if a.init]


class TestConstructors:
    @pytest.mark.parametrize("cls", CONSTRUCTORS, ids=lambda c: c.__name__)
    def test_good_arguments_make_a_record(self, cls) -> None:
        cls(**arguments(cls))

    @pytest.mark.parametrize("cls", CONSTRUCTORS, ids=lambda c: c.__name__)
    @FUZZ
    @given(data=st.data(), value=anything)
    def test_any_value_is_taken_or_refused_naming_it(self, cls, data, value) -> None:
        field = data.draw(st.sampled_from(fields(cls)), label="field")
        try:
            cls(**(arguments(cls) | {field: value}))
        except FitsmError as e:
            event("refused")
            assert names_it(e, field, value), f"{e!s} names neither {field!r} nor the value"
        else:
            event("taken")

    @FUZZ
    @given(
        rules=st.one_of(
            anything,
            st.dictionaries(
                st.one_of(odd_text, st.sampled_from(["mon", "mon-fri", "daily"])),
                st.one_of(anything, st.sampled_from(["08:00-17:00", "25:00-26:00"])),
                max_size=2,
            ),
        ),
        zone=st.one_of(anything, st.sampled_from(["UTC", "Europe/Berlin", "../etc/passwd"])),
        holidays=st.one_of(anything, st.lists(st.dates(), max_size=2)),
        exceptions=st.one_of(anything, st.dictionaries(st.dates(), anything, max_size=2)),
        name=anything,
    )
    def test_service_hours_are_made_or_refused(self, rules, zone, holidays, exceptions, name):
        with contextlib.suppress(FitsmError):
            BusinessCalendar.from_rules(
                rules, zone=zone, holidays=holidays, exceptions=exceptions, name=name
            )

    @FUZZ
    @given(id=anything, schema=st.one_of(st.none(), anything), actor=anything)
    def test_aggregates_take_or_refuse_their_id_and_actor(self, id, schema, actor) -> None:
        for make in (
            lambda: Cmdb(schema, id=id),
            lambda: ServicePortfolio(id),
            lambda: Agreements(id),
            lambda: Cmdb(id="c").add(ServiceNode("s"), actor=actor, at=T0),
            lambda: ServicePortfolio(lifecycle=schema),
        ):
            with contextlib.suppress(FitsmError):
                make()

    @FUZZ
    @given(at=st.one_of(odd_moments, st.datetimes(timezones=st.timezones())))
    def test_a_moment_is_kept_in_utc_or_refused(self, at) -> None:
        try:
            outage = Outage("db1", at)
        except FitsmError as e:
            assert names_it(e, "start", at)
        else:
            # a wall-clock time in a DST gap or fold never equals another zone's (PEP 495)
            assert outage.start == at.astimezone(UTC) and outage.start.tzinfo is UTC


def small_cmdb() -> Cmdb:
    cmdb = Cmdb(CmdbSchema(["server"]), id="c")
    nodes = [ServiceNode("s"), ConfigurationItem("a", "server"), ConfigurationItem("b", "server")]
    nodes.append(RedundancyGroup("g", 1))
    cmdb.add_many(nodes, [("s", "g"), ("g", "a", "has_member")], actor="ann", at=T0)
    return cmdb


def small_portfolio() -> ServicePortfolio:
    portfolio = ServicePortfolio()
    portfolio.add_service(Service("mail", "Mail"))
    return portfolio


OPERATIONS: dict[str, Callable[[Any], Any]] = {
    "Cmdb.add": lambda v: small_cmdb().add(v, actor="ann", at=T0),
    "Cmdb.add at": lambda v: small_cmdb().add(ServiceNode("z"), actor="ann", at=v),
    "Cmdb.add_relationship": lambda v: small_cmdb().add_relationship(v, "a", actor="ann", at=T0),
    "Cmdb.add_relationship type": lambda v: small_cmdb().add_relationship(
        "s", "b", v, actor="ann", at=T0
    ),
    "Cmdb.add_many nodes": lambda v: small_cmdb().add_many(v, [], actor="ann", at=T0),
    "Cmdb.add_many relationships": lambda v: small_cmdb().add_many([], v, actor="ann", at=T0),
    "Cmdb.add_many relationship": lambda v: small_cmdb().add_many([], [v], actor="ann", at=T0),
    "Cmdb.update_ci": lambda v: small_cmdb().update_ci("a", name=v, actor="ann", at=T0),
    "Cmdb.update_ci owner": lambda v: small_cmdb().update_ci("a", owner=v, actor="ann", at=T0),
    "Cmdb.update_ci attributes": lambda v: small_cmdb().update_ci(
        "a", attributes=v, actor="ann", at=T0
    ),
    "Cmdb.remove": lambda v: small_cmdb().remove(v, actor="ann", at=T0),
    "Cmdb.remove_relationship": lambda v: small_cmdb().remove_relationship(
        "s", v, actor="ann", at=T0
    ),
    "Cmdb[]": lambda v: small_cmdb()[v],
    "Cmdb.history": lambda v: small_cmdb().history(v),
    "Cmdb.members": lambda v: small_cmdb().members(v),
    "Cmdb.impact": lambda v: small_cmdb().impact(v),
    "Cmdb.dependencies": lambda v: small_cmdb().dependencies(v),
    "Cmdb.single_points_of_failure": lambda v: small_cmdb().single_points_of_failure(v),
    "Cmdb.blast_radius": lambda v: small_cmdb().blast_radius(v),
    "Cmdb.as_of": lambda v: small_cmdb().as_of(v),
    "Cmdb.nodes": lambda v: list(small_cmdb().nodes(v)),
    "ServicePortfolio.add_service": lambda v: small_portfolio().add_service(v),
    "ServicePortfolio.service": lambda v: small_portfolio().service(v),
    "ServicePortfolio.move": lambda v: small_portfolio().move("mail", v, actor="ann", at=T0),
    "ServicePortfolio.move actor": lambda v: small_portfolio().move(
        "mail", "planned", actor=v, at=T0
    ),
    "ServicePortfolio.update_service": lambda v: small_portfolio().update_service("mail", name=v),
}


class TestOperations:
    @pytest.mark.parametrize("operation", OPERATIONS, ids=str)
    @FUZZ
    @given(value=anything)
    def test_an_operation_takes_or_refuses_any_argument(self, operation, value) -> None:
        with contextlib.suppress(FitsmError):
            OPERATIONS[operation](value)


# -- the stores ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Store]]:
    urls = {
        "memory": "memory://",
        "sqlite-file": f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'fitsm.db'}",
        "sqlite-memory": "sqlite:///:memory:",
    }
    if "postgresql" in BACKENDS:
        urls["postgresql"] = fresh_postgresql_url()
    opened = {name: open_store(url) for name, url in urls.items()}
    yield opened
    for store in opened.values():
        store.close()


_serial = itertools.count()

SCHEMA = CmdbSchema(
    [
        CiType(
            "box",
            [
                AttributeSpec("text"),
                AttributeSpec("whole", AttributeType.INTEGER),
                AttributeSpec("real", AttributeType.NUMBER),
                AttributeSpec("flag", AttributeType.BOOLEAN),
            ],
        )
    ]
)
attribute_values = st.fixed_dictionaries(
    {},
    optional={
        "text": st.one_of(some_text, some_text, odd_numbers),
        "whole": st.one_of(st.integers(-(2**63), 2**63 - 1), st.integers(), odd_numbers),
        "real": st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.floats()),
        "flag": st.one_of(st.booleans(), st.booleans(), odd_numbers),
    },
)


def made(make: Callable[[], Any]) -> Any:
    """The record ``make`` makes; an example that is refused is not one for the stores."""
    try:
        return make()
    except FitsmError:
        assume(False)


def round_trip(stores: dict[str, Store], put: Callable[[Any], Any], get: Callable[[Any], Any]):
    """What each store gives back after ``put`` was committed, by backend."""
    found = {}
    for name, store in stores.items():
        with store.unit_of_work() as uow:
            key = put(uow)
            uow.commit()
        with store.unit_of_work() as uow:
            found[name] = get(uow, key)
    return found


class TestStoresKeepWhatIsAccepted:
    @FUZZ
    @given(
        ids=st.lists(some_text, min_size=1, max_size=4, unique=True),
        names=st.lists(some_text, min_size=4, max_size=4),
        attributes=attribute_values,
    )
    def test_a_cmdb_round_trips_verbatim_everywhere(self, stores, ids, names, attributes) -> None:
        nodes = made(
            lambda: [
                ConfigurationItem(ids[0], "box", names[0], attributes, owner=names[1]),
                *(ServiceNode(i, names[2], names[3]) for i in ids[1:2]),
                *(ComponentNode(i, names[3], names[2]) for i in ids[2:3]),
                *(RedundancyGroup(i, 1, names[1], names[0]) for i in ids[3:4]),
            ]
        )
        assume(len({n.id for n in nodes}) == len(nodes))
        rels = [
            (n.id, ids[0], "has_member" if isinstance(n, RedundancyGroup) else "depends_on")
            for n in nodes[1:]
        ]
        cmdb_id = f"c{next(_serial)}"

        def build() -> Cmdb:
            cmdb = Cmdb(SCHEMA, id=cmdb_id)
            cmdb.add_many(nodes, rels, actor="ann", at=T0)
            return cmdb

        def put(uow: Any) -> str:
            uow.cmdbs.add(build())
            return cmdb_id

        cmdb = made(build)  # the schema may refuse an attribute's type
        for name, back in round_trip(stores, put, lambda uow, key: uow.cmdbs.get(key)).items():
            assert back._records == cmdb._records, name
            assert set(back.relationships()) == set(cmdb.relationships()), name
            for node in nodes:
                for key, value in getattr(node, "attributes", {}).items():
                    assert type(back[node.id].attributes[key]) is type(value), name

    @FUZZ
    @given(
        texts=st.lists(some_text, min_size=4, max_size=4),
        when=st.one_of(odd_moments, st.just(T0), st.datetimes(timezones=st.timezones())),
    )
    def test_portfolios_outages_and_cases_round_trip_verbatim(self, stores, texts, when) -> None:
        serial = next(_serial)
        service = made(lambda: Service(f"s{serial}", texts[0], texts[1], owner=texts[2]))
        supplier = made(lambda: Supplier(f"p{serial}", texts[3], "external", contact=texts[1]))
        outage = made(lambda: Outage(texts[0], when, when))
        incident = made(
            lambda: Incident(f"i{serial}", texts[0], when, texts[1] or "ann", category=texts[3])
        )

        def put(uow: Any) -> tuple[str, str, str]:
            portfolio = ServicePortfolio(f"pf{serial}")
            portfolio.add_supplier(supplier)
            portfolio.add_service(service)
            uow.portfolios.add(portfolio)
            [outage_id] = uow.outages.record(outage)
            uow.cases.add(incident.copy())
            return portfolio.id, outage_id, incident.id

        def get(uow: Any, keys: tuple[str, str, str]) -> tuple[Any, ...]:
            portfolio = uow.portfolios.get(keys[0])
            return (
                portfolio.service(service.id),
                portfolio.supplier(supplier.id),
                uow.outages.get(keys[1]),
                uow.cases.get(keys[2]),
            )

        for name, back in round_trip(stores, put, get).items():
            assert back[0] == service and back[1] == supplier, name
            assert attrs.evolve(back[2], id="") == outage, name
            assert (back[3].title, back[3].registered_at, back[3].category) == (
                incident.title,
                incident.registered_at,
                incident.category,
            ), name


# -- the loaders -----------------------------------------------------------------------

BIG = "<a number of 5000 digits>"
"""Stands for a number json.dumps cannot write (Python refuses to print it)."""
json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        odd_numbers.filter(lambda n: not isinstance(n, Decimal | Fraction) and abs(n) < 10**300),
        st.just(BIG),
        odd_text,
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(odd_text, inner, max_size=3)
    ),
    max_leaves=6,
)
PATHS = [
    (), ("format",), ("id",), ("schema",), ("schema", "ci_types"), ("schema", "ci_types", 0),
    ("schema", "ci_types", 0, "name"), ("schema", "ci_types", 0, "attributes"),
    ("schema", "ci_types", 0, "attributes", 0), ("schema", "ci_types", 0, "attributes", 0, "type"),
    ("schema", "relationship_types"), ("services",), ("services", 0, "id"),
    ("services", 0, "owner"),
    ("cis",), ("cis", 0), ("cis", 0, "id"), ("cis", 0, "type"), ("cis", 0, "name"),
    ("cis", 0, "attributes"), ("cis", 0, "attributes", "cores"), ("cis", 0, "attributes", "label"),
    ("redundancy_groups", 0, "members"), ("redundancy_groups", 0, "min_up"),
    ("relationships",), ("relationships", 0, "source"), ("relationships", 0, "type"),
    ("relationship",), ("cis", 0, "attribute"), ("redundancy_groups", 0, "member"),
]  # fmt: skip


def document() -> dict[str, Any]:
    return {
        "format": "fitsm-cmdb/1",
        "id": "fuzz",
        "schema": {
            "ci_types": [
                {
                    "name": "server",
                    "attributes": [
                        {"name": "cores", "type": "integer"},
                        {"name": "label"},
                    ],
                }
            ],
            "relationship_types": ["runs_on"],
        },
        "services": [{"id": "svc", "owner": "carol"}],
        "cis": [
            {"id": "s1", "type": "server", "attributes": {"cores": 4, "label": "x"}},
            {"id": "s2", "type": "server"},
        ],
        "redundancy_groups": [{"id": "pool", "min_up": 1, "members": ["s1", "s2"]}],
        "relationships": [{"source": "svc", "target": "pool", "type": "runs_on"}],
    }


def put_at(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    *parents, last = path
    node = doc
    for step in parents:
        node = node[step]
    node[last] = value
    return doc


def written(path: Path, doc: Any, ascii_only: bool) -> Path:
    text = json.dumps(doc, indent=1, ensure_ascii=ascii_only).replace(f'"{BIG}"', "9" * 5000)
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    return path


class TestLoaders:
    @FUZZ
    @given(
        where=st.sampled_from(PATHS),
        value=st.one_of(json_values, kept_text, st.integers(-10, 10)),
        ascii_only=st.booleans(),
        bom=st.booleans(),
    )
    def test_a_json_file_loads_or_is_refused_naming_the_file(
        self, tmp_path_factory, where, value, ascii_only, bom
    ) -> None:
        path = tmp_path_factory.mktemp("json") / "cmdb.json"
        try:
            doc = put_at(document(), where, value)
        except (KeyError, IndexError, TypeError):
            assume(False)
        written(path, doc, ascii_only)
        if bom:
            path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
        try:
            cmdb = load_cmdb_json(path, at=T0)
        except LoadError as e:
            event("refused")
            assert str(e).startswith(f"{path}:{e.line}: "), e  # the file and the line
            return
        event("loaded")
        out = path.with_name("again.json")
        dump_cmdb_json(cmdb, out)
        again = load_cmdb_json(out, at=T0)
        assert again._records == cmdb._records
        assert set(again.relationships()) == set(cmdb.relationships())

    @FUZZ
    @given(
        raw=st.binary(max_size=200)
        | st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass"))
    )
    def test_any_bytes_load_or_are_refused(self, tmp_path_factory, raw) -> None:
        path = tmp_path_factory.mktemp("bytes") / "cmdb.json"
        path.write_bytes(raw)
        try:
            load_cmdb_json(path, at=T0)
        except FitsmError as e:
            assert str(e).startswith(str(path)), e

    @FUZZ
    @given(
        header=st.lists(odd_text, max_size=3),
        cells=st.lists(
            st.lists(
                st.one_of(
                    odd_text,
                    st.sampled_from(
                        [
                            "4",
                            "1_000",
                            "1e999",
                            "nan",
                            "true",
                            "has_member",
                            "server",
                            "redundancy_group",
                            "service",
                        ]
                    ),
                ),
                max_size=8,
            ),
            max_size=4,
        ),
        relationships=st.lists(
            st.lists(
                st.sampled_from(["a", "b", "pool", "svc", "has_member", "", "\x00", "runs_on"]),
                min_size=2,
                max_size=3,
            ),
            max_size=4,
        ),
        where=st.sampled_from(["nodes", "relationships"]),
    )
    def test_a_csv_directory_loads_or_is_refused_naming_a_file(
        self, tmp_path_factory, header, cells, relationships, where
    ) -> None:
        root = tmp_path_factory.mktemp("csv")
        (root / "schema.json").write_text(
            json.dumps(
                {
                    "ci_types": [
                        {
                            "name": "server",
                            "attributes": [
                                {"name": "cores", "type": "integer"},
                                {"name": "real", "type": "number"},
                                {"name": "flag", "type": "boolean"},
                            ],
                        }
                    ],
                    "relationship_types": ["runs_on"],
                }
            )
        )
        columns = ["kind", "id", "type", "name", "owner", "min_up", "cores", "real", "flag"]
        nodes = [columns + header, ["", "a", "server"], ["", "b", "server"], ["service", "svc"]]
        nodes += [["redundancy_group", "pool", "", "", "", "1"], *cells]
        rels = [["source", "target", "type"], ["pool", "a", "has_member"], *relationships]
        for name, rows in (("nodes.csv", nodes), ("relationships.csv", rels)):
            buffer = io.StringIO()
            csv.writer(buffer).writerows(rows)
            (root / name).write_bytes(buffer.getvalue().encode("utf-8", "surrogatepass"))
        try:
            cmdb = load_cmdb_csv(root, at=T0)
        except LoadError as e:
            event("refused")
            assert e.path.startswith(str(root)) and e.line is not None, e
            return
        event("loaded")
        for ci in cmdb.nodes("configuration_item"):
            for value in ci.attributes.values():
                assert not isinstance(value, float) or math.isfinite(value)
