"""Model age schedules used to spread totals over age.

References
----------
Rogers, A. and Castro, L. J. (1981). *Model Migration Schedules*. Research
Report RR-81-30, International Institute for Applied Systems Analysis,
Laxenburg. https://pure.iiasa.ac.at/id/eprint/1543/

Rogers, A., Little, J. and Raymer, J. (2010). *The Indirect Estimation of
Migration*. Dordrecht: Springer, ch. 2 (the standard parameter values).
"""

from __future__ import annotations

import numpy as np

def rogers_castro(ages, a1=0.02, alpha1=0.10, a2=0.06, alpha2=0.10, mu2=20.0, lambda2=0.40,
                  c=0.003):
    """The 7-parameter Rogers-Castro model migration schedule.

    The default parameters are those of the "standard" schedule of Rogers and
    Castro (1981): a childhood component falling with age, a labour-force
    peak in the early twenties and a constant.

    .. math::

        m(x) = a_1 e^{-\\alpha_1 x}
               + a_2 \\exp\\left(-\\alpha_2 (x - \\mu_2) - e^{-\\lambda_2 (x - \\mu_2)}\\right)
               + c

    Parameters
    ----------
    ages : array_like
        Ages [years], for example the age groups 0, 1, ..., omega.
    a1, alpha1 : float
        Level [1] and rate of descent [per year] of the childhood component.
    a2, alpha2, mu2, lambda2 : float
        Level [1], rate of descent [per year], mean age [years] and rate of
        ascent [per year] of the labour-force component.
    c : float
        Constant [1].

    Returns
    -------
    ndarray
        The schedule's value at each age [1]; divide by its sum for an age
        profile.

    Examples
    --------
    >>> schedule = rogers_castro(np.arange(101))
    >>> int(np.argmax(schedule[10:])) + 10     # the labour-force peak
    23
    >>> bool(schedule[0] > schedule[10])       # children move with their parents
    True
    """
    x = np.asarray(ages, dtype=float)
    childhood = a1 * np.exp(-alpha1 * x)
    labour = a2 * np.exp(-alpha2 * (x - mu2) - np.exp(-lambda2 * (x - mu2)))
    return childhood + labour + c
