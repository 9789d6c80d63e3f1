"""Shared fixtures: where the reference data lives."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("SYNCFS_MC_SHARED", REPO.parent / "shared"))

# The tests search with the Python engine, the reference, unless they ask for the native one
# (``tests/test_native.py`` does, on the whole recorded matrix): "auto" would compile a C
# object for every world the suite builds.  Children (CLI tests) inherit it.
os.environ.setdefault("SYNCFS_MC_BACKEND", "python")


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return SHARED


def sigint_default() -> None:
    """``preexec_fn`` for a child that a test interrupts: SIGINT back to its default action.
    A suite started in the background by a non-interactive shell (``cmd &``, nohup) inherits
    SIGINT ignored, and Python then never raises KeyboardInterrupt."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
