"""Replay a schedule through the reference interpreter and build the trace users see.

Every counterexample, from any engine, comes through here before it is shown: the schedule
(one actor per step) is re-executed with ``model.ir.execute`` on by-name states, each step
must be enabled, and the last one must violate the property (for ``deadlock``: the final
state must have unfinished actors, all blocked).  A schedule that does not replay raises
:class:`ReplayError`: an engine bug, never shown as a result.
"""

from __future__ import annotations

from model.errseq import errno_name
from model.expr import evaluate
from model.ir import SHARED, StepView, World, enabled, event_happens, execute
from specs.properties import explain, violation_of
from specs.results import Trace, TraceStep


class ReplayError(AssertionError):
    """An engine produced a counterexample the reference interpreter does not reproduce."""


def _ret(errno: int) -> str:
    return f"-{errno_name(errno)}" if errno else "0"


def _run(world: World, schedule: tuple[str, ...], prop: str, lenient: bool,
         partial: bool = False) -> tuple[list[TraceStep], dict[str, int], list[bool], str]:
    """Execute ``schedule``; ``partial``: stop quietly where it can no longer be followed."""
    env = dict(zip(world.names, world.initial_state(), strict=True))
    shared = [v for v in world.variables if v.kind == SHARED]
    L = world.layout
    out: list[TraceStep] = []
    bads: list[bool] = []
    errors: dict[int, int] = {}
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
            elif ev.kind == "error_done":
                errors[ev.arg("n")] = i
                notes.append(f"[error #{ev.arg('n')}]")
                syscall = (f"{name}: errseq_set(U,-{errno_name(ev.arg('errno'))})"
                           f"  # error #{ev.arg('n')}")
            elif ev.kind == "open":
                syscall = f"{name}: open({ev.arg('layer')}) -> {ev.arg('file')}"
            elif ev.kind == "sync_return":
                r = evaluate(ev.arg("ret"), env)
                notes.append(f"}} -> {_ret(r)}")
                syscall = f"{name}: syncfs({ev.arg('file')}) -> {_ret(r)}"
        if bad and not reason:
            reason = explain(prop, world, st, env, i, errors)
        action = st.text(StepView(env, post, L))
        state = {v.name: (L.format(post[v.name]) if v.errseq else str(post[v.name]))
                 for v in shared}
        raw = {v.name: int(post[v.name]) for v in shared}
        out.append(TraceStep(i, name, st.name, action, state, raw, tuple(notes), syscall))
        env = post
        if bad and not lenient and i < len(schedule):
            raise ReplayError(f"step {i} already violates {prop}: the trace is not shortest")
    return out, env, bads, reason


def replay(world: World, schedule: tuple[str, ...], prop: str,
           twin: World | None = None) -> Trace:
    """Re-execute ``schedule`` in ``world`` (instrumented for ``prop``) and return the trace.

    For ``wrap``, ``world`` and ``twin`` are instrumented for ``lost``; the last step must be
    a lost error in ``world`` and the twin must not have lost one by then (or have been unable
    to follow the schedule).
    """
    steps, env, bads, reason = _run(world, schedule, "wrap" if twin else prop, twin is not None)
    if prop == "deadlock":
        for a in world.actors:
            pc = env[a.pc_var]
            if pc < a.done and enabled(a.steps[pc], env):
                raise ReplayError(f"final state is no deadlock: {a.name} can move")
        if all(env[a.pc_var] >= a.done for a in world.actors):
            raise ReplayError("final state is no deadlock: every actor finished")
        reason = explain("deadlock", world, world.actors[0].steps[0], env, len(steps), {})
    else:
        if not bads or not bads[-1]:
            raise ReplayError(f"the last step does not violate {prop}")
        if twin is not None:
            # The twin may stop early: its control flow diverged and it cannot follow.
            _, _, tbads, _ = _run(twin, schedule, "lost", True, partial=True)
            if any(tbads):
                raise ReplayError("the wide-counter twin loses the error too: not a wrap")
    return Trace(schedule, tuple(steps), reason, world.prologue)
