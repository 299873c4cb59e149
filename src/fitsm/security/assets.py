"""Information assets: the inventory ISM protects (PR6.3, FitSM-2 PR6 "an inventory of
(information) assets").

FitSM-2 (CC BY 4.0): "Identify, describe and classify the most important
information assets" and "identify the most important links between service
components such as information-processing systems / facilities and the
information assets". An :class:`InformationAsset` names the CIs and services it
is processed by, and carries its :class:`~fitsm.security.Classification`. Its
owner is a FitSM-3 role (:attr:`fitsm.roles.Role.ASSET_OWNER`, context: the
asset's id) held in the role model, not a field: one place says who owns it.
"""

from __future__ import annotations

from typing import Any

import attrs

from fitsm._validators import flag, identifier, text, to_id_tuple
from fitsm.errors import ValidationError
from fitsm.security.classification import Classification
from fitsm.security.history import SecurityChange, changes

__all__ = ["InformationAsset"]


def _unique(instance: Any, attribute: attrs.Attribute[Any], value: tuple[str, ...]) -> None:
    if len(set(value)) != len(value):
        raise ValidationError(
            f"asset {getattr(instance, 'id', '?')!r}: {attribute.name} names an id twice: "
            f"{list(value)!r}",
            field=attribute.name,
        )


def _classification(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, Classification):
        raise ValidationError(
            f"asset {getattr(instance, 'id', '?')!r}: classification must be a "
            f"Classification, got {value!r}",
            field="classification",
        )


@attrs.frozen
class InformationAsset:
    """An information asset: what it is, where it is processed (CIs, services, by id) and how
    it is classified.

    >>> asset = InformationAsset("payroll-db", "Payroll records",
    ...                          Classification("high", "high", "medium"), cis=["db1"])
    >>> asset.cis
    ('db1',)
    """

    id: str = attrs.field(validator=identifier)
    name: str = attrs.field(validator=text)
    classification: Classification = attrs.field(validator=_classification)
    cis: tuple[str, ...] = attrs.field(default=(), converter=to_id_tuple, validator=_unique)
    """The CIs that hold or process it (information-processing systems and facilities)."""
    services: tuple[str, ...] = attrs.field(default=(), converter=to_id_tuple, validator=_unique)
    """The services that use it."""
    description: str = attrs.field(default="", validator=text)
    retired: bool = attrs.field(default=False, validator=flag)
    """True once it is no longer held: it stays on record and changes no more."""
    history: tuple[SecurityChange, ...] = attrs.field(default=(), converter=changes)

    def __attrs_post_init__(self) -> None:
        if not self.name.strip():
            raise ValidationError(f"asset {self.id!r} needs a name", field="name")
