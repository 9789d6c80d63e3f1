"""Variants: propagation schemes and locking disciplines, kept in registries.

A *scheme* says what mount and ``ovl_sync_fs`` (fs/overlayfs/super.c) do with the upper
superblock's word U and the overlay's word O; a *discipline* says how the scheme's body is
protected against racing ``syncfs`` callers.  Any scheme composes with any discipline: the
world builder asks the scheme for its steps and lets the discipline wrap the regions the
scheme marks (``call.region("body", ...)`` around all of ``ovl_sync_fs``'s propagation,
``call.region("read-u", ...)`` around the read of U).

Adding a variant is one small module that subclasses :class:`Scheme` (or :class:`Discipline`)
and registers it with :func:`register_scheme` / :func:`register_discipline`; nothing in the
engines changes.  ``model/schemes/`` holds the catalogue.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from model import kernel
from model.errseq import ErrseqLayout
from model.expr import ZERO, E, Var
from model.ir import Actor, After, Event, FileInfo, ProgramBuilder

if TYPE_CHECKING:
    from model.world import WorldParams


@dataclass(frozen=True)
class OverlayCtx:
    """One mounted overlay: the names of its words, fields and lock in the world."""

    index: int
    U: str  # upper superblock's s_wb_err
    O: str  # overlay superblock's s_wb_err
    ofs: str  # prefix of the overlay's private fields ("ofs", "ofs1", ...)
    layout: ErrseqLayout
    syncers: int  # actors that call syncfs on files of this overlay

    def field(self, name: str) -> str:
        return f"{self.ofs}.{name}"

    @property
    def lock(self) -> str:
        return f"{self.ofs}.lock"

    @property
    def fields_shared(self) -> bool:
        """Whether more than one actor reaches the overlay's private fields."""
        return self.syncers > 1


@dataclass
class CallCtx:
    """One ``syncfs`` call site on an overlay file: everything a scheme's steps refer to."""

    ov: OverlayCtx
    file: FileInfo
    b: ProgramBuilder
    ret: Var  # the errseq check's result (positive errno or 0)
    sret: Var  # ->sync_fs's return value (positive errno or 0)
    discipline: Discipline
    flock: bool  # VFS advances f_sb_err under f_lock (J. Layton, 2020-12-03)
    cursor_shared: bool  # another thread holds the same open file
    declare: Callable[[str, str, bool], None]  # declare a shared variable (name, doc, errseq)
    sync_fs_returned: bool = True  # v5.17+: syncfs gets ->sync_fs's error (--sync-fs-errors)
    #: ``--vfs FILE``: the VFS change (``model.cfront.vfs.CVfs``) whose syscall runs after
    #: ``sync_filesystem()`` in place of the model's check, on overlay and upper files alike
    vfs: object | None = None
    #: set by a VFS file whose return is not ``ret ? ret : ret2``: ``ret`` holds the
    #: syscall's result as is, and ``kernel.syncfs_return`` does not combine ``sret`` again
    result_final: bool = False

    @property
    def L(self) -> ErrseqLayout:
        return self.ov.layout

    def region(self, name: str, body: Callable[[], None]) -> None:
        """Run ``body`` (which emits steps) inside the discipline's protection for ``name``."""
        self.discipline.around(self, name, body)

    def vfs_check(self, word: str) -> None:
        """The tail of the syncfs syscall (fs/sync.c): ``errseq_check_and_advance(&sb->s_wb_err,
        &file->f_sb_err)`` with no lock on the cursor; with the ``--flock`` switch, J. Layton's
        "vfs: protect updates to file->f_sb_err with f_lock" (2020-12-03, resent 2020-12-19
        and 2021-01-04, not merged) instead: :meth:`check_advance_under_f_lock`.  With
        ``--vfs FILE``, the file's ``syncfs`` instead (``model.cfront.vfs``)."""
        if self.vfs is not None:
            self.vfs.check(self, word)  # type: ignore[attr-defined]
            return
        if self.flock:
            self.check_advance_under_f_lock(word)
            return
        kernel.check_and_advance(self.b, self.L, word, self.file.cursor, self.ret,
                                 self.cursor_shared, self.file.name, self.file.layer)

    def check_advance_under_f_lock(self, word: str) -> None:
        """The shape both posted f_lock paths share (J. Layton's --flock patch for the VFS,
        V. Goyal v3's ``ovl_errseq_check_advance`` for U)::

            if (errseq_check(&word, file->f_sb_err)) {      /* lockless: 0 -> return 0 */
                    spin_lock(&file->f_lock);
                    ret = errseq_check_and_advance(&word, &file->f_sb_err);
                    spin_unlock(&file->f_lock);
            }

        The lockless check reads ``f_sb_err`` (a step of its own when another thread holds
        the file) and then the word; a call that finds nothing new never takes the lock."""
        b, L, f = self.b, self.L, self.file
        cur: Var = Var(f.cursor)
        end = b.label("f_lock.skip")
        if self.cursor_shared:
            since = b.local("since", "errseq_check's argument: file->f_sb_err as read", True)
            b.step(f"read({f.cursor})",
                   lambda v: f"since = {f.cursor} = {v.pre_word(f.cursor)}",
                   assigns={since.name: cur})
            cur = since
        quick = E.eq(L.check_ret(E, Var(word), cur), ZERO)
        ev = Event("cursor", (("file", f.name), ("layer", f.layer), ("actor", b.actor),
                              ("ret", ZERO), ("when", quick)))
        also = {cur.name: ZERO} if self.cursor_shared else {}
        kernel.errseq_check(b, L, word, cur, self.ret, "ret", also=also, events=[ev])
        b.branch(E.eq(After(self.ret.name), ZERO), end)  # type: ignore[arg-type]
        self.declare(self.file_lock, "spinlock_t file->f_lock", False)
        kernel.spin_lock(b, self.file_lock)
        kernel.check_and_advance(b, L, word, f.cursor, self.ret, self.cursor_shared, f.name,
                                 f.layer)
        kernel.spin_unlock(b, self.file_lock)
        b.here(end)

    @property
    def file_lock(self) -> str:
        return f"{self.file.name}.f_lock"


