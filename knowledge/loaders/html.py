"""HTML pages: visible text split at headings, provenance from ``<meta>`` tags."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup, Tag

from knowledge.documents import Document
from knowledge.errors import SourceFormatError
from knowledge.loaders.markdown import split_sections

_DROP = ("script", "style", "nav", "footer", "header", "noscript", "form", "aside")
_META = {
    "doi": ("citation_doi", "dc.identifier", "doi"),
    "date": ("citation_publication_date", "citation_date", "dc.date", "article:published_time"),
    "publisher": ("citation_publisher", "dc.publisher", "og:site_name", "author"),
    "url": ("og:url", "citation_abstract_html_url"),
    "licence": ("dc.rights", "license"),
}


def _meta(soup: BeautifulSoup, names: tuple[str, ...]) -> str | None:
    for name in names:
        tag = soup.find("meta", attrs={"name": name}) or soup.find("meta", attrs={"property": name})
        if isinstance(tag, Tag):
            content = tag.get("content")
            if isinstance(content, str) and content.strip():
                return content.strip()
    return None


def document_from_html(html: str, path: Path) -> Document:
    """Build a document from HTML text.

    Raises:
        SourceFormatError: The page has no visible text.
    """
    soup = BeautifulSoup(html, "lxml")
    for tag in soup(list(_DROP)):
        tag.decompose()
    for level in range(1, 4):
        for heading in soup.find_all(f"h{level}"):
            heading.replace_with(f"\n\n{'#' * level} {heading.get_text(' ', strip=True)}\n\n")
    body = soup.body or soup
    lines = (line.strip() for line in body.get_text("\n").splitlines())
    h1, sections = split_sections("\n".join(line for line in lines if line))
    if not sections:
        raise SourceFormatError(path, "no visible text in the HTML page")
    title_tag = soup.find("title")
    title = _meta(soup, ("citation_title", "dc.title", "og:title"))
    title = title or (title_tag.get_text(strip=True) if isinstance(title_tag, Tag) else None)
    canonical = soup.find("link", attrs={"rel": "canonical"})
    url = _meta(soup, _META["url"])
    if url is None and isinstance(canonical, Tag) and isinstance(canonical.get("href"), str):
        url = str(canonical["href"])
    return Document(
        source_id=f"url:{url}" if url else f"file:{path.resolve()}",
        title=title or h1 or path.stem,
        publisher=_meta(soup, _META["publisher"]),
        url=url,
        doi=_meta(soup, _META["doi"]),
        date=_meta(soup, _META["date"]),
        licence=_meta(soup, _META["licence"]),
        doc_type="html",
        origin=str(path),
        sections=tuple(sections),
    )


def load_html(path: Path) -> Document:
    """Load an ``.html``/``.htm`` file as one document.

    Raises:
        SourceFormatError: Unreadable or without visible text.
    """
    return document_from_html(path.read_text(encoding="utf-8", errors="replace"), path)
