"""The audit log's seal: an HMAC-SHA256 chain keyed outside the database, and a checkpoint.

The plain sha256 chain of :mod:`assistant.audit` detects careless edits, but anyone who
can write the table can recompute it with the published algorithm. Two things kept
outside the database close that gap:

- a **key** (``settings.integrity.audit_key``, or a random key written with mode 0600 to
  ``<data_dir>/audit.key`` on first run): every event also stores
  ``hmac = HMAC-SHA256(key, previous hmac + ":" + event hash)``, which only a holder of
  the key can recompute;
- a **checkpoint** file (``<data_dir>/audit.checkpoint``): the newest sequence number,
  hash and hmac, itself sealed with the key, rewritten after every commit that appended
  events, so deleting the newest events (or all of them) is found.

A :class:`Sealer` is bound to a database engine at the entry point (:func:`install`);
:func:`sealer_for` finds it from a session's bind when an event is recorded.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import logging
import os
import secrets
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from assistant.settings import Settings

logger = logging.getLogger(__name__)

_SEALERS: weakref.WeakKeyDictionary[Engine, Sealer] = weakref.WeakKeyDictionary()
TAIL_KEY = "audit_tail"


class AuditKeyMissingError(RuntimeError):
    """The audit key file is absent where a check needs it."""


@dataclass(frozen=True)
class Checkpoint:
    """The newest event the application knows it appended."""

    seq: int
    hash: str
    hmac: str


class Sealer:
    """Computes event seals with one key and keeps the checkpoint file."""

    def __init__(self, key: bytes, checkpoint_path: Path) -> None:
        self._key = key
        self.checkpoint_path = checkpoint_path

    def seal(self, prev_hmac: str, event_hash: str) -> str:
        """The event's hmac, chained on the previous event's hmac ('' for the first)."""
        return hmac.new(self._key, f"{prev_hmac}:{event_hash}".encode(), hashlib.sha256).hexdigest()

    def _checkpoint_mac(self, seq: int, event_hash: str, event_hmac: str) -> str:
        message = f"checkpoint:{seq}:{event_hash}:{event_hmac}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def write_checkpoint(self, seq: int, event_hash: str, event_hmac: str) -> None:
        """Advance the checkpoint to ``seq`` (never backwards; safe across processes)."""
        path = self.checkpoint_path
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = path.with_name(path.name + ".lock")
        with lock.open("a") as lock_fh:
            fcntl.flock(lock_fh, fcntl.LOCK_EX)
            current = self._read_raw()
            if current is not None and int(current.get("seq", 0)) >= seq:
                return
            body = {
                "seq": seq,
                "hash": event_hash,
                "hmac": event_hmac,
                "mac": self._checkpoint_mac(seq, event_hash, event_hmac),
            }
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_text(json.dumps(body), encoding="utf-8")
            os.replace(tmp, path)

    def _read_raw(self) -> dict[str, Any] | None:
        try:
            raw: dict[str, Any] = json.loads(self.checkpoint_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            return {}
        return raw

    def read_checkpoint(self) -> Checkpoint | None:
        """The checkpoint, or None if there is none yet.

        Raises:
            ValueError: The file is unreadable or its seal does not match the key.
        """
        raw = self._read_raw()
        if raw is None:
            return None
        try:
            cp = Checkpoint(int(raw["seq"]), str(raw["hash"]), str(raw["hmac"]))
            mac = str(raw["mac"])
        except (KeyError, TypeError, ValueError) as e:
            raise ValueError(f"the checkpoint file {self.checkpoint_path} is unreadable") from e
        if not hmac.compare_digest(mac, self._checkpoint_mac(cp.seq, cp.hash, cp.hmac)):
            raise ValueError(f"the checkpoint file {self.checkpoint_path} was not written with this key")
        return cp


def key_file(settings: Settings) -> Path:
    """Where the generated audit key lives."""
    return settings.integrity.audit_key_file or settings.data_dir / "audit.key"


def checkpoint_file(settings: Settings) -> Path:
    """Where the checkpoint lives."""
    return settings.integrity.audit_checkpoint or settings.data_dir / "audit.checkpoint"


def load_key(settings: Settings, *, create: bool) -> bytes:
    """The audit key from settings or its file (created 0600 when ``create`` and absent).

    Raises:
        AuditKeyMissingError: No key in settings and no key file (and ``create`` is false).
    """
    if settings.integrity.audit_key:
        return settings.integrity.audit_key.encode()
    path = key_file(settings)
    if path.is_file():
        return path.read_text(encoding="utf-8").strip().encode()
    if not create:
        raise AuditKeyMissingError(
            f"no audit key: {path} does not exist and SECOND_OPINION_INTEGRITY__AUDIT_KEY is empty"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(secrets.token_hex(32))
    logger.warning("created a new audit key at %s; back it up with the data", path)
    return path.read_text(encoding="utf-8").strip().encode()


def make_sealer(settings: Settings, *, create: bool = True) -> Sealer:
    """A sealer from settings (see :func:`load_key`)."""
    return Sealer(load_key(settings, create=create), checkpoint_file(settings))


def install(engine: Engine, settings: Settings) -> Sealer:
    """Seal every audit event appended through ``engine`` from now on."""
    sealer = make_sealer(settings, create=True)
    _SEALERS[engine] = sealer
    return sealer


def uninstall(engine: Engine) -> None:
    """Stop sealing events appended through ``engine`` (tests that share one engine)."""
    _SEALERS.pop(engine, None)


def sealer_for(session: Session) -> Sealer | None:
    """The sealer bound to this session's engine, if any."""
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    return _SEALERS.get(engine)


@event.listens_for(Session, "after_commit")
def _write_checkpoint(session: Session) -> None:
    tail = session.info.pop(TAIL_KEY, None)
    if tail is None:
        return
    sealer, seq, event_hash, event_hmac = tail
    try:
        sealer.write_checkpoint(seq, event_hash, event_hmac)
    except OSError:
        logger.exception("could not write the audit checkpoint")


@event.listens_for(Session, "after_rollback")
def _forget_tail(session: Session) -> None:
    session.info.pop(TAIL_KEY, None)
