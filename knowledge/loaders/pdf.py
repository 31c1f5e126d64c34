"""PDF files: text extracted page by page with pypdf; each page is a section."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from knowledge.documents import Document, Section
from knowledge.errors import SourceFormatError

logging.getLogger("pypdf").setLevel(logging.ERROR)


def _pdf_date(raw: object) -> str | None:
    text = str(raw) if raw else ""
    if text.startswith("D:"):
        text = text[2:]
    digits = text[:8]
    if len(digits) == 8 and digits.isdigit():
        return f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"
    return None


def load_pdf(path: Path) -> Document:
    """Load a PDF as one document whose sections are its pages ("page 3").

    Raises:
        SourceFormatError: The file is not a readable PDF, is encrypted, or has no text layer.
    """
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            raise SourceFormatError(path, "the PDF is encrypted")
        pages = [page.extract_text() or "" for page in reader.pages]
        info: dict[str, Any] = dict(reader.metadata or {})
    except PyPdfError as e:
        raise SourceFormatError(path, f"not a readable PDF ({e})") from e
    sections = tuple(
        Section(heading=f"page {i}", text=" ".join(text.split()))
        for i, text in enumerate(pages, start=1)
        if text.strip()
    )
    if not sections:
        raise SourceFormatError(
            path, "no extractable text (a scanned PDF needs OCR before it can be ingested)"
        )
    title = str(info.get("/Title") or "").strip() or path.stem.replace("_", " ")
    author = str(info.get("/Author") or "").strip() or None
    return Document(
        source_id=f"file:{path.resolve()}",
        title=title,
        publisher=author,
        date=_pdf_date(info.get("/CreationDate")),
        doc_type="pdf",
        origin=str(path),
        sections=sections,
    )
