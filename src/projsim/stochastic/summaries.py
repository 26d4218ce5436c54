"""Streaming summaries of the draws: running sums, exact or streamed quantiles, labels.

:class:`Running` takes the draws' block sums and totals in draw order and
turns them into the summary Dataset: the mean and standard deviation of
every cell, quantiles of the population by state and broad age group and of
the national total, and the probability that the national population
exceeds thresholds. Quantiles are exact (from every draw's totals) or
counted in fixed bins (:class:`Histogram`), so that memory does not grow
with the draws.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from projsim.engine.compiled import load
from projsim.model.states import STATE_DIMS_ATTRIBUTE
from projsim.result import engine_version, variable
from projsim.stochastic.jobs import AGE_GROUPS, Job
from projsim.stochastic.paths import DRAWS_PER_SEED
from projsim.types import SEXES, QuantileMethod

#: Up to this many draws the "auto" quantiles are exact; beyond, they are
#: streamed through histograms, so that memory does not grow with the draws.
EXACT_UP_TO = 2048
#: Bins of the streaming quantiles, spread over four times the range of the
#: first block of draws around it (values outside count in two end bins).
HISTOGRAM_BINS = 1000
#: The quantiles of the summaries.
QUANTILES = (0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95)


class Running:
    """Streaming summaries of the draws, fed in draw order.

    The blocks' sums and squares are added to running totals in block order,
    so they take the same values whatever the chunking; each draw's totals
    by state and age group are kept (exact quantiles) or counted into a
    :class:`Histogram`, and compared with the thresholds.
    """

    def __init__(self, job: Job, thresholds, method: QuantileMethod):
        self.job = job
        shape = (len(job.steps) + 1, *job.population.shape)
        self.sums, self.squares = np.zeros(shape), np.zeros(shape)
        self.thresholds = np.asarray(thresholds, dtype=float)
        self.above = np.zeros((shape[0], self.thresholds.size))
        self.method = method
        self.totals: list[np.ndarray] = []
        self.histogram: Histogram | None = None

    def add_blocks(self, sums: np.ndarray, squares: np.ndarray) -> None:
        """Add blocks' sums and squares (block, date, state, sex, age), in block order."""
        for block in range(sums.shape[0]):
            self.sums += sums[block]
            self.squares += squares[block]

    def add_totals(self, totals: np.ndarray) -> None:
        """Take the next draws' totals (draw, date, state, group).

        With the fused engine, once the histograms exist, the totals are
        counted in one compiled pass (:func:`projsim.engine.compiled.blocks.count_totals`).
        """
        national = totals.sum(axis=2, keepdims=True)                  # (draw, date, 1, group)
        self.above += (national[:, :, 0, -1, None] > self.thresholds).sum(axis=0)
        if self.histogram is not None and self.job.engine == "fused":
            self.histogram.outside += load("blocks").count_totals(np.ascontiguousarray(totals),
                                                   self.histogram.low, self.histogram.width,
                                                   self.histogram.counts)
            return
        values = np.concatenate([totals, national], axis=2)
        if self.method == "exact":
            self.totals.append(values)
        else:
            self.histogram = self.histogram or Histogram(values[:DRAWS_PER_SEED])
            self.histogram.add(values, compiled=self.job.engine == "fused")

    def dataset(self, draws: int, population, chunk: int) -> xr.Dataset:
        """The labelled summaries of ``draws`` draws (and their populations, if kept)."""
        mean = self.sums / draws
        variance = np.maximum(self.squares - draws * mean * mean, 0.0) / max(draws - 1, 1)
        if self.method == "exact":
            by_quantity = np.moveaxis(np.concatenate(self.totals), 0, -1).copy()  # draws last
            found = np.quantile(by_quantity, QUANTILES, axis=-1)   # (quantile, date, R+1, G)
        else:
            found = self.histogram.quantiles(QUANTILES)
        dataset = _dataset(self.job, draws, mean, np.sqrt(variance), found[:, :, :-1],
                           found[:, :, -1], self.thresholds, self.above / draws, population,
                           chunk)
        dataset.attrs["quantile_method"] = self.method
        if self.histogram is not None:
            dataset.attrs["quantile_values_outside_bins"] = int(self.histogram.outside)
        return dataset


