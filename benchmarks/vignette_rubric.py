"""Score drafts on the vignette set: run the real pipeline per case, print the rubric.

Each vignette in ``tests/data/vignettes/*.json`` holds a whole intake record, uploads
from ``../shared/data`` (relative to the repository root; a DICOM series folder is
zipped) and a rubric. For every case a patient is created, the case is submitted and
the drafting job runs in-process (imaging, retrieval over the starter pack, the
composer with the chosen LLM, the checks); the stored draft and evidence are then
scored:

- each listed sub-question answered (by a sentence with substance, not an echo); with
  ``strict`` (the default), a treatment or next-step answer must also address every
  medicine, test or action the patient's question names (a water tablet, steroids, a CT,
  A&E, the gym, their son): a sentence naming it that is cited or says plainly who
  decides. Every sub-question of a listed kind must be answered, not only the first.
- each named alternative discussed (for, against, and a settling test it names);
- no fact contradicting the stored analysis (counts, sizes, slices, probabilities, no CT
  wording without a CT, no source for the wrong age group);
- no statement drawn from a not-assessed finding;
- no uncited claim; no irrelevant citation; no pasted patient sentence (no run of seven
  words from the patient's text).

Model sentences held for the clinician (no source supports them; not in the text that is
signed) are counted and printed per case, not scored; so are sentences said twice in one
draft (the same words in two sections read as padding), which should be none.

    python benchmarks/vignette_rubric.py [--llm mock|embedded] [--only v01,v02] [--json out.json]
        [--save-drafts DIR]

The rubric's reading of what a question names is its own (below), not the drafting
code's, so that a parser miss is not hidden by the same vocabulary.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import tempfile
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VIGNETTES = ROOT / "tests/data/vignettes"
_CT_WORDS = re.compile(r"\b(ct|computed tomography|hounsfield|slice|%laa)\b", re.I)
_WORD = re.compile(r"[a-z0-9']+")
Item = tuple[str, bool, str]

# What a patient's question can name, and how an answer must name it: (question pattern, answer pattern).
_TREATMENT_ITEMS: dict[str, tuple[str, str]] = {
    "antibiotic": (r"anti-?bi?o?tics?|antibotics?", r"antibiotic"),
    "steroid": (r"steroids?|prednisolone", r"steroid|prednisolone"),
    "water tablet": (r"water (?:tablets?|pills?)|diuretics?", r"water tablet|diuretic"),
    "inhaler": (r"inhalers?|puffers?", r"inhaler"),
    "blood thinner": (r"blood thinners?|anticoagulants?", r"blood thinner|anticoagula"),
    "painkiller": (r"painkillers?|ibuprofen", r"painkiller|ibuprofen"),
}
_TEST_ITEMS: dict[str, tuple[str, str]] = {
    "ct": (r"\bct\b|cat scan", r"\bct\b"),
    "x-ray": (r"x-?rays?", r"x-ray"),
    "swallow": (r"swallow\w* (?:assessment|test|study)", r"swallow"),
    "ultrasound": (r"ultrasound", r"ultrasound"),
    "biopsy": (r"biopsy", r"biopsy"),
}
_ACTION_ITEMS: dict[str, tuple[str, str]] = {
    "urgent care": (r"a ?& ?e\b|\bhospital\b|\bemergency\b", r"a&e|hospital|emergency"),
    "exercise": (r"\bgym\b|\bexercise\b|\bsport", r"gym|exercise|effort"),
    "work": (r"\bkeep working\b|\bback to work\b|\bgo to work\b", r"\bwork"),
}
_RELATIVES = r"\b(?:my|his|her|our) (son|daughter|child|children|baby|wife|husband|partner|family)\b"
_REQUEST = re.compile(r"\b(need|have|get|ask(?:ing)? for|book|go for|another|repeat|more|any)\b", re.I)
_DECIDES = re.compile(
    r"\b(clinician|doctor|prescriber|gp|team|specialist)\b[^.]*\b(decid\w*|decision|judge\w*|advice|advise|arrange)"
    r"|\b(decid\w*|decision|judge\w*|advice)\b[^.]*\b(clinician|doctor|prescriber)\b"
    r"|\b(go to|call|seek|usual advice)\b",
    re.I,
)


def _sentences(content: Mapping[str, Any], *, held: bool = False) -> list[tuple[str, dict[str, Any]]]:
    """The sentences of the opinion's text; ``held=True``: only the model sentences held for review.

    A held sentence (no source supports it) is shown to the clinician marked and is not part
    of the text that is signed, so it is reported apart, not scored as part of the opinion.
    """
    return [
        (str(sec.get("key")), dict(s))
        for sec in content.get("sections") or []
        for s in sec.get("sentences") or []
        if bool(s.get("held")) == held
    ]


def _runs(text: str, size: int = 7) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


def _patient_texts(intake: Mapping[str, Any]) -> list[str]:
    out = [str(intake.get(k) or "") for k in ("main_question", "reason_for_second_opinion", "history")]
    out += [str(s.get("description", "")) for s in intake.get("symptoms") or []]
    return [t for t in out if t.strip()]


def _echoes(text: str, patient: Iterable[str]) -> bool:
    mine = _runs(text)
    return any(mine & _runs(p) for p in patient)


def _ct_truth(evidence: Mapping[str, Any]) -> dict[str, Any] | None:
    for block in (evidence.get("imaging") or {}).get("uploads") or []:
        for series in block.get("ct_series") or []:
            m = series.get("measurements")
            if m:
                nods = m.get("nodule_candidates") or []
                if not nods:
                    return {"count": 0}
                big = max(nods, key=lambda n: n["diameter_mm"])
                return {
                    "count": len(nods),
                    "largest": round(big["diameter_mm"]),
                    "slice": big["slice_index"] + 1,
                }
    return None


def _findings(evidence: Mapping[str, Any]) -> list[dict[str, Any]]:
    return list((evidence.get("findings") or {}).get("findings") or [])


def named_items(kind: str, question: str) -> dict[str, str]:
    """What the patient's question names for a treatment or next-step answer: {item: answer pattern}."""
    low = question.lower()
    if kind == "treatment":
        return {k: a for k, (q, a) in _TREATMENT_ITEMS.items() if re.search(q, low)}
    if kind != "next_steps":
        return {}
    out = {k: a for k, (q, a) in _ACTION_ITEMS.items() if re.search(q, low)}
    for clause in re.split(r"[,.?;!]|\band\b|\bor\b", low):
        if _REQUEST.search(clause):
            out.update({k: a for k, (q, a) in _TEST_ITEMS.items() if re.search(q, clause)})
    sentences = [s for s in re.split(r"[.?!]", low) if re.search(r"risk|catch|test|contagious", s)]
    for s in sentences:
        out.update({m.group(1): rf"\b{m.group(1)}\b" for m in re.finditer(_RELATIVES, s)})
    return out


