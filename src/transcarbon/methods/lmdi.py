"""LMDI-I additive decomposition of the change in transport CO2 between two years.

Identity
--------
For sectors i (road freight, waterway freight …) and fuels j [1]_ [2]_::

    C = Σ_i Σ_j C_ij = Σ_i Σ_j  Q · (Q_i/Q) · (E_i/Q_i) · (E_ij/E_i) · (C_ij/E_ij)
                     = Σ_i Σ_j  Q ·  S_i    ·   I_i     ·   M_ij    ·   U_ij

    Q    total activity, in one common unit for all sectors [e.g. converted t·km]
    S_i  activity structure (mode / sector share) [–]
    I_i  energy intensity of sector i [energy unit per activity unit, e.g. GJ/t·km]
    M_ij fuel mix: share of fuel j in sector i's energy [–]
    U_ij emission factor of fuel j in sector i [CO2 unit per energy unit, e.g. t/GJ]
    C_ij CO2 [any unit, e.g. t]; the effects come out in that unit

LMDI-I additive effects between years 0 and T (Ang 2005 [1]_, table 1)::

    ΔC_X = Σ_ij L(C_ij^T, C_ij^0) · ln(X_ij^T / X_ij^0)      X ∈ {Q, S, I, M, U}
    L(a, b) = (a − b) / (ln a − ln b) for a ≠ b,   L(a, a) = a,   L(a, 0) = L(0, a) = 0

and ``ΔC_Q + ΔC_S + ΔC_I + ΔC_M + ΔC_U = C^T − C^0`` exactly, since ``Σ_X ln(X^T/X^0) = ln(C^T/C^0)``
and ``L(a, b) · ln(a/b) = a − b`` term by term.

Zero values
-----------
Following the analytical-limit strategy of Ang & Liu [3]_ (also [2]_, §3.2), a term that exists in
one year only (``C_ij = 0`` in the other) contributes its whole change ``C_ij^T − C_ij^0`` to the
*first* factor of the chain Q → S → I → M → U that is zero in the year where the term is absent: that
is the limit of ``L(a, δ) · ln(a/δ) = a − δ → a`` as δ → 0, and it leaves every other factor of that
term at zero effect (factors undefined in the absent year, such as the emission factor of a fuel
that was not used, are taken equal to the other year's value). So

* a fuel that appears or disappears in a sector (E_ij = 0 in one year) is a **fuel-mix** effect;
* a sector that appears or disappears (Q_i = 0) is a **structure** effect;
* energy with zero CO2 in one year only (``C_ij = 0 < E_ij``, e.g. a zero emission factor) is an
  **emission-factor** effect;
* a term with ``C_ij = 0`` in both years contributes nothing.

The total activity Q must be positive in both years, and energy or CO2 without activity (or CO2
without energy) is refused: the identity would not hold.

References
----------
.. [1] B. W. Ang, "The LMDI approach to decomposition analysis: a practical guide",
   Energy Policy 33 (2005) 867–871. doi:10.1016/j.enpol.2003.10.010
.. [2] B. W. Ang, "LMDI decomposition approach: A guide for implementation",
   Energy Policy 86 (2015) 233–238. doi:10.1016/j.enpol.2015.07.007
.. [3] B. W. Ang, N. Liu, "Handling zero values in the logarithmic mean Divisia index decomposition
   approach", Energy Policy 35 (2007) 238–246. doi:10.1016/j.enpol.2005.11.001
"""

from __future__ import annotations

import numpy as np
import polars as pl
from numpy.typing import ArrayLike, NDArray

from transcarbon.methods.finite import require_finite

EFFECTS: tuple[str, ...] = ("activity", "structure", "intensity", "fuel_mix", "emission_factor")
"""Effect names, in the order of the identity's factors Q, S, I, M, U."""

INPUT_COLUMNS: tuple[str, ...] = ("year", "sector", "fuel", "activity", "energy", "co2")

_REL_TOL = 1e-9


def log_mean(a: ArrayLike, b: ArrayLike) -> NDArray[np.float64]:
    """Logarithmic mean L(a, b) [unit of a and b] [1]_ with L(a, a) = a and L(a, 0) = L(0, b) = 0.

    Computed as ``(a − b) / log1p((a − b)/b)`` when a and b are within a factor of about 1.5 of each
    other (accurate for close values), else as ``(a − b) / log(a/b)`` (``log1p`` of an argument near
    −1 loses relative precision: at a/b = 2·10⁻⁹ it would be off by ~10⁻⁹). Negative inputs raise
    ValueError.
    """
    x, y = np.broadcast_arrays(np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64))
    if np.any(x < 0) or np.any(y < 0):
        raise ValueError("the logarithmic mean is defined for non-negative values only")
    both = (x > 0) & (y > 0)
    diff = x - y
    safe_x = np.where(both, x, 1.0)
    safe_y = np.where(both, y, 1.0)
    rel = np.where(both, diff, 0.0) / safe_y
    with np.errstate(divide="ignore", invalid="ignore"):
        log_ratio = np.where(np.abs(rel) < 0.5, np.log1p(rel), np.log(safe_x / safe_y))
        lm = diff / log_ratio
    return np.where(both & (diff != 0), lm, np.where(both, x, 0.0))


