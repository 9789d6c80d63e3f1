"""C source for one search, generated from the instrumented IR (no per-scheme code).

Everything the Python engine compiles (``checks.stepcode``, ``checks.symmetry``) has a C
twin here, written to compute exactly the same values:

* every step of every actor becomes one C function over a slot array (``v_t`` is int64, so
  the IR's small integers behave as Python's); ``land``/``lor`` return what Python's
  ``and``/``or`` return in the compiled Python (an operand, not a bool), because a value
  they compute may be stored;
* the ``wrap`` product appends the twin's slots and an ``alive`` flag, driven in lockstep
  exactly as ``checks.stepcode.successor_function`` drives it;
* the canonicaliser sorts each symmetry group's blocks lexicographically (Python's
  ``sorted`` on tuples), twin cells following their block;
* a state is split into components (:func:`_components`: one per actor, one for the rest),
  each packed into its own 64-bit words, each slot in its declared width, end to end (a slot
  may straddle two words); a value outside its width is reported (the Python engine's
  ``SYNCFS_MC_CHECK_PACKING`` check, always on here).  The driver interns each component's
  packed value and stores a state as its components' 32-bit indices.

The search itself is ``checks/native/driver.c``, appended after these definitions.
"""

from __future__ import annotations

from collections.abc import Callable

from checks.datasym import ERRNO, WORD, DataSymmetry
from checks.stepcode import CompiledWorld
from model.expr import TRUE, Const, Expr, Op, Var
from model.ir import Step, World
from specs.properties import violation_of

_BINARY = {"add": "+", "sub": "-", "band": "&", "bor": "|",
           "eq": "==", "ne": "!=", "lt": "<", "le": "<="}
_CALLS = {"land": "L_AND", "lor": "L_OR", "max": "V_MAX", "min": "V_MIN"}


class Unsupported(ValueError):
    """A world the native back end cannot represent (the caller falls back to Python)."""


def to_c(e: Expr, var: Callable[[str], str]) -> str:
    """C source computing ``e`` as the compiled Python (``model.expr.to_python``) does."""
    if isinstance(e, Const):
        v = e.value
        if -(1 << 62) < v < (1 << 62):
            return f"((v_t){v}LL)"
        if not 0 <= v < (1 << MAX_WIDTH):
            raise Unsupported(f"constant {v} does not fit {MAX_WIDTH} bits")
        return f"(((v_t){v >> 64}ULL << 64) | (v_t){v & ((1 << 64) - 1)}ULL)"
    if isinstance(e, Var):
        return var(e.name)
    assert isinstance(e, Op)
    a = [to_c(x, var) for x in e.args]
    if e.op in _BINARY:
        return f"((v_t)({a[0]} {_BINARY[e.op]} {a[1]}))"
    if e.op == "shr":
        return f"({a[0]} >> {e.k})"
    if e.op == "ite":
        return f"({a[0]} ? {a[1]} : {a[2]})"
    if e.op == "lnot":
        return f"((v_t)!{a[0]})"
    if e.op in _CALLS:
        return f"{_CALLS[e.op]}({a[0]}, {a[1]})"
    raise Unsupported(f"unknown operation {e.op!r}")


class _Temps:
    """Hash-consed temporaries of one step: each distinct operation is computed once, in a
    ``const v_t`` (the IR's trees repeat sub-expressions heavily; sharing them keeps the C
    small, so it compiles fast).  Every operation is pure, so computing an ``ite``'s both
    arms or a ``land``'s second operand changes no value."""

    def __init__(self, slots: dict[str, int]) -> None:
        self.slots = slots
        self.names: dict[tuple, str] = {}
        self.lines: list[str] = []

    def __call__(self, e: Expr) -> str:
        if isinstance(e, Const):
            return to_c(e, str)
        if isinstance(e, Var):
            return f"s[{self.slots[e.name]}]"
        args = tuple(self(x) for x in e.args)
        key = (e.op, args, e.k)
        name = self.names.get(key)
        if name is None:
            name = f"e{len(self.names)}"
            self.names[key] = name
            op = Op(e.op, tuple(Var(a) for a in args), e.k)
            self.lines.append(f"  const v_t {name} = {to_c(op, lambda a: a)};")
        return name

    def take(self) -> list[str]:
        out, self.lines = self.lines, []
        return out


