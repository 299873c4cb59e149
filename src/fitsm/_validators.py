"""attrs validators and converters shared by the model, raising fitsm errors.

What every record accepts is what every store keeps the same way: text without
NUL characters or lone surrogates (PostgreSQL refuses NUL, UTF-8 has no
surrogates), ids of at most :data:`MAX_ID_LENGTH` characters (an index entry in
PostgreSQL holds about 2.7 kB, three ids of 4-byte characters included), and
numbers that JSON writes as numbers: finite floats and integers of 64 bits.
"""

from __future__ import annotations

import math
import typing
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta
from enum import Enum
from types import MappingProxyType, NoneType, UnionType
from typing import Any, TypeVar

import attrs

from fitsm.errors import ValidationError

__all__ = [
    "MAX_ID_LENGTH",
    "check_fields",
    "check_id",
    "check_number",
    "check_text",
    "enum_value",
    "flag",
    "frozen_mapping",
    "identifier",
    "identifier_or_empty",
    "items",
    "optional_identifier",
    "plain_id",
    "plain_text",
    "shown",
    "text",
    "text_problem",
    "to_id_tuple",
    "to_str_set",
    "to_str_tuple",
    "whole",
]

MAX_ID_LENGTH = 200
"""The longest id, in characters, that every store indexes."""

INT_RANGE = (-(2**63), 2**63 - 1)
"""Integers every store and most JSON readers keep exactly: 64 bits, signed."""

_SHOWN = 120


def shown(value: Any) -> str:
    """``repr(value)`` for an error message, shortened; never raises."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 256:
        # repr of a huge int is slow, and fails beyond 4300 digits
        digits = int(value.bit_length() * 0.30103) + 1
        return f"{'a negative' if value < 0 else 'an'} integer of about {digits} digits"
    try:
        text = repr(value)
    except Exception:  # a broken __repr__ must not hide the real error
        return f"a {type(value).__name__}"
    return text if len(text) <= _SHOWN else text[: _SHOWN - 4] + " ..."


def text_problem(value: object) -> str | None:
    """What is wrong with ``value`` as stored text, or None."""
    if not isinstance(value, str):
        return "a string"
    if "\x00" in value:
        return "text without NUL characters"
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "text without lone surrogates (not encodable as UTF-8)"
    return None


def check_text(value: Any, what: str, *, field: str | None = None) -> str:
    """Return ``value`` if it is text every store keeps, else raise naming ``what``."""
    problem = text_problem(value)
    if problem is not None:
        raise ValidationError(f"{what} must be {problem}, got {shown(value)}", field=field)
    return typing.cast(str, value)


def check_id(value: Any, what: str, *, field: str | None = None) -> str:
    """Return ``value`` if it is an id: non-empty text, no surrounding white space, not too long."""
    problem = text_problem(value)
    if problem is None and (not value or value != value.strip()):
        problem = ""
    elif problem is None and len(value) > MAX_ID_LENGTH:
        problem = f", at most {MAX_ID_LENGTH} characters long"
    elif problem is not None:
        problem = "" if problem == "a string" else ", " + problem
    if problem is not None:
        raise ValidationError(
            f"{what} must be a non-empty string without surrounding white space{problem}, "
            f"got {shown(value)}",
            field=field,
        )
    return typing.cast(str, value)


def check_number(value: Any, what: str, *, field: str | None = None) -> int | float:
    """Return ``value`` if it is a finite float or a 64-bit integer (not a bool)."""
    if isinstance(value, float) and math.isfinite(value):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        if INT_RANGE[0] <= value <= INT_RANGE[1]:
            return value
        raise ValidationError(
            f"{what} must be an integer between -2**63 and 2**63 - 1, got {shown(value)}",
            field=field,
        )
    raise ValidationError(f"{what} must be a finite number, got {shown(value)}", field=field)


def plain_id(value: object) -> bool:
    """The common case of an id, decided fast: ASCII, no NUL, no surrounding white space.

    False says only that :func:`check_id` must look closer (a million CIs are
    made on an import, so the usual id must cost next to nothing).
    """
    return (
        type(value) is str
        and 0 < len(value) <= MAX_ID_LENGTH
        and value.isascii()
        and "\x00" not in value
        and not value[0].isspace()
        and not value[-1].isspace()
    )


def plain_text(value: object) -> bool:
    """The common case of text, decided fast: ASCII without NUL."""
    return type(value) is str and value.isascii() and "\x00" not in value


def _where(instance: Any, attribute: attrs.Attribute[Any]) -> str:
    return f"{type(instance).__name__}.{attribute.name}"


def identifier(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """An id is non-empty text without surrounding white space, at most 200 characters."""
    if not plain_id(value):
        check_id(value, _where(instance, attribute), field=attribute.name)


def optional_identifier(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None:
        check_id(value, _where(instance, attribute), field=attribute.name)


def identifier_or_empty(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """An id, or ``""`` while there is none yet (an owner not named, an id a store assigns)."""
    if value != "":
        identifier(instance, attribute, value)


def text(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not plain_text(value):
        check_text(value, _where(instance, attribute), field=attribute.name)


def flag(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """A bool, not something truthy: ``"no"`` would otherwise mean yes."""
    if not isinstance(value, bool):
        raise ValidationError(
            f"{_where(instance, attribute)} must be True or False, got {shown(value)}",
            field=attribute.name,
        )


E = TypeVar("E", bound=Enum)


def enum_value(cls: type[E], field: str | None = None) -> Callable[[Any], E]:
    """A converter to ``cls`` that names the allowed values (and ``field``) when it fails."""

    def convert(value: Any) -> E:
        try:
            return cls(value)
        except (ValueError, TypeError):
            allowed = ", ".join(repr(m.value) for m in cls)
            raise ValidationError(
                f"{shown(value)} is not a valid {cls.__name__}; expected one of {allowed}",
                field=field,
            ) from None

    return convert


def items(value: Any, expected: str = "a string or a list of strings") -> tuple[Any, ...]:
    """The items of a list given for a field: a lone string is one item, a mapping none."""
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, Mapping | bytes | bytearray) and isinstance(value, Iterable):
        try:
            return tuple(value)
        except TypeError:  # iterable by its type, not by its value (a pint scalar)
            pass
    raise ValidationError(f"expected {expected}, got {shown(value)}")


def frozen_mapping(value: Any, what: str = "a mapping") -> Mapping[Any, Any]:
    """A read-only copy of a mapping; anything else is refused, naming it."""
    if not isinstance(value, Mapping):
        raise ValidationError(f"expected {what}, got {shown(value)}")
    return MappingProxyType(dict(value))


def to_str_tuple(value: Any) -> tuple[str, ...]:
    """Accept a single string or an iterable of strings."""
    items_ = items(value)
    for item in items_:
        problem = text_problem(item)
        if problem is not None:
            raise ValidationError(
                f"each item must be {problem}, got {shown(item)} in {shown(value)}"
            )
    return items_


def to_id_tuple(value: Any) -> tuple[str, ...]:
    """Accept a single id or an iterable of ids."""
    items_ = items(value, "an id or a list of ids")
    for item in items_:
        try:
            check_id(item, "each id")
        except ValidationError as e:
            raise ValidationError(f"{e} in {shown(value)}") from None
    return items_


def to_str_set(value: Any) -> frozenset[str]:
    """Accept a single string or an iterable of strings, as a set."""
    return frozenset(to_str_tuple(value))


def whole(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """A whole number >= 0 of 64 bits, not a bool."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= INT_RANGE[1]:
        raise ValidationError(
            f"{_where(instance, attribute)} must be a whole number >= 0, got {shown(value)}",
            field=attribute.name,
        )