def _check_frame(frame: pl.DataFrame) -> None:
    missing = [c for c in INPUT_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"LMDI input lacks column(s) {missing}; expected {list(INPUT_COLUMNS)}")
    require_finite(frame, ("activity", "energy", "co2"), "LMDI input")
    for c in ("activity", "energy", "co2"):
        col = frame.get_column(c).cast(pl.Float64)
        if col.null_count() or col.is_nan().any():
            raise ValueError(f"column {c!r} has missing values; give 0 where there is none")
        if (col < 0).any():
            raise ValueError(f"column {c!r} has negative values")
    dup = frame.group_by(["year", "sector", "fuel"]).len().filter(pl.col("len") > 1)
    if dup.height:
        raise ValueError(f"rows repeat (year, sector, fuel): {dup.select(['year', 'sector', 'fuel']).rows()}")


def _year_table(frame: pl.DataFrame, year: int) -> pl.DataFrame:
    """Rows of one year, sorted by sector and fuel, with the sector's activity and energy totals.

    Sorted so that every sum runs in one order: the same rows in any order give bit-identical effects."""
    part = frame.filter(pl.col("year") == year).sort("sector", "fuel")
    if part.height == 0:
        raise ValueError(f"no rows for year {year}")
    spread = part.group_by("sector").agg(pl.col("activity").min().alias("lo"), pl.col("activity").max().alias("hi"))
    bad = spread.filter((pl.col("hi") - pl.col("lo")) > _REL_TOL * pl.col("hi").abs())
    if bad.height:
        raise ValueError(
            f"year {year}: activity must be the sector's total, repeated on each of its fuel rows; "
            f"it differs within sector(s) {sorted(bad.get_column('sector').to_list())}"
        )
    return part.select(
        "sector",
        "fuel",
        pl.col("activity").cast(pl.Float64).max().over("sector").alias("q_i"),
        pl.col("energy").cast(pl.Float64).sum().over("sector").alias("e_i"),
        pl.col("energy").cast(pl.Float64).alias("e_ij"),
        pl.col("co2").cast(pl.Float64).alias("c_ij"),
    )


