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
from specs.properties import violation_of
from specs.results import Trace, TraceStep


class ReplayError(AssertionError):
    """An engine produced a counterexample the reference interpreter does not reproduce."""


def _ret(errno: int) -> str:
    return f"-{errno_name(errno)}" if errno else "0"


class _History:
    """What happened so far in a replay, in trace terms (for naming the broken promise)."""

    def __init__(self) -> None:
        self.G = 0
        self.errors: dict[int, int] = {}  # generation -> step that completed it
        self.opened: dict[str, tuple[int, int]] = {}  # file -> (step, G then)
        self.begun: dict[str, tuple[int, int]] = {}  # actor -> (step, G then) of its open call
        self.calls: dict[str, str] = {}  # actor -> file of its open call
        self.reports: dict[str, list[tuple[int, str, int, int]]] = {}  # file -> (step, actor,
        # errno, G then) of each error returned

    def err(self, n: int) -> str:
        s = self.errors.get(n)
        return f"error #{n}" + (f" (step {s})" if s else "")


def _explain(prop: str, world: World, h: _History, ev_file: str, actor: str, ret: int,
             step: int) -> str:
    f = ev_file
    layer = world.file(f).layer
    o_step, o_G = h.opened.get(f, (0, 0))
    opened = f"opened at step {o_step}" if o_step else "opened before the first step"
    b_step, b_G = h.begun.get(actor, (step, h.G))
    if prop in ("lost", "wrap"):
        why = "; the errseq counter wrapped back to a value already seen" if prop == "wrap" else ""
        return (f"{prop} — {f}'s syncfs (begun at step {b_step}) returned 0, but {h.err(b_G)} "
                f"completed after {f} was {opened} and before the call began, and {f} was "
                f"never told of it{why}")
    if prop == "double":
        earlier = [r for r in h.reports.get(f, []) if r[0] < step]
        if earlier:
            r_step, r_actor, r_errno, r_G = earlier[-1]
            return (f"double — {f} is told -{errno_name(ret)} again: {h.err(r_G)} was already "
                    f"reported to it at step {r_step} ({r_actor}), and no newer error completed")
        return (f"double — {f} is told -{errno_name(ret)}, but every error up to #{h.G} had been "
                f"reported on {layer} before {f} was {opened}")
    if prop == "unseen":
        return (f"unseen — {f} was {opened}, after {h.err(o_G)} which no file on {layer} had "
                f"consumed, and its first syncfs returned 0")
    return prop


def _run(world: World, schedule: tuple[str, ...], prop: str, lenient: bool,
         partial: bool = False
         ) -> tuple[list[TraceStep], dict[str, int], list[bool], str, list[str]]:
    """Execute ``schedule``; ``partial``: stop quietly where it can no longer be followed."""
    env = dict(zip(world.names, world.initial_state(), strict=True))
    shared = [v for v in world.variables if v.kind == SHARED]
    L = world.layout
    out: list[TraceStep] = []
    bads: list[bool] = []
    h = _History()
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
                    reason = _explain(prop, world, h, ev.arg("file"), name, r, i)
                if r:
                    h.reports.setdefault(ev.arg("file"), []).append((i, name, r, h.G))
                h.begun.pop(name, None)
        if bad and not reason and prop == "backward":
            reason = _explain_backward(world, st, env)
        action = st.text(StepView(env, post, L))
        state = {v.name: (L.format(post[v.name]) if v.errseq else str(post[v.name]))
                 for v in shared}
        raw = {v.name: int(post[v.name]) for v in shared}
        out.append(TraceStep(i, name, st.name, action, state, raw, tuple(notes), syscall))
        env = post
        if bad and not lenient and i < len(schedule):
            raise ReplayError(f"step {i} already violates {prop}: the trace is not shortest")
    pending = [f"{a}: syncfs({h.calls[a]}) ..." for a in h.begun]
    return out, env, bads, reason, pending


def _explain_backward(world: World, step, env: dict[str, int]) -> str:
    L = world.layout
    for o in world.overlays:
        if o in step.writes:
            new = evaluate(dict(step.assigns)[o], env)
            old = env[o]
            if old & L.seen and not new & L.seen and (old & ~L.flags) == (new & ~L.flags):
                return (f"backward — {o} goes from {L.format(old)} to {L.format(new)}: an error "
                        "already reported is re-armed")
            return (f"backward — {o} goes from {L.format(old)} back to {L.format(new)}, a value "
                    "it held before")
    return "backward"


def replay(world: World, schedule: tuple[str, ...], prop: str,
           twin: World | None = None) -> Trace:
    """Re-execute ``schedule`` in ``world`` (instrumented for ``prop``) and return the trace.

    For ``wrap``, ``world`` and ``twin`` are instrumented for ``lost``; the last step must be
    a lost error in ``world`` and the twin must not have lost one by then (or have been unable
    to follow the schedule).
    """
    steps, env, bads, reason, pending = _run(world, schedule, "wrap" if twin else prop,
                                             twin is not None)
    if prop == "deadlock":
        for a in world.actors:
            pc = env[a.pc_var]
            if pc < a.done and enabled(a.steps[pc], env):
                raise ReplayError(f"final state is no deadlock: {a.name} can move")
        if all(env[a.pc_var] >= a.done for a in world.actors):
            raise ReplayError("final state is no deadlock: every actor finished")
        blocked = [a.name for a in world.actors if env[a.pc_var] < a.done]
        reason = f"deadlock — {', '.join(blocked)} are all blocked"
    else:
        if not bads or not bads[-1]:
            raise ReplayError(f"the last step does not violate {prop}")
        if twin is not None:
            # The twin may stop early: its control flow diverged and it cannot follow.
            _, _, tbads, _, _ = _run(twin, schedule, "lost", True, partial=True)
            if any(tbads):
                raise ReplayError("the wide-counter twin loses the error too: not a wrap")
    L = world.layout
    init = {v.name: world.initial.get(v.name, v.init) for v in world.variables}
    initial = {v.name: (L.format(init[v.name]) if v.errseq else str(init[v.name]))
               for v in world.variables if v.kind == SHARED}
    return Trace(schedule, tuple(steps), reason, world.prologue, tuple(pending), initial)
