"""Data symmetry of looping worlds: counter rotations and errno renamings, proved per world.

In a world whose writers complete errors for ever (``--errors inf:EIO,ENOSPC``), two more
families of states behave alike besides permutations of identical syncers
(``checks.symmetry``):

* **counter rotation**: adding ``r`` (mod ``2**counter_bits``) to the counter of every
  errseq word that carries an errno.  ``errseq_set`` increments, ``errseq_sample``,
  ``errseq_check`` and ``errseq_check_and_advance`` compare words for equality or test SEEN;
  none of that tells counter 1 from counter 3.  What does is the word 0 (never an error):
  ``errseq_set`` on 0 makes counter 0 whatever the rotation.  So the rotation is a symmetry
  only of the *region* where U and every overlay's word are already non-zero;
* **errno renaming**: exchanging the writers' errnos everywhere (in every word's errno
  field, in the locals that hold an errno, and the writers that complete them, ``W1`` and
  ``W2``), when nothing else in the world names one of them.

Neither is assumed.  :func:`data_symmetry` states the candidate maps and the region, and
``checks.smt.prove_equivariant`` proves with z3, step by step of the world actually
searched (monitor and dead-value resets included), that each generator maps the region into
itself and commutes with every step: same guard, same violation, image of the successor is
the successor of the image.  A world where any obligation fails gets no data symmetry (a
scheme that compares a word with a constant, a monitor that keys ghosts by counter or errno,
a bounded writer whose errors come in a fixed order).  The proof covers generators; the
group they generate is applied whole, as composition keeps each obligation.

A search then stores, for a state in the region, the least (as a tuple) of the actor-sorted
images of the state whose U is the least U of its orbit: one representative per orbit, met at the
depth of its first member, so verdicts and shortest lengths do not change (the argument of
``checks.symmetry``, with a region closed under the steps).  Used only for safety
searches of looping worlds (bounded worlds keep their recorded state counts; the liveness
search builds its own graph without it).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from model.ir import World

#: slot kinds of a data map
IDENTITY, WORD, ERRNO = 0, 1, 2


@dataclass(frozen=True)
class DataMap:
    """One element of the data group: ``new[perm[i]] = value map of old[i]``.

    Words (``kind WORD``) get ``rot`` added to their counter and their errno renamed by
    ``rename`` (when they carry one); errno-valued locals (``kind ERRNO``) are renamed;
    the rest keep their value.  ``perm`` moves a writer's slots to those of the writer of
    its errno's image."""

    perm: tuple[int, ...]
    rot: int
    rename: tuple[tuple[int, int], ...]

    @property
    def is_identity(self) -> bool:
        return (self.rot == 0 and all(a == b for a, b in self.rename)
                and self.perm == tuple(range(len(self.perm))))


