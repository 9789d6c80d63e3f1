"""The scheme/world assembly: :class:`CScheme` reads the file (top-level functions,
``struct ovl_fs``/``struct ovl_config`` excerpts), probes it under every discipline so
that bad input fails at load time, and implements the :class:`model.variants.Scheme`
hooks: ``mount`` (``ovl_fill_super``'s errseq lines), ``sync_fs`` (``ovl_sync_fs`` once
per ``->sync_fs`` call of ``sync_filesystem()``, or an ``f_op->syncfs``), ``check`` (the
VFS's, or an ``s_op`` hook) and ``finish_actor`` (dead locals zeroed).

``ovl_sync_fs(sb, wait)`` is lowered once per ``->sync_fs`` call: ``wait`` = 0, then 1 (a
nonzero return of the first skips the second when the VFS passes ``->sync_fs``'s errors
up); ``wait`` is a constant in each, so ``if (!wait) return 0;`` costs no step.  The
statements after ``sync_filesystem(upper_sb)`` (or, with no such call, from the first that
touches shared memory) are the ``body`` region a discipline wraps; each access to U is a
``read-u`` region."""

from __future__ import annotations

import os
import re
from typing import ClassVar

from tree_sitter import Node, Parser

from model.cfront.diag import CError
from model.cfront.exprs import CONFIG_PATHS
from model.cfront.stmts import Fn, merge_returns
from model.cfront.syntax import (
    ERRSEQ_LIB,
    LANG,
    SKIPPED,
    calls,
    function_parts,
    statements,
    syntax_error,
    syscall_define,
    touches_errseq,
    touches_shared,
    walk,
)
from model.expr import ZERO, E
from model.ir import Actor, After, Label, ProgramBuilder
from model.variants import CallCtx, OverlayCtx, Scheme