def _unaddressed(items: Mapping[str, str], body: list[dict[str, Any]], meds: list[str]) -> list[str]:
    """Items no sentence names with a citation or a plain statement of who decides.

    A sentence that only lists the patient's medicines in brackets does not name one of them.
    """
    missing = []
    for item, pattern in items.items():
        naming = [s for s in body if re.search(pattern, _without_med_list(s["text"], meds), re.I)]
        if not any(s.get("citations") or _DECIDES.search(s["text"]) for s in naming):
            missing.append(item)
    return missing


def _without_med_list(text: str, meds: list[str]) -> str:
    def listing(m: re.Match[str]) -> str:
        return "" if sum(med.lower() in m.group(0).lower() for med in meds) >= 2 else m.group(0)

    return re.sub(r"\([^)]*\)", listing, text)


def _plain(name: str) -> str:
    return " ".join(re.sub(r"[_-]", " ", name.lower()).split())


def same_condition(rubric_name: str, draft_condition: str) -> bool:
    """Whether the draft's condition is the one a rubric names, however the writer spelt it.

    Equal once case, underscores and hyphens are set aside ("heart failure", "heart_failure"),
    or the draft's key is among the conditions the name itself mentions ("pulmonary embolism
    (clot)"): writers name conditions in plain words, the draft by its catalogue key. A bare name
    the catalogue reads only as asked ("anxiety", read as a panic attack or anxiety in "could it be
    anxiety?" but not in "my anxiety about the scan") is read as the question "could it be <name>?".
    """
    from assistant.drafting.conditions import conditions_in

    if _plain(rubric_name) == _plain(draft_condition):
        return True
    if not rubric_name:
        return False
    named = {c.key for c in conditions_in(rubric_name)} or {
        c.key for c in conditions_in(f"could it be {rubric_name}?")
    }
    return draft_condition in named


