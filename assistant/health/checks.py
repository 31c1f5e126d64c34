"""One cheap check per dependency; each returns a short note or raises :class:`ComponentDown`.

Checks never load a model or build a retriever: they ask whether the dependency answers
(a query, a heartbeat, a model list) so that ``/readyz`` stays cheap under a balancer's
polling. Each failure carries a short public ``summary`` (shown in ``/readyz``, no host
names or credentials) and an operator ``detail`` (logged and printed by ``second-opinion
health``).
"""

from __future__ import annotations

import importlib.util
import os
import tempfile
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import httpx

from assistant import operator_help as oh
from assistant.context import AppContext


class ComponentDown(Exception):
    """A dependency that does not answer, with a public summary and an operator detail."""

    def __init__(self, summary: str, detail: str = "") -> None:
        super().__init__(summary)
        self.summary = summary
        self.detail = detail or summary


Check = Callable[[AppContext, float], str]


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0] if lines else ''}"[:300]


@lru_cache(maxsize=1)
def _head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    from assistant.db.migrate import alembic_config

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def database(ctx: AppContext, timeout_s: float) -> str:
    """The database answers a query and its schema is at the code's migration head."""
    try:
        # A raw pooled connection: no BEGIN IMMEDIATE on SQLite (a read must not queue behind
        # writers), and the pool's pre-ping still notices a database that went away.
        raw = ctx.db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            if ctx.db.is_postgresql:
                cursor.execute(f"SET LOCAL statement_timeout = {int(timeout_s * 1000)}")
            cursor.execute("SELECT version_num FROM alembic_version")
            row = cursor.fetchone()
            cursor.close()
            raw.rollback()
        finally:
            raw.close()
        revision = row[0] if row else None
    except Exception as e:
        raise ComponentDown("unreachable", oh.describe(oh.DATABASE, ctx.settings, _first_line(e))) from e
    head = _head_revision()
    if revision != head:
        problem = f"schema at revision {revision}, the code needs {head}"
        raise ComponentDown("schema not migrated", oh.describe(oh.DATABASE, ctx.settings, problem))
    return f"schema at {revision}"


def broker(ctx: AppContext, timeout_s: float) -> str:
    """The Celery broker accepts a connection (only when jobs run on Celery)."""
    if ctx.settings.jobs.mode != "celery":
        return "not used (jobs.mode=in_process)"
    from kombu import Connection  # type: ignore[attr-defined]

    try:
        with Connection(ctx.settings.jobs.broker_url, connect_timeout=timeout_s) as conn:  # type: ignore[no-untyped-call]
            conn.ensure_connection(max_retries=1, timeout=timeout_s)
    except Exception as e:
        raise ComponentDown("unreachable", oh.describe(oh.BROKER, ctx.settings, _first_line(e))) from e
    return "connected"


