"""What exactly is checked: a query resolved once, read by every engine and renderer.

A query names a scheme, a discipline, a scenario, the bounds asked for (the scenario's
preset with the command line's overrides) and a property.  :func:`resolve` works out, in
this one place, everything that follows from it:

* the effective bounds (``model.world.effective_params``: a discipline may widen the
  counter, a layout may narrow it), which results and reports show;
* the world built with them, instrumented by the property's monitor, and for a property
  decided against a wide-counter twin (``wrap``) the twin, ``TWIN_EXTRA_BITS`` wider;
* whether the scheme declares the property outside its contract (``by_design``);
* the worlds the explicit searches explore: the same with dead values reset
  (``specs.deadreset``; ``search_world``, ``search_twin``);
* the replay key of a schedule (``specs.replaykey``): the overrides are taken against the
  preset from the bounds *asked for*, so that ``syncfs-mc replay`` rebuilds the same world.

The runner, ``compare``, ``trace``, ``replay``, the Promela export, the benchmark and the
reduction comparison all start from a :class:`ResolvedCheck`; none works these out again.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import cached_property

from model.errseq import ErrseqLayout
from model.ir import World
from model.variants import DISCIPLINES, load_catalogue, scheme_for
from model.world import BoundsError, WorldParams, build_world, effective_params, parse_word
from specs.deadreset import reset_dead
from specs.properties import DOUBLE_LAGS, PROPERTIES, Property
from specs.replaykey import ReplayKey, make_key

#: extra counter bits of the wrap twin: more increments than any bounded scenario makes
TWIN_EXTRA_BITS = 12


@dataclass(frozen=True)
class ResolvedCheck:
    """One property of one variant in one scenario, as it is really checked.

    ``requested``: the bounds asked for; ``params``: the bounds the world is built with.
    The worlds are built on first use (``world``, ``twin``), so a resolved check is cheap to
    make and to send to a worker process.
    """

    scheme: str
    lock: str
    scenario: str
    prop: str
    requested: WorldParams
    params: WorldParams
    by_design: bool
    #: ``--mount-option``: the options the overlay is mounted with (sorted); a C scheme's
    #: code tests them (``ofs->config.ovl_volatile``), so they are part of the world
    mount_options: tuple[str, ...] = ()
    #: ``double`` in a looping world: the lag its finite ghost state tells apart
    #: (``specs.properties.DOUBLE_LAGS``; the runner refines it when a violation is refuted)
    double_lag: int = DOUBLE_LAGS[0]

    @property
    def spec(self) -> Property:
        return PROPERTIES[self.prop]

    @cached_property
    def world(self) -> World:
        """The variant's world, instrumented for the property."""
        return self.spec.instrument(self._build(self.requested), lag=self.double_lag)

    @cached_property
    def replay_world(self) -> World:
        """The world counterexamples are replayed in: ``world`` with the exact (absolute)
        ghost state wherever the finite one of a looping world only over-approximates
        (``double``); ``world`` itself otherwise."""
        exact = self.spec.instrument(self._build(self.requested), exact=True)
        return self.world if exact.names == self.world.names else exact

    @cached_property
    def twin(self) -> World | None:
        """The wide-counter twin the property is decided against, or None."""
        if not self.spec.needs_twin:
            return None
        wide = dataclasses.replace(self.requested,
                                   counter_bits=self.requested.counter_bits + TWIN_EXTRA_BITS)
        return self.spec.instrument(self._build(wide))

    @cached_property
    def search_world(self) -> World:
        """``world`` with dead values reset (``specs.deadreset``): what the explicit
        searches explore by default.  Traces replay in ``world``, which keeps every value."""
        return reset_dead(self.world)

    @cached_property
    def search_twin(self) -> World | None:
        """``twin`` with dead values reset, or None."""
        return None if self.twin is None else reset_dead(self.twin)

    def __getstate__(self) -> dict[str, object]:
        """Pickle the query and its resolution, never the built worlds (they hold code)."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    def _build(self, p: WorldParams) -> World:
        load_catalogue()
        return build_world(scheme_for(self.scheme, self.mount_options), DISCIPLINES[self.lock],
                           p)

    def key(self, schedule: tuple[str, ...]) -> ReplayKey:
        """The replay key naming ``schedule`` in this check."""
        return make_key(self.scheme, self.lock, self.scenario, self.prop, self.requested,
                        tuple(schedule), self.mount_options)

    @property
    def variant(self) -> str:
        """``SCHEME --lock LOCK --scenario SCENARIO``, as a user would type it."""
        mount = "".join(f" --mount-option {o}" for o in self.mount_options)
        vfs = f" --vfs {self.requested.vfs}" if self.requested.vfs else ""
        return f"{self.scheme}{mount}{vfs} --lock {self.lock} --scenario {self.scenario}"


def resolve(scheme: str, lock: str, scenario: str, requested: WorldParams,
            prop: str, mount_options: tuple[str, ...] = ()) -> ResolvedCheck:
    """Resolve a query; names must be in the catalogue (``KeyError`` otherwise: the CLI
    checks them first and says what is valid, and which mount options the scheme tests)."""
    load_catalogue()
    mount = tuple(sorted(set(mount_options)))
    s, d = scheme_for(scheme, mount), DISCIPLINES[lock]
    if getattr(s, "vfs", None) is not None and (requested.vfs or requested.flock):
        # a scheme file with its own syncfs: located at it (model.cfront.CError, exit 2)
        raise s.vfs_conflict("--vfs" if requested.vfs else "--flock")  # type: ignore[attr-defined]
    if prop not in PROPERTIES:
        raise KeyError(prop)
    if requested.looping and PROPERTIES[prop].needs_twin:
        raise ValueError(f"{prop} needs a wide-counter twin, which a looping world does not "
                         "have (checks.options.looping_properties)")
    params = effective_params(s, d, requested)
    if params.upper_at_mount not in ("0", "any"):
        try:
            parse_word(ErrseqLayout(params.counter_bits, s.mustinc), params.upper_at_mount)
        except ValueError as e:
            raise BoundsError(f"--upper-at-mount {params.upper_at_mount}: {e} ({scheme}'s "
                              "layout)") from None
    return ResolvedCheck(scheme, lock, scenario, prop, requested, params, prop in s.by_design,
                         mount)


def effective(scheme: str, lock: str, requested: WorldParams,
              mount_options: tuple[str, ...] = ()) -> WorldParams:
    """The effective bounds of a variant (the same for every property)."""
    load_catalogue()
    return effective_params(scheme_for(scheme, tuple(sorted(set(mount_options)))),
                            DISCIPLINES[lock], requested)
