"""SMT engine: bounded model checking of the same instrumented IR with z3.

This module and the invariant proofs (:mod:`checks.smtinv`, :mod:`checks.smtparam`) are
the only ones that import z3.  The world the explicit engine searches (the scheme's steps,
instrumented by the property monitor) is translated expression by expression:

* one z3 bit-vector per variable per time step (``U@3``, ``P1.pc@3``, ``g.G@3``), each of its
  own width (:class:`Ranges`: bits enough for every value state ``k`` can hold; a pc, a
  boolean or a ghost counter needs a few), zero-extended where it is read, so every term is
  computed at the world's width (the errseq word's bits plus one; booleans are 0/1);
* a selector ``sel@k`` per transition names the actor that takes step ``k -> k+1``, or (for
  a world whose executions all end) none: a stop, after which every transition is one;
* next-state functions: a variable keeps its value (the frame condition) unless the selected
  actor sits at a step that assigns it; the guard of the selected step must hold; an actor
  that has finished cannot be selected;
* symmetry breaking for identical syncers and a partial-order reduction (two adjacent steps
  that commute run in actor order), both keeping every shortest counterexample;
* the property's violation is the monitor's violation condition of the selected step.

Bounded model checking deepens one transition at a time on one incremental solver: at depth
``d`` it asks for a violation on the last transition (as an assumption, so the solver keeps
what it learnt), and the first depth that is satisfiable gives a shortest counterexample.  The
model's selectors are decoded into a schedule, which the caller replays through the reference
interpreter before it is shown.

Proofs: each actor runs a bounded program, so executions are finite.  At every depth the
engine also asks whether *any* execution is that long; when none is, every execution has been
covered and the verdict is ``holds`` with that depth ("bmc-complete").  When executions all
end, a violation query that exceeds a small budget is deferred, and the deferred ones are
asked together once the longest execution is known (:func:`_bmc_complete`): one hard query
instead of one per depth.  k-induction is tried at a few depths (``INDUCTION_DEPTHS``; only
depth 1 when executions all end), each try bounded by z3's deterministic resource counter,
not by the clock, so the same check gives the same proof on a loaded machine: if no path of
``k+1`` distinct states from an arbitrary state violates only at its last transition, the
property holds for every depth ("k-induction").

First of all, where the reachable states can be listed (``checks.smtinv``: at most
``smtinv.MAX_STATES``, from the initial states z3 lists for the symbolic initial
condition), z3 proves them an inductive invariant and asks whether a step from one of them
violates: no, and the verdict is ``holds`` for executions of every length ("invariant"); yes,
and a violation is known to exist, so bounded model checking asks each depth without a
budget and stops at the first satisfiable one (the shortest), without seeking the longest
execution.  From a symbolic mount or symbolic errnos the states are too many to list; the
invariant is then a set of templates over those inputs (``checks.smtparam``), given at most
``PARAM_SECONDS``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import z3

from checks.symmetry import symmetry_groups
from model.expr import Const, Expr, Op, Var, variables
from model.ir import World
from specs.properties import PROPERTIES, violation_of
from specs.results import Stats, Verdict


class Z3Domain:
    """``model.values.Domain`` over z3 bit-vectors of one width; booleans coerced as needed."""

    def __init__(self, width: int):
        self.width = width

    def bv(self, x: Any) -> z3.BitVecRef:
        if isinstance(x, z3.BoolRef):
            return z3.If(x, z3.BitVecVal(1, self.width), z3.BitVecVal(0, self.width))
        if isinstance(x, int):
            return z3.BitVecVal(x, self.width)
        return x

    def bool(self, x: Any) -> z3.BoolRef:
        if isinstance(x, z3.BoolRef):
            return x
        if isinstance(x, int):
            return z3.BoolVal(bool(x))
        return x != z3.BitVecVal(0, self.width)

    def const(self, value: int) -> z3.BitVecRef:
        if value >= 1 << self.width:
            raise ValueError(f"constant {value} does not fit {self.width} bits")
        return z3.BitVecVal(value, self.width)

    def add(self, a: Any, b: Any) -> Any:
        return self.bv(a) + self.bv(b)

    def sub(self, a: Any, b: Any) -> Any:
        return self.bv(a) - self.bv(b)

    def band(self, a: Any, b: Any) -> Any:
        return self.bv(a) & self.bv(b)

    def bor(self, a: Any, b: Any) -> Any:
        return self.bv(a) | self.bv(b)

    def shr(self, a: Any, k: int) -> Any:
        return z3.LShR(self.bv(a), k)

    def eq(self, a: Any, b: Any) -> Any:
        return self.bv(a) == self.bv(b)

    def ne(self, a: Any, b: Any) -> Any:
        return self.bv(a) != self.bv(b)

    def lt(self, a: Any, b: Any) -> Any:
        return z3.ULT(self.bv(a), self.bv(b))

    def le(self, a: Any, b: Any) -> Any:
        return z3.ULE(self.bv(a), self.bv(b))

    def ite(self, c: Any, a: Any, b: Any) -> Any:
        return z3.If(self.bool(c), self.bv(a), self.bv(b))

    def land(self, a: Any, b: Any) -> Any:
        return z3.And(self.bool(a), self.bool(b))

    def lor(self, a: Any, b: Any) -> Any:
        return z3.Or(self.bool(a), self.bool(b))

    def lnot(self, a: Any) -> Any:
        return z3.Not(self.bool(a))

    def max(self, a: Any, b: Any) -> Any:
        a, b = self.bv(a), self.bv(b)
        return z3.If(z3.UGE(a, b), a, b)

    def min(self, a: Any, b: Any) -> Any:
        a, b = self.bv(a), self.bv(b)
        return z3.If(z3.ULE(a, b), a, b)


def translate(e: Expr, D: Z3Domain, env: dict[str, Any]) -> Any:
    """An IR expression as a z3 term over ``env`` (variable name -> term)."""
    if isinstance(e, Const):
        return D.const(e.value)
    if isinstance(e, Var):
        return env[e.name]
    assert isinstance(e, Op)
    args = [translate(a, D, env) for a in e.args]
    if e.op == "shr":
        return D.shr(args[0], e.k)
    return getattr(D, e.op)(*args)


def _width(world: World) -> int:
    biggest = max([world.layout.word_mask, *world.initial.values(),
                   *(a.done for a in world.actors)])
    return max(16, biggest.bit_length() + 1)


def _bound(e: Expr, hi: dict[str, int], top: int) -> int:
    """An upper bound on ``e``'s value at the engine's width (``top``: all ones) when every
    variable ``v`` is at most ``hi[v]``: intervals with lower bound 0 (values are unsigned;
    a ``sub`` may wrap, so it is bounded by ``top`` alone)."""
    if isinstance(e, Const):
        return e.value
    if isinstance(e, Var):
        return hi[e.name]
    assert isinstance(e, Op)
    if e.op in ("eq", "ne", "lt", "le", "land", "lor", "lnot"):
        return 1
    b = [_bound(a, hi, top) for a in e.args]
    if e.op == "add":
        return min(b[0] + b[1], top)
    if e.op == "sub":
        return b[0] if b[1] == 0 else top
    if e.op in ("band", "min"):
        return min(b)
    if e.op == "bor":  # a | b <= a + b, and fits the wider operand's bits
        return min(top, b[0] + b[1], (1 << max(b).bit_length()) - 1)
    if e.op == "shr":
        return b[0] >> e.k
    if e.op == "ite":
        return max(b[1], b[2])
    if e.op == "max":
        return max(b)
    raise ValueError(f"unknown operation {e.op!r}")


class Ranges:
    """How many bits each variable needs, state by state: each variable is then a
    bit-vector of its own width, zero-extended where it is read.  Terms are still built at
    the world's width, so no verdict can change as long as no value is cut, which this
    analysis guarantees.

    An abstract round applies every step of every actor (guards ignored) to per-variable
    upper bounds and joins them with the old ones: round ``r`` bounds every state reachable
    in ``r`` steps, so state ``k`` of an unrolling gets round ``k``'s widths (a ghost counter
    bumped once per step needs ``log2(k)`` bits there, not the word's 33).  ``fixed`` bounds
    every reachable state (rounds to a fixed point, a bound that grows again being widened
    to the next power of two): the widths of an arbitrary state (k-induction).  The
    prologue (``--upper-at-mount any``, ``--errors any``) runs first from every word and
    errno, for as many rounds as :func:`_run_symbolically` gives it."""

    def __init__(self, world: World, width: int):
        self.world, self.top = world, (1 << width) - 1
        self.width = width
        hi = dict(zip(world.names, world.initial_state(), strict=True))
        if world.upper_any or world.errno_vars:
            for n, v in world.pre_mount.items():
                hi[n] = max(hi.get(n, 0), v)
            if world.upper_any:
                hi["U"] = max(hi.get("U", 0), world.layout.word_mask)
            for n in world.errno_vars:
                hi[n] = max(hi.get(n, 0), world.layout.errno_mask)
            pro = [(a.pc_var, st) for a in world.prologue_actors for st in a.steps]
            for _ in range(max((2 * len(a.steps) + 2 for a in world.prologue_actors),
                               default=0)):
                hi = self._round(hi, pro)
        hi = {n: min(v, self.top) for n, v in hi.items()}
        self.steps = [(a.pc_var, st) for a in world.actors for st in a.steps]
        self.rounds = [hi]
        fix = hi
        while True:  # a fixed point with widening: each bound climbs at most `width` times
            new = self._round(fix, self.steps)
            if new == fix:
                break
            fix = {n: v if v == fix.get(n) else min(self.top, (1 << v.bit_length()) - 1)
                   for n, v in new.items()}
        self.fixed = self._bits(fix)
        self._widths = [self._bits(hi)]

    def _round(self, hi: dict[str, int], steps: list[tuple[str, Any]]) -> dict[str, int]:
        new = dict(hi)
        for pcv, st in steps:
            for name, e in st.assigns:
                new[name] = max(new.get(name, 0), _bound(e, hi, self.top))
            new[pcv] = max(new.get(pcv, 0), *(t for _, t in st.goto))
        return new

    def _bits(self, hi: dict[str, int]) -> dict[str, int]:
        return {n: min(self.width, max(1, hi[n].bit_length())) for n in self.world.names}

    def at(self, k: int) -> dict[str, int]:
        """Widths for state ``k`` of an execution from the initial state."""
        while len(self._widths) <= k:
            last = self.rounds[-1]
            new = self._round(last, self.steps)
            self.rounds.append(new)
            if new == last:  # stable from here on
                self._widths.append(self._widths[-1])
            else:
                self._widths.append({n: min(b, self.fixed[n])
                                     for n, b in self._bits(new).items()})
        return self._widths[k]


@dataclass(frozen=True)
class SmtOutcome:
    """What the SMT engine found: verdict, schedule, reason, proof, cost."""

    verdict: Verdict
    schedule: tuple[str, ...] | None
    reason: str
    stats: Stats
    depth: int
    proof: str | None = None  # "bmc-complete" | "k-induction" | None
    #: a counterexample's open values the solver picked: U's word before the mount
    #: (``--upper-at-mount any``), the errnos (``--errors any``)
    upper: int | None = None
    errnos: tuple[int, ...] | None = None


class _Unrolling:
    """Copies of one world's variables per time step, and its transition relation."""

    def __init__(self, world: World, tag: str, sel: list[Any]):
        self.world, self.tag, self.sel = world, tag, sel
        self.D = Z3Domain(_width(world))
        self.ranges = Ranges(world, self.D.width)
        self.arbitrary = False  # states are reachable from the initial state, or any (k-ind.)
        self.frames: list[dict[str, Any]] = []
        self.raw: list[dict[str, Any]] = []  # the variables themselves, of their own widths
        self.bad: list[Any] = []  # the violation on transition k
        self.enabled: list[Any] = []  # some actor can move in state k
        self.unfinished: list[Any] = []  # some actor has not finished in state k
        self.moved: list[Any] = []  # the selected actor could move (twin: may fail)

    def frame(self, k: int) -> dict[str, Any]:
        """State ``k``'s variables, each of its own width; returned (and kept in
        ``frames``) zero-extended to the world's width, which is where terms are built."""
        if not NARROW_WIDTHS:
            bits = dict.fromkeys(self.world.names, self.D.width)
        else:
            bits = self.ranges.fixed if self.arbitrary else self.ranges.at(k)
        raw = {n: z3.BitVec(f"{self.tag}{n}@{k}", bits[n]) for n in self.world.names}
        self.raw.append(raw)
        env = {n: self._extend(v) for n, v in raw.items()}
        self.frames.append(env)
        return env

    def _extend(self, v: Any) -> Any:
        return v if v.size() == self.D.width else z3.ZeroExt(self.D.width - v.size(), v)

    def set(self, k: int, name: str, value: Any) -> Any:
        """``name`` in state ``k`` equals ``value`` (a term of the world's width, which
        :func:`var_widths` guarantees fits the variable)."""
        var = self.raw[k][name]
        if var.size() < self.D.width:
            value = z3.Extract(var.size() - 1, 0, value)
        return var == value

    def initial(self) -> list[Any]:
        """Constraints on state 0.  With ``--upper-at-mount any`` U's word before the mount
        is a symbolic word (``mount_word``) constrained to the valid words of the layout
        (:func:`model.world.valid_mount_word`), and the prologue (mount, then any
        ``--open-first`` opens) runs on it symbolically: state 0 is its result.  With
        ``--errors any`` each ``W.errN`` is a symbolic constant in 1..4095 (``errnos``)."""
        self.frame(0)
        w, D = self.world, self.D
        init = w.initial_state()
        self.mount_word: Any = None
        self.errnos: list[Any] = []
        if not w.upper_any and not w.errno_vars:
            return [self.set(0, n, D.const(v)) for n, v in zip(w.names, init, strict=True)]
        cons: list[Any] = []
        pre: dict[str, Any] = {n: D.const(v) for n, v in w.pre_mount.items()}
        for n in w.errno_vars:
            e = z3.BitVec(f"{self.tag}{n}@mount", D.width)
            cons += [z3.ULE(1, e), z3.ULE(e, w.layout.errno_mask)]
            pre[n] = e
            self.errnos.append(e)
        if w.upper_any:
            u = z3.BitVec(f"{self.tag}U@mount", D.width)
            self.mount_word = pre["U"] = u
            cons.append(valid_word(w.layout, u, D))
        musts: list[Any] = []
        for actor in w.prologue_actors:
            pre = _run_symbolically(actor, pre, D, musts)
        # The prologue must run to its end, never blocked, from every word and errnos: were
        # it not, those would be left out silently.  A query of its own, so BMC never sees
        # the obligations (they hold).
        check = z3.SolverFor("QF_BV")
        check.add(*cons, z3.Not(z3.And(musts)))
        if check.check() != z3.unsat:
            raise ValueError("the prologue blocks or does not finish from some word U can "
                             "hold at mount: the symbolic mount cannot stand for every word")
        for n, v in zip(w.names, init, strict=True):
            cons.append(self.set(0, n, pre[n] if n in pre else D.const(v)))
        return cons

    def state_facts(self, k: int) -> None:
        D, env = self.D, self.frames[k]
        en, unf = [], []
        for a in self.world.actors:
            pc = env[a.pc_var]
            unf.append(z3.ULT(pc, D.const(a.done)))
            for st in a.steps:
                en.append(z3.And(pc == D.const(st.pc), D.bool(translate(st.guard, D, env))))
        self.enabled.append(z3.Or(en) if en else z3.BoolVal(False))
        self.unfinished.append(z3.Or(unf) if unf else z3.BoolVal(False))

    def step(self, k: int, sel: Any, strict: bool) -> list[Any]:
        """Constraints for transition ``k -> k+1`` with actor ``sel``.

        ``strict``: the selected actor must be able to move (the world being checked); else a
        blocked or finished actor leaves the state unchanged and ``moved`` is false (the twin).
        """
        D, cur = self.D, self.frames[k]
        self.frame(k + 1)
        writers: dict[str, list[tuple[Any, Any]]] = {n: [] for n in self.world.names}
        can_move, bad = [], []
        for ai, a in enumerate(self.world.actors):
            chosen = sel == ai
            pc = cur[a.pc_var]
            for st in a.steps:
                fire = z3.And(chosen, pc == D.const(st.pc), D.bool(translate(st.guard, D, cur)))
                can_move.append(fire)
                for name, e in st.assigns:
                    writers[name].append((fire, D.bv(translate(e, D, cur))))
                target: Any = D.const(st.goto[-1][1])
                for cond, t in reversed(st.goto[:-1]):
                    target = z3.If(D.bool(translate(cond, D, cur)), D.const(t), target)
                writers[a.pc_var].append((fire, target))
                v = violation_of(st)
                if v != Const(0):
                    bad.append(z3.And(fire, D.bool(translate(v, D, cur))))
        cons = []
        for name in self.world.names:
            value = cur[name]
            for fire, new in reversed(writers[name]):
                value = z3.If(fire, new, value)
            cons.append(self.set(k + 1, name, value))
        moved = z3.Or(can_move) if can_move else z3.BoolVal(False)
        self.moved.append(moved)
        if strict:
            cons.append(moved)
        self.bad.append(z3.Or(bad) if bad else z3.BoolVal(False))
        return cons


