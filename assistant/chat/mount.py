"""Mount the patient chat (Chainlit) into the project's FastAPI app at ``/chat``.

:func:`register` is called by :func:`assistant.web.app.create_app`. It renders the
shipped Chainlit configuration (``chainlit_root/.chainlit/config.toml``) into
``<data_dir>/chat`` with the upload limits and the operator's chat options (transports,
session timeouts: ``settings.chat``) from settings, points ``CHAINLIT_APP_ROOT``
there (so Chainlit's temporary upload folder lives with the other data, never in the
source tree), sets ``CHAINLIT_AUTH_SECRET`` from settings, mounts the entry module with
:func:`chainlit.utils.mount_chainlit`, and wraps the mount in
:class:`assistant.chat.auth.PatientGate`.
"""

from __future__ import annotations

import json
import logging
import os
import tomllib
from pathlib import Path

from fastapi import FastAPI
from starlette.routing import Mount

from assistant.chat import chainlit_assets, runtime
from assistant.chat.auth import PatientGate
from assistant.context import AppContext
from assistant.settings import DEFAULT_CHAINLIT_SECRET, Settings

logger = logging.getLogger(__name__)

CHAT_PATH = "/chat"
SHIPPED_ROOT = Path(__file__).with_name("chainlit_root")
ENTRY = SHIPPED_ROOT / "app.py"
_MOUNTED: dict[str, bool] = {}


def render_app_root(settings: Settings) -> Path:
    """Write the Chainlit app root for these settings; returns its folder."""
    root = (settings.data_dir / "chat").resolve()
    target = root / ".chainlit" / "config.toml"
    target.parent.mkdir(parents=True, exist_ok=True)
    template = (SHIPPED_ROOT / ".chainlit" / "config.toml").read_text(encoding="utf-8")
    values = {
        "{max_size_mb}": str(settings.uploads.max_file_mb),
        "{max_files}": str(settings.uploads.max_files_per_message),
        "{session_timeout}": str(settings.chat.session_timeout_s),
        "{user_session_timeout}": str(settings.chat.user_session_timeout_s),
        "{transports}": json.dumps(list(settings.chat.transports)),  # a JSON list of strings is TOML
    }
    text = template
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    if not target.is_file() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
    chainlit_assets.write_assets(root)
    return root


def _enforce_upload_config(settings: Settings, root: Path) -> None:
    """Apply the limits, the accepted file kinds and chat options to Chainlit's loaded config too.

    Chainlit reads its config once, when it is first imported; anything that imported it
    before :func:`register` (a test, a plugin) would otherwise leave its defaults in force,
    such as accepting every file type.
    """
    from chainlit.config import config

    rendered = tomllib.loads((root / ".chainlit" / "config.toml").read_text(encoding="utf-8"))
    accept = rendered["features"]["spontaneous_file_upload"]["accept"]
    config.project.transports = list(settings.chat.transports)
    config.project.session_timeout = settings.chat.session_timeout_s
    config.project.user_session_timeout = settings.chat.user_session_timeout_s
    upload = config.features.spontaneous_file_upload
    if upload is not None:
        upload.enabled = True
        upload.accept = accept
        upload.max_size_mb = settings.uploads.max_file_mb
        upload.max_files = settings.uploads.max_files_per_message


def register(app: FastAPI) -> None:
    """Mount the chat on ``app`` (uses ``app.state.context``)."""
    ctx: AppContext = app.state.context
    settings = ctx.settings
    secret = settings.security.chainlit_auth_secret
    if settings.environment == "production" and (secret == DEFAULT_CHAINLIT_SECRET or len(secret) < 32):
        raise RuntimeError("SECOND_OPINION_SECURITY__CHAINLIT_AUTH_SECRET must be set in production")
    root = render_app_root(settings)
    os.environ["CHAINLIT_APP_ROOT"] = str(root)
    os.environ["CHAINLIT_AUTH_SECRET"] = secret
    runtime.set_context(ctx)
    _enforce_upload_config(settings, root)
    if not _MOUNTED.get("chainlit"):
        from chainlit.utils import mount_chainlit

        mount_chainlit(app, target=str(ENTRY), path=CHAT_PATH)
        _MOUNTED["chainlit"] = True
    else:  # Chainlit is a process-wide singleton: mount the same app again
        from chainlit.server import app as chainlit_app

        app.mount(CHAT_PATH, chainlit_app)
    chainlit_assets.install_local_html()
    for route in app.routes:
        if isinstance(route, Mount) and route.path == CHAT_PATH and not isinstance(route.app, PatientGate):
            route.app = PatientGate(route.app, ctx)
    install_chat_guards(app, ctx)
    logger.info("patient chat mounted at %s", CHAT_PATH)


def install_chat_guards(app: FastAPI, ctx: AppContext) -> None:
    """Upload quotas, action checks and socket limits, behind the patient gate."""
    from assistant.chat import socket_limits
    from assistant.chat.guards import ChatGuard

    socket_limits.install(ctx.settings.chat_limits)
    guarded = False
    for route in app.routes:
        gate = route.app if isinstance(route, Mount) and route.path == CHAT_PATH else None
        if isinstance(gate, PatientGate):
            if not isinstance(gate.app, ChatGuard):
                gate.app = ChatGuard(gate.app, ctx)
            guarded = True
    if not guarded:  # never serve the chat without its upload and action guards
        raise RuntimeError(f"the chat at {CHAT_PATH} is not behind PatientGate; cannot install its guards")
