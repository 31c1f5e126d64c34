"""The patient chat behind HAProxy: every request sticks to one instance, and a crash moves the patient.

Two app instances share one PostgreSQL database and one data directory; HAProxy runs the
configuration rendered from ``deploy/haproxy.cfg``. The instances offer the chat over
Engine.IO long-polling only (``SECOND_OPINION_CHAT__TRANSPORTS='["polling"]'``), the
transport that breaks first without affinity: every poll is a separate HTTP request that
only the instance holding the session can answer ("400 Invalid session" elsewhere).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, text

from assistant.actors import SYSTEM
from assistant.chat.consent import current_consent
from assistant.db.base import Database, make_engine
from assistant.db.migrate import upgrade
from assistant.db.models import Upload
from assistant.lifecycle import CaseStatus
from assistant.roles import Role
from assistant.services import cases, users
from assistant.settings import Settings
from tests.browser.conftest import CHROMIUM, LiveApp, log_in, say, shot
from tests.browser.test_patient_journey import ANSWERS
from tests.conftest import PG_URL, TEST_PASSWORD, _pg_schema_url, service_missing
from tests.deploy.cluster import Cluster, haproxy_installed, start_cluster

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.postgres]

AFFINITY_COOKIE = "SO_NODE"
INSTANCES = ["app1", "app2"]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Cluster, LiveApp]]:
    """Two instances on one PostgreSQL schema behind HAProxy; alice (new) and bob (consented) seeded."""
    if not haproxy_installed():
        service_missing("haproxy", "HAProxy is not installed (make haproxy, or apt-get install -y haproxy)")
    if not CHROMIUM.is_file():
        service_missing("chromium", "Debian's Chromium is not installed (apt-get install -y chromium)")
    found = _pg_schema_url()
    if found is None:
        service_missing("postgres", f"PostgreSQL is not reachable at {PG_URL}")
    url, schema = found
    schema_url = url.replace(f"search_path%3D{schema}", f"search_path%3D{schema}_lb")
    schema = f"{schema}_lb"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    db = Database(make_engine(schema_url))
    upgrade(db.engine)
    with db.session() as s:
        accounts = {
            "alice": users.create_user(s, SYSTEM, "alice", TEST_PASSWORD, Role.PATIENT, "Alice"),
            "bob": users.create_user(s, SYSTEM, "bob", TEST_PASSWORD, Role.PATIENT, "Bob"),
        }
        consent = current_consent()
        cases.record_consent(s, accounts["bob"], consent.version, consent.text)
    root = tmp_path_factory.mktemp("balancer")
    env = {"SECOND_OPINION_DATABASE__URL": schema_url, "SECOND_OPINION_CHAT__TRANSPORTS": '["polling"]'}
    running = start_cluster(root, INSTANCES, env)
    settings = Settings(environment="test", data_dir=root / "data", llm={"mode": "mock"})  # type: ignore[arg-type]
    try:
        yield running, LiveApp(running.url, db, settings, accounts)
    finally:
        running.stop()
        db.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def pinned_to(page: object, url: str) -> str:
    """The instance HAProxy pinned this browser to (its affinity cookie)."""
    cookies = page.context.cookies(url)  # type: ignore[attr-defined]
    values = [c["value"] for c in cookies if c["name"] == AFFINITY_COOKIE]
    assert values, f"HAProxy set no {AFFINITY_COOKIE} cookie: {cookies}"
    return str(values[0])


def answer(page: object, index: int) -> None:
    """Give intake answer ``index`` and wait for the question that follows it."""
    reply, next_question = ANSWERS[index]
    say(page, reply)
    page.get_by_text(next_question).last.wait_for()  # type: ignore[attr-defined]


def test_patient_resumes_on_the_other_instance_after_a_crash(
    browser: object, cluster: tuple[Cluster, LiveApp], shared_data: Path
) -> None:
    """Alice chats through the balancer while Bob is pinned elsewhere; her instance dies; she carries on."""
    lb, app = cluster
    radiograph = shared_data / "cxr" / "kermany" / "images" / "test_NORMAL_NORMAL2-IM-0271-0001.jpeg"
    alice = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()  # type: ignore[attr-defined]
    bob = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()  # type: ignore[attr-defined]
    for page in (alice, bob):
        page.set_default_timeout(90_000)  # the machine running the suite is shared and often loaded

    # Alice: login, consent and three intake answers, every request through HAProxy.
    log_in(alice, app, "alice")
    home = pinned_to(alice, lb.url)
    other = next(n for n in INSTANCES if n != home)
    assert alice.evaluate("window.transports") == [
        "polling"
    ]  # SECOND_OPINION_CHAT__TRANSPORTS reached the page
    alice.get_by_role("button", name="I agree", exact=True).click()
    alice.get_by_text("Which diagnosis or report").wait_for()
    for index in range(3):
        answer(alice, index)

    # Bob is pinned to the other instance and chats there at the same time.
    bob.context.add_cookies([{"name": AFFINITY_COOKIE, "value": other, "url": lb.url}])
    log_in(bob, app, "bob")
    bob.get_by_text("Which diagnosis or report").wait_for()
    answer(bob, 0)
    assert pinned_to(bob, lb.url) == other
    assert pinned_to(alice, lb.url) == home  # still on her own instance after all those polls

    # Alice's instance crashes. The chat reconnects through HAProxy to the survivor, which
    # resumes her case from the database (a reload is what a patient does if it does not).
    lb.kill(home)
    try:
        alice.get_by_text("let's continue where you left off").last.wait_for(timeout=45_000)
        print("resumed: the chat reconnected through HAProxy to", other)
    except Exception:  # playwright's TimeoutError
        print("resumed: after a reload")
        alice.reload()
        if "/login" in alice.url:
            log_in(alice, app, "alice")
        alice.get_by_text("let's continue where you left off").last.wait_for(timeout=45_000)
    alice.get_by_text(ANSWERS[2][1]).last.wait_for()  # the question she had reached
    assert pinned_to(alice, lb.url) == other
    shot(alice, "balancer-01-resumed-on-other-instance")
    for index in range(3, len(ANSWERS)):
        answer(alice, index)

    # An upload and the submit button after the move: both reach the instance holding her session.
    alice.locator("input[type=file]").first.set_input_files([str(radiograph)])
    alice.wait_for_timeout(1500)
    say(alice, "done")
    alice.get_by_text("We found a picture").wait_for(timeout=60_000)
    alice.get_by_text("Summary of what you told us").last.wait_for()
    alice.get_by_role("button", name="Confirm and submit").last.click()
    alice.get_by_text("Your case has been submitted").wait_for()
    shot(alice, "balancer-02-submitted-after-failover")

    # Bob never noticed: his instance still answers him.
    answer(bob, 1)
    assert pinned_to(bob, lb.url) == other

    with app.db.session() as s:
        (case,) = cases.list_own_cases(s, app.accounts["alice"])
        assert case.status is CaseStatus.SUBMITTED
        intake = case.intake or {}
        uploads = s.scalars(select(Upload).where(Upload.case_id == case.id)).all()
    assert [u.kind for u in uploads] == ["jpeg"]  # the upload after the move reached her case
    told = str(intake)
    assert "right lower lobe pneumonia" in told and "penicillin" in told  # answers from before and after
    for page in (alice, bob):
        page.context.close()