def valid_word(L: Any, u: Any, D: Z3Domain) -> Any:
    """:func:`model.world.valid_mount_word` on a z3 term: the word fits the layout, and has
    an errno unless it is 0 (or, in the MUSTINC layout, flags alone)."""
    fits = z3.ULE(u, D.const(L.word_mask))
    has_errno = (u & D.const(L.errno_mask)) != D.const(0)
    rest = (u & D.const(L.word_mask & ~L.flags)) if L.mustinc else u
    return z3.And(fits, z3.Or(has_errno, rest == D.const(0)))


def _run_symbolically(actor: Any, env: dict[str, Any], D: Z3Domain, musts: list[Any]
                      ) -> dict[str, Any]:
    """Run a prologue actor (deterministic, single-threaded) from ``env`` on symbolic values:
    ``len(steps) * 2 + 2`` rounds of "the step at pc fires" (a finished actor stays put).
    ``musts`` gets what must hold for the result to be the prologue's: each guard where it
    is reached (the concrete run raises on a blocked prologue) and the actor finished (the
    caller proves them for every word).  Returns the environment after it."""
    pcv = actor.pc_var
    for _ in range(2 * len(actor.steps) + 2):
        pc = env[pcv]
        new = dict(env)
        for st in actor.steps:
            at = pc == D.const(st.pc)
            musts.append(z3.Implies(at, D.bool(translate(st.guard, D, env))))
            for name, e in st.assigns:
                new[name] = z3.If(at, D.bv(translate(e, D, env)), new[name])
            target: Any = D.const(st.goto[-1][1])
            for cond, t in reversed(st.goto[:-1]):
                target = z3.If(D.bool(translate(cond, D, env)), D.const(t), target)
            new[pcv] = z3.If(at, target, new[pcv])
        env = {k: z3.simplify(v) if isinstance(v, z3.ExprRef) else v for k, v in new.items()}
    musts.append(env[pcv] == D.const(actor.done))
    return env


