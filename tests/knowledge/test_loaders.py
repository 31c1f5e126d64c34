"""Loaders: Markdown/text, HTML, PDF, MedQuAD XML and PubMedQA JSON, with provenance."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from fpdf import FPDF

from knowledge import pack_path
from knowledge.errors import SourceFormatError, UnsupportedSourceError
from knowledge.loaders import load_file, load_paths
from knowledge.loaders.html import load_html
from knowledge.loaders.markdown import load_markdown
from knowledge.loaders.medquad import load_medquad
from knowledge.loaders.pdf import load_pdf
from knowledge.loaders.pubmedqa import load_pubmedqa
from tests.knowledge.conftest import MEDQUAD_FILES


def write_pdf(path: Path, pages: list[str], title: str = "Pleural effusion leaflet") -> Path:
    """Write a real PDF with one text page per entry."""
    pdf = FPDF()
    pdf.set_title(title)
    pdf.set_author("Example Hospital")
    pdf.set_font("Helvetica", size=12)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 8, text)
    pdf.output(str(path))
    return path


class TestMarkdown:
    """load_markdown()."""

    def test_pack_note_provenance(self) -> None:
        """A pack note yields its front-matter provenance and heading sections."""
        doc = load_markdown(pack_path() / "pulmonary-nodule-follow-up.md")
        assert doc.source_id == "pack:pulmonary-nodule-follow-up"
        assert doc.doc_type == "guideline_note"
        assert doc.licence == "CC-BY-4.0"
        assert doc.is_project_summary and doc.doi is None and doc.url is None
        assert doc.references[0].doi == "10.1148/radiol.2017161659"
        assert doc.references[0].year == 2017
        assert "Single solid nodule" in [s.heading for s in doc.sections]

    def test_plain_text_without_front_matter(self, tmp_path: Path) -> None:
        """A text file without front matter gets a file source id and its H1 as title."""
        path = tmp_path / "note.txt"
        path.write_text("# Atelectasis\n\nPartial collapse of lung tissue.\n", encoding="utf-8")
        doc = load_markdown(path)
        assert doc.title == "Atelectasis"
        assert doc.source_id == f"file:{path.resolve()}"
        assert doc.text == "Partial collapse of lung tissue."

    @pytest.mark.parametrize(
        ("content", "match"),
        [
            ("---\ntitle: [unclosed\n---\nbody\n", "invalid YAML front matter"),
            ("---\n- a list\n---\nbody\n", "front matter must be a YAML mapping"),
            ("---\ntitle: x\n---\n\n", "no text"),
            ("---\nsources: 3\n---\nbody\n", "'sources' in front matter must be a list"),
        ],
    )
    def test_bad_files(self, tmp_path: Path, content: str, match: str) -> None:
        """Broken front matter or an empty body raise SourceFormatError naming the file."""
        path = tmp_path / "bad.md"
        path.write_text(content, encoding="utf-8")
        with pytest.raises(SourceFormatError, match=match):
            load_markdown(path)


class TestNoteFrontMatter:
    """The structured clinical front matter of notes (load_markdown)."""

    def test_pack_note_facts(self) -> None:
        """A pack note exposes its condition, signs, tests, red flags, population and review state."""
        doc = load_markdown(pack_path() / "pulmonary-embolism.md")
        assert doc.facts is not None
        assert doc.facts.condition == "pulmonary embolism"
        assert "D-dimer" in doc.facts.distinguishing_tests
        assert any("breathlessness" in s for s in doc.facts.typical_symptoms)
        assert doc.facts.red_flags and doc.facts.imaging_signs
        assert doc.facts.reviewed_by == "pending clinician review"
        assert doc.population == "adult"

    def test_third_party_note_keeps_its_publisher(self, tmp_path: Path) -> None:
        """A note written elsewhere keeps its publisher, is not a project summary, and borrows no facts."""
        path = tmp_path / "bts.md"
        path.write_text(
            "---\ntitle: Pleural leaflet\npublisher: British Thoracic Society\n"
            "sources:\n  - title: BTS pleural guideline\n    year: 2023\n"
            "    url: https://thorax.bmj.com/content/78/Suppl_3/s1\n---\n# Pleural leaflet\n\nText.\n",
            encoding="utf-8",
        )
        doc = load_markdown(path)
        assert doc.publisher == "British Thoracic Society" and not doc.is_project_summary
        assert doc.url == "https://thorax.bmj.com/content/78/Suppl_3/s1"
        assert doc.facts is None and doc.population is None

    def test_summary_flag_without_publisher_mark(self, tmp_path: Path) -> None:
        """``project_summary: true`` marks a summary even when the publisher says nothing."""
        path = tmp_path / "s.md"
        path.write_text(
            "---\ntitle: S\nproject_summary: true\npopulation: child\n---\nbody\n", encoding="utf-8"
        )
        doc = load_markdown(path)
        assert doc.is_project_summary and doc.population == "child"

    @pytest.mark.parametrize(
        ("front", "match"),
        [
            ("population: elderly", "'population' must be one of"),
            ("red_flags: {a: 1}", "'red_flags' in front matter must be a list"),
        ],
    )
    def test_bad_fields_refused(self, tmp_path: Path, front: str, match: str) -> None:
        """An unknown population or a non-list field is refused with the reason."""
        path = tmp_path / "bad.md"
        path.write_text(f"---\ntitle: B\n{front}\n---\nbody\n", encoding="utf-8")
        with pytest.raises(SourceFormatError, match=match):
            load_markdown(path)

    def test_unchanged_document_hash_is_stable(self, tmp_path: Path) -> None:
        """A document that uses none of the new fields keeps the hash it had before they existed."""
        path = tmp_path / "plain.md"
        path.write_text("---\ntitle: P\npublisher: X\n---\nbody\n", encoding="utf-8")
        doc = load_markdown(path)
        payload = doc.model_dump(mode="json", exclude={"origin", "is_project_summary", "population", "facts"})
        expected = hashlib.sha256(
            json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
        ).hexdigest()
        assert doc.content_hash() == expected


class TestHtml:
    """load_html()."""

    def test_meta_and_sections(self, tmp_path: Path) -> None:
        """Citation meta tags become provenance; headings become sections; scripts vanish."""
        path = tmp_path / "page.html"
        path.write_text(
            "<html><head><title>Chest X-ray</title>"
            '<meta name="citation_doi" content="10.1000/xyz">'
            '<meta name="citation_publication_date" content="2021-03-04">'
            '<meta property="og:url" content="https://example.org/cxr">'
            "<script>var secret = 1;</script></head><body><nav>menu</nav>"
            "<h2>Why it is done</h2><p>To look for pneumonia.</p>"
            "<h2>Risks</h2><p>A very small radiation dose.</p></body></html>",
            encoding="utf-8",
        )
        doc = load_html(path)
        assert (doc.title, doc.doi, doc.date, doc.url) == (
            "Chest X-ray",
            "10.1000/xyz",
            "2021-03-04",
            "https://example.org/cxr",
        )
        assert doc.source_id == "url:https://example.org/cxr"
        assert [s.heading for s in doc.sections] == ["Why it is done", "Risks"]
        assert "secret" not in doc.text and "menu" not in doc.text


class TestPdf:
    """load_pdf()."""

    def test_pages_are_sections(self, tmp_path: Path) -> None:
        """Each page with text becomes a 'page N' section; metadata gives title and author."""
        path = write_pdf(tmp_path / "leaflet.pdf", ["Fluid around the lung.", "Drainage is safe."])
        doc = load_pdf(path)
        assert doc.title == "Pleural effusion leaflet"
        assert doc.publisher == "Example Hospital"
        assert [s.heading for s in doc.sections] == ["page 1", "page 2"]
        assert "Drainage is safe." in doc.text

    @pytest.mark.parametrize(
        ("content", "match"),
        [(b"%PDF-1.4\n%garbage without objects", "not a readable PDF"), (b"hello", "not a readable PDF")],
    )
    def test_malformed(self, tmp_path: Path, content: bytes, match: str) -> None:
        """A broken PDF raises SourceFormatError with the reason."""
        path = tmp_path / "broken.pdf"
        path.write_bytes(content)
        with pytest.raises(SourceFormatError, match=match):
            load_pdf(path)


class TestMedQuAD:
    """load_medquad()."""

    def test_one_document_per_answer(self, medquad_dir: Path) -> None:
        """Each answered QAPair is a document with URL, focus, question type and publisher."""
        docs, empty = load_medquad(medquad_dir / MEDQUAD_FILES[1])
        assert empty == 0
        assert [d.source_id for d in docs] == ["medquad:MPlusHealthTopics:0000723-1"]
        first = docs[0]
        assert first.title == "Pneumonia"
        assert first.url is not None and first.url.startswith("https://www.nlm.nih.gov/medlineplus/")
        assert first.publisher == "MedlinePlus (US National Library of Medicine)"
        assert first.extra["qtype"] == first.sections[0].heading == "information"
        assert first.extra["question"].startswith("What is")
        assert first.licence == "CC-BY-4.0 (MedQuAD)"

    @pytest.mark.parametrize(
        ("rel", "first_id", "focus"),
        [
            ("6_NINDS_QA/0000018.xml", "medquad:NINDS:0000018-1", "ALS"),
            ("9_CDC_QA/0000397.xml", "medquad:CDC:0000397-1", "Parasites - Taeniasis"),
        ],
    )
    def test_schema_variants(self, medquad_dir: Path, rel: str, first_id: str, focus: str) -> None:
        """The lower-case NINDS schema and the CDC <DiseaseFile> root load like the main one."""
        docs, _ = load_medquad(medquad_dir / rel)
        assert docs[0].source_id == first_id and docs[0].title == focus
        assert docs[0].url is not None and docs[0].extra["question"]

    def test_empty_answers_are_counted(self, medquad_dir: Path) -> None:
        """An answer removed from the public release is skipped and counted."""
        docs, empty = load_medquad(medquad_dir / MEDQUAD_FILES[4])
        assert (docs, empty) == ([], 1)

    @pytest.mark.parametrize(
        ("content", "match"),
        [
            ("<Document><QAPairs><QAPair>", "malformed XML"),
            ("<?xml version='1.0'?><Other/>", "not a MedQuAD file"),
        ],
    )
    def test_malformed(self, tmp_path: Path, content: str, match: str) -> None:
        """Broken or foreign XML raises SourceFormatError."""
        path = tmp_path / "bad.xml"
        path.write_text(content, encoding="utf-8")
        with pytest.raises(SourceFormatError, match=match):
            load_medquad(path)


class TestPubMedQA:
    """load_pubmedqa()."""

    def test_dev_set(self, pubmedqa_file: Path) -> None:
        """All 500 dev abstracts load, with PMID, labelled sections, year and PubMed URL."""
        docs, empty = load_pubmedqa(pubmedqa_file)
        assert (len(docs), empty) == (500, 0)
        doc = next(d for d in docs if d.source_id == "pubmed:10808977")
        assert doc.url == "https://pubmed.ncbi.nlm.nih.gov/10808977/"
        assert doc.sections[0].heading == "Background"
        assert doc.extra["question"].startswith("Can tailored interventions")
        assert doc.extra["question"] not in doc.text

    @pytest.mark.parametrize(
        ("content", "match"),
        [("{not json", "malformed JSON"), ('["a list"]', "not a PubMedQA file")],
    )
    def test_malformed(self, tmp_path: Path, content: str, match: str) -> None:
        """Broken or foreign JSON raises SourceFormatError."""
        path = tmp_path / "bad.json"
        path.write_text(content, encoding="utf-8")
        with pytest.raises(SourceFormatError, match=match):
            load_pubmedqa(path)


class TestLoadPaths:
    """load_paths() and load_file()."""

    def test_bad_files_are_reported_and_the_rest_loaded(self, medquad_dir: Path, tmp_path: Path) -> None:
        """A malformed XML and PDF are listed as errors; good files in the folder still load."""
        shutil.copy(medquad_dir / MEDQUAD_FILES[0], tmp_path / "good.xml")
        (tmp_path / "bad.xml").write_text("<Document><QAPairs>", encoding="utf-8")
        (tmp_path / "bad.pdf").write_bytes(b"not a pdf")
        (tmp_path / "LICENSE.txt").write_text("licence text", encoding="utf-8")
        (tmp_path / "image.png").write_bytes(b"\x89PNG")
        result = load_paths([tmp_path])
        assert result.files == 3
        assert [d.source_id for d in result.documents] == ["medquad:MPlusHealthTopics:good-1"]
        assert sorted(str(e).split(":")[0] for e in result.errors) == [
            str(tmp_path / "bad.pdf"),
            str(tmp_path / "bad.xml"),
        ]

    def test_unsupported_file_named_explicitly(self, tmp_path: Path) -> None:
        """Naming an unsupported file raises a clear error listing what is supported."""
        path = tmp_path / "scan.png"
        path.write_bytes(b"\x89PNG")
        with pytest.raises(UnsupportedSourceError, match=r"Supported: \.md"):
            load_file(path)

    def test_missing_file_is_an_error(self, tmp_path: Path) -> None:
        """A path that does not exist is reported, not raised."""
        result = load_paths([tmp_path / "absent.md"])
        assert "file does not exist" in str(result.errors[0])