class Scheme:
    """A propagation scheme: what mount and ``ovl_sync_fs`` do with U and O.

    Subclasses override the hooks; the defaults are the non-volatile overlayfs of v5.10 on
    (nothing reaches O).
    """

    name: ClassVar[str] = ""
    summary: ClassVar[str] = ""
    provenance: ClassVar[str] = ""
    mustinc: ClassVar[bool] = False
    #: properties outside the scheme's contract (reported, marked "by design")
    by_design: ClassVar[frozenset[str]] = frozenset()
    #: the overlay's private fields: (field, meaning, holds an errseq word)
    ofs_fields: ClassVar[tuple[tuple[str, str, bool], ...]] = ()
    #: the declared bound: steps one syncfs call takes when no other actor interferes
    #: (checked at registration; a call that runs longer alone is taken to loop forever)
    max_call_steps: ClassVar[int] = 64

    def mount(self, ov: OverlayCtx, b: ProgramBuilder) -> None:
        """Steps of ``ovl_fill_super`` that touch the words (run once, before anything else)."""

    def open_word(self, ov: OverlayCtx) -> str:
        """The superblock word an overlay file's ``f_sb_err`` samples at open."""
        return ov.O

    def sync_fs(self, call: CallCtx) -> None:
        """The propagation ``ovl_sync_fs`` performs after syncing the upper filesystem."""

    def check(self, call: CallCtx) -> None:
        """The syscall's errseq check; the VFS default checks O with the file's cursor."""
        call.vfs_check(call.ov.O)

    def finish_actor(self, actor: Actor) -> Actor:
        """A syncer's program once built (a C scheme zeroes its dead locals here)."""
        return actor


class Discipline:
    """A locking discipline around the regions a scheme marks.

    Two hooks, both optional: :meth:`around` emits the protection around a region's steps,
    :meth:`world_params` adjusts the world's bounds (a wider errseq counter).  A discipline
    never names a scheme: any scheme composes with any discipline.
    """

    name: str = ""
    summary: str = ""

    def around(self, call: CallCtx, region: str, body: Callable[[], None]) -> None:
        body()

    def world_params(self, p: WorldParams) -> WorldParams:
        """The bounds of the world this discipline runs in (default: unchanged)."""
        return p


