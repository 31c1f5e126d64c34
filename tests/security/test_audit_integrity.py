"""Attack 8: the audit log refuses raw edits, and rewrites or truncations are found.

The attacks are replayed as the review did them: with write access to the database (the
triggers dropped first, as an owner could), delete the newest events, delete them all,
or edit one and recompute every following hash with the published algorithm. The
keyed HMAC chain and the checkpoint kept outside the database must find each one, both
through :func:`assistant.audit.verify_sealed` and through ``second-opinion audit verify``.
"""

from __future__ import annotations

import json
import os
import stat
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import exc, select, text
from typer.testing import CliRunner

from assistant import audit, audit_seal
from assistant.audit_seal import Sealer
from assistant.cli.main import app as cli
from assistant.context import AppContext
from assistant.db.base import Database
from assistant.db.models import AuditEvent, User
from assistant.db.triggers import AUDIT_MESSAGE, drop_audit_triggers
from assistant.lifecycle import CaseStatus
from assistant.roles import Role
from assistant.settings import Settings
from tests.assistant.factories import to_state


@pytest.fixture
def sealer(db: Database, settings: Settings) -> Iterator[Sealer]:
    """The database sealed with a fresh key and checkpoint in a temporary data directory."""
    bound = audit_seal.install(db.engine, settings)
    yield bound
    audit_seal.uninstall(db.engine)


def _history(db: Database, make_user: Callable[..., User]) -> int:
    """A signed case's worth of events; returns the newest sequence number."""
    patient, clinician = make_user(db, Role.PATIENT), make_user(db, Role.CLINICIAN)
    to_state(db, patient, CaseStatus.SIGNED, clinician)
    with db.session() as s:
        return int(s.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1)) or 0)


def _rewrite_from(db: Database, seq: int, action: str) -> None:
    """The published-algorithm forgery: edit one event, recompute every hash after it."""
    with db.engine.begin() as conn:
        drop_audit_triggers(conn)
        conn.execute(text("UPDATE audit_events SET action = :a WHERE seq = :s"), {"a": action, "s": seq})
    with db.session() as s:
        prev = s.scalar(select(AuditEvent.hash).where(AuditEvent.seq == seq - 1)) or audit.GENESIS_HASH
        for ev in s.scalars(select(AuditEvent).where(AuditEvent.seq >= seq).order_by(AuditEvent.seq)):
            ev.prev_hash = prev
            ev.hash = audit._event_hash(ev)  # the algorithm is public
            prev = ev.hash


class TestAppendOnlyTriggers:
    @pytest.mark.parametrize(
        "sql",
        ["UPDATE audit_events SET action = 'x' WHERE seq = 1", "DELETE FROM audit_events WHERE seq = 1"],
    )
    def test_raw_sql_change_refused(self, db: Database, make_user: Callable[..., User], sql: str) -> None:
        """UPDATE and DELETE of an audit row fail in the database itself."""
        _history(db, make_user)
        with pytest.raises(exc.DatabaseError, match=AUDIT_MESSAGE), db.engine.begin() as conn:
            conn.execute(text(sql))

    def test_truncate_refused_on_postgresql(self, db: Database, make_user: Callable[..., User]) -> None:
        """TRUNCATE (which skips row triggers) is refused too on PostgreSQL."""
        if not db.is_postgresql:
            pytest.skip("SQLite has no TRUNCATE")
        _history(db, make_user)
        with pytest.raises(exc.DatabaseError, match=AUDIT_MESSAGE), db.engine.begin() as conn:
            conn.execute(text("TRUNCATE audit_events"))


