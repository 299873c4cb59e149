"""CMDB scope and records (PR11.1-PR11.3): CI types, relationship types and the node records.

FitSM-0: a *configuration item (CI)* is an "element that contributes to the delivery
of one or more services or service components, therefore requiring control of its
configuration" (FitSM, CC BY 4.0). PR11.1 asks that the *types* of CIs and
relationships in scope be defined: :class:`CmdbSchema` is that definition, and the
:class:`~fitsm.Cmdb` rejects anything outside it.

Every relationship means *depends on*: ``A -> B`` says A needs B to work. The
relationship type (``runs_on``, ``connects_to``, ...) says how.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Any, ClassVar

import attrs

from fitsm._validators import (
    INT_RANGE,
    check_id,
    check_number,
    check_text,
    enum_value,
    flag,
    identifier,
    items,
    shown,
    text,
)
from fitsm.errors import NotFoundError, ValidationError

__all__ = [
    "DEPENDS_ON",
    "HAS_MEMBER",
    "AttributeSpec",
    "AttributeType",
    "AttributeValue",
    "CiType",
    "CmdbSchema",
    "ComponentNode",
    "ConfigurationItem",
    "Node",
    "NodeKind",
    "RedundancyGroup",
    "Relationship",
    "RelationshipType",
    "ServiceNode",
]

DEPENDS_ON = "depends_on"
"""The relationship type every schema has: a plain dependency."""

HAS_MEMBER = "has_member"
"""The relationship type from a redundancy group to each of its members; reserved."""

AttributeValue = str | int | float | bool
"""The Python types a CI attribute's value can have."""


class AttributeType(StrEnum):
    """The value types a CI attribute can have."""

    STRING = "string"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"


def _accepts(kind: AttributeType, value: object) -> bool:
    if isinstance(value, bool):
        return kind is AttributeType.BOOLEAN
    if kind is AttributeType.STRING:
        return isinstance(value, str)
    if kind is AttributeType.INTEGER:
        return isinstance(value, int)
    if kind is AttributeType.NUMBER:
        return isinstance(value, int | float)
    return False


def _attribute_type(value: object) -> AttributeType:
    return enum_value(AttributeType, "type")(value)


@attrs.frozen
class AttributeSpec:
    """One attribute of a CI type: its name, value type and whether every CI must have it."""

    name: str = attrs.field(validator=identifier)
    type: AttributeType = attrs.field(default=AttributeType.STRING, converter=_attribute_type)
    required: bool = attrs.field(default=False, validator=flag)
    description: str = attrs.field(default="", validator=text)


_RECORD_FIELDS = frozenset({"id", "type", "name", "owner", "kind"})


def _specs(value: Iterable[AttributeSpec | str]) -> tuple[AttributeSpec, ...]:
    return _types(value, AttributeSpec)


@attrs.frozen
class CiType:
    """A type of configuration item in scope of configuration management (PR11.1, PR11.2).

    >>> server = CiType("server", [AttributeSpec("hostname", required=True), "rack"])
    >>> [a.name for a in server.attributes]
    ['hostname', 'rack']
    """

    name: str = attrs.field(validator=identifier)
    attributes: tuple[AttributeSpec, ...] = attrs.field(default=(), converter=_specs)
    description: str = attrs.field(default="", validator=text)
    _by_name: Mapping[str, AttributeSpec] = attrs.field(init=False, eq=False, repr=False)

    @_by_name.default
    def _index(self) -> Mapping[str, AttributeSpec]:
        for spec in self.attributes:
            if spec.name in _RECORD_FIELDS:
                raise ValidationError(
                    f"CI type {self.name!r}: {spec.name!r} is a field of every CI record "
                    "and cannot be declared as an attribute",
                    field=spec.name,
                )
        index = {a.name: a for a in self.attributes}
        if len(index) != len(self.attributes):
            names = [a.name for a in self.attributes]
            twice = next(n for n in names if names.count(n) > 1)
            raise ValidationError(
                f"CI type {self.name!r} declares attribute {twice!r} twice", field=twice
            )
        return index

    def check(self, ci: ConfigurationItem) -> None:
        """Raise :class:`~fitsm.ValidationError` if ``ci`` does not fit this type."""
        for name, value in ci.attributes.items():
            spec = self._by_name.get(name)
            if spec is None:
                allowed = ", ".join(sorted(self._by_name)) or "none"
                raise ValidationError(
                    f"CI {ci.id!r} has attribute {name!r}, which CI type {self.name!r} "
                    f"does not define (defined: {allowed})",
                    field=name,
                )
            if not _accepts(spec.type, value):
                raise ValidationError(
                    f"CI {ci.id!r} attribute {name!r} must be {spec.type.value}, "
                    f"got {shown(value)}",
                    field=name,
                )
        for spec in self.attributes:
            if spec.required and spec.name not in ci.attributes:
                raise ValidationError(
                    f"CI {ci.id!r} of type {self.name!r} is missing required attribute "
                    f"{spec.name!r}",
                    field=spec.name,
                )


