"""The ``cmpxchg`` discipline: lock-free propagation that installs O with cmpxchg and retries.

DESIGN §3: "compute the new O from what was read, install it with cmpxchg, retry on
failure".  Around a scheme's ``body`` region it emits::

        snap = READ_ONCE(O);                       /* 1 step, starts the region   */
    again:
        ... the scheme's body, as the scheme wrote it, except that each store to O
        becomes:
        found = cmpxchg(&O, snap, new);            /* the same step               */
        if (found != snap) { snap = found; goto again; }

It is a generic rewrite of the steps the body emitted (``ProgramBuilder.steps_since``), so
it composes with every scheme without knowing any.  A step whose assignments include O
gets ``ok = (O == snap)`` in front of everything it does: when ``ok`` it does exactly what
the scheme wrote (a ``WRITE_ONCE``, or ``errseq_set``'s own cmpxchg), and ``snap``, dead
from then on, is cleared; otherwise it changes nothing but ``snap`` (the value found, as
cmpxchg returns it) and jumps back to ``again``: the body runs again from the start,
re-reading U.  Events the step carries (an errseq_set completing) happen only when ``ok``.

What is, and is not, protected: **only O is installed atomically**, and only against the
value O held at the snapshot (or at this region's own last store).  Everything else the body
does is as the scheme wrote it and is not undone by a retry:

* reads of U, and of O itself, are ordinary reads; a store to O succeeds only when O still
  equals the snapshot, so the value installed was computed from reads of O that saw the
  snapshot, unless O left that value and came back in between (ABA: cmpxchg cannot tell);
  a store that finds O equal to the snapshot but does not complete (``errseq_set``'s own
  cmpxchg losing to such an ABA) compares again with ``snap`` cleared and so restarts;
* stores to U and to the overlay's private fields are not covered.  For ``cursor``, the
  ``errseq_check_and_advance(U, &ofs->cursor)`` at the top of the body sets SEEN on U and
  moves ``ofs->cursor`` before O is stored; when that store fails, the retry finds nothing
  new on U (the cursor already moved) and skips ``errseq_set(O)``: the error consumed into
  the cursor never reaches O.  cmpxchg cannot make a multi-word update atomic;
* the VFS's own ``errseq_check_and_advance(O, &file->f_sb_err)`` is outside the region and
  unchanged; its cmpxchg setting SEEN on O is a store to O that makes a racing body retry.

Termination: run alone, O equals the snapshot at the body's one store, so it never fails
and a call takes one step more than with no lock.  With others running, a store fails only
when another actor stored O since the snapshot, and such a store moves that actor forward
for good (past its own one store, or through the VFS check): so every restart is paid for by
another actor's progress, the bounded scenarios allow finitely many, and there is no
livelock.  A restart goes back to the body's start, so the state graph has cycles in
the sense of program counters going backward, and the explicit engine's BFS (which keeps a
visited set) and the deadlock monitor (a retrying actor is never blocked) handle them.

A region may store O at one step only: a retry would redo earlier stores, and the
``backward`` monitor bounds how often O can change by counting the steps that write it
(``specs.properties._history_slots``).  Every scheme in the catalogue stores O at most once
in its body; a scheme with two stores is refused at registration with this reason.
"""

from __future__ import annotations

from collections.abc import Callable

from model.expr import TRUE, E, Expr, Var
from model.ir import Event, Leaves, PendingStep, StepView
from model.variants import CallCtx, Discipline, register_discipline


class Cmpxchg(Discipline):
    """Lock-free: snapshot O at the start of the body; every store to O in the body becomes a
    cmpxchg against the snapshot that, on failure, restarts the body (see the module)."""

    name = "cmpxchg"
    summary = ("lock-free: snapshot O, install each store to O with cmpxchg against it, "
               "restart the body on failure (only O is atomic)")

    def around(self, call: CallCtx, region: str, body: Callable[[], None]) -> None:
        if region != "body":
            body()
            return
        b, O = call.b, call.ov.O
        snap = b.local("snap", f"cmpxchg: {O} as last read or installed by this region",
                       errseq=True)
        b.step(f"READ_ONCE({O})", lambda v: f"snap = READ_ONCE({O}) = {v.pre_word(O)}",
               assigns={snap.name: Var(O)})
        again = b.label("cmpxchg.again")
        b.here(again)
        start = b.next_pc
        body()
        stores = [st for st in b.steps_since(start) if O in st.assigns]
        if len(stores) > 1:
            raise ValueError(
                f"cmpxchg: the body stores {O} at {len(stores)} steps "
                f"({', '.join(st.name for st in stores)}); a retry would redo the earlier "
                "stores, which the backward monitor's history bound does not cover: store "
                f"{O} once per body")
        for st in stores:
            _install_with_cmpxchg(st, O, snap, again)


def _install_with_cmpxchg(st: PendingStep, O: str, snap: Var, again) -> None:
    """Rewrite one step that stores ``O``: do nothing but refresh ``snap`` and restart when
    ``O != snap``; otherwise what it did before, with ``snap`` cleared (dead after the
    region's one store, so that states do not differ by it)."""
    ok = E.eq(Var(O), snap)
    assigns: dict[str, Expr] = {name: E.ite(ok, e, Var(name)) for name, e in st.assigns.items()}
    assigns[snap.name] = E.ite(ok, E.const(0), Var(O))
    st.assigns = assigns
    st.goto = [(E.lnot(ok), again)] + st.goto
    events = []
    for ev in st.events:
        args = dict(ev.args)
        when = args.get("when", TRUE)
        if not isinstance(when, Leaves):  # Leaves: follows the new goto by construction
            args["when"] = E.land(ok, when)
        events.append(Event(ev.kind, tuple(args.items())))
    st.events = events
    inner = st.text

    def text(v: StepView) -> str:
        if v.pre[O] == v.pre[snap.name]:
            return f"{inner(v)}  [via cmpxchg({O}, snap = {v.pre_word(snap.name)}): ok]"
        return (f"cmpxchg({O}, snap = {v.pre_word(snap.name)}, ...) failed, found "
                f"{v.pre_word(O)}: snap = {v.pre_word(O)}, restart the body")

    st.text = text
    st.name = f"{st.name}.cmpxchg"


register_discipline(Cmpxchg())
