"""Replay keys: one shell-safe token that names a counterexample exactly.

``SCHEME/LOCK/SCENARIO/PROPERTY/OVERRIDES/SCHEDULE``, for example::

    copy-naive/none/seed/double/-/P1,W,W,P1,P1,P1,P1,P1,P1,P1,P1
    copy-counter/spinlock/race/lost/syncs=3+errors=EIO.ENOSPC/P1,W,W,...

``OVERRIDES`` lists the bounds that differ from the scenario's preset (``-``: none), as
``field=value`` joined by ``+``; errors are errno names joined by ``.``, switches ``0``/``1``.
``--mount-option`` names are one more override, ``mount=NAME.NAME`` (sorted).
``--vfs FILE`` is the override ``vfs=PATH``, its path quoted as a scheme's is (with ``+``
also written ``%2B``): ``cursor/none/shared-fd/double/vfs=model%2Fvfs%2Flayton_flock.c/...``.
``SCHEDULE`` is the actor of each atomic step.  A scheme given as a C file is its path with
``%`` and ``/`` written ``%25`` and ``%2F`` (``model%2Fschemes%2Fcursor.c/none/seed/...``),
so the key keeps its six fields and ``replay`` reads the file again.  ``syncfs-mc replay
KEY`` rebuilds the world from the first five fields and re-runs the schedule through the
reference interpreter.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from model.errseq import ERRNO_NAMES, ERRNO_NUMBERS
from model.world import FOREVER, WorldParams
from specs.scenarios import SCENARIOS


class BadKey(ValueError):
    """A replay key that cannot be parsed; the message says which part is wrong."""


@dataclass(frozen=True)
class ReplayKey:
    scheme: str
    lock: str
    scenario: str
    prop: str
    overrides: tuple[tuple[str, Any], ...]
    schedule: tuple[str, ...]
    mount_options: tuple[str, ...] = ()

    def __str__(self) -> str:
        items = [f"{k}={_fmt(v)}" for k, v in self.overrides]
        if self.mount_options:
            items.append(f"{MOUNT}={'.'.join(self.mount_options)}")
        over = "+".join(items) or "-"
        return "/".join((_quote(self.scheme), self.lock, self.scenario, self.prop, over,
                         ",".join(self.schedule)))


#: the override naming the overlay's mount options (``--mount-option``)
MOUNT = "mount"


def _quote(field: str) -> str:
    return field.replace("%", "%25").replace("/", "%2F")


def _unquote(field: str) -> str:
    return (field.replace("%2F", "/").replace("%2f", "/").replace("%2B", "+")
            .replace("%2b", "+").replace("%25", "%"))


def _fmt(v: Any) -> str:
    if v == FOREVER and not isinstance(v, bool):
        return "inf"
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, tuple):
        return ".".join(ERRNO_NAMES.get(e, str(e)) for e in v)
    if isinstance(v, str):  # a path (vfs): no '/' nor '+' of its own in the key
        return _quote(v).replace("+", "%2B")
    return str(v)


def overrides_of(scenario: str, params: WorldParams) -> tuple[tuple[str, Any], ...]:
    """The fields of ``params`` that differ from ``scenario``'s preset, in field order."""
    base = SCENARIOS[scenario][0] if scenario in SCENARIOS else WorldParams()
    return tuple((f.name, getattr(params, f.name)) for f in dataclasses.fields(WorldParams)
                 if getattr(params, f.name) != getattr(base, f.name))


def make_key(scheme: str, lock: str, scenario: str, prop: str, params: WorldParams,
             schedule: tuple[str, ...], mount_options: tuple[str, ...] = ()) -> ReplayKey:
    return ReplayKey(scheme, lock, scenario, prop, overrides_of(scenario, params),
                     tuple(schedule), tuple(sorted(set(mount_options))))


def parse_key(text: str) -> ReplayKey:
    """The inverse of ``str(key)``; names are not checked against the catalogue here."""
    parts = text.strip().split("/")
    if len(parts) != 6:
        raise BadKey(f"replay key has {len(parts)} '/'-separated fields, expected 6 "
                        "(SCHEME/LOCK/SCENARIO/PROPERTY/OVERRIDES/SCHEDULE)")
    scheme, lock, scenario, prop, over, sched = parts
    types = {f.name: f.type for f in dataclasses.fields(WorldParams)}
    overrides: list[tuple[str, Any]] = []
    mount: tuple[str, ...] = ()
    if over != "-":
        for item in over.split("+"):
            name, eq, value = item.partition("=")
            if eq and name == MOUNT and value:
                mount = tuple(sorted(set(value.split("."))))
                continue
            if not eq or name not in types:
                raise BadKey(f"replay key: bad override {item!r} (known fields: "
                                f"{', '.join(types)}, {MOUNT})")
            overrides.append((name, _parse_value(name, types[name], value)))
    schedule = tuple(a for a in sched.split(",") if a)
    if not schedule:
        raise BadKey("replay key: empty schedule")
    return ReplayKey(_unquote(scheme), lock, scenario, prop, tuple(overrides), schedule, mount)


def _parse_value(name: str, typ: Any, value: str) -> Any:
    t = str(typ)
    try:
        if "tuple" in t:
            return tuple(ERRNO_NUMBERS[e] if e in ERRNO_NUMBERS else int(e)
                         for e in value.split("."))
        if "bool" in t:
            if value not in ("0", "1"):
                raise ValueError(value)
            return value == "1"
        if "int" in t:
            return FOREVER if value == "inf" else int(value)
    except ValueError:
        raise BadKey(f"replay key: bad value {value!r} for {name}") from None
    return _unquote(value)
