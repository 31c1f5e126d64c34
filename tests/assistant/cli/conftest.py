"""Fixtures for the command-line tests (the ingested knowledge base is shared with readiness)."""

from tests.assistant.health.conftest import knowledge_dir  # noqa: F401 - re-exported fixture
