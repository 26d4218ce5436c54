"""What a projection is about, in memory: its state space, its base and its scenario.

* :mod:`~projsim.model.states`: the labelled state dimensions and the
  kernel's flat state axis;
* :mod:`~projsim.model.base`: the base population and rates, checked once;
* :mod:`~projsim.model.schema`: the declared vocabulary of a scenario file;
* :mod:`~projsim.model.document`: a scenario file merged with those it extends;
* :mod:`~projsim.model.paths`: values over time, parsed and checked;
* :mod:`~projsim.model.scenario`: the scenario, its variants and its validation.

Nothing here opens a file: :mod:`projsim.io` reads them and builds these objects.
"""
