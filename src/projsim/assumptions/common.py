"""What the component builders share: paths read at the step years, variants stacked."""

from __future__ import annotations

import numpy as np

from projsim.model.paths import over_steps
from projsim.model.scenario import Component


def stack(arrays):
    """Per-variant arrays (time, ...) stacked on the batch axis: (time, batch, ...)."""
    return np.stack(arrays, axis=1)


def scaled(base_values, component: Component, steps, width: int = 1):
    """Base values times the component's scale path, its mean over each step of
    ``width`` years (:func:`~projsim.model.paths.over_steps`): (time, ...)."""
    factor = over_steps(component.path, steps, width)
    return factor.reshape((-1,) + (1,) * base_values.ndim) * base_values