def _peak_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _touches(st: Any) -> tuple[frozenset[str], frozenset[str]]:
    """What a step reads (guard, right-hand sides, branches, its violation) and writes."""
    reads = set(st.reads) | variables(violation_of(st))
    return frozenset(reads), st.writes | {f"{st.actor}.pc"}


def _commuting(worlds: list[World]) -> dict[tuple[int, int], list[tuple[int, int]]]:
    """For actors ``j < i``: the step pairs ``(p, q)`` (``i`` at ``p``, ``j`` at ``q``) that
    commute in every world given: neither writes what the other reads or writes (ghosts
    and violation conditions included).  Swapping two adjacent commuting steps keeps both
    enabled, every step's pre-state on what it reads, the length and the final state."""
    base = worlds[0]
    shapes = [[len(a.steps) for a in w.actors] for w in worlds]
    if any(s != shapes[0] for s in shapes):
        return {}
    out: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for i, ai in enumerate(base.actors):
        for j in range(i):
            pairs = []
            for p in range(len(ai.steps)):
                for q in range(len(base.actors[j].steps)):
                    ok = True
                    for w in worlds:
                        ra, wa = _touches(w.actors[i].steps[p])
                        rb, wb = _touches(w.actors[j].steps[q])
                        if wa & (rb | wb) or wb & ra:
                            ok = False
                            break
                    if ok:
                        pairs.append((p, q))
            if pairs:
                out[(i, j)] = pairs
    return out


