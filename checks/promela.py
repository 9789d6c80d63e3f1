"""Export an instrumented world to Promela, so that SPIN can check the same model.

The translation is mechanical, from the IR (``model.ir``), never written per scheme:

* every variable of the world (shared memory, locals, ghost state of the property's monitor)
  becomes a Promela variable with its initial value (the prologue's effects are already in
  the world's initial state, as in our engine, so nothing runs before the actors);
* every actor becomes one ``active proctype`` holding its program counter in a local ``pc``
  (and its own locals): a ``do`` loop with one option per (atomic step, branch target), each a
  ``d_step`` whose first statement is ``pc == k && guard && branch condition``.  Exactly one
  option of a step can be enabled, so every IR step is exactly one SPIN transition; an option
  that finishes the actor ends with ``break``, which SPIN folds into the transition, so a
  finished actor is a terminated process;
* assignments are simultaneous in the IR (every right-hand side reads the state before the
  step): they are ordered so that no variable is written before a later right-hand side
  reads it, and go through temporaries only when no such order exists;
* the property's violation condition (the monitor's ``violation`` events) becomes
  ``assert(!(...))`` at the start of the step, on the state before it, as our engine decides
  it;
* ``deadlock`` (no actor can move, some actor unfinished) is SPIN's invalid end state: a
  finished actor has terminated, an unfinished one sits in its loop, not an end state.  Run
  ``pan`` without ``-E`` for deadlock and with ``-E`` for every other property;
* ``wrap`` is the product our engine explores: the world and a twin whose counter is
  ``runner.TWIN_EXTRA_BITS`` wider run in lockstep (the twin's variables are globals ``w_*``
  with explicit pcs, ``w_alive`` says whether it could follow).  A step on which the twin
  loses an error is disabled, as our engine prunes it; a step the twin cannot take kills it.

Integer widths.  A variable of ``w <= 30`` bits is a ``bit`` or an ``unsigned x : w``.  Wider
ones (32-bit errseq words, the 64-bit ``wide-counter`` words) are Promela ``int`` s: exact
as long as every value stays below 2**30, which an ``assert`` after each assignment to them
checks (its failure is not a verdict: ``checks.spin`` reports ``unknown``).  Under that bound
a mask constant wider than 31 bits can be cut to 31 bits without changing any result; every
expression is checked statically not to exceed 2**31 on the way (C ``int`` arithmetic, with
``gcc -fwrapv``).  Bounded scenarios make a handful of counter increments, so the bound is
never near.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from importlib import metadata

from model.expr import FALSE, TRUE, Const, E, Expr, Var, variables
from model.ir import PC, Step, VarDecl, World
from specs.properties import violation_of
from specs.resolved import ResolvedCheck

#: values of variables declared ``int`` must stay below this (checked by an assertion)
INT_RANGE = 1 << 30
#: no intermediate value of an expression may reach this (C ``int``)
C_INT_LIMIT = 1 << 31
#: the widest variable declared as an exact unsigned bit field
MAX_FIELD_BITS = 30
#: text every range assertion starts with, so that ``checks.spin`` can tell it apart
RANGE_MARK = "range_ok"

_KEYWORD_TEXT = """
active assert atomic bit bool break byte chan d_step D_proctype do else empty enabled eval
fi full goto hidden if init inline int len local mtype nempty never nfull od of pc_value
print printf printm priority proctype provided run short skip timeout typedef unless
unsigned xr xs true false c_code c_expr c_decl c_state c_track select for in end accept
progress np_ _pid _nr_pr _last STDIN
"""
_KEYWORDS = frozenset(_KEYWORD_TEXT.split())


class ExportError(ValueError):
    """The world cannot be exported faithfully (a value would not fit Promela's ``int``)."""


def version() -> str:
    """The installed syncfs-mc version (written in the generated file's header)."""
    try:
        return metadata.version("syncfs-mc")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare tree
        return "unknown"


# --------------------------------------------------------------------------------------------
# Names and types


class _Names:
    """Deterministic Promela identifiers for IR names, never a keyword, never twice."""

    def __init__(self) -> None:
        self.taken: set[str] = set(_KEYWORDS)
        self.of: dict[str, str] = {}

    def get(self, key: str, base: str) -> str:
        if key in self.of:
            return self.of[key]
        ident = re.sub(r"[^A-Za-z0-9_]", "_", base)
        if not re.match(r"[A-Za-z]", ident):
            ident = "v_" + ident
        cand, n = ident, 2
        while cand in self.taken:
            cand, n = f"{ident}_{n}", n + 1
        self.taken.add(cand)
        self.of[key] = cand
        return cand


def _decl(ident: str, width: int, init: int) -> tuple[str, bool]:
    """A declaration for a variable of ``width`` bits and whether it is a range-checked int."""
    if width <= 1:
        return f"bit {ident} = {init}", False
    if width <= MAX_FIELD_BITS:
        return f"unsigned {ident} : {width} = {init}", False
    return f"int {ident} = {init}", True


# --------------------------------------------------------------------------------------------
# Expressions

_BINARY = {"add": "+", "sub": "-", "band": "&", "bor": "|", "eq": "==", "ne": "!=",
           "lt": "<", "le": "<=", "land": "&&", "lor": "||"}


class _Expr:
    """Translates IR expressions, checking every intermediate value against C's int."""

    def __init__(self, ident: Callable[[str], str], bound: Callable[[str], int]):
        self.ident, self.bound = ident, bound

    def __call__(self, e: Expr) -> str:
        return self.go(e)[0]

    def go(self, n: Expr) -> tuple[str, int]:
        """(Promela text, an upper bound on the value's magnitude)."""
        if isinstance(n, Const):
            v = n.value
            if abs(v) >= C_INT_LIMIT:
                raise ExportError(f"constant {v} does not fit a 32-bit int")
            return (str(v) if v >= 0 else f"({v})"), abs(v)
        if isinstance(n, Var):
            return self.ident(n.name), self.bound(n.name)
        if n.op == "band":
            # a mask wider than the values it is applied to: cut it to 31 bits (exact, as
            # every value stays below INT_RANGE)
            args = [Const(a.value & (C_INT_LIMIT - 1))
                    if isinstance(a, Const) and a.value >= C_INT_LIMIT else a for a in n.args]
            (a, ba), (b, bb) = self.go(args[0]), self.go(args[1])
            return f"({a} & {b})", min(ba, bb)
        parts = [self.go(a) for a in n.args]
        texts = [p[0] for p in parts]
        bounds = [p[1] for p in parts]
        if n.op in ("eq", "ne", "lt", "le", "land", "lor", "lnot"):
            text = f"(!{texts[0]})" if n.op == "lnot" else \
                f"({texts[0]} {_BINARY[n.op]} {texts[1]})"
            return text, 1
        if n.op == "add":
            bound = bounds[0] + bounds[1]
            text = f"({texts[0]} + {texts[1]})"
        elif n.op == "sub":
            bound = bounds[0] + bounds[1]
            text = f"({texts[0]} - {texts[1]})"
        elif n.op == "bor":
            bound = (1 << max(bounds).bit_length()) - 1
            text = f"({texts[0]} | {texts[1]})"
        elif n.op == "shr":
            bound = bounds[0] >> n.k
            text = f"({texts[0]} >> {n.k})"
        elif n.op == "ite":
            bound = max(bounds[1], bounds[2])
            text = f"({texts[0]} -> {texts[1]} : {texts[2]})"
        elif n.op in ("max", "min"):
            bound = max(bounds)
            cmp = ">" if n.op == "max" else "<"
            text = f"(({texts[0]} {cmp} {texts[1]}) -> {texts[0]} : {texts[1]})"
        else:
            raise ExportError(f"no Promela translation for operation {n.op!r}")
        if bound >= C_INT_LIMIT:
            raise ExportError(f"an intermediate value of {n.op} may reach {bound}, past a "
                              "32-bit int")
        return text, bound


def _ordered(assigns: Sequence[tuple[str, Expr]], reads: Callable[[Expr], set[str]]
             ) -> list[tuple[str, Expr]] | None:
    """``assigns`` in an order where no variable is written before a later right-hand side
    reads it (so sequential assignment equals simultaneous), or None if none exists."""
    pending = list(assigns)
    out: list[tuple[str, Expr]] = []
    while pending:
        for i, (name, _) in enumerate(pending):
            if not any(name in reads(e) for j, (_, e) in enumerate(pending) if j != i):
                out.append(pending.pop(i))
                break
        else:
            return None
    return out


# --------------------------------------------------------------------------------------------
# The model


@dataclasses.dataclass(frozen=True)
class _Layer:
    """One world (the real one, or the wrap twin) as Promela identifiers and types."""

    world: World
    ident: dict[str, str]
    checked: frozenset[str]  # int variables whose range is asserted
    bound: dict[str, int]

    def expr(self) -> _Expr:
        return _Expr(lambda n: self.ident[n], lambda n: self.bound[n])


def _branches(step: Step) -> list[tuple[int, Expr]]:
    """(target pc, condition on the state before the step), the last goto being the else."""
    out: dict[int, Expr] = {}
    none_before: Expr = TRUE
    for i, (c, t) in enumerate(step.goto):
        cond = TRUE if i == len(step.goto) - 1 else c
        taken = E.land(none_before, cond)
        out[t] = E.lor(out.get(t, FALSE), taken)
        none_before = E.land(none_before, E.lnot(cond))
    return [(t, c) for t, c in out.items() if c != FALSE]


def _assignments(layer: _Layer, step: Step, pad: str, temps: list[str]) -> list[str]:
    """Statements performing ``step``'s simultaneous assignments, then the range checks."""
    expr = layer.expr()
    lines = []
    order = _ordered(step.assigns, _reader(step))
    if order is not None:
        lines += [f"{pad}{layer.ident[n]} = {expr(e)};" for n, e in order]
    else:
        for i, (_, e) in enumerate(step.assigns):
            lines.append(f"{pad}{temps[i]} = {expr(e)};")
        lines += [f"{pad}{layer.ident[n]} = {temps[i]};" for i, (n, _) in enumerate(step.assigns)]
        lines += [f"{pad}{temps[i]} = 0;" for i in range(len(step.assigns))]
    for n, _ in step.assigns:
        if n in layer.checked:
            v = layer.ident[n]
            lines.append(f"{pad}assert({RANGE_MARK} && {v} >= 0 && {v} < {INT_RANGE});")
    return lines


def _layer(world: World, names: _Names, prefix: str) -> _Layer:
    ident, checked, bound = {}, set(), {}
    for v in world.variables:
        base = v.name if v.kind != PC else f"{v.owner}_pc"
        ident[v.name] = names.get(prefix + v.name, prefix + base)
        width = v.width(world)
        if width > MAX_FIELD_BITS:
            checked.add(v.name)
            bound[v.name] = INT_RANGE - 1
        else:
            bound[v.name] = (1 << width) - 1
    return _Layer(world, ident, frozenset(checked), bound)


def _locals(world: World) -> dict[str, str]:
    """Variables read and written only by their owner actor's steps: proctype locals."""
    users: dict[str, set[str]] = {}
    for a in world.actors:
        for st in a.steps:
            for n in st.reads | st.writes:
                users.setdefault(n, set()).add(a.name)
    out = {}
    for v in world.variables:
        if v.owner is not None and users.get(v.name, {v.owner}) <= {v.owner}:
            out[v.name] = v.owner
    return out


def to_promela(world: World, prop: str, header: Sequence[str] = (),
               twin: World | None = None) -> str:
    """The Promela text of ``world`` (instrumented for ``prop``; ``twin``: the wrap twin)."""
    names = _Names()
    for a in world.actors:
        names.get("proctype:" + a.name, a.name)
    real = _layer(world, names, "")
    tw = _layer(twin, names, "w_") if twin is not None else None
    alive = names.get("twin:alive", "w_alive") if twin is not None else ""
    local_of = _locals(world)
    out = ["/*"] + [f" * {_c(h)}".rstrip() for h in header] + [" */", "",
                                                                 f"#define {RANGE_MARK} 1", ""]

    def declare(layer: _Layer, v: VarDecl) -> str:
        init = layer.world.initial.get(v.name, v.init)
        if init < 0 or init >= INT_RANGE:
            raise ExportError(f"initial value {init} of {v.name} is out of range")
        text, _ = _decl(layer.ident[v.name], v.width(layer.world), init)
        return f"{text};  /* {_c(v.name)}: {_c(v.doc)} */"

    out.append("/* shared memory and ghost state */")
    for v in world.variables:
        if v.name not in local_of:
            out.append(declare(real, v))
    if tw is not None:
        assert twin is not None
        out += ["", f"/* the wrap twin: the same world with a {twin.layout.counter_bits}-bit "
                "counter, run in lockstep */"]
        out += [declare(tw, v) for v in twin.variables]
        out.append(f"bit {alive} = 1;  /* the twin could follow every step so far */")
        for a in twin.actors:
            n = max([len(st.assigns) for st in a.steps] + [len(st.assigns) for st in
                                                             world.actor(a.name).steps])
            temps = [names.get(f"temp:{a.name}:{i}", f"{a.name}_t{i}") for i in range(n)]
            out += _twin_inline(tw, a.name, alive, temps)

    expr = real.expr()
    for a in world.actors:
        if not a.steps:
            continue
        out += ["", f"/* {_c(a.name)} ({_c(a.role)}): {_c(a.doc)} */",
                f"active proctype {names.get('proctype:' + a.name, a.name)}() {{"]
        mine = [v for v in world.variables if local_of.get(v.name) == a.name]
        out += [f"    {declare(real, v)}" for v in mine]
        steps = list(a.steps) + (list(twin.actor(a.name).steps) if twin is not None else [])
        ntemps = max(len(st.assigns) for st in steps)
        temps = [names.get(f"temp:{a.name}:{i}", f"{a.name}_t{i}") for i in range(ntemps)]
        if any(_ordered(st.assigns, _reader(st)) is None for st in steps):
            out += [f"    int {t} = 0;  /* simultaneous assignment */" for t in temps]
        pc = real.ident[a.pc_var]
        tbad = _twin_bad(tw, a.name) if tw is not None else None
        out.append("    do")
        for st in a.steps:
            viol = violation_of(st)
            for target, cond in _branches(st):
                guard = E.land(E.land(E.eq(Var(a.pc_var), Const(st.pc)), st.guard), cond)
                text = expr(guard)
                if tbad is not None:
                    text = f"{text} && !({alive} && {tbad})"
                out.append(f"    :: d_step {{ /* {_c(st.name)} */")
                out.append(f"           {text} ->")
                if viol != FALSE:
                    out.append(f"           assert(!{expr(viol)});")
                out += _assignments(real, st, "           ", temps)
                if tw is not None:
                    out.append(f"           twin_{a.name}();")
                out.append(f"           {pc} = {target}")
                out.append("       }" + ("; break" if target == a.done else ""))
        # a finished actor blocks for ever in a valid end state (a terminating process would
        # cost SPIN one more transition and state, and only in reverse order of creation)
        out += ["    od;", "end: false", "}"]
    return "\n".join(out) + "\n"


def _c(text: str) -> str:
    """``text`` safe inside a Promela comment."""
    return text.replace("*/", "* /").replace("/*", "/ *")


def _reader(st: Step) -> Callable[[Expr], set[str]]:
    """The variables an expression reads among those ``st`` assigns."""
    names = {n for n, _ in st.assigns}
    return lambda e: variables(e) & names


def _twin_bad(tw: _Layer, actor: str) -> str:
    """Promela condition: the twin's next step for ``actor`` is enabled and loses an error."""
    a = tw.world.actor(actor)
    expr = tw.expr()
    parts = []
    for st in a.steps:
        viol = violation_of(st)
        if viol == FALSE:
            continue
        parts.append(expr(E.land(E.land(E.eq(Var(a.pc_var), Const(st.pc)), st.guard), viol)))
    return "(" + " || ".join(parts) + ")" if parts else "0"


def _twin_inline(tw: _Layer, actor: str, alive: str, temps: list[str]) -> list[str]:
    """``inline twin_ACTOR()``: the twin's step for ``actor`` (or its death); ``temps``:
    the actor's temporaries (the inline is expanded inside its proctype)."""
    a = tw.world.actor(actor)
    expr = tw.expr()
    lines = [f"inline twin_{actor}() {{", "    if"]
    for st in a.steps:
        for target, cond in _branches(st):
            guard = E.land(E.land(E.eq(Var(a.pc_var), Const(st.pc)), st.guard), cond)
            lines.append(f"    :: {alive} && {expr(guard)} ->")
            lines += _assignments(tw, st, "         ", temps)
            lines.append(f"         {tw.ident[a.pc_var]} = {target}")
    lines.append("    :: else ->")
    for v in tw.world.variables:
        lines.append(f"         {tw.ident[v.name]} = 0;")
    lines += [f"         {alive} = 0", "    fi", "}"]
    return lines


# --------------------------------------------------------------------------------------------
# Variants


def export(rc: ResolvedCheck, dead_reset: bool = True) -> str:
    """The Promela model of one resolved check (its instrumented world, and the twin when the
    property needs one), with a header saying what it is, its effective bounds, how to run
    it, and which syncfs-mc wrote it.  ``dead_reset``: the world the explicit engine
    searches, dead values reset (``specs.deadreset``), so that SPIN stores exactly the
    states it stores without symmetry; off, the world as built."""
    bounds = ", ".join(f"{k}={v}" for k, v in rc.params.to_json().items())
    on_states = rc.spec.on_states
    header = [
        f"syncfs-mc {version()}: Promela export of {rc.variant}, property {rc.prop}",
        f"bounds: {bounds}",
        "Generated from the instrumented IR: one proctype per actor, one d_step per atomic",
        "step and branch, the property's violation condition as assert(!(...)).",
        "Run: spin -a FILE && gcc -O2 -fwrapv -DSAFETY -DBFS -o pan pan.c && ./pan "
        + ("(deadlock: invalid end states)" if on_states else "-E (assertions only)"),
        ("Dead values are reset to their initial value after their last read (syncfs-mc "
         "specs/deadreset.py)." if dead_reset else "The world as built (no dead-value reset)."),
        f"Assertions starting with {RANGE_MARK} check the 30-bit range of int words: "
        "their failure means the export is not exact.",
    ]
    for line in rc.world.prologue:
        header.append(f"prologue (already in the initial values): {line}")
    world, twin = (rc.search_world, rc.search_twin) if dead_reset else (rc.world, rc.twin)
    return to_promela(world, rc.prop, header, twin)
