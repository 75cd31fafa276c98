"""Standard CGM summaries by their published definitions.

- **Mean glucose** (mg/dL) and **CV** = 100 x SD / mean (sample SD), the
  variability measure of the international consensus (Danne et al. 2017,
  Diabetes Care 40:1631-1640; target <= 36%).
- **Time in range** 70-180 mg/dL inclusive, with time below 70 and above 180,
  as the share of readings (Battelino et al. 2019, Diabetes Care 42:1593-1603).
- **GMI** (%) = 3.31 + 0.02392 x mean glucose in mg/dL (Bergenstal et al. 2018,
  Diabetes Care 41:2275-2280).

The same definitions as the iglu package (``mean_glu``, ``cv_glu``,
``in_range_percent``, ``gmi``), whose documented examples the tests reproduce;
iglu-python itself is GPL-2 and brings matplotlib, so the four formulas live
here. High/Low readings count at their reporting limits (a bound: the mean
is then a bound too, and the output says how many there were); a censored
reading without a known limit counts only in the ranges.
"""

from __future__ import annotations

import math

RANGE_MG_DL = (70.0, 180.0)


def summarize(values, censored=()) -> dict:
    """Summaries of glucose readings (mg/dL; None for a censored reading of unknown value)."""
    censored = list(censored) or [None] * len(values)
    known = [v for v in values if v is not None]
    n_all = len(values)
    out = {"readings": n_all, "censored_high": sum(1 for c in censored if c == "high"),
           "censored_low": sum(1 for c in censored if c == "low"), "mean_mg_dl": None, "sd_mg_dl": None,
           "cv_percent": None, "time_in_range_percent": None, "time_below_70_percent": None,
           "time_above_180_percent": None, "gmi_percent": None}
    if not n_all:
        return out
    low, high = RANGE_MG_DL
    below = sum(1 for v, c in zip(values, censored) if c == "low" or (v is not None and c != "high" and v < low))
    above = sum(1 for v, c in zip(values, censored) if c == "high" or (v is not None and c != "low" and v > high))
    out["time_below_70_percent"] = round(100 * below / n_all, 1)
    out["time_above_180_percent"] = round(100 * above / n_all, 1)
    out["time_in_range_percent"] = round(100 * (n_all - below - above) / n_all, 1)
    if known:
        mean = sum(known) / len(known)
        out["mean_mg_dl"] = round(mean, 1)
        out["gmi_percent"] = round(gmi(mean), 2)
        if len(known) > 1:
            sd = math.sqrt(sum((v - mean) ** 2 for v in known) / (len(known) - 1))
            out["sd_mg_dl"] = round(sd, 1)
            out["cv_percent"] = round(100 * sd / mean, 1)
    return out


def gmi(mean_mg_dl: float) -> float:
    """Glucose management indicator, % (Bergenstal et al. 2018)."""
    return 3.31 + 0.02392 * mean_mg_dl
