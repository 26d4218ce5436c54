"""A plain-numpy textbook projection, written here only as a speed baseline.

The cohort-component step of Preston, Heuveline and Guillot (2001, ch. 6) for
one population of two sexes and single years of age, with net international
migrants half at the start and half at the end of each year (the "even"
timing), as a student would write it from the textbook: a Python loop over
years and a handful of numpy operations per year. It records no flows and
cuts no outflow, so it is the floor a general engine is compared with
(``bench_kernel.py``); its result equals ``projsim.engine.project`` on the
same inputs when no cell would go negative.
"""

from __future__ import annotations

import numpy as np


def project(population, survival, fertility, sex_ratio, migrants, years):
    """Project ``population`` (sex, age) over ``years`` one-year steps.

    Parameters
    ----------
    population : ndarray, (2, age)
        Population on 1 January, women first [persons].
    survival : ndarray, (2, age)
        Survival ratios in the UN labelling (``S[0]`` from births) [1].
    fertility : ndarray, (age)
        Fertility rates of the women [births per woman per year].
    sex_ratio : float
        Male births per female birth [1].
    migrants : ndarray, (2, age)
        Net international migrants of each year [persons].
    years : int
        Number of one-year steps.

    Returns
    -------
    ndarray, (years + 1, 2, age)
        Population on each 1 January [persons].
    """
    out = np.empty((years + 1,) + population.shape)
    out[0] = population
    half = 0.5 * migrants
    girls = 1.0 / (1.0 + sex_ratio)
    for t in range(years):
        exposed = out[t] + half
        end = out[t + 1]
        end[:, 1:] = survival[:, 1:] * exposed[:, :-1]
        end[:, -1] += survival[:, -1] * exposed[:, -1]
        end[:, 1:] += half[:, 1:]
        births = 0.5 * fertility @ (exposed[0] + end[0])
        end[0, 0] = survival[0, 0] * births * girls
        end[1, 0] = survival[1, 0] * (births - births * girls)
        end[:, 0] += half[:, 0]
    return out
