"""Symmetry reduction: interchangeable actors, and one canonical state per permutation.

Identical overlay syncers, each on its own file, can be swapped without changing anything a
property can see.  ``symmetry_groups`` finds them: each actor's own variables (its pc and
locals, its file's cursor and lock, its ghosts) form a *block*; two actors are interchangeable
when they play the same role on the same layer, their compiled steps are the same text once
their blocks are renamed to positions, and nobody else touches a block.  ``canonicalizer``
maps a state to the representative of its class by sorting the blocks of each group: symmetry
reduction by canonical representatives (Ip and Dill's scalarsets in Murphi), where the
representative is simply the state with the blocks in sorted order, so no permutation is ever
searched for.  A search that stores only representatives meets each class once, at the depth
of its first member.
"""

from __future__ import annotations

from collections.abc import Callable

from checks.stepcode import step_source
from model.expr import variables
from model.ir import World


def _block(world: World, actor: str) -> list[str] | None:
    """The variables that belong to ``actor`` alone, in a canonical order: its pc and locals,
    its file's cursor and f_lock, its own and its file's ghost variables.  None when the actor
    shares its file with another thread (not interchangeable as a unit)."""
    files = [f for f in world.files if actor in f.holders]
    if len(files) != 1 or files[0].holders != (actor,):
        return None
    f = files[0].name
    mine = []
    for v in world.variables:
        n = v.name
        if (n.startswith(f"{actor}.") or n.startswith(f"{f}.") or n.startswith(f"g.{actor}.")
                or n.startswith(f"g.{f}.")):
            mine.append(n)
    key = {n: n.replace(f"g.{actor}.", "g.@A.").replace(f"g.{f}.", "g.@F.")
           .replace(f"{actor}.", "@A.").replace(f"{f}.", "@F.") for n in mine}
    return sorted(mine, key=lambda n: key[n])


def symmetry_groups(world: World) -> list[list[tuple[int, ...]]]:
    """Groups of interchangeable actors, as slot tuples of their blocks.

    Two actors are interchangeable when their programs are identical once each one's own
    variables (see ``_block``) are renamed to block positions, nothing outside them refers to
    those variables, and they play the same role on the same layer.  Overlay syncers on one
    overlay running the same program on their own files are the case that matters.
    """
    slots = {name: i for i, name in enumerate(world.names)}
    blocks: dict[str, list[str]] = {}
    for a in world.actors:
        b = _block(world, a.name)
        if b is not None:
            blocks[a.name] = b
    owner = {n: a for a, b in blocks.items() for n in b}
    # Nobody else may look inside a block.
    for a in world.actors:
        for st in a.steps:
            used = set(st.reads) | set(st.writes)
            for ev in st.events:
                for _, v in ev.args:
                    if not isinstance(v, (str, int)):
                        used |= variables(v)
            for n in used:
                if n in owner and owner[n] != a.name:
                    blocks.pop(owner[n], None)
    sig: dict[tuple, list[str]] = {}
    for a in world.actors:
        if a.name not in blocks:
            continue
        pos = {n: i for i, n in enumerate(blocks[a.name])}

        def var(name: str, pos: dict[str, int] = pos) -> str:
            return f"B[{pos[name]}]" if name in pos else f"s[{slots[name]}]"

        local_slots = {n: (1000 + pos[n] if n in pos else slots[n]) for n in world.names}
        srcs = tuple(step_source(st, var, local_slots, 1000 + pos[a.pc_var])
                     for st in a.steps)
        f = next(f for f in world.files if a.name in f.holders)
        sig.setdefault((a.role, f.layer, len(blocks[a.name]), srcs), []).append(a.name)
    groups = []
    for names in sig.values():
        if len(names) > 1:
            groups.append([tuple(slots[n] for n in blocks[a]) for a in names])
    return groups


def canonicalizer(groups: list[list[tuple[int, ...]]], offset: int = 0, twin_offset: int = -1
                  ) -> Callable[[tuple[int, ...]], tuple[int, ...]] | None:
    """A function mapping a state to its canonical representative: within each group the
    blocks' values are sorted.  ``twin_offset``: the twin's copy of every slot sits that far
    on (the wrap product) and moves with its block."""
    if not groups:
        return None
    lines = ["def canon(s):", "    t = list(s)"]
    for g, blocks in enumerate(groups):
        def cells(b: tuple[int, ...]) -> list[int]:
            out = [offset + i for i in b]
            if twin_offset >= 0:
                out += [twin_offset + i for i in b]
            return out
        items = ", ".join("(" + ", ".join(f"s[{i}]" for i in cells(b)) + ",)" for b in blocks)
        lines.append(f"    g{g} = sorted(({items}))")
        for k, b in enumerate(blocks):
            for j, i in enumerate(cells(b)):
                lines.append(f"    t[{i}] = g{g}[{k}][{j}]")
    lines.append("    return tuple(t)")
    ns: dict[str, object] = {}
    exec(compile("\n".join(lines), "<canon>", "exec"), ns)  # noqa: S102
    return ns["canon"]  # type: ignore[return-value]
