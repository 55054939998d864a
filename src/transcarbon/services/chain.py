"""A keyed hash chain: the primitives any append-only record uses to prove itself untouched (the audit log,
and any ledger built the same way).

Each link stores the hash of the link before it (``prev_hash``; the first link chains from :data:`GENESIS`),
the id of the key that signed it, and its own hash::

    hash = HMAC-SHA256(key, prev_hash ‖ body)          body: canonical JSON of the link's fields

Without the key nobody can write a link that verifies, so an edit, an insertion or a removal in the middle
shows, and so does an edit recomputed over every later link. A *head* (last id and hash, with its own MAC)
shows removals from the end; an *anchor* (count, id and hash of the head, recorded elsewhere) shows a head
moved back to an earlier one. :func:`check` walks the links once, in order, and reports every broken link, not
only the first. Keys come from :mod:`transcarbon.services.keys`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from transcarbon.services.keys import Key, KeyRing

GENESIS = "0" * 64


def canonical_json(value: object) -> str:
    """JSON with sorted keys and no spaces: the same bytes on every machine and database."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def link_hash(key: Key, prev_hash: str, body: str) -> str:
    """HMAC-SHA256 of ``prev_hash ‖ body`` under ``key`` (hex)."""
    return hmac.new(key.secret, (prev_hash + body).encode("utf-8"), hashlib.sha256).hexdigest()


def head_mac(key: Key, last_id: int, last_hash: str) -> str:
    """The MAC of a chain's head: which link is the last one."""
    return hmac.new(key.secret, f"head|{last_id}|{last_hash}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Link:
    """One stored link as the checker sees it: id, the stored hashes, the canonical body, the signing key's id."""

    id: int
    prev_hash: str
    hash: str
    body: str
    key_id: str | None


@dataclass(frozen=True)
class Break:
    """A link that does not verify: its id and why (a catalog key: ``chain.broken_link``, ``chain.bad_hash``,
    ``chain.unknown_key``, ``chain.unkeyed``, ``chain.head`` …)."""

    id: int
    reason: str


@dataclass
class Walk:
    """What :func:`check` found: how many links, the last one, every break."""

    count: int = 0
    last_id: int = 0
    last_hash: str = GENESIS
    last_keyed: bool = False
    breaks: list[Break] = field(default_factory=list)


def check(
    links: Iterable[Link], ring: KeyRing, *, unkeyed: Callable[[str, str], str] | None = None, walk: Walk | None = None
) -> Walk:
    """Verify ``links`` in order: each must point at the stored hash of the one before (else
    ``chain.broken_link``: one was removed, inserted or its hash edited) and its hash must be the HMAC of its
    body under the key it names (``chain.bad_hash``: edited; ``chain.unknown_key``: a key not in the ring).

    ``unkeyed(prev_hash, body)``: how links written before the chain was keyed (``key_id`` null) were hashed;
    such links are accepted only before the first keyed link (``chain.unkeyed`` after it). Every break is
    reported; checking goes on from each link's stored hash, so one edit is one break, not all the rest."""
    walk = walk or Walk()
    keyed_seen = False
    for link in links:
        if link.prev_hash != walk.last_hash:
            walk.breaks.append(Break(link.id, "chain.broken_link"))
        if link.key_id is None:
            if keyed_seen or unkeyed is None:
                walk.breaks.append(Break(link.id, "chain.unkeyed"))
            elif unkeyed(link.prev_hash, link.body) != link.hash:
                walk.breaks.append(Break(link.id, "chain.bad_hash"))
        else:
            keyed_seen = True
            key = ring.get(link.key_id)
            if key is None:
                walk.breaks.append(Break(link.id, "chain.unknown_key"))
            elif not hmac.compare_digest(link_hash(key, link.prev_hash, link.body), link.hash):
                walk.breaks.append(Break(link.id, "chain.bad_hash"))
        walk.count, walk.last_id, walk.last_hash = walk.count + 1, link.id, link.hash
        walk.last_keyed = link.key_id is not None
    return walk


def check_head(walk: Walk, ring: KeyRing, *, last_id: int, last_hash: str, key_id: str | None, mac: str | None) -> None:
    """Add a break to ``walk`` unless the stored head names its last link (``chain.head``) and, once the chain
    is keyed, carries a valid MAC (``chain.head_mac``: the head was moved by someone without the key)."""
    if (last_id, last_hash) != (walk.last_id, walk.last_hash):
        walk.breaks.append(Break(last_id, "chain.head"))
        return
    if not walk.last_keyed:
        return
    key = ring.get(key_id) if key_id else None
    if key is None or mac is None or not hmac.compare_digest(head_mac(key, last_id, last_hash), mac):
        walk.breaks.append(Break(last_id, "chain.head_mac"))
