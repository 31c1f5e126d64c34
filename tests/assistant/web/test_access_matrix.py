"""Every route of the whole app against every role and anonymous.

The app is built with the patient chat when its module is present. Each route's declared
policy (:func:`assistant.web.access.route_policies`) is compared with the table below for
the staff areas, then every route is called as each identity and must give exactly one
status: anonymous is sent to log in (a post gets 401), a role outside the policy gets 403,
and a role inside it gets the route's own answer from :data:`ADMITTED` (so a 500 or a 404
from a broken route is never counted as "allowed"). A route added without a policy stops
the app from being built; a route added without rows here fails this test.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select
from starlette.routing import Mount

from assistant.context import AppContext
from assistant.db.base import Database
from assistant.db.models import User
from assistant.roles import Role
from assistant.settings import Settings
from assistant.web.access import MissingRoutePolicyError, RoutePolicy, route_policies
from assistant.web.app import create_app
from tests.assistant.web.staff import csrf, login, seed_review_case

C, P, S, A = Role.CLINICIAN, Role.PATIENT, Role.SUPPORT, Role.ADMIN
WITH_CHAT = importlib.util.find_spec("assistant.chat.mount") is not None

#: The staff areas' routes and who may use them.
EXPECTED: dict[tuple[str, str], frozenset[Role] | None] = {
    ("GET", "/cockpit/"): frozenset({C}),
    ("GET", "/cockpit/cases/{case_id}"): frozenset({C}),
    ("GET", "/cockpit/cases/{case_id}/images/{key}"): frozenset({C}),
    **{
        ("POST", f"/cockpit/cases/{{case_id}}/{verb}"): frozenset({C})
        for verb in ("claim", "release", "edit", "sign", "return", "decline", "amend")
    },
    **{
        ("GET", "/cockpit/cases/{case_id}/dicomweb" + path): frozenset({C})
        for path in (
            "/studies",
            "/studies/{study}/series",
            "/studies/{study}/metadata",
            "/studies/{study}/series/{series}/instances",
            "/studies/{study}/series/{series}/metadata",
            "/studies/{study}/series/{series}/instances/{sop}",
            "/studies/{study}/series/{series}/instances/{sop}/metadata",
            "/studies/{study}/series/{series}/instances/{sop}/frames/{frames}",
        )
    },
    ("GET", "/support/"): frozenset({S}),
    ("GET", "/support/conversations/{conversation_id}"): frozenset({S}),
    ("POST", "/support/conversations/{conversation_id}/flag"): frozenset({S}),
    ("GET", "/admin/"): frozenset({A}),
    ("POST", "/admin/users"): frozenset({A}),
    ("POST", "/admin/users/{username}/role"): frozenset({A}),
    ("POST", "/admin/users/{username}/active"): frozenset({A}),
    ("GET", "/admin/jobs/"): frozenset({A}),
    ("POST", "/admin/jobs/{job_id}/retry"): frozenset({A}),
    ("POST", "/admin/password-reset"): frozenset({A}),
    ("POST", "/cockpit/alerts/{alert_id}/acknowledge"): frozenset({C}),
    ("GET", "/cockpit/alerts/open-count"): frozenset({C}),
    ("GET", "/support/alerts/open-count"): frozenset({S}),
    ("POST", "/support/alerts/{alert_id}/acknowledge"): frozenset({S}),
    ("GET", "/metrics/"): frozenset({C, S, A}),
    ("GET", "/exports/cases/{case_id}/opinion.pdf"): frozenset({C, P}),
    ("GET", "/exports/cases/{case_id}/opinion.fhir.json"): frozenset({C, P}),
    ("POST", "/cockpit/requests/{request_id}/done"): frozenset({C}),
    ("POST", "/admin/requests/{request_id}/done"): frozenset({A}),
}
STAFF_PREFIXES = ("/cockpit", "/support", "/admin", "/metrics", "/exports")
#: The exact answer an admitted identity gets, in the order the matrix calls the routes, with
#: the seeded review case and the placeholder values of ``_fill`` (a key, conversation, user,
#: job, request or alert that does not exist). 303 is a page's redirect after a post; 400,
#: 404 and 409 are the services' own refusals in words: each proves the call got past the
#: access check and reached the service, which a 500 or a stray 401/403 would not.
ADMITTED: dict[tuple[str, str], int] = {
    ("GET", "/static"): 200,
    ("GET", "/healthz"): 200,
    ("GET", "/readyz"): 503,  # the matrix app has no knowledge base ingested: not ready, and says so
    ("GET", "/"): 303,
    ("GET", "/login"): 200,
    ("GET", "/cockpit/"): 200,
    ("GET", "/cockpit/cases/{case_id}"): 200,
    ("GET", "/cockpit/cases/{case_id}/images/{key}"): 404,
    ("POST", "/cockpit/cases/{case_id}/claim"): 303,
    ("POST", "/cockpit/cases/{case_id}/release"): 303,
    ("POST", "/cockpit/cases/{case_id}/edit"): 409,
    ("POST", "/cockpit/cases/{case_id}/sign"): 400,
    ("POST", "/cockpit/cases/{case_id}/return"): 400,
    ("POST", "/cockpit/cases/{case_id}/decline"): 400,
    ("POST", "/cockpit/cases/{case_id}/amend"): 400,
    ("GET", "/support/"): 200,
    ("GET", "/support/conversations/{conversation_id}"): 404,
    ("POST", "/support/conversations/{conversation_id}/flag"): 404,
    ("GET", "/admin/"): 200,
    ("POST", "/admin/users"): 400,
    ("POST", "/admin/users/{username}/role"): 400,
    ("POST", "/admin/users/{username}/active"): 404,
    ("GET", "/admin/jobs/"): 200,
    ("POST", "/admin/jobs/{job_id}/retry"): 404,
    ("GET", "/metrics/"): 200,
    ("GET", "/exports/cases/{case_id}/opinion.pdf"): 404,  # not signed yet (and not the patient's)
    ("GET", "/exports/cases/{case_id}/opinion.fhir.json"): 404,
    ("GET", "/cockpit/cases/{case_id}/dicomweb/studies"): 200,
    **{
        ("GET", "/cockpit/cases/{case_id}/dicomweb" + path): 404
        for path in (
            "/studies/{study}/series",
            "/studies/{study}/metadata",
            "/studies/{study}/series/{series}/instances",
            "/studies/{study}/series/{series}/metadata",
            "/studies/{study}/series/{series}/instances/{sop}",
            "/studies/{study}/series/{series}/instances/{sop}/metadata",
        )
    },
    (
        "GET",
        "/cockpit/cases/{case_id}/dicomweb/studies/{study}/series/{series}/instances/{sop}/frames/{frames}",
    ): 400,
    ("POST", "/cockpit/requests/{request_id}/done"): 404,
    ("POST", "/admin/requests/{request_id}/done"): 404,
    ("GET", "/account/password"): 200,
    ("POST", "/account/password"): 400,
    ("POST", "/admin/password-reset"): 400,
    ("GET", "/cockpit/alerts/open-count"): 200,
    ("GET", "/support/alerts/open-count"): 200,
    ("POST", "/cockpit/alerts/{alert_id}/acknowledge"): 404,
    ("POST", "/support/alerts/{alert_id}/acknowledge"): 404,
    ("*", "/chat"): 200,
}
IDENTITIES = [None, *Role]


@pytest.fixture(scope="module")
def matrix_app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    settings = Settings(
        environment="test",
        data_dir=tmp_path_factory.mktemp("matrix"),  # type: ignore[arg-type]
        llm={"mode": "mock"},
    )
    return create_app(settings, with_chat=WITH_CHAT)


def _requests(app: FastAPI) -> Iterator[tuple[str, str, RoutePolicy]]:
    """(method, path, policy) for every route and method of the app."""
    for policy in route_policies(app):
        for method in sorted(policy.methods):
            yield method, policy.path, policy


class TestDeclaredPolicies:
    def test_staff_routes_match_the_table(self, matrix_app: FastAPI) -> None:
        """Every staff route is in the table with the same roles, and every row is a route."""
        declared = {(m, p): pol.roles for m, p, pol in _requests(matrix_app) if p.startswith(STAFF_PREFIXES)}
        assert declared == EXPECTED

    def test_every_route_has_a_policy(self, matrix_app: FastAPI) -> None:
        """Routes outside the staff areas are public by name or restricted by role."""
        for method, path, policy in _requests(matrix_app):
            public = {"/login", "/logout", "/healthz", "/readyz", "/", "/static"}
            assert policy.roles or path in public, (method, path)
        if WITH_CHAT:
            assert any(isinstance(r, Mount) and r.path == "/chat" for r in matrix_app.routes)

    def test_a_new_route_without_policy_stops_the_app(self, matrix_app: FastAPI) -> None:
        """Adding an unprotected page to the full app is refused with its path named."""

        @matrix_app.get("/cockpit/forgotten")
        def forgotten() -> str:
            return "no policy"

        try:
            with pytest.raises(MissingRoutePolicyError, match="/cockpit/forgotten"):
                route_policies(matrix_app)
        finally:
            matrix_app.router.routes[:] = [
                r
                for r in matrix_app.router.routes
                if not (isinstance(r, APIRoute) and r.path == "/cockpit/forgotten")
            ]


@pytest.fixture
def clients(
    settings: Settings, sqlite_db: Database, make_user: Callable[..., User]
) -> dict[Role | None, tuple[TestClient, str]]:
    """A logged-in client and its CSRF token per role, and an anonymous one."""
    app = create_app(settings, context=AppContext(settings, db=sqlite_db), with_chat=WITH_CHAT)
    out: dict[Role | None, tuple[TestClient, str]] = {}
    for role in Role:
        user = make_user(sqlite_db, role, f"matrix-{role.value}")
        client = TestClient(app)
        out[role] = (client, login(client, user.username))
    anonymous = TestClient(app)
    out[None] = (anonymous, csrf(anonymous))
    return out


def _fill(path: str, case_id: str, key: str) -> str:
    values = {
        "case_id": case_id,
        "key": key,
        "conversation_id": "no-such-conversation",
        "username": "no-such-user",
        "request_id": "0",
    }
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: values.get(m.group(1), "x"), path)


def _call(client: TestClient, token: str, method: str, path: str) -> int:
    headers = {"accept": "text/html"}
    if method == "GET":
        return client.get(path, headers=headers, follow_redirects=False).status_code
    return client.request(
        method, path, data={"csrf_token": token}, headers=headers, follow_redirects=False
    ).status_code


def _expected(identity: Role | None, method: str, path: str, policy: RoutePolicy) -> int:
    """The one status this identity must get from this route."""
    if policy.roles is None or (identity is not None and identity in policy.roles):
        return ADMITTED[(method, path)]
    if identity is None:
        return 401 if method == "POST" else 303  # pages send a visitor to log in; posts refuse
    if path == "/chat":
        return 303  # the chat's gate sends staff to their own pages
    return 403


class TestEveryRouteEveryRole:
    def test_every_route_has_an_expected_answer(self, matrix_app: FastAPI) -> None:
        """The admitted-status table names exactly the app's routes."""
        assert {(m, p) for m, p, _pol in _requests(matrix_app)} - {
            ("POST", "/login"),
            ("POST", "/logout"),
        } == set(ADMITTED)

    def test_matrix(
        self,
        clients: dict[Role | None, tuple[TestClient, str]],
        sqlite_db: Database,
        settings: Settings,
        make_user: Callable[..., User],
    ) -> None:
        """Anonymous: to log in (posts: 401); outside the policy: 403; inside: the route's own answer."""
        owner = make_user(sqlite_db, Role.PATIENT, "someone-else")
        case_id = seed_review_case(sqlite_db, settings, owner)
        app = clients[None][0].app
        assert isinstance(app, FastAPI)
        failures = []
        for method, path, policy in _requests(app):
            if path in {"/logout", "/login"} and method == "POST":
                continue  # these end or start sessions; test_app covers them
            url = (
                "/static/site.css"
                if path == "/static"
                else "/chat/"
                if path == "/chat"
                else _fill(path, case_id, "0" * 64)
            )
            for identity in IDENTITIES:
                client, token = clients[identity]
                code = _call(client, token, "GET" if method == "*" else method, url)
                expected = _expected(identity, method, path, policy)
                ok = code == expected
                if not ok:
                    failures.append(f"{method} {url} as {identity}: {code}, expected {expected}")
        assert not failures, "\n".join(failures)

    def test_patient_gets_nothing_from_the_cockpit(
        self, clients: dict[Role | None, tuple[TestClient, str]], sqlite_db: Database, settings: Settings
    ) -> None:
        """A patient is refused every cockpit route, even for their own case."""
        client, token = clients[Role.PATIENT]
        with sqlite_db.session() as s:
            me = s.scalars(select(User).where(User.username == "matrix-patient")).one()
        own = seed_review_case(sqlite_db, settings, me)
        for (method, path), _roles in EXPECTED.items():
            if path.startswith("/cockpit"):
                assert _call(client, token, method, _fill(path, own, "0" * 64)) == 403, path
