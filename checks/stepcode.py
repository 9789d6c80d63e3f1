"""The instrumented world compiled to Python, and the packed state.

Every atomic step of every actor becomes one generated Python function over a state tuple (one
slot per variable, ``CompiledWorld.slots``): ``step(s)`` returns None when the step's guard is
false, else the successor tuple and whether the step violates the monitored property (the
monitor's condition, ``specs.properties.violation_of``, compiled into the same function).
Generating source once and ``exec``-ing it is the point: the search then calls a flat
function per step instead of walking expression trees.

A state is stored as one int (``packer``): slot ``i`` in ``widths[i]`` bits, concatenated,
which costs tens of bytes where a tuple of ints costs hundreds.  ``successor_function`` gives
the searches every enabled step of a state, and drives the ``wrap`` twin in lockstep.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from model.expr import TRUE, to_python
from model.ir import Step, World
from specs.properties import violation_of

StepFn = Callable[[tuple[int, ...]], "tuple[tuple[int, ...], bool] | None"]


@dataclass(frozen=True)
class CompiledWorld:
    """A world as state tuples and step functions: ``steps[actor][pc](state)``."""

    world: World
    slots: dict[str, int]
    pc_slots: tuple[int, ...]
    steps: tuple[tuple[StepFn, ...], ...]
    initial: tuple[int, ...]


def step_source(st: Step, var: Callable[[str], str], slots: dict[str, int],
                 pc_slot: int) -> str:
    """The source of ``def step(s)`` for ``st``: ``var(name)`` is how a variable is read,
    ``slots[name]`` where it is written, ``pc_slot`` where the actor's pc is."""
    lines = ["def step(s):"]
    if st.guard != TRUE:
        lines.append(f"    if not {to_python(st.guard, var)}: return None")
    for i, (_, e) in enumerate(st.assigns):
        lines.append(f"    v{i} = {to_python(e, var)}")
    target = str(st.goto[-1][1])
    for cond, t in reversed(st.goto[:-1]):
        target = f"({t} if {to_python(cond, var)} else {target})"
    lines.append(f"    pc = {target}")
    lines.append(f"    bad = bool({to_python(violation_of(st), var)})")
    lines.append("    t = list(s)")
    for i, (name, _) in enumerate(st.assigns):
        lines.append(f"    t[{slots[name]}] = int(v{i})")
    lines.append(f"    t[{pc_slot}] = pc")
    lines.append("    return tuple(t), bad")
    return "\n".join(lines)


def compile_world(world: World) -> CompiledWorld:
    """Compile every step of ``world`` (already instrumented) to a Python function."""
    slots = {name: i for i, name in enumerate(world.names)}

    def var(name: str) -> str:
        return f"s[{slots[name]}]"

    actors = []
    for a in world.actors:
        fns = []
        for st in a.steps:
            src = step_source(st, var, slots, slots[a.pc_var])
            ns: dict[str, object] = {}
            exec(compile(src, f"<{a.name}:{st.pc} {st.name}>", "exec"), ns)  # noqa: S102
            fns.append(ns["step"])
        actors.append(tuple(fns))
    pc_slots = tuple(slots[a.pc_var] for a in world.actors)
    return CompiledWorld(world, slots, pc_slots, tuple(actors), world.initial_state())


def packer(widths: list[int]) -> tuple[Callable[[tuple[int, ...]], int],
                                       Callable[[int], tuple[int, ...]]]:
    """Functions packing a state tuple into one int (slot ``i`` in ``widths[i]`` bits) and
    back: a stored state costs tens of bytes instead of a tuple of int objects."""
    shifts, at = [], 0
    for w in widths:
        shifts.append(at)
        at += w
    pack = " | ".join(f"(t[{i}] << {sh})" if sh else f"t[{i}]" for i, sh in enumerate(shifts))
    unpack = ", ".join(f"(x >> {sh}) & {(1 << w) - 1}" if sh else f"x & {(1 << w) - 1}"
                       for sh, w in zip(shifts, widths, strict=True))
    ns: dict[str, object] = {}
    src = f"def pack(t):\n    return {pack}\n\ndef unpack(x):\n    return ({unpack},)\n"
    exec(compile(src, "<packer>", "exec"), ns)  # noqa: S102
    return ns["pack"], ns["unpack"]  # type: ignore[return-value]


Successors = Callable[..., tuple[list[tuple[int, tuple[int, ...], bool]], bool]]


def successor_function(cw: CompiledWorld, twin: CompiledWorld | None) -> Successors:
    """``succ(state[, actors]) -> ([(actor, successor, violates), ...], moved)`` for every
    enabled step (of ``actors``, default all), ``moved`` telling whether any step was
    enabled.  With ``twin`` (the ``wrap`` product) the
    state is the world's, the twin's and an ``alive`` flag; a transition on which the twin
    loses an error is dropped: no wrap violation can follow on that path."""
    steps, pcs = cw.steps, cw.pc_slots
    dones = tuple(len(f) for f in steps)
    n = len(cw.initial)
    actor_range = range(len(steps))
    if twin is not None:
        tsteps, tpcs, tn = twin.steps, twin.pc_slots, len(twin.initial)
        dead_twin = (0,) * tn + (0,)

    def successors(s: tuple[int, ...], actors: Iterable[int] = actor_range
                   ) -> tuple[list[tuple[int, tuple[int, ...], bool]], bool]:
        real = s[:n] if twin is not None else s
        out = []
        moved = False
        for ai in actors:
            pc = real[pcs[ai]]
            if pc >= dones[ai]:
                continue
            r = steps[ai][pc](real)
            if r is None:
                continue
            moved = True
            t, bad = r
            if twin is not None:
                tw = s[n:n + tn]
                tbad = False
                if s[-1]:
                    tpc = tw[tpcs[ai]]
                    tr = tsteps[ai][tpc](tw) if tpc < len(tsteps[ai]) else None
                    if tr is None:
                        t = t + dead_twin
                    else:
                        t = t + tr[0] + (1,)
                        tbad = tr[1]
                else:
                    t = t + dead_twin
                if tbad:
                    continue  # the twin lost an error first: no wrap on this path
            out.append((ai, t, bad))
        return out, moved

    return successors
