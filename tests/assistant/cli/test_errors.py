"""Operator errors: a failing dependency is one paragraph naming component, setting and fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli.main import app
from assistant.operator_help import component_of, explain
from assistant.settings import Settings
from tests.assistant.health.conftest import free_port

runner = CliRunner()


def _settings(tmp_path: Path, **overrides: object) -> Settings:
    return Settings(environment="test", data_dir=tmp_path / "data", **overrides)  # type: ignore[arg-type]


def _short_paragraph(output: str) -> None:
    assert "Traceback" not in output
    assert len(output.strip().splitlines()) <= 3, output


class TestDatabaseURL:
    def test_unreachable_database_names_the_setting(self, tmp_path: Path) -> None:
        """`db upgrade` against a closed port: the setting, the host, no password, no traceback."""
        url = f"postgresql+psycopg://app:s3cret@127.0.0.1:{free_port()}/app"
        result = runner.invoke(app, ["db", "upgrade"], obj=_settings(tmp_path, database={"url": url}))
        assert result.exit_code == 1
        assert "SECOND_OPINION_DATABASE__URL" in result.output
        assert "database (postgresql+psycopg://app:***@127.0.0.1:" in result.output
        assert "s3cret" not in result.output
        assert "--debug" in result.output
        _short_paragraph(result.output)

    def test_malformed_url(self, tmp_path: Path) -> None:
        """A URL SQLAlchemy cannot parse is the database's setting too."""
        result = runner.invoke(app, ["users", "list"], obj=_settings(tmp_path, database={"url": "not a url"}))
        assert result.exit_code == 1
        assert "SECOND_OPINION_DATABASE__URL" in result.output
        _short_paragraph(result.output)

    def test_debug_shows_the_traceback(self, tmp_path: Path) -> None:
        """With --debug the original exception escapes (the console prints its traceback)."""
        from sqlalchemy.exc import OperationalError

        url = f"postgresql+psycopg://app@127.0.0.1:{free_port()}/app"
        result = runner.invoke(
            app, ["--debug", "db", "upgrade"], obj=_settings(tmp_path, database={"url": url})
        )
        assert isinstance(result.exception, OperationalError)


class TestSettings:
    def test_invalid_environment_value_names_the_variable(self, tmp_path: Path) -> None:
        """A value that does not parse names its environment variable."""
        result = runner.invoke(
            app,
            ["users", "list"],
            env={"SECOND_OPINION_PORT": "eighty", "SECOND_OPINION_DATA_DIR": str(tmp_path)},
        )
        assert result.exit_code == 1
        assert "SECOND_OPINION_PORT" in result.output
        _short_paragraph(result.output)


class TestVectorStore:
    def test_chroma_down_names_host_port_and_setting(self, tmp_path: Path) -> None:
        """`knowledge stats` with the Chroma server down: component, host:port, setting, fix."""
        port = free_port()
        settings = _settings(tmp_path, knowledge={"vector_mode": "http", "chroma_port": port})
        result = runner.invoke(app, ["knowledge", "stats"], obj=settings)
        assert result.exit_code != 0
        assert "vector store" in result.output and f"127.0.0.1:{port}" in result.output
        assert "SECOND_OPINION_KNOWLEDGE__CHROMA_PORT" in result.output
        assert "chroma run" in result.output
        _short_paragraph(result.output)


class TestLibraryErrors:
    """Errors raised by the real client libraries are traced to their component."""

    def test_broker_refused(self, tmp_path: Path) -> None:
        """kombu's error for a closed Redis port names SECOND_OPINION_JOBS__BROKER_URL."""
        from kombu import Connection

        url = f"redis://:pw@127.0.0.1:{free_port()}/0"
        with pytest.raises(Exception) as caught, Connection(url, connect_timeout=1) as conn:
            conn.ensure_connection(max_retries=1, timeout=1)
        paragraph = explain(caught.value, _settings(tmp_path, jobs={"mode": "celery", "broker_url": url}))
        assert paragraph is not None and paragraph.startswith("broker (redis://***@127.0.0.1:")
        assert "SECOND_OPINION_JOBS__BROKER_URL" in paragraph and ":pw@" not in paragraph

    def test_llm_server_refused(self, tmp_path: Path) -> None:
        """The OpenAI client's connection error names SECOND_OPINION_LLM__BASE_URL."""
        from openai import OpenAI

        url = f"http://127.0.0.1:{free_port()}/v1"
        with pytest.raises(Exception) as caught:
            OpenAI(base_url=url, api_key="x", max_retries=0, timeout=2).models.list()
        paragraph = explain(
            caught.value, _settings(tmp_path, llm={"mode": "openai_compatible", "base_url": url})
        )
        assert paragraph is not None and paragraph.startswith(f"LLM (OpenAI-compatible server {url})")
        assert "SECOND_OPINION_LLM__BASE_URL" in paragraph

    def test_application_errors_are_not_blamed_on_a_dependency(self) -> None:
        """A plain bug in the application has no component (it is reported as unexpected)."""
        with pytest.raises(KeyError) as caught:
            {}["missing"]
        assert component_of(caught.value) is None


class TestControlFlow:
    def test_a_commands_own_refusal_is_printed_once(self, tmp_path: Path) -> None:
        """A command that explains and exits itself is not explained a second time."""
        settings = _settings(tmp_path, knowledge={"vector_mode": "http", "chroma_port": free_port()})
        result = runner.invoke(app, ["knowledge", "stats"], obj=settings)
        assert result.exit_code == 2
        assert result.output.count("SECOND_OPINION_KNOWLEDGE__CHROMA_PORT") == 1
