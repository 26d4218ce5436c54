"""The Lee-Carter model of log death rates, and its age pattern on any ages.

The Belgian model shipped with projsim is estimated by
``tools/build_lee_carter.py`` from the Human Mortality Database death rates
of Belgium, 1970-2011, by sex and single age 0..110+, with the
normalisation :math:`\\sum_x b(x) = 1` and :math:`\\sum_t k(t) = 0` of Lee
and Carter; :func:`projsim.io.load_lee_carter` reads it.

References
----------
Lee, R. D. and Carter, L. R. (1992). Modeling and forecasting U.S.
mortality. *Journal of the American Statistical Association* 87(419):
659-671. https://doi.org/10.1080/01621459.1992.10475265
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from projsim.errors import InputError


@dataclass(frozen=True, eq=False)
class LeeCarter:
    """A Lee-Carter model of log death rates, :math:`\\ln m(x, t) = a(x) + b(x) k(t)`.

    Row ``i`` of every by-sex array belongs to ``sexes[i]``; the last axis of
    ``mean_log_rate`` and ``age_pattern`` is age ``ages`` (the last is the
    open group). The arrays are read-only.

    Attributes
    ----------
    sexes : tuple of str
        Labels of the sex axis, ``projsim.types.SEXES``.
    ages : numpy.ndarray of int, shape (n_ages,)
        Single ages [years]; the last is the open age group.
    years : numpy.ndarray of int, shape (n_years,)
        Calendar years of the fit.
    mean_log_rate : numpy.ndarray, shape (n_sexes, n_ages)
        :math:`a(x)`, the mean over the years of :math:`\\ln m(x, t)`
        [log of deaths per person-year].
    age_pattern : numpy.ndarray, shape (n_sexes, n_ages)
        :math:`b(x)`, the age pattern of change [dimensionless], summing to 1
        over the ages of the estimate.
    mortality_index : numpy.ndarray, shape (n_sexes, n_years)
        :math:`k(t)` [dimensionless], summing to 0 over the years.
    """

    sexes: tuple[str, ...]
    ages: np.ndarray
    years: np.ndarray
    mean_log_rate: np.ndarray
    age_pattern: np.ndarray
    mortality_index: np.ndarray

    def on_ages(self, ages) -> LeeCarter:
        """The model on other single ages, the last one open.

        Each age takes the values of age :math:`\\min(x, \\omega)` of the
        estimate (:math:`\\omega` its open age): single ages above it and an
        open group above it take those of its open group, and an open group
        below it takes those of the single age. :math:`b(x)` then no longer
        sums exactly to 1.

        Parameters
        ----------
        ages : array_like of int
            Single ages 0, 1, ..., :math:`\\omega` [years], the last one open.

        Raises
        ------
        projsim.errors.InputError
            If ``ages`` are not consecutive integers from 0.
        """
        ages = np.asarray(ages)
        if not (ages.ndim == 1 and ages.size >= 2 and np.array_equal(ages, np.arange(ages.size))):
            raise InputError(
                "argument 'ages'",
                f"{np.array2string(ages, threshold=6, separator=', ')} (shape {ages.shape})",
                "consecutive single ages from 0, the last one open",
                "pass the ages of the base, for example load_base('belgium-2012').ages",
            )
        at = np.minimum(ages, self.ages[-1])
        arrays = (ages.copy(), self.mean_log_rate[:, at], self.age_pattern[:, at])
        for array in arrays:
            array.setflags(write=False)
        ages, mean_log_rate, age_pattern = arrays
        return LeeCarter(self.sexes, ages, self.years, mean_log_rate, age_pattern,
                         self.mortality_index)

    def on_groups(self, first_ages) -> LeeCarter:
        """The model on age groups, such as the abridged 0, 1-4, 5-9, ..., the last one open.

        Each closed group takes the mean of :math:`a(x)` and of :math:`b(x)`
        over its single ages (:meth:`on_ages`), the open group the values of
        its first age, as :meth:`on_ages` gives an open group: the change of
        a group's log rate is then close to the mean change of its single
        ages' log rates.

        Parameters
        ----------
        first_ages : array_like of int
            First age of each group [years], increasing from 0, the last one
            the open group.

        Examples
        --------
        >>> from projsim.io import load_lee_carter
        >>> model = load_lee_carter()
        >>> grouped = model.on_groups([0, 1, 5, 10])
        >>> bool(np.isclose(grouped.age_pattern[0, 1], model.age_pattern[0, 1:5].mean()))
        True
        """
        starts = np.asarray(first_ages)
        widths = np.diff(starts) if starts.ndim == 1 else starts
        if not (starts.ndim == 1 and starts.size >= 2 and starts[0] == 0 and np.all(widths > 0)):
            raise InputError(
                "argument 'first_ages'", repr(starts.tolist()),
                "increasing first ages of the groups from 0, the last one open",
                "pass the first ages of the groups, for example [0, 1, 5, 10, ..., 100]")

        single = self.on_ages(np.arange(starts[-1] + 1))

        def grouped(values):
            sums = np.add.reduceat(values[:, :-1], starts[:-1], axis=-1)
            return np.concatenate([sums / widths, values[:, -1:]], axis=-1)

        arrays = (starts.copy(), grouped(single.mean_log_rate), grouped(single.age_pattern))
        for array in arrays:
            array.setflags(write=False)
        return LeeCarter(self.sexes, *arrays[:1], self.years, *arrays[1:], self.mortality_index)