class TestSealedChain:
    def test_untouched_log_verifies(
        self, db: Database, make_user: Callable[..., User], sealer: Sealer
    ) -> None:
        """Hash chain, HMAC chain and checkpoint agree on an untouched log."""
        newest = _history(db, make_user)
        checkpoint = sealer.read_checkpoint()
        assert checkpoint is not None and checkpoint.seq == newest
        with db.session() as s:
            report = audit.verify_sealed(s, sealer)
        assert report.ok, report.reason
        assert report.events_checked == newest

    def test_newest_events_deleted(
        self, db: Database, make_user: Callable[..., User], sealer: Sealer
    ) -> None:
        """Deleting the newest three events is found through the checkpoint."""
        newest = _history(db, make_user)
        with db.engine.begin() as conn:
            drop_audit_triggers(conn)
            conn.execute(text("DELETE FROM audit_events WHERE seq > :n"), {"n": newest - 3})
        with db.session() as s:
            assert audit.verify_chain(s).ok  # the plain hash chain alone is fooled
            report = audit.verify_sealed(s, sealer)
        assert not report.ok
        assert "newest 3 event(s) were deleted" in report.reason

    def test_all_events_deleted(self, db: Database, make_user: Callable[..., User], sealer: Sealer) -> None:
        """An emptied log is found."""
        _history(db, make_user)
        with db.engine.begin() as conn:
            drop_audit_triggers(conn)
            conn.execute(text("DELETE FROM audit_events"))
        with db.session() as s:
            report = audit.verify_sealed(s, sealer)
        assert not report.ok and "the log is empty" in report.reason

    def test_rewrite_with_public_algorithm(
        self, db: Database, make_user: Callable[..., User], sealer: Sealer
    ) -> None:
        """Editing event 4 and recomputing every later hash breaks the HMAC seal at event 4."""
        _history(db, make_user)
        _rewrite_from(db, 4, "case.view")
        with db.session() as s:
            assert audit.verify_chain(s).ok  # the forgery fools the plain chain
            report = audit.verify_sealed(s, sealer)
        assert not report.ok
        assert report.first_broken_seq == 4
        assert "HMAC seal does not match" in report.reason

    def test_seals_stripped(self, db: Database, make_user: Callable[..., User], sealer: Sealer) -> None:
        """Blanking every seal (to pass as events from before the key) is found at the checkpoint."""
        newest = _history(db, make_user)
        with db.engine.begin() as conn:
            drop_audit_triggers(conn)
            conn.execute(text("UPDATE audit_events SET hmac = ''"))
        with db.session() as s:
            report = audit.verify_sealed(s, sealer)
        assert not report.ok
        assert f"event {newest} differs from the checkpoint" in report.reason

    def test_forged_checkpoint(self, db: Database, make_user: Callable[..., User], sealer: Sealer) -> None:
        """A checkpoint rewritten to match a truncated log fails its own seal."""
        newest = _history(db, make_user)
        body = json.loads(sealer.checkpoint_path.read_text())
        body["seq"] = newest - 2
        sealer.checkpoint_path.write_text(json.dumps(body))
        with db.session() as s:
            report = audit.verify_sealed(s, sealer)
        assert not report.ok and "not written with this key" in report.reason

    def test_concurrent_appends_keep_checkpoint(
        self, db: Database, make_user: Callable[..., User], sealer: Sealer
    ) -> None:
        """Threads appending at once leave one sealed chain and the checkpoint at its end."""
        user = make_user(db, Role.ADMIN)

        def append() -> None:
            for _ in range(5):
                with db.session() as s:
                    audit.record(s, user, "test.event")

        threads = [threading.Thread(target=append) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        with db.session() as s:
            report = audit.verify_sealed(s, sealer)
        assert report.ok, report.reason
        checkpoint = sealer.read_checkpoint()
        assert checkpoint is not None and checkpoint.seq == report.events_checked == 20

    def test_key_file_is_private(self, settings: Settings) -> None:
        """The generated key file is readable by its owner only."""
        audit_seal.load_key(settings, create=True)
        mode = stat.S_IMODE(os.stat(audit_seal.key_file(settings)).st_mode)
        assert mode == 0o600


class TestVerifyCommand:
    """``second-opinion audit verify`` on a real data directory (SQLite), as an operator runs it."""

    @pytest.fixture
    def data(self, tmp_path: Path, make_user: Callable[..., User]) -> Iterator[tuple[Settings, Database]]:
        settings = Settings(environment="test", data_dir=tmp_path / "data", llm={"mode": "mock"})  # type: ignore[arg-type]
        assert CliRunner().invoke(cli, ["db", "upgrade"], obj=settings).exit_code == 0
        ctx = AppContext(settings)  # binds the seal as the app does
        _history(ctx.db, make_user)
        yield settings, ctx.db
        ctx.close()

    def _verify(self, settings: Settings) -> tuple[int, str]:
        result = CliRunner().invoke(cli, ["audit", "verify"], obj=settings)
        return result.exit_code, result.output

    def test_ok(self, data: tuple[Settings, Database]) -> None:
        """An untouched log is reported OK with all three checks named."""
        code, out = self._verify(data[0])
        assert code == 0 and "hash chain, HMAC seal, checkpoint" in out

    @pytest.mark.parametrize(
        ("attack", "expected"),
        [
            ("newest", "were deleted"),
            ("all", "the log is empty"),
            ("rewrite", "HMAC seal does not match"),
        ],
    )
    def test_attacks_reported(self, data: tuple[Settings, Database], attack: str, expected: str) -> None:
        """Each replayed attack makes the command fail and say what is wrong."""
        settings, db = data
        if attack == "rewrite":
            _rewrite_from(db, 3, "case.view")
        else:
            with db.engine.begin() as conn:
                drop_audit_triggers(conn)
                where = "WHERE seq > 5" if attack == "newest" else ""
                conn.execute(text(f"DELETE FROM audit_events {where}"))
        code, out = self._verify(settings)
        assert code == 1
        assert "audit log BROKEN" in out and expected in out

    def test_missing_key_is_said(self, data: tuple[Settings, Database]) -> None:
        """Without its key the command refuses to call the log verified."""
        settings = data[0]
        audit_seal.key_file(settings).unlink()
        code, out = self._verify(settings)
        assert code == 1 and "NOT VERIFIED" in out and "no audit key" in out
