"""Use case: a ship run started from the web with uploaded files (AIS, ship register, shore-power sessions).

:func:`start` keeps the files under ``<data_dir>/ship_jobs/<job id>/``, records a job (``queued``, audited as
``ships.upload``) and runs it on a background thread: ``running`` with the partitions done of the total, then
``done`` with the stored run (:func:`transcarbon.services.ship_runs.record_ship_run`, the city's zones) or
``failed`` with the refusal in words. Each state change is a short transaction of its own, so a page shows it
while the run goes on. :func:`wait` joins the running threads (tests, shutdown).
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from transcarbon.services import audit
from transcarbon.services.factor_sets import FactorUnavailable
from transcarbon.services.filestore import safe_name, sha256
from transcarbon.services.ship_runs import ShipFilesRefused, compute_ship_inventory, record_ship_run, zones_or_default
from transcarbon.store.db import transaction
from transcarbon.store.models_shore_power import ShipRunJob

ROLES = ("ais", "ships", "shore_power")
"""The files of a job: AIS positions (required), the ship register, shore-power sessions."""
_threads: list[threading.Thread] = []


def _set(factory: sessionmaker[Session], job_id: int, **values: object) -> None:
    with transaction(factory) as session:
        session.execute(update(ShipRunJob).where(ShipRunJob.id == job_id).values(**values))


def start(
    factory: sessionmaker[Session],
    data_dir: Path,
    files: dict[str, tuple[str, bytes]],
    *,
    actor: str,
    city: str,
) -> int:
    """Keep the files, record the job and start it on a thread; return the job's id. ``files``: role → (name,
    bytes) for the roles of :data:`ROLES` (``ais`` required)."""
    if "ais" not in files:
        raise ValueError("an AIS file is required")
    meta = {role: {"name": safe_name(name), "sha256": sha256(data)} for role, (name, data) in files.items()}
    with transaction(factory) as session:
        job = ShipRunJob(state="queued", done=0, total=0, files=meta, actor=actor, created_at=datetime.now(UTC))
        session.add(job)
        session.flush()
        job_id = job.id
        audit.append(
            session,
            actor=actor,
            action="ships.upload",
            object_type="ship_run_job",
            object_id=str(job_id),
            after={"files": meta},
        )
    folder = data_dir / "ship_jobs" / str(job_id)
    folder.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for role, (name, data) in files.items():
        suffix = "".join(Path(safe_name(name)).suffixes[-1:]) or ".csv"
        paths[role] = folder / f"{role}{suffix.lower()}"
        paths[role].write_bytes(data)
    thread = threading.Thread(target=run, args=(factory, job_id, paths, actor, city), daemon=True)
    _threads.append(thread)
    thread.start()
    return job_id


def run(factory: sessionmaker[Session], job_id: int, paths: dict[str, Path], actor: str, city: str) -> None:
    """Run a recorded job to its end (``done`` or ``failed``); never raises."""
    started = datetime.now(UTC)
    _set(factory, job_id, state="running")
    zones = zones_or_default(None, city)
    try:
        result = compute_ship_inventory(
            paths["ais"],
            paths.get("ships"),
            zones,
            paths.get("shore_power"),
            progress=lambda done, total: _set(factory, job_id, done=done, total=total),
        )
        files = {
            "ais": paths["ais"],
            "ships": paths.get("ships"),
            "zones": zones,
            "shore_power": paths.get("shore_power"),
        }
        with transaction(factory) as session:
            stored = record_ship_run(session, result, files, actor=actor, started=started)
        _set(factory, job_id, state="done", run_id=stored.run_id, finished_at=datetime.now(UTC))
    except (ShipFilesRefused, FactorUnavailable) as exc:
        _set(factory, job_id, state="failed", error=str(exc)[:4000], finished_at=datetime.now(UTC))
    except Exception as exc:  # a job ends failed, with its reason, whatever went wrong
        _set(
            factory, job_id, state="failed", error=f"{type(exc).__name__}: {exc}"[:4000], finished_at=datetime.now(UTC)
        )


def wait(timeout_s: float | None = None) -> None:
    """Join the jobs' threads started in this process."""
    for thread in list(_threads):
        thread.join(timeout_s)
        if not thread.is_alive():
            _threads.remove(thread)


def jobs(session: Session, limit: int = 10) -> list[ShipRunJob]:
    """The newest jobs first."""
    return list(session.scalars(select(ShipRunJob).order_by(ShipRunJob.id.desc()).limit(limit)))