class _Search:
    """One incremental solver over the world (and twin) unrolled transition by transition,
    with what decoding a counterexample needs.  ``stutter``: a transition may also be a
    stop (``sel@k`` = the number of actors, after which every transition is one), so the
    unrolling to depth ``d`` holds every execution of length ``d`` or less."""

    def __init__(self, world: World, prop: str, twin: World | None, t0: float,
                 stutter: bool):
        self.world, self.prop, self.t0, self.stutter = world, prop, t0, stutter
        self.names = [a.name for a in world.actors]
        self.n_act = len(world.actors)
        self.solver = solver = z3.SolverFor("QF_BV")
        self.sel: list[Any] = []
        self.main = main = _Unrolling(world, "", self.sel)
        solver.add(main.initial())
        self.tw: _Unrolling | None = None
        self.alive: list[Any] = []
        self.twin_clean: list[Any] = []  # the twin has not lost an error on transitions < k
        if twin is not None:
            self.tw = tw = _Unrolling(twin, "twin.", self.sel)
            solver.add(tw.initial())
            # the twin starts from the same history: the same word (its counter is wider, the
            # same field positions) and the same errnos
            for a, b in ([(main.mount_word, tw.mount_word)] if main.mount_word is not None
                         else []) + list(zip(main.errnos, tw.errnos, strict=True)):
                solver.add(b == z3.ZeroExt(tw.D.width - main.D.width, a))
            self.alive.append(z3.BoolVal(True))
            self.twin_clean.append(z3.BoolVal(True))
        main.state_facts(0)
        self.pairs = _symmetric_pairs(world)
        self.first_moved: dict[int, Any] = {a: z3.BoolVal(False) for p in self.pairs for a in p}
        self.on_states = PROPERTIES[prop].on_states  # violated by a state, not by a step
        self.commuting = _commuting([world] + ([twin] if twin is not None else []))

    def stats(self, depth: int) -> Stats:
        return Stats(0, 0, depth, time.perf_counter() - self.t0, _peak_mib())

    def live(self, k: int) -> Any:
        """Transition ``k`` is a move (not a stop)."""
        return self.sel[k] != self.n_act if self.stutter else z3.BoolVal(True)

    def dead(self, k: int) -> Any:
        """State ``k`` is a deadlock reached by ``k`` moves."""
        reached = self.live(k - 1) if k > 0 else z3.BoolVal(True)
        return z3.And(reached, z3.Not(self.main.enabled[k]), self.main.unfinished[k])

    def deepen(self) -> Any:
        """Add transition ``k`` (the next one); return its goal: a violation on it (for a
        property of states: a deadlock in the state it leads to)."""
        k, solver, main, tw = len(self.sel), self.solver, self.main, self.tw
        s = z3.BitVec(f"sel@{k}", max(2, self.n_act.bit_length() + 1))
        self.sel.append(s)
        if self.stutter:
            solver.add(z3.ULE(s, self.n_act))
            if k > 0:
                solver.add(z3.Implies(self.sel[k - 1] == self.n_act, s == self.n_act))
        else:
            solver.add(z3.ULT(s, self.n_act))
        for before, after in self.pairs:  # symmetry breaking: see _symmetric_pairs
            solver.add(z3.Implies(s == after, self.first_moved[before]))
        for a in self.first_moved:
            self.first_moved[a] = z3.Or(self.first_moved[a], s == a)
        if k > 0 and PARTIAL_ORDER:  # commuting neighbours in actor order: _normal_form
            solver.add(self._normal_form(k))
        cons = main.step(k, z3.ZeroExt(main.D.width - s.size(), s), not self.stutter)
        if self.stutter:
            cons.append(z3.Or(main.moved[k], s == self.n_act))
        solver.add(cons)
        main.state_facts(k + 1)
        if tw is not None:
            solver.add(tw.step(k, z3.ZeroExt(tw.D.width - s.size(), s), False))
            alive_k = self.alive[k]
            tbad = z3.And(alive_k, tw.moved[k], tw.bad[k])
            self.alive.append(z3.And(alive_k, tw.moved[k]))
            self.twin_clean.append(z3.And(self.twin_clean[k], z3.Not(tbad)))
            return z3.And(main.bad[k], self.twin_clean[k], z3.Not(tbad))
        if self.on_states:
            return self.dead(k + 1)
        return main.bad[k]

    def _normal_form(self, k: int) -> list[Any]:
        """Partial-order reduction: transitions ``k - 1`` (actor ``i``) and ``k`` (actor
        ``j < i``) may not be two steps that commute (:func:`_commuting`).  Sound and
        length-preserving: swapping such a pair keeps an execution valid, as long, with the
        same final state and each step seeing the same values; the lexicographically least
        schedule (``decode``'s) has no such pair, or swapping it would give a smaller one
        (a shortest counterexample's violating step stays last: moved earlier, it would
        make a shorter one).  So every shortest violation, deadlock and longest execution
        keeps a representative, and the counterexample decoded is unchanged."""
        prev, env = self.sel[k - 1], self.main.frames[k - 1]
        cons = []
        for (i, j), pairs in self.commuting.items():
            pci, pcj = env[self.world.actors[i].pc_var], env[self.world.actors[j].pc_var]
            D = self.main.D
            both = z3.Or([z3.And(pci == D.const(p), pcj == D.const(q)) for p, q in pairs])
            cons.append(z3.Implies(z3.And(prev == i, self.sel[k] == j), z3.Not(both)))
        return cons

    def check(self, max_seconds: float | None, *goals: Any) -> Any:
        if max_seconds is not None:
            left = max_seconds - (time.perf_counter() - self.t0)
            self.solver.set("timeout", max(1, int(left * 1000)))
        return self.solver.check(*goals)

    def unknown(self, max_seconds: float | None, depth: int) -> SmtOutcome:
        why = self.solver.reason_unknown()
        if max_seconds is not None and time.perf_counter() - self.t0 >= max_seconds * 0.99:
            why = f"time limit {max_seconds:g}s reached"
        return SmtOutcome(Verdict.UNKNOWN, None, f"{why} at depth {depth}", self.stats(depth),
                          depth)

    def least(self, goal: Any, fixed: list[Any], term: Any) -> int:
        """The least value ``term`` takes in a violation with the schedule ``fixed`` (a
        binary search: the counterexample's open values are then a function of the world,
        as its schedule is)."""
        solver = self.solver
        if solver.check(goal, *fixed) != z3.sat:  # pragma: no cover - it was sat before
            raise AssertionError("a pinned counterexample vanished")
        lo, hi = 0, solver.model().eval(term, model_completion=True).as_long()
        while lo < hi:
            mid = (lo + hi) // 2
            if solver.check(goal, *fixed, z3.ULE(term, mid)) == z3.sat:
                hi = mid
            else:
                lo = mid + 1
        return lo

    def found(self, goal: Any, depth: int) -> SmtOutcome:
        self.solver.set("timeout", 4294967295)  # decoding a found violation is not cut
        schedule, fixed = self.decode(goal, depth)
        upper, errnos = None, None
        main = self.main
        if main.mount_word is not None or main.errnos:
            pinned = list(fixed)
            if main.mount_word is not None:
                upper = self.least(goal, pinned, main.mount_word)
                pinned.append(main.mount_word == upper)
            vals = []
            for e in main.errnos:
                vals.append(self.least(goal, pinned, e))
                pinned.append(e == vals[-1])
            errnos = tuple(vals) if main.errnos else None
        return SmtOutcome(Verdict.VIOLATED, schedule, self.prop, self.stats(depth), depth,
                          upper=upper, errnos=errnos)

    def decode(self, goal: Any, depth: int) -> tuple[tuple[str, ...], list[Any]]:
        """The lexicographically least violating schedule of this length (by actor order).

        z3's model is whichever one its search met first, and that depends on more than the
        query (its results moved with ``PYTHONHASHSEED``).  Fixing each selector in turn to
        the least actor that still admits a violation makes the trace a function of the world
        alone, so the same command always prints the same counterexample.
        """
        solver, sel = self.solver, self.sel
        model = solver.model()
        fixed: list[Any] = []
        for k in range(depth):
            best = model.eval(sel[k], model_completion=True).as_long()
            for a in range(best):
                pin = sel[k] == a
                if solver.check(goal, *fixed, pin) == z3.sat:
                    model, best = solver.model(), a
                    break
            fixed.append(sel[k] == best)
        return tuple(self.names[model.eval(sel[k], model_completion=True).as_long()]
                     for k in range(depth)), fixed


