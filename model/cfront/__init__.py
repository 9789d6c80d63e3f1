"""Schemes written in kernel C: parse (tree-sitter-c), map names to the world, lower to IR.

``load_scheme(path)`` reads a C file holding a propagation scheme as a patch leaves the code
(``struct ovl_fs`` excerpts, ``ovl_fill_super``'s errseq lines, ``ovl_sync_fs`` whole, helpers)
and returns a :class:`model.variants.Scheme` whose steps come from the C statements.  Bad
input raises :class:`CError` with a located, one-line message.

The parser is tree-sitter-c: kernel code is not preprocessed (``errseq_t``, ``spinlock_t``,
``READ_ONCE`` are macros and typedefs from headers the file does not include), and
tree-sitter parses it as written, giving a line and column for every node; pycparser needs
preprocessed code and rejects ``errseq_t src;``.
"""

from model.cfront.diag import CError
from model.cfront.scheme import CScheme, load_scheme
from model.cfront.syntax import is_c_path

__all__ = ["CError", "CScheme", "is_c_path", "load_scheme"]
