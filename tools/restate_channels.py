"""Print the paths that restate ``fpb-2013`` by channel (``scenarios/fpb-2013-channels.toml``).

Run from the repository root::

    python tools/restate_channels.py

``fpb-2013`` states a net total that the immigrants balance each year against
emigration at the base's rates, so its immigrants are known only after the
projection. This script projects it, takes its immigrants of each nationality
per year, and prints, at the knot years :data:`KNOTS` (linear between them, as
every path of a scenario):

* ``immigration = { Belgian = ... }``, the immigrants of Belgian nationality;
* the ``scale`` of every channel of the set ``belgium-2012``: fpb-2013's
  immigrants of foreign nationality divided by the set's total level, the
  same for every channel, so that each keeps its 2011-2012 share.

It also prints the largest relative gap, over the years, between the
interpolated paths and fpb-2013's own immigrants (``tests/test_channels.py``
checks the restated scenario within 0.1 % every year).
"""

from __future__ import annotations

import sys

import numpy as np

import projsim
from projsim.io.channels import read_channel_set
from projsim.types import FOREIGN, NATIONALITY

#: The years at which the paths are given: every year to the last change of slope
#: of fpb-2013's net total (2030), then every five years.
KNOTS = (*range(2012, 2031), *range(2035, 2061, 5))


def main() -> int:
    result = projsim.project("fpb-2013")
    flows = result.immigration.sum(["region", "sex", "age"]).isel(time=slice(None, -1))
    years = flows.time.values
    total_level = sum(c["level"] for c in read_channel_set("belgium-2012").channels.values())
    rows = {}
    for nationality in flows[NATIONALITY].values:
        series = flows.sel({NATIONALITY: nationality}).values
        knots = np.interp(KNOTS, years, series)
        if nationality == FOREIGN:
            knots = knots / total_level
        digits = 6 if nationality == FOREIGN else 0
        rows[nationality] = {k: round(float(v), digits) for k, v in zip(KNOTS, knots)}
        interpolated = np.interp(years, KNOTS, list(rows[nationality].values()))
        if nationality == FOREIGN:
            interpolated = interpolated * total_level
        gap = np.max(np.abs(interpolated / series - 1))
        print(f"# {nationality}: largest gap {100 * gap:.4f} %", file=sys.stderr)
    for nationality, knots in rows.items():
        text = ", ".join(f"{k} = {v:g}" if nationality == FOREIGN else f"{k} = {v:.0f}"
                         for k, v in knots.items())
        print(f"{nationality}: {{ {text} }}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
