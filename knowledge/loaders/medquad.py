"""MedQuAD XML (Ben Abacha & Demner-Fushman, 2019): one document per answer.

Question ids repeat across MedQuAD's folders (and even inside CancerGov), so a document's id
is built from the collection, the file name and the pair number:
``medquad:<source>:<file stem>-<pid>``, e.g. ``medquad:GHR:0000001-1``.
Each file holds one ``<Document id source url>`` with a ``<Focus>`` and ``<QAPair>`` items
(``<Question qid qtype>`` and ``<Answer>``). A document's title is the focus and its section
the question type; the question text is kept in ``extra`` but is not indexed, so that
evaluating with MedQuAD's own questions does not match the question against itself.
Answers removed from the public release (empty ``<Answer>``) are skipped and counted.
One CDC file has a ``<DiseaseFile fid>`` root, and a few NINDS files use an older lower-case
schema (``<doc docid corpus url>``, ``<doctitle-focus>``, ``<qaPairs><pair><question><answer>``);
both are read the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from knowledge.documents import Document, Section
from knowledge.errors import SourceFormatError

MEDQUAD_LICENCE = "CC-BY-4.0 (MedQuAD)"

#: MedQuAD ``source`` attribute -> the organisation that published the answer.
PUBLISHERS = {
    "CancerGov": "National Cancer Institute (cancer.gov)",
    "GARD": "Genetic and Rare Diseases Information Center (NIH)",
    "GHR": "Genetics Home Reference (US National Library of Medicine)",
    "MPlusHealthTopics": "MedlinePlus (US National Library of Medicine)",
    "NIDDK": "National Institute of Diabetes and Digestive and Kidney Diseases",
    "NINDS": "National Institute of Neurological Disorders and Stroke",
    "NIHSeniorHealth": "NIHSeniorHealth (National Institutes of Health)",
    "NHLBI": "National Heart, Lung, and Blood Institute",
    "CDC": "Centers for Disease Control and Prevention",
}


@dataclass(frozen=True)
class _Schema:
    root: str
    pairs: str
    pair: str
    question: str
    answer: str
    focus: str
    source: str
    doc_id: str


_SCHEMAS = {
    s.root: s
    for s in (
        _Schema("Document", "QAPairs", "QAPair", "Question", "Answer", "Focus", "source", "id"),
        _Schema("DiseaseFile", "QAPairs", "QAPair", "Question", "Answer", "Focus", "source", "fid"),
        _Schema("doc", "qaPairs", "pair", "question", "answer", "doctitle-focus", "corpus", "docid"),
    )
}

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
_BULLET = re.compile(r"\s{2,}-\s+")
_SPACES = re.compile(r"[ \t]{2,}")


def clean_answer(raw: str) -> str:
    """Normalise MedQuAD answer whitespace: one item per line, single spaces."""
    text = _BULLET.sub("\n- ", raw)
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _text(el: etree._Element | None) -> str:
    return "".join(el.itertext()).strip() if el is not None else ""


def load_medquad(path: Path) -> tuple[list[Document], int]:
    """Load one MedQuAD XML file.

    Args:
        path: A MedQuAD ``.xml`` file.

    Returns:
        The documents (one per non-empty answer) and the number of empty answers skipped.

    Raises:
        SourceFormatError: Not well-formed XML, or not a MedQuAD ``<Document>``.
    """
    try:
        root = etree.parse(str(path), _PARSER).getroot()
    except etree.XMLSyntaxError as e:
        raise SourceFormatError(path, f"malformed XML ({e})") from e
    schema = _SCHEMAS.get(str(root.tag))
    if schema is None or root.find(schema.pairs) is None:
        raise SourceFormatError(path, "not a MedQuAD file (expected <Document> with <QAPairs>)")
    doc_id = root.get(schema.doc_id, path.stem)
    source = root.get(schema.source, "")
    collection = source or path.parent.name
    focus = _text(root.find(schema.focus)) or doc_id
    category = _text(root.find("FocusAnnotations/Category"))
    docs: list[Document] = []
    empty = 0
    for pair in root.iter(schema.pair):
        question = pair.find(schema.question)
        answer = clean_answer(_text(pair.find(schema.answer)))
        if question is None or not answer:
            empty += 1
            continue
        qid = question.get("qid") or f"{doc_id}-{pair.get('pid')}"
        qtype = question.get("qtype") or "information"
        extra = {"focus": focus, "qtype": qtype, "question": _text(question), "qid": qid}
        if category:
            extra["category"] = category
        docs.append(
            Document(
                source_id=f"medquad:{collection}:{path.stem}-{pair.get('pid') or len(docs) + empty}",
                title=focus,
                publisher=PUBLISHERS.get(source, source or None),
                url=root.get("url"),
                licence=MEDQUAD_LICENCE,
                doc_type="medquad",
                origin=str(path),
                extra=extra,
                sections=(Section(heading=qtype, text=answer),),
            )
        )
    return docs, empty
