"""The `second-opinion` command line: help everywhere, database, users, audit, demo seed."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from assistant.cli.main import app
from assistant.settings import Settings

runner = CliRunner()


def _all_command_paths() -> list[list[str]]:
    root = typer.main.get_command(app)
    paths: list[list[str]] = [[]]

    def walk(cmd: object, prefix: list[str]) -> None:
        for name, sub in getattr(cmd, "commands", {}).items():
            paths.append([*prefix, name])
            walk(sub, [*prefix, name])

    walk(root, [])
    return paths


def _invoke(settings: Settings, *args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), obj=settings, input=input)


class TestHelp:
    @pytest.mark.parametrize("path", _all_command_paths(), ids=lambda p: " ".join(p) or "root")
    def test_help_works(self, path: list[str]) -> None:
        """Every command and subcommand answers --help."""
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, result.output
        assert "Usage" in result.output

    def test_expected_commands_exist(self) -> None:
        """The operator commands the README documents are all there."""
        names = {" ".join(p) for p in _all_command_paths()}
        for expected in (
            "db upgrade",
            "users add",
            "users list",
            "users set-role",
            "cases list",
            "cases show",
            "audit verify",
            "demo seed",
        ):
            assert expected in names


class TestOperatorCommands:
    @pytest.fixture
    def cli_settings(self, tmp_path: Path) -> Settings:
        return Settings(environment="test", data_dir=tmp_path / "data")

    def test_users_and_audit(self, cli_settings: Settings) -> None:
        """Upgrade, add a user, change the role, list, verify the audit chain."""
        assert _invoke(cli_settings, "db", "upgrade").exit_code == 0
        added = _invoke(
            cli_settings,
            "users",
            "add",
            "drlee",
            "--role",
            "clinician",
            "--password-stdin",
            input="a-long-password\n",
        )
        assert added.exit_code == 0, added.output
        assert _invoke(cli_settings, "users", "set-role", "drlee", "support").exit_code == 0
        listing = _invoke(cli_settings, "users", "list")
        assert "drlee" in listing.output and "support" in listing.output
        verify = _invoke(cli_settings, "audit", "verify")
        assert verify.exit_code == 0 and "OK: 2 events" in verify.output

    def test_last_admin_cannot_be_demoted(self, cli_settings: Settings) -> None:
        """The CLI shares the user service's rule: the only active admin keeps the role."""
        _invoke(cli_settings, "db", "upgrade")
        added = _invoke(
            cli_settings,
            "users",
            "add",
            "root",
            "--role",
            "admin",
            "--password-stdin",
            input="a-long-password\n",
        )
        assert added.exit_code == 0, added.output
        refused = _invoke(cli_settings, "users", "set-role", "root", "clinician")
        assert refused.exit_code == 1
        assert "last active administrator" in refused.output
        assert "admin" in _invoke(cli_settings, "users", "list").output.split("root", 1)[1].split("\n")[0]
        _invoke(
            cli_settings,
            "users",
            "add",
            "second",
            "--role",
            "admin",
            "--password-stdin",
            input="a-long-password\n",
        )
        assert _invoke(cli_settings, "users", "set-role", "root", "clinician").exit_code == 0

    def test_short_password_refused(self, cli_settings: Settings) -> None:
        """A weak password is refused with a clear message."""
        _invoke(cli_settings, "db", "upgrade")
        result = _invoke(
            cli_settings, "users", "add", "x", "--role", "patient", "--password-stdin", input="short\n"
        )
        assert result.exit_code == 1
        assert "at least 10 characters" in result.output

    def test_demo_seed_prints_passwords_once(self, cli_settings: Settings) -> None:
        """Demo accounts are created with printed passwords; a second run prints none."""
        first = _invoke(cli_settings, "demo", "seed", "--no-knowledge")
        assert first.exit_code == 0, first.output
        for username in ("patient", "clinician", "support", "admin"):
            assert username in first.output
        second = _invoke(cli_settings, "demo", "seed", "--no-knowledge")
        assert "already exist" in second.output

    def test_cases_show_unknown(self, cli_settings: Settings) -> None:
        """An unknown case id is a clear error, not a traceback."""
        _invoke(cli_settings, "db", "upgrade")
        result = _invoke(cli_settings, "cases", "show", "nope")
        assert result.exit_code == 1 and "Case not found" in result.output


class TestDemoSeedInProduction:
    def test_refused_without_force(self, tmp_path: Path) -> None:
        """`demo seed` in production creates nothing unless --force is given."""
        import secrets

        strong = {"secret_key": secrets.token_urlsafe(32), "chainlit_auth_secret": secrets.token_urlsafe(32)}
        settings = Settings(environment="production", data_dir=tmp_path / "data", security=strong)  # type: ignore[arg-type]
        result = _invoke(settings, "demo", "seed", "--no-knowledge")
        assert result.exit_code == 1
        assert "production" in result.output and "--force" in result.output
        assert not (tmp_path / "data" / "second_opinion.db").exists()
