"""The pieces of the reference step: survival, births, outflows cut, cohort labels.

Each piece works on unlabeled arrays with the kernel's axes (batch, state,
sex, age) or on any leading axes; :func:`projsim.engine.step` puts them
together in the order the README's Method section gives.
"""

from __future__ import annotations

import numpy as np


def survive(population, survival, out=None, deaths=None):
    """Age a population by one group and apply survival ratios.

    The shift by one age group runs on the flattened ``(batch, rest)`` view, a
    single contiguous multiplication; the cells that cross from one row to the
    next land in group 0, which is reset (births fill it).

    Parameters
    ----------
    population : ndarray, (batch, ..., age)
        Population at the start of the step, C-contiguous [persons].
    survival : ndarray, (batch or 1, ..., age)
        Survival ratios in the UN labelling (see :class:`Rates`) [1].
    out : ndarray, optional
        Where to write the survivors; a new array by default.
    deaths : ndarray, optional
        If given, receives the deaths of each cohort.

    Returns
    -------
    ndarray, (batch, ..., age)
        Survivors at the end of the step by age group at the end [persons];
        group 0 is zero.

    Examples
    --------
    >>> deaths = np.empty((1, 3))
    >>> survive(np.array([[10.0, 20.0, 30.0]]), np.array([[0.9, 0.5, 0.25]]), deaths=deaths)
    array([[ 0. ,  5. , 12.5]])
    >>> deaths
    array([[ 0. ,  5. , 37.5]])
    """
    shape = population.shape
    out = np.empty(shape) if out is None else out
    if survival.shape[1:] != shape[1:]:
        survival = np.broadcast_to(survival, survival.shape[:1] + shape[1:])
    flat_pop, flat_out = population.reshape(shape[0], -1), out.reshape(shape[0], -1)
    flat_survival = survival.reshape(survival.shape[0], -1)
    np.multiply(flat_pop[:, :-1], flat_survival[:, 1:], out=flat_out[:, 1:])
    out[..., -1] += population[..., -1] * survival[..., -1]
    out[..., 0] = 0.0
    if deaths is not None:
        flat_deaths = deaths.reshape(shape[0], -1)
        np.subtract(flat_pop[:, :-1], flat_out[:, 1:], out=flat_deaths[:, 1:])
        deaths[..., -1] = population[..., -2] + population[..., -1] - out[..., -1]
        deaths[..., 0] = 0.0
    return out


def fertile_ages(fertility_rate) -> slice:
    """The age groups (last axis) where some fertility rate is not zero, as a slice.

    Examples
    --------
    >>> fertile_ages(np.array([[0.0, 0.1, 0.0, 0.2, 0.0]]))
    slice(1, 4, None)
    """
    ages = np.shape(fertility_rate)[-1]
    fertile = np.flatnonzero(np.reshape(np.asarray(fertility_rate) != 0, (-1, ages)).any(axis=0))
    return slice(int(fertile[0]), int(fertile[-1]) + 1) if fertile.size else slice(0, 0)


def births_in_step(start, end, fertility_rate, sex_ratio_at_birth, width, fertile=None,
                   by_age=True):
    """Births during a step from the mean of the start and end female population.

    Only the age groups where some fertility rate is non-zero are read.

    Parameters
    ----------
    start, end : ndarray, (..., sex, age)
        Population at the start and at the end of the step, by the same age
        group index [persons]; sex 0 are the mothers.
    fertility_rate : ndarray, (..., age)
        Age-specific fertility rates [births per woman per year].
    sex_ratio_at_birth : ndarray, (...)
        Male births per female birth [1].
    width : int
        Step length [years].
    fertile : slice, optional
        The age groups to read (:func:`fertile_ages`, found once for a whole
        projection); by default those where some rate is not zero.
    by_age : bool
        If false, return ``None`` for the births by age of the mother.

    Returns
    -------
    births : ndarray, (..., sex)
        Births by sex of the child [persons per step]: female ``B / (1 + srb)``,
        male the rest.
    births_by_age : ndarray or None, (..., age)
        Births by age group of the mother [persons per step],
        ``n f(i) (start(i) + end(i)) / 2``.

    Examples
    --------
    >>> start = np.array([[0.0, 100.0, 50.0], [0.0, 0.0, 0.0]])
    >>> end = np.array([[0.0, 80.0, 90.0], [0.0, 0.0, 0.0]])
    >>> births_in_step(start, end, np.array([0.0, 0.5, 0.1]), np.array(1.0), 1)
    (array([26., 26.]), array([ 0., 45.,  7.]))
    """
    fertile = fertile_ages(fertility_rate) if fertile is None else fertile
    mothers = start[..., 0, fertile] + end[..., 0, fertile]
    at_age = fertility_rate[..., fertile] * mothers
    at_age *= 0.5 * width
    total = at_age.sum(axis=-1)
    births = np.empty(total.shape + (2,))
    births[..., 0] = total / (1.0 + sex_ratio_at_birth)
    births[..., 1] = total - births[..., 0]
    if not by_age:
        return births, None
    births_by_age = np.zeros(at_age.shape[:-1] + start.shape[-1:])
    births_by_age[..., fertile] = at_age
    return births, births_by_age


def cut_outflows(population, workspace, name, keep=True):
    """Raise negative cells to zero in place and return what was cut.

    Parameters
    ----------
    population : ndarray
        Population after an outflow [persons]; modified in place.
    workspace : Workspace
        Where the returned array lives.
    name : str
        Its name in the workspace.
    keep : bool
        If false, only clip (one pass instead of two) and return ``None``.

    Returns
    -------
    ndarray or None
        The negative parts that were removed (``<= 0``): adding it back gives
        the population before the cut [persons].

    Examples
    --------
    >>> from projsim.engine import Workspace
    >>> pop = np.array([5.0, -3.0])
    >>> cut_outflows(pop, Workspace(), "cut"), pop
    (array([ 0., -3.]), array([5., 0.]))
    """
    if not keep:
        np.maximum(population, 0.0, out=population)
        return None
    negative = np.minimum(population, 0.0, out=workspace.get(name, population.shape))
    population -= negative
    return negative


def to_cohort(at_start, after_start, out=None):
    """Relabel flows by the age group their cohort reaches at the end of a step.

    Parameters
    ----------
    at_start : ndarray, (..., age)
        Flows joining at the start of the step, by age at the start.
    after_start : ndarray, (..., age)
        Flows joining later in the step, by age at the end.
    out : ndarray, optional
        Where to write the result.

    Returns
    -------
    ndarray, (..., age)
        The flows of each cohort, by age group at the end of the step; the
        open group pools the start flows of groups ``omega - 1`` and ``omega``.

    Examples
    --------
    >>> to_cohort(np.array([1.0, 2.0, 3.0]), np.array([10.0, 20.0, 30.0]))
    array([10., 21., 35.])
    """
    shape = np.broadcast_shapes(np.shape(at_start), np.shape(after_start))
    out = np.empty(shape) if out is None else out
    out[...] = after_start
    out[..., 1:] += at_start[..., :-1]
    out[..., -1] += at_start[..., -1]
    return out