@attrs.frozen
class RelationshipType:
    """A kind of dependency in scope of configuration management (PR11.1)."""

    name: str = attrs.field(validator=identifier)
    description: str = attrs.field(default="", validator=text)


def _types(value: Iterable[Any], cls: type[Any]) -> tuple[Any, ...]:
    """Records of ``cls`` from records or their names (a type given by name alone)."""
    found = []
    for v in items(value, f"a list of {cls.__name__} records or names"):
        if not isinstance(v, cls | str):
            raise ValidationError(
                f"expected {cls.__name__} records or names, got {shown(v)} in {shown(value)}"
            )
        found.append(v if isinstance(v, cls) else cls(v))
    return tuple(found)


def _ci_types(value: Iterable[CiType | str]) -> tuple[CiType, ...]:
    return _types(value, CiType)


def _relationship_types(value: Iterable[RelationshipType | str]) -> tuple[RelationshipType, ...]:
    return _types(value, RelationshipType)


@attrs.frozen
class CmdbSchema:
    """The scope definition of a CMDB: which CI types and relationship types exist (PR11.1).

    ``depends_on`` is always defined; ``has_member`` is reserved for redundancy groups.

    >>> schema = CmdbSchema(ci_types=["server", "switch"], relationship_types=["runs_on"])
    >>> schema.relationship_type_names
    ('depends_on', 'has_member', 'runs_on')
    """

    ci_types: tuple[CiType, ...] = attrs.field(default=(), converter=_ci_types)
    relationship_types: tuple[RelationshipType, ...] = attrs.field(
        default=(), converter=_relationship_types
    )
    _ci_index: Mapping[str, CiType] = attrs.field(init=False, eq=False, repr=False)
    _rel_index: Mapping[str, RelationshipType] = attrs.field(init=False, eq=False, repr=False)

    @_ci_index.default
    def _make_ci_index(self) -> Mapping[str, CiType]:
        index = {t.name: t for t in self.ci_types}
        if len(index) != len(self.ci_types):
            names = [t.name for t in self.ci_types]
            twice = next(n for n in names if names.count(n) > 1)
            raise ValidationError(f"CI type {twice!r} is declared twice in the schema")
        return index

    @_rel_index.default
    def _make_rel_index(self) -> Mapping[str, RelationshipType]:
        index = {
            DEPENDS_ON: RelationshipType(DEPENDS_ON, "needs the target to work"),
            HAS_MEMBER: RelationshipType(HAS_MEMBER, "redundancy group member"),
        }
        for t in self.relationship_types:
            if t.name in index:
                raise ValidationError(
                    f"relationship type {t.name!r} is declared twice or is built in"
                )
            index[t.name] = t
        return index

    @property
    def ci_type_names(self) -> tuple[str, ...]:
        return tuple(sorted(self._ci_index))

    @property
    def relationship_type_names(self) -> tuple[str, ...]:
        return tuple(sorted(self._rel_index))

    def ci_type(self, name: str) -> CiType:
        try:
            return self._ci_index[name]
        except KeyError:
            raise NotFoundError(
                f"no CI type {name!r} in the CMDB scope; defined: {', '.join(self.ci_type_names)}"
            ) from None

    def has_relationship_type(self, name: str) -> bool:
        return name in self._rel_index

    def check_ci(self, ci: ConfigurationItem) -> None:
        """Raise :class:`~fitsm.ValidationError` if ``ci`` is outside the scope."""
        ci_type = self._ci_index.get(ci.type)
        if ci_type is None:
            defined = ", ".join(self.ci_type_names) or "none"
            raise ValidationError(
                f"CI {ci.id!r} has unknown CI type {ci.type!r}; defined types: {defined}",
                field="type",
            )
        ci_type.check(ci)

    def check_relationship_type(self, name: str) -> None:
        if name not in self._rel_index:
            raise ValidationError(
                f"unknown relationship type {name!r}; defined types: "
                f"{', '.join(self.relationship_type_names)}",
                field="type",
            )

    def extended(
        self,
        ci_types: Iterable[CiType | str] = (),
        relationship_types: Iterable[RelationshipType | str] = (),
    ) -> CmdbSchema:
        """A new schema with more types; existing types cannot be redefined."""
        return CmdbSchema(
            self.ci_types + _types(ci_types, CiType),
            self.relationship_types + _types(relationship_types, RelationshipType),
        )


