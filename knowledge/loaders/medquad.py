"""MedQuAD XML (Ben Abacha & Demner-Fushman, 2019): one document per answer.

Each file holds one ``<Document id source url>`` with a ``<Focus>`` and ``<QAPair>`` items
(``<Question qid qtype>`` and ``<Answer>``). A document's title is the focus and its section
the question type; the question text is kept in ``extra`` but is not indexed, so that
evaluating with MedQuAD's own questions does not match the question against itself.
Answers removed from the public release (empty ``<Answer>``) are skipped and counted.
"""

from __future__ import annotations

import re
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
    if root.tag != "Document" or root.find("QAPairs") is None:
        raise SourceFormatError(path, "not a MedQuAD file (expected <Document> with <QAPairs>)")
    source = root.get("source", "")
    url = root.get("url")
    focus = _text(root.find("Focus")) or root.get("id", path.stem)
    category = _text(root.find("FocusAnnotations/Category"))
    docs: list[Document] = []
    empty = 0
    for pair in root.iter("QAPair"):
        question = pair.find("Question")
        answer = clean_answer(_text(pair.find("Answer")))
        if question is None or not answer:
            empty += 1
            continue
        qid = question.get("qid") or f"{root.get('id', path.stem)}-{pair.get('pid')}"
        qtype = question.get("qtype") or "information"
        extra = {"focus": focus, "qtype": qtype, "question": _text(question), "qid": qid}
        if category:
            extra["category"] = category
        docs.append(
            Document(
                source_id=f"medquad:{qid}",
                title=focus,
                publisher=PUBLISHERS.get(source, source or None),
                url=url,
                licence=MEDQUAD_LICENCE,
                doc_type="medquad",
                origin=str(path),
                extra=extra,
                sections=(Section(heading=qtype, text=answer),),
            )
        )
    return docs, empty
