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



def _unpointer(d: Node | None) -> Node | None:
    """A declarator without its ``*``s (``*sb`` -> ``sb``)."""
    while d is not None and d.type == "pointer_declarator":
        d = d.child_by_field_name("declarator")
    return d


def function_parts(item: Node) -> tuple[Node, Node | None, list[tuple[Node, str]]] | None:
    """A function definition's declarator, name node and named parameters (each with its
    ``parameter_declaration``, whose ``type`` field says what it points to); None when the
    declarator is not a plain (possibly pointer-returning) function declarator."""
    d = _unpointer(item.child_by_field_name("declarator"))
    if d is None or d.type != "function_declarator":
        return None
    params = []
    plist = d.child_by_field_name("parameters")
    for p in plist.named_children if plist else []:
        pd = _unpointer(p.child_by_field_name("declarator")) \
            if p.type == "parameter_declaration" else None
        if pd is not None:
            params.append((p, (pd.text or b"").decode()))
    return d, d.child_by_field_name("declarator"), params


def syscall_define(item: Node, nxt: Node | None) -> str | None:
    """The syscall ``item`` defines, when it is ``SYSCALL_DEFINEn(name, ...)`` followed by
    its body (tree-sitter reads the macro as a call statement missing its ';', then a
    block: the kernel's own spelling, taken as written); None otherwise."""
    if item.type != "expression_statement" or nxt is None or nxt.type != "compound_statement":
        return None
    call = item.named_children[0] if item.named_children else None
    if call is None or call.type != "call_expression":
        return None
    f = call.child_by_field_name("function")
    if f is None or not (f.text or b"").startswith(b"SYSCALL_DEFINE"):
        return None
    args = call.child_by_field_name("arguments")
    first = [a for a in args.named_children if a.type != "comment"] if args else []
    return (first[0].text or b"").decode() if first else ""


def syntax_error(root: Node) -> Node | None:
    """The first syntax error in the file, or None; the ';' tree-sitter finds missing after
    a ``SYSCALL_DEFINEn(...)`` header (see :func:`syscall_define`) is not one."""
    if not root.has_error:
        return None
    items = root.children
    for i, c in enumerate(items):
        if not (c.has_error or c.is_missing or c.type == "ERROR"):
            continue
        nxt = next((x for x in items[i + 1:] if x.type != "comment"), None)
        if syscall_define(c, nxt) is not None and all(
                not x.has_error or x.type == "call_expression" and not x.has_error
                for x in c.children[:-1]) and c.children[-1].is_missing:
            continue
        if c.type == "ERROR" or c.is_missing:
            return c
        return first_error(c)
    return None
