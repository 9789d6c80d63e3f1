"""Kernel primitive calls: the statements that touch shared memory.

``READ_ONCE``/``WRITE_ONCE`` (and the acquire/release forms, as plain accesses), the
``errseq_*`` operations (the steps :mod:`model.kernel` gives them), locks; the no-op
calls (``pr_err``, ``down_read``, ``spin_lock_init``) with a note; and
``sync_filesystem(upper_sb)``, which marks where the body region starts."""

from __future__ import annotations

from tree_sitter import Node

from model import kernel
from model.cfront.exprs import ExprLowering
from model.cfront.syntax import PRIMITIVES, SHARED_CALLS, one_return
from model.cfront.values import Val, errno_of
from model.expr import ZERO, E, Expr, Var
from model.ir import Event


class PrimLowering(ExprLowering):
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


    def effect_call(self, node: Node, local: str | None, shared: str | None,
                    as_cond: bool = False) -> Var | None:
        """A call that touches shared memory, as a statement or an assignment's value."""
        fn, args = self.fname(node), self.args(node)
        b, L, ov = self.b, self.L, self.ov
        if shared is not None and fn not in ("errseq_sample", "errseq_peek"):
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
        if fn in ("errseq_sample", "errseq_peek"):
            self.nargs(node, args, 1)
            if fn == "errseq_peek" and not self.cs.mustinc:
                raise self.err(node, "errseq_peek is the MUSTINC RFC's (J. Layton, RFC v2, "
                                     "2020-12-14): give its lib/errseq.c hunk ('#define "
                                     "ERRSEQ_MUSTINC ...') so that the world has its layout")
            word = self.loc(args[0])
            target: Var | None
            if shared is not None:
                target = Var(shared)
            else:
                target = dst("word")
                if target is None and fn == "errseq_sample":
                    raise self.err(node, "errseq_sample's result is not used")
            self.flush()
            self.region_u(word, lambda: kernel.errseq_peek(
                b, L, word, target, fn == "errseq_sample", " ".join(self.text(node).split())))
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
            if fn.endswith("_unlock"):
                self.cs.lock_releases.setdefault((fn.split("_")[0], lock), node)
            else:
                self.cs.lock_takes.add((fn.split("_")[0], lock))
            return None
        raise self.unknown(node, fn)


    def call_stmt(self, e: Node) -> None:
        fn = self.fname(e)
        if fn in ("pr_err", "pr_warn", "pr_info", "pr_debug", "pr_notice", "WARN_ON",
                  "WARN_ON_ONCE"):
            self.cs.note(e, f"{fn}() is a no-op in the model")
            return
        if fn in self.cs.helpers and not one_return(self.cs.helpers[fn][1]):
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
        if fn in SHARED_CALLS:
            self.effect_call(e, None, None)
            return
        if fn in self.cs.helpers or fn in PRIMITIVES:
            raise self.err(e, f"the value of '{fn}' is unused: the call has no effect")
        raise self.unknown(e, fn)


    def start_body(self, node: Node) -> None:
        """``sync_filesystem(upper_sb)``: the upper fs syncs (no step); what follows is the
        body region."""
        self.body_from = node

