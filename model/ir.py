"""The protocol IR: variables, atomic steps, actors and the world they make up.

A world is a closed transition system:

* **variables** (:class:`VarDecl`): shared memory (``U``, ``O``, ``ofs.*``, locks, file
  cursors), per-actor locals and program counters, and ghost variables that property monitors
  add.  A state is the tuple of their values in declaration order.
* **actors** (:class:`Actor`): straight-line programs of atomic :class:`Step` s, one per program
  counter value; an actor whose pc equals ``len(steps)`` has finished.
* a **step** is enabled when its ``guard`` holds in the current state (a lock acquire is
  blocked while the lock is held).  It then performs its ``assigns`` simultaneously and moves
  the actor's pc to the first ``goto`` target whose condition holds; guard, right-hand sides
  and branch conditions are all evaluated in the state *before* the step, so a step is a pure
  function of the state it starts from.  ``events`` tell property monitors what the step means
  (an error completed, a cursor advanced, a call returned); their arguments are expressions
  over the same state before the step.

Granularity (DESIGN §6): every READ_ONCE, WRITE_ONCE, cmpxchg and lock operation on memory
that more than one actor reaches is one step; accesses to memory that only one actor reaches
(the cursor of a file one process holds) and local computation fold into a neighbouring step.

This module knows no engine: engines read the IR and decide how to execute it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from model.errseq import ErrseqLayout
from model.expr import FALSE, TRUE, E, Expr, Op, Var, evaluate, variables

SHARED, LOCAL, PC, GHOST = "shared", "local", "pc", "ghost"


@dataclass(frozen=True)
class VarDecl:
    """One state variable: its qualified name, kind, owner actor (locals, pcs) and meaning."""

    name: str
    kind: str
    doc: str
    init: int = 0
    owner: str | None = None
    errseq: bool = False  # holds an errseq word (decoded as ctr/SEEN/errno in traces)
    bits: int | None = None  # an upper bound on its width when it can exceed 13 bits

    def width(self, world: World) -> int:
        """Bits enough for every value the variable takes (used to pack states)."""
        if self.bits is not None:
            return self.bits
        if self.errseq:
            return world.layout.width
        if self.kind == PC:
            return max(1, world.actor(self.owner or "").done.bit_length())
        return 13  # errnos (<= 4095), flags, small counters


@dataclass(frozen=True)
class Event:
    """What a step means to the property monitors: ``kind`` and named arguments.

    Argument values are IR expressions (over the state before the step) or plain Python
    constants (file and actor names, layers).  ``when`` (default true) says whether the event
    happens on this execution of the step.
    """

    kind: str
    args: tuple[tuple[str, Any], ...] = ()

    def arg(self, key: str) -> Any:
        for k, v in self.args:
            if k == key:
                return v
        raise KeyError(key)


class StepView:
    """Values around one executed step, handed to a step's ``text`` renderer."""

    def __init__(self, pre: Mapping[str, int], post: Mapping[str, int], layout: ErrseqLayout):
        self.pre, self.post, self.layout = pre, post, layout

    def word(self, value: int) -> str:
        return self.layout.format(value)

    def pre_word(self, name: str) -> str:
        return self.word(self.pre[name])

    def post_word(self, name: str) -> str:
        return self.word(self.post[name])


StepText = Callable[[StepView], str]


@dataclass(frozen=True)
class Step:
    """One atomic step of an actor: guard, simultaneous assignments, branch, meaning, text."""

    actor: str
    pc: int
    name: str
    guard: Expr
    assigns: tuple[tuple[str, Expr], ...]
    goto: tuple[tuple[Expr, int], ...]
    events: tuple[Event, ...]
    text: StepText

    @property
    def writes(self) -> frozenset[str]:
        return frozenset(name for name, _ in self.assigns)

    @property
    def reads(self) -> frozenset[str]:
        names: set[str] = set(variables(self.guard))
        for _, e in self.assigns:
            names |= variables(e)
        for c, _ in self.goto:
            names |= variables(c)
        return frozenset(names)


