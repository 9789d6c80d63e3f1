"""Lowering a C scheme file to IR steps (see the package docstring and the README subset).

Names map to the world by what they are: ``X->s_wb_err`` is U when ``X`` is the upper
superblock however it was obtained (``ovl_upper_mnt(ofs)->mnt_sb``, a local holding it),
O when ``X`` is the overlay's ``sb``; ``ofs->F`` (``ofs = sb->s_fs_info``) is the field ``F``
declared in the file's ``struct ovl_fs``.  Pointers are bound when they are declared and
cost no step.

Granularity, as for the Python schemes: every access to U, O or an ``ofs`` field is one
atomic step (an ``errseq_*`` call takes the steps ``model.kernel`` gives it); local
computation folds into the next step.  A C local is a symbolic value until a step assigns
it; after the world is built, :meth:`CScheme.finish_actor` zeroes every C local at the step
after which it is dead (liveness over the step graph), so that states differing only in dead
values are one state, as the Python schemes do by hand.

``ovl_sync_fs(sb, wait)`` is lowered once per ``->sync_fs`` call of ``sync_filesystem()``:
``wait`` = 0, then 1 (a nonzero return of the first skips the second when the VFS passes
``->sync_fs``'s errors up); ``wait`` is a constant in each, so ``if (!wait) return 0;``
costs no step.  The statements after ``sync_filesystem(upper_sb)`` (or, with no such call,
from the first that touches shared memory) are the ``body`` region a discipline wraps; each
access to U is a ``read-u`` region.
"""

from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass, field
from typing import Any, ClassVar

import tree_sitter_c as tsc
from tree_sitter import Language, Node, Parser

from model import kernel
from model.cfront.diag import CError
from model.errseq import ERRNO_NUMBERS
from model.expr import TRUE, ZERO, Const, E, Expr, Op, Var, variables
from model.ir import Actor, After, Event, Label, ProgramBuilder, StepView
from model.variants import CallCtx, OverlayCtx, Scheme

_LANG = Language(tsc.language())

#: calls the subset knows (what the "unknown function" message lists)
PRIMITIVES = (
    "READ_ONCE", "WRITE_ONCE", "smp_load_acquire", "smp_store_release", "errseq_set",
    "errseq_sample", "errseq_check", "errseq_check_and_advance", "errseq_counter",
    "spin_lock", "spin_unlock", "mutex_lock", "mutex_unlock", "down_read", "up_read",
    "sync_filesystem", "ovl_upper_mnt", "ovl_should_sync", "spin_lock_init", "mutex_init",
    "pr_err", "pr_warn", "WARN_ON",
)
#: functions of overlayfs the model has no use for: skipped with a note
SKIPPED = ("ovl_fsync", "ovl_statfs", "ovl_put_super", "ovl_show_options", "ovl_remount",
           "ovl_flush", "ovl_free_fs")
_SHARED_CALLS = {"READ_ONCE", "WRITE_ONCE", "smp_load_acquire", "smp_store_release",
                 "errseq_set", "errseq_sample", "errseq_check", "errseq_check_and_advance",
                 "spin_lock", "spin_unlock", "mutex_lock", "mutex_unlock"}


def is_c_path(name: str) -> bool:
    """Whether a scheme argument names a C file rather than a catalogue entry."""
    return name.endswith(".c")


@dataclass
class Val:
    """A C value: ``kind`` word (an errseq_t), err (a negative errno, held as its magnitude),
    int (a small non-negative int), ptr (a pointer the model places: ``sb``, ``upper_sb``,
    ``ofs``, ``mnt``), addr (``&location``)."""

    kind: str
    expr: Expr | None = None
    ptr: str | None = None
    loc: str | None = None  # addr: the world variable

    @property
    def static(self) -> int | None:
        return self.expr.value if isinstance(self.expr, Const) else None


class _Join(Exception):
    pass


@dataclass
class _Env:
    """What the lowering knows at one program point: pointers, local values, pending
    assignments not yet carried by a step."""

    ptrs: dict[str, str] = field(default_factory=dict)
    vals: dict[str, Val] = field(default_factory=dict)
    pending: dict[str, Expr] = field(default_factory=dict)
    dead: bool = False  # after a return: no path reaches here
    jump: Label | None = None  # the return's jump, emitted only if code follows it

    def copy(self) -> _Env:
        return _Env(dict(self.ptrs), dict(self.vals), dict(self.pending), self.dead,
                    self.jump)


