"""A proof of ``holds`` from a symbolic mount: reachable states as templates over the inputs.

With ``--upper-at-mount any`` (U's word before the mount is any valid word ``m``) or
``--errors any`` (each writeback error's errno ``W.errN`` is any of 1..4095), the initial
states are too many to list (``checks.smtinv`` gives up past 64), but the runs from them
differ only in the values they carry along: U's counter moves on from ``m``'s, words carry
``m``'s errno or an error's, a syncfs returns one of them.  So the invariant here is a set of
*templates*: a state whose every slot is a constant or a term over the inputs, a word's
counter ``m.ctr + d``, its errno ``m``'s or ``W.errN``'s, its flags constant.

* **candidates**: z3 gives an input valuation and initial state not yet covered (asked
  first for one that keeps the inputs apart, errnos distinct and above 3000 and, at kernel
  width, the counter far from a wrap, so every value's origin is plain); the compiled step
  functions list everything reachable from it, and each state is generalized to a template
  by where its values came from (equal to ``m``'s errno, to ``W.err1``'s, a counter ``d``
  past ``m``'s, or else a constant);
* **initiation and consecution** are z3's, with the inputs free: every initial state of
  every input valuation is an instance, and no step leads from an instance to a state that
  is not an instance for the same inputs.  A step that does (a generalization that did not
  cover some valuation: ``m``'s errno equal to an error's, a counter at the edge of a wrap)
  gives a concrete state, from which the listing goes on, and the proof is asked again
  (counterexample-guided, at most ``MAX_ROUNDS`` times);
* **the property**: no instance has a violating step (a property of states: is a deadlock).

The templates over-approximate nothing that z3 has not checked: the set is inductive for
every valuation, so every reachable state is an instance, and ``holds`` needs only the last
query's ``unsat``.  An instance with a violating step does not show a violation (an instance
need not be reachable); one met while listing from a real initial state does, and the
engine's bounded model checking then finds the shortest trace.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any

import z3

from checks.smt import Z3Domain, _fire, _Unrolling, _width
from checks.smtinv import _close, stuck
from model.ir import World

#: listing more template instances than this gives up (as ``smtinv.MAX_STATES``)
MAX_STATES = 20_000
#: counterexample-guided rounds (initiation or consecution found an uncovered state)
MAX_ROUNDS = 40
#: a word's counter within this many increments of ``m``'s is taken as derived from it
MAX_OFFSET = 64

CONST, FREE, WORD, ERRNO, KEY = "c", "free", "w", "e", "k"


@dataclass
class TemplateInvariant:
    """Templates per control point; ``violating``: a state listed from a real initial
    state has a violating step (a violation exists)."""

    #: (input class, control point) -> templates of the data slots
    by_point: dict[tuple[Any, ...], set[tuple[Any, ...]]] = field(default_factory=dict)
    violating: bool = False
    rounds: int = 0
    listed: int = 0  # concrete states listed (every valuation)
    proved: bool = False

    @property
    def templates(self) -> int:
        return sum(len(v) for v in self.by_point.values())

    def summary(self) -> str:
        return (f"{self.templates:,} state templates over the symbolic mount and errnos "
                f"({len(self.by_point):,} control points, {self.rounds} rounds) form an "
                "inductive invariant for every input (z3)")


class _Templates:
    """How a world's concrete states generalize to templates and templates become z3."""

    def __init__(self, world: World):
        self.world = world
        self.L = world.layout
        names = world.names
        self.names = names
        self.pcs = tuple(names.index(a.pc_var) for a in world.actors)
        self.errno_vars = tuple(names.index(n) for n in world.errno_vars)
        kinds = []
        for i, v in enumerate(world.variables):
            if i in self.pcs:
                kinds.append(None)
            elif i in self.errno_vars:
                kinds.append(FREE)
            elif v.errseq:
                kinds.append(WORD)
            elif v.kind == "local":
                kinds.append(ERRNO)  # a syncfs result or an errno copy, or a plain flag
            elif v.kind == "ghost" and re.search(r"\.h\d+$", v.name):
                kinds.append(KEY)  # ``backward``'s history: a (counter, errno) O left, +1
            else:
                kinds.append(CONST)
        self.kinds = tuple(kinds)
        self.data = tuple(i for i in range(len(names)) if i not in self.pcs)
        self.D = Z3Domain(_width(world))
        #: per data slot, its templates in the order they were first met
        self.slot_tpls: list[list[tuple[Any, ...]]] = [[] for _ in self.data]
        self.slot_ix: list[dict[tuple[Any, ...], int]] = [{} for _ in self.data]

    def _source(self, e: int, m: int, s: tuple[int, ...]) -> tuple[Any, ...]:
        L = self.L
        if e and self.world.upper_any and m & L.errno_mask and e == m & L.errno_mask:
            return ("m",)
        for j in self.errno_vars:
            if e and e == s[j]:
                return ("v", j)
        return (CONST, e)

    def _template(self, i: int, s: tuple[int, ...], m: int) -> tuple[Any, ...]:
        """Slot ``i`` of ``s`` as a template, by where its value came from."""
        L = self.L
        v, k = s[i], self.kinds[i]
        if k == FREE:
            return (FREE,)
        if k == WORD and v & L.errno_mask:
            return self._template_word(v, s, m)
        if k == ERRNO and v > 1:
            return (ERRNO, self._source(v, m, s))
        if k == KEY and (v - 1) & L.errno_mask and not (v - 1) & L.flags:
            word = self._template_word(v - 1, s, m)
            return (KEY, word[1], word[3])
        return (CONST, v)

    def _template_word(self, v: int, s: tuple[int, ...], m: int) -> tuple[Any, ...]:
        """Word ``v`` (with an errno) of state ``s`` as a template: its counter ``d`` past
        ``m``'s (when ``m`` is a word with an errno and ``d`` is small), its errno's
        source."""
        L = self.L
        cmask = (1 << L.counter_bits) - 1
        ctr = (v >> L.ctr_shift) & cmask
        d = (ctr - ((m >> L.ctr_shift) & cmask)) & cmask
        m_real = self.world.upper_any and m & L.errno_mask
        ct = ("m", d) if m_real and d <= MAX_OFFSET else (CONST, ctr)
        return (WORD, ct, v & L.flags, self._source(v & L.errno_mask, m, s))

    def generalize(self, s: tuple[int, ...], m: int) -> tuple[Any, tuple[int, ...]]:
        """The input class and control point of ``s``, and its template: per data slot,
        the index in ``slot_tpls`` of the slot's template (added when new).  ``m``: the
        mount word of the valuation ``s`` was listed under."""
        codes = []
        for k, i in enumerate(self.data):
            t = self._template(i, s, m)
            ix = self.slot_ix[k]
            if t not in ix:
                ix[t] = len(self.slot_tpls[k])
                self.slot_tpls[k].append(t)
            codes.append(ix[t])
        return (self.input_class(s, m), tuple(s[i] for i in self.pcs)), tuple(codes)

    def input_class(self, s: tuple[int, ...], m: int) -> tuple[Any, ...]:
        """Which inputs are equal: ``m`` zero, else its flags and which errors' errnos its
        errno equals; which errors share an errno.  A template is instantiated only for
        inputs of the class it was listed under."""
        L = self.L
        es = [s[j] for j in self.errno_vars]
        pairs = tuple(a == b for i, a in enumerate(es) for b in es[i + 1:])
        if not self.world.upper_any:
            return (None, pairs)
        if m == 0:
            return ("zero", pairs)
        return (m & L.flags, tuple(m & L.errno_mask == e for e in es), pairs)

    def class_cond(self, cls: tuple[Any, ...], env: dict[str, Any], m: Any) -> Any:
        D, L = self.D, self.L
        es = [env[self.names[j]] for j in self.errno_vars]
        cons = [(a == b) if eq else (a != b)
                for (a, b), eq in zip(((a, b) for i, a in enumerate(es) for b in es[i + 1:]),
                                      cls[-1], strict=True)]
        if cls[0] == "zero":
            cons.append(m == D.const(0))
        elif cls[0] is not None:
            cons += [m != D.const(0), m & D.const(L.flags) == D.const(cls[0])]
            me = m & D.const(L.errno_mask)
            cons += [(me == e) if eq else (me != e) for e, eq in zip(es, cls[1], strict=True)]
        return z3.And(cons)

    def _value(self, t: tuple[Any, ...], env: dict[str, Any], m: Any) -> Any:
        D, L = self.D, self.L

        def src(x: tuple[Any, ...]) -> Any:
            if x[0] == "m":
                return m & D.const(L.errno_mask)
            if x[0] == "v":
                return env[self.names[x[1]]]
            return D.const(x[1])

        if t[0] == CONST:
            return D.const(t[1])
        if t[0] == ERRNO:
            return src(t[1])
        if t[0] == KEY:
            return self._value((WORD, t[1], 0, t[2]), env, m) + D.const(1)
        _, ct, flags, es = t
        cmask = D.const((1 << L.counter_bits) - 1)
        ctr = ((z3.LShR(m, L.ctr_shift) + D.const(ct[1])) & cmask if ct[0] == "m"
               else D.const(ct[1]))
        return (ctr << L.ctr_shift) | D.const(flags) | src(es)

    def member(self, inv: TemplateInvariant, env: dict[str, Any], m: Any,
               points: list[tuple[Any, ...]] | None = None) -> Any:
        """``env`` is an instance of a listed template at its input class and control point
        (one of ``points``), for mount word ``m``: some template's every slot stands for
        the slot's value.  Each slot's comparison with each of its templates is built once
        (the same few recur in thousands of templates)."""
        D, names = self.D, self.names
        eqs: list[list[Any]] = []
        for k, i in enumerate(self.data):
            eqs.append([None if t[0] == FREE else env[names[i]] == self._value(t, env, m)
                        for t in self.slot_tpls[k]])
        ors = []
        classes: dict[tuple[Any, ...], Any] = {}
        for key in inv.by_point if points is None else points:
            cls, point = key
            if cls not in classes:
                classes[cls] = self.class_cond(cls, env, m)
            at = [classes[cls]]
            at += [env[names[i]] == D.const(v) for i, v in zip(self.pcs, point, strict=True)]
            alts = []
            for codes in inv.by_point[key]:
                conj = [eqs[k][c] for k, c in enumerate(codes) if eqs[k][c] is not None]
                alts.append(z3.And(conj))
            ors.append(z3.And(*at, z3.Or(alts)))
        return z3.Or(ors) if ors else z3.BoolVal(False)


