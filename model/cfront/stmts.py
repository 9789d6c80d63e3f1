"""Statements and control flow: declarations, assignments, ``if``/``else``, ``return``,
``goto`` forward to a label, ``for``/``while``/``do`` with a constant bound (unrolled, with
``break``/``continue``), helpers inlined as statements, and the joins of the environments
of the paths that meet.

A ``goto`` (like a ``return``) folds the path's pending locals into the steps that reach it
and leaves the path dead; the label revives it, joined with the path falling into it.  A
loop's condition must be a constant at each iteration (a counter over constants: ``for (i =
0; i < 2; i++)``); anything else is an unbounded loop, refused with its own message.

:class:`Fn` is one lowering of one function body (the mount code, or one ``->sync_fs``
call) into a builder."""

from __future__ import annotations

from tree_sitter import Node

from model.cfront.diag import CError
from model.cfront.prims import PrimLowering
from model.cfront.syntax import SHARED_CALLS, one_return, touches_errseq
from model.cfront.values import Env, Val, errno_of, to_sint
from model.expr import TRUE, ZERO, Const, E, Expr, Var
from model.ir import Label

#: the most iterations a loop is unrolled to (its bound must be a constant below it)
MAX_UNROLL = 64


class Fn(PrimLowering):
    """One lowering of one function body into a builder (mount, or one ->sync_fs call)."""

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
        inner = Env(dict(self.env.ptrs), {}, self.env.pending)
        for p, a in zip(params, args, strict=True):
            v = self.expr(a)
            if v.kind == "ptr":
                inner.ptrs[p] = v.ptr  # type: ignore[assignment]
            else:
                inner.vals[p] = v
        known = self.const_result(body, inner)
        if known is not None:
            # the result follows from constants alone (a mount option, ``wait``): no step,
            # and the caller's tests of it fold (ovl_sync_status on a non-volatile mount)
            if local is not None:
                self.env.vals[local] = known
                self.env.pending.pop(self.local_var(local).name, None)
            return
        dest = self.materialize(local, "sint").name if local is not None else None
        saved = (self.env, self.ret_label, self.ret_dest, self.returns)
        jumps = (self.labels, self.placed, self.gotos, self.loops)
        end = self.b.label(f"{fn}.return")
        self.env, self.ret_label, self.ret_dest, self.returns = inner, end, dest, []
        self.labels, self.placed, self.gotos, self.loops = {}, set(), {}, []
        self.inlining.add(fn)
        try:
            self.block(body)
            self.check_gotos()
            if not self.env.dead and dest is not None:
                raise self.err(body, f"helper '{fn}' can end without a return")
            self.b.here(end)
            envs = self.returns + ([self.env] if not self.env.dead else [])
        finally:
            self.inlining.discard(fn)
            caller, self.ret_label, self.ret_dest, self.returns = saved
            self.labels, self.placed, self.gotos, self.loops = jumps
        merged = merge_returns(self, envs)
        caller.pending = merged.pending
        self.env = caller
        if dest is not None and local is not None:
            self.env.vals[local] = Val("sint", Var(dest))

    def const_result(self, body: Node, env: Env) -> Val | None:
        """The value a helper returns when its path to a ``return`` is decided by constants
        alone and the returned value is a constant; None when it is not (or when anything
        on the way does more than test constants)."""
        saved = self.env
        self.env = env.copy()
        try:
            for st in body.named_children:
                while True:
                    if st.type == "comment" or (st.type == "declaration"
                                                and not _has_init(st)):
                        st = None  # type: ignore[assignment]
                        break
                    if st.type == "compound_statement":
                        return self.const_result(st, self.env)
                    if st.type == "if_statement":
                        c = self.cond(st.child_by_field_name("condition"), None)  # type: ignore[arg-type]
                        if not isinstance(c, Const):
                            return None
                        alt = st.child_by_field_name("alternative")
                        if alt is not None and alt.type == "else_clause":
                            alt = alt.named_children[0] if alt.named_children else None
                        st = st.child_by_field_name("consequence") if c.value else alt  # type: ignore[assignment]
                        if st is None:
                            break
                        continue
                    if st.type == "return_statement" and st.named_children:
                        v = self.expr(st.named_children[0], pure=True)
                        return v if v.static is not None and v.kind in ("int", "err") else None
                    return None
            return None
        except CError:
            return None
        finally:
            self.env = saved

    def assign_to(self, node: Node, local: str | None, shared: str | None, rhs: Node) -> None:
        rhs = self.strip(rhs)
        if (rhs.type == "call_expression" and local is not None
                and self.fname(rhs) in self.cs.helpers and not one_return(
                    self.cs.helpers[self.fname(rhs)][1])):
            self.inline_stmt(rhs, local)
            return
        if rhs.type == "call_expression" and self.fname(rhs) in SHARED_CALLS - {
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


    # ---- statements ----------------------------------------------------------------------
    def block(self, node: Node) -> None:
        for c in node.named_children:
            self.stmt(c)

    def stmt(self, node: Node) -> None:
        t = node.type
        if t == "comment":
            return
        if t == "labeled_statement" and self.call is not None:
            # a goto's target: the paths that jump to it meet the one falling into it
            lab = node.child_by_field_name("label")
            self.place_label(node, self.text(lab))  # type: ignore[arg-type]
            for c in node.named_children:
                if c.type != "statement_identifier":
                    self.stmt(c)
            return
        if self.env.dead:
            return
        start = self.b.next_pc
        if self.call is None and t in ("expression_statement", "if_statement") and not (
                touches_errseq(node) or self.binds_pointer(node)):
            # mount code the model has no use for (its error exits: the mount succeeds)
            self.cs.note(node, "statement of ovl_fill_super ignored (no errseq_t in it)")
            return
        if self.call is None and not touches_errseq(node) and self.binds_pointer(node):
            self.mount_pointer(node)
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
            if e.type == "update_expression":
                self.update(e)
            elif e.type == "assignment_expression":
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
        elif t == "goto_statement" and self.call is not None:
            self.jump(node, self.text(node.child_by_field_name("label")))  # type: ignore[arg-type]
        elif t in ("break_statement", "continue_statement") and self.call is not None:
            if not self.loops:
                raise self.err(node, f"'{t.split('_')[0]}' outside a loop")
            brk, cont = self.loops[-1]
            self.jump(node, brk if t == "break_statement" else cont)
        elif t in ("for_statement", "while_statement", "do_statement") and (
                self.call is not None):
            self.loop(node)
            return
        elif t in ("goto_statement", "for_statement", "while_statement", "do_statement"):
            raise self.err(node, f"{t.split('_')[0]} in ovl_fill_super is not supported "
                                 "(only its error exits, goto out_err)")
        elif t == "labeled_statement":
            # mount code: a label, as written (its gotos end the mount)
            inner = [c for c in node.named_children if c.type != "statement_identifier"]
            for c in inner:
                self.stmt(c)
            return
        else:
            raise self.err(node, f"{t.replace('_', ' ')} is not in the supported subset")
        self.label_steps(start, node)


    # ---- goto, labels, bounded loops -----------------------------------------------------
    def jump(self, node: Node, name: str) -> None:
        """``goto name;`` (or a loop's ``break``/``continue``): forward only.  The path goes
        dead; its environment waits for the label (:meth:`place_label`), which fills in
        the assignments the join needs on this path where its jump is emitted."""
        if name in self.placed:
            raise self.err(node, f"goto '{name}' jumps backward: a loop the model cannot "
                                 "bound (only forward gotos are supported; write the loop "
                                 "as a for with a constant bound)")
        hold: dict = {}
        env = self.env.copy()
        env.hold = hold
        self.gotos.setdefault(name, []).append((env, node, self.segment))
        self.env.dead, self.env.jump, self.env.hold = True, self.label_for(name), hold

    def emit_jump(self, env: Env) -> None:
        """The branch of a dead path to its return's or goto's label, now that code follows
        it (a goto's comes with the slot its label's join fills)."""
        if env.hold is not None:
            env.hold["slot"] = self.b.fold_slot()
        self.b.branch(TRUE, env.jump)  # type: ignore[arg-type]
        env.jump, env.hold = None, None

    def label_for(self, name: str) -> Label:
        if name not in self.labels:
            self.labels[name] = self.b.label(name)
        return self.labels[name]

    def place_label(self, node: Node, name: str) -> None:
        """``name:``: the paths that jump here meet the one falling in.  A local with the
        same value on every path keeps it (a constant stays a constant); one that differs
        is set on each path where it leaves (its jump, or just before the label) and is its
        variable from here on."""
        if name in self.placed:
            raise self.err(node, f"label '{name}' is defined twice")
        self.placed.add(name)
        lab = self.label_for(name)
        arrivals = self.gotos.pop(name, [])
        for _, g, seg in arrivals:
            if seg != self.segment:
                raise self.err(g, f"goto '{name}' crosses the edge of the body region a "
                                  "discipline wraps (it starts at the first statement that "
                                  "touches shared memory): move the label or the goto")
        if not arrivals and self.env.dead:
            return  # no goto reaches it and nothing falls in: dead code, the path stays dead
        if self.env.dead and self.env.jump is not None and self.env.jump is not lab:
            self.emit_jump(self.env)  # the path before the label jumps over it
        self.env.jump, self.env.hold = None, None
        paths: list[tuple[Env, dict | None]] = []
        for env, _, _ in arrivals:
            paths.append((env, env.hold.get("slot") if env.hold is not None else None))
        if not self.env.dead:
            paths.append((self.env, None))
        if len(paths) == 1:
            out = paths[0][0].copy()
            if paths[0][1] is not None:  # only a jump reaches it: its path, as it left
                paths[0][1].update({k: self.after(v) for k, v in out.pending.items()})
                out.pending = {}
        else:
            out = self.join_paths(node, name, paths)
        self.b.here(lab)
        out.dead, out.jump, out.hold = False, None, None
        self.env = out

    def join_paths(self, node: Node, name: str, paths: list[tuple[Env, dict | None]]) -> Env:
        envs = [e for e, _ in paths]
        pend = {k for e in envs for k in e.pending
                if len({repr(x.pending.get(k)) for x in envs}) > 1}
        names = {n for e in envs for n in e.vals
                 if len({repr(x.vals.get(n)) for x in envs}) > 1}
        out = envs[0].copy()
        signed: set[str] = set()  # locals that are 0 on one path and -EIO on another
        for n in names:
            out.vals.pop(n, None)
            if n not in self.cs.locals_declared:
                continue
            kinds = {e.vals[n].kind for e in envs if n in e.vals}
            if len(kinds) > 1 and kinds <= {"int", "err", "sint"}:
                kinds = {"sint"}
                signed.add(self.local_var(n).name)
            if len(kinds) > 1:
                raise self.err(node, f"'{n}' holds different kinds of value on the paths "
                                     f"that meet at label '{name}'")
            kind = kinds.pop()
            self.cs.local_kinds[n] = kind
            q = self.local_var(n)
            pend.add(q.name)
            out.vals[n] = Val(kind, q)
        direct: dict = {}
        for env, slot in paths:
            assigns = {}
            for k in pend:
                n = k.split(".", 1)[-1].removeprefix("c_")
                v = env.vals.get(n)
                if k in signed:
                    if v is not None and v.expr is not None:
                        assigns[k] = self.after(to_sint(v, v.expr))
                    continue
                if k in env.pending:
                    assigns[k] = self.after(env.pending[k])
                    continue
                if v is not None and v.expr is not None and v.expr != Var(k):
                    assigns[k] = self.after(v.expr)
            if slot is not None:
                slot.update(assigns)
            else:
                direct = assigns
        for k in pend:
            out.pending.pop(k, None)
        if direct:
            self.b.fold(direct)  # the path falling in, before the label
        return out

    def check_gotos(self) -> None:
        """Every goto found its label (called when a function's lowering ends)."""
        for name, arrivals in self.gotos.items():
            raise self.err(arrivals[0][1], f"label '{name}' is not defined in this function "
                                           "after the goto")

    def loop(self, node: Node) -> None:
        """A ``for``/``while``/``do`` whose bound the model can see, unrolled: its condition
        must be a constant at every iteration (a counter over constants), and it must end
        within :data:`MAX_UNROLL` iterations."""
        t = node.type
        kind = t.split("_")[0]
        self.nloops += 1
        tag = f"{kind}@{node.start_point[0] + 1}#{self.nloops}"
        cond = node.child_by_field_name("condition")
        if t == "for_statement":
            init = node.child_by_field_name("initializer")
            if init is not None:
                if init.type == "declaration":
                    self.declaration(init)
                else:
                    self.expr_effect(init)
        body = node.child_by_field_name("body")
        update = node.child_by_field_name("update") if t == "for_statement" else None
        brk = f"{tag}.break"
        for i in range(MAX_UNROLL + 1):
            if self.env.dead:
                break
            if t != "do_statement" or i > 0:
                c = ZERO if cond is None and t != "for_statement" else (
                    E.const(1) if cond is None else self.loop_cond(node, kind, cond))
                if not isinstance(c, Const):
                    raise self.err(cond or node, f"unbounded loop ('{kind}'): its condition "
                                   f"'{' '.join(self.text(cond).split())}' is not a constant "  # type: ignore[arg-type]
                                   "the model can see (unroll it, or bound it with a "
                                   "constant counter)")
                if not c.value:
                    break
            if i == MAX_UNROLL:
                raise self.err(node, f"unbounded loop ('{kind}'): it does not end within "
                                     f"{MAX_UNROLL} iterations (a retry loop the model "
                                     "cannot bound; unroll it)")
            cont = f"{tag}.continue{i}"
            self.loops.append((brk, cont))
            try:
                self.stmt(body)  # type: ignore[arg-type]
            finally:
                self.loops.pop()
            self.place_label(node, cont)
            if update is not None and not self.env.dead:
                self.expr_effect(update)
        self.place_label(node, brk)

    def loop_cond(self, node: Node, kind: str, cond: Node) -> Expr:
        try:
            return self.cond(cond, None)
        except CError:
            raise self.err(cond, f"unbounded loop ('{kind}'): its condition "
                                 f"'{' '.join(self.text(cond).split())}' reads shared "
                                 "memory or a value the model cannot compute before the "
                                 "loop runs (unroll it)") from None

    def expr_effect(self, e: Node) -> None:
        """A for's initializer or update: assignments and ``i++`` of locals."""
        e = self.strip(e)
        if e.type == "comma_expression":
            for c in e.named_children:
                self.expr_effect(c)
        elif e.type == "update_expression":
            self.update(e)
        elif e.type == "assignment_expression" and self.text(
                e.child_by_field_name("operator")) == "=":  # type: ignore[arg-type]
            self.assign(e, e.child_by_field_name("left"),  # type: ignore[arg-type]
                        e.child_by_field_name("right"))  # type: ignore[arg-type]
        else:
            raise self.err(e, f"'{self.text(e)}' is not supported in a for (an assignment "
                              "or i++ of a local)")

    def update(self, e: Node) -> None:
        """``i++``, ``i--`` (either side) of a local: ``i = i + 1``."""
        arg = self.strip(e.child_by_field_name("argument"))  # type: ignore[arg-type]
        name = self.text(arg)
        if arg.type != "identifier" or name not in self.cs.locals_declared:
            raise self.err(e, f"'{self.text(e)}': ++/-- of a local only")
        v = self.expr(arg)
        x = self.scalar(v, arg)
        nv = Val(v.kind, E.add(x, E.const(1)) if "++" in self.text(e) else E.sub(x, E.const(1)))
        if isinstance(x, Const):
            nv = Val(v.kind, E.const(x.value + 1 if "++" in self.text(e) else x.value - 1))
        self.cs.local_kinds[name] = nv.kind
        self.env.vals[name] = nv
        self.env.pending[self.local_var(name).name] = nv.expr  # type: ignore[assignment]

    def binds_pointer(self, node: Node) -> bool:
        """Whether ``node`` is ``p = EXPR;`` for a pointer local ``p`` (in mount code: kept,
        it costs no step and a later errseq line may go through ``p``)."""
        if node.type != "expression_statement" or not node.named_children:
            return False
        e = self.strip(node.named_children[0])
        lhs = e.child_by_field_name("left") if e.type == "assignment_expression" else None
        return lhs is not None and lhs.type == "identifier" and self.text(lhs) in self.env.ptrs

    def mount_pointer(self, node: Node) -> None:
        """``p = EXPR;`` in mount code: bound if the model can place EXPR; else ``p`` keeps
        what it denotes (``ofs = kzalloc(...)``: the overlay's one ovl_fs), with a note."""
        e = self.strip(node.named_children[0])
        lhs = self.text(e.child_by_field_name("left"))  # type: ignore[arg-type]
        try:
            self.env.ptrs[lhs] = self.ptr_of(e.child_by_field_name("right"))  # type: ignore[arg-type]
        except CError:
            now = self.env.ptrs[lhs]
            what = now if now != "?" else "nothing the model places"
            self.cs.note(node, f"'{lhs}' keeps denoting {what} (the model cannot place "
                               "what is assigned)")

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
                what = {"array_declarator": "an array", "function_declarator": "a function "
                        "pointer"}.get(d.type, f"a {d.type.replace('_', ' ')}")
                raise self.err(d, f"'{self.text(d)}' declares {what}: only scalars and "
                                  "pointers are supported")
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
        if inner.type == "call_expression" and self.fname(inner) in SHARED_CALLS:
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
            self.emit_jump(then_env)  # code follows the return: jump over it
        self.b.here(else_l)
        self.env = before.copy()
        if alt is not None:
            self.stmt(alt)
            if not self.env.dead and (self.env.pending != before.pending
                                      or then_env.pending != before.pending):
                self.fold_pending()
            if self.env.dead and self.env.jump is not None and not then_env.dead:
                self.emit_jump(self.env)
        self.b.here(end_l)
        self.env = self.join(node, then_env, self.env)


    def join(self, node: Node, a: Env, b: Env, where: str = "this if") -> Env:
        if a.dead:
            return b
        if b.dead:
            return a
        out = a.copy()
        for k in set(a.pending) | set(b.pending):
            if a.pending.get(k) != b.pending.get(k):
                raise self.err(node, f"'{k.split('.')[-1]}' gets a different value on each "
                                     f"path of {where} with no shared access after it: not "
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
                                             f"of {where}: not supported yet")
        return out

    def return_stmt(self, node: Node) -> None:
        if node.named_children:
            rn = self.strip(node.named_children[0])
            if rn.type == "call_expression" and self.fname(rn) in SHARED_CALLS:
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



def merge_returns(fn: Fn, envs: list[Env]) -> Env:
    if not envs:
        e = Env()
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


def _has_init(decl: Node) -> bool:
    return any(d.type == "init_declarator" for d in decl.children_by_field_name("declarator"))