class NoLock(Discipline):
    """No locking: every racing ``syncfs`` runs the body concurrently (as shipped)."""

    name = "none"
    summary = "no lock: racing syncfs callers run the propagation concurrently"


class SpinLock(Discipline):
    """One lock in the overlay's private data around the region ``scope`` (S. Dhillon and
    J. Layton, 2020-11-28: "A spinlock would work here too").

    ``scope`` is ``"body"`` (all of ``ovl_sync_fs``'s propagation) or ``"read-u"`` (only the
    read of U, e.g. the check-and-advance of the overlay's cursor).  ``kind`` ``"mutex"`` is
    the same mutual exclusion by a sleeping lock: the model has no scheduler cost and no
    interrupt context, so a waiter that sleeps and one that spins take the same steps (one
    blocked acquire, one release); only the step text differs.
    """

    def __init__(self, name: str = "spinlock", scope: str = "body", kind: str = "spin",
                 summary: str = ""):
        if scope not in ("body", "read-u") or kind not in ("spin", "mutex"):
            raise ValueError(f"lock discipline {name!r}: bad scope {scope!r} or kind {kind!r}")
        self.name, self.scope, self.kind = name, scope, kind
        where = "the whole ovl_sync_fs propagation" if scope == "body" else "only the read of U"
        self.summary = summary or f"{kind}lock in ovl_fs around {where}".replace(
            "mutexlock", "mutex")

    def around(self, call: CallCtx, region: str, body: Callable[[], None]) -> None:
        if region != self.scope:
            body()
            return
        what = "spinlock_t" if self.kind == "spin" else "struct mutex"
        call.declare(call.ov.lock, f"{what} in struct ovl_fs (1: held)", False)
        if self.kind == "spin":
            kernel.spin_lock(call.b, call.ov.lock)
            body()
            kernel.spin_unlock(call.b, call.ov.lock)
        else:
            kernel.mutex_lock(call.b, call.ov.lock)
            body()
            kernel.mutex_unlock(call.b, call.ov.lock)


class WideCounter(Discipline):
    """A 64-bit ``errseq_t`` (12 errno bits, SEEN, a 51-bit counter; with MUSTINC a 50-bit
    one) and no lock: the counter cannot wrap in any run a machine will see.  The world's
    ``counter_bits`` is raised to 51, the mainline layout of a u64 (kept if already wider),
    and ``model.world.effective_params`` gives MUSTINC its bit of it; everything else is
    unchanged, so what this buys over ``none`` is exactly what wrap-around costs."""

    name = "wide-counter"
    summary = ("no lock, 64-bit errseq_t: counter_bits raised to 51, 50 with MUSTINC "
               "(cannot wrap in practice)")
    bits = 51

    def world_params(self, p: WorldParams) -> WorldParams:
        return dataclasses.replace(p, counter_bits=max(p.counter_bits, self.bits))


SCHEMES: dict[str, Scheme] = {}
DISCIPLINES: dict[str, Discipline] = {}
#: C schemes read so far (by path or ``c:NAME``): not the catalogue, which SCHEMES is
LOADED: dict[str, Scheme] = {}


def register_c_scheme(name: str, file: str, options: tuple[str, ...], by_design: frozenset[str],
                      summary: str, provenance: str) -> Scheme:
    """Add the C file ``model/schemes/FILE`` to the catalogue under ``name``, mounted with
    ``options``: the C is the source of truth (what the model checks is its code); the name,
    one-line summary, provenance and ``by_design`` are the catalogue's, not the file's.
    Validated under every registered discipline, as :func:`register_scheme` does."""
    import copy
    import os

    from model.cfront import load_scheme
    from model.validate import validate_scheme

    if not name or name in SCHEMES:
        raise ValueError(f"scheme name {name!r} is empty or already registered")
    path = os.path.join(os.path.dirname(__file__), "schemes", file)
    s = copy.copy(load_scheme(path, frozenset(options)))
    s.name, s.by_design = name, by_design  # type: ignore[misc]
    s.summary, s.provenance = summary, provenance  # type: ignore[misc]
    validate_scheme(s, DISCIPLINES.values())
    SCHEMES[name] = s
    return s


