"""The composition root: one object per process holding settings and shared services.

Heavy components (imaging engine, knowledge retriever, LLM) are built lazily on first
use and then shared; the chat, the cockpit, the job runner and the CLI all take an
:class:`AppContext` instead of reaching for globals.
"""

from __future__ import annotations

import threading
from functools import cached_property
from typing import Any

from assistant.audit_seal import install as install_audit_seal
from assistant.db.base import Database
from assistant.local_secrets import apply_local_secrets
from assistant.settings import Settings
from assistant.storage import LocalStorage, Storage


class AppContext:
    """Settings plus the process-wide services built from them."""

    def __init__(self, settings: Settings, db: Database | None = None) -> None:
        self.settings = settings
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        apply_local_secrets(settings)  # never the published development secrets
        self.db = db or Database.from_url(settings.database_url, echo=settings.database.echo)
        self.audit_sealer = install_audit_seal(self.db.engine, settings)
        self._lock = threading.RLock()  # a component may build on another
        self._components: dict[str, Any] = {}
        self._building: dict[str, threading.RLock] = {}
        self._build_errors: dict[str, str] = {}

    @cached_property
    def storage(self) -> Storage:
        """Blob storage for uploads and derived images."""
        match self.settings.storage.mode:
            case "local":
                return LocalStorage(self.settings.storage_root)
            case "database":
                from assistant.storage_db import DatabaseStorage

                return DatabaseStorage(self.db.engine)

    def component(self, name: str, factory: Any) -> Any:
        """Build a heavy component once per process (thread-safe) and share it.

        Each component has its own lock, so a slow build (the triage exemplar bank at
        start-up) never holds up a request that needs another one (the chat's LLM).
        """
        with self._lock:
            if name in self._components:
                return self._components[name]
            lock = self._building.setdefault(name, threading.RLock())
        with lock:
            if name not in self._components:
                try:
                    built = factory()
                except Exception as e:
                    with self._lock:
                        self._build_errors[name] = f"{type(e).__name__}: {e}"[:300]
                    raise
                with self._lock:
                    self._components[name] = built
                    self._build_errors.pop(name, None)
            return self._components[name]

    def built(self, name: str) -> Any | None:
        """The component if it has been built, else None; never builds it (for readiness)."""
        with self._lock:
            return self._components.get(name)

    def build_error(self, name: str) -> str | None:
        """Why the component's last build failed, if it did and has not been built since."""
        with self._lock:
            return self._build_errors.get(name)

    def close(self) -> None:
        """Release pooled connections."""
        self.db.dispose()
