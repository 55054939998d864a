"""Robust outlier statistics: the modified z-score of Iglewicz and Hoaglin, across a group or against a trailing
history.

Modified z-score [1]_ (§2.2) of a value ``x_i`` among values ``x`` of one group::

    M_i = 0.6745 (x_i − x̃) / MAD,      MAD = median_j |x_j − x̃|,      x̃ = median_j x_j

``M_i`` is dimensionless [–]: ``x`` may be in any unit (the same for the whole group). The factor
0.6745 = Φ⁻¹(0.75) makes ``MAD / 0.6745`` a consistent estimate of the standard deviation of normal
data, so ``M`` reads like an ordinary z-score while median and MAD stay unmoved by the outliers
themselves. Iglewicz and Hoaglin recommend flagging ``|M_i| > 3.5`` [1]_ (§2.2). ``M`` is undefined
where ``MAD = 0`` (half or more of the values equal): null here.

Trailing form: each period's value against the same series' previous ``window`` periods, on natural
logarithms (ratios matter, and a growing series is compared with its recent level)::

    M = 0.6745 (ln x − median ln h) / MAD(ln h)

where ``h`` are the history's values. Non-positive values have no logarithm and are left out.

References
----------
.. [1] B. Iglewicz, D. C. Hoaglin, *How to Detect and Handle Outliers*, The ASQC Basic References in
   Quality Control: Statistical Techniques, vol. 16, ASQC Quality Press, Milwaukee (1993).
"""

from __future__ import annotations

import polars as pl

MAD_SCALE = 0.6745
"""Φ⁻¹(0.75): scales the MAD to the standard deviation of normal data [1]_."""
OUTLIER_Z = 3.5
"""Flag a value whose modified z-score exceeds this in absolute value [1]_."""
TRAILING_WINDOW = 12
"""Default history of :func:`trailing_z`: the previous 12 periods (a year of months)."""


def robust_z(frame: pl.DataFrame, value: str, group: list[str]) -> pl.DataFrame:
    """The modified z-score of each row's ``value`` among the rows of its ``group`` [1]_.

    Adds ``median`` (x̃, in the unit of ``value``), ``mad`` (MAD, same unit), ``n`` (rows in the group)
    and ``z`` (``M = 0.6745 (x − x̃)/MAD`` [–], null where MAD = 0). An empty ``group`` is one group of
    every row.
    """
    g = group or [pl.lit(0).alias("_all")]  # type: ignore[list-item]
    f = frame.with_columns(pl.col(value).median().over(g).alias("median"), pl.len().over(g).alias("n"))
    f = f.with_columns((pl.col(value) - pl.col("median")).abs().median().over(g).alias("mad"))
    return f.with_columns(
        pl.when(pl.col("mad") > 0).then(MAD_SCALE * (pl.col(value) - pl.col("median")) / pl.col("mad")).alias("z")
    )


def trailing_z(
    frame: pl.DataFrame, value: str, group: list[str], year: int, *, window: int = TRAILING_WINDOW
) -> pl.DataFrame:
    """The modified z-score on logarithms of each period of ``year`` against the same group's previous
    ``window`` periods [1]_.

    ``frame`` has the ``group`` columns, ``period`` (sortable text, ``YYYY`` or ``YYYY-MM``), ``year`` and
    ``value`` (> 0 to count). Returns the rows of ``year`` that have history, with ``median`` (of the
    history's values, unit of ``value``), ``n`` (history size), ``mad`` (MAD of ln h [–]),
    ``z = 0.6745 (ln x − median ln h) / MAD(ln h)`` [–] (null where the MAD is 0) and
    ``ratio = x / median`` [–].
    """
    f = (
        frame.filter(pl.col(value) > 0)
        .sort([*group, "period"])
        .with_columns(idx=pl.int_range(pl.len()).over(group), lx=pl.col(value).log())
    )
    cur = f.filter(pl.col("year") == year)
    hist = f.select(*group, pl.col("idx").alias("h_idx"), pl.col("lx").alias("h_lx"), pl.col(value).alias("h_x"))
    j = cur.join(hist, on=group).filter((pl.col("idx") - pl.col("h_idx")).is_between(1, window))
    keys = [*group, "period"]
    stats = j.group_by(keys).agg(
        pl.col("h_lx").median().alias("h_med"),
        pl.col("h_x").median().alias("median"),
        pl.len().alias("n"),
        pl.col("h_lx"),
    )
    stats = stats.with_columns(
        mad=pl.col("h_lx").list.eval((pl.element() - pl.element().median()).abs().median()).list.first()
    )
    out = cur.join(stats.drop("h_lx"), on=keys)
    z = pl.when(pl.col("mad") > 0).then(MAD_SCALE * (pl.col("lx") - pl.col("h_med")) / pl.col("mad"))
    return out.with_columns(z=z, ratio=pl.col(value) / pl.col("median"))
