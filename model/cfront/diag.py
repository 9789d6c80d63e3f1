"""Compiler-style diagnostics for C scheme files: ``file.c:LINE:COL: error: ...`` and a caret."""

from __future__ import annotations


class CError(Exception):
    """A C scheme file the model cannot take: a syntax error, or a construct outside the
    supported subset (README, "Schemes in C").  The message is located like a compiler's:
    the first line is ``path:line:col: error: what``, then the source line and a caret."""

    def __init__(self, path: str, source: bytes, row: int, col: int, msg: str):
        self.path, self.row, self.col, self.msg = path, row, col, msg
        lines = source.decode("utf-8", "replace").splitlines()
        text = lines[row] if 0 <= row < len(lines) else ""
        caret = "".join(c if c == "\t" else " " for c in text[:col]) + "^"
        super().__init__(f"{path}:{row + 1}:{col + 1}: error: {msg}\n{text}\n{caret}")

    def __reduce__(self) -> tuple:
        # picklable, so that one raised in a worker process (compare, bench) reaches the
        # parent as itself, not as a broken pool
        return (_restore, (str(self), self.path, self.row, self.col, self.msg))

    @property
    def headline(self) -> str:
        return str(self).splitlines()[0]


def _restore(text: str, path: str, row: int, col: int, msg: str) -> CError:
    e = CError.__new__(CError)
    Exception.__init__(e, text)
    e.path, e.row, e.col, e.msg = path, row, col, msg
    return e
