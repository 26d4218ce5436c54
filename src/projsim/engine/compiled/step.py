"""The projection step of one draw and the moves between states, compiled once.

These are the compiled twins of :func:`projsim.engine.step` (with
``record=False`` and ``safeguard="reduce"``) and of
:func:`projsim.engine.move_between`. The fused batch step
(:mod:`projsim.engine.compiled.fused`) and the ensemble blocks
(:mod:`projsim.engine.compiled.blocks`) both call them; the tests hold them
to the numpy step. numba is imported with this module.
"""

from numba import njit


@njit(cache=True, fastmath={"reassoc", "contract"})
def dot(x, y):
    """Sum of ``x * y``, reassociated so that it vectorises."""
    acc = 0.0
    for i in range(x.shape[0]):
        acc += x[i] * y[i]
    return acc


@njit(cache=True)
def advance_state(before, survival, fertility, migrants, weights, width, exposed, ended, after):
    """Advance one state of one draw by a step, except its infants; return its births.

    The algebra of :func:`projsim.engine.step` under ``safeguard="reduce"``:
    migrants of the start part, survival, migrants of the middle part, the
    births from the mean of the start and end female population, migrants
    of the end part, every outflow cut to the population at risk.

    Parameters
    ----------
    before : ndarray, (sex, age)
        Population at the start [persons].
    survival : ndarray, (sex, age)
        Survival ratios in the UN labelling [1].
    fertility : ndarray, (age)
        Fertility rates of the mothers [births per woman per year].
    migrants : ndarray, (sex, age)
        Net international migrants of the step [persons].
    weights : ndarray, (3)
        Shares of the migrants at the start, middle and end of the step.
    width : float
        Step length [years].
    exposed, ended : ndarray, (age)
        Scratch rows.
    after : ndarray, (sex, age)
        Receives the end population at ages 1 and over [persons].

    Returns
    -------
    float
        Births of the step in this state, both sexes [persons].
    """
    w_start, w_mid, w_late = weights[0], weights[1], weights[2]
    sexes, ages = before.shape
    last = ages - 1
    births = 0.0
    for s in range(sexes):
        row, ratio, moving, out = before[s], survival[s], migrants[s], after[s]
        for a in range(ages):
            exposed[a] = max(row[a] + w_start * moving[a], 0.0)
        for a in range(1, last):
            end = max(ratio[a] * exposed[a - 1] + w_mid * moving[a], 0.0)
            ended[a] = end
            out[a] = max(end + w_late * moving[a], 0.0)
        end = max(ratio[last] * (exposed[last - 1] + exposed[last]) + w_mid * moving[last], 0.0)
        ended[last] = end
        out[last] = max(end + w_late * moving[last], 0.0)
        if s == 0:
            for a in range(1, ages):
                exposed[a] += ended[a]
            births = dot(fertility[1:], exposed[1:])
    return births * 0.5 * width


@njit(cache=True)
def place_infants(female, male, survival, migrants, weights, after):
    """Write the end population of age group 0 of one state from its births.

    The girls ``female`` and boys ``male`` born into the state [persons]
    survive with ``survival[:, 0]`` and are joined by the infants among the
    migrants of the middle and end parts, each part cut to zero as
    :func:`advance_state` cuts.
    """
    w_mid, w_late = weights[1], weights[2]
    for s in range(after.shape[0]):
        born = female if s == 0 else male
        infants = max(survival[s, 0] * born + w_mid * migrants[s, 0], 0.0)
        after[s, 0] = max(infants + w_late * migrants[s, 0], 0.0)


@njit(cache=True)
def advance_states(before, survival, fertility, sex_ratio, migrants, birth_destination, weights,
                   width, exposed, ended, born, after):
    """Advance every state of one draw by a step: :func:`projsim.engine.step`'s algebra.

    Parameters
    ----------
    before, survival, migrants : ndarray, (state, sex, age)
        Start population [persons], survival ratios [1] and net international
        migrants of the step [persons].
    fertility : ndarray, (state, age)
        Fertility rates [births per woman per year].
    sex_ratio : ndarray, (state)
        Male births per female birth [1].
    birth_destination : ndarray, (state, state)
        Share of each mother's state's births born into each state [1]; an
        empty array: every child is born into its mother's state.
    weights : ndarray, (3)
        Shares of the migrants at the start, middle and end of the step.
    width : float
        Step length [years], times any factor of the fertility rates.
    exposed, ended : ndarray, (age)
        Scratch rows.
    born : ndarray, (state, 2)
        Scratch: girls and boys by the mother's state.
    after : ndarray, (state, sex, age)
        Receives the end population [persons].
    """
    states = before.shape[0]
    for r in range(states):
        births = advance_state(before[r], survival[r], fertility[r], migrants[r], weights,
                               width, exposed, ended, after[r])
        born[r, 0] = births / (1.0 + sex_ratio[r])
        born[r, 1] = births - born[r, 0]
    mixed = birth_destination.shape[0] > 0
    for d in range(states):
        female, male = born[d, 0], born[d, 1]
        if mixed:
            female, male = 0.0, 0.0
            for r in range(states):
                female += born[r, 0] * birth_destination[r, d]
                male += born[r, 1] * birth_destination[r, d]
        place_infants(female, male, survival[d], migrants[d], weights, after[d])


