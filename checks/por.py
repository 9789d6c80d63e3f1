"""Partial-order reduction: ample sets of one step, à la Valmari (stubborn sets) and Peled
(ample sets).

``independence`` tabulates, for every step of every actor, the pcs of each other actor from
which nothing that actor may still do conflicts with the step (no write of one touches what
the other reads or writes; ghost state, violation conditions and event arguments count as
accesses).  ``ample_function`` compiles that table into ``ample(state) -> actor``: the first
unfinished actor whose next step commutes with the whole remaining future of every other
actor, which the search may then expand alone.  The search adds the cycle proviso (a state
whose single successor was already seen is expanded fully) and expands blocked or violating
states fully; ``checks.explicit.search`` says when the reduced search runs at all.
"""

from __future__ import annotations

from collections.abc import Callable

from checks.stepcode import CompiledWorld
from model.expr import variables
from model.ir import Step, World
from specs.properties import violation_of


def _accesses(st: Step) -> tuple[frozenset[str], frozenset[str]]:
    """What ``st`` reads (guard, values, branch conditions, the violation condition and event
    arguments) and what it writes."""
    reads = set(st.reads) | variables(violation_of(st))
    for ev in st.events:
        for _, v in ev.args:
            if not isinstance(v, (str, int)):
                reads |= variables(v)
    return frozenset(reads), st.writes


def _futures(actor_steps: tuple[Step, ...]) -> list[tuple[frozenset[str], frozenset[str]]]:
    """Per pc: everything the actor may read and write from that pc on (the union over the
    steps reachable through gotos, that pc included)."""
    n = len(actor_steps)
    acc = [_accesses(st) for st in actor_steps]
    succ = [{t for _, t in st.goto if t < n} for st in actor_steps]
    out = []
    for pc in range(n):
        seen, todo = {pc}, [pc]
        while todo:
            for t in succ[todo.pop()]:
                if t not in seen:
                    seen.add(t)
                    todo.append(t)
        r = frozenset().union(*(acc[q][0] for q in seen))
        w = frozenset().union(*(acc[q][1] for q in seen))
        out.append((r, w))
    return out


def independence(world: World) -> list[list[list[frozenset[int]]]]:
    """``table[a][pc][b]``: the pcs of actor ``b`` from which nothing ``b`` may still do
    conflicts with actor ``a``'s step at ``pc`` (no write of one touches what the other reads
    or writes, ghost state and violation conditions included).  A step that commutes with the
    whole remaining future of every other actor can be explored alone (an ample set of one,
    as in the stubborn/ample-set methods of Valmari and Peled): every interleaving that
    postpones it reaches the same violations and deadlocks with it moved to the front."""
    acc = [[_accesses(st) for st in a.steps] for a in world.actors]
    fut = [_futures(a.steps) for a in world.actors]
    table = []
    for ai, a in enumerate(world.actors):
        rows = []
        for pc in range(len(a.steps)):
            r, w = acc[ai][pc]
            row = []
            for bj, b in enumerate(world.actors):
                ok = set()
                if bj != ai:
                    for q in range(len(b.steps)):
                        fr, fw = fut[bj][q]
                        if not (w & (fr | fw)) and not (r & fw):
                            ok.add(q)
                row.append(frozenset(ok))
            rows.append(row)
        table.append(rows)
    return table


def ample_function(cw: CompiledWorld) -> Callable[[tuple[int, ...]], int]:
    """A compiled ``ample(state) -> actor`` (see :func:`independence`): the first unfinished
    actor whose next step commutes with what every other actor may still do, or -1."""
    table = independence(cw.world)
    dones = [len(a.steps) for a in cw.world.actors]
    pcs = cw.pc_slots
    ns: dict[str, object] = {}
    lines = ["def ample(s):"]
    lines += [f"    p{i} = s[{k}]" for i, k in enumerate(pcs)]
    for ai in range(len(pcs)):
        # per pc of ai: for each other actor, the pcs it may be at (finished included)
        rows = []
        for pc in range(dones[ai]):
            rows.append(tuple(frozenset(table[ai][pc][bj] | {dones[bj]})
                              for bj in range(len(pcs)) if bj != ai))
        ns[f"T{ai}"] = tuple(rows)
        others = [bj for bj in range(len(pcs)) if bj != ai]
        test = " and ".join(f"p{bj} in r[{k}]" for k, bj in enumerate(others)) or "True"
        lines.append(f"    if p{ai} < {dones[ai]}:")
        lines.append(f"        r = T{ai}[p{ai}]")
        lines.append(f"        if {test}:")
        lines.append(f"            return {ai}")
    lines.append("    return -1")
    exec(compile("\n".join(lines), "<ample>", "exec"), ns)  # noqa: S102
    return ns["ample"]  # type: ignore[return-value]