class _Fn:
    """One lowering of one function body into a builder (mount, or one ->sync_fs call)."""

    def __init__(self, cs: CScheme, b: ProgramBuilder, ov: OverlayCtx, call: CallCtx | None,
                 wait: int):
        self.cs, self.b, self.ov, self.call, self.wait = cs, b, ov, call, wait
        self.L = ov.layout
        self.env = _Env()
        self.wrapped: set[int] = set()
        self.ret_label: Label | None = None
        self.in_body = False
        self.returns: list[_Env] = []
        self.tmp = 0
        self.ret_dest: str | None = None  # an inlined helper's result: the caller's local
        # f_op->syncfs or s_op->errseq_check_advance: the return is the syscall's result
        self.result_is_syscalls = cs.syncfs_fn is not None
        self.inlining: set[str] = set()

    # ---- diagnostics ----------------------------------------------------------------------
    def err(self, node: Node, msg: str) -> CError:
        return self.cs.error(node, msg)

    def text(self, node: Node) -> str:
        return node.text.decode()

    # ---- locations -----------------------------------------------------------------------
    def ptr_of(self, node: Node) -> str:
        """The pointer ``node`` denotes (sb, upper_sb, ofs, mnt, config)."""
        v = self.expr(node, pure=True)
        if v.kind != "ptr" or v.ptr is None:
            raise self.err(node, f"'{self.text(node)}' is not a pointer the model can place "
                                 "(sb, the upper superblock, ofs, the upper mount)")
        return v.ptr

    def field_val(self, node: Node) -> Val:
        arg, fname = node.child_by_field_name("argument"), node.child_by_field_name("field")
        assert arg is not None and fname is not None
        f = self.text(fname)
        if arg.type == "field_expression" and self.text(arg).endswith("config"):
            base = self.ptr_of(arg.child_by_field_name("argument"))  # type: ignore[arg-type]
            if base == "ofs":
                opt = f.removeprefix("ovl_")
                return Val("int", E.const(1 if opt in self.cs.mount_options else 0))
        p = self.ptr_of(arg)
        if p == "file" and f == "f_lock":
            if self.call is None:
                raise self.err(node, "file->f_lock outside a syncfs path")
            self.call.declare(self.call.file_lock, "spinlock_t file->f_lock", False)
            return Val("addr", loc=self.call.file_lock)
        if p == "file" and f == "f_sb_err":
            if self.call is None:
                raise self.err(node, "file->f_sb_err outside a syncfs path")
            return Val("addr", loc=self.call.file.cursor)
        nxt = {("file", "f_path"): "f_path", ("f_path", "dentry"): "dentry",
               ("dentry", "d_sb"): "sb", ("file", "f_inode"): "inode",
               ("inode", "i_sb"): "sb"}.get((p, f))
        if nxt is not None:
            return Val("ptr", ptr=nxt)
        if p in ("sb", "upper_sb") and f == "s_wb_err":
            return Val("addr", loc=self.ov.O if p == "sb" else self.ov.U)
        if p == "sb" and f == "s_fs_info":
            return Val("ptr", ptr="ofs")
        if p == "mnt" and f == "mnt_sb":
            return Val("ptr", ptr="upper_sb")
        if p == "ofs":
            if f not in self.cs.fields:
                raise self.err(fname, f"'struct ovl_fs' has no field '{f}' in this file "
                                      "(declare it in a struct ovl_fs excerpt)")
            return Val("addr", loc=self.ov.field(f))
        raise self.err(node, f"'{self.text(node)}' is not a location the model knows "
                             "(sb->s_wb_err, upper_sb->s_wb_err, ofs->FIELD)")

    def loc(self, node: Node) -> str:
        """The shared variable an lvalue-ish node names (``X->s_wb_err``, ``ofs->F``)."""
        node = self.strip(node)
        if node.type == "pointer_expression" and self.text(node).startswith("&"):
            node = self.strip(node.child_by_field_name("argument"))  # type: ignore[arg-type]
        if node.type == "field_expression":
            v = self.field_val(node)
            if v.kind == "addr" and v.loc:
                return v.loc
        raise self.err(node, f"'{self.text(node)}' is not shared memory the model knows "
                             "(sb->s_wb_err, upper_sb->s_wb_err, ofs->FIELD)")

    def strip(self, node: Node) -> Node:
        while node.type == "parenthesized_expression":
            node = node.named_children[0]
        return node

    def kind_of_loc(self, loc: str) -> str:
        return "word" if self.cs.is_word(loc, self.ov) else "int"

    # ---- expressions ---------------------------------------------------------------------
    def local_var(self, name: str) -> Var:
        return self.b.local(f"c_{name}", f"C local '{name}' ({self.cs.base})",
                            errseq=self.cs.local_kinds.get(name) == "word")

    def expr(self, node: Node, pure: bool = False, reads: list[str] | None = None) -> Val:
        """Evaluate an expression with no step of its own.  A plain read of shared memory
        (``READ_ONCE(x)``, ``sb->s_wb_err``) appears as the variable itself, recorded in
        ``reads``: the statement that consumes the value emits the one step that reads it."""
        node = self.strip(node)
        t = node.type
        if t == "number_literal":
            try:
                return Val("int", E.const(int(self.text(node).rstrip("uUlL"), 0)))
            except ValueError:
                raise self.err(node, f"number '{self.text(node)}' not supported") from None
        if t in ("true", "false"):
            return Val("int", E.const(1 if t == "true" else 0))
        if t == "null":
            return Val("int", ZERO)
        if t == "identifier":
            n = self.text(node)
            if n in self.env.ptrs:
                return Val("ptr", ptr=self.env.ptrs[n])
            if n in self.env.vals:
                return self.env.vals[n]
            if n == "wait":
                return Val("int", E.const(self.wait))
            if n == "ERRSEQ_SEEN":
                return Val("int", E.const(self.L.seen))
            if n == "ERRSEQ_SHIFT":  # ilog2(MAX_ERRNO + 1): the errno bits
                return Val("int", E.const(12))
            if n == "MAX_ERRNO":
                return Val("int", E.const(4095))
            if n in ERRNO_NUMBERS:
                return Val("int", E.const(ERRNO_NUMBERS[n]), ptr="errno")
            if n in self.cs.locals_declared:
                raise self.err(node, f"'{n}' is read before it is assigned")
            raise self.err(node, f"'{n}' is not declared (or is not something the model knows)")
        if t == "field_expression":
            v = self.field_val(node)
            if v.kind != "addr":
                return v
            return self.read_shared(node, v.loc, reads)  # type: ignore[arg-type]
        if t == "pointer_expression":
            op = self.text(node)[0]
            if op == "&":
                return Val("addr", loc=self.loc(node))
            raise self.err(node, "dereference '*' is not supported")
        if t == "unary_expression":
            op = self.text(node.child(0))  # type: ignore[arg-type]
            a = self.expr(node.child_by_field_name("argument"), pure, reads)  # type: ignore[arg-type]
            if op == "-":
                if a.ptr == "errno" or (a.kind == "int" and a.static == 0):
                    return Val("err", a.expr)
                if a.kind == "err":
                    return Val("int", a.expr)
                raise self.err(node, "unary '-' only on an errno (-EIO) or an error value")
            if op == "!":
                return Val("int", E.eq(self.scalar(a, node), ZERO))
            if op == "~":
                if a.kind == "err":
                    raise self.err(node, "'~' of an error value")
                return Val("word" if a.kind == "word" else "int",
                           E.sub(E.const(self.L.word_mask), self.scalar(a, node)))
            raise self.err(node, f"unary '{op}' is not supported")
        if t == "binary_expression":
            return self.binary(node, pure, reads)
        if t == "call_expression":
            return self.pure_call(node, pure, reads)
        if t == "cast_expression":
            return self.expr(node.child_by_field_name("value"), pure, reads)  # type: ignore[arg-type]
        if t == "conditional_expression":
            c = self.cond(node.child_by_field_name("condition"), reads)  # type: ignore[arg-type]
            a = self.expr(node.child_by_field_name("consequence"), pure, reads)  # type: ignore[arg-type]
            b2 = self.expr(node.child_by_field_name("alternative"), pure, reads)  # type: ignore[arg-type]
            if isinstance(c, Const):
                return a if c.value else b2
            if a.kind != b2.kind and {a.kind, b2.kind} <= {"int", "err", "sint"}:
                x = to_sint(a, self.scalar(a, node))
                y = to_sint(b2, self.scalar(b2, node))
                return Val("sint", E.ite(c, x, y))
            if a.kind != b2.kind:
                raise self.err(node, "the arms of '?:' have different kinds of value")
            return Val(a.kind, E.ite(c, self.scalar(a, node), self.scalar(b2, node)))
        raise self.err(node, f"expression '{self.text(node)}' ({t.replace('_', ' ')}) is not "
                             "in the supported subset")

    def read_shared(self, node: Node, loc: str, reads: list[str] | None) -> Val:
        if reads is None:
            raise self.err(node, f"'{self.text(node)}' reads shared memory where the model "
                                 "cannot place the read (assign it to a local first)")
        if reads and reads[0] != loc:
            raise self.err(node, "more than one access to shared memory in one expression: "
                                 "split it into statements (each access is one atomic step)")
        reads.append(loc)
        return Val(self.kind_of_loc(loc), Var(loc))

    def scalar(self, v: Val, node: Node) -> Expr:
        if v.kind == "ptr" and v.ptr not in (None, "?"):
            return E.const(1)  # a pointer the model places is never NULL
        if v.expr is None:
            raise self.err(node, f"'{self.text(node)}' has no value the model can compute with")
        return v.expr

    def cond(self, node: Node, reads: list[str] | None) -> Expr:
        v = self.expr(node, reads=reads)
        return E.ne(self.scalar(v, node), ZERO)

    def binary(self, node: Node, pure: bool, reads: list[str] | None) -> Val:
        op = self.text(node.child_by_field_name("operator"))  # type: ignore[arg-type]
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        a = self.expr(left, pure, reads)  # type: ignore[arg-type]
        b = self.expr(right, pure, reads)  # type: ignore[arg-type]
        x, y = self.scalar(a, left), self.scalar(b, right)  # type: ignore[arg-type]
        if op in ("&&", "||"):
            f = E.land if op == "&&" else E.lor
            return Val("int", f(E.ne(x, ZERO), E.ne(y, ZERO)))
        if op in ("==", "!=", "<", "<=", ">", ">="):
            if "sint" in (a.kind, b.kind):
                other = b if a.kind == "sint" else a
                z = x if a.kind == "sint" else y
                if other.static != 0 or op not in ("==", "!=", "<", "<=", ">", ">="):
                    raise self.err(node, f"'{op}' of a signed result with a value that is not 0")
                if a.kind != "sint":  # 0 OP z: flip
                    op = {"<": ">", ">": "<", "<=": ">=", ">=": "<="}.get(op, op)
                neg = E.ne(E.band(z, E.const(1)), ZERO)
                zero = E.eq(z, ZERO)
                table = {"==": zero, "!=": E.lnot(zero), "<": neg, ">=": E.lnot(neg),
                         ">": E.land(E.lnot(neg), E.lnot(zero)), "<=": E.lor(neg, zero)}
                return Val("int", table[op])
            if "err" in (a.kind, b.kind):
                # an error value -m is held as m: compare signs, or two error values for ==
                other = b if a.kind == "err" else a
                if op in ("==", "!=") and (a.kind == b.kind or other.static == 0):
                    return Val("int", (E.eq if op == "==" else E.ne)(x, y))
                if other.static == 0 and op in ("<", ">=", ">", "<="):
                    neg = x if a.kind == "err" else y
                    is_neg = E.ne(neg, ZERO)
                    flip = a.kind != "err"
                    table = {"<": is_neg, ">=": E.eq(neg, ZERO), ">": FALSE_, "<=": TRUE}
                    if flip:
                        table = {"<": FALSE_, "<=": E.eq(neg, ZERO), ">": is_neg, ">=": TRUE}
                    return Val("int", table[op])
                raise self.err(node, f"comparison '{op}' of an error value with a value that "
                                     "is not 0")
            f = {"==": E.eq, "!=": E.ne, "<": E.lt, "<=": E.le}.get(op)
            if f is not None:
                return Val("int", f(x, y))
            return Val("int", E.lt(y, x) if op == ">" else E.le(y, x))
        if "err" in (a.kind, b.kind) or "sint" in (a.kind, b.kind):
            raise self.err(node, f"'{op}' on an error value is not supported")
        kind = "word" if "word" in (a.kind, b.kind) else "int"
        if op == "&":
            return Val(kind, E.band(x, y))
        if op == "|":
            return Val(kind, E.bor(x, y))
        if op == "+":
            return Val(kind, E.add(x, y))
        if op == "-":
            return Val(kind, E.sub(x, y))
        if op == ">>" and b.static is not None:
            return Val(kind, E.shr(x, b.static))
        if op == "^" and b.static is not None:
            return Val(kind, E.sub(E.bor(x, y), E.band(x, y)))
        raise self.err(node, f"operator '{op}' is not supported here")

    def args(self, node: Node) -> list[Node]:
        a = node.child_by_field_name("arguments")
        return [c for c in a.named_children if c.type != "comment"] if a else []

    def fname(self, node: Node) -> str:
        f = node.child_by_field_name("function")
        if f is None or f.type != "identifier":
            raise self.err(node, "call through a pointer is not supported")
        return self.text(f)

    def pure_call(self, node: Node, pure: bool, reads: list[str] | None) -> Val:
        fn, args = self.fname(node), self.args(node)
        if fn in ("READ_ONCE", "smp_load_acquire"):
            self.nargs(node, args, 1)
            return self.read_shared(node, self.loc(args[0]), reads)
        if fn == "errseq_counter":
            self.nargs(node, args, 1)
            v = self.expr(args[0], pure, reads)
            return Val("int", self.L.counter(E, self.scalar(v, args[0])))
        if fn == "ovl_upper_mnt":
            return Val("ptr", ptr="mnt")
        if fn == "ovl_should_sync" and fn not in self.cs.helpers:
            return Val("int", E.const(0 if "volatile" in self.cs.mount_options else 1))
        if fn == "sync_filesystem":
            return Val("int", ZERO)
        if fn in self.cs.helpers:
            return self.inline(node, fn, args, pure, reads)
        if fn in PRIMITIVES:
            raise self.err(node, f"'{fn}' accesses shared memory: call it as a statement of "
                                 "its own ('x = {fn}(...);', 'if ({fn}(...))' or "
                                 "'return {fn}(...);')".replace("{fn}", fn))
        raise self.unknown(node, fn)

    def unknown(self, node: Node, fn: str) -> CError:
        return self.err(node.child_by_field_name("function") or node,
                        f"call to unknown function '{fn}' (supported: "
                        f"{', '.join(PRIMITIVES)}, and functions defined in this file)")

    def nargs(self, node: Node, args: list[Node], n: int) -> None:
        if len(args) != n:
            raise self.err(node, f"'{self.fname(node)}' takes {n} argument(s), "
                                 f"not {len(args)}")

    def inline(self, node: Node, fn: str, args: list[Node], pure: bool,
               reads: list[str] | None) -> Val:
        params, body = self.cs.helpers[fn]
        if len(params) != len(args):
            raise self.err(node, f"'{fn}' takes {len(params)} argument(s), not {len(args)}")
        stmts = [c for c in body.named_children if c.type != "comment"]
        if len(stmts) != 1 or stmts[0].type != "return_statement" or not stmts[0].named_children:
            raise self.err(node, f"helper '{fn}' can be inlined in an expression only when "
                                 "its body is one 'return EXPR;'")
        saved = self.env
        inner = _Env(dict(saved.ptrs), dict(saved.vals), saved.pending)
        for p, a in zip(params, args, strict=True):
            v = self.expr(a, pure, reads)
            if v.kind == "ptr":
                inner.ptrs[p] = v.ptr  # type: ignore[assignment]
            else:
                inner.vals[p] = v
        self.env = inner
        try:
            return self.expr(stmts[0].named_children[0], pure, reads)
        finally:
            self.env = saved

    # ---- steps ---------------------------------------------------------------------------
    def flush(self) -> None:
        """Hand the pending local assignments to the next step emitted."""
        if self.env.pending:
            self.b.on_next_step(assigns=dict(self.env.pending))
            self.env.pending = {}

    def fold_pending(self) -> None:
        """Hand the pending local assignments to the steps that reach this point (a return,
        the end of one arm of an if), on the paths that reach it."""
        if self.env.pending:
            if self.b.next_pc == 0:  # nothing reaches it but the start: the first step does it
                self.flush()
                return
            self.b.fold({k: self.after(v) for k, v in self.env.pending.items()})
            self.env.pending = {}

    def assign_local(self, name: str, v: Val) -> None:
        self.env.vals[name] = v
        self.env.pending.pop(name, None)

    def materialize(self, name: str, kind: str) -> Var:
        self.cs.local_kinds[name] = kind
        var = self.local_var(name)
        self.env.vals[name] = Val(kind, var)
        self.env.pending.pop(var.name, None)
        return var

    def subst(self, e: Expr) -> Expr:
        """``e`` with pending locals replaced by their values (nothing pending in a Var)."""
        return e

    def region_u(self, loc: str, emit: Any) -> None:
        if self.call is not None and loc == self.ov.U:
            self.call.region("read-u", emit)
        else:
            emit()

    def label_steps(self, start: int, node: Node) -> None:
        """Prefix the text of the steps emitted since ``start`` with the C statement."""
        line = node.start_point[0] + 1
        code = " ".join(self.text(node).split())
        if node.type in ("if_statement",):
            c = node.child_by_field_name("condition")
            code = f"if {' '.join(self.text(c).split())}" if c else code
        code = code.rstrip(";").rstrip()
        if len(code) > 70:
            code = code[:67] + "..."
        where = f"{self.cs.base}:{line}"
        lk, o = self.ov.lock, self.ov.O
        # the discipline's own steps (its lock, cmpxchg's snapshot) are not the file's
        theirs = {f"lock({lk})", f"unlock({lk})", f"mutex_lock({lk})", f"mutex_unlock({lk})",
                  f"READ_ONCE({o})"}
        for st in self.b.steps_since(start):
            if id(st) in self.wrapped or st.name in theirs:
                continue
            self.wrapped.add(id(st))
            inner = st.text
            st.text = (lambda v, inner=inner, code=code, where=where:
                       f"{code}  [{where}]: {inner(v)}")
            st.name = f"{where}: {st.name}"

    def step_with_reads(self, node: Node, reads: list[str], assigns: dict[str, Expr],
                        what: str, goto: list | None = None) -> None:
        """One step that reads ``reads[0]`` (and does ``assigns``)."""
        loc = reads[0]

        def emit() -> None:
            self.flush()
            self.b.step(f"read({loc})", lambda v: f"{loc} = {v.pre_word(loc)}"
                        if self.cs.is_word(loc, self.ov) else f"{loc} = {v.pre[loc]}",
                        assigns=assigns, goto=goto)
        self.region_u(loc, emit)

    def store(self, target: str, val: Val, v: Expr, reads: list[str], rhs: Node) -> None:
        """A store to shared memory (``WRITE_ONCE``, or a plain assignment): one step; a
        value that reads shared memory (``WRITE_ONCE(O, READ_ONCE(U))``) reads it first,
        in a step of its own, into a temporary."""
        if reads:
            self.tmp += 1
            t = self.materialize(f"_t{self.tmp}", val.kind)
            self.step_with_reads(rhs, reads, {t.name: v}, t.name)
            v = t
        self.flush()
        word = self.cs.is_word(target, self.ov)
        self.b.step(f"WRITE_ONCE({target})",
                    lambda st: f"{target} := {st.post_word(target) if word else st.post[target]}",
                    assigns={target: v})

    def assign(self, node: Node, lhs: Node, rhs: Node) -> None:
        lhs = self.strip(lhs)
        if lhs.type == "identifier" and self.text(lhs) in self.env.ptrs:
            self.env.ptrs[self.text(lhs)] = self.ptr_of(rhs)
            return
        if lhs.type == "identifier":
            name = self.text(lhs)
            if name not in self.cs.locals_declared:
                raise self.err(lhs, f"'{name}' is not declared")
            self.assign_to(node, name, None, rhs)
            return
        self.assign_to(node, None, self.loc(lhs), rhs)

    def inline_stmt(self, node: Node, local: str | None) -> None:
        """A call of a helper defined in the file, inlined: its statements lowered in place,
        each ``return v;`` setting the caller's ``local`` (a signed int) on its path."""
        fn, args = self.fname(node), self.args(node)
        params, body = self.cs.helpers[fn]
        if len(params) != len(args):
            raise self.err(node, f"'{fn}' takes {len(params)} argument(s), not {len(args)}")
        if fn in self.inlining:
            raise self.err(node, f"'{fn}' calls itself: recursion is not supported")
        inner = _Env(dict(self.env.ptrs), {}, self.env.pending)
        for p, a in zip(params, args, strict=True):
            v = self.expr(a)
            if v.kind == "ptr":
                inner.ptrs[p] = v.ptr  # type: ignore[assignment]
            else:
                inner.vals[p] = v
        dest = self.materialize(local, "sint").name if local is not None else None
        saved = (self.env, self.ret_label, self.ret_dest, self.returns)
        end = self.b.label(f"{fn}.return")
        self.env, self.ret_label, self.ret_dest, self.returns = inner, end, dest, []
        self.inlining.add(fn)
        try:
            self.block(body)
            if not self.env.dead and dest is not None:
                raise self.err(body, f"helper '{fn}' can end without a return")
            self.b.here(end)
            envs = self.returns + ([self.env] if not self.env.dead else [])
        finally:
            self.inlining.discard(fn)
            caller, self.ret_label, self.ret_dest, self.returns = saved
        merged = _merge_returns(self, envs)
        caller.pending = merged.pending
        self.env = caller
        if dest is not None and local is not None:
            self.env.vals[local] = Val("sint", Var(dest))

    def assign_to(self, node: Node, local: str | None, shared: str | None, rhs: Node) -> None:
        rhs = self.strip(rhs)
        if (rhs.type == "call_expression" and local is not None
                and self.fname(rhs) in self.cs.helpers and not _one_return(
                    self.cs.helpers[self.fname(rhs)][1])):
            self.inline_stmt(rhs, local)
            return
        if rhs.type == "call_expression" and self.fname(rhs) in _SHARED_CALLS - {
                "READ_ONCE", "smp_load_acquire"}:
            self.effect_call(rhs, local, shared)
            return
        reads: list[str] = []
        v = self.expr(rhs, reads=reads)
        if v.kind == "ptr":
            if local is None:
                raise self.err(rhs, "storing a pointer in shared memory is not modelled")
            self.env.ptrs[local] = v.ptr  # type: ignore[assignment]
            return
        e = self.scalar(v, rhs)
        if shared is not None:
            if shared == self.ov.U:
                raise self.err(node, "the scheme writes upper_sb->s_wb_err directly: only "
                                     "errseq_* calls may change the upper superblock's word")
            self.store(shared, v, e, reads, rhs)
            return
        assert local is not None
        if not reads:
            self.cs.local_kinds[local] = v.kind
            self.env.vals[local] = Val(v.kind, e)
            self.env.pending[self.local_var(local).name] = e
            return
        var = self.materialize(local, v.kind)
        self.step_with_reads(node, reads, {var.name: e}, local)

    def effect_call(self, node: Node, local: str | None, shared: str | None,
                    as_cond: bool = False) -> Var | None:
        """A call that touches shared memory, as a statement or an assignment's value."""
        fn, args = self.fname(node), self.args(node)
        b, L, ov = self.b, self.L, self.ov
        if shared is not None and fn not in ("errseq_sample",):
            raise self.err(node, f"the result of '{fn}' cannot be stored in shared memory "
                                 "here: assign it to a local")

        def dst(kind: str) -> Var | None:
            if local is None:
                if as_cond:
                    self.tmp += 1
                    return self.materialize(f"_c{self.tmp}", kind)
                return None
            return self.materialize(local, kind)

        if fn in ("WRITE_ONCE", "smp_store_release"):
            self.nargs(node, args, 2)
            target = self.loc(args[0])
            if target == ov.U:
                raise self.err(node, "the scheme writes upper_sb->s_wb_err directly: only "
                                     "errseq_* calls may change the upper superblock's word")
            reads: list[str] = []
            val = self.expr(args[1], reads=reads)
            self.store(target, val, self.scalar(val, args[1]), reads, args[1])
            return None
        if fn == "errseq_set":
            self.nargs(node, args, 2)
            word = self.loc(args[0])
            if local is not None or as_cond:
                raise self.err(node, "the value errseq_set returns is not modelled")
            v = self.expr(args[1])
            if v.kind == "sint":
                v = Val("err", errno_of(v, self.scalar(v, args[1])))
            if v.kind != "err":
                raise self.err(args[1], "errseq_set needs a negative errno (-EIO) or an error "
                                        "value: with anything else the kernel WARNs and sets "
                                        "nothing")
            self.flush()
            kernel.errseq_set(b, L, word, self.scalar(v, args[1]))
            return None
        if fn == "errseq_sample":
            self.nargs(node, args, 1)
            word = self.loc(args[0])
            if shared is not None:
                target = Var(shared)
            else:
                d = dst("word")
                if d is None:
                    raise self.err(node, "errseq_sample's result is not used")
                target = d
            self.flush()
            self.region_u(word, lambda: kernel.errseq_peek(
                b, L, word, target, True, " ".join(self.text(node).split())))
            return target if shared is None else None
        if fn == "errseq_check":
            self.nargs(node, args, 2)
            word = self.loc(args[0])
            sreads: list[str] = []
            since = self.expr(args[1], reads=sreads)
            on_cursor = self.call is not None and sreads == [self.call.file.cursor]
            if sreads and not self.cs.stable_field(sreads[0], self.ov) and not (
                    on_cursor and not self.call.cursor_shared):  # type: ignore[union-attr]
                # errseq_check(eseq, since) takes since by value: loaded before eseq is read
                self.tmp += 1
                t = self.materialize(f"_s{self.tmp}", "word")
                self.step_with_reads(args[1], sreads, {t.name: self.scalar(since, args[1])},
                                     t.name)
                since = Val("word", t)
            d = dst("err")
            self.flush()
            what = d.name.split(".")[-1].removeprefix("c_") if d else "_"
            evs = []
            if on_cursor:
                # a lockless check of the file's cursor that finds nothing new ends the
                # call's accounting there (as CallCtx.check_advance_under_f_lock says)
                f = self.call.file  # type: ignore[union-attr]
                quick = E.eq(L.check_ret(E, Var(word), self.scalar(since, args[1])), ZERO)
                evs = [Event("cursor", (("file", f.name), ("layer", f.layer),
                                        ("actor", b.actor), ("ret", ZERO), ("when", quick)))]
            self.region_u(word, lambda: kernel.errseq_check(
                b, L, word, self.scalar(since, args[1]), d,
                "(result)" if what.startswith("_") else what, events=evs))
            return d
        if fn == "errseq_check_and_advance":
            self.nargs(node, args, 2)
            word, cur = self.loc(args[0]), self.loc(args[1])
            d = dst("err")
            if d is None:
                self.tmp += 1
                d = self.materialize(f"_r{self.tmp}", "err")
            self.flush()
            if self.call is not None and cur == self.call.file.cursor:
                f = self.call.file
                self.region_u(word, lambda: kernel.check_and_advance(
                    b, L, word, cur, d, self.call.cursor_shared, f.name, f.layer))  # type: ignore[union-attr]
            else:
                shared = ov.fields_shared if cur.startswith(ov.ofs + ".") else True
                self.region_u(word, lambda: kernel.check_and_advance(
                    b, L, word, cur, d, shared, None, "U"))
            return d
        if fn in ("spin_lock", "spin_unlock", "mutex_lock", "mutex_unlock"):
            self.nargs(node, args, 1)
            lock = self.loc(args[0])
            self.flush()
            getattr(kernel, fn)(b, lock)
            self.cs.locks_used.add(lock.split(".", 1)[-1])
            return None
        raise self.unknown(node, fn)

    # ---- statements ----------------------------------------------------------------------
    def block(self, node: Node) -> None:
        for c in node.named_children:
            self.stmt(c)

    def stmt(self, node: Node) -> None:
        t = node.type
        if t == "comment":
            return
        if self.env.dead:
            return
        start = self.b.next_pc
        if self.call is None and t == "expression_statement" and not _touches_errseq(node):
            self.cs.note(node, "statement of ovl_fill_super ignored (no errseq_t in it)")
            return
        if t == "compound_statement":
            self.block(node)
            return
        if t == "declaration":
            self.declaration(node)
        elif t == "expression_statement":
            if not node.named_children:
                return
            e = self.strip(node.named_children[0])
            if e.type == "assignment_expression":
                op = self.text(e.child_by_field_name("operator"))  # type: ignore[arg-type]
                if op != "=":
                    raise self.err(e, f"compound assignment '{op}' is not supported: write "
                                      "'x = x OP y'")
                self.assign(e, e.child_by_field_name("left"),  # type: ignore[arg-type]
                            e.child_by_field_name("right"))  # type: ignore[arg-type]
            elif e.type == "call_expression":
                self.call_stmt(e)
            else:
                raise self.err(e, f"statement '{self.text(e)}' has no effect the model knows")
        elif t == "if_statement":
            self.if_stmt(node)
            return
        elif t == "return_statement":
            self.return_stmt(node)
        elif t == "goto_statement" and self.call is None and self.ret_label is not None:
            # ovl_fill_super's error exits (goto out_err): the mount is refused there
            self.cs.note(node, "goto in ovl_fill_super: a failed mount, which ends the "
                               "mount code")
            self.env.pending = {}
            self.returns.append(self.env.copy())
            self.env.dead, self.env.jump = True, self.ret_label
        elif t == "goto_statement":
            raise self.err(node, "goto is not supported yet")
        elif t in ("for_statement", "while_statement", "do_statement"):
            raise self.err(node, f"loop ('{t.split('_')[0]}') is not supported: the model "
                                 "needs a bound it can see (unroll it)")
        elif t == "labeled_statement":
            # a label no goto can reach (goto is refused): its statement, as written
            inner = [c for c in node.named_children if c.type != "statement_identifier"]
            for c in inner:
                self.stmt(c)
            return
        else:
            raise self.err(node, f"{t.replace('_', ' ')} is not in the supported subset")
        self.label_steps(start, node)

    def call_stmt(self, e: Node) -> None:
        fn = self.fname(e)
        if fn in ("pr_err", "pr_warn", "pr_info", "pr_debug", "pr_notice", "WARN_ON",
                  "WARN_ON_ONCE"):
            self.cs.note(e, f"{fn}() is a no-op in the model")
            return
        if fn in self.cs.helpers and not _one_return(self.cs.helpers[fn][1]):
            self.inline_stmt(e, None)
            return
        if fn in ("spin_lock_init", "mutex_init"):
            self.cs.note(e, f"{fn}(): the lock starts released")
            return
        if fn in ("down_read", "up_read", "might_sleep"):
            self.cs.note(e, f"{fn}() is a no-op in the model (readers of s_umount do not "
                            "exclude each other)")
            return
        if fn == "sync_filesystem":
            self.start_body(e)
            return
        if fn in _SHARED_CALLS:
            self.effect_call(e, None, None)
            return
        if fn in self.cs.helpers or fn in PRIMITIVES:
            raise self.err(e, f"the value of '{fn}' is unused: the call has no effect")
        raise self.unknown(e, fn)

    def declaration(self, node: Node) -> None:
        ty = node.child_by_field_name("type")
        tyname = self.text(ty) if ty else ""
        for d in node.children_by_field_name("declarator"):
            init = None
            if d.type == "init_declarator":
                init = d.child_by_field_name("value")
                d = d.child_by_field_name("declarator")  # type: ignore[assignment]
            is_ptr = d.type == "pointer_declarator"
            while d.type == "pointer_declarator":
                d = d.child_by_field_name("declarator")  # type: ignore[assignment]
            if d.type != "identifier":
                raise self.err(d, "this declarator is not supported")
            name = self.text(d)
            if is_ptr:
                if init is not None:
                    self.env.ptrs[name] = self.ptr_of(init)
                elif tyname == "struct ovl_fs":
                    self.env.ptrs[name] = "ofs"  # there is one ovl_fs: the overlay's
                else:
                    self.env.ptrs.setdefault(name, "?")
                continue
            self.cs.locals_declared.add(name)
            self.cs.local_kinds.setdefault(name, "word" if tyname == "errseq_t" else "int")
            if init is not None:
                self.assign_to(node, name, None, init)

    def start_body(self, node: Node) -> None:
        """``sync_filesystem(upper_sb)``: the upper fs syncs (no step); what follows is the
        body region."""
        self.body_from = node

    def if_stmt(self, node: Node) -> None:
        start = self.b.next_pc
        cnode = self.strip(node.child_by_field_name("condition"))  # type: ignore[arg-type]
        cons = node.child_by_field_name("consequence")
        alt = node.child_by_field_name("alternative")
        if alt is not None and alt.type == "else_clause":
            alt = alt.named_children[0] if alt.named_children else None
        neg = False
        inner = cnode
        if inner.type == "unary_expression" and self.text(inner).startswith("!"):
            neg, inner = True, self.strip(inner.child_by_field_name("argument"))  # type: ignore[arg-type]
        if inner.type == "call_expression" and self.fname(inner) in _SHARED_CALLS:
            d = self.effect_call(inner, None, None, as_cond=True)
            assert d is not None
            self.label_steps(start, node)
            c = E.ne(d, ZERO)
            if neg:
                c = E.lnot(c)
            reads: list[str] = []
        else:
            reads = []
            c = self.cond(cnode, reads)
        else_l = self.b.label(f"else@{node.start_point[0] + 1}")
        end_l = self.b.label(f"endif@{node.start_point[0] + 1}")
        if isinstance(c, Const) and not reads:
            self.stmt(cons) if c.value else (self.stmt(alt) if alt is not None else None)  # type: ignore[arg-type]
            return
        if reads:
            self.step_with_reads(cnode, reads, {}, "if", goto=[(E.lnot(c), else_l)])
            self.label_steps(start, node)
        else:
            self.b.branch(E.lnot(self.after(c)), else_l)
        before = self.env.copy()
        self.stmt(cons)  # type: ignore[arg-type]
        if not self.env.dead and self.env.pending != before.pending:
            self.fold_pending()
        then_env = self.env
        if alt is not None and not then_env.dead:
            self.b.branch(TRUE, end_l)
        if then_env.dead and then_env.jump is not None:
            self.b.branch(TRUE, then_env.jump)  # code follows the return: jump over it
            then_env.jump = None
        self.b.here(else_l)
        self.env = before.copy()
        if alt is not None:
            self.stmt(alt)
            if not self.env.dead and (self.env.pending != before.pending
                                      or then_env.pending != before.pending):
                self.fold_pending()
            if self.env.dead and self.env.jump is not None and not then_env.dead:
                self.b.branch(TRUE, self.env.jump)
                self.env.jump = None
        self.b.here(end_l)
        self.env = self.join(node, then_env, self.env)

    def after(self, e: Expr) -> Expr:
        """``e`` over the state after the reaching step (a folded local branch)."""
        if isinstance(e, Var):
            return After(e.name)  # type: ignore[return-value]
        if isinstance(e, Op):
            return Op(e.op, tuple(self.after(a) for a in e.args), e.k)
        return e

    def join(self, node: Node, a: _Env, b: _Env) -> _Env:
        if a.dead:
            return b
        if b.dead:
            return a
        out = a.copy()
        for k in set(a.pending) | set(b.pending):
            if a.pending.get(k) != b.pending.get(k):
                raise self.err(node, f"'{k.split('.')[-1]}' gets a different value on each "
                                     "path of this if with no shared access after it: not "
                                     "supported yet (assign it before the if)")
        for k in set(a.vals) | set(b.vals):
            if repr(a.vals.get(k)) != repr(b.vals.get(k)):
                out.vals.pop(k, None)
                if k in self.cs.locals_declared and k in a.vals and k in b.vals:
                    kind = a.vals[k].kind
                    out.vals[k] = Val(kind, self.local_var(k)) if isinstance(
                        a.vals[k].expr, Var) and isinstance(b.vals[k].expr, Var) else None  # type: ignore[assignment]
                    if out.vals[k] is None:
                        raise self.err(node, f"'{k}' gets a value without a step on one path "
                                             "of this if: not supported yet")
        return out

    def return_stmt(self, node: Node) -> None:
        if node.named_children:
            rn = self.strip(node.named_children[0])
            if rn.type == "call_expression" and self.fname(rn) in _SHARED_CALLS:
                d = self.effect_call(rn, None, None, as_cond=True)
                v = Val("err", d)
            else:
                v = self.expr(rn)
            if v.kind == "ptr":
                v = Val("int", self.scalar(v, rn))
            if self.ret_dest is not None:  # an inlined helper: its caller's local gets it
                self.env.pending[self.ret_dest] = to_sint(v, self.scalar(v, rn))
            elif self.call is not None and self.result_is_syscalls:
                # f_op->syncfs: its result is the syscall's (the VFS returns it as is)
                self.env.pending[self.call.ret.name] = errno_of(v, self.scalar(v, rn))
            elif self.call is not None and not (v.kind == "int" and v.static is not None
                                                 and v.static >= 0):
                self.env.pending[self.call.sret.name] = errno_of(v, self.scalar(v, rn))
        if self.ret_label is None:
            raise self.err(node, "return here is not supported")
        if self.ret_dest is None:
            # the function's locals die here: only its result goes on
            keep = {self.call.sret.name, self.call.ret.name} if self.call is not None else set()
            self.env.pending = {k: v for k, v in self.env.pending.items() if k in keep}
        self.fold_pending()
        self.returns.append(self.env.copy())
        self.env.dead = True
        self.env.jump = self.ret_label