def _generic(world: World, u: _Unrolling, env: dict[str, Any], D: Z3Domain) -> list[Any]:
    """Preferences for a valuation whose values' origins are plain: errnos distinct and
    large, the mount word's counter mid-range (when it has bits enough)."""
    L = world.layout
    es = [env[n] for n in world.errno_vars]
    cons = [z3.UGE(e, D.const(3000)) for e in es]
    m = u.mount_word
    if m is not None:
        me = m & D.const(L.errno_mask)
        cons.append(z3.UGE(me, D.const(3000)))
        es.append(me)
        if L.counter_bits > 8:
            ctr = z3.LShR(m, L.ctr_shift) & D.const((1 << L.counter_bits) - 1)
            cons += [z3.UGE(ctr, D.const(1 << (L.counter_bits - 2))),
                     z3.ULE(ctr, D.const(1 << (L.counter_bits - 1)))]
    if len(es) > 1:
        cons.append(z3.Distinct(*es))
    return cons


def _model_state(m: Any, names: tuple[str, ...], env: dict[str, Any]) -> tuple[int, ...]:
    return tuple(m.eval(env[n], model_completion=True).as_long() for n in names)


def _check_preferring(solver: z3.Solver, goal: list[Any], prefer: list[Any],
                      deadline: float | None) -> Any:
    """``check(goal)``, first with the preferences (a model that keeps them, if any).  Each
    is assumed through a literal of its own: z3's bit-vector solver takes only literals as
    assumptions."""
    if deadline is not None:
        left = deadline - time.perf_counter()
        if left <= 0:
            return z3.unknown
        solver.set("timeout", max(1, int(left * 1000)))

    def literals(cons: list[Any]) -> list[Any]:
        out = []
        for c in cons:
            lit = z3.FreshBool("assume")
            solver.add(z3.Implies(lit, c))
            out.append(lit)
        return out

    want = literals(goal)
    if prefer:
        r = solver.check(*want, *literals(prefer))
        if r != z3.unsat:  # sat, or out of time (z3 then refuses a second check)
            return r
    return solver.check(*want)


