"""Run the dependency checks concurrently, each under a deadline, and cache the verdict briefly.

A load balancer polls ``/readyz`` every few seconds on every instance; the cache makes
that one round of checks per ``health.cache_s`` whoever asks, and the deadline makes a
hung dependency a failure after ``health.timeout_s`` rather than a hung probe.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from assistant.context import AppContext
from assistant.health.checks import CHECKS, Check, ComponentDown

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ComponentStatus:
    """One component's verdict: ``summary`` is public, ``detail`` is for the operator."""

    ok: bool
    summary: str
    detail: str
    ms: float


@dataclass(frozen=True)
class ReadinessReport:
    """Every component's verdict at one moment."""

    components: dict[str, ComponentStatus]
    checked_at: float = field(default_factory=time.time)

    @property
    def ok(self) -> bool:
        """True when every component passed."""
        return all(c.ok for c in self.components.values())

    @property
    def failing(self) -> list[str]:
        """Names of the components that failed, in check order."""
        return [name for name, c in self.components.items() if not c.ok]

    def public(self) -> dict[str, object]:
        """The JSON body of ``/readyz``: statuses and short reasons, no hosts or credentials."""
        return {
            "status": "ready" if self.ok else "not ready",
            "failing": self.failing,
            "components": {
                name: {"ok": c.ok, "status": c.summary, "ms": round(c.ms, 1)}
                for name, c in self.components.items()
            },
        }


def _run_one(ctx: AppContext, check: Check, timeout_s: float) -> ComponentStatus:
    started = time.perf_counter()
    try:
        note = check(ctx, timeout_s)
    except ComponentDown as e:
        return ComponentStatus(False, e.summary, e.detail, 1e3 * (time.perf_counter() - started))
    except Exception as e:  # a check's own bug must read as a failure, never as ready
        detail = f"check failed: {type(e).__name__}: {e}"
        return ComponentStatus(False, "check failed", detail, 1e3 * (time.perf_counter() - started))
    return ComponentStatus(True, "ok", note, 1e3 * (time.perf_counter() - started))


def run_checks(
    ctx: AppContext, checks: Mapping[str, Check] | None = None, timeout_s: float | None = None
) -> ReadinessReport:
    """Run the checks in parallel daemon threads; one that misses the deadline fails as timed out.

    Daemon threads, not a pool: a check stuck in a socket call must neither delay the
    answer nor keep the process alive at exit.
    """
    chosen = dict(checks if checks is not None else CHECKS)
    limit = ctx.settings.health.timeout_s if timeout_s is None else timeout_s
    results: dict[str, ComponentStatus] = {}
    done = threading.Condition()

    def work(name: str, check: Check) -> None:
        status = _run_one(ctx, check, limit)
        with done:
            results[name] = status
            done.notify_all()

    for name, check in chosen.items():
        threading.Thread(target=work, args=(name, check), name=f"readyz-{name}", daemon=True).start()
    deadline = time.monotonic() + limit + 0.5  # the checks' own timeouts fire first when they can
    with done:
        while len(results) < len(chosen) and (left := deadline - time.monotonic()) > 0:
            done.wait(left)
        late = {
            name: ComponentStatus(False, "timed out", f"{name}: no answer within {limit:g} s", 1e3 * limit)
            for name in chosen
            if name not in results
        }
        ordered = {name: results.get(name) or late[name] for name in chosen}
    return ReadinessReport(ordered)


class Readiness:
    """The cached readiness of one process (one per app; thread-safe)."""

    def __init__(
        self,
        ctx: AppContext,
        checks: Mapping[str, Check] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ctx = ctx
        self.checks = checks
        self.clock = clock
        self._lock = threading.Lock()
        self._last: tuple[float, ReadinessReport] | None = None

    def report(self) -> ReadinessReport:
        """The verdict, re-checked at most once per ``health.cache_s`` (callers wait for one run)."""
        with self._lock:
            now = self.clock()
            if self._last is not None and now - self._last[0] < self.ctx.settings.health.cache_s:
                return self._last[1]
            report = run_checks(self.ctx, self.checks)
            self._last = (self.clock(), report)
        for name in report.failing:
            log.warning("not ready: %s", report.components[name].detail)
        return report