@dataclass(frozen=True)
class Actor:
    """A thread of the world (``W`` writeback, ``P1`` an overlay syncer, ...) and its program."""

    name: str
    role: str
    doc: str
    steps: tuple[Step, ...]

    @property
    def pc_var(self) -> str:
        return f"{self.name}.pc"

    @property
    def done(self) -> int:
        return len(self.steps)


@dataclass(frozen=True)
class FileInfo:
    """An open file description: its name (``fd1``), its layer, its cursor and who holds it."""

    name: str
    layer: str  # "U" or an overlay's word name ("O", "O1", ...)
    cursor: str  # the f_sb_err variable
    holders: tuple[str, ...]


@dataclass(frozen=True)
class World:
    """A closed system ready for an engine: variables, actors, initial state, metadata.

    ``prologue`` is what ran deterministically before the first step (mount, ``--open-first``
    opens), as text lines for traces; its effects are already in ``initial``.
    """

    variables: tuple[VarDecl, ...]
    actors: tuple[Actor, ...]
    layout: ErrseqLayout
    initial: Mapping[str, int]
    files: tuple[FileInfo, ...]
    overlays: tuple[str, ...]
    errors: tuple[int, ...]
    prologue: tuple[str, ...] = ()
    params: Mapping[str, Any] = field(default_factory=dict)
    #: the prologue as programs (``mount``, then ``init``) and the state before it ran
    #: (every variable, the prologue's locals and pcs too): what the SMT engine executes
    #: symbolically when the upper's word at mount is left open (``--upper-at-mount any``)
    prologue_actors: tuple[Actor, ...] = ()
    pre_mount: Mapping[str, int] = field(default_factory=dict)
    #: ``--upper-at-mount any``: U's word before the mount is any valid word (the SMT
    #: engine leaves it symbolic; ``initial`` is the one with U = 0)
    upper_any: bool = False
    #: ``--errors any``: the locals ``W.errN`` holding each writeback error's errno are
    #: constants of the run, any value in 1..4095 (``initial`` holds the listed ones)
    errno_vars: tuple[str, ...] = ()

    def var(self, name: str) -> VarDecl:
        for v in self.variables:
            if v.name == name:
                return v
        raise KeyError(name)

    def actor(self, name: str) -> Actor:
        for a in self.actors:
            if a.name == name:
                return a
        raise KeyError(name)

    def file(self, name: str) -> FileInfo:
        for f in self.files:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(v.name for v in self.variables)

    def initial_state(self) -> tuple[int, ...]:
        return tuple(self.initial.get(v.name, v.init) for v in self.variables)

    def with_ghosts(self, ghosts: tuple[VarDecl, ...], extra: Callable[[Step], Step]) -> World:
        """This world with extra ghost variables and every step rewritten by ``extra``."""
        actors = tuple(
            Actor(a.name, a.role, a.doc, tuple(extra(s) for s in a.steps)) for a in self.actors
        )
        return World(
            self.variables + ghosts, actors, self.layout, dict(self.initial), self.files,
            self.overlays, self.errors, self.prologue, self.params, self.prologue_actors,
            dict(self.pre_mount), self.upper_any, self.errno_vars,
        )


# --------------------------------------------------------------------------------------------
# Reference semantics


def enabled(step: Step, env: Mapping[str, int]) -> bool:
    """Whether ``step`` may run in ``env`` (its guard holds)."""
    return bool(evaluate(step.guard, env))


def execute(step: Step, env: Mapping[str, int]) -> dict[str, int]:
    """Run one enabled step on a by-name state: the reference semantics every engine's
    transitions must reproduce (counterexamples are replayed through this)."""
    post = dict(env)
    for name, e in step.assigns:
        post[name] = evaluate(e, env)
    for cond, target in step.goto:
        if evaluate(cond, env):
            post[f"{step.actor}.pc"] = target
            break
    return post


