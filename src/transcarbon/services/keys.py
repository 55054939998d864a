"""Secret keys that live outside the database: key rings for keyed hash chains (the audit log; any other
append-only record that must prove itself untouched, such as a credit ledger).

A *ring* holds the keys of one purpose (``audit``, ``ledger`` …): the current key signs new links, every key of
the ring verifies old ones. A key's id is the first 16 hex digits of SHA-256 over a fixed label and the key, so
the id can be stored beside what it signed without revealing the key. Where a ring comes from:

- an environment variable (for the audit log ``TRANSCARBON_AUDIT_KEY``, read by :class:`Settings`): one or more
  keys of at least 32 characters, comma-separated, newest first; or
- a folder ``<data_dir>/keys/<purpose>/`` (mode 0700) of key files ``<id>.key`` (64 hex digits, mode 0600) and
  a file ``current`` naming the current key's id; the first use creates the folder and a random key.

Rotation (``transcarbon audit rotate-key`` for the folder; for the variable, put the new key first and keep the
old ones after it): new links are signed with the new key, old links still verify with the old keys, which must
therefore be kept for as long as the records they signed. See ``docs/security.md``.

A process configures the rings once (:func:`configure`, from :class:`Settings`); :func:`ring` returns the ring
of a purpose, loaded on first use.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from transcarbon.settings import Settings, get_settings

MIN_SECRET = 32


class KeyProblem(ValueError):
    """A key ring cannot be loaded: a key too short, a ``current`` file naming no key, a file anyone may read."""


@dataclass(frozen=True)
class Key:
    """One secret key and its public id (the secret never appears in ``repr``)."""

    id: str
    secret: bytes = field(repr=False)


@dataclass(frozen=True)
class KeyRing:
    """The keys of one purpose: ``current`` signs, every key in ``keys`` (by id) verifies."""

    purpose: str
    current: Key
    keys: dict[str, Key]

    def get(self, key_id: str) -> Key | None:
        return self.keys.get(key_id)


def key_id(secret: bytes) -> str:
    """The public id of a key: 16 hex digits of SHA-256(label ‖ key)."""
    return hashlib.sha256(b"transcarbon-key-id:" + secret).hexdigest()[:16]


def _key(secret: bytes) -> Key:
    if len(secret) < MIN_SECRET:
        raise KeyProblem(f"a key needs at least {MIN_SECRET} bytes / 密钥至少 {MIN_SECRET} 字节")
    return Key(key_id(secret), secret)


def from_text(purpose: str, text: str) -> KeyRing:
    """A ring from comma-separated keys, newest (current) first."""
    keys = [_key(part.strip().encode("utf-8")) for part in text.split(",") if part.strip()]
    if not keys:
        raise KeyProblem(f"no {purpose} key given / 未提供 {purpose} 密钥")
    return KeyRing(purpose, keys[0], {k.id: k for k in keys})


def _private_dir(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(folder, 0o700)


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(text)
    os.chmod(path, 0o600)


def new_key(folder: Path) -> Key:
    """Add a random 256-bit key to the folder ring and make it current (a first key, or a rotation)."""
    _private_dir(folder)
    secret = secrets.token_hex(32).encode("ascii")
    key = _key(secret)
    _write_private(folder / f"{key.id}.key", secret.decode("ascii"))
    _write_private(folder / "current.tmp", key.id)
    os.replace(folder / "current.tmp", folder / "current")
    return key


def from_folder(purpose: str, folder: Path, *, create: bool = True) -> KeyRing:
    """The ring kept in ``folder`` (created with a first key when missing and ``create``)."""
    if not (folder / "current").is_file():
        if not create:
            raise KeyProblem(f"no {purpose} key in {folder} / {folder} 中没有 {purpose} 密钥")
        new_key(folder)
    keys: dict[str, Key] = {}
    for path in sorted(folder.glob("*.key")):
        if path.stat().st_mode & 0o077:
            raise KeyProblem(f"{path} may be read by others: chmod 600 it / {path} 权限过宽，请设为 600")
        key = _key(path.read_text(encoding="ascii").strip().encode("ascii"))
        keys[key.id] = key
    current = (folder / "current").read_text(encoding="ascii").strip()
    if current not in keys:
        raise KeyProblem(f"{folder / 'current'} names key {current}, which is not there / 当前密钥 {current} 不存在")
    return KeyRing(purpose, keys[current], keys)


def rotate(settings: Settings, purpose: str) -> tuple[Key, Key]:
    """Add a new key to the folder ring of ``purpose``, make it current and reload the rings: (old, new). Old
    keys stay, so that what they signed still verifies (the caller refuses a ring kept in the environment)."""
    old = ring(purpose).current
    new = new_key(folder_for(settings, purpose))
    configure(settings)
    return old, new


def folder_for(settings: Settings, purpose: str) -> Path:
    return settings.data_dir / "keys" / purpose


def load(settings: Settings, purpose: str) -> KeyRing:
    """The ring of ``purpose``: from its environment variable when set in ``settings``, else from its folder."""
    secret = settings.key_text(purpose)
    if secret:
        return from_text(purpose, secret)
    return from_folder(purpose, folder_for(settings, purpose))


_settings: Settings | None = None
_rings: dict[str, KeyRing] = {}


def configure(settings: Settings) -> None:
    """Where this process finds its keys from now on (the app and the commands call it with their settings)."""
    global _settings
    _settings = settings
    _rings.clear()


def ring(purpose: str) -> KeyRing:
    """The ring of ``purpose`` for this process, loaded on first use (default: the environment's settings)."""
    if purpose not in _rings:
        _rings[purpose] = load(_settings or get_settings(), purpose)
    return _rings[purpose]