class NodeKind(StrEnum):
    """What a node of the CMDB graph stands for."""

    SERVICE = "service"
    COMPONENT = "service_component"
    CI = "configuration_item"
    GROUP = "redundancy_group"


_NO_ATTRIBUTES: Mapping[str, AttributeValue] = MappingProxyType({})
_KNOWN_NAMES: set[str] = set()
"""Attribute names already found to be ids: a schema has a few, used by every CI."""


def _frozen_mapping(value: Mapping[str, AttributeValue]) -> Mapping[str, AttributeValue]:
    if not isinstance(value, Mapping):
        raise ValidationError(
            f"attributes must be a mapping of name to value, got {shown(value)}",
            field="attributes",
        )
    if not value:
        return _NO_ATTRIBUTES
    low, high = INT_RANGE
    for name, item in value.items():
        if name not in _KNOWN_NAMES:
            check_id(name, "an attribute name", field="attributes")
            if len(_KNOWN_NAMES) < 10_000:
                _KNOWN_NAMES.add(name)
        # a string, a boolean or a number that every store and JSON keep as it is; the
        # common cases first, decided inline (an import makes a million of these)
        kind = type(item)
        if kind is str:
            if item.isascii() and "\x00" not in item:  # type: ignore[operator,union-attr]
                continue
        elif kind is bool:
            continue
        elif kind is int:
            if low <= item <= high:  # type: ignore[operator]
                continue
        elif kind is float and math.isfinite(item):  # type: ignore[arg-type]
            continue
        if isinstance(item, str):
            check_text(item, f"attribute {name!r}", field=name)
        elif isinstance(item, int | float) and not isinstance(item, bool):
            check_number(item, f"attribute {name!r}", field=name)
        elif not isinstance(item, bool):
            raise ValidationError(
                f"attribute {name!r} must be a string, a number or a boolean, got {shown(item)}",
                field=name,
            )
    return MappingProxyType(dict(value))


@attrs.frozen(slots=True)
class ConfigurationItem:
    """A CI record: id, CI type, name, attributes and CI owner (PR11.2, FitSM-3 *CI owner*).

    Records are immutable: change a CI through :meth:`fitsm.Cmdb.update_ci`, which
    tracks the change (PR11.4).

    >>> ci = ConfigurationItem("web1", "server", attributes={"hostname": "web1.example.org"})
    >>> ci.attributes["hostname"]
    'web1.example.org'
    """

    kind: ClassVar[NodeKind] = NodeKind.CI
    id: str = attrs.field(validator=identifier)
    type: str = attrs.field(validator=identifier)
    name: str = attrs.field(default="", validator=text)
    attributes: Mapping[str, AttributeValue] = attrs.field(
        default=_NO_ATTRIBUTES, converter=_frozen_mapping
    )
    owner: str = attrs.field(default="", validator=text)


def _positive(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value < 2**31:
        raise ValidationError(
            f"redundancy group {instance.id!r}: min_up must be a whole number >= 1, "
            f"got {shown(value)}",
            field="min_up",
        )


@attrs.frozen(slots=True)
class RedundancyGroup:
    """A k-of-n group: it works while at least ``min_up`` of its members work.

    Members are the targets of its ``has_member`` relationships. One failed web
    server of a group of three with ``min_up=2`` degrades the group; two take it down.
    """

    kind: ClassVar[NodeKind] = NodeKind.GROUP
    id: str = attrs.field(validator=identifier)
    min_up: int = attrs.field(default=1, validator=_positive)
    name: str = attrs.field(default="", validator=text)
    owner: str = attrs.field(default="", validator=text)


@attrs.frozen(slots=True)
class ServiceNode:
    """A service as a node of the CMDB graph; its specification lives in the portfolio.

    ``owner`` names the FitSM-3 *service owner*, when the CMDB records one.
    """

    kind: ClassVar[NodeKind] = NodeKind.SERVICE
    id: str = attrs.field(validator=identifier)
    name: str = attrs.field(default="", validator=text)
    owner: str = attrs.field(default="", validator=text)


@attrs.frozen(slots=True)
class ComponentNode:
    """A service component as a node of the CMDB graph, with its owner if one is recorded."""

    kind: ClassVar[NodeKind] = NodeKind.COMPONENT
    id: str = attrs.field(validator=identifier)
    name: str = attrs.field(default="", validator=text)
    owner: str = attrs.field(default="", validator=text)


Node = ConfigurationItem | RedundancyGroup | ServiceNode | ComponentNode
"""Any record the CMDB holds as a node of its graph."""


@attrs.frozen(slots=True)
class Relationship:
    """``source`` depends on ``target``, in the way ``type`` names."""

    source: str = attrs.field(validator=identifier)
    target: str = attrs.field(validator=identifier)
    type: str = attrs.field(default=DEPENDS_ON, validator=identifier)
