"""attrs validators shared by the model, raising fitsm errors."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Any, TypeVar

import attrs

from fitsm.errors import ValidationError

__all__ = ["enum_value", "identifier", "text", "to_str_tuple"]


def identifier(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """An id is a non-empty string without surrounding white space."""
    if not isinstance(value, str) or not value or value != value.strip():
        owner = type(instance).__name__
        raise ValidationError(
            f"{owner}.{attribute.name} must be a non-empty string without surrounding "
            f"white space, got {value!r}",
            field=attribute.name,
        )


def text(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str):
        owner = type(instance).__name__
        raise ValidationError(
            f"{owner}.{attribute.name} must be a string, got {value!r}", field=attribute.name
        )


E = TypeVar("E", bound=Enum)


def enum_value(cls: type[E]) -> Callable[[Any], E]:
    """A converter to ``cls`` that names the allowed values when it fails."""

    def convert(value: Any) -> E:
        try:
            return cls(value)
        except ValueError:
            allowed = ", ".join(repr(m.value) for m in cls)
            raise ValidationError(
                f"{value!r} is not a valid {cls.__name__}; expected one of {allowed}"
            ) from None

    return convert


def to_str_tuple(value: Any) -> tuple[str, ...]:
    """Accept a single string or an iterable of strings."""
    if isinstance(value, str):
        return (value,)
    return tuple(value)