def register_scheme(cls: type[Scheme]) -> type[Scheme]:
    """Class decorator: add a scheme to the catalogue under ``cls.name``.

    The scheme is first built into small probe worlds under every registered discipline and
    checked (``model.validate``): undeclared variables, missing labels, locks left held,
    calls that do not finish within ``max_call_steps``.  A malformed scheme raises
    ``model.validate.VariantError`` here, and is not registered.
    """
    from model.validate import validate_scheme  # model.world imports this module

    if not cls.name or cls.name in SCHEMES:
        raise ValueError(f"scheme name {cls.name!r} is empty or already registered")
    scheme = cls()
    validate_scheme(scheme, DISCIPLINES.values())
    SCHEMES[cls.name] = scheme
    return cls


def register_discipline(d: Discipline, validate: bool = True) -> Discipline:
    """Add a discipline instance to the catalogue under ``d.name``, after checking it around
    a probe scheme (``model.validate``; raises ``VariantError`` if it is malformed)."""
    if not d.name or d.name in DISCIPLINES:
        raise ValueError(f"discipline name {d.name!r} is empty or already registered")
    if validate:
        from model.validate import validate_discipline

        validate_discipline(d)
    DISCIPLINES[d.name] = d
    return d


# The built-ins are checked with every scheme of the catalogue as it registers (this module
# cannot build a world while it is being imported).
register_discipline(NoLock(), validate=False)
register_discipline(SpinLock(), validate=False)
register_discipline(SpinLock("mutex", kind="mutex"), validate=False)
register_discipline(SpinLock("spinlock-read-u", scope="read-u"), validate=False)
register_discipline(SpinLock("mutex-read-u", scope="read-u", kind="mutex"), validate=False)
register_discipline(WideCounter(), validate=False)


def scheme_for(name: str, mount_options: tuple[str, ...] | frozenset[str] = ()) -> Scheme:
    """The scheme ``name`` names: a catalogue entry, or a C file (``*.c``) read with
    :func:`model.cfront.load_scheme` and registered under its path (``KeyError`` for an
    unknown name; ``model.cfront.CError`` or ``OSError`` for a bad file).

    ``mount_options`` (``--mount-option``): the overlay is mounted with them, on top of the
    ones a ``c:NAME`` entry mounts with; only a C scheme's code can test one (the CLI refuses
    an option the scheme never tests, :func:`tested_mount_options`)."""
    load_catalogue()
    opts = frozenset(mount_options)
    if not opts and name in SCHEMES:
        return SCHEMES[name]
    from model.schemes import C_CATALOGUE
    key = name if not opts else f"{name} --mount-option {','.join(sorted(opts))}"
    if key in LOADED:
        return LOADED[key]
    if name.endswith(".c"):
        from model.cfront import load_scheme

        s = load_scheme(name, opts)
        LOADED[key] = s
        return s
    if name.startswith("c:"):
        import copy
        import os

        from model.cfront import load_scheme

        file, options, by_design = C_CATALOGUE[name[2:]]
        path = os.path.join(os.path.dirname(__file__), "schemes", file)
        # a copy: the same file and options given as a path keep the path's name and
        # contract (the catalogue entry's by_design is the entry's, not the file's)
        s = copy.copy(load_scheme(path, frozenset(options) | opts))
        s.name, s.by_design = name, by_design  # type: ignore[misc]
        LOADED[key] = s
        return s
    if name in SCHEMES:
        raise ValueError(f"{name} tests no mount option")
    raise KeyError(name)


def tested_mount_options(name: str) -> frozenset[str]:
    """The mount options the code of scheme ``name`` tests (``ofs->config.ovl_X``, or
    ``ovl_should_sync()``); a Python scheme tests none, and neither does a catalogue name:
    an entry is one mount (its ``C_CATALOGUE`` options), so that ``copy-naive`` stays the
    row the matrices record; ``c:NAME`` or the file's path takes ``--mount-option``."""
    if name in SCHEMES:
        return frozenset()
    return getattr(scheme_for(name), "tested_mount_options", frozenset())


def load_catalogue() -> None:
    """Import the scheme modules so that they register themselves."""
    import model.schemes  # noqa: F401
