"""Suppliers (PR8): the internal and external parties a service relies on (PR1.4)."""

from __future__ import annotations

from enum import StrEnum

import attrs

from fitsm._validators import enum_value, identifier, text

__all__ = ["Supplier", "SupplierKind"]


class SupplierKind(StrEnum):
    """Where a supplier sits relative to the service provider (PR1.4, PR8.1)."""

    INTERNAL = "internal"
    EXTERNAL = "external"
    FEDERATION_MEMBER = "federation_member"


def _supplier_kind(value: object) -> SupplierKind:
    return enum_value(SupplierKind)(value)


@attrs.frozen
class Supplier:
    """An internal or external supplier, with its single contact point (PR8.1, PR8.2).

    >>> Supplier("dc-team", "Data centre team", "internal", contact="dc@example.org").kind
    <SupplierKind.INTERNAL: 'internal'>
    """

    id: str = attrs.field(validator=identifier)
    name: str = attrs.field(validator=text)
    kind: SupplierKind = attrs.field(converter=_supplier_kind)
    contact: str = attrs.field(default="", validator=text)
