"""The `second-opinion` command: database, users, cases, audit, demo data, services."""

from __future__ import annotations

import json
import logging
import secrets
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from sqlalchemy import select

from assistant.cli import (
    health_cmd,
    imaging_cmd,
    jobs_cmd,
    knowledge_cmd,
    llm_cmd,
    metrics_cmd,
    storage_cmd,
    triage_cmd,
    worker_cmd,
)
from assistant.cli.context import get_settings
from assistant.cli.errors import DEBUG_KEY, OperatorErrorGroup
from assistant.db.base import Database
from assistant.db.migrate import upgrade as migrate_upgrade
from assistant.errors import DomainError
from assistant.lifecycle import CaseStatus
from assistant.process_defaults import apply_process_defaults
from assistant.roles import Role
from assistant.settings import Settings, load_settings

if TYPE_CHECKING:
    from assistant.intake import IntakeRecord as IntakeRecordT

app = typer.Typer(
    help="Second-opinion assistant: operate the service from the command line.",
    no_args_is_help=True,
    cls=OperatorErrorGroup,  # a failing dependency reads as one paragraph; --debug: the traceback
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
users_app = typer.Typer(help="Users and roles.", no_args_is_help=True)
cases_app = typer.Typer(help="Cases (operator view; every read is audited).", no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)
demo_app = typer.Typer(help="Demo data for trying the app.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(cases_app, name="cases")
app.add_typer(audit_app, name="audit")
app.add_typer(demo_app, name="demo")
app.add_typer(imaging_cmd.app, name="imaging")
app.add_typer(knowledge_cmd.app, name="knowledge")
app.add_typer(jobs_cmd.app, name="jobs")
app.command("metrics")(metrics_cmd.metrics_command)
app.add_typer(triage_cmd.app, name="triage")
app.command("worker")(worker_cmd.worker)
app.add_typer(storage_cmd.app, name="storage")
app.add_typer(llm_cmd.app, name="llm")
app.command("health")(health_cmd.health_command)

DEMO_USERS = (
    ("patient", Role.PATIENT, "Pat Demo"),
    ("clinician", Role.CLINICIAN, "Dr Casey Demo"),
    ("clinician2", Role.CLINICIAN, "Dr Robin Demo"),
    ("support", Role.SUPPORT, "Sam Support"),
    ("admin", Role.ADMIN, "Alex Admin"),
)


@app.callback()
def _root(
    ctx: typer.Context,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show the full traceback of an error.")] = False,
) -> None:
    """Build the settings once for this invocation."""
    ctx.meta[DEBUG_KEY] = debug
    apply_process_defaults(ctx.invoked_subcommand)
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if ctx.obj is None:
        ctx.obj = load_settings()


def open_db(settings: Settings) -> Database:
    """Open the configured database (creating the data directory for SQLite)."""
    from assistant.audit_seal import install

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database.from_url(settings.database_url, echo=settings.database.echo)
    install(db.engine, settings)
    return db


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print an error for a person and return the exit to raise."""
    typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
    return typer.Exit(code)


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context, revision: str = "head") -> None:
    """Create or migrate the schema to the latest revision."""
    db = open_db(get_settings(ctx))
    migrate_upgrade(db.engine, revision)
    typer.echo(f"database at revision {revision}: {db.engine.url.render_as_string(hide_password=True)}")


@users_app.command("add")
def users_add(
    ctx: typer.Context,
    username: str,
    role: Annotated[Role, typer.Option(help="patient, clinician, support or admin")],
    display_name: Annotated[str, typer.Option(help="Name shown to others")] = "",
    password_stdin: Annotated[bool, typer.Option(help="Read the password from standard input")] = False,
) -> None:
    """Add a user; the password is prompted for (or read from stdin)."""
    from assistant.actors import SYSTEM
    from assistant.services import users

    password = (
        sys.stdin.readline().rstrip("\n")
        if password_stdin
        else typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    )
    db = open_db(get_settings(ctx))
    try:
        with db.session() as s:
            user = users.create_user(s, SYSTEM, username, password, role, display_name)
            typer.echo(f"added {user.username} ({user.role.value}) id={user.id}")
    except DomainError as e:
        raise fail(e.message) from e


@users_app.command("list")
def users_list(ctx: typer.Context) -> None:
    """List users and their roles."""
    from assistant.actors import SYSTEM
    from assistant.services import users

    with open_db(get_settings(ctx)).session() as s:
        for u in users.list_users(s, SYSTEM):
            state = "active" if u.is_active else "inactive"
            typer.echo(f"{u.id:>5}  {u.username:<24} {u.role.value:<10} {state:<8} {u.display_name}")


@users_app.command("set-role")
def users_set_role(ctx: typer.Context, username: str, role: Role) -> None:
    """Change a user's role."""
    from assistant.actors import SYSTEM
    from assistant.services import users

    try:
        with open_db(get_settings(ctx)).session() as s:
            user = users.set_role(s, SYSTEM, username, role)
            typer.echo(f"{user.username} is now {user.role.value}")
    except DomainError as e:
        raise fail(e.message) from e


@cases_app.command("list")
def cases_list(
    ctx: typer.Context,
    status: Annotated[CaseStatus | None, typer.Option(help="Only cases in this state")] = None,
    limit: int = 50,
) -> None:
    """List cases, urgent first then oldest (titles are patient-written: the read is audited)."""
    from assistant import audit
    from assistant.actors import SYSTEM
    from assistant.db.models import Case

    with open_db(get_settings(ctx)).session() as s:
        stmt = select(Case).order_by(Case.priority, Case.created_at).limit(limit)
        if status:
            stmt = stmt.where(Case.status == status)
        found = list(s.scalars(stmt))
        details = {"cases": [c.id for c in found], "status": status.value if status else ""}
        audit.record(s, SYSTEM, "case.list.operator", target_type="case", details=details)
        for c in found:
            urgent = "URGENT" if c.is_urgent else "      "
            typer.echo(f"{c.id}  {urgent} {c.status.value:<15} {c.created_at:%Y-%m-%d %H:%M}  {c.title[:60]}")


@cases_app.command("show")
def cases_show(ctx: typer.Context, case_id: str) -> None:
    """Show one case as JSON (the read is audited as an operator access)."""
    from assistant import audit
    from assistant.actors import SYSTEM
    from assistant.services import drafts
    from assistant.services.common import load_case

    try:
        with open_db(get_settings(ctx)).session() as s:
            c = load_case(s, case_id)
            audit.record(s, SYSTEM, "case.view.operator", target_type="case", target_id=c.id, case_id=c.id)
            versions = [
                {"version": d.version, "kind": d.kind, "signed": d.is_signed, "sha256": d.content_sha256}
                for d in drafts.draft_versions(s, c.id)
            ]
            out = {
                "id": c.id,
                "status": c.status.value,
                "urgent": c.is_urgent,
                "title": c.title,
                "red_flags": c.red_flags,
                "intake": c.intake,
                "claimed_by": c.claimed_by_id,
                "created_at": c.created_at.isoformat(),
                "drafts": versions,
            }
            typer.echo(json.dumps(out, indent=2))
    except DomainError as e:
        raise fail(e.message) from e


@cases_app.command("create")
def cases_create(
    ctx: typer.Context,
    patient: Annotated[str, typer.Option(help="The patient's user name")],
    diagnosis: Annotated[str, typer.Option(help="The diagnosis they want a second opinion on")] = "",
    question: Annotated[str, typer.Option(help="What they most want to know")] = "",
    upload: Annotated[list[Path] | None, typer.Option(help="Image or report file (repeatable)")] = None,
    intake: Annotated[
        Path | None, typer.Option(help="A whole intake record as JSON (age, sex, symptoms, medications, ...)")
    ] = None,
    history: str = "",
    consented: Annotated[bool, typer.Option(help="Confirm the patient accepted the consent text")] = False,
    submit: Annotated[bool, typer.Option(help="Submit the case for drafting")] = True,
) -> None:
    """Create a case on a patient's behalf (demos and support), upload files, submit it.

    With ``--intake FILE.json`` the whole intake record is read from the file; ``--diagnosis``,
    ``--question`` and ``--history`` given as well override its fields.
    """
    from assistant.chat.consent import current_consent
    from assistant.context import AppContext
    from assistant.db.models import User
    from assistant.jobs.dispatch import dispatch_after_commit
    from assistant.services import cases

    record = _intake_record(intake, diagnosis=diagnosis, question=question, history=history)
    if not consented:
        raise fail("the patient must have accepted the consent text: pass --consented to confirm")
    app_ctx = AppContext(get_settings(ctx))
    try:
        with app_ctx.db.session() as s:
            user = s.scalar(select(User).where(User.username == patient))
            if user is None or user.role is not Role.PATIENT:
                raise fail(f"no patient named '{patient}'")
            case = cases.create_case(s, user, record.diagnosis_in_question[:200] or "Second opinion")
            cases.update_intake(s, user, case.id, record)
            consent = current_consent()
            if not cases.has_consented(s, user, consent.version):
                cases.record_consent(s, user, consent.version, consent.text)
            for path in upload or []:
                with path.open("rb") as fh:
                    cases.add_upload(s, user, case.id, app_ctx.storage, fh, path.name)
            if submit:
                dispatch_after_commit(app_ctx, s, cases.submit_case(s, user, case.id, consent.version))
            case_id = case.id
    except DomainError as e:
        raise fail(e.message) from e
    typer.echo(case_id)


def _intake_record(path: Path | None, **overrides: str) -> IntakeRecordT:
    """The intake record from ``--intake`` (if any) with the non-empty options applied."""
    from pydantic import ValidationError as PydanticValidationError

    from assistant.intake import IntakeRecord

    data: dict[str, object] = {}
    if path is not None:
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise fail(f"cannot read the intake file {path}: {e}") from e
        if not isinstance(loaded, dict):
            raise fail(f"{path} must hold a JSON object with the intake fields")
        data = dict(loaded.get("intake", loaded))
    names = {"diagnosis": "diagnosis_in_question", "question": "main_question", "history": "history"}
    data.update({names[k]: v for k, v in overrides.items() if v})
    try:
        record = IntakeRecord.model_validate(data)
    except PydanticValidationError as e:
        raise fail(f"invalid intake record: {e.errors()[0]['loc']}: {e.errors()[0]['msg']}") from e
    if record.missing_for_submission():
        raise fail("the intake needs: " + ", ".join(record.missing_for_submission()))
    return record


@audit_app.command("verify")
def audit_verify(ctx: typer.Context) -> None:
    """Check the hash chain, its HMAC seal and the checkpoint; exit 1 with what is wrong."""
    from assistant.audit import verify_sealed
    from assistant.audit_seal import AuditKeyMissingError, make_sealer

    settings = get_settings(ctx)
    try:
        sealer = make_sealer(settings, create=False)
    except AuditKeyMissingError as e:
        raise fail(f"audit log NOT VERIFIED: {e}") from e
    db = Database.from_url(settings.database_url, echo=settings.database.echo)
    with db.session() as s:
        report = verify_sealed(s, sealer)
    if report.ok:
        typer.echo(
            f"audit log OK: {report.events_checked} events verified (hash chain, HMAC seal, checkpoint)"
        )
        return
    where = f" at event {report.first_broken_seq}" if report.first_broken_seq else ""
    raise fail(
        f"audit log BROKEN{where}: {report.reason} ({report.events_checked} events verified before it)"
    )


@demo_app.command("seed")
def demo_seed(
    ctx: typer.Context,
    knowledge: Annotated[bool, typer.Option(help="Also ingest the starter knowledge pack")] = True,
    force: Annotated[
        bool, typer.Option(help="Seed even in production (demo accounts there are a risk)")
    ] = False,
) -> None:
    """Create demo accounts (passwords printed once) and the starter knowledge base."""
    from assistant.actors import SYSTEM
    from assistant.db.models import User
    from assistant.services import users

    settings = get_settings(ctx)
    if settings.environment == "production" and not force:
        raise fail(
            "refusing to create demo accounts in production (SECOND_OPINION_ENVIRONMENT=production): "
            "they have well-known names and every role, admin included. Add real users with "
            "`second-opinion users add`; pass --force only if you mean to seed this database."
        )
    db = open_db(settings)
    migrate_upgrade(db.engine)
    created: list[tuple[str, str, str]] = []
    with db.session() as s:
        for username, role, name in DEMO_USERS:
            if s.scalar(select(User).where(User.username == username)) is None:
                password = secrets.token_urlsafe(12)
                users.create_user(s, SYSTEM, username, password, role, name)
                created.append((username, role.value, password))
    if created:
        typer.echo("Demo accounts (passwords are shown only now):")
        for username, role_name, password in created:
            typer.echo(f"  {role_name:<10} {username:<12} {password}")
    else:
        typer.echo("Demo accounts already exist (their passwords were printed when first created).")
    if knowledge:
        from assistant.cli.seeding import seed_knowledge

        seed_knowledge(settings)


@app.command("serve")
def serve(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option(help="Bind address (default from settings)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default from settings)")] = None,
) -> None:
    """Start the web app: login, patient chat, clinician cockpit, support and admin pages."""
    import uvicorn

    from assistant.web.app import create_app
    from assistant.web.tls import serve_warning

    settings = get_settings(ctx)
    migrate_upgrade(open_db(settings).engine)
    bind_host, bind_port = host or settings.host, port or settings.port
    typer.echo(f"Second opinion is running at http://{bind_host}:{bind_port}/  (Ctrl+C to stop)")
    if note := serve_warning(settings):
        typer.secho(note, err=True, fg=typer.colors.YELLOW)
    # proxy_headers off: the app believes X-Forwarded-* from settings.tls.trusted_proxies itself
    uvicorn.run(create_app(settings), host=bind_host, port=bind_port, log_level="info", proxy_headers=False)


@app.command("draft")
def draft(ctx: typer.Context, case_id: str) -> None:
    """Run the drafting pipeline for one submitted case now and print the draft and its checks."""
    import time

    from assistant.context import AppContext
    from assistant.jobs.engine import execute_next
    from assistant.services import drafts, jobs

    app_ctx = AppContext(get_settings(ctx))
    started = time.perf_counter()
    with app_ctx.db.session() as s:
        pending = [j for j in jobs.jobs_for_case(s, case_id) if j.status in ("queued", "running")]
    if not pending:
        raise fail("this case has no queued drafting job (submit it first)")
    execute_next(app_ctx, "cli", job_id=pending[0].id)
    elapsed = time.perf_counter() - started
    with app_ctx.db.session() as s:
        job = s.get(type(pending[0]), pending[0].id)
        latest = drafts.latest_draft(s, case_id)
        if job is None or job.status != "done" or latest is None:
            detail = job.last_error if job else "job vanished"
            raise fail(f"drafting did not finish (job {job.status if job else '?'}): {detail}")
        _print_draft(
            latest.content,
            latest.checks,
            latest.evidence,
            latest.prompt_name,
            latest.prompt_version,
            latest.prompt_sha256,
        )
    typer.echo(f"\nsubmit-to-pending_review: {elapsed:.1f} s")


def _print_draft(content: dict, checks: dict, evidence: dict, name: str, version: str, sha: str) -> None:  # type: ignore[type-arg]
    from assistant.opinion import section_texts

    for section in section_texts(content):
        typer.echo(f"\n## {section.title}\n{section.text}")
    typer.echo("\n## Sources")
    for p in evidence.get("passages", []):
        typer.echo(f"[{p['number']}] {p.get('title')} - {p.get('publisher') or ''} {p.get('url') or ''}")
    typer.echo(f"\nprompt: {name} v{version} sha256={sha[:16]}")
    typer.echo("checks: " + json.dumps(checks.get("citations", {})))
    for flag in checks.get("flags", []):
        typer.echo(f"flag: {flag.get('kind')}: {flag.get('detail')}")


def main() -> None:
    """Console entry point."""
    app()