#: Words a key point's meaning does not rest on (negations are kept: "no fever" is not "fever").
_FILLER = frozenset(
    {"a", "an", "the", "and", "or", "of", "to", "in", "on", "for", "with", "if", "is", "are", "be", "by"}
    | {"at", "as", "can", "may", "from", "it", "its", "this", "that", "than", "usually", "often"}
    | {"before", "after"}
)


def _stem(word: str) -> str:
    """A crude stem: a plural or verb ending off ("cultures", "tested", "testing" -> "culture", "test")."""
    if len(word) > 4 and not word.endswith("ss"):
        return re.sub(r"(?:ing|ed|s)$", "", word)
    return word


def key_point_met(key: str, text: str, words: bool = False) -> bool:
    """Whether ``text`` (lower case) carries the key point ``key``: its exact words in order (the
    rubric's reading), or with ``words`` each of its content words anywhere in ``text`` after a crude
    suffix strip ("sputum culture" in "sputum tests (smear, culture ...)"). The second is a
    diagnostic of wording against substance, never the headline figure."""
    if not words:
        # case set aside on both sides: the callers lower the draft's text, and writers spell key points
        # as they would in a letter ("CT pulmonary angiogram", "PET-CT"), which a case-sensitive test
        # never found in lower-cased text (every capitalised key point was missed until this was fixed)
        return key.lower() in text.lower()
    have = {_stem(w) for w in _WORD.findall(text)}
    need = [_stem(w) for w in _WORD.findall(key.lower()) if w not in _FILLER]
    return bool(need) and all(w in have for w in need)


def _answered(
    spec: str,
    content: Mapping[str, Any],
    vignette: Mapping[str, Any],
    has_ct: bool,
    strict: bool = True,
    words: bool = False,
) -> Item:
    kind, _, cond = spec.partition(":")
    subs = [
        q
        for q in content.get("sub_questions") or []
        if q["kind"] == kind
        and (q.get("condition", "") == cond or same_condition(cond, q.get("condition", "")))
    ]
    if not subs:
        return (f"answered {spec}", False, "sub-question not recognised")
    ids = {q["id"] for q in (subs if strict else subs[:1])}
    block = [s for key, s in _sentences(content) if key == "answers" and s.get("question_ref") in ids]
    body = [s for s in block if not str(s["text"]).endswith(":")]
    if strict and kind in ("treatment", "next_steps"):
        meds = [str(m) for m in vignette["intake"].get("medications") or []]
        asked = named_items(kind, str(vignette["intake"].get("main_question", "")))
        missing = _unaddressed(asked, body, meds)
        if missing:
            return (f"answered {spec}", False, f"does not address: {', '.join(missing)}")
        answered = {s.get("question_ref") for s in body}
        if kind == "next_steps" and any(q["id"] not in answered for q in subs):
            return (f"answered {spec}", False, "a next-step question has no answer")
    patient = _patient_texts(vignette["intake"])
    if any(_echoes(s["text"], patient) for s in body):
        return (f"answered {spec}", False, "echoes the patient's words")
    texts = " ".join(s["text"] for s in body).lower()
    rubric = vignette["rubric"]
    if kind == "diagnosis_right":
        ok = any(s["origin"] == "finding" for s in body) or (not vignette["uploads"] and "no images" in texts)
    elif kind == "could_it_be":
        keys = rubric["must_discuss"].get(cond, ["test"])
        ok = any(key_point_met(k, texts, words) for k in keys)
    elif kind == "images":
        ok = any(s["origin"] == "finding" for s in body) and (not has_ct or "nodule candidate" in texts)
    elif kind == "treatment":
        meds = [m.lower() for m in vignette["intake"].get("medications") or []]
        ok = ("treatment" in texts or "prescription" in texts) and (not meds or any(m in texts for m in meds))
    else:
        ok = "test" in texts or "follow-up" in texts or "review" in texts
    return (f"answered {spec}", ok, "" if ok else "no substantive answer")


def _discussed(cond: str, keywords: list[str], content: Mapping[str, Any], words: bool = False) -> Item:
    block = [
        s["text"].lower()
        for key, s in _sentences(content)
        if key == "alternatives" and same_condition(cond, str(s.get("condition_ref") or ""))
    ]
    text = " ".join(block)
    ok = (
        "point to it" in text
        and "against it" in text
        and any(key_point_met(k, text, words) for k in keywords)
    )
    return (f"discussed {cond}", ok, "" if ok else "missing for/against/settling test")