FALSE_ = Const(0)


def to_sint(v: Val, e: Expr) -> Expr:
    """A value as a signed int, held zigzag: v >= 0 as 2v, -m as 2m - 1 (a helper that
    returns 1, 0 or a negative errno, like ovl_sync_status)."""
    if v.kind == "sint":
        return e
    if v.kind == "err":
        return E.ite(E.eq(e, ZERO), ZERO, E.sub(E.add(e, e), E.const(1)))
    return E.add(e, e)


def errno_of(v: Val, e: Expr) -> Expr:
    """The positive errno a value stands for if it is negative, else 0."""
    if v.kind == "err":
        return e
    if v.kind == "sint":
        return E.ite(E.ne(E.band(e, E.const(1)), ZERO), E.shr(E.add(e, E.const(1)), 1), ZERO)
    return ZERO


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
        self.c_locals: set[str] = set()
        self.sync_fs_fn: Node | None = None
        self.syncfs_fn: Node | None = None  # f_op->syncfs (V. Goyal v2): replaces the VFS path
        self.check_fn: Node | None = None  # s_op->errseq_check_advance (V. Goyal v3)
        self.open_upper = False  # the open path samples U into f_sb_err (V. Goyal v3)
        self.fill_super_fn: Node | None = None
        self.summary = f"C scheme {self.base}"  # type: ignore[misc]
        self.provenance = f"{path}"  # type: ignore[misc]
        self.by_design = frozenset()  # type: ignore[misc]
        self._parse()
        self.ofs_fields = tuple(  # type: ignore[misc]
            (f, f"struct ovl_fs: {t} {f} ({self.base})", t == "errseq_t")
            for f, t in self.fields.items())
        self._probe()

    # ---- diagnostics ---------------------------------------------------------------------
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

    # ---- parsing -------------------------------------------------------------------------
    def _parse(self) -> None:
        tree = Parser(_LANG).parse(self.source)
        root = tree.root_node
        if root.has_error:
            bad = _first_error(root)
            near = bad.text.decode()[:30].splitlines()[0] if bad.text else ""
            what = (f"expected '{bad.type}'" if bad.is_missing else
                    f"syntax error near '{near}'")
            raise self.error(bad, what)
        for item in root.named_children:
            self._top(item)
        if self.sync_fs_fn is None and self.syncfs_fn is None:
            raise CError(self.path, self.source, 0, 0,
                         "no 'ovl_sync_fs(struct super_block *sb, int wait)' (nor an "
                         "f_op->syncfs 'ovl_syncfs(struct file *file)') in this file")

    def _top(self, item: Node) -> None:
        t = item.type
        if t == "comment":
            return
        if t == "function_definition":
            d = item.child_by_field_name("declarator")
            while d is not None and d.type == "pointer_declarator":
                d = d.child_by_field_name("declarator")
            if d is None or d.type != "function_declarator":
                raise self.error(item, "function definition not understood")
            name = d.child_by_field_name("declarator").text.decode()  # type: ignore[union-attr]
            params = []
            plist = d.child_by_field_name("parameters")
            for p in plist.named_children if plist else []:
                if p.type != "parameter_declaration":
                    continue
                pd = p.child_by_field_name("declarator")
                while pd is not None and pd.type == "pointer_declarator":
                    pd = pd.child_by_field_name("declarator")
                if pd is not None:
                    params.append(pd.text.decode())
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
        fn = _Fn(self, b, ov, None, 1)
        fn.env.ptrs.update({"sb": "sb", "ofs": "ofs"})
        fn.ret_label = b.label("ovl_fill_super.end")
        for st in _statements(self.fill_super_fn):
            if _touches_errseq(st):
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
            fn = _Fn(self, call.b, call.ov, call, 1)
            fn.result_is_syscalls = True
            fn.env.ptrs.update({"sb": "sb", "file": "file"})
            end = call.b.label("errseq_check_advance.end")
            fn.ret_label = end
            for st in self.check_fn.named_children:
                fn.stmt(st)
            call.b.here(end)
            envs = fn.returns + ([fn.env] if not fn.env.dead else [])
            fn.env = _merge_returns(fn, envs)
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
        fn = _Fn(self, b, call.ov, call, wait)
        fn.env.ptrs.update(ptrs or {"sb": "sb"})
        fn.ret_label = end
        fn.body_from = None  # type: ignore[attr-defined]
        stmts = [s for s in body_fn.named_children if s.type != "comment"]
        # the body region: from the first statement that touches shared memory (through
        # the helpers it calls), but not before sync_filesystem(upper_sb) if that comes first
        touches = [_touches_shared(s, self.helpers) for s in stmts]
        first = next((i for i, t in enumerate(touches) if t), len(stmts))
        sync = next((i + 1 for i, s in enumerate(stmts) if _calls(s, "sync_filesystem")),
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
        if any(_touches_shared(s, self.helpers) for s in tail) and not fn.env.dead:
            body_end = b.label("body.end")

            def body() -> None:
                fn.ret_label = body_end
                for s in tail:
                    fn.stmt(s)
                b.here(body_end)
                envs = fn.returns + ([fn.env] if not fn.env.dead else [])
                fn.env = _merge_returns(fn, envs)
                fn.returns = []
                fn.flush()

            call.region("body", body)
        else:
            for s in tail:
                fn.stmt(s)
        fn.ret_label = end
        for s in after:
            fn.stmt(s)
        b.here(end)
        envs = fn.returns + ([fn.env] if not fn.env.dead else [])
        fn.env = _merge_returns(fn, envs)
        fn.flush()
        self.c_locals |= {n.split(".", 1)[1] for n in b.locals
                          if n.split(".", 1)[1].startswith("c_")}

    def finish_actor(self, actor: Actor) -> Actor:
        """Zero each C local at the step after which it is dead (see the module)."""
        names = {f"{actor.name}.{n}" for n in self.c_locals}
        return clear_dead(actor, names)


def _merge_returns(fn: _Fn, envs: list[_Env]) -> _Env:
    if not envs:
        e = _Env()
        e.dead = True
        return e
    out = envs[0].copy()
    for other in envs[1:]:
        for k in set(out.pending) | set(other.pending):
            if out.pending.get(k) != other.pending.get(k):
                raise fn.cs.error(fn.cs.sync_fs_fn, "the returns of ovl_sync_fs give "  # type: ignore[arg-type]
                                  "different values with no shared access after them: "
                                  "not supported yet")
    out.dead = False
    return out


def _one_return(body: Node) -> bool:
    stmts = [c for c in body.named_children if c.type != "comment"]
    return len(stmts) == 1 and stmts[0].type == "return_statement"


def _first_error(n: Node) -> Node:
    for c in n.children:
        if c.type == "ERROR" or c.is_missing:
            return c
        if c.has_error:
            return _first_error(c)
    return n


def _statements(body: Node) -> list[Node]:
    """The statements of a function body, flattened through blocks and ifs (mount code is
    read for its errseq lines only)."""
    out: list[Node] = []
    for c in body.named_children:
        if c.type == "compound_statement":
            out += _statements(c)
        elif c.type == "comment":
            continue
        else:
            out.append(c)
    return out


def _walk(n: Node):
    yield n
    for c in n.children:
        yield from _walk(c)


def _calls(n: Node, fn: str) -> bool:
    return any(x.type == "call_expression" and x.child_by_field_name("function") is not None
               and x.child_by_field_name("function").text.decode() == fn  # type: ignore[union-attr]
               for x in _walk(n))


def _touches_errseq(n: Node) -> bool:
    text = n.text.decode() if n.text else ""
    return "s_wb_err" in text or "errseq" in text


def _touches_shared(n: Node, helpers: dict | None = None, seen: frozenset = frozenset()
                    ) -> bool:
    for x in _walk(n):
        if x.type == "call_expression":
            f = x.child_by_field_name("function")
            name = f.text.decode() if f is not None else ""
            if name in _SHARED_CALLS:
                return True
            if helpers and name in helpers and name not in seen and _touches_shared(
                    helpers[name][1], helpers, seen | {name}):
                return True
        if x.type == "field_expression":
            fld = x.child_by_field_name("field")
            if fld is not None and fld.text.decode() == "s_wb_err":
                return True
    return False


def clear_dead(actor: Actor, names: set[str]) -> Actor:
    """``actor`` with each variable of ``names`` set to 0 by every step after which it is
    dead on the path taken (liveness over the step graph)."""
    steps = actor.steps
    n = len(steps)
    reads: list[set[str]] = []
    for s in steps:
        r = set(s.reads)
        for ev in s.events:
            for _, v in ev.args:
                if isinstance(v, (Var, Op, Const)):
                    r |= variables(v)
        reads.append(r & names)
    writes = [set(s.writes) & names for s in steps]
    live_in: list[set[str]] = [set() for _ in range(n + 1)]
    changed = True
    while changed:
        changed = False
        for i in range(n - 1, -1, -1):
            out: set[str] = set()
            for _, t in steps[i].goto:
                out |= live_in[t] if t < n else set()
            new = reads[i] | (out - writes[i])
            if new != live_in[i]:
                live_in[i], changed = new, True
    new_steps = []
    for i, s in enumerate(steps):
        assigns = dict(s.assigns)
        for v in names:
            if v not in live_in[i] and v not in writes[i]:
                continue
            val = assigns.get(v, Var(v))
            targets = [(c, t < n and v in live_in[t]) for c, t in s.goto]
            if all(keep for _, keep in targets):
                continue
            if not any(keep for _, keep in targets):
                assigns[v] = ZERO
                continue
            e: Expr = val if targets[-1][1] else ZERO
            for c, keep in reversed(targets[:-1]):
                e = E.ite(c, val if keep else ZERO, e)
            assigns[v] = e
        new_steps.append(dataclasses.replace(s, assigns=tuple(sorted(assigns.items()))))
    return Actor(actor.name, actor.role, actor.doc, tuple(new_steps))


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


__all__ = ["CScheme", "load_scheme", "is_c_path", "clear_dead", "StepView"]