# -- checks from annotations -------------------------------------------------------

_HINTS: dict[type[Any], dict[str, Any]] = {}


def _hints(cls: type[Any]) -> dict[str, Any]:
    hints = _HINTS.get(cls)
    if hints is None:
        try:
            hints = typing.get_type_hints(cls)
        except (NameError, TypeError):  # a name only known to type checkers: check nothing
            hints = {}
        hints = _HINTS[cls] = {
            a.name: hints[a.name] for a in attrs.fields(cls) if a.name in hints and a.init
        }
    return hints


def _fits(value: Any, hint: Any, reference: bool) -> str | None:
    """Why ``value`` does not fit the type ``hint``, or None; only plain types are checked."""
    origin = typing.get_origin(hint)
    if origin is typing.Union or origin is UnionType:
        args = typing.get_args(hint)
        if value is None and NoneType in args:
            return None
        # an optional string names something else (a person, a service): as long as an id
        short = reference or (str in args and NoneType in args)
        reasons = [_fits(value, a, short) for a in args if a is not NoneType]
        if any(r is None for r in reasons):
            return None
        return " or ".join(r for r in reasons if r) + (" or None" if NoneType in args else "")
    if origin is tuple:
        args = typing.get_args(hint)
        if not isinstance(value, tuple):
            return "a tuple"
        if len(args) == 2 and args[1] is Ellipsis:
            for item in value:
                why = _fits(item, args[0], reference)
                if why is not None:
                    return f"a tuple of {why}"
        return None
    if origin in (frozenset, set):
        if not isinstance(value, origin):
            return f"a {origin.__name__}"
        (arg,) = typing.get_args(hint)
        bad = next((why for v in value if (why := _fits(v, arg, reference))), None)
        return None if bad is None else f"a {origin.__name__} of {bad}"
    if origin is not None:
        origin_ok = isinstance(origin, type) and isinstance(value, origin)
        return None if origin_ok or not isinstance(origin, type) else f"a {origin.__name__}"
    if hint is str:
        problem = text_problem(value)
        if problem is None and reference and len(value) > MAX_ID_LENGTH:
            problem = f"at most {MAX_ID_LENGTH} characters long"
        return problem
    if hint is bool:
        return None if isinstance(value, bool) else "True or False"
    if hint is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return None if INT_RANGE[0] <= value <= INT_RANGE[1] else "a 64-bit integer"
        return "an integer"
    if hint is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return None if ok and math.isfinite(value) else "a finite number"
    if hint in (datetime, date, timedelta) or isinstance(hint, type):
        return None if isinstance(value, hint) else f"a {hint.__name__}"
    return None  # Any, type variables, literals: not checked here


def check_fields(instance: Any, names: Iterable[str] | None = None) -> None:
    """Check the attrs fields of ``instance`` (or those ``names``) against their annotations.

    The safety net of records with many plain fields: a wrong type is refused
    when the record is made, naming the field, instead of failing later in a
    store or a report. An optional string (``str | None``) names something and
    is held to the length of an id.
    """
    hints = _hints(type(instance))
    for name in hints if names is None else names:
        hint = hints.get(name)
        if hint is None:
            continue
        value = getattr(instance, name)
        why = _fits(value, hint, False)
        if why is not None:
            raise ValidationError(
                f"{type(instance).__name__}.{name} must be {why}, got {shown(value)}", field=name
            )
