"""``syncfs-mc list``: the catalogue as a user reads it: schemes with their provenance,
disciplines, properties and scenario presets, one line each."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def render_list(schemes: Mapping[str, Any], disciplines: Mapping[str, Any],
                properties: Mapping[str, Any], scenarios: Mapping[str, tuple[Any, str]]
                ) -> str:
    """Schemes (``summary``, ``provenance``), disciplines (``summary``), properties
    (``doc``) and scenarios (their description), as registered."""
    out = ["schemes:"]
    for name, s in schemes.items():
        out += [f"  {name:<14} {s.summary}", f"  {'':<14} ({s.provenance})"]
    out.append("disciplines (--lock):")
    out += [f"  {name:<14} {d.summary}" for name, d in disciplines.items()]
    out.append("properties (--property):")
    out += [f"  {name:<14} {p.doc}" for name, p in properties.items()]
    out.append("scenarios (--scenario):")
    out += [f"  {name:<14} {doc}" for name, (_, doc) in scenarios.items()]
    return "\n".join(out)
