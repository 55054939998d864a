"""The packaged ship-emission parameter tables (``transcarbon/data/ships``), validated and hashed.

Every table is a CSV with ``status`` and ``source`` columns; ``tables.yaml`` lists the files and the
set's version. The set's SHA-256 (over the listed files' bytes, in order) is recorded with every run.
CO2 conversion factors come from the factor library's ``marine_fuels`` set (shared with the other
inventories); the IMO4 table 21 copy here is kept for reference and cross-checked against it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import polars as pl
import yaml

from transcarbon.factors.library import FactorLibrary


@dataclass(frozen=True)
class ShipTables:
    """All parameter tables of one version, as Polars frames keyed by file stem."""

    name: str
    version: str
    content_hash: str
    file_hashes: dict[str, str]
    frames: dict[str, pl.DataFrame] = field(repr=False)
    cf: dict[str, float]
    cf_set: dict[str, str]

    def __getitem__(self, stem: str) -> pl.DataFrame:
        return self.frames[stem]

    @property
    def ref(self) -> dict[str, object]:
        return {
            "name": self.name,
            "version": self.version,
            "sha256": self.content_hash,
            "files": self.file_hashes,
            "cf_factor_set": self.cf_set,
        }


def _data_dir() -> Path:
    return Path(str(resources.files("transcarbon") / "data" / "ships"))


def load_tables(directory: Path | None = None) -> ShipTables:
    """Load, validate and hash the tables of ``directory`` (default: the packaged ones)."""
    if directory is None:
        return _packaged()
    manifest = yaml.safe_load((directory / "tables.yaml").read_text(encoding="utf-8"))
    digest = hashlib.sha256()
    frames: dict[str, pl.DataFrame] = {}
    hashes: dict[str, str] = {}
    for name in manifest["files"]:
        raw = (directory / name).read_bytes()
        digest.update(name.encode() + b"\0" + raw)
        hashes[name] = hashlib.sha256(raw).hexdigest()
        frame = pl.read_csv(raw)
        if "source" not in frame.columns or frame["source"].null_count():
            raise ValueError(f"{name}: every row needs a source")
        frames[name.removesuffix(".csv")] = frame
    marine = FactorLibrary.load().default("marine_fuels")
    cf = {str(f).upper(): float(v) for f, v in zip(marine.table["fuel"], marine.table["cf_tco2_per_t"], strict=True)}
    cf = {("Methanol" if k == "METHANOL" else k): v for k, v in cf.items()}
    t21 = frames["imo4_table_21"]
    for fuel, value in zip(t21["fuel"], t21["ef_co2"], strict=True):
        if fuel in cf and abs(cf[fuel] - float(value)) > 1e-9:
            raise ValueError(
                f"Cf of {fuel} differs between the factor library ({cf[fuel]}) and IMO4 table 21 ({value})"
            )
    return ShipTables(
        name=str(manifest["name"]),
        version=str(manifest["version"]),
        content_hash=digest.hexdigest(),
        file_hashes=hashes,
        frames=frames,
        cf=cf,
        cf_set=marine.ref,
    )


@cache
def _packaged() -> ShipTables:
    return load_tables(_data_dir())
