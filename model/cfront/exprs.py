"""Expressions: C values with no step of their own.

Names map to the world by what they are: ``X->s_wb_err`` is U when ``X`` is the upper
superblock however it was obtained (``ovl_upper_mnt(ofs)->mnt_sb``, a local holding it),
O when ``X`` is the overlay's ``sb``; ``ofs->F`` (``ofs = sb->s_fs_info``) is the field ``F``
declared in the file's ``struct ovl_fs``.  Pointers are bound when they are declared and
cost no step.  A plain read of shared memory in an expression is recorded, not emitted:
the statement that consumes the value emits the one step that reads it.  Helpers whose
body is one ``return EXPR;`` are inlined here."""

from __future__ import annotations

from tree_sitter import Node

from model.cfront.diag import CError
from model.cfront.steps import FnBase
from model.cfront.syntax import PRIMITIVES
from model.cfront.values import FALSE_, Env, Val, to_sint
from model.errseq import ERRNO_NUMBERS
from model.expr import TRUE, ZERO, Const, E, Expr, Var

#: ``struct ovl_config``'s paths, not flags: always given to the model's overlay
CONFIG_PATHS = ("lowerdir", "upperdir", "workdir")


class ExprLowering(FnBase):
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
            if base == "ofs" and f in CONFIG_PATHS:
                self.cs.note(node, f"ofs->config.{f} is set (the model's overlay has an upper "
                                   "and a work dir)")
                return Val("int", E.const(1))
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
            if n == "ERRSEQ_MUSTINC" and self.cs.mustinc:
                return Val("int", E.const(self.L.mustinc_flag))
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
        if fn == "OVL_FS":
            # fs/overlayfs/ovl_entry.h (v6.5 on): OVL_FS(sb) is sb->s_fs_info
            self.nargs(node, args, 1)
            return Val("ptr", ptr="ofs")
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
        if fn in ("ovl_sync_fs", "ovl_syncfs", "ovl_errseq_check_advance", "ovl_fill_super"):
            return self.err(node.child_by_field_name("function") or node,
                            f"call to '{fn}', which the VFS calls: a hook cannot be called "
                            "from the scheme's own code (recursion is not supported)")
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
        inner = Env(dict(saved.ptrs), dict(saved.vals), saved.pending)
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

