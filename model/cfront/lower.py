"""Lowering a C scheme file to IR steps (see the package docstring and the README subset).

Names map to the world by what they are: ``X->s_wb_err`` is U when ``X`` is the upper
superblock however it was obtained (``ovl_upper_mnt(ofs)->mnt_sb``, a local holding it),
O when ``X`` is the overlay's ``sb``; ``ofs->F`` (``ofs = sb->s_fs_info``) is the field ``F``
declared in the file's ``struct ovl_fs``.  Pointers are bound when they are declared and
cost no step.

Granularity, as for the Python schemes: every access to U, O or an ``ofs`` field is one
atomic step (an ``errseq_*`` call takes the steps ``model.kernel`` gives it); local
computation folds into the next step.  A C local is a symbolic value until a step assigns
it.  A C local that is dead keeps its value in the world as built; the search resets it with
every other dead value (``specs.deadreset``), as it does for the Python schemes.

``ovl_sync_fs(sb, wait)`` is lowered once per ``->sync_fs`` call of ``sync_filesystem()``:
``wait`` = 0, then 1 (a nonzero return of the first skips the second when the VFS passes
``->sync_fs``'s errors up); ``wait`` is a constant in each, so ``if (!wait) return 0;``
costs no step.  The statements after ``sync_filesystem(upper_sb)`` (or, with no such call,
from the first that touches shared memory) are the ``body`` region a discipline wraps; each
access to U is a ``read-u`` region.

The lowering is split by concern:

- :mod:`model.cfront.syntax`: the parser and structural questions about tree-sitter nodes;
- :mod:`model.cfront.values`: :class:`Val`, the environment, signed-result encodings;
- :mod:`model.cfront.steps`: one function's lowering state and how steps are emitted;
- :mod:`model.cfront.exprs`: expressions and locations (names mapped to the world);
- :mod:`model.cfront.prims`: kernel primitive calls (``READ_ONCE``, ``errseq_*``, locks);
- :mod:`model.cfront.stmts`: statements and control flow (:class:`Fn`);
- :mod:`model.cfront.scheme`: :class:`CScheme`, the scheme/world assembly, and
  :func:`load_scheme`.

This module re-exports their public names.
"""

from model.cfront.scheme import CScheme, load_scheme
from model.cfront.stmts import Fn
from model.cfront.syntax import PRIMITIVES, SKIPPED, is_c_path
from model.cfront.values import Val, errno_of, to_sint

__all__ = ["CScheme", "Fn", "PRIMITIVES", "SKIPPED", "Val", "errno_of",
           "is_c_path", "load_scheme", "to_sint"]
