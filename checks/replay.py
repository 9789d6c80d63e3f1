"""Replay a schedule through the reference interpreter and build the trace users see.

Every counterexample, from any engine, comes through here before it is shown: the schedule
(one actor per step) is re-executed with ``model.ir.execute`` on by-name states, each step
must be enabled, and the last one must violate the property (for a property of states,
``deadlock``: the final state must have unfinished actors, all blocked).  A schedule that
does not replay raises :class:`ReplayError`: an engine bug, never shown as a result.  The
broken promise is named by the property's own ``explain`` (``specs.explain``).
"""

from __future__ import annotations

from model.errseq import errno_name
from model.expr import evaluate
from model.ir import SHARED, StepView, World, enabled, event_happens, execute
from specs.explain import History, Violation
from specs.properties import PROPERTIES, Property, violation_of
from specs.results import Trace, TraceStep


class ReplayError(AssertionError):
    """An engine produced a counterexample the reference interpreter does not reproduce."""


def _ret(errno: int) -> str:
    return f"-{errno_name(errno)}" if errno else "0"


def _run(world: World, schedule: tuple[str, ...], prop: Property, lenient: bool,
         partial: bool = False
         ) -> tuple[list[TraceStep], dict[str, int], list[bool], str, list[str], History]:
    """Execute ``schedule``; ``partial``: stop quietly where it can no longer be followed;
    ``lenient``: an earlier violating step is no error (the ``wrap`` product prunes on the
    twin, not on the world)."""
    env = dict(zip(world.names, world.initial_state(), strict=True))
    shared = [v for v in world.variables if v.kind == SHARED]
    order = {v.name: i for i, v in enumerate(shared)}
    L = world.layout
    out: list[TraceStep] = []
    bads: list[bool] = []
    h = History()
    reason = ""
    for i, name in enumerate(schedule, start=1):
        try:
            a = world.actor(name)
        except KeyError:
            raise ReplayError(f"step {i}: no actor {name!r}") from None
        pc = env[a.pc_var]
        if partial and (pc >= a.done or not enabled(a.steps[pc], env)):
            break
        if pc >= a.done:
            raise ReplayError(f"step {i}: {name} has already finished")
        st = a.steps[pc]
        if not enabled(st, env):
            raise ReplayError(f"step {i}: {name}'s step {st.name} is blocked")
        post = execute(st, env)
        bad = bool(evaluate(violation_of(st), env))
        bads.append(bad)
        notes: list[str] = []
        syscall = None
        for ev in st.events:
            if not event_happens(ev, env):
                continue
            if ev.kind == "sync_begin":
                notes.append(f"syncfs({ev.arg('file')}) {{")
                h.begun[name] = (i, h.G)
                h.calls[name] = ev.arg("file")
            elif ev.kind == "error_done":
                h.G += 1
                h.errors[h.G] = i
                notes.append(f"[error #{h.G}]")
                syscall = (f"{name}: errseq_set(U,-{errno_name(ev.arg('errno'))})"
                           f"  # error #{h.G}")
            elif ev.kind == "open":
                h.opened[ev.arg("file")] = (i, h.G)
                syscall = f"{name}: open({ev.arg('layer')}) -> {ev.arg('file')}"
            elif ev.kind == "sync_return":
                r = evaluate(ev.arg("ret"), env)
                notes.append(f"}} -> {_ret(r)}")
                syscall = f"{name}: syncfs({ev.arg('file')}) -> {_ret(r)}"
                if bad and not reason:
                    reason = prop.explain(Violation(world, h, i, env, st, ev.arg("file"),
                                                    name, r))
                if r:
                    h.reports.setdefault(ev.arg("file"), []).append((i, name, r, h.G))
                h.begun.pop(name, None)
        if bad and not reason:
            reason = prop.explain(Violation(world, h, i, env, st))
        action = st.text(StepView(env, post, L))
        state = {v.name: (L.format(post[v.name]) if v.errseq else str(post[v.name]))
                 for v in shared}
        raw = {v.name: int(post[v.name]) for v in shared}
        writes = tuple(sorted((n for n in st.writes if n in order), key=order.__getitem__))
        reads = tuple(sorted((n for n in st.reads if n in order), key=order.__getitem__))
        out.append(TraceStep(i, name, st.name, action, state, raw, tuple(notes), syscall,
                             writes, reads))
        env = post
        if bad and not lenient and i < len(schedule):
            raise ReplayError(f"step {i} already violates {prop.name}: the trace is not "
                              "shortest")
    pending = [f"{a}: syncfs({h.calls[a]}) ..." for a in h.begun]
    return out, env, bads, reason, pending, h


def replay(world: World, schedule: tuple[str, ...], prop: str,
           twin: World | None = None) -> Trace:
    """Re-execute ``schedule`` in ``world`` (instrumented for ``prop``) and return the trace.

    For a property decided on the twin product (``wrap``), ``world`` and ``twin`` are
    instrumented by the same monitor; the last step must violate it in ``world`` and the twin
    must not have been violated by then (or have been unable to follow the schedule).
    """
    p = PROPERTIES[prop]
    if p.needs_twin and twin is None:
        raise ReplayError(f"{prop} is decided against a wide-counter twin, and none was given")
    steps, env, bads, reason, pending, h = _run(world, schedule, p, p.needs_twin)
    if p.on_states:
        for a in world.actors:
            pc = env[a.pc_var]
            if pc < a.done and enabled(a.steps[pc], env):
                raise ReplayError(f"final state is no {prop}: {a.name} can move")
        if all(env[a.pc_var] >= a.done for a in world.actors):
            raise ReplayError(f"final state is no {prop}: every actor finished")
        reason = p.explain(Violation(world, h, len(schedule), env))
    else:
        if not bads or not bads[-1]:
            raise ReplayError(f"the last step does not violate {prop}")
        if twin is not None:
            # The twin may stop early: its control flow diverged and it cannot follow.
            tbads = _run(twin, schedule, p, True, partial=True)[2]
            if any(tbads):
                raise ReplayError(f"the wide-counter twin breaks {p.monitor} too: not {prop}")
    L = world.layout
    init = {v.name: world.initial.get(v.name, v.init) for v in world.variables}
    initial = {v.name: (L.format(init[v.name]) if v.errseq else str(init[v.name]))
               for v in world.variables if v.kind == SHARED}
    words = ("U",) + tuple(world.overlays)
    return Trace(schedule, tuple(steps), reason, world.prologue, tuple(pending), initial,
                 words)


def replay_steps(world: World, schedule: tuple[str, ...]) -> Trace:
    """The trace of ``schedule`` in ``world``, each step enabled, with no property asked of
    its end (a ``progress`` lasso, which ``checks.liveness.check_lasso`` checks)."""
    steps, _, _, _, pending, _ = _run(world, schedule, PROPERTIES["progress"], True)
    L = world.layout
    init = {v.name: world.initial.get(v.name, v.init) for v in world.variables}
    initial = {v.name: (L.format(init[v.name]) if v.errseq else str(init[v.name]))
               for v in world.variables if v.kind == SHARED}
    return Trace(schedule, tuple(steps), "", world.prologue, tuple(pending), initial,
                 ("U",) + tuple(world.overlays))