def fresh_context() -> None:
    """Give the next check a z3 context of its own.  z3's search order depends on the terms
    its context has already made (their ids), so one shared context makes a check's time
    depend on what ran before it in the process: ``cursor``'s ``lost`` from a symbolic
    mount took 2.8 s alone and ran out of 120 s after two invariant proofs of other worlds
    (every violation query over the budget, so deferred).  z3 has no call that resets its
    default context; ``z3.main_ctx()`` makes a new one when there is none."""
    z3.z3._main_ctx = None


def bmc(world: World, prop: str, max_depth: int = 200, max_seconds: float | None = None,
        twin: World | None = None, k_induction: bool = True) -> SmtOutcome:
    """Bounded model checking; see the module docstring.  A world whose executions all end
    (not ``looping``) is searched longest execution first (:func:`_bmc_complete`); a
    looping one depth by depth (:func:`_bmc_incremental`)."""
    t0 = time.perf_counter()
    fresh_context()
    proved, known = _invariant_first(world, prop, twin, max_seconds, t0) if INVARIANT \
        else (None, False)
    if proved is not None:
        return proved
    if world.params.get("looping"):
        return _bmc_incremental(world, prop, max_depth, max_seconds, twin,
                                k_induction and not known, t0)
    return _bmc_complete(world, prop, max_depth, max_seconds, twin, k_induction, t0,
                         known=known)


def _invariant_first(world: World, prop: str, twin: World | None,
                     max_seconds: float | None, t0: float) -> tuple[SmtOutcome | None, bool]:
    """The invariant proofs tried before bounded model checking: a ``holds`` outcome when
    one proves the property, and whether a violation is known to exist (a reachable state
    has a violating step), so that BMC seeks only its shortest trace."""
    on_states = PROPERTIES[prop].on_states
    if world.upper_any or world.errno_vars:
        if twin is not None:
            return None, False  # no template product with the wrap twin
        from checks import smtparam  # it builds on this module's encoding

        seconds = PARAM_SECONDS if max_seconds is None else min(PARAM_SECONDS,
                                                                 max_seconds / 2)
        pinv, why = smtparam.prove(world, on_states, seconds)
        if pinv is None or not pinv.proved:
            return None, pinv is not None and pinv.violating
        why = f"no violation in any execution from any mount word and errnos: {why}"
        count = pinv.templates
    else:
        from checks import smtinv  # it builds on this module's encoding

        inv, why = smtinv.prove(world, twin, max_seconds, stop_at_violation=not on_states)
        if inv is None:
            return None, False
        if not inv.proved:
            return None, True  # the compiled steps reach a violation
        r = smtinv.violation_outside(world, twin, inv, on_states)
        if (r == z3.sat) != inv.violating and r != z3.unknown and not on_states:
            raise smtinv.EncodingMismatch(
                f"z3 says a listed state {'has' if r == z3.sat else 'has no'} violating "
                f"step, the compiled steps say {'one' if inv.violating else 'none'}")
        if r != z3.unsat:
            return None, r == z3.sat
        why = f"no violation in any execution: {why}"
        count = len(inv.states)
    return SmtOutcome(Verdict.HOLDS, None, f"{why}, and no step from one of them violates",
                      Stats(count, 0, 0, time.perf_counter() - t0, _peak_mib()), 0,
                      "invariant"), False


