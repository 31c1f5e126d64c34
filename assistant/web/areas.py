"""The list of web areas; each module adds its routes to the app with a ``register(app)``."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI

from assistant.web import admin, alerts, cockpit, exports, metrics, support

REGISTERS: list[Callable[[FastAPI], None]] = [
    cockpit.register,
    support.register,
    admin.register,
    metrics.register,
    exports.register,
    alerts.register,
]