def event_happens(event: Event, env: Mapping[str, int]) -> bool:
    """Whether ``event`` happens when its step runs in ``env``."""
    when = dict(event.args).get("when", TRUE)
    return bool(evaluate(when, env))


# --------------------------------------------------------------------------------------------
# Building programs


class Label:
    """A jump target inside a program under construction."""

    def __init__(self, name: str):
        self.name = name
        self.pc: int | None = None


DONE = Label("done")


@dataclass(frozen=True)
class After:
    """Placeholder in an event argument: the value ``name`` has after this step (the step's
    right-hand side for it, or its current value when the step does not assign it)."""

    name: str


@dataclass(frozen=True)
class Leaves:
    """Placeholder for an event's ``when``: this step branches to ``label``."""

    label: Label


def _resolve_after(e: Any, assigns: Mapping[str, Expr]) -> Any:
    if isinstance(e, After):
        return assigns.get(e.name, Var(e.name))
    if isinstance(e, Op):
        return Op(e.op, tuple(_resolve_after(a, assigns) for a in e.args), e.k)
    return e


@dataclass
class _PendingStep:
    name: str
    guard: Expr
    assigns: dict[str, Expr]
    goto: list[tuple[Expr, Label | None]]  # None: fall through to the next entry
    events: list[Event]
    text: StepText


#: a step emitted but not yet built: what :meth:`ProgramBuilder.steps_since` hands out for a
#: discipline to rewrite (its ``goto`` targets are :class:`Label` s, None = fall through)
PendingStep = _PendingStep


@dataclass
class _Branch:
    """Not a step: a local ``if`` folded into whichever step reaches it (see ``branch``)."""

    cond: Expr
    target: Label


@dataclass
class _Assign:
    """Not a step: local assignments folded into whichever step reaches them (see ``fold``)."""

    assigns: dict[str, Expr]


