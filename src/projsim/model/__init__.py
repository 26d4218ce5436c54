"""What a projection is about, in memory: its state space, its base and its scenario.

* :mod:`~projsim.model.states`: the labelled state dimensions and the
  kernel's flat state axis;
* :mod:`~projsim.model.base`: the base population and rates, checked once;
* :mod:`~projsim.model.scenario`: the scenario schema and its validation.

Nothing here opens a file: :mod:`projsim.io` reads them and builds these objects.
"""