@dataclass(frozen=True)
class DataSymmetry:
    """The proved data group of one world: its elements and the region they act on."""

    kinds: tuple[int, ...]
    region_words: tuple[int, ...]  # slots that must carry an errno (U, the overlays' words)
    maps: tuple[DataMap, ...]  # every element but the identity
    world: World
    #: ``(actor, pc, local)``: at that pc the local is not 0 (a word: carries an errno)
    facts: tuple[tuple[str, int, str], ...] = ()

    @property
    def word_slots(self) -> tuple[int, ...]:
        return tuple(i for i, k in enumerate(self.kinds) if k == WORD)

    @property
    def errno_slots(self) -> tuple[int, ...]:
        return tuple(i for i, k in enumerate(self.kinds) if k == ERRNO)

    def apply(self, g: DataMap, s: tuple[int, ...]) -> tuple[int, ...]:
        """``g`` applied to state ``s``."""
        L = self.world.layout
        em, sh, cmask, flags = L.errno_mask, L.ctr_shift, (1 << L.counter_bits) - 1, L.flags
        rename = dict(g.rename)
        t = [0] * len(s)
        for i, v in enumerate(s):
            k = self.kinds[i]
            if k == WORD and v & em:
                c = ((v >> sh) + g.rot) & cmask
                v = (c << sh) | (v & flags) | rename.get(v & em, v & em)
            elif k == ERRNO:
                v = rename.get(v, v)
            t[g.perm[i]] = v
        return tuple(t)

    def in_region(self, s: tuple[int, ...]) -> bool:
        """U and every overlay's word carry an errno, every word without one has counter 0,
        every errno local holds 0..4095 (the region ``checks.smt.prove_equivariant`` proves
        the maps on)."""
        L = self.world.layout
        em, sh, cmask = L.errno_mask, L.ctr_shift, (1 << L.counter_bits) - 1
        if any(not s[i] & em for i in self.region_words):
            return False
        return (all(0 <= s[i] <= L.word_mask and (s[i] & em or not (s[i] >> sh) & cmask)
                    for i in self.word_slots)
                and all(0 <= s[i] <= em for i in self.errno_slots)
                and all(s[pc] != at or (s[v] & em if word else s[v])
                        for pc, at, v, word in self.fact_slots))

    @cached_property
    def fact_slots(self) -> tuple[tuple[int, int, int, bool], ...]:
        """The facts as ``(pc slot, pc, local slot, local is a word)``."""
        ix = {n: i for i, n in enumerate(self.world.names)}
        return tuple((ix[f"{a}.pc"], pc, ix[v], self.kinds[ix[v]] == WORD)
                     for a, pc, v in self.facts)

    def word_image(self, g: DataMap, w: int) -> int:
        """``g`` applied to one errseq word."""
        L = self.world.layout
        em, sh, cmask = L.errno_mask, L.ctr_shift, (1 << L.counter_bits) - 1
        if not w & em:
            return w
        e = w & em
        return ((((w >> sh) + g.rot) & cmask) << sh) | (w & L.flags) | dict(g.rename).get(e, e)

    def canonicalizer(self, actor_canon: Callable[[tuple[int, ...]], tuple[int, ...]] | None
                      ) -> Callable[[tuple[int, ...]], tuple[int, ...]]:
        """``canon(s)``: outside the region the actor canonical form; inside, among the
        group's images whose U is the least U in the orbit (U is shared, so actor
        permutations keep it), the least actor-canonical one.  A function of the orbit, so
        one state is stored per orbit; trying only the images with the least U (one, with
        two errnos) costs a single map per state.  The native back end computes the same."""
        ac = actor_canon or (lambda s: s)
        maps, apply, region, image = self.maps, self.apply, self.in_region, self.word_image
        u = self.region_words[0]

        def canon(s: tuple[int, ...]) -> tuple[int, ...]:
            if not region(s):
                return ac(s)
            least = s[u]
            for g in maps:
                least = min(least, image(g, s[u]))
            best = ac(s) if s[u] == least else None
            for g in maps:
                if image(g, s[u]) == least:
                    t = ac(apply(g, s))
                    if best is None or t < best:
                        best = t
            assert best is not None
            return best

        return canon


def _writer_of(world: World) -> dict[int, str]:
    """The for-ever writer completing each errno (``model.world._forever_writers``)."""
    distinct = tuple(dict.fromkeys(world.errors))
    writers = [a.name for a in world.actors if a.role == "writeback"]
    if len(writers) != len(distinct):
        return {}
    return dict(zip(distinct, writers, strict=True))


def _perm_for(world: World, rename: dict[int, int], writer: dict[int, str]) -> tuple[int, ...]:
    """The slot permutation moving each writer's slots to its errno's image's writer."""
    moves = {writer[a]: writer[b] for a, b in rename.items()}
    index = {n: i for i, n in enumerate(world.names)}
    perm = []
    for n in world.names:
        target = n
        for src, dst in moves.items():
            for pre in (f"{src}.", f"g.{src}."):
                if n.startswith(pre):
                    target = pre.replace(src, dst, 1) + n[len(pre):]
        perm.append(index[target])
    return tuple(perm)


_CACHE: dict[int, tuple[World, DataSymmetry | None, str]] = {}
#: off: no data symmetry anywhere (the tests compare verdicts with and without it)
ENABLED = True


def data_symmetry(world: World) -> tuple[DataSymmetry | None, str]:
    """The data group of ``world`` and a line saying what was proved (or why none).

    Only looping worlds with for-ever writers are tried; see the module docstring."""
    if not ENABLED:
        return None, "data symmetry switched off"
    hit = _CACHE.get(id(world))
    if hit is not None and hit[0] is world:
        return hit[1], hit[2]
    sym, why = _build(world)
    if len(_CACHE) > 32:
        _CACHE.clear()
    _CACHE[id(world)] = (world, sym, why)
    return sym, why