def _contradictions(
    content: Mapping[str, Any], evidence: Mapping[str, Any], age: int | None, has_ct: bool
) -> list[str]:
    out: list[str] = []
    ct = _ct_truth(evidence)
    findings = {f["label"].lower(): f for f in _findings(evidence)}
    passages = {p.get("number"): p for p in evidence.get("passages") or []}
    for _, s in _sentences(content):
        text = s["text"]
        for m in re.finditer(r"(\d+) nodule candidates?", text):
            if ct is None or int(m.group(1)) != ct["count"]:
                out.append(f"count {m.group(1)} vs stored {ct and ct['count']}")
        for m in re.finditer(r"about (\d+) mm across", text):
            if ct is None or int(m.group(1)) != ct.get("largest"):
                out.append(f"size {m.group(1)} vs stored {ct and ct.get('largest')}")
        for m in re.finditer(r"on slice (\d+)", text):
            if ct is None or int(m.group(1)) != ct.get("slice"):
                out.append(f"slice {m.group(1)} vs stored {ct and ct.get('slice')}")
        for m in re.finditer(r"probability of ([a-z_ -]+?) was (\d\.\d\d)", text):
            f = findings.get(m.group(1).strip().lower())
            if f is None or abs(round(f["probability"], 2) - float(m.group(2))) > 0.005:
                out.append(f"probability of {m.group(1)} {m.group(2)} not stored")
        if not has_ct and s["origin"] in ("finding", "passage", "llm") and _CT_WORDS.search(text):
            out.append(f"CT wording without a CT: {text[:60]}")
        for n in s.get("citations") or []:
            pop = str(passages.get(n, {}).get("population") or "")
            if age is not None and ((age < 18 and pop == "adult") or (age >= 18 and pop == "child")):
                out.append(f"[{n}] is a {pop} source for a patient aged {age}")
    return out


def _from_not_assessed(content: Mapping[str, Any], evidence: Mapping[str, Any]) -> list[str]:
    bad = []
    skipped = [
        f["label"].lower() for f in _findings(evidence) if f.get("status", "not_assessed") != "reported"
    ]
    for _, s in _sentences(content):
        if s.get("origin") == "template":
            continue  # fixed general text (what argues for or against a condition), never a model's result
        low = s["text"].lower()
        for label in skipped:
            claims = (f"probability of {label}", f"counted {label}", "supports", "argues against")
            if label in low and any(c in low for c in claims) and "could not" not in low:
                bad.append(s["text"][:80])
    return bad


def _irrelevant(content: Mapping[str, Any], evidence: Mapping[str, Any]) -> list[str]:
    from assistant.drafting.conditions import conditions_in

    passages = {p.get("number"): p for p in evidence.get("passages") or []}
    bad = []
    for _, s in _sentences(content):
        named = conditions_in(re.sub(r"\[\d+\]", "", s["text"]))
        for n in s.get("citations") or []:
            p = passages.get(n)
            body = f"{p.get('title', '')} {p.get('text', '')}" if p else ""
            have = conditions_in(body)
            if p is None or any(c not in have for c in named):
                bad.append(f"[{n}] for: {s['text'][:60]}")
    return bad


def score_case(
    vignette: Mapping[str, Any],
    content: Mapping[str, Any],
    evidence: Mapping[str, Any],
    strict: bool = True,
    words: bool = False,
) -> list[Item]:
    """Every rubric item for one stored draft, as (name, met, detail); ``strict=False`` is the
    rubric before the named-item check (kept to compare figures); ``words=True`` credits a key
    point by its content words in any order (a diagnostic: wording against substance)."""
    has_ct = has_ct_series(vignette["uploads"])
    items = [
        _answered(spec, content, vignette, has_ct, strict, words)
        for spec in vignette["rubric"]["must_answer"]
    ]
    items += [_discussed(c, kw, content, words) for c, kw in vignette["rubric"]["must_discuss"].items()]
    wrong = _contradictions(content, evidence, vignette["intake"].get("age"), has_ct)
    items.append(("no contradicted fact", not wrong, "; ".join(wrong)))
    na = _from_not_assessed(content, evidence)
    items.append(("no statement from a not-assessed finding", not na, "; ".join(na)))
    uncited = [
        s["text"][:60]
        for _, s in _sentences(content)
        if (s["origin"] in ("llm", "passage") and not s.get("citations")) or s.get("supported") is False
    ]
    items.append(("no uncited claim", not uncited, "; ".join(uncited)))
    irr = _irrelevant(content, evidence)
    items.append(("no irrelevant citation", not irr, "; ".join(irr)))
    patient = _patient_texts(vignette["intake"])
    pasted = [s["text"][:60] for _, s in _sentences(content) if _echoes(s["text"], patient)]
    items.append(("no pasted patient text", not pasted, "; ".join(pasted)))
    return items


