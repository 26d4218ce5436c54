"""The controlled vocabulary of projsim, declared once.

Dimension names, sex labels and the allowed values of every option live here as
``Literal`` aliases and tuples, so that no other module spells them again.
"""

from __future__ import annotations

from typing import Literal, get_args

#: Dimensions of a labelled result, in storage order.
DIMS = ("time", "region", "sex", "age")

#: Sex labels in the order of the kernel's sex axis. Index 0 is the sex that
#: gives birth; fertility rates and the births exposure refer to it.
SEXES: tuple[str, str] = ("female", "male")

#: Timing of international migration within a step (see the Method section
#: of the README): ``"even"`` puts half of the step's migrants at the start,
#: exposed to mortality and counted in the births exposure, and half at the
#: end; ``"end"`` adds all of them at the end.
MigrationTiming = Literal["even", "end"]

#: What the engine does when a net outflow would make a cell negative.
#: ``"reduce"`` lowers the outflow to the population at risk. ``"ccmpp"`` is
#: the UN Population Division's rule: a net count with P + M <= 0 becomes
#: 1e-5 - P before the step, and any end population below zero is set to
#: 0.0005. Both record every change in the result.
Safeguard = Literal["reduce", "ccmpp"]

MIGRATION_TIMINGS: tuple[str, ...] = get_args(MigrationTiming)
SAFEGUARDS: tuple[str, ...] = get_args(Safeguard)