def _bmc_complete(world: World, prop: str, max_depth: int, max_seconds: float | None,
                  twin: World | None, k_induction: bool, t0: float,
                  known: bool = False) -> SmtOutcome:
    """Depth by depth, the hard violation queries deferred to one query at the end.

    The unrolling allows stops, so at depth ``d`` it holds every execution of length ``d``
    or less.  At each depth: is there a violation on the last transition, asked with a small
    deterministic budget (``VIOLATION_RLIMIT``): satisfiable, unsatisfiable, or deferred
    when the budget runs out; then whether some execution is that long.  When none is (the
    longest execution is ``L``), one query asks for a violation on any deferred transition:
    unsatisfiable, ``holds`` (bmc-complete: every execution is in the unrolling).  The
    shortest violation is the least depth whose query is satisfiable: deferred depths are
    asked again without a budget, in order, whenever a violation is known to exist (a
    satisfiable query, or the deferred ones together, asked with the budget each time their
    number doubles).  ``known``: a violation is known to exist (:mod:`checks.smtinv`), so
    each depth's query is asked without a budget and the longest execution is not sought.
    """
    run = _Search(world, prop, twin, t0, stutter=True)
    if (k_induction and not known and twin is None and not run.on_states
            and _inductive(world, prop, 1)):
        return SmtOutcome(Verdict.HOLDS, None,
                          "1-inductive: no violation at depth <= 1 and no path of 1 safe "
                          "steps from any state leads to one", run.stats(1), 1, "k-induction")
    offset = 0 if run.on_states else 1  # goals[j]: a violation reached in j + offset steps
    goals: list[Any] = []
    deferred: list[int] = []

    def budgeted(goal: Any) -> Any:
        if known:
            return run.check(max_seconds, goal)
        run.solver.set("rlimit", VIOLATION_RLIMIT)
        try:
            return run.check(max_seconds, goal)
        finally:
            run.solver.set("rlimit", 0)

    def shortest(upto: int | None) -> SmtOutcome:
        """A violation exists at a deferred depth (or at ``upto``): the least one."""
        for j in deferred:
            r = run.check(max_seconds, goals[j])
            if r == z3.sat:
                return run.found(goals[j], j + offset)
            if r == z3.unknown:
                return run.unknown(max_seconds, j + offset)
            run.solver.add(z3.Not(goals[j]))
        assert upto is not None, "a deferred violation vanished"
        if run.check(max_seconds, goals[upto]) != z3.sat:  # pragma: no cover - it was sat
            return run.unknown(max_seconds, upto + offset)
        return run.found(goals[upto], upto + offset)

    if run.on_states:
        goals.append(run.dead(0))
        r = budgeted(goals[0])
        if r == z3.sat:
            return run.found(goals[0], 0)
        deferred += [0] if r == z3.unknown else []
    longest = None
    for k in range(max_depth):
        if max_seconds is not None and time.perf_counter() - t0 > max_seconds:
            return SmtOutcome(Verdict.UNKNOWN, None,
                              f"time limit {max_seconds:g}s reached at depth {k}",
                              run.stats(k), k)
        goals.append(run.deepen())
        j = len(goals) - 1
        if deferred:  # past the first hard depth: every one is deferred, asked together
            deferred.append(j)  # (with the budget, each time their number doubles)
            if (len(deferred) & (len(deferred) - 1) == 0
                    and budgeted(z3.Or([goals[i] for i in deferred])) == z3.sat):
                return shortest(None)
        else:
            r = budgeted(goals[j])
            if r == z3.sat:
                return shortest(j)
            if r == z3.unsat:
                run.solver.add(z3.Not(goals[j]))  # never extended: as the explicit engine
            else:
                deferred.append(j)
        if max_seconds is not None and time.perf_counter() - t0 >= max_seconds * 0.99:
            return run.unknown(max_seconds, k + 1)
        if known:
            continue
        # Is there any execution this long?  If not, every execution is in the unrolling.
        r = run.check(max_seconds, run.live(k))
        if r == z3.unknown:
            return run.unknown(max_seconds, k + 1)
        if r == z3.unsat:
            longest = k
            break
    depth = len(run.sel) if longest is None else longest
    if deferred:
        r = run.check(max_seconds, z3.Or([goals[i] for i in deferred]))
        if r == z3.unknown:
            return run.unknown(max_seconds, depth)
        if r == z3.sat:
            return shortest(None)
    if longest is None:
        return SmtOutcome(Verdict.UNKNOWN, None, f"depth limit {max_depth} reached",
                          run.stats(max_depth), max_depth)
    return SmtOutcome(Verdict.HOLDS, None,
                      f"no violation in any execution (all shorter than {longest + 1} "
                      "steps)", run.stats(longest), longest, "bmc-complete")


#: z3 resource units a violation query of :func:`_bmc_complete` may spend before it is
#: deferred to the one query at the end (deterministic, unlike a clock: ~0.2 s here)
VIOLATION_RLIMIT = 2_000_000
#: each variable of its own width (:class:`Ranges`), not the world's
NARROW_WIDTHS = True
#: partial-order reduction of the unrolling (:meth:`_Search._normal_form`)
PARTIAL_ORDER = True
#: prove ``holds`` with the reachable states as an inductive invariant where they can be
#: listed (:mod:`checks.smtinv`)
INVARIANT = True
#: seconds the template invariant of a symbolic mount or errnos (:mod:`checks.smtparam`)
#: may take (at most half the check's limit) before bounded model checking goes on
PARAM_SECONDS = 60.0