def _upload_file(path: Path, work: Path) -> Path:
    if path.is_dir():
        return Path(shutil.make_archive(str(work / path.name), "zip", root_dir=path))
    return path


def run_case(
    ctx: Any, vignette: Mapping[str, Any], work: Path
) -> tuple[dict[str, Any], dict[str, Any], float]:
    """Create, submit and draft one vignette through the real pipeline; return content, evidence, seconds."""
    from sqlalchemy import select

    from assistant.actors import SYSTEM
    from assistant.chat.consent import current_consent
    from assistant.db.models import Draft
    from assistant.intake import IntakeRecord
    from assistant.jobs.engine import execute_next
    from assistant.roles import Role
    from assistant.services import cases, users

    with ctx.db.session() as s:
        patient = users.create_user(
            s, SYSTEM, f"vignette-{vignette['id']}", "vignette-password", Role.PATIENT
        )
        record = IntakeRecord.model_validate(vignette["intake"])
        case = cases.create_case(s, patient, record.diagnosis_in_question[:200])
        cases.update_intake(s, patient, case.id, record)
        consent = current_consent()
        cases.record_consent(s, patient, consent.version, consent.text)
        for rel in vignette["uploads"]:
            path = _upload_file((ROOT / rel).resolve(), work)
            with path.open("rb") as fh:
                cases.add_upload(s, patient, case.id, ctx.storage, fh, path.name)
        case_id, job_id = case.id, cases.submit_case(s, patient, case.id, consent.version).id
    start = time.perf_counter()
    execute_next(ctx, "vignettes", job_id=job_id)
    seconds = time.perf_counter() - start
    with ctx.db.session() as s:
        draft = s.scalars(
            select(Draft).where(Draft.case_id == case_id).order_by(Draft.version.desc())
        ).first()
        if draft is None:
            raise RuntimeError(f"{vignette['id']}: no draft was written")
        return dict(draft.content), dict(draft.evidence or {}), seconds


def load_vignettes(only: str = "", folder: Path = VIGNETTES) -> list[dict[str, Any]]:
    """The vignette files in ``folder``, optionally only the comma-separated ids."""
    wanted = {x.strip() for x in only.split(",") if x.strip()}
    out = [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]
    return [v for v in out if not wanted or v["id"] in wanted]


def age_group(age: object) -> str:
    """The age band a vignette's patient falls in (the bands the model cards report)."""
    if not isinstance(age, int | float):
        return "age unknown"
    if age < 18:
        return "child (<18)"
    return "adult (18-64)" if age < 65 else "older (65+)"


def upload_kind(uploads: Iterable[str]) -> str:
    """What was uploaded: a CT series, a DICOM radiograph, a film image, or several kinds."""
    kinds = set()
    for rel in uploads:
        path = (ROOT / rel).resolve()
        if path.is_dir():
            kinds.add("CT series")
        elif path.suffix.lower() in {".dcm", ""}:
            kinds.add("DICOM radiograph")
        else:
            kinds.add("film image")
    return " + ".join(sorted(kinds)) or "no upload"


def has_ct_series(uploads: Iterable[str]) -> bool:
    """Whether a CT series was uploaded (a folder of slices or a zip of one); a single DICOM
    radiograph is a film, held to the film's rules (no CT wording, no nodule candidates)."""
    return any(u.endswith(".zip") or (ROOT / u).resolve().is_dir() for u in uploads)


def populations(vignette: Mapping[str, Any]) -> dict[str, str]:
    """The populations one vignette belongs to: age band, sex, upload kind."""
    intake = vignette["intake"]
    return {
        "age": age_group(intake.get("age")),
        "sex": str(intake.get("sex") or "sex unknown"),
        "upload": upload_kind(vignette.get("uploads", [])),
    }


