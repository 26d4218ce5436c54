"""The labelled state space: which dimensions a state has, and its flat index.

The engine knows one generic ``state`` axis. A base names the labelled
dimensions behind it: ``region`` alone, or ``region`` crossed with
``nationality`` (:data:`projsim.types.STATE_DIMS`). :class:`StateSpace`
holds those dimensions and their labels, flattens them in C order to the
kernel's state axis and back, and is the one place where the layers above
the engine learn a result's state dimensions, so that a new state dimension
touches the vocabulary and the base, not the analysis.

Examples
--------
>>> space = StateSpace((("region", ("A", "B")), ("nationality", ("own", "foreign"))))
>>> space.dims, space.shape, space.size
(('region', 'nationality'), (2, 2), 4)
>>> space.codes("region").tolist(), space.codes("nationality").tolist()
([0, 0, 1, 1], [0, 1, 0, 1])
>>> space.labels[3]
('B', 'foreign')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from projsim.types import REGION, STATE, STATE_DIMS

#: The attribute of a result that names its state dimensions.
STATE_DIMS_ATTRIBUTE = "state_dims"


@dataclass(frozen=True)
class StateSpace:
    """Labelled state dimensions and their flattening to one state axis.

    Attributes
    ----------
    axes : tuple of (str, tuple of str)
        Each state dimension with its labels, in :data:`projsim.types.STATE_DIMS`
        order; the flat state index runs over them in C order (the last
        fastest). No dimension at all is one state (a national result).
    """

    axes: tuple[tuple[str, tuple[str, ...]], ...]

    def __post_init__(self) -> None:
        dims = [dim for dim, _ in self.axes]
        if any(d not in STATE_DIMS for d in dims) or dims != sorted(dims, key=STATE_DIMS.index):
            raise ValueError(f"state dimensions {dims}: expected some of {STATE_DIMS}, in order")

    @classmethod
    def of(cls, labels: Mapping[str, Sequence[str]]) -> StateSpace:
        """The state space of some dimensions' labels, put in vocabulary order.

        Examples
        --------
        >>> StateSpace.of({"region": ["Flanders", "Wallonia"]}).size
        2
        """
        return cls(tuple((dim, tuple(str(label) for label in labels[dim]))
                         for dim in STATE_DIMS if dim in labels))

    @classmethod
    def from_dataset(cls, dataset) -> StateSpace:
        """The state space of a labelled result: the state dimensions its ``state_dims``
        attribute names and the labels it holds of them (a dimension selected
        away has none). A result without the attribute (written before it
        existed) has regions and any other state dimension it holds."""
        named = dataset.attrs.get(STATE_DIMS_ATTRIBUTE)
        dims = named.split() if isinstance(named, str) else \
            [dim for dim in STATE_DIMS if dim in dataset.dims or dim == REGION]
        return cls(tuple((dim, tuple(str(v) for v in dataset[dim].values) if dim in dataset.dims
                          else ()) for dim in dims))

    @property
    def dims(self) -> tuple[str, ...]:
        """The state dimensions."""
        return tuple(dim for dim, _ in self.axes)

    @property
    def shape(self) -> tuple[int, ...]:
        """The number of labels of each state dimension."""
        return tuple(len(labels) for _, labels in self.axes)

    @property
    def size(self) -> int:
        """The number of states on the kernel's state axis."""
        return int(np.prod(self.shape))

    def has(self, dim: str) -> bool:
        """Whether ``dim`` is one of the state dimensions."""
        return dim in self.dims

    def labels_of(self, dim: str) -> tuple[str, ...]:
        """The labels of one state dimension."""
        return dict(self.axes)[dim]

    @cached_property
    def labels(self) -> tuple[tuple[str, ...], ...]:
        """The labels of each flat state, one per dimension."""
        grids = np.meshgrid(*[np.arange(n) for n in self.shape], indexing="ij")
        return tuple(tuple(labels[i] for (_, labels), i in zip(self.axes, index))
                     for index in zip(*(g.ravel() for g in grids)))

    def codes(self, dim: str) -> np.ndarray:
        """For each flat state, the index of its label along ``dim``."""
        position = self.dims.index(dim)
        return np.unravel_index(np.arange(self.size), self.shape)[position]

    def coords(self) -> dict[str, list[str]]:
        """The coordinates of the state dimensions, for an xarray object."""
        return {dim: list(labels) for dim, labels in self.axes}

    def unflatten(self, array: np.ndarray, axis: int) -> np.ndarray:
        """Split the flat state axis ``axis`` of ``array`` into the state dimensions
        (a dask array stays lazy)."""
        array = array if hasattr(array, "reshape") else np.asarray(array)
        axis = axis % array.ndim
        return array.reshape(array.shape[:axis] + self.shape + array.shape[axis + 1:])

    def flatten(self, array: np.ndarray, axis: int) -> np.ndarray:
        """Merge the state dimensions, starting at ``axis``, into one flat axis."""
        array = np.asarray(array)
        axis = axis % array.ndim
        return array.reshape(array.shape[:axis] + (self.size,)
                             + array.shape[axis + len(self.axes):])

    def expand(self, dims: Sequence[str]) -> tuple[str, ...]:
        """Dimension names with :data:`projsim.types.STATE` replaced by the state dimensions."""
        out: list[str] = []
        for dim in dims:
            out.extend(self.dims if dim == STATE else (dim,))
        return tuple(out)

    def within(self, dim: str) -> np.ndarray:
        """A (state, state) matrix: 1 where two states share their label along every
        dimension but ``dim`` (moves along ``dim`` keep the others)."""
        others = [self.codes(d) for d in self.dims if d != dim]
        same = np.ones((self.size, self.size), dtype=bool)
        for code in others:
            same &= code[:, None] == code[None, :]
        return same


def state_dims(dataset) -> tuple[str, ...]:
    """The state dimensions of a labelled result or array, in vocabulary order.

    Examples
    --------
    >>> import xarray as xr
    >>> state_dims(xr.DataArray([[1, 2]], dims=("time", "region")))
    ('region',)
    """
    return tuple(dim for dim in STATE_DIMS if dim in dataset.dims)
