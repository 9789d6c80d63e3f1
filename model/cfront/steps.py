"""The state of one lowering of one function body, and how it emits IR steps.

:class:`FnBase` holds the builder, the environment and the return bookkeeping; it hands
pending local assignments to the next step (:meth:`FnBase.flush`) or folds them into the
steps that reach a point (:meth:`FnBase.fold_pending`), labels each step with the C
statement and ``file.c:LINE`` it came from, and emits the one step that reads shared
memory for a statement.  Expressions (``exprs``), kernel primitives (``prims``) and
statements (``stmts``) build on it, in that order."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tree_sitter import Node

from model.cfront.diag import CError
from model.cfront.values import Env, Val
from model.expr import Expr, Op, Var
from model.ir import After, Label, ProgramBuilder
from model.variants import CallCtx, OverlayCtx

if TYPE_CHECKING:
    from model.cfront.scheme import CScheme


class FnBase:
    """One lowering of one function body into a builder (mount, or one ->sync_fs call)."""

    def __init__(self, cs: CScheme, b: ProgramBuilder, ov: OverlayCtx, call: CallCtx | None,
                 wait: int):
        self.cs, self.b, self.ov, self.call, self.wait = cs, b, ov, call, wait
        self.L = ov.layout
        self.env = Env()
        self.wrapped: set[int] = set()
        self.ret_label: Label | None = None
        self.in_body = False
        self.returns: list[Env] = []
        self.tmp = 0
        self.ret_dest: str | None = None  # an inlined helper's result: the caller's local
        # f_op->syncfs or s_op->errseq_check_advance: the return is the syscall's result
        self.result_is_syscalls = cs.syncfs_fn is not None
        self.inlining: set[str] = set()
        # goto: labels by name, those placed so far, and the paths waiting for each
        self.labels: dict[str, Label] = {}
        self.placed: set[str] = set()
        self.gotos: dict[str, list[tuple[Env, Node, int]]] = {}
        self.segment = 0  # 0 before the body region, 1 in it, 2 after it
        # U's accesses are read-u regions in ->sync_fs (and f_op->syncfs), the propagation
        # a --lock wraps; not in s_op->errseq_check_advance, the VFS's check
        self.read_u_regions = True
        self.loops: list[tuple[str, str]] = []  # the enclosing loops' break/continue labels
        self.nloops = 0

    # ---- diagnostics ----------------------------------------------------------------------
    def err(self, node: Node, msg: str) -> CError:
        return self.cs.error(node, msg)

    def text(self, node: Node) -> str:
        return node.text.decode()


    def local_var(self, name: str) -> Var:
        return self.b.local(f"c_{name}", f"C local '{name}' ({self.cs.base})",
                            errseq=self.cs.local_kinds.get(name) == "word")


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
        if self.call is not None and loc == self.ov.U and self.read_u_regions:
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


    def after(self, e: Expr) -> Expr:
        """``e`` over the state after the reaching step (a folded local branch)."""
        if isinstance(e, Var):
            return After(e.name)  # type: ignore[return-value]
        if isinstance(e, Op):
            return Op(e.op, tuple(self.after(a) for a in e.args), e.k)
        return e

