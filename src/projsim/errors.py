"""Exceptions raised by projsim.

Every problem with user input is reported once, at load time, as an
:class:`InputError`. Its message names where the value came from (a file and
key, or a function argument), the value received, what was expected and how
to fix it, so that the command line can print it on one line without a
traceback.
"""

from __future__ import annotations

import numpy as np


class InputError(ValueError):
    """Invalid input: a file, a key, an array or an argument.

    Parameters
    ----------
    where : str
        The origin of the value, for example ``"scenarios/x.toml: fertility.tfr"``
        or ``"argument 'survival'"``.
    got : str
        The value received, already formatted.
    expected : str
        What a valid value looks like.
    fix : str
        How to correct the input.

    Examples
    --------
    >>> str(InputError("argument 'survival'", "1.5 at index (0, 0, 0, 3)",
    ...                "values in [0, 1]", "pass survival ratios, not rates"))
    "argument 'survival': got 1.5 at index (0, 0, 0, 3); expected values in [0, 1]. Fix: pass survival ratios, not rates."
    """

    def __init__(self, where: str, got: str, expected: str, fix: str) -> None:
        self.where, self.got, self.expected, self.fix = where, got, expected, fix
        stop = "" if fix.endswith((".", "?", "!")) else "."
        super().__init__(f"{where}: got {got}; expected {expected}. Fix: {fix}{stop}")


def format_index(flat_index: int, shape: tuple[int, ...]) -> str:
    """The index of element ``flat_index`` of an array of ``shape``, as text.

    Examples
    --------
    >>> format_index(5, (2, 3))
    '(1, 2)'
    """
    return str(tuple(int(i) for i in np.unravel_index(flat_index, shape)))


def first_index(bad: np.ndarray) -> str:
    """The index of the first true element of a boolean array, as text."""
    return format_index(int(np.flatnonzero(bad)[0]), np.shape(bad))


class MissingDependencyError(ImportError):
    """An optional dependency that a requested feature needs is not installed.

    Parameters
    ----------
    package : str
        The missing package, e.g. ``"numba"``.
    feature : str
        What needs it, e.g. ``"the compiled engine"``.
    extra : str
        The projsim extra that installs it, e.g. ``"fast"``.

    Examples
    --------
    >>> str(MissingDependencyError("numba", "the compiled engine", "fast"))
    "the compiled engine needs numba, which is not installed. Fix: pip install 'projsim[fast]', or choose the numpy engine."
    """

    def __init__(self, package: str, feature: str, extra: str) -> None:
        self.package, self.feature, self.extra = package, feature, extra
        alternative = ", or choose the numpy engine" if package == "numba" else ""
        super().__init__(f"{feature} needs {package}, which is not installed. "
                         f"Fix: pip install 'projsim[{extra}]'{alternative}.")