def _step_c(fn: str, st: Step, slots: dict[str, int], pc_slot: int, n: int) -> str:
    """``static int fn(const v_t *s, v_t *t, int *bad)``: 0 when the guard is false, else
    ``t`` (``n`` slots) is the successor and ``*bad`` whether the step violates."""
    tmp = _Temps(slots)
    out = [f"static int {fn}(const v_t *s, v_t *t, int *bad) {{"]
    if st.guard != TRUE:
        g = tmp(st.guard)
        out += tmp.take()
        out.append(f"  if (!{g}) return 0;")
    vals = [tmp(e) for _, e in st.assigns]
    target = str(st.goto[-1][1])
    for cond, t in reversed(st.goto[:-1]):
        target = f"({tmp(cond)} ? {t} : {target})"
    bad = tmp(violation_of(st))
    out += tmp.take()
    out.append(f"  v_t pc = {target};")
    out.append(f"  *bad = {bad} != 0;")
    out.append(f"  memcpy(t, s, {n} * sizeof(v_t));")
    for (name, _), v in zip(st.assigns, vals, strict=True):
        out.append(f"  t[{slots[name]}] = {v};")
    out.append(f"  t[{pc_slot}] = pc;")
    out.append("  return 1;\n}")
    return "\n".join(out)


def _world_c(prefix: str, cw: CompiledWorld) -> list[str]:
    """Step functions of ``cw`` and ``{prefix}_step(actor, pc, s, t, bad)``."""
    slots, n = cw.slots, len(cw.initial)
    out = []
    for ai, a in enumerate(cw.world.actors):
        for st in a.steps:
            out.append(_step_c(f"{prefix}_{ai}_{st.pc}", st, slots, slots[a.pc_var], n))
    out.append(f"static int {prefix}_step(int a, v_t pc, const v_t *s, v_t *t, int *bad) {{")
    out.append("  switch (a) {")
    for ai, a in enumerate(cw.world.actors):
        out.append(f"  case {ai}: switch (pc) {{")
        for st in a.steps:
            out.append(f"    case {st.pc}: return {prefix}_{ai}_{st.pc}(s, t, bad);")
        out.append("    default: return 0; }")
    out.append("  }\n  return 0;\n}")
    return out


#: the widest slot a state may have (values are ``__int128`` when a slot passes 62 bits)
MAX_WIDTH = 124


def _layout(widths: list[int]) -> tuple[list[tuple[int, int]], int]:
    """(word, shift) of every slot, and the number of 64-bit words: slots of up to 62 bits
    are laid end to end (one may straddle two words); a wider one starts a word of its own
    and takes two."""
    places, word, at = [], 0, 0
    for w in widths:
        if w > MAX_WIDTH:
            raise Unsupported(f"a slot of {w} bits")
        if w > 62:
            word, at = (word + 1, 0) if at else (word, 0)
            places.append((word, 0))
            word, at = word + 2, 0
            continue
        places.append((word, at))
        at += w
        if at >= 64:
            word, at = word + 1, at - 64
    return places, word + (1 if at else 0) or 1


def _components(worlds: list[tuple[World, int]], ns: int) -> list[list[int]]:
    """The slots split into components, each interned in its own table (see driver.c):
    one per actor (its pc and locals, and the monitor's ghosts named after it,
    ``g.<actor>.*``) and one for everything else; the twin's slots (and its ``alive`` flag)
    join the real world's component of the same actor, or the rest.  Any split is
    correct; this one keeps each component's distinct values few (an actor's slots, and its
    twin's, move together)."""
    groups: dict[str, list[int]] = {}
    for world, base in worlds:
        actors = {a.name for a in world.actors}
        for i, v in enumerate(world.variables):
            parts = v.name.split(".")
            owner = v.owner or (parts[1] if len(parts) > 2 and parts[0] == "g"
                                and parts[1] in actors else "")
            groups.setdefault(owner, []).append(base + i)
    if len(worlds) > 1:  # the alive flag
        groups.setdefault("", []).append(ns - 1)
    return sorted(groups.values())


