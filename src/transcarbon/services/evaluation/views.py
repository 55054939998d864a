"""The evaluation as the faces (web pages, the stage report) show it.

Each function evaluates (or reuses) what it shows through this package's use cases, so a page or a report
reads the very runs that ``evaluate``, ``scorecards`` and ``decompose`` store, and caches the answer per
data version (:func:`transcarbon.services.figures.cached`). With ``factory`` (a page, whose own session
only reads) the run is made in a transaction of its own before the page's session reads it; without it
(the CLI's report), in the caller's transaction. A failure raises: nothing stands in for an evaluation.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy.orm import Session, sessionmaker

from transcarbon.city.config import CityConfig
from transcarbon.services.evaluation.decomposition import decompose
from transcarbon.services.evaluation.run import LIGHTS, evaluate, evaluation_payload, value_history
from transcarbon.services.evaluation.scorecards import stored_scorecards
from transcarbon.services.figures import cached
from transcarbon.store.db import transaction


def _evaluated_run(
    session: Session, city: CityConfig, year: int, *, actor: str, factory: sessionmaker[Session] | None
) -> int:
    if factory is None:
        return evaluate(session, year, actor=actor, city=city).run_id
    session.rollback()  # end the page's read; evaluate in a transaction of its own
    with transaction(factory) as writer:
        return evaluate(writer, year, actor=actor, city=city).run_id


def year_evaluation(
    session: Session, city: CityConfig, year: int, *, actor: str, factory: sessionmaker[Session] | None = None
) -> dict[str, Any]:
    """The ``evaluate --json`` payload of ``year`` (a stored run, reused while the data do not change), each
    indicator row with its ``history``: the run's annual rows up to the year (year, value, light, status)."""

    def compute() -> dict[str, Any]:
        run_id = _evaluated_run(session, city, year, actor=actor, factory=factory)
        payload = evaluation_payload(session, run_id, city)
        history = value_history(session, run_id)
        for row in payload["indicators"]:
            row["history"] = history.get(row["id"], [])
        return payload

    return cast(dict[str, Any], cached(session, ("evaluation", city.city.id, year), compute))


def department_scorecards(
    session: Session, city: CityConfig, year: int, *, actor: str, factory: sessionmaker[Session] | None = None
) -> list[dict[str, Any]]:
    """The scorecards stored with the year's evaluation, best score first, each with the number of its
    indicators (``indicators``) and of their lights (``green``, ``yellow``, ``red``, ``grey``)."""
    run_id = int(year_evaluation(session, city, year, actor=actor, factory=factory)["run_id"])
    cards = []
    for card in stored_scorecards(session, run_id, city):
        items = card["details"]["indicators"]
        cards.append(
            {
                **card,
                "indicators": len(items),
                **{light: sum(1 for i in items if i["light"] == light) for light in LIGHTS},
            }
        )
    return cards


def decomposition_between(
    session: Session,
    year_from: int,
    year_to: int,
    *,
    actor: str,
    factory: sessionmaker[Session] | None = None,
    electricity: str = "calorific",
) -> dict[str, Any]:
    """The ``decompose --json`` payload between two years (a stored run, reused); raises
    :class:`~.decomposition.DecompositionError` when the years cannot be decomposed."""

    def compute() -> dict[str, Any]:
        if factory is None:
            return decompose(session, year_from, year_to, actor=actor, electricity=electricity).payload
        session.rollback()
        with transaction(factory) as writer:
            return decompose(writer, year_from, year_to, actor=actor, electricity=electricity).payload

    return cast(dict[str, Any], cached(session, ("decomposition", year_from, year_to, electricity), compute))
