"""Strict JSON for the file formats: what ``json`` lets through, refused with its line.

Python's ``json`` accepts ``NaN`` and ``Infinity``, keeps the last of two equal
keys, reads ``1e999`` as infinity and fails with a bare ``ValueError`` on an
integer of 5000 digits. A CMDB file is refused for each of them here, naming the
line. Positions are found only when something is wrong (``json`` reports none
for valid documents), so a good file is parsed once, at the speed of ``json``.
"""

from __future__ import annotations

import bisect
import json
import math
import re
from collections.abc import Sequence
from typing import Any

from fitsm.errors import LoadError

__all__ = ["JsonPlaces", "read_json"]

MAX_DIGITS = 40
"""The longest number, in characters, a file may hold; far beyond 64 bits or a double."""

_WS = re.compile(r"[ \t\n\r]*")
_TOKEN = re.compile(
    r"""(?P<string>"(?:[^"\\]|\\.)*")|(?P<punct>[{}\[\],:])"""
    r"""|(?P<constant>-?Infinity|NaN)|(?P<number>-?[0-9][0-9.eE+-]*)|[a-z]+|[ \t\n\r]+""",
    re.DOTALL,
)


class _RefusedError(Exception):
    """Raised by the parser's hooks; the document is then scanned for where."""


def _constant(text: str) -> Any:
    raise _RefusedError(text)


def _int(text: str) -> int:
    if len(text) > MAX_DIGITS:
        raise _RefusedError(text)
    return int(text)


def _float(text: str) -> float:
    value = float(text)
    if len(text) > MAX_DIGITS or not math.isfinite(value):
        raise _RefusedError(text)
    return value


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        raise _RefusedError("duplicate key")
    return found


def read_json(path: str, text: str) -> Any:
    """The value of the JSON document ``text`` read from ``path``; LoadError if it is not
    strict JSON (no NaN or infinities, no key twice in an object, numbers of at most
    :data:`MAX_DIGITS` characters)."""
    try:
        return json.loads(
            text,
            object_pairs_hook=_unique,
            parse_constant=_constant,
            parse_int=_int,
            parse_float=_float,
        )
    except json.JSONDecodeError as e:
        raise LoadError(path, e.lineno, None, f"not valid JSON: {e.msg}") from None
    except RecursionError:
        raise LoadError(path, None, None, "not a CMDB: the JSON is nested too deeply") from None
    except _RefusedError as e:
        offset, reason = _first_refused(text)
        line = None if offset is None else _LineIndex(text).line(offset)
        raise LoadError(path, line, None, reason or f"not strict JSON: {e}") from None


def _number_problem(token: str) -> str | None:
    if len(token) > MAX_DIGITS:
        return f"the number {token[:20]}... is longer than {MAX_DIGITS} characters"
    try:
        value = float(token)
    except ValueError:
        return None
    if not math.isfinite(value):
        return f"the number {token} is too large for a double"
    return None


def _first_refused(text: str) -> tuple[int | None, str | None]:
    """Where the first refused token is, and why; the text parsed up to there."""
    # each open object: the keys seen so far, and whether a key comes next
    objects: list[tuple[set[str], list[bool]] | None] = []
    for match in _TOKEN.finditer(text):
        kind, token, at = match.lastgroup, match.group(), match.start()
        top = objects[-1] if objects else None
        if kind == "punct":
            if token == "{":
                objects.append((set(), [True]))
            elif token == "[":
                objects.append(None)
            elif token in "}]":
                objects.pop()
            elif token == "," and top is not None:
                top[1][0] = True
            continue
        if kind == "string" and top is not None and top[1][0]:
            key = json.loads(token)
            if key in top[0]:
                return at, f"key {key!r} appears twice in one object; keys must be unique"
            top[0].add(key)
            top[1][0] = False
        elif kind == "constant":
            return at, f"{token} is not a JSON number; write a finite number or leave it out"
        elif kind == "number":
            problem = _number_problem(token)
            if problem is not None:
                return at, problem
    return None, None


class _LineIndex:
    def __init__(self, text: str) -> None:
        self._breaks = [m.start() for m in re.finditer("\n", text)]

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self._breaks, offset - 1) + 1


class JsonPlaces:
    """Lines of values in a JSON document, found by their path of keys and indexes."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._lines: _LineIndex | None = None
        self._decoder = json.JSONDecoder()

    def line(self, path: Sequence[str | int], *within: Sequence[str | int]) -> int | None:
        """The line of the first ``path + w`` for ``w`` in ``within`` that exists, else of
        ``path``, else None. A path ending in a key gives the line of the key."""
        for extra in within:
            offset = self._offset([*path, *extra])
            if offset is not None:
                return self._line(offset)
        offset = self._offset(path)
        return None if offset is None else self._line(offset)

    def _line(self, offset: int) -> int:
        if self._lines is None:
            self._lines = _LineIndex(self._text)
        return self._lines.line(offset)

    def _skip(self, i: int) -> int:
        match = _WS.match(self._text, i)
        return match.end() if match else i

    def _offset(self, path: Sequence[str | int]) -> int | None:
        text, skip = self._text, self._skip
        i = skip(0)
        found = i
        for step in path:
            if i >= len(text):
                return None
            if isinstance(step, str):
                if text[i] != "{":
                    return None
                i = skip(i + 1)
                while text[i] != "}":
                    key_at = i
                    key, i = json.decoder.scanstring(text, i + 1)  # type: ignore[attr-defined]
                    i = skip(skip(i) + 1)  # past ":"
                    if key == step:
                        found = key_at
                        break
                    i = skip(self._decoder.raw_decode(text, i)[1])
                    if text[i] == ",":
                        i = skip(i + 1)
                else:
                    return None
            else:
                if text[i] != "[":
                    return None
                i, n = skip(i + 1), 0
                while text[i] != "]":
                    if n == step:
                        found = i
                        break
                    i = skip(self._decoder.raw_decode(text, i)[1])
                    if text[i] == ",":
                        i = skip(i + 1)
                    n += 1
                else:
                    return None
        return found
