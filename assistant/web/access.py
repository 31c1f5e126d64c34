"""Which roles may reach which route, declared once and checked at start-up.

Every route of the app must either depend on :func:`require_roles` or be listed here as
public or self-protected; :func:`route_policies` refuses to build an app with a route
that has no policy, and the access-matrix test walks the same table.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.routing import Mount

from assistant.roles import Role

#: Routes anyone may open (the login page, health checks, static assets).
PUBLIC_PATHS: frozenset[str] = frozenset({"/login", "/logout", "/healthz", "/readyz", "/", "/static"})

#: Mounted sub-applications that enforce roles themselves.
SELF_PROTECTED_MOUNTS: dict[str, frozenset[Role]] = {"/chat": frozenset({Role.PATIENT})}


@dataclass(frozen=True)
class RoutePolicy:
    """Who may use one route."""

    path: str
    methods: frozenset[str]
    roles: frozenset[Role] | None  # None: public

    @property
    def is_public(self) -> bool:
        """Whether anonymous users may use it."""
        return self.roles is None


class MissingRoutePolicyError(RuntimeError):
    """A route was added without saying who may use it."""


def _roles_of(route: APIRoute) -> frozenset[Role] | None:
    for dep in route.dependant.dependencies:
        roles = getattr(dep.call, "roles", None)
        if roles is not None:
            return frozenset(roles)
    return None


def route_policies(app: FastAPI) -> list[RoutePolicy]:
    """The policy of every route; raises if any route has none."""
    policies: list[RoutePolicy] = []
    missing: list[str] = []
    for route in app.routes:
        if isinstance(route, APIRoute):
            roles = _roles_of(route)
            if roles is None and route.path not in PUBLIC_PATHS:
                missing.append(route.path)
            policies.append(RoutePolicy(route.path, frozenset(route.methods or ()), roles))
        elif isinstance(route, Mount):
            if route.path in SELF_PROTECTED_MOUNTS:
                policies.append(RoutePolicy(route.path, frozenset({"*"}), SELF_PROTECTED_MOUNTS[route.path]))
            elif route.path in PUBLIC_PATHS:
                policies.append(RoutePolicy(route.path, frozenset({"GET"}), None))
            else:
                missing.append(route.path)
        elif getattr(route, "path", None) not in PUBLIC_PATHS and getattr(route, "path", None) not in (
            "/openapi.json",
            "/docs",
            "/docs/oauth2-redirect",
            "/redoc",
        ):
            missing.append(str(getattr(route, "path", route)))
    if missing:
        raise MissingRoutePolicyError("routes without an access policy: " + ", ".join(sorted(missing)))
    return policies
