"""Moves between states, and children born into another state than their mother's.

The multiregional method (Rogers 1975): movers out of each origin are
``P (1 - exp(-n m))`` and are shared among the destinations by a matrix
whose rows sum to 1, in one stacked matrix product over the state axis.
Internal migration between regions and naturalisation between
nationalities are both such moves; the compiled twins are in
:mod:`projsim.engine.compiled.step`.

References
----------
Rogers, A. (1975). *Introduction to Multiregional Mathematical Demography*.
New York: Wiley.
"""

from __future__ import annotations

import numpy as np


def leaving(population, move_rate, width, out=None):
    """Movers out of each origin: ``P (1 - exp(-n m))``, never more than ``P``.

    Parameters
    ----------
    population : ndarray, (batch, state, sex, age)
        Population at risk, non-negative [persons].
    move_rate : ndarray, (batch or 1, state, sex, age)
        The move's rates [per person-year].
    width : int
        Step length [years].
    out : ndarray, optional
        Where to write the movers.

    Returns
    -------
    ndarray, (batch, state, sex, age)
        Movers by origin [persons].
    """
    out = np.empty(population.shape) if out is None else out
    return np.multiply(population, -np.expm1(-width * move_rate), out=out)


def distribute(moved_out, move_destination, out=None):
    """Send each origin's movers to the destinations: one stacked matrix product.

    Parameters
    ----------
    moved_out : ndarray, (batch, state, sex, age)
        Movers by origin [persons].
    move_destination : ndarray, (batch or 1, state, state)
        Destination shares of each origin's movers (rows: origin) [1].
    out : ndarray, optional
        Where to write the in-movers.

    Returns
    -------
    ndarray, (batch, state, sex, age)
        Movers by destination [persons]; their total equals the movers' (to
        rounding) wherever each moving origin's shares sum to 1.
    """
    batch, states = moved_out.shape[:2]
    out = np.empty(moved_out.shape) if out is None else out
    target = np.reshape(out, (batch, states, -1), copy=False)   # a view: raises if it cannot be
    np.matmul(np.swapaxes(move_destination, -1, -2), moved_out.reshape(batch, states, -1),
              out=target)
    return out


def move_between(population, move_rate, move_destination, width, moved_in=None, moved_out=None):
    """Move people between states: the rates of one move and its destination shares.

    The multiregional method (Rogers 1975), used for internal migration
    between regions and for naturalisation between nationalities alike:
    movers out of each origin are ``P (1 - exp(-n m))`` (:func:`leaving`) and
    are shared among destinations by ``move_destination`` in one stacked
    matrix product over the state axis (:func:`distribute`). The total over
    states is unchanged (to rounding).

    Parameters
    ----------
    population : ndarray, (batch, state, sex, age)
        Population at risk, non-negative [persons].
    move_rate : ndarray, (batch or 1, state, sex, age)
        Rates of the move [per person-year].
    move_destination : ndarray, (batch or 1, state, state)
        Destination shares of each origin's movers [1].
    width : int
        Step length [years].
    moved_in, moved_out : ndarray, optional
        Where to write the results.

    Returns
    -------
    moved_in, moved_out : ndarray, (batch, state, sex, age)
        Movers by destination and by origin [persons].

    Examples
    --------
    >>> pop = np.array([100.0, 50.0]).reshape(1, 2, 1, 1)
    >>> rate = np.full((1, 2, 1, 1), np.log(2.0))
    >>> dest = np.array([[[0.0, 1.0], [1.0, 0.0]]])
    >>> [a.ravel() for a in move_between(pop, rate, dest, 1)]
    [array([25., 50.]), array([50., 25.])]
    """
    moved_out = leaving(population, move_rate, width, out=moved_out)
    return distribute(moved_out, move_destination, out=moved_in), moved_out


def born_into(births, birth_destination):
    """Births by the state the children are born into, from births by the mother's state.

    Parameters
    ----------
    births : ndarray, (batch, state, sex)
        Births by the mother's state and sex of the child [persons per step].
    birth_destination : ndarray, (batch or 1, state, state)
        Share of each mother's state's births (rows) born into each state
        (columns) [1].

    Returns
    -------
    ndarray, (batch, state, sex)
        Births by the child's state [persons per step]; their total is unchanged.

    Examples
    --------
    >>> births = np.array([[[10.0, 10.0], [4.0, 6.0]]])
    >>> born_into(births, np.array([[[1.0, 0.0], [0.25, 0.75]]]))
    array([[[11. , 11.5],
            [ 3. ,  4.5]]])
    """
    return np.matmul(np.swapaxes(birth_destination, -1, -2), births)