def _pack_c(comps: list[list[int]], widths: list[int]) -> tuple[list[str], list[int]]:
    """``pack_comp(c, t, k)`` / ``unpack_comp(c, k, t)``: component ``c``'s slots of ``t``
    to and from its words ``k``, each slot in its declared width (laid out by
    :func:`_layout`); and every component's word count."""
    out, nws = [], []
    for c, slots in enumerate(comps):
        ws = [widths[i] for i in slots]
        places, nw = _layout(ws)
        nws.append(nw)
        out += [f"static int pack_{c}(const v_t *t, uint64_t *k) {{",
                f"  memset(k, 0, {nw} * sizeof(uint64_t));"]
        for i, (word, sh), w in zip(slots, places, ws, strict=True):
            check = f"  if (t[{i}] < 0 || (t[{i}] >> {w})) return -1; "
            if w > 62:
                out.append(check + f"k[{word}] = (uint64_t)t[{i}]; "
                           f"k[{word + 1}] = (uint64_t)(t[{i}] >> 64);")
            elif sh + w > 64:  # straddles words `word` and `word + 1`
                out.append(check + f"k[{word}] |= (uint64_t)t[{i}] << {sh}; "
                           f"k[{word + 1}] |= (uint64_t)t[{i}] >> {64 - sh};")
            else:
                out.append(check + f"k[{word}] |= (uint64_t)t[{i}] << {sh};")
        out += ["  return 0;", "}", f"static void unpack_{c}(const uint64_t *k, v_t *t) {{"]
        for i, (word, sh), w in zip(slots, places, ws, strict=True):
            if w > 62:
                out.append(f"  t[{i}] = (v_t)k[{word}] | ((v_t)k[{word + 1}] << 64);")
            elif sh + w > 64:
                out.append(f"  t[{i}] = (v_t)(((k[{word}] >> {sh}) | (k[{word + 1}] << "
                           f"{64 - sh})) & {(1 << w) - 1}ULL);")
            else:
                out.append(f"  t[{i}] = (v_t)((k[{word}] >> {sh}) & {(1 << w) - 1}ULL);")
        out.append("}")
    out.append("static int pack_comp(int c, const v_t *t, uint64_t *k) {\n  switch (c) {")
    out += [f"  case {c}: return pack_{c}(t, k);" for c in range(len(comps))]
    out.append("  }\n  return -1;\n}")
    out.append("static void unpack_comp(int c, const uint64_t *k, v_t *t) {\n  switch (c) {")
    out += [f"  case {c}: unpack_{c}(k, t); return;" for c in range(len(comps))]
    out.append("  }\n}")
    return out, nws


def _canon_c(groups: list[list[tuple[int, ...]]], n: int, twin: bool) -> list[str]:
    """``canon(t)``: each group's blocks sorted in place, as ``checks.symmetry`` sorts."""
    out = ["static int use_symmetry;", "static void canon(v_t *t) {",
           "  if (!use_symmetry) return;"]
    for blocks in groups:
        cells = [list(b) + ([n + i for i in b] if twin else []) for b in blocks]
        m, k = len(cells[0]), len(cells)
        out.append("  {")
        out.append(f"    v_t b[{k}][{m}], x[{m}];")
        for bi, cs in enumerate(cells):
            out.append("    " + " ".join(f"b[{bi}][{j}] = t[{c}];" for j, c in enumerate(cs)))
        out.append(f"    for (int i = 1; i < {k}; i++) {{")
        out.append("      memcpy(x, b[i], sizeof x); int j = i - 1;")
        out.append(f"      while (j >= 0 && lexcmp(b[j], x, {m}) > 0) {{"
                   " memcpy(b[j + 1], b[j], sizeof x); j--; }")
        out.append("      memcpy(b[j + 1], x, sizeof x);\n    }")
        for bi, cs in enumerate(cells):
            out.append("    " + " ".join(f"t[{c}] = b[{bi}][{j}];" for j, c in enumerate(cs)))
        out.append("  }")
    out.append("}")
    return out


