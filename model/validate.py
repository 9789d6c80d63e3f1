"""Checks a user-written scheme or discipline when it is registered, not when it is checked.

:func:`validate_scheme` and :func:`validate_discipline` build small *probe worlds* with the
variant (every registered discipline for a scheme; a probe scheme marking both regions for a
discipline) and reject, with :class:`VariantError`, a variant that

* **uses a variable it does not declare**: every variable a step reads (guard, right-hand
  sides, branch conditions, event arguments) or writes must be a variable of the world;
* **jumps to a missing label**: a label that is never placed with ``b.here``;
* **leaves a lock held**: on some path through a ``syncfs`` call, a lock taken with
  ``kernel.spin_lock`` is still held when the call ends (or is taken twice by one actor);
* **does not terminate within its declared bound**: run one actor at a time (writeback first,
  and writeback last), some ``syncfs`` call takes more than ``Scheme.max_call_steps`` steps
  (a loop with no exit, or one that waits for itself).

The error names the variant's module and class, the actor and step, and the fix.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from model import kernel
from model.expr import ZERO, Const, Op, Var, variables
from model.ir import Actor, Step, World, enabled, event_happens, execute
from model.variants import CallCtx, Discipline, OverlayCtx, Scheme
from model.world import WorldParams, build_world

#: probe bounds: shared overlay fields, an upper file, two errnos and a wrapping counter; one
#: file two threads share (cursor races, --flock).  Kept to two: every process that loads
#: the catalogue pays for them (about 40 ms per scheme).
PROBES: tuple[WorldParams, ...] = (
    WorldParams(syncers=2, syncs=2, upper_syncers=1, errors=(5, 28), counter_bits=2),
    WorldParams(syncers=1, syncs=1, threads_per_file=2, errors=(5,), flock=True),
)


class VariantError(ValueError):
    """A scheme or discipline is malformed; the message names it, the step and the fix."""


def _who(obj: Any) -> str:
    cls = obj if isinstance(obj, type) else type(obj)
    kind = "scheme" if issubclass(cls, Scheme) else "discipline"
    return f"{kind} {getattr(cls, 'name', '')!r} ({cls.__module__}.{cls.__qualname__})"


def _exprs(values: Iterable[Any]) -> set[str]:
    out: set[str] = set()
    for v in values:
        if isinstance(v, (Const, Var, Op)):
            out |= variables(v)
    return out


def _check_declared(world: World, who: str) -> None:
    names = set(world.names)
    for a in world.actors:
        for st in a.steps:
            used = set(st.reads) | set(st.writes) | {n for ev in st.events
                                                     for n in _exprs(v for _, v in ev.args)}
            missing = sorted(used - names)
            if missing:
                raise VariantError(
                    f"{who}: step {a.name}:{st.pc} {st.name!r} uses undeclared variable "
                    f"{missing[0]!r}; fix: list it in the scheme's ofs_fields, declare it with "
                    "call.declare(name, doc, errseq), or make it a local with b.local(name, doc)")


def _conjuncts(e: Any) -> list[Any]:
    if isinstance(e, Op) and e.op == "land":
        return [c for a in e.args for c in _conjuncts(a)]
    return [e]


def _acquires(st: Step) -> str | None:
    """The lock ``st`` takes: it waits until a word is 0 and sets it to 1 (spin_lock,
    mutex_lock, or a user's own lock written the same way)."""
    waits = {a.name for c in _conjuncts(st.guard) if isinstance(c, Op) and c.op == "eq"
             for a, z in (c.args, c.args[::-1]) if isinstance(a, Var) and z == ZERO}
    for name, e in st.assigns:
        if name in waits and e == Const(1):
            return name
    return None


def _releases(st: Step, locks: set[str]) -> set[str]:
    """The locks ``st`` stores 0 into."""
    return {name for name, e in st.assigns if name in locks and e == ZERO}


def _check_locks(actor: Actor, who: str) -> None:
    """Every path from a call's start to its end releases what it takes (may-held analysis
    over the actor's control flow).  A lock is recognised by what its steps do, not by
    their names: taking it waits for a word to be 0 and sets it to 1; releasing stores 0."""
    locks = {lk for st in actor.steps if (lk := _acquires(st)) is not None}
    boundary = {st.pc for st in actor.steps if any(e.kind == "sync_begin" for e in st.events)}
    boundary.add(actor.done)
    seen: set[tuple[int, frozenset[tuple[str, int]]]] = set()
    work: list[tuple[int, frozenset[tuple[str, int]]]] = [(0, frozenset())]
    while work:
        pc, held = work.pop()
        if (pc, held) in seen:
            continue
        seen.add((pc, held))
        if pc in boundary and held:
            lock, at = sorted(held)[0]
            st = actor.steps[at]
            end = "the end of its program" if pc == actor.done else f"step {pc} (the next call)"
            raise VariantError(
                f"{who}: {actor.name}:{at} {st.name!r} takes {lock!r} and some path reaches "
                f"{end} with it still held; fix: release it (kernel.spin_unlock or "
                f"kernel.mutex_unlock(b, {lock!r})) on every path out of the region, including "
                "early exits (goto) past the body")
        if pc >= actor.done:
            continue
        st = actor.steps[pc]
        nxt = held
        taken = _acquires(st)
        freed = _releases(st, locks)
        if taken is not None:
            first = next((at for lk, at in sorted(held) if lk == taken and at != pc), None)
            if first is not None:
                # taken by an earlier statement and not released on some path from it (a
                # return with it held, then the next ->sync_fs call takes it)
                raise VariantError(
                    f"{who}: {actor.name}:{first} {actor.steps[first].name!r} takes "
                    f"{taken!r} and some path reaches {actor.name}:{pc} {st.name!r}, which "
                    "takes it again, with it still held (not released on that path); fix: "
                    "release it on every path out of the region, including early returns")
            if any(lk == taken for lk, _ in held):
                raise VariantError(
                    f"{who}: {actor.name}:{pc} {st.name!r} takes {taken!r} which it already "
                    "holds (self-deadlock); fix: release it before taking it again")
            nxt = held | {(taken, pc)}
        elif freed:
            unheld = sorted(lk for lk in freed if not any(h[0] == lk for h in held))
            if unheld:
                raise VariantError(
                    f"{who}: {actor.name}:{pc} {st.name!r} releases {unheld[0]!r}, which some "
                    "path reaches it without holding; fix: release only what that path took")
            nxt = frozenset(h for h in held if h[0] not in freed)
        for _, target in st.goto:
            work.append((target, nxt))


def _check_terminates(world: World, bound: int, who: str) -> None:
    """Run actors one at a time to completion, in two orders; every syncfs call must end
    within ``bound`` steps."""
    syncers = [a for a in world.actors if a.role.endswith("syncer")]
    writers = [a for a in world.actors if not a.role.endswith("syncer")]
    for order in (writers + syncers, syncers + writers):
        env = dict(zip(world.names, world.initial_state(), strict=True))
        for a in order:
            in_call, since = None, 0
            total = 0
            while env[a.pc_var] < a.done:
                st = a.steps[env[a.pc_var]]
                if not enabled(st, env):
                    break  # waits for another actor (a lock, an open): tried in the other order
                pre = env
                for ev in st.events:
                    if ev.kind == "sync_begin" and event_happens(ev, pre):
                        in_call, since = st, 0
                env = execute(st, pre)
                since += 1
                total += 1
                if since > bound or total > bound * 64:
                    start = in_call.name if in_call is not None else st.name
                    raise VariantError(
                        f"{who}: {a.name}'s syncfs (from step {start!r}) does not finish within "
                        f"its declared bound of {bound} steps, run alone; it is looping at "
                        f"{a.name}:{st.pc} {st.name!r}; fix: give the loop an exit that holds "
                        "when no other actor interferes, or raise max_call_steps")
                if any(e.kind == "sync_return" and event_happens(e, pre) for e in st.events):
                    in_call, since = None, 0


def _probe(build: Callable[[WorldParams], World], bound: int, who: str) -> None:
    for p in PROBES:
        try:
            world = build(p)
        except KeyError as e:
            raise VariantError(
                f"{who}: a step uses undeclared variable {e.args[0]!r} (probe world "
                f"{p.syncers} syncer(s), {p.overlays} overlay(s)); fix: list it in ofs_fields or "
                "declare it with call.declare(name, doc, errseq)") from None
        except VariantError:
            raise
        except ValueError as e:
            fix = ("place it with b.here(label) in the same program"
                   if "never placed" in str(e) else "see the message")
            raise VariantError(f"{who}: {e}; fix: {fix}") from None
        _check_declared(world, who)
        for a in world.actors:
            _check_locks(a, who)
        _check_terminates(world, bound, who)


def validate_scheme(scheme: Scheme, disciplines: Iterable[Discipline]) -> None:
    """Reject a malformed scheme (see the module docstring) under each discipline."""
    who = _who(scheme)
    for d in disciplines:
        _probe(lambda p, d=d: build_world(scheme, d, p), scheme.max_call_steps, who)


class _ProbeScheme(Scheme):
    """A scheme that marks both regions a discipline may wrap: read U, copy it to a local."""

    name = "probe"

    def sync_fs(self, call: CallCtx) -> None:
        b, ov = call.b, call.ov
        src = b.local("probe", "probe: U as read", errseq=True)

        def body() -> None:
            call.region("read-u", lambda: kernel.read_once(b, src, ov.U, "src"))
            kernel.write_once(b, ov.O, Var(ov.O), "O", also={src.name: Var(ov.O)})

        call.region("body", body)

    def mount(self, ov: OverlayCtx, b: Any) -> None:
        return None


def validate_discipline(discipline: Discipline) -> None:
    """Reject a malformed discipline (see the module docstring), wrapped around a probe."""
    probe = _ProbeScheme()
    _probe(lambda p: build_world(probe, discipline, p), probe.max_call_steps + 32,
           _who(discipline))
