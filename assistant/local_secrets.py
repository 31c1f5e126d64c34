"""Random per-installation secrets for development and test runs.

Outside production, a secret left at its published default is replaced by one generated
on first run and kept in ``<data_dir>/secrets.json`` (mode 0600), so no two installations
share a key and nobody can mint a session cookie from the source code. Production never
gets here: its settings check refuses defaults and weak secrets.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import stat
from pathlib import Path

from assistant.settings import DEFAULT_CHAINLIT_SECRET, DEFAULT_SECRET, Settings

log = logging.getLogger(__name__)
SECRETS_FILE = "secrets.json"
_NAMES = ("secret_key", "chainlit_auth_secret")


def _create(path: Path) -> None:
    """Write a new secrets file atomically with mode 0600 (a concurrent writer wins cleanly)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump({name: secrets.token_urlsafe(48) for name in _NAMES}, f)
    try:
        os.link(tmp, path)  # fails if another process created it first; theirs is kept
    except FileExistsError:
        pass
    finally:
        tmp.unlink()


def load_local_secrets(data_dir: Path) -> dict[str, str]:
    """The installation's generated secrets, created on first use."""
    path = data_dir / SECRETS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.is_file():
        _create(path)
    if stat.S_IMODE(path.stat().st_mode) & 0o077:
        log.warning("%s was readable by others; restricting it to its owner", path)
        path.chmod(0o600)
    data = json.loads(path.read_text(encoding="utf-8"))
    return {name: str(data[name]) for name in _NAMES}


def apply_local_secrets(settings: Settings) -> None:
    """Replace default secrets by the installation's generated ones (never in production)."""
    sec = settings.security
    if settings.environment == "production":
        return
    if sec.secret_key != DEFAULT_SECRET and sec.chainlit_auth_secret != DEFAULT_CHAINLIT_SECRET:
        return
    stored = load_local_secrets(settings.data_dir)
    if sec.secret_key == DEFAULT_SECRET:
        sec.secret_key = stored["secret_key"]
    if sec.chainlit_auth_secret == DEFAULT_CHAINLIT_SECRET:
        sec.chainlit_auth_secret = stored["chainlit_auth_secret"]
