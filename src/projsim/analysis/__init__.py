"""What a result says: indicators (the ``ds.projsim`` accessor) and decompositions.

* :mod:`~projsim.analysis.indicators`: fertility, mortality, balances and
  structure indicators, and the accessor;
* :mod:`~projsim.analysis.decomposition`: growth due to migration, and
  differences between scenarios by component.
"""

from projsim.analysis import indicators  # noqa: F401  (registers the accessor ds.projsim)
