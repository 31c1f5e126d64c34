"""Build the real consumer question set from the public TREC 2017 LiveQA medical test data.

The questions are real consumer health questions sent to the U.S. National Library of
Medicine (TREC 2017 LiveQA medical task, test set: subject and message as received, with a
paraphrase written by NIST assessors). Their judged answers come from the MedQuAD authors'
judgments of 2,479 MedQuAD answers to those questions (Ben Abacha & Demner-Fushman, BMC
Bioinformatics 2019; 1 incorrect, 2 related, 3 incomplete, 4 excellent). A MedQuAD answer
judged 3 or 4 is a hit. Only questions with such an answer in the MedQuAD files the project
holds are kept (three MedlinePlus subsets ship without answers).

Judged answer ids (``GHR_0000804_Sec1.txt``) are matched to the project's MedQuAD source ids
(``medquad:GHR:0000804-<pid>``) by the answer text, since the section number is not always
the pair id. Every pair with the same answer text counts.

Each question is put in one of two halves by a hash of its id: ``dev`` (its misses may be
read to improve retrieval) and ``held_out`` (scored only, never read when tuning).

Usage (the two public files are not shipped; fetch them once, outside run and test time):
    python benchmarks/build_liveqa_questions.py \
        --questions TREC-2017-LiveQA-Medical-Test-Questions-w-summaries.xml \
        --qrels All-qrels_LiveQAMed2017-TestQuestions_2479_Judged-Answers.txt \
        --answers All-2479-Answers-retrieved-from-MedQuAD.csv \
        [--medquad ../shared/data/knowledge/medquad] [--out tests/data/retrieval/liveqa_questions.json]
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

from knowledge.consumer_eval import split_of

ROOT = Path(__file__).resolve().parents[1]
MEDQUAD = ROOT / ".." / "shared" / "data" / "knowledge" / "medquad"
OUT = ROOT / "tests" / "data" / "retrieval" / "liveqa_questions.json"
GOOD = 3  # judged "3-Incomplete" or "4-Excellent"
_ANSWER_ID = re.compile(r"([A-Za-z]+)_([\d_]+)_Sec(\d+)\.txt")


def _key(text: str) -> str:
    """Answer text reduced to its first 150 letters and digits (to match across formats)."""
    return re.sub(r"[^a-z0-9]+", "", text.lower())[:150]


def medquad_answers(folder: Path) -> dict[tuple[str, str], dict[str, str]]:
    """``(source, file stem) -> {pid: answer key}`` for every MedQuAD file with answers."""
    out: dict[tuple[str, str], dict[str, str]] = {}
    for path in sorted(folder.glob("*/*.xml")):
        root = ET.parse(path).getroot()
        pairs = {p.get("pid") or "": _key(p.findtext("Answer") or "") for p in root.iter("QAPair")}
        out[(root.get("source") or "", path.stem)] = {pid: k for pid, k in pairs.items() if k}
    return out


def judged_targets(qrels: Path, answers: Path, medquad: Path) -> dict[str, set[str]]:
    """Question number -> project source ids of the answers judged 3 or 4."""
    texts = {row["AnswerID"]: row["Answer"] for row in csv.DictReader(answers.open(encoding="utf-8"))}
    held = medquad_answers(medquad)
    out: dict[str, set[str]] = defaultdict(set)
    for line in qrels.read_text(encoding="utf-8").splitlines():
        qnum, judgment, answer_id = line.split()
        if int(judgment.split("-")[0]) < GOOD:
            continue
        m = _ANSWER_ID.fullmatch(answer_id)
        if m is None or answer_id not in texts:
            continue
        source, stem, _ = m.groups()
        pairs = held.get((source, stem), {})
        key = _key(texts[answer_id].split("Answer:", 1)[-1])
        out[qnum] |= {f"medquad:{source}:{stem}-{pid}" for pid, k in pairs.items() if k == key}
    return {q: t for q, t in out.items() if t}


def build(questions: Path, qrels: Path, answers: Path, medquad: Path) -> dict[str, object]:
    """The question set as written to ``liveqa_questions.json``."""
    targets = judged_targets(qrels, answers, medquad)
    rows = []
    for q in ET.parse(questions).getroot().iter("NLM-QUESTION"):
        qid = q.get("qid") or ""
        found = targets.get(qid.removeprefix("TQ"))
        if not found:
            continue
        subject = (q.findtext("Original-Question/SUBJECT") or "").strip()
        message = " ".join((q.findtext("Original-Question/MESSAGE") or "").split())
        rows.append(
            {
                "id": qid,
                "split": split_of(qid),
                "focus": (q.findtext("ANNOTATIONS/FOCUS") or "").strip(),
                "qtype": (q.findtext("ANNOTATIONS/TYPE") or "").strip().lower(),
                "targets": sorted(found),
                "real": f"{subject}\n{message}".strip(),
                "paraphrase": " ".join(
                    (q.findtext("NIST-PARAPHRASE") or "").split() or (q.findtext("NLM-Summary") or "").split()
                ),
            }
        )
    return {
        "version": 1,
        "note": (
            "Real consumer health questions sent to the U.S. National Library of Medicine, from "
            "the TREC 2017 LiveQA medical task test set (Ben Abacha et al., TREC 2017; "
            "github.com/abachaa/LiveQA_MedicalTask_TREC2017), subject and message as received, "
            "with the NIST assessors' paraphrase (NLM's summary where there is none). "
            "Targets are the MedQuAD answers judged 3 "
            "(incomplete) or 4 (excellent) by the MedQuAD authors (Ben Abacha & "
            "Demner-Fushman, BMC Bioinformatics 2019; github.com/abachaa/MedQuAD, CC BY 4.0), "
            "kept when the answer is in the MedQuAD files the project holds. 'split' is fixed "
            "by a hash of the id: 'held_out' questions are never read when tuning retrieval. "
            "Built by benchmarks/build_liveqa_questions.py."
        ),
        "questions": rows,
    }


def main() -> None:
    """Parse arguments and write the question set."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--questions", type=Path, required=True)
    parser.add_argument("--qrels", type=Path, required=True)
    parser.add_argument("--answers", type=Path, required=True)
    parser.add_argument("--medquad", type=Path, default=MEDQUAD)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    data = build(args.questions, args.qrels, args.answers, args.medquad)
    args.out.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    rows = data["questions"]
    assert isinstance(rows, list)
    print(f"{len(rows)} questions ({sum(r['split'] == 'held_out' for r in rows)} held out) -> {args.out}")


if __name__ == "__main__":
    main()
