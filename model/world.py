"""The world: one upper filesystem, its overlays, the open files and the actors around them.

:func:`build_world` turns a scheme, a discipline and :class:`WorldParams` into a closed
:class:`~model.ir.World`:

* shared memory: ``U`` (``upper_sb->s_wb_err``), one word per overlay (``O``, or ``O1``,
  ``O2``), the overlays' private fields (``ofs.*``) and locks, and per open file its cursor
  ``fdN.f_sb_err`` (and ``fdN.f_lock`` when a variant takes it);
* actors: ``W`` injects the writeback errors on U in order (``errseq_set(U, -err)``, as
  ``mapping_set_error`` does for the superblock since v5.8); ``P1..Pn`` each open a file on an
  overlay and call ``syncfs`` on it (``P1a``, ``P1b``: threads sharing one open file);
  ``Q1..Qm`` do the same with a file directly on U;
* the prologue: each overlay's mount (``ovl_fill_super``) runs before anything else, and
  with ``open_at="first"`` so do the opens.

What is abstracted away: the data and pages themselves (only their errors matter), the
per-mapping ``wb_err`` (syncfs checks only the superblock's word), ``s_umount`` (readers only),
and the upper filesystem's own ``->sync_fs`` result (0).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

from model import kernel
from model.errseq import ErrseqLayout, errno_name, errno_number
from model.expr import FALSE, TRUE, ZERO, E, Expr, Var, evaluate
from model.ir import (
    DONE,
    PC,
    SHARED,
    Actor,
    Event,
    FileInfo,
    ProgramBuilder,
    StepView,
    VarDecl,
    World,
    execute,
)
from model.variants import CallCtx, Discipline, OverlayCtx, Scheme

OPEN_AT = ("race", "first", "after-errors")
SYNC_FS_ERRORS = ("returned", "ignored")
#: ``syncs`` / ``upper_syncs`` of a process that calls syncfs for ever (``--syncs inf``)
FOREVER = -1


@dataclass(frozen=True)
class WorldParams:
    """The bounds of a scenario (DESIGN §5); every field can be overridden from the CLI."""

    syncers: int = 2  # files on the overlays (round-robin across overlays)
    syncs: int = 2  # syncfs calls per overlay thread (FOREVER: for ever)
    upper_syncers: int = 0  # processes with a file directly on U
    upper_syncs: int = 1  # syncfs calls per upper process (FOREVER: for ever)
    errors: tuple[int, ...] = (5,)  # writeback errors injected on U, in order (errno > 0)
    counter_bits: int = 19
    overlays: int = 1
    threads_per_file: int = 1  # threads sharing each overlay file
    open_at: str = "race"  # race: opens race with writeback; first; after-errors
    sync_fs_errors: str = "returned"  # v5.17+: syncfs returns ->sync_fs's error
    flock: bool = False  # the VFS advances f_sb_err under f_lock
    #: writeback completes errors for ever, each time any errno of ``errors``
    #: (``--errors inf:EIO,ENOSPC``)
    errors_forever: bool = False
    #: ``--vfs FILE``: fs/sync.c's syncfs in C, as a VFS patch leaves it (model.cfront.vfs);
    #: "" is the model's own (v5.8+ ``errseq_check_and_advance``, or ``flock``)
    vfs: str = ""
    #: U's word before the mount: "0" (a fresh upper), "any" (every valid word: the explicit
    #: engines enumerate them, see :func:`mount_words`; the SMT engine leaves it symbolic),
    #: or one word, as a number or in the traces' notation (``ctr=1,EIO,SEEN``)
    upper_at_mount: str = "0"
    #: ``--errors any``: each listed error's errno is any value in 1..4095 (SMT only)
    errors_any: bool = False

    @property
    def looping(self) -> bool:
        """Whether some actor runs for ever (``--syncs inf``, ``--upper-syncs inf``,
        ``--errors inf:...``): the world then has cycles, and the monitors keep the finite
        ghost state (``specs.properties``)."""
        return (self.syncs == FOREVER or self.errors_forever
                or (self.upper_syncers > 0 and self.upper_syncs == FOREVER))

    def to_json(self) -> dict[str, Any]:
        """The one JSON encoding of the bounds: every field, errors by errno name, a call
        count of FOREVER as ``"inf"`` (``errors_forever`` and ``vfs`` only when set, so that
        the encodings recorded before them stay the same)."""
        d = asdict(self)
        d["errors"] = [errno_name(e) for e in self.errors]
        if not self.errors_forever:
            del d["errors_forever"]
        if not self.vfs:
            del d["vfs"]
        if self.upper_at_mount == "0":
            del d["upper_at_mount"]
        if not self.errors_any:
            del d["errors_any"]
        for k in ("syncs", "upper_syncs"):
            if d[k] == FOREVER:
                d[k] = "inf"
        return d

    @staticmethod
    def from_json(d: dict[str, Any]) -> WorldParams:
        """The inverse of :meth:`to_json` (errors by name, ``E123``, or number)."""
        p = dict(d)
        p["errors"] = tuple(errno_number(e) for e in p["errors"])
        for k in ("syncs", "upper_syncs"):
            if p.get(k) == "inf":
                p[k] = FOREVER
        return WorldParams(**p)


class BoundsError(ValueError):
    """Bounds no world can be built with, or an engine cannot search (``--upper-at-mount``
    that does not fit the layout, ``--errors any`` on an explicit engine): the CLI prints
    the message on one line and exits 2."""


def normal_word_text(text: str) -> str:
    """``--upper-at-mount``'s value as :class:`WorldParams` keeps it: ``0``, ``any``, a
    decimal number, or the notation's fields joined by commas (no spaces: it goes into
    replay keys).  Does not check that it fits a layout (:func:`parse_word` does)."""
    t = text.strip()
    if t.lower() == "any":
        return "any"
    try:
        return str(int(t, 0))
    except ValueError:
        return ",".join(t.replace(",", " ").split())


def parse_word(L: ErrseqLayout, text: str) -> int:
    """One errseq word of layout ``L`` from ``text``: a number (``4101``, ``0x1005``) or the
    traces' notation (``ctr=1 EIO SEEN``, fields separated by spaces or commas: ``ctr=N``,
    an errno name, ``E#n`` or ``errno=n``, ``SEEN``, ``MUSTINC``).  ``ValueError`` (saying
    why) unless it is a valid word of ``L``: one that fits its bits, with an errno unless it
    is 0 (mainline) or flags only (MUSTINC layout), see :func:`valid_mount_word`."""
    t = text.strip()
    try:
        word = int(t, 0)
    except ValueError:
        word = None
    if word is None:
        ctr, errno, flags = 0, 0, 0
        for tok in t.replace(",", " ").split():
            up = tok.upper()
            if up.startswith("CTR="):
                ctr = int(tok[4:], 0)
                if not 0 <= ctr < 1 << L.counter_bits:
                    raise ValueError(f"counter {ctr} does not fit {L.counter_bits} bits")
            elif up == "SEEN":
                flags |= L.seen
            elif up == "MUSTINC":
                if not L.mustinc:
                    raise ValueError("MUSTINC: this scheme's layout has no MUSTINC flag")
                flags |= L.mustinc_flag
            elif up.startswith("ERRNO="):
                errno = int(tok[6:], 0)
            else:
                try:
                    errno = errno_number(up if not up.startswith("E#") else tok)
                except ValueError:
                    raise ValueError(f"{tok!r} is not ctr=N, an errno, SEEN or MUSTINC"
                                     ) from None
            if not 0 <= errno <= L.errno_mask:
                raise ValueError(f"errno {errno} outside 0..{L.errno_mask}")
        word = (ctr << L.ctr_shift) | flags | errno
    if not 0 <= word <= L.word_mask:
        raise ValueError(f"{t!r} does not fit the {L.width}-bit word of a "
                         f"{L.counter_bits}-bit counter")
    if not valid_mount_word(L, word):
        raise ValueError(f"{t!r} ({L.format(word)}) is no errseq word: a counter or SEEN "
                         "with no errno is never set")
    return word


def valid_mount_word(L: ErrseqLayout, word: int) -> bool:
    """Whether ``word`` is a value U's word can hold: 0, or any errno in 1..4095 with any
    counter and flags (errseq_set always stores an errno); in the MUSTINC layout also the
    flags alone on a zero counter (a sample or check of a pristine word sets them).  The
    SMT engine constrains the symbolic word by the same predicate (``checks.smt``)."""
    if word & L.errno_mask:
        return True
    return word == 0 or (L.mustinc and word & ~L.flags == 0)


def fresh_errno(errors: tuple[int, ...]) -> int:
    """An errno none of ``errors`` is (ENOSPC, or the least one free)."""
    return next(e for e in (28, 5, *range(1, 4096)) if e not in errors)


def mount_words(L: ErrseqLayout, errors: tuple[int, ...]) -> tuple[int, ...]:
    """The words ``--upper-at-mount any`` enumerates on the explicit engines: 0 first, then
    every counter x flags x errno in ``errors`` plus one errno none of them is, in
    increasing order.

    Why those errnos are enough for exactness: the model never computes with an errno; it
    copies the errno field between words (``errseq_set`` stores it, ``errseq_check`` returns
    it), masks it out, and compares words and errnos for equality or with 0.  Every one of
    those operations commutes with a permutation of the errno values 1..4095 applied to the
    field of every word, and the only errnos written as constants are the world's
    ``errors``.  So a permutation fixing ``errors`` maps every execution from an initial U
    with errno ``x`` to one of the same length, judged alike by every property (the
    monitors compare errnos only with each other), from the initial U with errno ``π(x)``.
    The errnos outside ``errors`` thus form one class, and one of them stands for all;
    those in ``errors`` each need their own (a stale EIO equal to the next error is not the
    same as a stale ENOSPC).  The same holds for the mount's own code: a C scheme's mount
    reads U and copies or compares it, it has no errno constants of its own (those it
    returns are ``->sync_fs``'s, which never reach a word).  The flags-only words of the
    MUSTINC layout are included (see :func:`valid_mount_word`)."""
    errnos = sorted(set(errors) | {fresh_errno(errors)})
    flag_sets = [0, L.seen] + ([L.mustinc_flag, L.seen | L.mustinc_flag] if L.mustinc else [])
    words = {0}
    for ctr in range(1 << L.counter_bits):
        for fl in flag_sets:
            words |= {(ctr << L.ctr_shift) | fl | e for e in errnos}
            if L.mustinc and ctr == 0:
                words.add(fl)
    return tuple(sorted(words))



@dataclass
class _Decls:
    items: dict[str, VarDecl] = field(default_factory=dict)

    def declare(self, name: str, doc: str, errseq: bool) -> None:
        if name not in self.items:
            self.items[name] = VarDecl(name, SHARED, doc, errseq=errseq)


def effective_params(scheme: Scheme, discipline: Discipline, p: WorldParams) -> WorldParams:
    """The bounds a world for ``scheme`` under ``discipline`` is really built with, from the
    bounds ``p`` asked for: the one place that works them out.  ``Discipline.world_params``
    may widen the counter (wide-counter: a 64-bit errseq_t); then the scheme's layout fits
    it (:func:`model.errseq.layout_counter_bits`: MUSTINC takes one counter bit of a real
    32- or 64-bit word, so a mustinc world at the default has 18).  Reports show these,
    never ``p``."""
    p = discipline.world_params(p)
    bits = ErrseqLayout.counter_bits_for(p.counter_bits, scheme.mustinc)
    return p if bits == p.counter_bits else replace(p, counter_bits=bits)


def build_world(scheme: Scheme, discipline: Discipline, p: WorldParams) -> World:
    """Assemble the world for ``scheme`` under ``discipline`` within the bounds ``p`` (as
    :func:`effective_params` adjusts them)."""
    p = effective_params(scheme, discipline, p)
    if p.vfs and p.flock:
        raise ValueError("--vfs and --flock both say what the VFS does: give one")
    # a scheme file that changes the VFS too: its syncfs is the VFS (with --vfs, refused;
    # --flock, which the CLI refuses with it, is the model's VFS and so has nothing to say)
    vfs = getattr(scheme, "vfs", None)
    if vfs is not None and p.vfs:
        raise scheme.vfs_conflict("--vfs")  # type: ignore[attr-defined]
    if p.vfs:
        from model.cfront.vfs import load_vfs

        vfs = load_vfs(p.vfs)
    L = ErrseqLayout(p.counter_bits, mustinc=scheme.mustinc)
    shared = _Decls()
    shared.declare("U", "upper_sb->s_wb_err", True)

    n_ov = p.overlays
    names = ["O"] if n_ov == 1 else [f"O{i + 1}" for i in range(n_ov)]
    ofs_names = ["ofs"] if n_ov == 1 else [f"ofs{i + 1}" for i in range(n_ov)]
    per_overlay = [0] * n_ov
    for j in range(p.syncers):
        per_overlay[j % n_ov] += p.threads_per_file
    overlays = [OverlayCtx(i, "U", names[i], ofs_names[i], L, per_overlay[i])
                for i in range(n_ov)]
    for ov in overlays:
        shared.declare(ov.O, f"overlay sb->s_wb_err ({ov.O})", True)
        for fname, doc, errseq in scheme.ofs_fields:
            shared.declare(ov.field(fname), doc, errseq)

    # a file on the upper fs, seen by a VFS file: its superblock is U, and it has no ovl_fs
    upper = OverlayCtx(-1, "U", "U", "upper", L, 0)
    files: list[FileInfo] = []
    actors: list[Actor] = []
    locals_: list[VarDecl] = []

    errno_vars: list[str] = []
    if p.errors_forever:
        if p.open_at == "after-errors":
            raise ValueError("open_at='after-errors' needs a last error: errors come for ever")
        if p.errors_any:
            raise ValueError("--errors any names errors one by one: not with inf:")
        for wb in _forever_writers(L, p.errors):
            actors.append(wb.build("writeback", "writeback completing errors on the upper "
                                   "fs for ever"))
            locals_ += wb.locals.values()
    else:
        # W: writeback errors on U, in order.
        wb = ProgramBuilder("W")
        for k, err in enumerate(p.errors, start=1):
            errno: Expr = E.const(err)
            if p.errors_any:
                errno = wb.local(f"err{k}", f"the errno of error #{k} (--errors any: a constant "
                                 "of the run, any value in 1..4095)")
                errno_vars.append(errno.name)
            done = Event("error_done", (("n", k), ("errno", errno if p.errors_any else err)))
            kernel.errseq_set(wb, L, "U", errno, done=[done])
        actors.append(wb.build("writeback", "writeback errors completing on the upper fs"))
        locals_ += wb.locals.values()

    opened_after_errors = E.eq(Var("W.pc"), E.const(actors[0].done)) if not p.errors_forever \
        else TRUE
    open_guard = opened_after_errors if p.open_at == "after-errors" else TRUE
    prologue = ProgramBuilder("init")

    open_steps: dict[str, int] = {}  # steps of each opener's open()

    def syncer(actor: str, f: FileInfo, ov: OverlayCtx | None, opener: bool, first: str | None,
               calls: int) -> None:
        b = ProgramBuilder(actor)
        ret = b.local("ret", "syncfs: the errseq check's result (positive errno or 0)")
        sret = b.local("sret", "syncfs: ->sync_fs's result (positive errno or 0)")
        word = scheme.open_word(ov) if ov is not None else "U"
        if opener:
            target = prologue if p.open_at == "first" else b
            kernel.open_file(target, L, f.name, f.layer, word, f.cursor,
                             guard=open_guard if target is b else TRUE)
            if ov is not None:
                kernel.open_realfile(target, L, ov.U)
            open_steps[actor] = b.next_pc
        # a thread sharing the file starts once open() has returned the fd
        wait = (E.le(E.const(open_steps[first]), Var(f"{first}.pc"))
                if first and p.open_at != "first" else TRUE)
        forever = calls == FOREVER
        again = b.label("syncfs.again")
        for _ in range(1 if forever else calls):
            if forever:
                b.here(again)  # where the process calls syncfs again once a call returns
            start = b.next_pc
            b.on_next_step(Event("sync_begin", (("file", f.name), ("layer", f.layer),
                                                ("actor", actor))),
                           assigns={ret.name: ZERO, sret.name: ZERO})
            end = b.label("syncfs.end")
            final = False
            if ov is None and vfs is not None:
                # the VFS change applies to a file on the upper fs too (sb is U's)
                call = CallCtx(upper, f, b, ret, sret, discipline, False, len(f.holders) > 1,
                               shared.declare, False, vfs)
                call.vfs_check("U")
                final = call.result_final
            elif ov is None:
                kernel.check_and_advance(b, L, "U", f.cursor, ret, len(f.holders) > 1,
                                         f.name, f.layer)
            else:
                call = CallCtx(ov, f, b, ret, sret, discipline, p.flock and vfs is None,
                               len(f.holders) > 1,
                               shared.declare, p.sync_fs_errors == "returned", vfs)
                scheme.sync_fs(call)
                scheme.check(call)
                final = call.result_final
            b.here(end)
            if forever:
                b.branch(TRUE, again)
            kernel.syncfs_return(b, start, end, f.name, f.layer, ret, sret,
                                 p.sync_fs_errors == "returned" and ov is not None
                                 and not final)
        if wait != TRUE and b.next_pc:
            b._entries[0].guard = E.land(b._entries[0].guard, wait)  # noqa: SLF001
        role = "overlay-syncer" if ov is not None else "upper-syncer"
        times = "for ever" if forever else f"{calls} time(s)"
        doc = (f"opens {f.name} on {f.layer} and calls syncfs on it {times}"
               if opener else f"calls syncfs on {f.name} ({f.layer}) {times}")
        actors.append(scheme.finish_actor(b.build(role, doc)) if ov is not None
                      else b.build(role, doc))
        locals_.extend(b.locals.values())

    n_files = 0
    for j in range(p.syncers):
        ov = overlays[j % n_ov]
        n_files += 1
        fname = f"fd{n_files}"
        holders = ((f"P{j + 1}",) if p.threads_per_file == 1 else
                   tuple(f"P{j + 1}{chr(ord('a') + t)}" for t in range(p.threads_per_file)))
        f = FileInfo(fname, ov.O, f"{fname}.f_sb_err", holders)
        files.append(f)
        shared.declare(f.cursor, f"file->f_sb_err of {fname} (on {ov.O})", True)
        for t, actor in enumerate(holders):
            syncer(actor, f, ov, t == 0, holders[0] if t else None, p.syncs)
    for k in range(p.upper_syncers):
        n_files += 1
        fname = f"fd{n_files}"
        f = FileInfo(fname, "U", f"{fname}.f_sb_err", (f"Q{k + 1}",))
        files.append(f)
        shared.declare(f.cursor, f"file->f_sb_err of {fname} (on U)", True)
        syncer(f"Q{k + 1}", f, None, True, None, p.upper_syncs)

    if p.errors_forever:
        actors[:] = _environment_yields(actors)

    # Mount runs first, then any --open-first opens; both are deterministic.
    mount = ProgramBuilder("mount")
    for ov in overlays:
        scheme.mount(ov, mount)
    mount_actor = mount.build("mount", "ovl_fill_super")
    init_actor = prologue.build("init", "opens before anything else")

    pcs = [VarDecl(a.pc_var, PC, f"program counter of {a.name}", owner=a.name) for a in actors]
    variables = tuple(shared.items.values()) + tuple(pcs) + tuple(locals_)
    env: dict[str, int] = {v.name: v.init for v in variables}
    env.update(zip(errno_vars, p.errors if p.errors_any else (), strict=True))
    lines: list[str] = []
    upper_any = p.upper_at_mount == "any"
    if not upper_any:
        try:
            env["U"] = parse_word(L, p.upper_at_mount)
        except ValueError as e:
            raise BoundsError(f"--upper-at-mount {p.upper_at_mount}: {e}") from None
        if env["U"]:
            lines.append(f"U = {L.format(env['U'])} before the mount (--upper-at-mount "
                         f"{env['U']}: the upper's history)")
    pre_mount: dict[str, int] = dict(env)
    for pre_actor, pre_locals in ((mount_actor, mount.locals), (init_actor, prologue.locals)):
        pre_mount.update({n: 0 for n in pre_locals})
        pre_mount[pre_actor.pc_var] = 0
    for pre_actor, pre_locals in ((mount_actor, mount.locals), (init_actor, prologue.locals)):
        env.update({n: 0 for n in pre_locals})
        env[pre_actor.pc_var] = 0
        steps = 0
        while env[pre_actor.pc_var] < pre_actor.done:
            st = pre_actor.steps[env[pre_actor.pc_var]]
            if not evaluate(st.guard, env):
                raise ValueError(f"prologue step {st.name} is blocked")
            post = execute(st, env)
            lines.append(f"{pre_actor.name}: {st.text(StepView(env, post, L))}")
            env = post
            steps += 1
            if steps > 1000:
                raise ValueError("prologue does not terminate")
    initial = {v.name: env[v.name] for v in variables}

    params = p.to_json()
    params["looping"] = p.looping
    return World(variables, tuple(actors), L, initial, tuple(files), tuple(names),
                 tuple(p.errors), tuple(lines), params, (mount_actor, init_actor), pre_mount,
                 upper_any, tuple(errno_vars))


def _forever_writers(L: ErrseqLayout, errnos: tuple[int, ...]) -> list[ProgramBuilder]:
    """``--errors inf:E1,E2``: writeback completes errors on U for ever, each time any
    errno of the list.  One writer per errno (``W``, or ``W1``, ``W2``...), each looping on
    ``errseq_set(U, -errno)``; a writer starts only while the others are between two
    errors (at pc 0), so completions stay one at a time, as with the bounded ``W``, and the
    interleaving of the writers picks the errno of each (see :func:`_environment_yields`)."""
    distinct = tuple(dict.fromkeys(errnos))
    out = []
    for i, err in enumerate(distinct):
        b = ProgramBuilder("W" if len(distinct) == 1 else f"W{i + 1}")
        again = b.label("errseq_set.again")
        b.here(again)
        kernel.errseq_set(b, L, "U", E.const(err),
                          done=[Event("error_done", (("n", 0), ("errno", err)))])
        b.branch(TRUE, again)
        out.append(b)
    return out


def _environment_yields(actors: list[Actor]) -> list[Actor]:
    """Guard each for-ever writer's first step: no other writer is inside ``errseq_set``,
    and some syncing thread can move (or all have finished).

    The second conjunct keeps ``deadlock`` (unfinished actors all blocked) meaningful when
    writeback never ends: in a state where every unfinished syncer is blocked, the writers
    finish the error under way and then block too, so the state is a deadlock as it would
    be once a bounded ``W`` finished.  It removes only moves from states where no syncer can
    ever move again (no writer step unblocks a syncer: syncers wait on locks and opens,
    which writers never touch), and no violation of another property can follow there
    (every monitored violation is at a syncer's step), so no verdict changes."""
    writers = [a for a in actors if a.role == "writeback"]
    syncers = [a for a in actors if a.role.endswith("syncer")]
    can_move: Expr = FALSE
    all_done: Expr = TRUE
    for a in syncers:
        pc = Var(a.pc_var)
        alive = E.lt(pc, E.const(a.done))
        for st in a.steps:
            if st.guard != TRUE:
                alive = E.land(alive, E.lor(E.ne(pc, E.const(st.pc)), st.guard))
        can_move = E.lor(can_move, alive)
        all_done = E.land(all_done, E.eq(pc, E.const(a.done)))
    out = []
    for a in actors:
        if a.role != "writeback":
            out.append(a)
            continue
        idle: Expr = TRUE
        for w in writers:
            if w is not a:
                idle = E.land(idle, E.eq(Var(w.pc_var), ZERO))
        first = a.steps[0]
        guard = E.land(first.guard, E.land(idle, E.lor(can_move, all_done)))
        out.append(replace(a, steps=(replace(first, guard=guard),) + a.steps[1:]))
    return out


__all__ = ["FOREVER", "WorldParams", "build_world", "effective_params", "OPEN_AT",
           "mount_words", "parse_word", "valid_mount_word", "fresh_errno", "BoundsError",
           "normal_word_text", "SYNC_FS_ERRORS", "DONE"]