def by_population(results: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, list[int]]]:
    """Rubric items met / total per population value, for each population axis.

    A drafting change that helps adults and not children shows here, not in the overall figure.
    """
    table: dict[str, dict[str, list[int]]] = {}
    for result in results:
        for axis, value in result["population"].items():
            cell = table.setdefault(axis, {}).setdefault(value, [0, 0, 0])
            cell[0] += result["met"]
            cell[1] += result["items"]
            cell[2] += 1
    return table


def main() -> None:
    from assistant.context import AppContext
    from assistant.db.migrate import upgrade
    from assistant.knowledge_base import ingest_starter_pack
    from assistant.settings import Settings

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--llm", default="embedded", choices=["embedded", "mock"])
    parser.add_argument("--only", default="", help="comma-separated vignette ids")
    parser.add_argument(
        "--dir", type=Path, default=VIGNETTES, help="folder of vignette files (held-out sets)"
    )
    parser.add_argument("--json", type=Path, default=None, help="write per-case results here")
    parser.add_argument("--save-drafts", type=Path, default=None, help="write each case's draft here")
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="vignettes-"))
    settings = Settings(data_dir=data_dir, llm={"mode": args.llm})  # type: ignore[arg-type]
    ctx = AppContext(settings)
    upgrade(ctx.db.engine)
    ingest_starter_pack(settings, ctx)
    from assistant.drafting.sanitize import repeated_sentences

    met = total = contradicted = lenient_met = repeated = words_met = 0
    results = []
    for vignette in load_vignettes(args.only, args.dir):
        content, evidence, seconds = run_case(ctx, vignette, data_dir)
        if args.save_drafts:
            args.save_drafts.mkdir(parents=True, exist_ok=True)
            saved = {"content": content, "evidence": evidence}
            (args.save_drafts / f"{vignette['id']}.json").write_text(json.dumps(saved, default=str))
        items = score_case(vignette, content, evidence)
        lenient_met += sum(ok for _, ok, _ in score_case(vignette, content, evidence, strict=False))
        words_met += sum(ok for _, ok, _ in score_case(vignette, content, evidence, words=True))
        n_met = sum(ok for _, ok, _ in items)
        met, total = met + n_met, total + len(items)
        bad_facts = next(d for name, ok, d in items if name == "no contradicted fact")
        contradicted += len([x for x in bad_facts.split("; ") if x])
        held = len(_sentences(content, held=True))
        print(
            f"{vignette['id']}: {n_met}/{len(items)} items met ({seconds:.1f} s, {held} model sentence(s) "
            f"held for review) {vignette['description']}"
        )
        for name, ok, detail in items:
            if not ok:
                print(f"    MISSED {name}: {detail[:160]}")
        twice = repeated_sentences([str(s["text"]) for _, s in _sentences(content)])
        repeated += len(twice)
        for text in twice:
            print(f"    REPEATED sentence: {text[:160]}")
        results.append(
            {
                "id": vignette["id"],
                "met": n_met,
                "items": len(items),
                "seconds": round(seconds, 1),
                "held": held,
                "missed": [(n, d) for n, ok, d in items if not ok],
                "repeated": twice,
                "population": populations(vignette),
            }
        )
    table = by_population(results)
    for axis, cells in table.items():
        for value, (p_met, p_total, n) in sorted(cells.items()):
            print(f"  {axis}: {value}: {p_met}/{p_total} ({100 * p_met / max(p_total, 1):.1f}%), {n} case(s)")
    print(
        f"overall: {met}/{total} rubric items met ({100 * met / max(total, 1):.1f}%), "
        f"contradicted facts: {contradicted}; without the named-item check: "
        f"{lenient_met}/{total} ({100 * lenient_met / max(total, 1):.1f}%); "
        f"sentences repeated within a draft: {repeated}"
    )
    print(
        f"diagnostic, key points by their words in any order (not the headline): {words_met}/{total} "
        f"({100 * words_met / max(total, 1):.1f}%)"
    )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "overall": [met, total],
                    "lenient": [lenient_met, total],
                    "by_words": [words_met, total],
                    "contradicted": contradicted,
                    "repeated": repeated,
                    "by_population": table,
                    "cases": results,
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
