"""Fair lassos on an explicit state graph: the detector behind ``progress``.

The graph is given as plain data: node ids, and per node its outgoing edges ``(actor,
target)`` (a step is deterministic, so an actor has at most one edge out of a node and an
actor is *enabled* at a node exactly when it has an edge there).  ``inside(node)`` is the set
of actors that are inside a syncfs call at that node.

Weak fairness per actor: an infinite run is fair when no actor stays enabled from some point
on without taking a step.  So a cycle is fair iff every actor either takes a step on the
cycle or is disabled at some node of it.  A node with no edge at all (everybody finished or
blocked) stutters for ever: it is a fair cycle of length 0 (every actor is disabled there).

``progress`` is violated iff some reachable fair cycle keeps one actor ``a`` inside a call
at every node.  Such a cycle lies in one strongly connected component of the subgraph
``H_a`` of nodes where ``a`` is inside a call, and that component is then fair in the same
sense (every actor steps on an edge inside it or is disabled at one of its nodes).
Conversely, a fair component holds a fair cycle: walk from any node through one witness per
actor (an edge of the actor inside the component, else a node where it is disabled) and
back.  The search is the Emerson-Lei check for weak fairness, one actor at a time.

The stem is a shortest path from the initial node to any node of a fair violating component,
so no violating lasso has a shorter stem; the cycle is built greedily (nearest witness next,
breadth-first inside the component), short but not necessarily the shortest.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass

import networkx as nx

Node = Hashable
Edge = tuple[int, Node]  # (actor, target)


@dataclass(frozen=True)
class Lasso:
    """A violating run: ``stem`` from the initial node to ``entry``, then ``cycle`` from
    ``entry`` back to it, each a list of ``(actor, node reached)``; ``actor`` is the one whose
    call never returns.  An empty ``cycle``: ``entry`` has no enabled step and stutters."""

    actor: int
    entry: Node
    stem: tuple[Edge, ...]
    cycle: tuple[Edge, ...]


def _bfs_tree(init: Node, succ: Callable[[Node], Sequence[Edge]]
              ) -> dict[Node, tuple[Node, int] | None]:
    parent: dict[Node, tuple[Node, int] | None] = {init: None}
    queue = deque([init])
    while queue:
        x = queue.popleft()
        for a, y in succ(x):
            if y not in parent:
                parent[y] = (x, a)
                queue.append(y)
    return parent


def _path_to(parent: Mapping[Node, tuple[Node, int] | None], node: Node) -> tuple[Edge, ...]:
    out: list[Edge] = []
    cur = node
    while (p := parent[cur]) is not None:
        out.append((p[1], cur))
        cur = p[0]
    return tuple(reversed(out))


def fair_components(nodes: Sequence[Node], succ: Callable[[Node], Sequence[Edge]],
                    inside: Callable[[Node], frozenset[int]], actors: int
                    ) -> list[tuple[int, frozenset[Node]]]:
    """Every ``(a, C)``: ``C`` a strongly connected component of the nodes where actor ``a``
    is inside a call, with a cycle (or one node without any edge), fair under weak fairness
    (each actor steps on an edge inside ``C`` or is disabled at a node of ``C``)."""
    out = []
    for a in range(actors):
        keep = [x for x in nodes if a in inside(x)]
        if not keep:
            continue
        kept = set(keep)
        g = nx.DiGraph()
        g.add_nodes_from(keep)
        g.add_edges_from((x, y) for x in keep for _, y in succ(x) if y in kept)
        for comp in nx.strongly_connected_components(g):
            c = frozenset(comp)
            x0 = next(iter(c))
            if len(c) == 1 and not succ(x0):
                out.append((a, c))  # stutters for ever: every actor is disabled
                continue
            if len(c) == 1 and not g.has_edge(x0, x0):
                continue  # no cycle
            if all(_witnessed(b, c, succ) for b in range(actors)):
                out.append((a, c))
    return out


def _witnessed(b: int, c: frozenset[Node], succ: Callable[[Node], Sequence[Edge]]) -> bool:
    """Actor ``b`` steps inside ``c`` or is disabled at some node of ``c``."""
    for x in c:
        mine = [y for a, y in succ(x) if a == b]
        if not mine or mine[0] in c:
            return True
    return False


def _cycle(entry: Node, c: frozenset[Node], succ: Callable[[Node], Sequence[Edge]],
           actors: int) -> tuple[Edge, ...]:
    """A fair cycle from ``entry`` inside ``c``: nearest witness of each actor in turn, then
    back to ``entry``."""
    if not succ(entry):
        return ()
    path: list[Edge] = []
    cur = entry
    done: set[int] = set()

    def note(x: Node) -> None:
        en = {a for a, _ in succ(x)}
        done.update(b for b in range(actors) if b not in en)

    note(entry)
    while True:
        todo = [b for b in range(actors) if b not in done]
        # breadth-first inside c from cur to the nearest node or edge that is a witness
        parent: dict[Node, tuple[Node, int] | None] = {cur: None}
        queue = deque([cur])
        hit: tuple[Node, Edge | None] | None = None
        while queue and hit is None:
            x = queue.popleft()
            en = {a for a, _ in succ(x)}
            if todo and any(b not in en for b in todo) and x != cur:
                hit = (x, None)
                break
            for a, y in succ(x):
                if y not in c:
                    continue
                if a in todo or (not todo and y == entry):
                    hit = (x, (a, y))
                    break
                if y not in parent:
                    parent[y] = (x, a)
                    queue.append(y)
        assert hit is not None, "a fair component always has its witnesses"
        x, last = hit
        seg = list(_path_to(parent, x))
        if last is not None:
            seg.append(last)
        for a, y in seg:
            done.add(a)
            note(y)
        path += seg
        cur = path[-1][1] if path else entry
        if cur == entry and path and all(b in done for b in range(actors)):
            return tuple(path)


def find_lasso(init: Node, succ: Callable[[Node], Sequence[Edge]],
               inside: Callable[[Node], frozenset[int]], actors: int) -> Lasso | None:
    """The violating lasso with the shortest stem (ties: the lower actor, then the shorter
    cycle), or None when ``progress`` holds on the graph reachable from ``init``."""
    parent = _bfs_tree(init, succ)
    order = {x: i for i, x in enumerate(parent)}  # breadth-first: by distance
    depth: dict[Node, int] = {}
    for x in parent:
        p = parent[x]
        depth[x] = 0 if p is None else depth[p[0]] + 1
    best: Lasso | None = None
    for a, c in fair_components(list(parent), succ, inside, actors):
        entry = min(c, key=order.__getitem__)
        cand = Lasso(a, entry, _path_to(parent, entry), _cycle(entry, c, succ, actors))
        if best is None or (len(cand.stem), len(cand.cycle)) < (len(best.stem),
                                                                 len(best.cycle)):
            best = cand
    return best


__all__ = ["Edge", "Lasso", "Node", "fair_components", "find_lasso"]
