"""Raw uploaded files, kept by content: bytes under ``<data_dir>/uploads/ab/abcdef…`` and one
:class:`UploadedFile` row per SHA-256. The same content uploaded twice is stored once.

:func:`keep` writes the bytes (atomically: a temporary file renamed into place) and records the row in
a transaction of its own, so the raw file stays kept even when the import that follows is refused or
fails half-way.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from transcarbon.services import audit
from transcarbon.store.db import transaction
from transcarbon.store.models import UploadedFile


def safe_name(name: str) -> str:
    """A file name as kept and shown: its last path part, without control characters (NUL and the like, which
    PostgreSQL cannot store and no file system wants), at most 200 characters; ``upload`` when nothing is left."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    clean = "".join(ch for ch in base if ch.isprintable()).strip()
    return clean[:200] or "upload"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def relative_path(digest: str) -> str:
    return f"uploads/{digest[:2]}/{digest}"


def write_bytes(data_dir: Path, data: bytes) -> tuple[str, str]:
    """Store ``data`` under ``data_dir`` by content; return (sha256, path relative to ``data_dir``)."""
    digest = sha256(data)
    rel = relative_path(digest)
    target = data_dir / rel
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".part-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return digest, rel


def keep(
    factory: sessionmaker[Session],
    data_dir: Path,
    data: bytes,
    *,
    file_name: str,
    media_type: str,
    actor: str,
    purpose: str,
) -> UploadedFile:
    """Keep the raw file (bytes and row) and log the upload, committed on its own."""
    media_type = media_type if media_type.isprintable() else "application/octet-stream"
    digest, rel = write_bytes(data_dir, data)
    try:
        return _record(factory, digest, rel, data, file_name, media_type, actor, purpose)
    except IntegrityError:  # the same content recorded by a concurrent upload a moment ago
        return _record(factory, digest, rel, data, file_name, media_type, actor, purpose)


def _record(
    factory: sessionmaker[Session],
    digest: str,
    rel: str,
    data: bytes,
    file_name: str,
    media_type: str,
    actor: str,
    purpose: str,
) -> UploadedFile:
    with transaction(factory) as session:
        row = session.get(UploadedFile, digest)
        known = row is not None
        if row is None:
            row = UploadedFile(
                sha256=digest,
                size_bytes=len(data),
                media_type=media_type,
                first_name=file_name[:300],
                path=rel,
                uploaded_by=actor,
            )
            session.add(row)
        audit.append(
            session,
            actor=actor,
            action="file.upload",
            object_type="uploaded_file",
            object_id=digest,
            after={"sha256": digest, "size_bytes": len(data)},
            details={"file_name": file_name, "purpose": purpose, "already_kept": known},
        )
        session.flush()
        session.expunge(row)
    return row


def record(session: Session, data_dir: Path | None, data: bytes, *, file_name: str, media_type: str, actor: str) -> str:
    """Keep a file in the caller's transaction, for loads that log one audit entry of their own; return its
    SHA-256. Without ``data_dir`` only the row (hash, size, name) is kept, not the bytes."""
    if data_dir is not None:
        digest, rel = write_bytes(data_dir, data)
    else:
        digest = sha256(data)
        rel = relative_path(digest)
    if session.get(UploadedFile, digest) is None:
        session.add(
            UploadedFile(
                sha256=digest,
                size_bytes=len(data),
                media_type=media_type,
                first_name=file_name,
                path=rel,
                uploaded_by=actor,
            )
        )
        session.flush()
    return digest


def read(data_dir: Path, row: UploadedFile) -> bytes:
    """The kept bytes; ``FileNotFoundError`` when missing, ``ValueError`` when they no longer match the hash."""
    data = (data_dir / row.path).read_bytes()
    if sha256(data) != row.sha256:
        raise ValueError(f"stored file {row.path} does not match its SHA-256")
    return data
