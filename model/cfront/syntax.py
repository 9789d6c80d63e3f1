"""Syntax helpers over tree-sitter-c nodes: the parser, the names of the calls the
subset knows, and the structural questions the lowering asks of a statement (does it call
``sync_filesystem``, does it touch shared memory, through which helpers).

No IR here.
"""

from __future__ import annotations

import tree_sitter_c as tsc
from tree_sitter import Language, Node

LANG = Language(tsc.language())

#: calls the subset knows (what the "unknown function" message lists)
PRIMITIVES = (
    "READ_ONCE", "WRITE_ONCE", "smp_load_acquire", "smp_store_release", "errseq_set",
    "errseq_sample", "errseq_check", "errseq_check_and_advance", "errseq_counter",
    "errseq_peek", "spin_lock", "spin_unlock", "mutex_lock", "mutex_unlock", "down_read", "up_read",
    "sync_filesystem", "ovl_upper_mnt", "OVL_FS", "ovl_should_sync", "spin_lock_init", "mutex_init",
    "pr_err", "pr_warn", "WARN_ON",
)
#: functions of overlayfs the model has no use for: skipped with a note
SKIPPED = ("ovl_fsync", "ovl_statfs", "ovl_put_super", "ovl_show_options", "ovl_remount",
           "ovl_flush", "ovl_free_fs")
SHARED_CALLS = {"READ_ONCE", "WRITE_ONCE", "smp_load_acquire", "smp_store_release",
                 "errseq_set", "errseq_sample", "errseq_check", "errseq_check_and_advance",
                 "errseq_peek", "spin_lock", "spin_unlock", "mutex_lock", "mutex_unlock"}
#: lib/errseq.c's functions: a definition of one in the file (a patch's errseq hunk) is
#: skipped with a note, the model's own being used (model/kernel.py, in the world's layout)
ERRSEQ_LIB = ("errseq_set", "errseq_sample", "errseq_peek", "errseq_check",
              "errseq_check_and_advance")


def is_c_path(name: str) -> bool:
    """Whether a scheme argument names a C file rather than a catalogue entry."""
    return name.endswith(".c")


def one_return(body: Node) -> bool:
    stmts = [c for c in body.named_children if c.type != "comment"]
    return len(stmts) == 1 and stmts[0].type == "return_statement"


def first_error(n: Node) -> Node:
    for c in n.children:
        if c.type == "ERROR" or c.is_missing:
            return c
        if c.has_error:
            return first_error(c)
    return n


def statements(body: Node) -> list[Node]:
    """The statements of a function body, flattened through blocks and ifs (mount code is
    read for its errseq lines only)."""
    out: list[Node] = []
    for c in body.named_children:
        if c.type == "compound_statement":
            out += statements(c)
        elif c.type == "comment":
            continue
        else:
            out.append(c)
    return out


def walk(n: Node):
    yield n
    for c in n.children:
        yield from walk(c)


def calls(n: Node, fn: str) -> bool:
    return any(x.type == "call_expression" and x.child_by_field_name("function") is not None
               and x.child_by_field_name("function").text.decode() == fn  # type: ignore[union-attr]
               for x in walk(n))


def touches_errseq(n: Node) -> bool:
    text = n.text.decode() if n.text else ""
    return "s_wb_err" in text or "errseq" in text


def touches_shared(n: Node, helpers: dict | None = None, seen: frozenset = frozenset()
                    ) -> bool:
    for x in walk(n):
        if x.type == "call_expression":
            f = x.child_by_field_name("function")
            name = f.text.decode() if f is not None else ""
            if name in SHARED_CALLS:
                return True
            if helpers and name in helpers and name not in seen and touches_shared(
                    helpers[name][1], helpers, seen | {name}):
                return True
        if x.type == "field_expression":
            fld = x.child_by_field_name("field")
            if fld is not None and fld.text.decode() == "s_wb_err":
                return True
    return False