def _bmc_incremental(world: World, prop: str, max_depth: int, max_seconds: float | None,
                     twin: World | None, k_induction: bool, t0: float) -> SmtOutcome:
    """Depth by depth: a violation on the last transition, then whether any execution is
    that long (none: bmc-complete); k-induction at ``INDUCTION_DEPTHS``."""
    run = _Search(world, prop, twin, t0, stutter=False)
    on_states, tw, solver = run.on_states, run.tw, run.solver
    if on_states:
        dead0 = run.dead(0)
        if solver.check(dead0) == z3.sat:
            return run.found(dead0, 0)

    for k in range(max_depth):
        if max_seconds is not None and time.perf_counter() - t0 > max_seconds:
            return SmtOutcome(Verdict.UNKNOWN, None,
                              f"time limit {max_seconds:g}s reached at depth {k}",
                              run.stats(k), k)
        goal = run.deepen()
        r = run.check(max_seconds, goal)
        if r == z3.sat:
            return run.found(goal, k + 1)
        if r == z3.unknown:
            return run.unknown(max_seconds, k + 1)
        # Is there any execution of this length at all?  If not, all are covered.
        if not on_states:
            # a violating transition is never extended by the explicit engine either
            solver.add(z3.Not(goal))
        r = solver.check()
        if r == z3.unknown:
            return SmtOutcome(Verdict.UNKNOWN, None,
                              f"time limit {max_seconds:g}s reached at depth {k + 1}",
                              run.stats(k + 1), k + 1)
        if r == z3.unsat:
            return SmtOutcome(Verdict.HOLDS, None,
                              f"no violation in any execution (all shorter than {k + 1} "
                              "steps)", run.stats(k), k, "bmc-complete")
        if (k_induction and tw is None and not on_states and k + 1 in INDUCTION_DEPTHS
                and _inductive(world, prop, k + 1)):
            return SmtOutcome(Verdict.HOLDS, None,
                              f"{k + 1}-inductive: no violation at depth <= {k + 1} and no "
                              f"path of {k + 1} safe steps from any state leads to one",
                              run.stats(k + 1), k + 1, "k-induction")
    if world.params.get("looping") and k_induction and tw is None and not on_states:
        # a looping world has executions of every length: only an induction proves it
        return SmtOutcome(Verdict.UNKNOWN, None,
                          f"not k-inductive up to k={max(INDUCTION_DEPTHS)}; no violation up "
                          f"to depth {max_depth}", run.stats(max_depth), max_depth)
    return SmtOutcome(Verdict.UNKNOWN, None, f"depth limit {max_depth} reached",
                      run.stats(max_depth), max_depth)


def _symmetric_pairs(world: World) -> list[tuple[int, int]]:
    """Symmetry breaking for identical syncers (``checks.symmetry.symmetry_groups``, the
    explicit engine's groups): within a group, actor ``i+1`` may not move before actor ``i``
    has moved.  Sound and length-preserving: renaming a group's actors by the order of their
    first moves maps any execution to one of the same length that meets the constraint and
    that every property judges alike (the group is interchangeable, its blocks and the twin's
    move together).  The lexicographically least schedule ``decode`` picks already meets it
    (swapping two actors of a group at the first move of either makes a schedule smaller), so
    counterexamples are unchanged."""
    pc_actor = {a.pc_var: i for i, a in enumerate(world.actors)}
    pairs = []
    for group in symmetry_groups(world):
        actors = sorted(next(pc_actor[world.names[slot]] for slot in block
                             if world.names[slot] in pc_actor) for block in group)
        pairs += list(zip(actors, actors[1:], strict=False))
    return pairs


#: depths at which the k-induction step case is tried (each try is a fresh, bounded query)
INDUCTION_DEPTHS = (1, 2, 4)
#: z3 resource units one k-induction try may spend ("rlimit": counted work, so whether a try
#: succeeds does not depend on the machine's load).  The proofs found on the catalogue's
#: scenarios take under 1e6; a try that would need more is abandoned, and BMC goes on.
INDUCTION_RLIMIT = 5_000_000


def _inductive(world: World, prop: str, k: int) -> bool:
    """k-induction step case: from an arbitrary state, ``k`` transitions without violation
    (through pairwise distinct states) cannot be followed by a violating one."""
    if not any(violation_of(st) != Const(0) for a in world.actors for st in a.steps):
        return True
    solver = z3.SolverFor("QF_BV")
    solver.set("rlimit", INDUCTION_RLIMIT)
    sel: list[Any] = []
    u = _Unrolling(world, "ind.", sel)
    u.arbitrary = True
    u.frame(0)
    n_act = len(world.actors)
    for i in range(k + 1):
        s = z3.BitVec(f"isel@{i}", max(2, n_act.bit_length() + 1))
        sel.append(s)
        solver.add(z3.ULT(s, n_act))
        solver.add(u.step(i, z3.ZeroExt(u.D.width - s.size(), s), True))
    for i in range(k):
        solver.add(z3.Not(u.bad[i]))
    for i in range(k + 1):
        for j in range(i + 1, k + 1):
            solver.add(z3.Or([u.frames[i][n] != u.frames[j][n] for n in world.names]))
    solver.add(u.bad[k])
    return solver.check() == z3.unsat


def _fire(st: Any, env: dict[str, Any], D: Z3Domain) -> tuple[Any, dict[str, Any], Any]:
    """One step on symbolic state ``env``: its guard, the state after it, its violation
    (as ``_Unrolling.step`` encodes the selected actor's step)."""
    guard = D.bool(translate(st.guard, D, env))
    nxt = dict(env)
    for name, e in st.assigns:
        nxt[name] = D.bv(translate(e, D, env))
    target: Any = D.const(st.goto[-1][1])
    for cond, t in reversed(st.goto[:-1]):
        target = z3.If(D.bool(translate(cond, D, env)), D.const(t), target)
    pc_var = f"{st.actor}.pc"
    nxt[pc_var] = target
    v = violation_of(st)
    bad = D.bool(translate(v, D, env)) if v != Const(0) else z3.BoolVal(False)
    return guard, nxt, bad