def _get(url: str, timeout_s: float, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.get(url, timeout=timeout_s, headers=headers, follow_redirects=False)


def vector_store(ctx: AppContext, timeout_s: float) -> str:
    """The Chroma server answers its heartbeat (http), or the persistent store is readable."""
    k = ctx.settings.knowledge
    if k.vector_mode == "persistent":
        path = ctx.settings.chroma_path
        if not (path / "chroma.sqlite3").is_file() or not os.access(path, os.R_OK):
            problem = f"no readable Chroma store in {path}"
            raise ComponentDown("store missing", oh.describe(oh.VECTOR_STORE, ctx.settings, problem))
        return "persistent store present"
    base = f"http://{k.chroma_host}:{k.chroma_port}"
    try:
        response = _get(f"{base}/api/v2/heartbeat", timeout_s)
    except httpx.HTTPError as e:
        raise ComponentDown("unreachable", oh.describe(oh.VECTOR_STORE, ctx.settings, _first_line(e))) from e
    if response.status_code != 200:
        problem = f"heartbeat answered HTTP {response.status_code} (is this a Chroma 1.x server?)"
        raise ComponentDown("not a Chroma server", oh.describe(oh.VECTOR_STORE, ctx.settings, problem))
    return "heartbeat ok"


def llm(ctx: AppContext, timeout_s: float) -> str:
    """The LLM server lists its models, or the embedded model's files and runtime are present."""
    s = ctx.settings.llm
    match s.mode:
        case "openai_compatible":
            return _llm_server(ctx, timeout_s)
        case "embedded":
            missing = [m for m in ("llama_cpp",) if importlib.util.find_spec(m) is None]
            if s.gguf_path is not None:
                if not s.gguf_path.is_file():
                    missing.append(str(s.gguf_path))
            else:
                try:
                    from assistant.drafting.gguf import chunk_paths

                    chunk_paths()
                except Exception as e:  # not installed, or a chunk file missing
                    missing.append(_first_line(e))
            if missing:
                problem = "embedded model not loadable: missing " + "; ".join(missing)
                raise ComponentDown("model missing", oh.describe(oh.LLM, ctx.settings, problem))
            return "embedded model files present"
        case "hf_local":
            if s.hf_model_path is None or not s.hf_model_path.is_dir():
                problem = f"no model folder at {s.hf_model_path}"
                raise ComponentDown("model missing", oh.describe(oh.LLM, ctx.settings, problem))
            return "model folder present"
        case "mock":
            return "mock (tests only)"
    raise ComponentDown("unknown mode", f"LLM: unknown mode {s.mode!r}")


def _llm_server(ctx: AppContext, timeout_s: float) -> str:
    s = ctx.settings.llm
    try:
        response = _get(
            s.base_url.rstrip("/") + "/models", timeout_s, {"Authorization": f"Bearer {s.api_key}"}
        )
        response.raise_for_status()
        names = [str(m.get("id")) for m in response.json().get("data", [])]
    except (httpx.HTTPError, ValueError, AttributeError) as e:
        raise ComponentDown("unreachable", oh.describe(oh.LLM, ctx.settings, _first_line(e))) from e
    if names and s.model not in names:
        return f"serving {', '.join(names)}; the app asks for {s.model!r} (set SECOND_OPINION_LLM__MODEL)"
    return f"serving {', '.join(names) or 'a model'}"


def lexical_index(ctx: AppContext, timeout_s: float) -> str:  # noqa: ARG001 - counts only
    """The lexical index holds passages and agrees with the vector store.

    An empty index would make drafts cite nothing, and one that disagrees with the vector
    store missed an ingest (stale); :func:`assistant.knowledge_base.knowledge_index_status`
    reads wherever the settings put the index (SQLite file or PostgreSQL).
    """
    from assistant.knowledge_base import knowledge_index_status

    status = knowledge_index_status(ctx.settings)
    if status.lexical_chunks is None:
        raise ComponentDown("index unreadable", oh.describe(oh.LEXICAL_INDEX, ctx.settings, status.message))
    if status.lexical_chunks == 0 or status.stale:
        reason = "index empty" if status.lexical_chunks == 0 else "index stale"
        raise ComponentDown(reason, oh.describe(oh.LEXICAL_INDEX, ctx.settings, status.message))
    return f"{status.lexical_chunks} passages ({status.lexical_backend})"


def storage(ctx: AppContext, timeout_s: float) -> str:  # noqa: ARG001 - a local write
    """The storage backend accepts a write (its own ``check()`` when it has one)."""
    try:
        store = ctx.storage
        own_check = getattr(store, "check", None)
        if callable(own_check):
            return str(own_check() or "ok")
        root = Path(getattr(store, "root"))  # noqa: B009 - LocalStorage
        fd, name = tempfile.mkstemp(dir=root, prefix=".readyz-")
        os.close(fd)
        os.unlink(name)
    except Exception as e:
        raise ComponentDown("not writable", oh.describe(oh.STORAGE, ctx.settings, _first_line(e))) from e
    return "writable"


def triage(ctx: AppContext, timeout_s: float) -> str:  # noqa: ARG001 - reads state only
    """This process's triage is loaded with its semantic layer (the web app warms it at start).

    Never builds it: the first start embeds the exemplar bank (about 30 s on two cores; later
    starts read the cache), and until then a patient's first message would wait for it, so the
    instance is not ready. Rules alone (no embedding model) fail too: they miss emergencies
    written in ordinary words. Only the web app runs this check (``second-opinion health``
    is another process, whose triage is never built).
    """
    error = ctx.build_error("triage") or ctx.build_error("embedder")
    if error:
        raise ComponentDown("failed to load", oh.describe(oh.TRIAGE, ctx.settings, error))
    built = ctx.built("triage")
    if built is None:
        raise ComponentDown(
            "loading", "triage: the exemplar bank is still being built or read from its cache"
        )
    if getattr(built, "semantic", None) is None:
        raise ComponentDown(
            "rules only", oh.describe(oh.TRIAGE, ctx.settings, "the embedding model could not be loaded")
        )
    return str(built.version)


#: The checks ``/readyz`` runs, by component name.
CHECKS: dict[str, Check] = {
    "database": database,
    "broker": broker,
    "vector_store": vector_store,
    "llm": llm,
    "lexical_index": lexical_index,
    "storage": storage,
}

#: The web app's checks: the above plus what only a serving process loads.
WEB_CHECKS: dict[str, Check] = {**CHECKS, "triage": triage}