def _datasym_c(sym: DataSymmetry, n: int) -> list[str]:
    """``canon(t)`` with data symmetry (``checks.datasym.DataSymmetry.canonicalizer``):
    the actor canonical form, and in the region the least actor-canonical image over the
    group (``lexcmp`` on the whole state, as Python compares tuples)."""
    L = sym.world.layout
    em, sh, cmask, flags = L.errno_mask, L.ctr_shift, (1 << L.counter_bits) - 1, L.flags
    out = ["static int in_region(const v_t *t) {"]
    for i in sym.region_words:
        out.append(f"  if (!(t[{i}] & {em})) return 0;")
    for i in sym.word_slots:
        out.append(f"  if (t[{i}] < 0 || t[{i}] > {L.word_mask} || (!(t[{i}] & {em}) && "
                   f"((t[{i}] >> {sh}) & {cmask}))) return 0;")
    for i in sym.errno_slots:
        out.append(f"  if (t[{i}] < 0 || t[{i}] > {em}) return 0;")
    for pc, at, v, word in sym.fact_slots:
        val = f"(t[{v}] & {em})" if word else f"t[{v}]"
        out.append(f"  if (t[{pc}] == {at} && !{val}) return 0;")
    out += ["  return 1;", "}",
            "static inline v_t rename_errno(v_t v, const v_t *from, const v_t *to, int k) {",
            "  for (int i = 0; i < k; i++) if (v == from[i]) return to[i];",
            "  return v;", "}"]
    for m, g in enumerate(sym.maps):
        pairs = [(a, b) for a, b in g.rename if a != b]
        frm = ", ".join(str(a) for a, _ in pairs) or "0"
        to = ", ".join(str(b) for _, b in pairs) or "0"
        out.append(f"static void data_map_{m}(const v_t *s, v_t *t) {{")
        out.append(f"  static const v_t from[] = {{{frm}}}, to[] = {{{to}}};")
        for i, k in enumerate(sym.kinds):
            j = g.perm[i]
            if k == WORD:
                out.append(f"  t[{j}] = (s[{i}] & {em}) ? ((((s[{i}] >> {sh}) + {g.rot}) & "
                           f"{cmask}) << {sh}) | (s[{i}] & {flags}) | "
                           f"rename_errno(s[{i}] & {em}, from, to, {len(pairs)}) : s[{i}];")
            elif k == ERRNO:
                out.append(f"  t[{j}] = rename_errno(s[{i}], from, to, {len(pairs)});")
            else:
                out.append(f"  t[{j}] = s[{i}];")
        out.append("}")
    u = sym.region_words[0]
    out += ["static void canon(v_t *t) {", "  if (!use_symmetry) return;",
            "  if (!in_region(t)) { canon_actor(t); return; }",
            f"  v_t best[NS], u[NS], w[{len(sym.maps)}], least = t[{u}];", "  int have = 0;"]
    for m, g in enumerate(sym.maps):
        pairs = [(a, b) for a, b in g.rename if a != b]
        ren = "e"
        for a, b in pairs:
            ren = f"(e == {a} ? {b} : {ren})"
        out.append(f"  {{ v_t e = t[{u}] & {em}; w[{m}] = e ? ((((t[{u}] >> {sh}) + {g.rot}) & "
                   f"{cmask}) << {sh}) | (t[{u}] & {flags}) | {ren} : t[{u}]; }}")
        out.append(f"  if (w[{m}] < least) least = w[{m}];")
    out += [f"  if (t[{u}] == least) {{ memcpy(best, t, sizeof best); canon_actor(best); "
            "have = 1; }"]
    for m in range(len(sym.maps)):
        out += [f"  if (w[{m}] == least) {{", f"    data_map_{m}(t, u);", "    canon_actor(u);",
                "    if (!have || lexcmp(u, best, NS) < 0) memcpy(best, u, sizeof best);",
                "    have = 1;", "  }"]
    out += ["  memcpy(t, best, sizeof best);", "}"]
    return out


