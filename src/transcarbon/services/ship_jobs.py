"""Use case: a ship run started from the web with uploaded files (AIS, ship register, shore-power sessions): jobs
of kind ``ship_run`` in the one queue (:mod:`.jobs`).

:func:`start` records the job (``queued``, audited as ``ships.upload``) and keeps the files under
``<data_dir>/ship_jobs/<job id>/`` in the same transaction, so a worker never sees a job without its files; the
worker (:mod:`.job_worker`) runs it with :func:`run_job`: ``running`` with the partitions done of the total, then
``done`` with the stored run (:func:`transcarbon.services.ship_runs.record_ship_run`, the city's zones) or
``failed``: ``refused`` with the refusal in words (which file, row and fix) when the files were refused.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from transcarbon.services import audit
from transcarbon.services import jobs as queue
from transcarbon.services.accounting import AccountingOptions
from transcarbon.services.factor_sets import FactorUnavailable
from transcarbon.services.filestore import safe_name, sha256
from transcarbon.services.ship_runs import ShipFilesRefused, compute_ship_inventory, record_ship_run, zones_or_default
from transcarbon.store.db import transaction
from transcarbon.store.models import Job

KIND = "ship_run"

ROLES = ("ais", "ships", "shore_power")
"""The files of a job: AIS positions (required), the ship register, shore-power sessions."""


def start(
    factory: sessionmaker[Session],
    data_dir: Path,
    files: dict[str, tuple[str, bytes]],
    *,
    actor: str,
    city: str,
) -> int:
    """Keep the files and queue the job; return its id. ``files``: role → (name, bytes) for the roles of
    :data:`ROLES` (``ais`` required). The caller starts the worker (:func:`.job_worker.kick`)."""
    if "ais" not in files:
        raise ValueError("an AIS file is required")
    meta = {role: {"name": safe_name(name), "sha256": sha256(data)} for role, (name, data) in files.items()}
    with transaction(factory) as session:
        job = queue.enqueue(session, KIND, {"files": meta, "paths": {}, "city": city}, actor=actor)
        folder = data_dir / "ship_jobs" / str(job.id)
        folder.mkdir(parents=True, exist_ok=True)
        paths: dict[str, str] = {}
        for role, (name, data) in files.items():
            suffix = "".join(Path(safe_name(name)).suffixes[-1:]) or ".csv"
            path = folder / f"{role}{suffix.lower()}"
            path.write_bytes(data)
            paths[role] = str(path)
        job.payload = {**job.payload, "paths": paths}
        audit.append(
            session,
            actor=actor,
            action="ships.upload",
            object_type="job",
            object_id=str(job.id),
            after={"files": meta},
        )
        return job.id


def run_job(factory: sessionmaker[Session], job: queue.Claimed, options: AccountingOptions) -> dict[str, Any]:
    """Run the ship engine on the job's files and store the run; the result: ``run_id``. Refused files end the
    job ``refused`` with the refusal's words (:class:`.jobs.JobFailed`)."""
    del options  # a ship run takes its factors from the ship methods, not the accounting choices
    started = datetime.now(UTC)
    paths = {role: Path(p) for role, p in job.payload.get("paths", {}).items()}
    if "ais" not in paths or not all(p.is_file() for p in paths.values()):
        raise queue.JobFailed("refused", "the uploaded files are no longer kept")
    zones = zones_or_default(None, job.payload["city"])
    try:
        result = compute_ship_inventory(
            paths["ais"],
            paths.get("ships"),
            zones,
            paths.get("shore_power"),
            progress=lambda done, total: queue.update_job(factory, job.id, done=done, total=total),
        )
    except (ShipFilesRefused, FactorUnavailable) as exc:
        raise queue.JobFailed("refused", str(exc)[:4000]) from exc
    files = {"ais": paths["ais"], "ships": paths.get("ships"), "zones": zones, "shore_power": paths.get("shore_power")}
    with transaction(factory) as session:
        stored = record_ship_run(session, result, files, actor=job.requested_by, started=started)
    return {"run_id": stored.run_id}


def jobs(session: Session, limit: int = 10) -> list[Job]:
    """The newest ship-run jobs first."""
    return queue.jobs(session, KIND, limit=limit)
