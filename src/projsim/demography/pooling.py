"""National rates from regional ones: population-weighted means over the state axis.

The state axis is the third from the end of every array here (state, sex,
age), so any leading dimensions (time, variant, draw) are pooled at once.
"""

from __future__ import annotations

import numpy as np


def national_rates(regional_rates, weights):
    """Death rates of the nation: the weighted mean of the states' rates
    (..., state, sex, age) -> (..., sex, age) [per person-year].

    Where no state has anyone (for example the oldest men of a small base)
    the plain mean of the states' rates stands in.

    Examples
    --------
    >>> national_rates(np.array([[[0.1, 0.2]], [[0.3, 0.4]]]),
    ...                np.array([[[1.0, 0.0]], [[3.0, 0.0]]]))
    array([[0.25, 0.3 ]])
    """
    total = weights.sum(-3)
    weighted = np.einsum("...rsa,...rsa->...sa", regional_rates, weights)
    has_weight = total > 0
    np.divide(weighted, total, out=weighted, where=has_weight)
    if not has_weight.all():
        weighted = np.where(has_weight, weighted, regional_rates.mean(-3))
    return weighted


def pooled_oldest(population, *, each_row=False):
    """Population weights with the oldest ages pooled from the first empty cell.

    From the first age at which some state and sex has nobody, every age
    takes the state's and sex's total over those ages, so that a national
    mean of the states' rates is defined at every age.

    Parameters
    ----------
    population : numpy.ndarray, (..., state, sex, age)
        Populations or exposures [persons or person-years].
    each_row : bool, default False
        Find the first empty age in each row (each index of the leading
        dimensions, such as a year and a draw) instead of anywhere, so that
        one row's weights do not depend on the others.

    Returns
    -------
    numpy.ndarray
        The weights, shape of ``population``; ``population`` itself when
        no cell is empty.

    Examples
    --------
    >>> pooled_oldest(np.array([[[5.0, 2.0, 0.0, 1.0]]]))
    array([[[5., 2., 1., 1.]]])
    >>> pooled_oldest(np.array([[[[5.0, 2.0, 0.0, 1.0]]], [[[5.0, 2.0, 3.0, 1.0]]]]),
    ...               each_row=True)[:, 0, 0]
    array([[5., 2., 1., 1.],
           [5., 2., 3., 1.]])
    """
    shared = (-3, -2) if each_row else tuple(range(population.ndim - 1))
    empty = (population == 0).any(axis=shared, keepdims=True)
    pooled = np.logical_or.accumulate(empty, axis=-1)
    if not pooled.any():
        return population
    first = int(np.argmax(pooled.reshape(-1, pooled.shape[-1]).any(axis=0)))
    old, is_pooled = population[..., first:], pooled[..., first:]
    oldest = np.where(is_pooled, old, 0.0).sum(-1, keepdims=True)
    weights = population.copy()
    weights[..., first:] = np.where(is_pooled, oldest, old)
    return weights


def national_fertility(schedule: np.ndarray, women: np.ndarray) -> np.ndarray:
    """National fertility rates (age) of the states' rates (state, age), weighted
    by the women (state, age) of each state [births per woman per year].

    Examples
    --------
    >>> national_fertility(np.array([[0.0, 0.1], [0.0, 0.3]]), np.array([[5.0, 1.0], [5.0, 3.0]]))
    array([0.  , 0.25])
    """
    return (schedule * women).sum(0) / np.maximum(women.sum(0), 1e-300)
