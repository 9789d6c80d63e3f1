"""The explicit engine's native back end: the same BFS as ``checks.bfs``, in generated C.

``codegen`` writes the C for one search from the instrumented IR (steps, violation
conditions, the twin, the canonicaliser, the packing), ``driver.c`` is the search,
``build`` compiles and caches it and loads it with ctypes, ``search`` drives it with the
Python engine's Meter.  Verdicts, shortest lengths, stored states and transitions are the
Python engine's bit for bit (``tests/test_native.py``); counterexamples are replayed by
the reference interpreter in ``checks.runner`` as every engine's are.

``--por`` and ``--minimize preemptions`` run on the Python engine (see ``resolve``).
"""

from __future__ import annotations

import os

from checks.native import build
from checks.native.build import CompilerMissing
from checks.native.codegen import Unsupported
from checks.native.search import search

BACKENDS = ("auto", "python", "native")
#: ``auto``: states the Python search may store before the native one takes over (about a
#: third of a second of Python search; compiling a world at -O1 takes about one second)
PYTHON_FIRST_STATES = 20_000

__all__ = ["BACKENDS", "PYTHON_FIRST_STATES", "CompilerMissing", "Unsupported", "available",
           "resolve", "search"]


def available() -> bool:
    """Whether a C compiler is present."""
    return build.compiler() is not None


def resolve(backend: str, por: bool = False, minimize: str = "steps") -> tuple[str, str | None]:
    """The back end a search runs on, and a one-line note when the choice is not the
    obvious one.  ``native`` forced without a compiler raises :class:`CompilerMissing`.
    ``auto`` with a compiler gives ``python-first``: the Python search up to
    ``PYTHON_FIRST_STATES`` states, then the native one (a world that small is decided
    before a compile would have finished)."""
    if backend == "auto":
        backend = os.environ.get("SYNCFS_MC_BACKEND") or "auto"
    if backend == "python":
        return "python", None
    python_only = "--por" if por else ("--minimize preemptions"
                                      if minimize == "preemptions" else None)
    if not available():
        if backend == "native":
            raise CompilerMissing("--backend native needs a C compiler (cc, gcc or clang, "
                                  "or $CC); none found: install one or use --backend python")
        return "python", "note: no C compiler found, searching with the Python back end"
    if python_only is not None:
        note = f"note: {python_only} runs on the Python back end"
        return "python", note if backend == "native" else None
    return ("python-first" if backend == "auto" else "native"), None