def _factors(
    q: float, q_i: NDArray[np.float64], e_i: NDArray[np.float64], e_ij: NDArray[np.float64], c_ij: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Factors (Q, S, I, M, U) of each term, shape (5, n); NaN where undefined (0/0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.stack(
            [
                np.full_like(q_i, q),
                q_i / q,
                np.where(q_i > 0, e_i / np.where(q_i > 0, q_i, 1.0), np.nan),
                np.where(e_i > 0, e_ij / np.where(e_i > 0, e_i, 1.0), np.nan),
                np.where(e_ij > 0, c_ij / np.where(e_ij > 0, e_ij, 1.0), np.nan),
            ]
        )


def lmdi_terms(frame: pl.DataFrame, year_from: int, year_to: int) -> pl.DataFrame:
    """LMDI-I effects per (sector, fuel) term between two years (equations in the module docstring).

    Parameters
    ----------
    frame : tidy frame with columns ``year, sector, fuel, activity, energy, co2``: one row per
        year × sector × fuel; ``activity`` is the sector's activity [common unit, e.g. converted
        t·km], repeated on each fuel row of the sector; ``energy`` [e.g. GJ] and ``co2`` [e.g. t]
        are the fuel's. A (sector, fuel) absent in one year counts as zero there.
    year_from, year_to : the years 0 and T

    Returns
    -------
    pl.DataFrame with ``sector, fuel, co2_from, co2_to, delta_co2`` and one column per effect
    (``activity, structure, intensity, fuel_mix, emission_factor``) [unit of ``co2``].
    """
    _check_frame(frame)
    t0 = _year_table(frame, year_from)
    t1 = _year_table(frame, year_to)
    j = t0.join(t1, on=["sector", "fuel"], how="full", coalesce=True, suffix="_T")
    # Fill sector totals for terms absent in one year from the sector's other rows of that year.
    j = j.with_columns(
        pl.col(c).fill_null(pl.col(c).max().over("sector")).fill_null(0.0) for c in ("q_i", "e_i", "q_i_T", "e_i_T")
    )
    j = j.with_columns(pl.col(c).fill_null(0.0) for c in ("e_ij", "c_ij", "e_ij_T", "c_ij_T"))
    j = j.sort(["sector", "fuel"])

    arrays = {c: j.get_column(c).to_numpy().astype(np.float64) for c in j.columns if c not in ("sector", "fuel")}
    sectors = j.get_column("sector")
    q0, q1 = (
        float(t.group_by("sector", maintain_order=True).agg(pl.col("q_i").first()).get_column("q_i").sum())
        for t in (t0, t1)
    )
    if not (q0 > 0 and q1 > 0):
        raise ValueError(f"total activity must be positive in both years, got {q0} ({year_from}) and {q1} ({year_to})")
    for sfx, yr in (("", year_from), ("_T", year_to)):
        q_i, e_ij, c_ij = (arrays[f"{c}{sfx}"] for c in ("q_i", "e_ij", "c_ij"))
        bad_e = (e_ij > 0) & (q_i <= 0)
        bad_c = (c_ij > 0) & (e_ij <= 0)
        if bad_e.any():
            raise ValueError(
                f"year {yr}: energy without activity in sector(s) "
                f"{sorted(set(sectors.filter(pl.Series(bad_e)).to_list()))}; "
                "give the sector's activity or leave it out"
            )
        if bad_c.any():
            raise ValueError(
                f"year {yr}: CO2 without energy in sector(s) {sorted(set(sectors.filter(pl.Series(bad_c)).to_list()))}"
            )

    c0, c1 = arrays["c_ij"], arrays["c_ij_T"]
    x0 = _factors(q0, arrays["q_i"], arrays["e_i"], arrays["e_ij"], c0)
    x1 = _factors(q1, arrays["q_i_T"], arrays["e_i_T"], arrays["e_ij_T"], c1)
    # Undefined factors (0/0) take the other year's value: their log-ratio is then 0.
    x0 = np.where(np.isnan(x0), x1, x0)
    x1 = np.where(np.isnan(x1), x0, x1)
    x0 = np.where(np.isnan(x0), 1.0, x0)
    x1 = np.where(np.isnan(x1), 1.0, x1)

    both = (c0 > 0) & (c1 > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        lr = np.log(np.where(both, x1, 1.0) / np.where(both, x0, 1.0))
    effects = log_mean(c1, c0)[None, :] * lr
    # Terms present in one year only: the whole change to the first factor that is zero where absent.
    one_sided = (c0 > 0) != (c1 > 0)
    absent = np.where(c0 > 0, x1, x0)  # factors in the year where the term is absent
    first_zero = np.argmax(absent <= 0, axis=0)
    has_zero = np.any(absent <= 0, axis=0)
    # C = 0 with all factors positive cannot happen (C is their product); guard anyway.
    target = np.where(has_zero, first_zero, len(EFFECTS) - 1)
    delta = c1 - c0
    onehot = np.arange(len(EFFECTS))[:, None] == target[None, :]
    effects = np.where(one_sided[None, :], np.where(onehot, delta[None, :], 0.0), effects)

    out = pl.DataFrame(
        {
            "sector": sectors,
            "fuel": j.get_column("fuel"),
            "co2_from": c0,
            "co2_to": c1,
            "delta_co2": delta,
            **{name: effects[k] for k, name in enumerate(EFFECTS)},
        }
    )
    return out


def lmdi_decompose(frame: pl.DataFrame, year_from: int, year_to: int) -> pl.DataFrame:
    """LMDI-I effects by sector between two years [1]_ [2]_ (see :func:`lmdi_terms`).

    Returns one row per sector: ``sector, co2_from, co2_to, delta_co2, activity, structure,
    intensity, fuel_mix, emission_factor`` [unit of ``co2``]; in every row, and for the column
    sums, the five effects add up to ``delta_co2`` to float precision.
    """
    terms = lmdi_terms(frame, year_from, year_to)
    cols = ["co2_from", "co2_to", "delta_co2", *EFFECTS]
    return terms.group_by("sector").agg(pl.col(c).sum() for c in cols).sort("sector")


def lmdi_totals(by_sector: pl.DataFrame) -> dict[str, float]:
    """City totals of an :func:`lmdi_decompose` frame: ``co2_from, co2_to, delta_co2`` and the effects."""
    cols = ["co2_from", "co2_to", "delta_co2", *EFFECTS]
    row = by_sector.select(pl.col(c).sum() for c in cols).row(0)
    return {c: float(v) for c, v in zip(cols, row, strict=True)}
