"""A VFS change in kernel C (``--vfs FILE``): fs/sync.c's ``syncfs`` as a patch leaves it.

The file holds ``SYSCALL_DEFINE1(syncfs, int, fd) { ... }`` as the kernel writes it (and/or
the helper it calls, ``static int do_syncfs(struct file *file)``), elided parts as comments;
``sync_filesystem()``/``__sync_filesystem()`` definitions and lib/errseq.c's functions are
skipped with a note (the model's own are used), so are declarations and preprocessor lines.
It combines with any scheme: the scheme says what ``->sync_fs`` does, the VFS file what the
syscall does once ``sync_filesystem(sb)`` has returned, in place of the model's
``errseq_check_and_advance(&sb->s_wb_err, &f.file->f_sb_err)`` (``CallCtx.vfs_check``).

Names map by what they are: ``sb`` (``f.file->f_path.dentry->d_sb``, ``file_inode(file)->
i_sb``) is the file's superblock, O for a file on an overlay and U for a file on the upper
filesystem (the VFS change applies to both); ``f.file->f_sb_err`` (or ``file->f_sb_err``) is
the file's cursor, ``f.file->f_lock`` the per-file lock; ``struct fd f = fdget(fd)``,
``fdput(f)`` and ``if (!f.file) return -EBADF;`` cost nothing (the model's file is open).
``ret = sync_filesystem(sb);`` is what ``->sync_fs`` returned when ``--sync-fs-errors
returned`` (v5.17+), else 0; for a file on U it is 0 (the upper fs's own ``->sync_fs``).
The syscall's ``return`` is its result.

The statements are lowered by :mod:`model.cfront` (expressions, primitives, locks, gotos,
diagnostics) exactly as a scheme's are; only the names above differ.  Every access to a
superblock word or a cursor is one atomic step, and no discipline wraps any of it (the
VFS's check is outside the propagation a ``--lock`` protects, as the model's own is).
"""

from __future__ import annotations

import os

from tree_sitter import Node, Parser

from model.cfront.diag import CError
from model.cfront.scheme import CScheme
from model.cfront.stmts import Fn, merge_returns
from model.cfront.syntax import (
    ERRSEQ_LIB,
    LANG,
    PRIMITIVES,
    SKIPPED,
    calls,
    function_parts,
    syntax_error,
    syscall_define,
    walk,
)
from model.cfront.values import Env, Val, errno_of
from model.expr import ZERO, E, Expr, Var
from model.variants import CallCtx

#: fs/sync.c's own functions: the model's are used (``->sync_fs(sb, 0)`` then ``(sb, 1)``)
SYNC_FS_FUNCS = ("sync_filesystem", "__sync_filesystem", "sync_fs_one_sb", "ksys_sync")
#: calls in the syscall that cost nothing (the model's file is open and stays open)
NO_OPS = ("fdput", "fdput_pos", "down_read", "up_read", "might_sleep", "pr_err", "pr_warn",
          "WARN_ON", "WARN_ON_ONCE", "trace_syncfs")