def _facts_symmetric(world: World, facts: tuple[tuple[str, int, str], ...],
                     writer: dict[int, str]) -> bool:
    """Whether renaming one interchangeable actor to another (``checks.symmetry``'s groups,
    and the for-ever writers) maps the facts onto themselves: the region must be a union of
    whole orbits, or an actor-sorted image could fall outside it."""
    from checks.symmetry import symmetry_groups

    pc_actor = {a.pc_var: a.name for a in world.actors}
    classes = [list(writer.values())]
    for group in symmetry_groups(world):
        classes.append([next(pc_actor[world.names[i]] for i in block
                             if world.names[i] in pc_actor) for block in group])
    have = set(facts)
    for names in classes:
        for a in names:
            for b in names:
                for actor, pc, local in facts:
                    if actor == a and (b, pc, b + local[len(a):]) not in have:
                        return False
    return True


#: reachable states sampled (breadth-first) to choose the region's facts
SAMPLE_STATES = 4_000


def reachable_sample(world: World, limit: int = SAMPLE_STATES) -> list[tuple[int, ...]]:
    """Up to about ``limit`` reachable states, breadth-first."""
    from checks.stepcode import compile_world, successor_function

    cw = compile_world(world)
    succ = successor_function(cw, None)
    seen = {cw.initial}
    frontier = [cw.initial]
    while frontier and len(seen) < limit:
        nxt = []
        for st in frontier:
            for _, t, _ in succ(st)[0]:
                if t not in seen:
                    seen.add(t)
                    nxt.append(t)
        frontier = nxt
    return list(seen)


def _build(world: World) -> tuple[DataSymmetry | None, str]:
    from checks import smt  # z3 is imported by the SMT engine's module only

    if not world.params.get("looping") or not world.params.get("errors_forever"):
        return None, "not a looping world with endless errors"
    if world.upper_any or world.errno_vars:
        return None, "symbolic mount or errnos"
    writer = _writer_of(world)
    if not writer:
        return None, "no for-ever writers"
    n = len(world.names)
    words = {i for i, v in enumerate(world.variables) if v.errseq}
    errno_locals = {i for i, v in enumerate(world.variables) if v.kind == "local"
                    and not v.errseq}
    kinds = tuple(WORD if i in words else ERRNO if i in errno_locals else IDENTITY
                  for i in range(n))
    region = tuple(world.names.index(x) for x in ("U", *world.overlays) if x in world.names)
    facts = smt.region_facts(world, kinds, region, reachable_sample(world))
    if not _facts_symmetric(world, facts, writer):
        return None, "the region's facts are not symmetric in the interchangeable actors"
    L = world.layout
    distinct = sorted(writer)
    rot_ok = smt.prove_equivariant(world, kinds, region, DataMap(tuple(range(n)), 1, ()),
                                   facts) is None
    swap_ok = len(distinct) > 1
    for a, b in itertools.pairwise(distinct):
        rename = {a: b, b: a}
        g = DataMap(_perm_for(world, rename, writer), 0, tuple(sorted(rename.items())))
        if smt.prove_equivariant(world, kinds, region, g, facts) is not None:
            swap_ok = False
    if not rot_ok and not swap_ok:
        return None, "no data symmetry proved"
    found = []
    if rot_ok:
        found.append(f"counter rotations (x{1 << L.counter_bits})")
    renames: list[tuple[int, ...]] = [tuple(distinct)]
    if swap_ok:
        renames = list(itertools.permutations(distinct))
        found.append(f"errno renamings (x{len(renames)})")
    maps = []
    for image in renames:
        rename = dict(zip(distinct, image, strict=True))
        perm = _perm_for(world, rename, writer)
        for r in range(1 << L.counter_bits) if rot_ok else range(1):
            g = DataMap(perm, r, tuple(sorted(rename.items())))
            if not g.is_identity:
                maps.append(g)
    return (DataSymmetry(kinds, region, tuple(maps), world, facts),
            "data symmetry proved by z3: " + ", ".join(found))


__all__ = ["DataMap", "DataSymmetry", "data_symmetry", "reachable_sample", "IDENTITY", "WORD",
           "ERRNO"]