class ProgramBuilder:
    """Accumulates an actor's steps; kernel macros (``model.kernel``) call :meth:`step`.

    Locals are declared with :meth:`local` and named ``ACTOR.name``.  Events and assignments
    registered with :meth:`on_next_step` are attached to the next step emitted (how a
    syscall's first atomic step learns that it begins the call).  :meth:`branch` places a
    local ``if (cond) goto label`` that costs no step: it is folded into the branches of every
    step that reaches it, its condition evaluated on that step's results (``After``).
    """

    def __init__(self, actor: str):
        self.actor = actor
        self.locals: dict[str, VarDecl] = {}
        self._entries: list[_PendingStep | _Branch | _Assign] = []
        self._pending_events: list[Event] = []
        self._pending_assigns: dict[str, Expr] = {}
        self._regions: list[tuple[int, int, Label, Callable[[Expr], list[Event]]]] = []

    @property
    def pc_var(self) -> str:
        return f"{self.actor}.pc"

    def local(self, name: str, doc: str, errseq: bool = False) -> Var:
        q = f"{self.actor}.{name}"
        if q not in self.locals:
            self.locals[q] = VarDecl(q, LOCAL, doc, owner=self.actor, errseq=errseq)
        return Var(q)

    def label(self, name: str) -> Label:
        return Label(name)

    def here(self, label: Label) -> None:
        """Place ``label`` at the next entry emitted."""
        label.pc = len(self._entries)

    @property
    def next_pc(self) -> int:
        return len(self._entries)

    def on_next_step(self, event: Event | None = None, assigns: Mapping[str, Expr] | None = None
                     ) -> None:
        if event is not None:
            self._pending_events.append(event)
        self._pending_assigns.update(assigns or {})

    def step(
        self,
        name: str,
        text: StepText,
        *,
        guard: Expr = TRUE,
        assigns: Mapping[str, Expr] | None = None,
        goto: list[tuple[Expr, Label | None]] | None = None,
        events: list[Event] | None = None,
    ) -> int:
        """Emit one atomic step."""
        evs = self._pending_events + list(events or [])
        merged = {**self._pending_assigns, **(assigns or {})}
        self._pending_events, self._pending_assigns = [], {}
        self._entries.append(
            _PendingStep(name, guard, merged, list(goto or [(TRUE, None)]), evs, text)
        )
        return len(self._entries) - 1

    def branch(self, cond: Expr, target: Label) -> None:
        """``if (cond) goto target;`` folded into the step(s) before it.  ``cond`` may use
        ``After(local)`` for a value the reaching step assigns."""
        self._entries.append(_Branch(cond, target))

    def fold(self, assigns: Mapping[str, Expr]) -> None:
        """Local assignments that cost no step: every step that reaches this point does them
        too, on the paths that reach it (values may use ``After(local)``, as for
        :meth:`branch`).  How a C scheme's ``return -EIO;`` sets ``->sync_fs``'s result on
        one path of an ``if`` with no step of its own."""
        self._entries.append(_Assign(dict(assigns)))

    def fold_slot(self) -> dict[str, Expr]:
        """:meth:`fold` of assignments not known yet: the dict returned is the one the
        builder keeps, to be filled before :meth:`build` (a C ``goto``'s path learns what
        its label's join needs only when the label is reached)."""
        slot: dict[str, Expr] = {}
        self._entries.append(_Assign(slot))
        return slot

    def steps_since(self, start: int) -> list[PendingStep]:
        """The steps emitted at entry ``start`` (a :attr:`next_pc` taken earlier) or later, in
        program order, as mutable records: a discipline may rewrite their guard, assigns,
        goto (Labels), events and text in place before :meth:`build` (e.g. turn every store
        to O in a region into a cmpxchg that retries).  Local branches are not included."""
        return [e for e in self._entries[start:] if isinstance(e, _PendingStep)]

    def region_exits(self, start: int, end: Label, make: Callable[[Expr], list[Event]]) -> None:
        """For every step in ``[start, here)`` that can branch to ``end``, attach the events
        ``make(when)``, ``when`` being the condition under which it does (a call's return)."""
        self._regions.append((start, len(self._entries), end, make))

    def build(self, role: str, doc: str) -> Actor:
        if self._pending_events or self._pending_assigns:
            raise ValueError(f"{self.actor}: events left with no step to carry them")
        entries = self._entries
        pcs: dict[int, int] = {}
        for idx, ent in enumerate(entries):
            if isinstance(ent, _PendingStep):
                pcs[idx] = len(pcs)
        n = len(pcs)

        def index_of(lab: Label | None, idx: int) -> int:
            if lab is None:
                return idx + 1
            if lab is DONE:
                return len(entries)
            if lab.pc is None:
                raise ValueError(f"{self.actor}: label {lab.name!r} is never placed")
            return lab.pc

        folded: dict[int, list[tuple[Expr, dict[str, Expr]]]] = {}

        #: the branch entries each goto of each step passes on its way (``via``): how the
        #: return of a call that loops back (``syncfs --syncs inf``) is told apart from a
        #: jump to the same pc inside the call
        vias: dict[int, list[frozenset[int]]] = {}

        def expand(cond: Expr, idx: int, assigns: Mapping[str, Expr], depth: int = 0,
                   via: frozenset[int] = frozenset()) -> list[tuple[Expr, int, frozenset[int]]]:
            if depth > len(entries):
                raise ValueError(f"{self.actor}: local branches form a loop with no step")
            if idx >= len(entries):
                return [(cond, n, via)]
            ent = entries[idx]
            if isinstance(ent, _PendingStep):
                return [(cond, pcs[idx], via)]
            if isinstance(ent, _Assign):
                vals = {k: _resolve_after(v, assigns) for k, v in ent.assigns.items()}
                folded.setdefault(current[0], []).append((cond, vals))
                return expand(cond, idx + 1, {**assigns, **vals}, depth + 1, via)
            bc = _resolve_after(ent.cond, assigns)
            via = via | {idx}
            return (expand(E.land(cond, bc), index_of(ent.target, idx), assigns, depth + 1, via)
                    + expand(E.land(cond, E.lnot(bc)), idx + 1, assigns, depth + 1, via))

        current = [0]

        gotos: dict[int, list[tuple[Expr, int]]] = {}
        folded_any = any(isinstance(e, _Assign) for e in entries)
        for idx, ent in enumerate(entries):
            if not isinstance(ent, _PendingStep):
                continue
            raw = list(ent.goto)
            if raw[-1][0] != TRUE:
                raw.append((TRUE, None))
            goto: list[tuple[Expr, int]] = []
            passed: list[frozenset[int]] = []
            current[0] = idx
            none_before: Expr = TRUE
            for c, lab in raw:
                # folded assignments hold on this raw branch only when no earlier one is taken
                for c2, t, via in expand(E.land(none_before, c) if folded_any else c,
                                         index_of(lab, idx), ent.assigns):
                    if c2 != FALSE:
                        goto.append((c2, t))
                        passed.append(via)
                none_before = E.land(none_before, E.lnot(c))
            gotos[idx] = goto
            vias[idx] = passed
            for c, vals in folded.get(idx, []):
                for k, v in vals.items():
                    base = ent.assigns.get(k, Var(k))
                    ent.assigns[k] = E.ite(c, v, base)

        def branch_cond(idx: int, target: int) -> Expr:
            taken: Expr = FALSE
            none_before: Expr = TRUE
            for c, t in gotos[idx]:
                if t == target:
                    taken = E.lor(taken, E.land(none_before, c))
                none_before = E.land(none_before, E.lnot(c))
            return taken

        def final_pc(lab: Label, idx: int) -> int:
            i = index_of(lab, idx)
            while i < len(entries) and isinstance(entries[i], _Assign):
                i += 1  # (a label before folded assignments: they belong to the steps before)
            if i < len(entries) and not isinstance(entries[i], _PendingStep):
                raise ValueError(f"{self.actor}: label {lab.name!r} sits on a local branch")
            return pcs.get(i, n)

        def passes(idx: int, branch: int) -> Expr:
            """The condition under which step ``idx`` leaves through entry ``branch``."""
            taken: Expr = FALSE
            none_before: Expr = TRUE
            for (c, _), via in zip(gotos[idx], vias[idx], strict=True):
                if branch in via:
                    taken = E.lor(taken, E.land(none_before, c))
                none_before = E.land(none_before, E.lnot(c))
            return taken

        for start, stop, end, make in self._regions:
            loops = end.pc is not None and end.pc < len(entries) and \
                isinstance(entries[end.pc], _Branch) and entries[end.pc].cond == TRUE
            target = -1 if loops else final_pc(end, 0)
            for idx in range(start, stop):
                if idx in gotos:
                    # a region ending on ``goto again`` (a call that loops back) is left by
                    # the gotos that pass that branch, whatever pc they land on
                    when = passes(idx, end.pc) if loops else branch_cond(idx, target)  # type: ignore[arg-type]
                    if when != FALSE:
                        entries[idx].events.extend(make(when))  # type: ignore[union-attr]

        steps = []
        for idx, ent in enumerate(entries):
            if not isinstance(ent, _PendingStep):
                continue
            events = []
            for ev in ent.events:
                args = []
                for k, v in ev.args:
                    if isinstance(v, (After, Op)):
                        v = _resolve_after(v, ent.assigns)
                    elif isinstance(v, Leaves):
                        v = branch_cond(idx, final_pc(v.label, idx))
                    args.append((k, v))
                events.append(Event(ev.kind, tuple(args)))
            steps.append(
                Step(self.actor, pcs[idx], ent.name, ent.guard, tuple(sorted(ent.assigns.items())),
                     tuple(gotos[idx]), tuple(events), ent.text)
            )
        return Actor(self.actor, role, doc, tuple(steps))