def prove(world: World, prop_on_states: bool, max_seconds: float | None = None,
          max_states: int | None = None) -> tuple[TemplateInvariant | None, str]:
    """Prove the property of ``world`` (symbolic mount or errnos) by a template invariant;
    None and why when the proof gave up.  ``inv.proved``: holds for every input and length;
    ``inv.violating`` (unproved): a listed state reachable from a real initial state has a
    violating step."""
    t0 = time.perf_counter()
    deadline = None if max_seconds is None else t0 + max_seconds
    limit = MAX_STATES if max_states is None else max_states
    tp = _Templates(world)
    D, names = tp.D, tp.names
    inv = TemplateInvariant()

    def add(start: tuple[int, ...], mword: int, real: bool) -> str | None:
        states: set[tuple[int, ...]] = set()
        seen = [False]
        found = _close(world, None, [start], states, limit, seen)
        if found is None:
            inv.violating |= seen[0] and real  # met before the limit: reachable all the same
            return f"more than {limit:,} states from one input valuation"
        inv.violating |= bool(found) and real
        inv.listed += len(states)
        for s in states:
            point, tpl = tp.generalize(s, mword)
            inv.by_point.setdefault(point, set()).add(tpl)
        if inv.templates > limit:
            return f"more than {limit:,} state templates"
        return None

    # initiation: every initial state of every valuation is an instance
    u = _Unrolling(world, "pinv.", [])
    init = z3.SolverFor("QF_BV")
    init.add(*u.initial())
    env0 = u.frames[0]
    m0 = u.mount_word if u.mount_word is not None else D.const(0)
    prefer0 = _generic(world, u, env0, D)
    while True:
        r = _check_preferring(init, [z3.Not(tp.member(inv, env0, m0))], prefer0, deadline)
        if r == z3.unsat:
            break
        if r != z3.sat:
            return None, "time limit reached listing the initial states"
        mod = init.model()
        mword = mod.eval(m0, model_completion=True).as_long()
        why = add(_model_state(mod, names, env0), mword, real=True)
        if why and not inv.violating:
            return None, why
        inv.rounds += 1
        if inv.violating:
            return inv, "a state listed from an initial state has a violating step"
        if inv.rounds > MAX_ROUNDS:
            return None, f"initial states not covered after {MAX_ROUNDS} rounds"
    # consecution, counterexample-guided
    env = {n: z3.BitVec(f"pc.{n}", D.width) for n in names}
    m = z3.BitVec("pc.m", D.width)
    valid = [z3.And(z3.ULE(1, env[n]), z3.ULE(env[n], D.const(world.layout.errno_mask)))
             for n in world.errno_vars]
    prefer = [z3.UGE(env[n], D.const(3000)) for n in world.errno_vars]
    if world.upper_any:
        from checks.smt import valid_word

        valid.append(valid_word(world.layout, m, D))
        prefer.append(z3.UGE(m & D.const(world.layout.errno_mask), D.const(3000)))
    n_actors = len(world.actors)
    steps = [(ai, st) for ai, a in enumerate(world.actors) for st in a.steps]
    # A step's query changes only when templates are added where its actor sits at it
    # (its sources; more targets only make it harder to leave the set): after a round
    # only those steps, and the ones that found a way out, are asked again.
    ask = set(range(len(steps)))
    while ask:
        new: list[tuple[tuple[int, ...], int]] = []
        points = list(inv.by_point)
        left = set()
        for x in sorted(ask):
            ai, st = steps[x]
            src = [p for p in points if p[1][ai] == st.pc]
            if not src:
                continue
            targets = {t for _, t in st.goto}
            others = {(c, p[:ai] + p[ai + 1:n_actors]) for c, p in src}
            dst = [(c, p) for c, p in points
                   if p[ai] in targets and (c, p[:ai] + p[ai + 1:n_actors]) in others]
            guard, nxt, _ = _fire(st, env, D)
            solver = z3.SolverFor("QF_BV")
            solver.add(*valid, tp.member(inv, env, m, src), guard,
                       z3.Not(tp.member(inv, nxt, m, dst)))
            r = _check_preferring(solver, [], prefer, deadline)
            if r == z3.unknown:
                return None, "time limit reached proving the invariant"
            if r == z3.sat:
                mod = solver.model()
                t = tuple(mod.eval(nxt[n], model_completion=True).as_long() for n in names)
                new.append((t, mod.eval(m, model_completion=True).as_long()))
                left.add(x)
        if not new:
            break
        sizes = {k: len(v) for k, v in inv.by_point.items()}
        for t, mword in new:  # every step's counterexample of this pass, then ask again
            why = add(t, mword, real=False)
            if why:
                return None, why
        grown = [k for k, v in inv.by_point.items() if len(v) != sizes.get(k, 0)]
        ask = left | {x for x, (ai, st) in enumerate(steps)
                      if any(k[1][ai] == st.pc for k in grown)}
        inv.rounds += 1
        if inv.rounds > MAX_ROUNDS:
            return None, f"no inductive invariant after {MAX_ROUNDS} rounds"
    # the property
    solver = z3.SolverFor("QF_BV")
    solver.add(*valid, tp.member(inv, env, m))
    if prop_on_states:
        goal = stuck(world, env, D)
    else:
        bad = []
        for ai, st in steps:
            guard, _, violates = _fire(st, env, D)
            bad.append(z3.And(env[world.actors[ai].pc_var] == D.const(st.pc), guard, violates))
        goal = [z3.Or(bad)]
    r = _check_preferring(solver, goal, [], deadline)
    if r == z3.unknown:
        return None, "time limit reached asking for a violating instance"
    if r == z3.sat:
        return None, "an instance of the templates has a violating step (maybe unreachable)"
    inv.proved = True
    return inv, inv.summary()
