"""The audit log's seal: an HMAC-SHA256 chain keyed outside the database, and a checkpoint.

The plain sha256 chain of :mod:`assistant.audit` detects careless edits, but anyone who
can write the table can recompute it with the published algorithm. Two things kept
outside the database close that gap:

- a **key** (``settings.integrity.audit_key``, or a random key written with mode 0600 to
  ``<data_dir>/audit.key`` on first run): every event also stores
  ``hmac = HMAC-SHA256(key, previous hmac + ":" + event hash)``, which only a holder of
  the key can recompute;
- a **checkpoint** file (``<data_dir>/audit.checkpoint``): the newest sequence number,
  hash and hmac, itself sealed with the key, rewritten in place under a file lock after
  every commit that appended events (never backwards), so deleting the newest events (or
  all of them) is found.

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
import threading
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
RECORD_BYTES = 512


def _parse(raw: bytes) -> dict[str, Any] | None:
    """A checkpoint record: None when empty (no checkpoint yet), {} when unreadable."""
    if not raw.strip():
        return None
    try:
        parsed = json.loads(raw)
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


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
        self._thread_lock = threading.Lock()
        self._fd: int | None = None
        self._pid = 0

    def seal(self, prev_hmac: str, event_hash: str) -> str:
        """The event's hmac, chained on the previous event's hmac ('' for the first)."""
        return hmac.new(self._key, f"{prev_hmac}:{event_hash}".encode(), hashlib.sha256).hexdigest()

    def _checkpoint_mac(self, seq: int, event_hash: str, event_hmac: str) -> str:
        message = f"checkpoint:{seq}:{event_hash}:{event_hmac}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def _file(self) -> int:
        """The checkpoint's descriptor, opened once per process (reopened after a fork)."""
        if self._fd is None or self._pid != os.getpid():
            self.checkpoint_path.parent.mkdir(parents=True, exist_ok=True)
            self._fd, self._pid = os.open(self.checkpoint_path, os.O_RDWR | os.O_CREAT, 0o600), os.getpid()
        return self._fd

    def write_checkpoint(self, seq: int, event_hash: str, event_hmac: str) -> None:
        """Advance the checkpoint to ``seq`` (never backwards; safe across threads and processes).

        One fixed-size record rewritten in place under ``flock``: a rename per commit cost
        milliseconds, a ``pwrite`` of one page costs microseconds.
        """
        with self._thread_lock:
            fd = self._file()
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                current = _parse(os.pread(fd, RECORD_BYTES, 0))
                if current is not None and int(current.get("seq", 0)) >= seq:
                    return
                body = {
                    "seq": seq,
                    "hash": event_hash,
                    "hmac": event_hmac,
                    "mac": self._checkpoint_mac(seq, event_hash, event_hmac),
                }
                os.pwrite(fd, json.dumps(body).encode().ljust(RECORD_BYTES), 0)
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)

    def close(self) -> None:
        """Close the checkpoint's descriptor (it is reopened on the next write)."""
        with self._thread_lock:
            if self._fd is not None and self._pid == os.getpid():
                os.close(self._fd)
            self._fd = None

    def _read_raw(self) -> dict[str, Any] | None:
        try:
            with self.checkpoint_path.open("rb") as fh:
                fcntl.flock(fh, fcntl.LOCK_SH)
                return _parse(fh.read(RECORD_BYTES))
        except FileNotFoundError:
            return None

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
    sealer = _SEALERS.pop(engine, None)
    if sealer is not None:
        sealer.close()


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
