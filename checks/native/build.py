"""Compile generated C with the system compiler at first use, cache it, load it with ctypes.

The shared object is cached under ``$SYNCFS_MC_CACHE`` (for tests), else
``$XDG_CACHE_HOME/syncfs-mc``, else ``~/.cache/syncfs-mc``, named by the SHA-256 of the
source, the compiler and its flags, so a second run of the same world pays no compile.  It
is written under a temporary name and renamed, so two processes compiling the same world
at once (``compare``'s pool) never load a half-written file.

ctypes (standard library) rather than cffi: the interface is four C functions taking
pointers and integers, and ctypes needs no extra package.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path

#: flags every native world is compiled with (part of the cache key); -O1 runs as fast as
#: -O2 on these worlds (850k states/s either way) and compiles up to 3x faster.
#: ``$SYNCFS_MC_OPT`` replaces ``-O1`` (the differential test uses -O0: it compiles about a
#: thousand small worlds, where compile time is all that counts)
CFLAGS = ("-shared", "-fPIC", "-std=gnu99", "-w")


def cflags() -> tuple[str, ...]:
    return (os.environ.get("SYNCFS_MC_OPT") or "-O1", *CFLAGS)


class CompilerMissing(RuntimeError):
    """No C compiler: install gcc or cc (or set ``$CC``), or use ``--backend python``."""


@cache
def compiler() -> str | None:
    """The C compiler to use (``$CC``, else ``cc``, ``gcc``, ``clang``), or None."""
    for name in (os.environ.get("CC"), "cc", "gcc", "clang"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


def cache_dir() -> Path:
    """Where compiled worlds are kept."""
    env = os.environ.get("SYNCFS_MC_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "syncfs-mc"


def build(source: str) -> tuple[Path, bool]:
    """The shared object for ``source`` and whether it had to be compiled now."""
    cc = compiler()
    if cc is None:
        raise CompilerMissing("no C compiler found (looked for $CC, cc, gcc, clang)")
    flags = cflags()
    key = hashlib.sha256("\0".join((source, cc, *flags)).encode()).hexdigest()[:32]
    d = cache_dir()
    so = d / f"world-{key}.so"
    if so.exists():
        return so, False
    d.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=d) as tmp:
        c = Path(tmp) / "world.c"
        c.write_text(source)
        out = Path(tmp) / "world.so"
        r = subprocess.run([cc, *flags, "-o", str(out), str(c)], capture_output=True,
                           text=True, check=False)
        if r.returncode != 0:  # pragma: no cover - a code generator bug
            raise RuntimeError(f"the C compiler rejected a generated world:\n{r.stderr[:4000]}")
        os.replace(out, so)
    return so, True


class Library:
    """The loaded search functions of one compiled world."""

    def __init__(self, path: Path) -> None:
        lib = ctypes.CDLL(str(path))
        lib.mc_new.restype = ctypes.c_void_p
        lib.mc_new.argtypes = [ctypes.c_int]
        lib.mc_free.restype = None
        lib.mc_free.argtypes = [ctypes.c_void_p]
        lib.mc_run.restype = ctypes.c_int
        lib.mc_run.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_int64)]
        lib.mc_schedule.restype = ctypes.c_int
        lib.mc_schedule.argtypes = [ctypes.c_void_p, ctypes.c_int64, ctypes.c_int,
                                    ctypes.POINTER(ctypes.c_int), ctypes.c_int]
        self.lib = lib


@cache
def load(path: Path) -> Library:
    return Library(path)