@njit(cache=True)
def take_leavers(population, leave, moved):
    """Remove the movers ``population * leave`` from every cell and keep them in ``moved``.

    ``leave`` is the probability of moving, ``1 - exp(-n m)``, so the movers
    never exceed the population. Arrays are (state, sex, age) of one draw.
    """
    flat = population.reshape(-1)
    flat_leave = leave.reshape(-1)
    flat_moved = moved.reshape(-1)
    for c in range(flat.shape[0]):
        moving = flat[c] * flat_leave[c]
        flat_moved[c] = moving
        flat[c] -= moving


#: From this many states on, :func:`distribute` runs its blocked product; below, the
#: plain loop (measured: the blocks cost a region x nationality ensemble, 6 states,
#: a few per cent).
BLOCKED_FROM = 8


@njit(cache=True)
def distribute(moved, destination, population):
    """Add each origin's movers ``moved`` to the destinations, by ``destination`` (rows: origin).

    From :data:`BLOCKED_FROM` states on, a blocked product: four origins
    into two destinations at a time, so
    that each pass over the cells reads four rows of movers once for two
    destination rows, and reads and writes each destination row once per
    four origins instead of once per origin. Every destination cell still
    gets its origins' shares added one at a time in origin order, a multiply
    then an add, so the sums are those of one origin at a time to the last
    bit. A zero share within a block adds ``0 * movers``, which changes
    nothing (the movers are finite). A block with at most two shares that
    are not zero (one, for a single destination) adds just those, one
    origin at a time, as sparse matrices (naturalisation, say) would
    otherwise cost more than before.
    """
    states = population.shape[0]
    flat = population.reshape(states, -1)
    flat_moved = moved.reshape(states, -1)
    cells = flat.shape[1]
    i = 0
    while i + 4 <= states and states >= BLOCKED_FROM:
        m0, m1, m2, m3 = flat_moved[i], flat_moved[i + 1], flat_moved[i + 2], flat_moved[i + 3]
        j = 0
        while j < states:
            k = min(j + 1, states - 1)      # the second destination (the first again at the end)
            s0, s1 = destination[i, j], destination[i + 1, j]
            s2, s3 = destination[i + 2, j], destination[i + 3, j]
            t0, t1 = destination[i, k], destination[i + 1, k]
            t2, t3 = destination[i + 2, k], destination[i + 3, k]
            nonzero = ((s0 != 0.0) + (s1 != 0.0) + (s2 != 0.0) + (s3 != 0.0))
            if k != j:
                nonzero += (t0 != 0.0) + (t1 != 0.0) + (t2 != 0.0) + (t3 != 0.0)
            if nonzero <= (1 if k == j else 2):       # sparse: the shares one at a time
                for o in range(i, i + 4):
                    for d in range(j, k + 1):
                        share = destination[o, d]
                        if share != 0.0:
                            for c in range(cells):
                                flat[d, c] += share * flat_moved[o, c]
            elif k == j:
                out = flat[j]
                for c in range(cells):
                    out[c] = out[c] + s0 * m0[c] + s1 * m1[c] + s2 * m2[c] + s3 * m3[c]
            else:
                out, other = flat[j], flat[k]
                for c in range(cells):
                    a, b, d, e = m0[c], m1[c], m2[c], m3[c]
                    out[c] = out[c] + s0 * a + s1 * b + s2 * d + s3 * e
                    other[c] = other[c] + t0 * a + t1 * b + t2 * d + t3 * e
            j += 2
        i += 4
    for i in range(i, states):      # the origins left, one at a time (all of them, if few)
        for j in range(states):
            share = destination[i, j]
            if share != 0.0:
                for c in range(cells):
                    flat[j, c] += share * flat_moved[i, c]


@njit(cache=True)
def move_between(population, leave, destination, moved):
    """Every move between states of one draw, in turn: :func:`projsim.engine.move_between`.

    ``leave`` (move, state, sex, age) are the probabilities of moving,
    ``destination`` (move, state, state) the destination shares; ``moved`` is
    a scratch array (state, sex, age).
    """
    for k in range(leave.shape[0]):
        take_leavers(population, leave[k], moved)
        distribute(moved, destination[k], population)