def _region(world: World, kinds: tuple[int, ...], region: tuple[int, ...],
            facts: tuple[tuple[str, int, str], ...], env: dict[str, Any], D: Z3Domain) -> Any:
    """The region of ``checks.datasym`` on symbolic state ``env``: words valid (an errno, or
    counter 0), ``region`` words with an errno, errno locals in 0..4095, and each fact
    ``(actor, pc, local)``: at that pc the local is not 0 (a word: carries an errno)."""
    from checks.datasym import ERRNO, WORD

    L, names = world.layout, world.names
    em, sh = D.const(L.errno_mask), L.ctr_shift
    cmask = D.const((1 << L.counter_bits) - 1)
    cons = [z3.And(z3.ULE(env[n], D.const(L.word_mask)),
                   z3.Or(env[n] & em != D.const(0), z3.LShR(env[n], sh) & cmask == D.const(0)))
            for i, n in enumerate(names) if kinds[i] == WORD]
    cons += [env[names[i]] & em != D.const(0) for i in region]
    cons += [z3.ULE(env[n], em) for i, n in enumerate(names) if kinds[i] == ERRNO]
    cons += [_fact(f, env, D, world) for f in facts]
    return z3.And(cons)


def _fact(f: tuple[str, int, str], env: dict[str, Any], D: Z3Domain, world: World) -> Any:
    actor, pc, local = f
    v = env[local]
    if world.var(local).errseq:
        v = v & D.const(world.layout.errno_mask)
    return z3.Implies(env[f"{actor}.pc"] == D.const(pc), v != D.const(0))


def region_facts(world: World, kinds: tuple[int, ...], region: tuple[int, ...],
                 sample: list[tuple[int, ...]]) -> tuple[tuple[str, int, str], ...]:
    """Facts ``(actor, pc, local)`` ("at that pc the local is not 0") that the steps keep
    (Houdini: start from every candidate, drop those some step from a state meeting all
    the rest can break, until none breaks; candidates a state of ``sample``, reachable
    states, breaks are dropped first, so the region keeps the states the search meets;
    soundness does not rest on the sample: the region is checked on every state).  They
    narrow the region of
    :func:`prove_equivariant` to what the steps can reach: a syncfs whose errseq_set runs
    only with an error in hand (cursor.c: ``if (err) errseq_set(...)``)."""
    from checks.datasym import ERRNO, WORD

    D = Z3Domain(_width(world))
    names = world.names
    cand = set()
    for a in world.actors:
        mine = [n for i, n in enumerate(names) if kinds[i] in (ERRNO, WORD)
                and world.var(n).owner == a.name]
        cand |= {(a.name, st.pc, n) for st in a.steps for n in mine}
    # candidates some reachable state (``sample``) breaks are no use: drop them first
    index = {n: i for i, n in enumerate(names)}
    em = world.layout.errno_mask
    for state in sample:
        for f in list(cand):
            actor, pc, local = f
            v = state[index[local]]
            if world.var(local).errseq:
                v &= em
            if state[index[f"{actor}.pc"]] == pc and v == 0:
                cand.discard(f)
    s = {n: z3.BitVec(f"h.{n}", D.width) for n in names}
    while True:
        dropped = False
        for a in world.actors:
            for st in a.steps:
                mine = [f for f in cand if f[0] == a.name]
                if not mine:
                    continue
                g1, n1, _ = _fire(st, s, D)
                solver = z3.SolverFor("QF_BV")
                solver.add(_region(world, kinds, region, tuple(sorted(cand)), s, D),
                           s[a.pc_var] == D.const(st.pc), g1)
                after = {f: _fact(f, n1, D, world) for f in mine}
                while solver.check(z3.Not(z3.And(list(after.values())))) == z3.sat:
                    m = solver.model()
                    broken = [f for f, e in after.items()
                              if z3.is_false(m.eval(e, model_completion=True))]
                    for f in broken:
                        cand.discard(f)
                        del after[f]
                    dropped = True
                    if not after:
                        break
                if dropped:
                    break
            if dropped:
                break
        if not dropped:
            return tuple(sorted(cand))


def prove_equivariant(world: World, kinds: tuple[int, ...], region: tuple[int, ...],
                      g: Any, facts: tuple[tuple[str, int, str], ...] = ()) -> str | None:
    """Prove that data map ``g`` (``checks.datasym.DataMap``) is a symmetry of ``world`` on
    the region (:func:`_region`): for every step of every actor and every state of the
    region where the actor is at that step, the step of the image actor at the same pc has
    the same guard and violation on the image state, and the image of the successor is its
    successor, which is in the region again.  None when proved, else the first step that
    fails."""
    from checks.datasym import ERRNO, WORD

    D = Z3Domain(_width(world))
    L = world.layout
    names = world.names
    s = {n: z3.BitVec(f"s.{n}", D.width) for n in names}
    em, sh = D.const(L.errno_mask), L.ctr_shift
    cmask = (1 << L.counter_bits) - 1
    rename = dict(g.rename)

    def renamed(e: Any) -> Any:
        out = e
        for a, b in rename.items():
            if a != b:
                out = z3.If(e == D.const(a), D.const(b), out)
        return out

    def image(env: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for i, n in enumerate(names):
            v = env[n]
            if kinds[i] == WORD:
                e = v & em
                c = (z3.LShR(v, sh) + D.const(g.rot)) & D.const(cmask)
                rest = v & D.const(L.flags)
                v = z3.If(e == D.const(0), v, (c << sh) | rest | renamed(e))
            elif kinds[i] == ERRNO:
                v = renamed(v)
            out[names[g.perm[i]]] = v
        return out

    def in_region(env: dict[str, Any]) -> Any:
        return _region(world, kinds, region, facts, env, D)

    gs = image(s)
    pc_of = {a.pc_var: a for a in world.actors}
    for a in world.actors:
        b = pc_of[names[g.perm[names.index(a.pc_var)]]]
        for st in a.steps:
            st2 = b.steps[st.pc] if st.pc < len(b.steps) else None
            if st2 is None or st2.pc != st.pc:
                return f"{a.name} step {st.pc} has no image in {b.name}"
            g1, n1, bad1 = _fire(st, s, D)
            g2, n2, bad2 = _fire(st2, gs, D)
            image_n1 = image(n1)
            same_next = z3.And([image_n1[n] == n2[n] for n in names])
            claim = z3.And(g1 == g2, z3.Implies(g1, z3.And(bad1 == bad2, same_next,
                                                            in_region(n1))))
            solver = z3.SolverFor("QF_BV")
            solver.add(in_region(s), s[a.pc_var] == D.const(st.pc), z3.Not(claim))
            if solver.check() != z3.unsat:
                return f"{a.name} step {st.pc} ({st.name})"
    return None