class VfsFn(Fn):
    """The lowering of the syscall's body (and the helpers it calls) for one call site."""

    sb_word: str = "O"
    result_local: str | None = None  # the local the syscall returns besides ret: the IR's ret
    #: how the returns give the result: "vfs" (``ret ? ret : ret2``, which
    #: ``kernel.syncfs_return`` combines) or "own" (the IR's ret holds it as is)
    combine: str | None = None

    # ---- names ---------------------------------------------------------------------------
    def local_var(self, name: str) -> Var:
        if name == self.result_local and self.call is not None:
            return self.call.ret
        return super().local_var(name)

    def field_val(self, node: Node) -> Val:
        arg, fname = node.child_by_field_name("argument"), node.child_by_field_name("field")
        assert arg is not None and fname is not None
        f = self.text(fname)
        if arg.type != "field_expression" or not self.text(arg).endswith("config"):
            p = self.ptr_of(arg)
            if p == "fd" and f == "file":
                return Val("ptr", ptr="file")
            if p == "sb" and f == "s_wb_err":
                return Val("addr", loc=self.sb_word)
            if p in ("upper_sb", "mnt", "ofs"):
                raise self.err(node, f"'{self.text(node)}' is overlayfs's: a VFS file knows "
                                     "only the file's own superblock (sb->s_wb_err) and the "
                                     "file (f_sb_err, f_lock)")
        return super().field_val(node)

    def pure_call(self, node: Node, pure: bool, reads: list[str] | None) -> Val:
        fn = self.fname(node)
        if fn == "fdget":
            return Val("ptr", ptr="fd")
        if fn == "fd_file":  # v6.12 on: fd_file(f) is f.file
            return Val("ptr", ptr="file")
        if fn == "fd_empty":  # the model's file is open
            return Val("int", ZERO)
        if fn == "file_inode":
            return Val("ptr", ptr="inode")
        if fn in ("ovl_upper_mnt", "OVL_FS", "ovl_should_sync"):
            raise self.err(node, f"'{fn}' is overlayfs's: a VFS file knows only the file and "
                                 "its superblock")
        return super().pure_call(node, pure, reads)

    def unknown(self, node: Node, fn: str) -> CError:
        known = [p for p in PRIMITIVES if not p.startswith(("ovl_", "OVL_"))]
        return self.err(node.child_by_field_name("function") or node,
                        f"call to unknown function '{fn}' (supported in a VFS file: "
                        f"{', '.join(known)}, fdget, fdput, and functions defined in this "
                        "file)")

    # ---- statements ----------------------------------------------------------------------
    def declaration(self, node: Node) -> None:
        ty = node.child_by_field_name("type")
        if ty is not None and self.text(ty) == "struct fd":
            for d in node.children_by_field_name("declarator"):
                init = d.child_by_field_name("value") if d.type == "init_declarator" else None
                name = d.child_by_field_name("declarator") if init is not None else d
                if init is None or self.strip(init).type != "call_expression" or \
                        self.fname(self.strip(init)) != "fdget":
                    raise self.err(d, "'struct fd' is 'fdget(fd)' here (the syscall's file)")
                self.env.ptrs[self.text(name)] = "fd"  # type: ignore[arg-type]
                self.cs.note(node, "struct fd f = fdget(fd): the syscall's open file (no step)")
            return
        super().declaration(node)
        for d in node.children_by_field_name("declarator"):
            init = d.child_by_field_name("value") if d.type == "init_declarator" else None
            name = self.text(d.child_by_field_name("declarator") if init is not None else d)
            if name == self.result_local and init is not None:
                v = self.env.vals.get(name)
                if v is None or v.static != 0:
                    raise self.err(init, f"'{name}' is the errseq result the syscall "
                                         "returns (the model's ret, 0 when the call begins): "
                                         "initialise it to 0, or assign it before it is read")
                # the IR's ret is 0 when the call begins: nothing to store
                var = self.call.ret  # type: ignore[union-attr]
                self.env.pending.pop(var.name, None)
                self.env.vals[name] = Val("err", var)

    def assign_to(self, node: Node, local: str | None, shared: str | None, rhs: Node) -> None:
        r = self.strip(rhs)
        if r.type == "call_expression" and self.fname(r) == "sync_filesystem":
            if local is None:
                raise self.err(node, "sync_filesystem()'s result is not a store to shared "
                                     "memory: assign it to a local")
            call = self.call
            assert call is not None
            self.cs.note(r, "sync_filesystem(sb): ->sync_fs's return with --sync-fs-errors "
                            "returned (v5.17+), else 0; 0 for a file on the upper fs")
            v = (Val("err", Var(call.sret.name)) if call.sync_fs_returned
                 else Val("int", ZERO))
            self.cs.local_kinds[local] = v.kind
            self.env.vals[local] = v
            return
        if shared is not None and shared == self.sb_word:
            raise self.err(node, "the VFS writes sb->s_wb_err directly: only errseq_* calls "
                                 "may change a superblock's word")
        super().assign_to(node, local, shared, rhs)

    def effect_call(self, node: Node, local: str | None, shared: str | None,
                    as_cond: bool = False) -> Var | None:
        fn, args = self.fname(node), self.args(node)
        if fn in ("WRITE_ONCE", "smp_store_release") and args and \
                self.loc(args[0]) == self.sb_word:
            raise self.err(node, "the VFS writes sb->s_wb_err directly: only errseq_* calls "
                                 "may change a superblock's word")
        return super().effect_call(node, local, shared, as_cond)

    def call_stmt(self, e: Node) -> None:
        fn = self.fname(e)
        if fn in NO_OPS:
            self.cs.note(e, f"{fn}() is a no-op in the model")
            return
        super().call_stmt(e)

    def return_stmt(self, node: Node) -> None:
        if self.ret_dest is not None or not node.named_children:
            super().return_stmt(node)
            return
        rn = self.strip(node.named_children[0])
        call = self.call
        assert call is not None
        if rn.type == "call_expression" and self.fname(rn) in self.cs.helpers:
            # return do_syncfs(f.file);
            self.tmp += 1
            tmp = f"_v{self.tmp}"
            self.cs.locals_declared.add(tmp)
            self.assign_to(node, tmp, None, rn)
            v = self.env.vals[tmp]
        else:
            v = self.expr(rn)
        value = errno_of(v, self.scalar(v, rn))
        ret, sret = call.ret, Var(call.sret.name)
        canonical: Expr = (E.ite(E.ne(sret, ZERO), sret, ret) if call.sync_fs_returned
                           else ret)
        if value == canonical:
            kind = "vfs"  # what kernel.syncfs_return combines: nothing to store
        else:
            kind = "own"
            self.env.pending[ret.name] = value
        if self.combine not in (None, kind):
            raise self.err(node, "the syscall's returns combine ->sync_fs's result and the "
                                 "errseq check's differently on different paths: not "
                                 "supported yet")
        self.combine = kind
        if kind == "own":
            call.result_final = True
        keep = {ret.name}
        self.env.pending = {k: x for k, x in self.env.pending.items() if k in keep}
        if self.ret_label is None:
            raise self.err(node, "return here is not supported")
        self.fold_pending()
        self.returns.append(self.env.copy())
        self.env.dead = True
        self.env.jump = self.ret_label


