"""Split documents into passages that respect section and sentence boundaries.

Consecutive short sections are packed together up to ``chunk_size`` characters; a section
longer than that is split at paragraph, line and sentence boundaries with LangChain's
``RecursiveCharacterTextSplitter`` (never mid-word unless a single word is longer than a chunk).
Chunk ids hash the document id and the chunk text, so they are stable across runs, and an
identical chunk repeated inside one document is kept once.
"""

from __future__ import annotations

from dataclasses import dataclass

from langchain_text_splitters import RecursiveCharacterTextSplitter

from knowledge.documents import Chunk, Document, Provenance, Section, chunk_id_for

SENTENCE_SEPARATORS = ["\n\n", "\n", ". ", "? ", "! ", "; ", ", ", " ", ""]


@dataclass(frozen=True)
class ChunkingConfig:
    """Chunk sizes in characters (about 4 characters per token for English).

    The default 900 characters stays within the 256 word-piece window of MiniLM-class
    embedders once the title header is added.
    """

    chunk_size: int = 900
    chunk_overlap: int = 120


class Chunker:
    """Turns documents into chunks; cheap to reuse, safe to share between threads."""

    def __init__(self, config: ChunkingConfig | None = None) -> None:
        self.config = config or ChunkingConfig()
        self._splitter = RecursiveCharacterTextSplitter(
            chunk_size=self.config.chunk_size,
            chunk_overlap=self.config.chunk_overlap,
            separators=SENTENCE_SEPARATORS,
            keep_separator="end",
            strip_whitespace=True,
        )

    def _pieces(self, sections: tuple[Section, ...]) -> list[tuple[str | None, str]]:
        """Pack short sections together and split long ones; return (section, text) pairs."""
        pieces: list[tuple[str | None, str]] = []
        headings: list[str] = []
        texts: list[str] = []
        size = self.config.chunk_size

        def flush() -> None:
            if texts:
                pieces.append((" / ".join(headings) or None, "\n\n".join(texts)))
            headings.clear()
            texts.clear()

        for section in sections:
            text = section.text.strip()
            if len(text) > size:
                flush()
                pieces.extend((section.heading, part) for part in self._splitter.split_text(text))
                continue
            if sum(len(t) + 2 for t in texts) + len(text) > size:
                flush()
            if section.heading and section.heading not in headings:
                headings.append(section.heading)
            texts.append(text)
        flush()
        return pieces

    def chunk(self, document: Document) -> list[Chunk]:
        """Split one document.

        Args:
            document: The document.

        Returns:
            Its chunks in reading order, each with the document's provenance and its section.
        """
        provenance = Provenance(**document.model_dump(exclude={"sections"}))
        chunks: list[Chunk] = []
        seen: set[str] = set()
        for section, text in self._pieces(document.sections):
            if not text.strip():
                continue
            chunk_id = chunk_id_for(document.source_id, text)
            if chunk_id in seen:
                continue
            seen.add(chunk_id)
            chunks.append(
                Chunk(
                    chunk_id=chunk_id,
                    ordinal=len(chunks),
                    section=section,
                    text=text,
                    provenance=provenance,
                )
            )
        return chunks
