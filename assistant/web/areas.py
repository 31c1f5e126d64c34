"""The list of web areas; each module adds its routes to the app with a ``register(app)``."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI

from assistant.web import (
    account,
    admin,
    admin_jobs,
    alerts,
    cockpit,
    dicomweb,
    exports,
    metrics,
    request_pages,
    support,
)

REGISTERS: list[Callable[[FastAPI], None]] = [
    cockpit.register,
    support.register,
    admin.register,
    admin_jobs.register,
    metrics.register,
    exports.register,
    dicomweb.register,
    request_pages.register,
    account.register,
    alerts.register,
]