class CVfs(CScheme):
    """A VFS change read from a C file (see the module docstring).  Not a scheme: it has
    no ``ovl_sync_fs``; :meth:`check` is what ``CallCtx.vfs_check`` runs instead of the
    model's own ``errseq_check_and_advance``."""

    def __init__(self, path: str, source: bytes, embedded: bool = False):  # no super(): a
        # scheme's parse is not ours.  ``embedded``: the syscall in a scheme's own file
        # (its overlayfs functions are the scheme's, not an error here)
        self.embedded = embedded
        self.path = path
        self.base = os.path.basename(path)
        self.source = source
        self.name = path  # type: ignore[misc]
        self.mount_options = frozenset()
        self.notes = []
        self.fields = {}
        self.helpers = {}
        self.locals_declared = set()
        self.local_kinds = {}
        self.locks_used = set()
        self.lock_takes = set()
        self.lock_releases = {}
        self.c_locals = set()
        self.sync_fs_fn = None
        self.syncfs_fn = None
        self.check_fn = None
        self.fill_super_fn = None
        self.open_upper = False
        self.mustinc = False  # type: ignore[misc]
        self.entry: Node | None = None  # the syscall's body (or the helper holding the check)
        self.entry_params: dict[str, str] = {}
        self.param_ptrs: dict[str, dict[str, str]] = {}  # function -> pointer parameters
        self.result_local: str | None = None
        self._parse_vfs()
        self.sync_fs_fn = self.entry  # where a located message with no line of its own goes

    # ---- parsing -------------------------------------------------------------------------
    def _parse_vfs(self) -> None:
        root = Parser(LANG).parse(self.source).root_node
        bad = syntax_error(root)
        if bad is not None:
            near = bad.text.decode()[:30].splitlines()[0] if bad.text else ""
            raise self.error(bad, f"expected '{bad.type}'" if bad.is_missing else
                             f"syntax error near '{near}'")
        items = [c for c in root.named_children]
        syscall: Node | None = None
        for i, item in enumerate(items):
            name = syscall_define(item, items[i + 1] if i + 1 < len(items) else None)
            if name is not None:
                if name != "syncfs":
                    self.note(item, f"SYSCALL_DEFINE of '{name}' skipped (the model has only "
                                    "syncfs)")
                else:
                    syscall = items[i + 1]
                continue
            if i > 0 and item.type == "compound_statement" and syscall_define(
                    items[i - 1], item) is not None:
                continue
            self._vfs_top(item)
        if syscall is not None:
            self.entry = syscall
        else:
            # no syscall: the one helper that holds the check of the file's cursor
            holders = [n for n, (_, body) in self.helpers.items()
                       if b"f_sb_err" in (body.text or b"")]
            called = {n for n in holders for _, body in self.helpers.values()
                      for x in walk(body) if x.type == "call_expression"
                      and (x.child_by_field_name("function").text or b"").decode() == n}  # type: ignore[union-attr]
            tops = [n for n in holders if n not in called]
            if len(tops) != 1:
                raise CError(self.path, self.source, 0, 0,
                             "no 'SYSCALL_DEFINE1(syncfs, int, fd)' in this VFS file (nor one "
                             "helper such as 'static int do_syncfs(struct file *file)' that "
                             "checks file->f_sb_err)" + (f": {', '.join(tops)} all do"
                                                         if tops else ""))
            _, self.entry = self.helpers.pop(tops[0])
            # the entry's own parameters, by their types (struct file *, struct super_block *)
            self.entry_params = self.param_ptrs.get(tops[0], {})
        self.result_local = self._result_local()
        reached: set[str] = set()
        work = [self.entry]
        while work:
            body = work.pop()
            for n, (_, hb) in self.helpers.items():
                if n not in reached and calls(body, n):  # type: ignore[arg-type]
                    reached.add(n)
                    work.append(hb)
        for n in [n for n in self.helpers if n not in reached]:
            _, hb = self.helpers.pop(n)
            if not self.embedded:
                self.note(hb.parent or hb, f"function '{n}' skipped (the syscall does not "
                                           "call it)")

    def _vfs_top(self, item: Node) -> None:
        t = item.type
        if t == "comment":
            return
        if t == "function_definition":
            parts = function_parts(item)
            if parts is None:
                raise self.error(item, "function definition not understood")
            _, fname, named = parts
            name = (fname.text or b"").decode() if fname is not None else ""
            if self.embedded and (name.startswith("ovl_") or name in SKIPPED):
                return  # the scheme's
            if name.startswith("ovl_"):
                raise self.error(fname or item, f"'{name}' is overlayfs's: a --vfs file holds "
                                 "only a VFS change (fs/sync.c's syncfs); give this file as "
                                 "the scheme instead")
            if name in SYNC_FS_FUNCS:
                self.note(item, f"{name}: the model's (->sync_fs(sb, 0), then ->sync_fs(sb, "
                                "1); --sync-fs-errors decides whether its return reaches "
                                "syncfs)")
                return
            if name in ERRSEQ_LIB:
                self.note(item, f"{name}: lib/errseq.c's, as the model has it")
                return
            params = []
            for p, pname in named:
                params.append(pname)
                ty = (p.child_by_field_name("type").text or b"").decode()  # type: ignore[union-attr]
                self.param_ptrs.setdefault(name, {})[pname] = (
                    "file" if ty == "struct file" else
                    "sb" if ty == "struct super_block" else "?")
            body = item.child_by_field_name("body")
            if body is not None:
                self.helpers[name] = (params, body)
            return
        if self.embedded:
            return  # the scheme reads (or notes) what is not a function
        if t == "struct_specifier" or (t == "declaration" and b"ovl_fs" in (item.text or b"")):
            self.note(item, "declaration ignored")
            return
        if t.startswith("preproc"):
            self.note(item, "preprocessor line ignored")
            return
        self.note(item, f"{t.replace('_', ' ')} ignored")

    def _result_local(self) -> str | None:
        """The local the syscall returns besides ``sync_filesystem()``'s result (``ret2`` in
        ``return ret ? ret : ret2;``): lowered as the IR's ``ret``, the errseq check's
        result that ``kernel.syncfs_return`` combines, so that the world is the model's."""
        assert self.entry is not None
        synced: set[str] = set()
        for x in walk(self.entry):
            if x.type == "assignment_expression":
                r = x.child_by_field_name("right")
                if r is not None and r.type == "call_expression" and (
                        r.child_by_field_name("function").text == b"sync_filesystem"):  # type: ignore[union-attr]
                    synced.add((x.child_by_field_name("left").text or b"").decode())  # type: ignore[union-attr]
        names: set[str] = set()
        for x in walk(self.entry):
            if x.type == "return_statement":
                names |= {(i.text or b"").decode() for i in walk(x) if i.type == "identifier"}
        names -= synced
        names -= {"EBADF"}
        return names.pop() if len(names) == 1 else None

    # ---- lowering ------------------------------------------------------------------------
    def check(self, call: CallCtx, word: str) -> None:  # type: ignore[override]
        """The syscall's body for one call site: ``word`` is the file's superblock's."""
        b = call.b
        assert self.entry is not None
        fn = VfsFn(self, b, call.ov, call, 1)
        fn.sb_word = word
        fn.result_local = self.result_local
        fn.result_is_syscalls = True
        fn.read_u_regions = False
        fn.env = Env()
        fn.env.ptrs.update({"file": "file", "sb": "sb"})
        fn.env.ptrs.update(self.entry_params)
        end = b.label("syncfs.vfs.end")
        fn.ret_label = end
        for st in self.entry.named_children:
            fn.stmt(st)
        fn.check_gotos()
        b.here(end)
        envs = fn.returns + ([fn.env] if not fn.env.dead else [])
        fn.env = merge_returns(fn, envs)
        fn.flush()


