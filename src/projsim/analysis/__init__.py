"""What a result says: indicators (the ``ds.projsim`` accessor) and decompositions.

* :mod:`~projsim.analysis.indicators` gathers the indicators, by theme in
  :mod:`~projsim.analysis.fertility`, :mod:`~projsim.analysis.mortality`,
  :mod:`~projsim.analysis.balance` and :mod:`~projsim.analysis.structure`,
  with their shared checks in :mod:`~projsim.analysis.common` and the
  accessor in :mod:`~projsim.analysis.accessor`;
* :mod:`~projsim.analysis.decomposition` gathers growth due to migration
  (:mod:`~projsim.analysis.migration`) and differences between scenarios by
  component (:mod:`~projsim.analysis.difference`).

The state dimensions (regions, or regions and nationalities) are read from
each result or base (:class:`projsim.model.states.StateSpace`), never named here.
"""

from projsim.analysis import indicators  # noqa: F401  (registers the accessor ds.projsim)