class Histogram:
    """Streaming quantiles of many quantities: fixed bins, counts only.

    The bins of each quantity span four times the range of the first block
    of 64 draws around it, about 19 standard deviations (so they depend on
    the seed, never on the chunking); values outside fall in two end bins and
    are counted in ``outside``. A quantile is the value below which its share
    of the draws lies, interpolated linearly within its bin: it differs from
    ``numpy.quantile`` of the same draws by at most one bin (about 0.02
    standard deviations) plus the gap between neighbouring draws.
    """

    def __init__(self, pilot: np.ndarray):
        low, high = pilot.min(axis=0), pilot.max(axis=0)
        span = np.maximum(high - low, 1e-6 * np.maximum(np.abs(high), 1.0))
        self.low = low - 1.5 * span
        self.width = 4 * span / HISTOGRAM_BINS
        self.counts = np.zeros((*low.shape, HISTOGRAM_BINS + 2), dtype=np.int32)
        self.outside = 0

    def add(self, values: np.ndarray, compiled: bool = False) -> None:
        """Count values (draw, date, ...) into the bins of each quantity.

        numpy counts a date at a time; ``compiled`` counts in one pass of
        :func:`projsim.engine.compiled.blocks.count_into` (numba), with the same counts.
        """
        if compiled:
            self.outside += load("blocks").count_into(np.ascontiguousarray(values), self.low, self.width,
                                       self.counts)
            return
        for date in range(values.shape[1]):
            self._add(date, values[:, date])

    def _add(self, date: int, values: np.ndarray) -> None:
        position = np.floor((values - self.low[date]) / self.width[date]).astype(np.int64) + 1
        bins = np.clip(position, 0, HISTOGRAM_BINS + 1)
        self.outside += int(np.count_nonzero((bins == 0) | (bins == HISTOGRAM_BINS + 1)))
        counts = self.counts[date]
        quantity = np.arange(self.low[date].size).reshape(self.low[date].shape)
        flat = (quantity * (HISTOGRAM_BINS + 2) + bins).ravel()
        counts += np.bincount(flat, minlength=counts.size).reshape(counts.shape).astype(
            counts.dtype, copy=False)

    def quantiles(self, levels) -> np.ndarray:
        """Quantiles (level, ...) interpolated within the bins, one date at a time."""
        return np.stack([self._quantiles(levels, self.counts[date], self.low[date],
                                         self.width[date])
                         for date in range(self.counts.shape[0])], axis=1)

    @staticmethod
    def _quantiles(levels, counts, low, width) -> np.ndarray:
        cumulative = np.cumsum(counts, axis=-1)
        total = cumulative[..., -1:]
        out = []
        for level in levels:
            rank = level * total
            index = np.argmax(cumulative >= rank, axis=-1)[..., None]
            inside = np.take_along_axis(counts, index, axis=-1)
            before = np.take_along_axis(cumulative, index, axis=-1) - inside
            fraction = np.where(inside > 0, (rank - before) / np.maximum(inside, 1), 0.5)
            edge = low[..., None] + (index - 1 + fraction) * width[..., None]
            out.append(edge[..., 0])
        return np.stack(out)


def _dataset(job, draws, mean, sd, quantiles, national, thresholds, above, population, chunk):
    """The labelled summaries, from the registry of variables."""
    states = job.states
    years = np.append(job.steps, job.steps[-1] + 1)
    arrays = {"population_mean": mean, "population_sd": sd,
              "population_quantile": np.moveaxis(quantiles, 0, 1),
              "national_quantile": np.moveaxis(national, 0, 1)}
    if thresholds.size:
        arrays["probability_above"] = above
    variables = {name: variable(name, data, states) for name, data in arrays.items()}
    if population is not None:
        variables["population"] = variable("population", np.moveaxis(population, 0, 1).astype(float), states,
                                           lead=("time", "draw"))
    coords = {"time": years, **states.coords(), "sex": list(SEXES),
              "age": ("age", job.ages, {"open_age": int(job.ages[-1])}),
              "quantile": list(QUANTILES), "age_group": list(AGE_GROUPS)}
    if thresholds.size:
        coords["threshold"] = thresholds
    if population is not None:
        coords["draw"] = np.arange(draws)
    parameters = job.parameters
    attrs = {"projsim_version": engine_version(), "scenario": job.scenario.name,
             "sha256_scenario_file": job.scenario.sha256, "base": job.scenario.base,
             "migration_timing": job.scenario.migration_timing,
             "safeguard": job.scenario.safeguard, "draws": draws, "seed": parameters.seed,
             "seeding": f"numpy SeedSequence(seed, spawn_key=(block,)), {DRAWS_PER_SEED} draws "
                        "per block; results do not depend on the chunking",
             "engine": job.engine, "dtype": job.dtype, "chunk": chunk,
             STATE_DIMS_ATTRIBUTE: " ".join(states.dims),
             **{f"uncertainty_{k}": v for k, v in vars(parameters).items() if k != "seed"}}
    return xr.Dataset(variables, coords=coords, attrs=attrs)