_CACHE: dict[str, CVfs] = {}


def load_vfs(path: str) -> CVfs:
    """The VFS change in the C file ``path`` (raises :class:`CError`, or ``OSError``), read
    and probed once: lowered into small worlds with the ``none`` scheme, so that a bad
    statement, an unreleased lock or a call that never ends fails here, located."""
    if path in _CACHE:
        return _CACHE[path]
    with open(path, "rb") as f:
        src = f.read()
    try:
        v = CVfs(path, src)
        _CACHE[path] = v
        try:
            _probe_vfs(v)
        except BaseException:
            _CACHE.pop(path, None)
            raise
    except CError:
        raise
    except (ValueError, KeyError, AttributeError, TypeError, AssertionError) as e:
        raise CError(path, src, 0, 0, f"this VFS file uses C the model cannot lower yet "
                                      f"({type(e).__name__}: {e}); please report it") from e
    return v


def _probe_vfs(v: CVfs) -> None:
    import dataclasses

    from model.validate import VariantError, _probe
    from model.variants import DISCIPLINES, SCHEMES, load_catalogue
    from model.world import build_world

    load_catalogue()
    none, d = SCHEMES["none"], DISCIPLINES["none"]
    try:
        _probe(lambda q: build_world(none, d, dataclasses.replace(q, flock=False, vfs=v.path)),
               none.max_call_steps, f"VFS file {v.base!r}")
    except VariantError as e:
        raise v._located(e) from None
