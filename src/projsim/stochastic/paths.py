"""Random deviations of a scenario's assumptions, one trajectory per draw.

The stochastic model adds to a deterministic scenario (which must state a
national ``tfr`` path, ``e0`` targets and a ``net_total`` path):

* fertility: log TFR(t) = log TFR_path(t) + x(t) + l(t), where x is a
  first-order autoregressive process, x(t) = phi x(t-1) + sigma e(t) (the
  year-to-year fluctuation), and l a random walk, l(t) = l(t-1) +
  level_sd e'(t) (the uncertainty of the level), both starting from 0 and
  e, e' independent standard normals;
* mortality: e0_s(t) = e0_path_s(t) + w_s(t), where w is a random walk whose
  yearly innovations are normal with standard deviation sigma and correlation
  c between the sexes, which keeps the female-male gap close to its path;
* international migration: the national migrants N(t) = N_path(t) + u(t),
  and each region r gets its path migrants plus b_r u(t) + v_r(t), where u is
  an autoregressive process of order one, u(t) = phi u(t-1) + sd e(t), b_r
  is the region's share of the path's migrants in absolute value (its
  migration turnover), and v_r(t) is the region's own deviation: independent
  AR(1) processes with the same phi and innovation sd ``regional_sd``,
  centred on their mean over the regions, so that they move migrants between
  the regions and leave the national total to u. A region's deviation is
  shared by its states (nationalities) in proportion to their turnover, and
  spread over sex and age like it (:class:`Spread`). With ``autocorrelation
  = 1`` the deviations are random walks.

Default parameters are estimated from Belgian history
(``src/projsim/data/uncertainty_belgium/``) and come with the base
(:attr:`projsim.model.base.Base.uncertainty_parameters`); a scenario's
``[uncertainty]`` table overrides any of them.

Optionally (``demographic_noise = true`` in the ``[uncertainty]`` table),
each draw's births, deaths and migrants are also drawn by chance around their
expected values every year (:mod:`projsim.engine.noise`): Poisson births, binomial
deaths, Poisson net migrants and binomial internal moves.

Seeding: draws are grouped in fixed blocks of :data:`DRAWS_PER_SEED`; block
``b`` takes its normal deviates from ``numpy.random.SeedSequence(seed,
spawn_key=(b,))``. The demographic noise of step ``t`` (0 for the first
year) takes flow ``k`` of :func:`projsim.engine.noise.noisy_flows` from
``SeedSequence(seed, spawn_key=(b, NOISE_STREAM, t, k))``, a stream of its
own for every block, step and flow. A draw's trajectory therefore depends
only on the seed and its index, never on how draws are chunked or on which
worker runs them.

References
----------
Lee, R. D. and Tuljapurkar, S. (1994). Stochastic population forecasts for
the United States: beyond high, medium, and low. *Journal of the American
Statistical Association* 89(428): 1175-1189. doi:10.1080/01621459.1994.10476857

Alho, J. M. and Spencer, B. D. (2005). *Statistical Demography and
Forecasting*. New York: Springer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from projsim.engine.noise import Streams, noisy_flows
from projsim.errors import InputError
from projsim.model.scenario import Scenario
from projsim.types import SEXES

#: Draws that share one child of the seed sequence.
DRAWS_PER_SEED = 64
#: The child of a block's seed sequence whose descendants feed the demographic noise.
NOISE_STREAM = 1
#: Whether demographic noise is drawn when neither the scenario nor the caller says.
DEMOGRAPHIC_NOISE = False
#: The methods a scenario must use for its paths to be perturbed.
#: The methods a scenario must use for its paths to be perturbed: international
#: migration as a net total, or as immigrants (national, or by nationality)
#: with emigration rates.
PERTURBED = {"fertility": ("tfr",), "mortality": ("e0",),
             "international_migration": ("net_total", "immigration")}


@dataclass(frozen=True)
class Uncertainty:
    """Parameters of the stochastic model (see the module docstring).

    Attributes
    ----------
    seed : int
        The seed of every draw.
    fertility_sd : float
        Innovation standard deviation of the log-TFR AR(1) deviation x [1 per year].
    fertility_autocorrelation : float
        Its autocorrelation phi [1].
    fertility_level_sd : float
        Innovation standard deviation of the random walk of the log-TFR
        level [1 per year].
    mortality_sd : float
        Innovation standard deviation of the e0 random walk [years per year].
    mortality_sex_correlation : float
        Correlation of the female and male innovations [1].
    migration_sd : float
        Innovation standard deviation of the national net migration
        deviation [persons per year].
    migration_autocorrelation : float
        Autocorrelation of the migration deviations [1].
    migration_regional_sd : float
        Innovation standard deviation of each region's own deviation, before
        the regions' deviations are centred on their mean [persons per year].
    """

    seed: int
    fertility_sd: float
    fertility_autocorrelation: float
    fertility_level_sd: float
    mortality_sd: float
    mortality_sex_correlation: float
    migration_sd: float
    migration_autocorrelation: float
    migration_regional_sd: float


#: Keys of the parameter file and of a scenario's [uncertainty] table.
KEYS = {
    ("fertility", "sd"): "fertility_sd",
    ("fertility", "autocorrelation"): "fertility_autocorrelation",
    ("fertility", "level_sd"): "fertility_level_sd",
    ("mortality", "sd"): "mortality_sd",
    ("mortality", "sex_correlation"): "mortality_sex_correlation",
    ("international_migration", "sd"): "migration_sd",
    ("international_migration", "autocorrelation"): "migration_autocorrelation",
    ("international_migration", "regional_sd"): "migration_regional_sd",
}


def uncertainty(defaults: dict, overrides: dict | None = None,
                seed: int | None = None) -> Uncertainty:
    """The default parameters with a scenario's overrides and a seed.

    Parameters
    ----------
    defaults : dict
        ``{section: {key: value}}`` for every key of :data:`KEYS`: the base's
        parameters (:attr:`projsim.model.base.Base.uncertainty_parameters`).
    overrides : dict, optional
        ``{section: {key: value}}`` as in a scenario's ``[uncertainty]`` table.
    seed : int, optional
        The seed; by default the table's ``seed``, or 0.

    Returns
    -------
    Uncertainty
    """
    overrides = overrides or {}
    values = {}
    for (section, key), field in KEYS.items():
        given = overrides.get(section, {})
        values[field] = float(given[key] if key in given else defaults[section][key])
    chosen = overrides.get("seed", 0) if seed is None else seed
    return Uncertainty(seed=int(chosen), **values)


def standard_normals(seed: int, first: int, count: int, shape: tuple[int, ...]) -> np.ndarray:
    """Independent standard normal deviates for draws ``first .. first + count - 1``.

    Parameters
    ----------
    seed : int
        The seed.
    first, count : int
        The first draw's index and the number of draws.
    shape : tuple of int
        Deviates per draw.

    Returns
    -------
    ndarray, (count, *shape)
        Deviates that depend only on ``seed``, each draw's index and ``shape``.

    Examples
    --------
    >>> whole = standard_normals(7, 0, 200, (3,))
    >>> part = standard_normals(7, 90, 50, (3,))
    >>> bool(np.array_equal(whole[90:140], part))
    True
    """
    blocks = range(first // DRAWS_PER_SEED, (first + count - 1) // DRAWS_PER_SEED + 1)
    deviates = np.concatenate([
        np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(block,)))
        .standard_normal((DRAWS_PER_SEED, *shape)) for block in blocks])
    offset = first - blocks[0] * DRAWS_PER_SEED
    return deviates[offset:offset + count]


def noise_streams(seed: int, first: int, count: int, step: int, moves: int = 1) -> Streams:
    """The generators of the demographic noise of draws ``first .. first + count - 1`` in a step.

    Parameters
    ----------
    seed : int
        The seed.
    first : int
        The first draw's index, a multiple of :data:`DRAWS_PER_SEED`.
    count : int
        The number of draws.
    step : int
        The step, 0 for the first year of the projection.
    moves : int
        The kinds of moves between states drawn (:func:`projsim.engine.noise.noisy_flows`).

    Returns
    -------
    projsim.engine.noise.Streams
        For each flow ``k`` and block ``b``, a generator seeded by
        ``SeedSequence(seed, spawn_key=(b, NOISE_STREAM, step, k))``.

    Examples
    --------
    >>> first = noise_streams(7, 0, 100, 3).generators["deaths"][1]
    >>> again = noise_streams(7, 64, 36, 3).generators["deaths"][0]
    >>> bool(first.random() == again.random())
    True
    """
    if first % DRAWS_PER_SEED:
        raise InputError("argument 'first'", repr(first), f"a multiple of {DRAWS_PER_SEED}",
                         "start a chunk at the first draw of a seed block")
    blocks = range(first // DRAWS_PER_SEED, (first + count - 1) // DRAWS_PER_SEED + 1)
    generators = {flow: [np.random.default_rng(np.random.SeedSequence(
        seed, spawn_key=(block, NOISE_STREAM, step, index))) for block in blocks]
        for index, flow in enumerate(noisy_flows(moves))}
    return Streams(generators, DRAWS_PER_SEED)


def noise_on(overrides: dict | None = None, chosen: bool | None = None) -> bool:
    """Whether to draw demographic noise.

    ``chosen`` if given, else the table's ``demographic_noise``, else
    :data:`DEMOGRAPHIC_NOISE`.

    Parameters
    ----------
    overrides : dict, optional
        A scenario's ``[uncertainty]`` table.
    chosen : bool, optional
        The caller's choice, which wins.
    """
    if chosen is not None:
        return bool(chosen)
    return bool((overrides or {}).get("demographic_noise", DEMOGRAPHIC_NOISE))


def autoregressive(innovations: np.ndarray, phi: float, axis: int = 1) -> np.ndarray:
    """x(t) = phi x(t-1) + innovations(t) along ``axis``, from x = 0 before the start.

    Examples
    --------
    >>> autoregressive(np.array([[1.0, 0.0, 0.0]]), 0.5)
    array([[1.  , 0.5 , 0.25]])
    """
    # A loop over time with one multiply-add over the draws: the same numbers, to
    # the last bit, as scipy.signal.lfilter([1], [1, -phi]), without importing
    # scipy.signal (1-3 s a process, benchmarks/README.md, "Cold start").
    paths = np.moveaxis(np.array(innovations, dtype=float), axis, 0)
    for t in range(1, paths.shape[0]):
        paths[t] += phi * paths[t - 1]
    return np.ascontiguousarray(np.moveaxis(paths, 0, axis))


@dataclass(frozen=True)
class Paths:
    """The perturbed paths of a set of draws.

    Attributes
    ----------
    tfr : ndarray, (draw, time)
        National total fertility rate [children per woman].
    e0 : ndarray, (draw, time, sex)
        Life expectancy at birth [years].
    net_migration : ndarray, (draw, time, state)
        Net international migrants, or immigrants, by state: the path's and
        the deviation [persons per year].
    migration_deviation : ndarray, (draw, time, state)
        The deviation alone [persons per year].
    """

    tfr: np.ndarray
    e0: np.ndarray
    net_migration: np.ndarray
    migration_deviation: np.ndarray


@dataclass(frozen=True)
class Spread:
    """How the migration deviations reach the states.

    Attributes
    ----------
    path : ndarray, (time or 1, state)
        The path's migrants (net, or immigrants) by state [persons per year].
    region : ndarray of int, (state,)
        Each state's region, ``0 .. regions - 1``.
    region_share : ndarray, (region,)
        Each region's share of the national deviation u [1]; they sum to 1.
    state_share : ndarray, (state,)
        Each state's share of its region's deviation [1]; they sum to 1
        within each region.
    """

    path: np.ndarray
    region: np.ndarray
    region_share: np.ndarray
    state_share: np.ndarray

    @property
    def regions(self) -> int:
        """The number of regions."""
        return len(self.region_share)


def turnover_spread(path: np.ndarray, turnover: np.ndarray, region: np.ndarray) -> Spread:
    """The spread of the deviations by the states' migration turnover.

    Parameters
    ----------
    path : ndarray, (time or 1, state)
        The path's migrants by state [persons per year].
    turnover : ndarray, (state,)
        Each state's migrants in absolute value, summed over sex and age
        [persons per year]: where more migrants come or go, the deviations
        are larger.
    region : ndarray of int, (state,)
        Each state's region.

    Examples
    --------
    >>> spread = turnover_spread(np.array([[-1.0, 3.0]]), np.array([1.0, 3.0]), np.array([0, 1]))
    >>> spread.region_share.tolist(), spread.state_share.tolist()
    ([0.25, 0.75], [1.0, 1.0])
    """
    by_region = np.bincount(region, weights=turnover)
    if not by_region.sum() > 0:
        raise InputError("the scenario's migration", "no migrants in any state",
                         "some migrants, whose turnover spreads the deviations",
                         "state a migration path, or run without draws")
    own_region = by_region[region]
    state_share = np.divide(turnover, own_region, out=np.zeros_like(turnover), where=own_region > 0)
    return Spread(path=np.atleast_2d(path), region=np.asarray(region),
                  region_share=by_region / by_region.sum(), state_share=state_share)


def check_perturbable(scenario: Scenario) -> None:
    """Stochastic runs perturb a national TFR, e0 targets and a migration path
    (a net total, or the immigrants)."""
    for component, methods in PERTURBED.items():
        found = scenario.components[component]
        if found.method not in methods or isinstance(found.path, dict) and component == "fertility":
            named = " or ".join(methods)
            raise InputError(f"{scenario.source}: {component}", f"the method {found.method}",
                             f"{named} (a national path) for a stochastic projection",
                             f"state {component}.{methods[0]}, or run without draws")
    if len(scenario.variants) > 1:
        raise InputError(f"{scenario.source}: variants", f"{len(scenario.variants)} variants",
                         "one scenario for a stochastic projection",
                         "run each variant's own scenario file with draws")


def draw_paths(scenario: Scenario, parameters: Uncertainty, spread: Spread,
               steps: np.ndarray, first: int, count: int) -> Paths:
    """Perturbed TFR, e0 and migration paths of draws ``first .. first + count - 1``.

    Parameters
    ----------
    scenario : Scenario
        A scenario that passes :func:`check_perturbable`.
    parameters : Uncertainty
        The stochastic model's parameters and seed.
    spread : Spread
        The path's migrants by state and how the deviations reach the states.
    steps : ndarray of int
        The years of the projection's steps.
    first, count : int
        Which draws.

    Returns
    -------
    Paths
    """
    components = scenario.components
    regions = spread.regions
    normal = standard_normals(parameters.seed, first, count, (len(steps), 5 + regions))
    deviation = autoregressive(parameters.fertility_sd * normal[..., 0],
                               parameters.fertility_autocorrelation)
    # the level's random walk takes the last column, after the regions' own deviations
    deviation += np.cumsum(parameters.fertility_level_sd * normal[..., 4 + regions], axis=1)
    tfr = components["fertility"].path.at(steps) * np.exp(deviation)
    c = parameters.mortality_sex_correlation
    female = normal[..., 1]
    male = c * normal[..., 1] + np.sqrt(1 - c * c) * normal[..., 2]
    walk = np.cumsum(parameters.mortality_sd * np.stack([female, male], axis=-1), axis=1)
    targets = np.stack([components["mortality"].path[s].at(steps) for s in SEXES], axis=-1)
    migration = migration_deviation(parameters, spread, normal[..., 3], normal[..., 4:4 + regions])
    return Paths(tfr=tfr, e0=targets + walk, net_migration=spread.path + migration,
                 migration_deviation=migration)


def migration_deviation(parameters: Uncertainty, spread: Spread, national: np.ndarray,
                        own: np.ndarray) -> np.ndarray:
    """The migration deviations (draw, time, state) of normal innovations [persons per year].

    Parameters
    ----------
    parameters : Uncertainty
        ``migration_sd``, ``migration_regional_sd`` and ``migration_autocorrelation``.
    spread : Spread
        How the deviations reach the states.
    national : ndarray, (draw, time)
        Innovations of the national deviation u.
    own : ndarray, (draw, time, region)
        Innovations of the regions' own deviations, centred here on their
        mean over the regions (a single region has none).
    """
    phi = parameters.migration_autocorrelation
    common = autoregressive(parameters.migration_sd * national, phi)
    centred = own - own.mean(axis=-1, keepdims=True)
    regional = common[..., None] * spread.region_share \
        + autoregressive(parameters.migration_regional_sd * centred, phi)
    return regional[..., spread.region] * spread.state_share


def parameters_of(scenario: Scenario, seed: int | None = None) -> Uncertainty:
    """A scenario's stochastic parameters: its base's defaults with its ``[uncertainty]``
    table, and ``seed`` if given.

    Examples
    --------
    >>> from projsim.io import load_scenario
    >>> parameters_of(load_scenario("fpb-2013"), seed=7).seed
    7
    """
    return uncertainty(scenario.base_data.uncertainty_parameters, scenario.uncertainty, seed)
