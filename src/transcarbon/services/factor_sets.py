"""The packaged factor library as faces see it: its sets, one set with its rows, the region codes, and
the one refusal they show.

Faces (the CLI's ``factors list|show``, its option checks) do not import :mod:`transcarbon.factors`:
they call these functions and catch :class:`FactorUnavailable`. Services that look factors up on a
face's behalf (accounting, ship runs) raise the library's refusals as :class:`FactorUnavailable` too,
through :func:`library_refusals`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from transcarbon.factors.library import FactorError, FactorLibrary, FactorSet


class FactorUnavailable(ValueError):
    """A factor set, GWP set, region or grid factor the library does not have.

    ``str()`` is the library's message, which names what it does have (e.g. the known set names).
    """


@contextmanager
def library_refusals() -> Iterator[None]:
    """Raise the library's :class:`~transcarbon.factors.library.FactorError` as :class:`FactorUnavailable`."""
    try:
        yield
    except FactorError as exc:
        raise FactorUnavailable(str(exc)) from exc


def factor_sets() -> list[FactorSet]:
    """Every set of the packaged library, in the order of ``sets.yaml``."""
    return FactorLibrary.load().sets()


def factor_set(name: str) -> FactorSet:
    """The set called ``name`` (with its rows and sources); :class:`FactorUnavailable` if there is none."""
    with library_refusals():
        return FactorLibrary.load().get(name)


def region_codes() -> list[str]:
    """Codes of the regions of the default region set (province codes, regional grids, ``national``)."""
    return FactorLibrary.load().default("regions").table["code"].to_list()