def generate(cw: CompiledWorld, twin: CompiledWorld | None,
             groups: list[list[tuple[int, ...]]], on_states: bool, driver: str,
             data: DataSymmetry | None = None) -> str:
    """The whole C translation unit for one search (``driver``: the search's C text).
    ``groups``: the symmetry groups, used when ``mc_new`` is asked for symmetry; ``data``:
    the world's proved data symmetry (``checks.datasym``), used with them."""
    n = len(cw.initial)
    widths = [v.width(cw.world) for v in cw.world.variables]
    init = list(cw.initial)
    if twin is not None:
        widths += [v.width(twin.world) for v in twin.world.variables] + [1]
        init += list(twin.initial) + [1]
    worlds = [(cw.world, 0)] + ([(twin.world, n)] if twin is not None else [])
    comps = _components(worlds, len(widths))

    def arr(name: str, xs: list[int], ty: str = "int") -> str:
        return f"static const {ty} {name}[] = {{{', '.join(map(str, xs)) or '0'}}};"

    out = ["/* generated by syncfs-mc checks/native/codegen.py: do not edit */",
           "#include <stdint.h>", "#include <stdlib.h>", "#include <string.h>",
           "typedef __int128 v_t;" if max(widths) > 62 else "typedef int64_t v_t;",
           f"#define NS {len(widths)}", f"#define NREAL {n}", f"#define NC {len(comps)}",
           f"#define NA {len(cw.world.actors)}",
           f"#define TWIN {1 if twin is not None else 0}",
           f"#define ON_STATES {1 if on_states else 0}",
           arr("PC", list(cw.pc_slots)), arr("DONE", [len(s) for s in cw.steps]),
           arr("INIT", init, "v_t"),
           "static inline v_t L_AND(v_t a, v_t b) { return a ? b : a; }",
           "static inline v_t L_OR(v_t a, v_t b) { return a ? a : b; }",
           "static inline v_t V_MAX(v_t a, v_t b) { return a >= b ? a : b; }",
           "static inline v_t V_MIN(v_t a, v_t b) { return a <= b ? a : b; }",
           "static inline int lexcmp(const v_t *a, const v_t *b, int m) {",
           "  for (int i = 0; i < m; i++) if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;",
           "  return 0;\n}"]
    # progress (checks.liveness): where each actor waits inside a syscall
    from checks.liveness import begin_pcs, call_pcs

    offs, incall, begins = [], [], []
    for a, steps in zip(cw.world.actors, cw.steps, strict=True):
        offs.append(len(incall))
        inside, first = call_pcs(a), begin_pcs(a)
        incall += [1 if pc in inside else 0 for pc in range(len(steps))]
        begins += [1 if pc in first else 0 for pc in range(len(steps))]
    out += [arr("INCALL_OFF", offs), arr("INCALL", incall, "unsigned char"),
            arr("BEGINS", begins, "unsigned char")]
    if twin is not None:
        out += [f"#define NTWIN {len(twin.initial)}", arr("TPC", list(twin.pc_slots)),
                arr("TDONE", [len(s) for s in twin.steps])]
    out += _world_c("real", cw)
    if twin is not None:
        out += _world_c("twin", twin)
    actor = (_canon_c(groups, n, twin is not None) if groups
             else ["static int use_symmetry;", "static void canon(v_t *t) { (void)t; }"])
    if data is not None and twin is None:
        actor = [line.replace("static void canon(", "static void canon_actor(")
                 for line in actor]
        actor += _datasym_c(data, n)
    out += actor
    packing, nws = _pack_c(comps, widths)
    out += packing
    out += [arr("CNW", nws), f"#define CNW_MAX {max(nws)}"]
    out.append(driver)
    return "\n".join(out) + "\n"
