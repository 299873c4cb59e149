"""Tracing NetBox cables through patch panels, the way NetBox traces a cable path.

From a cabled port the trace crosses the cable to the far end. A front port of
a patch panel leads to its rear port (and a rear port to its front port), whose
cable is crossed in turn, until the path reaches anything else: an interface, a
circuit termination, a power feed or outlet. A rear port with several positions
(a trunk) is left by the front port of the position the path came in on, so a
path through two panels and a trunk ends where NetBox says it does. A path that
comes back to a port it passed, or runs past :data:`MAX_HOPS` cables, stops
there and is reported.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from fitsm.interop.netbox._input import Inventory, Ref

__all__ = ["MAX_HOPS", "CablePath", "Note", "Tracer"]

MAX_HOPS = 64
"""The most cables one path may cross before the trace gives up on it."""

FRONT, REAR = "dcim.frontport", "dcim.rearport"
_READ = frozenset(
    {
        "dcim.interface",
        FRONT,
        REAR,
        "dcim.powerport",
        "dcim.poweroutlet",
        "dcim.powerfeed",
        "circuits.circuittermination",
    }
)

Note = tuple[str, int, str]
"""Something the import did not follow: (model, pk, why)."""


@attrs.frozen
class CablePath:
    """Where a traced path ends, and the patch panels (device pks) it passed, in order."""

    end: Ref
    panels: tuple[int, ...]


class Tracer:
    """Cable paths over one inventory; each cable end is indexed once."""

    def __init__(self, inventory: Inventory, statuses: Iterable[str]) -> None:
        self._inv = inventory
        self._statuses = frozenset(statuses)
        self.cable_of: dict[Ref, tuple[int, str]] = {}
        for cable in sorted(inventory.terminations):
            for side, ends in sorted(inventory.terminations[cable].items()):
                for end in ends:
                    if end[0] in _READ and end[1] not in inventory.of(end[0]):
                        raise inventory.error(
                            "dcim.cable",
                            cable,
                            f"{side.lower()}_terminations",
                            f"ends at {end[0]} {end[1]}, which is not in the NetBox data",
                        )
                    other = self.cable_of.get(end)
                    if other is not None and other[0] != cable:
                        raise inventory.error(
                            "dcim.cable",
                            cable,
                            f"{side.lower()}_terminations",
                            f"ends at {end[0]} {end[1]}, where dcim.cable {other[0]} ends too",
                        )
                    self.cable_of[end] = (cable, side)
        self._fronts: dict[int, list[tuple[int, int, int]]] = {}
        self._rears: dict[int, list[tuple[int, int, int]]] = {}
        for front, fpos, rear, rpos in sorted(inventory.port_mappings):
            self._fronts.setdefault(front, []).append((fpos, rear, rpos))
            self._rears.setdefault(rear, []).append((rpos, front, fpos))

    def status(self, cable: int) -> str:
        return self._inv.text("dcim.cable", cable, "status") or "connected"

    def _positions(self, model: str, pk: int) -> int:
        value = self._inv.integer(model, pk, "positions")
        return 1 if value is None else value

    def trace(self, start: Ref) -> tuple[list[CablePath], list[Note]]:
        """Every path from ``start`` (a cabled port) to the ends it reaches, and what stopped."""
        paths: list[CablePath] = []
        notes: list[Note] = []
        inv = self._inv
        # (where the path stands, position stack, panels passed, states seen on this path)
        todo: list[tuple[Ref, tuple[int, ...], tuple[int, ...], frozenset[object]]] = [
            (start, (), (), frozenset())
        ]
        while todo:
            here, stack, panels, seen = todo.pop()
            link = self.cable_of.get(here)
            if link is None:
                if here != start:
                    notes.append((here[0], here[1], "a cable path ends at this port, uncabled"))
                continue
            cable, side = link
            status = self.status(cable)
            if status not in self._statuses:
                followed = ", ".join(sorted(self._statuses))
                notes.append(
                    ("dcim.cable", cable, f"{status}: only {followed} cables are followed")
                )
                continue
            if (cable, stack) in seen:
                notes.append(("dcim.cable", cable, "the cable path loops; traced no further"))
                continue
            if len(seen) >= MAX_HOPS:
                why = f"the cable path is longer than {MAX_HOPS} cables; traced no further"
                notes.append(("dcim.cable", cable, why))
                continue
            seen = seen | {(cable, stack)}
            far_side = "B" if side == "A" else "A"
            fars = sorted(inv.terminations[cable][far_side])
            if not fars:
                notes.append(("dcim.cable", cable, f"has no {far_side} end"))
            for model, pk in fars:
                if model == FRONT:
                    steps = self._front_to_rear(pk, stack)
                elif model == REAR:
                    if not stack and self._positions(REAR, pk) > 1:
                        # a trunk entered from one end: NetBox calls this a split path
                        notes.append(
                            (model, pk, "the cable path splits into this trunk's positions")
                        )
                        continue
                    steps = self._rear_to_front(pk, stack)
                else:
                    paths.append(CablePath((model, pk), panels))
                    continue
                if not steps:
                    notes.append((model, pk, "a cable path ends at this port: no port behind it"))
                device = inv.ref(model, pk, "device")
                passed = panels if device is None or panels[-1:] == (device,) else (*panels, device)
                for nxt, nxt_stack in steps:
                    todo.append((nxt, nxt_stack, passed, seen))
        return paths, notes

    def _front_to_rear(
        self, front: int, stack: tuple[int, ...]
    ) -> list[tuple[Ref, tuple[int, ...]]]:
        maps = self._fronts.get(front, [])
        if self._positions(FRONT, front) > 1 and stack:
            maps = [m for m in maps if m[0] == stack[-1]]
            stack = stack[:-1]
        return [
            ((REAR, rear), (*stack, rpos) if self._positions(REAR, rear) > 1 else stack)
            for _, rear, rpos in maps
        ]

    def _rear_to_front(
        self, rear: int, stack: tuple[int, ...]
    ) -> list[tuple[Ref, tuple[int, ...]]]:
        maps = self._rears.get(rear, [])
        if self._positions(REAR, rear) > 1:
            maps = [m for m in maps if m[0] == stack[-1]]
            stack = stack[:-1]
        return [
            ((FRONT, front), (*stack, fpos) if self._positions(FRONT, front) > 1 else stack)
            for _, front, fpos in maps
        ]