class CScheme(Scheme):
    """A scheme read from a C file (see the module docstring)."""

    max_call_steps: ClassVar[int] = 64

    def __init__(self, path: str, source: bytes, name: str | None = None,  # noqa: C901
                 mount_options: frozenset[str] = frozenset()):
        self.path = path
        self.base = os.path.basename(path)
        self.source = source
        self.name = name or path  # type: ignore[misc]
        self.mount_options = mount_options
        self.notes: list[str] = []
        self.fields: dict[str, str] = {}  # ovl_fs field -> C type
        self.helpers: dict[str, tuple[list[str], Node]] = {}
        self.locals_declared: set[str] = set()
        self.local_kinds: dict[str, str] = {}
        self.locks_used: set[str] = set()
        #: (spin|mutex, lock) taken anywhere, and where each is first released
        self.lock_takes: set[tuple[str, str]] = set()
        self.lock_releases: dict[tuple[str, str], Node] = {}
        self.c_locals: set[str] = set()
        self.sync_fs_fn: Node | None = None
        self.syncfs_fn: Node | None = None  # f_op->syncfs (V. Goyal v2): replaces the VFS path
        self.check_fn: Node | None = None  # s_op->errseq_check_advance (V. Goyal v3)
        self.open_upper = False  # the open path samples U into f_sb_err (V. Goyal v3)
        self.fill_super_fn: Node | None = None
        #: fs/sync.c's syncfs in the same file (model.cfront.vfs.CVfs), or None
        self.vfs = None
        self.vfs_node: Node | None = None
        #: the file has the MUSTINC RFC's lib/errseq.c hunk: the world uses its layout
        self.mustinc = False  # type: ignore[misc]
        self.summary = f"C scheme {self.base}"  # type: ignore[misc]
        self.provenance = f"{path}"  # type: ignore[misc]
        self.by_design = frozenset()  # type: ignore[misc]
        self._parse()
        self.ofs_fields = tuple(  # type: ignore[misc]
            (f, f"struct ovl_fs: {t} {f} ({self.base})", t == "errseq_t")
            for f, t in self.fields.items())
        self._probe()
        for (kind, lock), node in self.lock_releases.items():
            if (kind, lock) not in self.lock_takes:
                raise self.error(node, f"{kind}_unlock of '{self.text_of(node, 0)}', which "
                                       f"no code in this file takes with {kind}_lock")

    # ---- diagnostics ---------------------------------------------------------------------
    def text_of(self, call: Node, i: int) -> str:
        """The source text of argument ``i`` of the call ``call``."""
        args = [a for a in call.child_by_field_name("arguments").named_children  # type: ignore[union-attr]
                if a.type != "comment"]
        return (args[i].text or b"").decode()

    def error(self, node: Node, msg: str) -> CError:
        r, c = node.start_point
        return CError(self.path, self.source, r, c, msg)

    def note(self, node: Node, msg: str) -> None:
        n = f"{self.base}:{node.start_point[0] + 1}: note: {msg}"
        if n not in self.notes:
            self.notes.append(n)

    def is_word(self, loc: str, ov: OverlayCtx) -> bool:
        if loc in (ov.U, ov.O):
            return True
        f = loc.split(".", 1)[-1]
        return self.fields.get(f) == "errseq_t"

    def vfs_conflict(self, option: str) -> CError:
        """``--vfs`` or ``--flock`` given with a scheme file that changes the VFS itself."""
        assert self.vfs_node is not None
        return self.error(self.vfs_node, f"this scheme file changes the VFS itself (fs/sync.c's "
                                         f"syncfs): {option} cannot replace it")

    # ---- parsing -------------------------------------------------------------------------
    def _parse(self) -> None:
        tree = Parser(LANG).parse(self.source)
        root = tree.root_node
        bad = syntax_error(root)
        if bad is not None:
            near = bad.text.decode()[:30].splitlines()[0] if bad.text else ""
            what = (f"expected '{bad.type}'" if bad.is_missing else
                    f"syntax error near '{near}'")
            raise self.error(bad, what)
        items = root.named_children
        syscall: Node | None = None
        for i, item in enumerate(items):
            nxt = items[i + 1] if i + 1 < len(items) else None
            if syscall_define(item, nxt) == "syncfs":
                syscall = syscall or item
            if syscall_define(item, nxt) is not None or (
                    i and syscall_define(items[i - 1], item) is not None):
                continue
            self._top(item)
        self.tested_mount_options = self._tested_options(root)
        if syscall is not None and self.sync_fs_fn is None and self.syncfs_fn is None:
            raise self.error(syscall, "this file holds a VFS change (fs/sync.c's syncfs), not "
                                      "a scheme (no ovl_sync_fs): give it with --vfs FILE, "
                                      "together with a scheme")
        if syscall is not None:
            # the patch changes the VFS too: its syncfs is this scheme's (as --vfs would be)
            from model.cfront.vfs import CVfs

            self.vfs = CVfs(self.path, self.source, embedded=True)
            self.vfs.notes = self.notes  # one list: --verbose prints them in file order
            self.vfs_node = syscall
        if self.sync_fs_fn is None and self.syncfs_fn is None:
            raise CError(self.path, self.source, 0, 0,
                         "no 'ovl_sync_fs(struct super_block *sb, int wait)' (nor an "
                         "f_op->syncfs 'ovl_syncfs(struct file *file)') in this file")

    def _tested_options(self, root: Node) -> frozenset[str]:
        """The mount options the code tests: ``ofs->config.ovl_X`` is the option ``X``, and
        ``ovl_should_sync()`` (when the file does not define it) tests ``volatile``."""
        out = set()
        for x in walk(root):
            if x.type == "field_expression":
                arg, fld = x.child_by_field_name("argument"), x.child_by_field_name("field")
                if (arg is not None and fld is not None and (arg.text or b"").endswith(b"config")
                        and (fld.text or b"").decode() not in CONFIG_PATHS):
                    out.add(fld.text.decode().removeprefix("ovl_"))  # type: ignore[union-attr]
            elif x.type == "call_expression" and "ovl_should_sync" not in self.helpers:
                f = x.child_by_field_name("function")
                if f is not None and f.text == b"ovl_should_sync":
                    out.add("volatile")
        return frozenset(out)

    def _top(self, item: Node) -> None:
        t = item.type
        if t == "comment":
            return
        if t == "function_definition":
            parts = function_parts(item)
            if parts is None:
                raise self.error(item, "function definition not understood")
            d, fname, named = parts
            name = (fname.text or b"").decode() if fname is not None else ""
            params = [pname for _, pname in named]
            plist = d.child_by_field_name("parameters")
            body = item.child_by_field_name("body")
            if name == "ovl_sync_fs":
                if params[:2] != ["sb", "wait"]:
                    raise self.error(plist or item, "ovl_sync_fs's parameters must be "
                                                    "'(struct super_block *sb, int wait)'")
                self.sync_fs_fn = body
            elif name == "ovl_syncfs":
                if params[:1] != ["file"]:
                    raise self.error(plist or item, "ovl_syncfs's parameter must be "
                                                    "'(struct file *file)'")
                self.syncfs_fn = body
            elif name == "ovl_errseq_check_advance":
                if params[:2] != ["sb", "file"]:
                    raise self.error(plist or item, "ovl_errseq_check_advance's parameters "
                                     "must be '(struct super_block *sb, struct file *file)'")
                self.check_fn = body
            elif name in ("ovl_open", "ovl_init_file_errseq") and body is not None:
                if re.search(rb"f_sb_err\s*=\s*errseq_sample\(", body.text or b""):
                    # the open path re-samples the file's cursor from U (V. Goyal v3)
                    self.open_upper = True
                    self.note(item, f"{name}: the file's f_sb_err samples U at open")
                else:
                    self.note(item, f"function '{name}' skipped (no f_sb_err sample in it)")
            elif name in ERRSEQ_LIB:
                self.note(item, f"{name}: lib/errseq.c's, as the model has it (model/kernel.py"
                                f"{', MUSTINC layout' if self.mustinc else ''})")
            elif name == "ovl_fill_super":
                self.fill_super_fn = body
            elif name in SKIPPED:
                self.note(item, f"function '{name}' skipped (the model has no use for it)")
            else:
                self.helpers[name] = (params, body)  # type: ignore[assignment]
            return
        if t in ("struct_specifier", "declaration", "type_definition"):
            self._struct(item)
            return
        if t == "preproc_def" and item.child_by_field_name("name") is not None and (
                item.child_by_field_name("name").text == b"ERRSEQ_MUSTINC"):  # type: ignore[union-attr]
            # J. Layton's RFC v2 1/2 (errseq: split the SEEN flag into two new flags)
            self.mustinc = True  # type: ignore[misc]
            self.note(item, "ERRSEQ_MUSTINC: the MUSTINC RFC's errseq layout (MUSTINC at bit "
                            "13, the counter from bit 14) for U, O and every cursor")
            return
        if t.startswith("preproc"):
            self.note(item, "preprocessor line ignored")
            return
        self.note(item, f"{t.replace('_', ' ')} ignored")

    def _struct(self, item: Node) -> None:
        spec = item if item.type == "struct_specifier" else item.child_by_field_name("type")
        if spec is None or spec.type != "struct_specifier":
            self.note(item, "declaration ignored")
            return
        nm = spec.child_by_field_name("name")
        body = spec.child_by_field_name("body")
        if nm is None or body is None:
            return
        if nm.text.decode() not in ("ovl_fs", "ovl_config"):
            self.note(item, f"struct {nm.text.decode()} ignored")
            return
        for fd in body.named_children:
            if fd.type != "field_declaration":
                continue
            ty = fd.child_by_field_name("type")
            tname = ty.text.decode() if ty else ""
            for dcl in fd.children_by_field_name("declarator"):
                if dcl.type != "field_identifier":
                    continue
                if tname in ("errseq_t", "spinlock_t", "struct mutex"):
                    self.fields[dcl.text.decode()] = tname

    def _probe(self) -> None:
        """Lower once into a throwaway world so that bad statements fail at load time."""
        from model.validate import VariantError, validate_scheme
        from model.variants import DISCIPLINES

        self.incompatible: dict[str, CError] = {}
        for d in DISCIPLINES.values():
            try:
                validate_scheme(self, [d])
            except VariantError as e:
                err = self._located(e)
                if d.name == "none":
                    raise err from None
                # the scheme does not compose with d (its own lock inside a cmpxchg restart,
                # two stores to O): said when a check asks for d
                self.incompatible[d.name] = CError(
                    self.path, self.source, err.row, err.col,
                    f"does not compose with --lock {d.name}: {err.msg}")

    def _located(self, e: Exception) -> CError:
        """Registration's checks, located at the C line the offending step came from."""
        msg = str(e).split(": ", 1)[-1]
        m = re.search(re.escape(self.base) + r":(\d+)", msg)
        row = int(m.group(1)) - 1 if m else (self.sync_fs_fn.start_point[0]  # type: ignore[union-attr]
                                             if self.sync_fs_fn else 0)
        lines = self.source.decode("utf-8", "replace").splitlines()
        text = lines[row] if row < len(lines) else ""
        col = len(text) - len(text.lstrip())
        msg = re.sub(r"; fix: .*", "", msg)
        return CError(self.path, self.source, row, col, msg)

    # ---- Scheme hooks --------------------------------------------------------------------
    def mount(self, ov: OverlayCtx, b: ProgramBuilder) -> None:
        if self.fill_super_fn is None:
            return
        fn = Fn(self, b, ov, None, 1)
        fn.env.ptrs.update({"sb": "sb", "ofs": "ofs"})
        fn.ret_label = b.label("ovl_fill_super.end")
        for st in statements(self.fill_super_fn):
            if not touches_errseq(st) and fn.binds_pointer(st):
                fn.mount_pointer(st)
            elif touches_errseq(st):
                start = b.next_pc
                if st.type == "declaration":
                    fn.declaration(st)
                else:
                    fn.stmt(st)
                fn.label_steps(start, st)
            elif st.type == "declaration":
                try:
                    fn.declaration(st)
                except CError:
                    self.note(st, "declaration ignored")
            else:
                self.note(st, "statement of ovl_fill_super ignored (no errseq_t in it)")
            if fn.env.dead:
                break
        b.here(fn.ret_label)
        fn.flush()

    def stable_field(self, loc: str, ov: OverlayCtx) -> bool:
        """Whether ``loc`` is an ofs field the syncfs path never stores (its value is the
        mount's, so a read of it folds into the step that uses it, as the Python schemes'
        ``ofs->errseq`` does)."""
        if not loc.startswith(ov.ofs + "."):
            return False
        f = loc.split(".", 1)[1]
        code = b"".join(fn.text for fn in (self.sync_fs_fn, self.syncfs_fn) if fn is not None)
        text = code.decode()
        return not re.search(r"&\s*ofs->" + f + r"\b|ofs->" + f + r"\s*=[^=]", text)

    def open_word(self, ov: OverlayCtx) -> str:
        return ov.U if self.open_upper else ov.O

    def check(self, call: CallCtx) -> None:
        if self.check_fn is not None:
            # s_op->errseq_check_advance (V. Goyal v3's VFS patch calls it instead of its own
            # errseq_check_and_advance): its return is the syscall's errseq result
            fn = Fn(self, call.b, call.ov, call, 1)
            fn.result_is_syscalls = True
            # the VFS's check, as the Python scheme's: no discipline wraps it (nor its reads)
            fn.read_u_regions = False
            fn.env.ptrs.update({"sb": "sb", "file": "file"})
            end = call.b.label("errseq_check_advance.end")
            fn.ret_label = end
            for st in self.check_fn.named_children:
                fn.stmt(st)
            fn.check_gotos()
            call.b.here(end)
            envs = fn.returns + ([fn.env] if not fn.env.dead else [])
            fn.env = merge_returns(fn, envs)
            fn.flush()
            return
        if self.syncfs_fn is None:
            call.vfs_check(call.ov.O)
        # else: f_op->syncfs does its own check (V. Goyal v2's VFS patch calls it instead)

    def sync_fs(self, call: CallCtx) -> None:
        b = call.b
        bad = getattr(self, "incompatible", {}).get(call.discipline.name)
        if bad is not None:
            raise bad
        if self.syncfs_fn is not None:
            end = b.label("syncfs.fop.end")
            self._one_call(call, 1, end, self.syncfs_fn, {"file": "file"})
            return
        after = b.label("sync_filesystem.end")
        for wait in (0, 1):
            end = b.label(f"sync_fs{wait}.end")
            start = b.next_pc
            self._one_call(call, wait, end)
            if wait == 0 and call.sync_fs_returned and b.next_pc != start:
                # v5.17+ fs/sync.c: "ret = sb->s_op->sync_fs(sb, 0); if (ret) return ret;"
                b.branch(E.ne(After(call.sret.name), ZERO), after)  # type: ignore[arg-type]
        b.here(after)

    def _one_call(self, call: CallCtx, wait: int, end: Label, body_fn: Node | None = None,
                  ptrs: dict[str, str] | None = None) -> None:
        b = call.b
        body_fn = body_fn or self.sync_fs_fn
        assert body_fn is not None
        fn = Fn(self, b, call.ov, call, wait)
        fn.env.ptrs.update(ptrs or {"sb": "sb"})
        fn.ret_label = end
        fn.body_from = None  # type: ignore[attr-defined]
        stmts = [s for s in body_fn.named_children if s.type != "comment"]
        # the body region: from the first statement that touches shared memory (through
        # the helpers it calls), but not before sync_filesystem(upper_sb) if that comes first
        touches = [touches_shared(s, self.helpers) for s in stmts]
        first = next((i for i, t in enumerate(touches) if t), len(stmts))
        sync = next((i + 1 for i, s in enumerate(stmts) if calls(s, "sync_filesystem")),
                    None)
        split = first if sync is None or first < sync else sync
        head, tail = stmts[:split], stmts[split:]
        after: list[Node] = []
        if self.syncfs_fn is not None:
            # f_op->syncfs: the file's own check is the VFS's part, outside the body
            k = next((i for i, s in enumerate(tail) if b"f_sb_err" in (s.text or b"")),
                     len(tail))
            tail, after = tail[:k], tail[k:]
        for s in head:
            fn.stmt(s)
        if any(touches_shared(s, self.helpers) for s in tail) and not fn.env.dead:
            body_end = b.label("body.end")

            def body() -> None:
                fn.ret_label = body_end
                fn.segment = 1
                for s in tail:
                    fn.stmt(s)
                b.here(body_end)
                envs = fn.returns + ([fn.env] if not fn.env.dead else [])
                fn.env = merge_returns(fn, envs)
                fn.returns = []
                fn.flush()

            call.region("body", body)
        else:
            for s in tail:
                fn.stmt(s)
        fn.ret_label = end
        fn.segment = 2
        for s in after:
            fn.stmt(s)
        fn.check_gotos()
        b.here(end)
        envs = fn.returns + ([fn.env] if not fn.env.dead else [])
        fn.env = merge_returns(fn, envs)
        fn.flush()
        self.c_locals |= {n.split(".", 1)[1] for n in b.locals
                          if n.split(".", 1)[1].startswith("c_")}

    def finish_actor(self, actor: Actor) -> Actor:
        """The actor as lowered: dead C locals are reset, with every other dead value, by
        the search's own reset (``specs.deadreset``), so the world as built keeps them (as
        the Python schemes' worlds do) and ``--no-dead-reset`` compares like with like."""
        return actor





_CACHE: dict[tuple[str, frozenset[str]], CScheme] = {}


def load_scheme(path: str, mount_options: frozenset[str] = frozenset()) -> CScheme:
    """The scheme in the C file ``path`` (raises :class:`CError`, or ``OSError``)."""
    key = (path, mount_options)
    if key not in _CACHE:
        with open(path, "rb") as f:
            src = f.read()
        try:
            _CACHE[key] = CScheme(path, src, mount_options=mount_options)
        except CError:
            raise
        except (ValueError, KeyError, AttributeError, TypeError, AssertionError) as e:
            # a construct the lowering does not handle: located at the file, never a traceback
            raise CError(path, src, 0, 0, f"this file uses C the model cannot lower yet "
                                          f"({type(e).__name__}: {e}); please report it") from e
    return _CACHE[key]


