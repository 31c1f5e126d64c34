"""Fact sentences written by code from structured data (intake, findings, cited sources).

Nothing here is left to a language model: probabilities, thresholds, CT measurements
and quoted source sentences are formatted from the inputs, so the facts in a draft are
exactly the facts in the case.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence

from assistant.drafting import questions
from assistant.drafting.citations import SupportScorer
from assistant.drafting.conditions import (
    Condition,
    conditions_in,
    correct_spelling,
    denied_conditions,
    diagnosis_family,
    mention_starts,
    risked_conditions,
)
from assistant.drafting.guardrails import red_flag_names
from assistant.drafting.medicines import listed_medicine
from assistant.drafting.risk_factors import FRAGMENTS, patient_marked
from assistant.drafting.same_day import ORGAN_TRANSPLANT, SICKLE_CELL_DISEASE
from assistant.drafting.schemas import (
    NOT_VALIDATED_REASON,
    CitedSource,
    CTMeasurements,
    DraftSentence,
    ImagingFinding,
    ImagingFindings,
    SubQuestion,
)
from assistant.drafting.validity import MASS_MM, REVIEW_NODULE_MM
from assistant.intake import IntakeRecord
from knowledge.sentences import split_sentences

_WORD = re.compile(r"[a-z][a-z\-]+")
_STOPWORD_TEXT = (
    "a an and are as at be by can do does for from has have how in is it its may of on or "
    "that the their this to was were what when which who why will with your you"
)
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
# A quoted sentence that starts with one of these leans on the sentence before it.
_ANAPHORA = frozenset({"this", "these", "that", "those", "it", "they", "such", "also", "however"})


def _clean(text: str) -> str:
    return " ".join(text.split()).strip().rstrip(".")


def in_hundred(probability: float) -> str:
    """Plain-words frequency for a probability: 0.87 -> 'about 87 in 100'."""
    per_hundred = round(probability * 100)
    if per_hundred == 0 and probability > 0:
        return "less than 1 in 100"
    if per_hundred == 100 and probability < 1:
        return "more than 99 in 100"
    return f"about {per_hundred} in 100"


def finding_sentence(finding: ImagingFinding) -> str:
    """One finding in plain words; a not-assessed finding says only that, and why."""
    if not finding.assessed:
        reason = " ".join((finding.reason or NOT_VALIDATED_REASON).split()).rstrip(".")
        return (
            f"The {finding.model_card.name} model was run for {finding.label}, but its result is "
            f"not used in this opinion because {reason}."
        )
    p, t = finding.probability, finding.threshold
    side = "above" if p > t else "below" if p < t else "exactly at"
    verdict = (
        "so the model counts it as present"
        if finding.positive
        else "so the model does not count it as present"
    )
    return (
        f"The {finding.model_card.name} model's estimated probability of {finding.label} was "
        f"{p:.2f} ({in_hundred(p)}), {side} its operating threshold of {t:.2f}, {verdict}."
    )


def _uploaded(imaging: ImagingFindings) -> str:
    """What was uploaded, as a noun before 'image(s)': 'chest X-ray ', 'CT and chest X-ray ', or ''."""
    kinds = " and ".join(dict.fromkeys(_KIND_NAMES.get(k, k) for k in imaging.kinds))
    return f"{kinds} " if kinds else ""


#: The input guard's score, for staff (the cockpit shows it); it means nothing in a patient's text.
_GUARD_SCORE = re.compile(r"\s*\(guard score [0-9.]+\)|guard score [0-9.]+;\s*", re.I)


def _plain_reason(reason: str) -> str:
    """A refusal reason in plain words: spacing tidied, the guard's score left out."""
    return _GUARD_SCORE.sub("", " ".join(reason.split())).rstrip(".")


def refusal_sentence(imaging: ImagingFindings) -> str:
    """Why the input check refused an upload, in full: said once, in the answer on the images.

    Every other place that needs it refers to it (:func:`no_findings_sentence`); the same
    reason given three times reads as padding and hides what else the draft says.
    """
    reasons = list(dict.fromkeys(_plain_reason(r) for r in imaging.refused))
    n, kind = len(imaging.refused), _uploaded(imaging)
    some_read = bool(imaging.findings) or imaging.ct is not None
    if some_read:
        what = "One of the uploaded images was" if n == 1 else f"{n} of the uploaded images were"
    else:
        what = f"The uploaded {kind}image was" if n == 1 else f"The {n} uploaded {kind}images were"
    return (
        f"{what} received but not given to the imaging models, because {'; '.join(reasons)}; "
        "a radiologist's reading is needed instead."
    )


def no_findings_sentence(imaging: ImagingFindings, about: str) -> str:
    """Why the images cannot speak to ``about`` when no model result came back for them.

    Images that were uploaded and analysed are never described as missing: the reason
    is then that no model result is available (or validated) for them. A refused upload is
    only referred to here; its reason is given once (:func:`refusal_sentence`).
    """
    what = _uploaded(imaging)
    if imaging.refused:
        noun = "image" if len(imaging.refused) == 1 else "images"
        return (
            f"The uploaded {what}{noun} could not be read by the imaging models (why is given in the "
            f"answer on the images), so the images cannot confirm or exclude {about}."
        )
    if imaging.kinds:
        return (
            f"The uploaded {what}images were received, but no imaging model result is available for them, "
            f"so the images cannot confirm or exclude {about}."
        )
    return f"No images were analysed, so this opinion cannot check {about} against the images."


_KIND_NAMES = {"cxr": "chest X-ray", "ct": "CT", "photo": "chest X-ray"}


def nodule_summary(ct: CTMeasurements) -> str:
    """'8 nodule candidates; the largest about 39 mm across, on slice 16' (as the cockpit lists)."""
    count = ct.candidate_count
    if count == 0 or not ct.nodule_candidates:
        return "no nodule candidates"
    biggest = max(ct.nodule_candidates, key=lambda n: n.diameter_mm)
    noun = "1 nodule candidate" if count == 1 else f"{count} nodule candidates"
    where = (
        f", on slice {biggest.slice_number}"
        if biggest.slice_number
        else (f", in the {biggest.location}" if biggest.location else "")
    )
    size = "about" if count == 1 else "the largest about"
    return f"{noun}; {size} {biggest.diameter_mm:.0f} mm across{where}"


#: A size in an earlier report the patient quotes ("a 3 cm mass", "41 mm").
_REPORTED_SIZE = re.compile(r"\b\d+(?:\.\d+)?(?:\s?(?:-|to)\s?\d+(?:\.\d+)?)?\s?(?:mm|cm)\b", re.I)


def ct_sentences(ct: CTMeasurements, reported: str = "") -> list[str]:
    """CT quantitation in plain words (lung volume, %LAA-950, nodule candidates).

    ``reported`` is the patient's account of earlier imaging: when it gives a size, the draft says
    that automated and reported sizes can differ and the report decides (read drafts showed "24
    candidates, the largest 41 mm" beside a reported 3 cm mass without a word on which counts).
    """
    out: list[str] = []
    if ct.lung_volume_l is not None:
        out.append(f"The measured lung volume on the CT was {ct.lung_volume_l:.1f} litres.")
    if ct.laa950_percent is not None:
        out.append(
            f"{ct.laa950_percent:.1f}% of the lung volume measured below -950 Hounsfield units "
            "(%LAA-950), a measure that rises with emphysema."
        )
    summary = nodule_summary(ct)
    out.append(f"The automated CT analysis found {summary}.")
    if ct.candidate_count > 1:
        out.append(
            "Candidates are places the software flagged for a closer look (nodules, but also vessels or "
            "scars), so their number is not a count of tumours."
        )
    if ct.candidate_count and _REPORTED_SIZE.search(reported):
        out.append(
            "The earlier report described in the intake gives its own size; automated measurements often "
            "differ from a radiologist's, and where they differ the radiologist's report and the "
            "reviewing clinician decide."
        )
    largest = max((n.diameter_mm for n in ct.nodule_candidates), default=0.0)
    if largest >= REVIEW_NODULE_MM:
        size = "the size of a mass" if largest >= MASS_MM else "large enough to need follow-up"
        out.append(
            f"A candidate of {largest:.0f} mm is {size}, so a clinician should review these CT "
            "images whatever the first diagnosis was; a candidate is not a diagnosis."
        )
    return out


def _per_image(findings: Sequence[ImagingFinding]) -> list[tuple[str, str]]:
    """(label, sentence) per finding; one label read on several films is said per film, or once.

    Two films give two findings of each label. The same not-assessed reason is said once for
    all of them; results that differ are numbered by film, so that no sentence is said twice
    and a reader can tell the films' results apart.
    """
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.label] = counts.get(f.label, 0) + 1
    seen: dict[str, int] = {}
    out: list[tuple[str, str]] = []
    for f in findings:
        n = counts[f.label]
        text = finding_sentence(f)
        if n == 1:
            out.append((f.label, text))
            continue
        seen[f.label] = seen.get(f.label, 0) + 1
        if not f.assessed:
            text = text.replace(
                f"was run for {f.label},", f"was run for {f.label} on each of the {n} films,", 1
            )
            text = text.replace("its result is not used", "its results are not used", 1)
            if (f.label, text) not in out:
                out.append((f.label, text))
            continue
        out.append((f.label, f"On film {seen[f.label]} of {n}, t{text[1:]}"))
    return out


def image_fact_sentences(imaging: ImagingFindings, reported: str = "") -> list[DraftSentence]:
    """Every finding (assessed or why not) and CT measurement as a ``finding`` sentence
    (``reported``: the intake's account of earlier imaging, see :func:`ct_sentences`)."""
    sentences = [
        DraftSentence(text=text, origin="finding", finding_refs=[label])
        for label, text in _per_image(imaging.findings)
    ]
    if imaging.ct is not None:
        sentences += [
            DraftSentence(text=text, origin="finding", finding_refs=["ct"])
            for text in ct_sentences(imaging.ct, reported)
        ]
    return sentences


def matching_findings(diagnosis: str, imaging: ImagingFindings) -> list[ImagingFinding]:
    """Findings whose label names the diagnosis in question (or the reverse)."""
    dx = diagnosis.lower()
    return [f for f in imaging.findings if f.label.lower() in dx or dx in f.label.lower()]


def _about(duration: str) -> str:
    """'about 3 days', but 'several months' and 'a few weeks' as they are."""
    return duration if duration.startswith(("several", "a few")) else f"about {duration}"


_LOBE = re.compile(r"\b(right|left)\s+(upper|middle|lower)\s+lobe\b", re.I)


def summary_sentences(
    intake: IntakeRecord, sub_questions: Sequence[SubQuestion] = (), red_flags: Sequence[str] = ()
) -> list[DraftSentence]:
    """The request restated as structured facts; the patient's sentences are never pasted.

    ``red_flags`` are the emergency symptoms the chat's triage raised during intake.
    """
    dx = questions.diagnosis_label(intake)
    lobe = _LOBE.search(intake.diagnosis_in_question + " " + intake.reason_for_second_opinion)
    where = f" ({lobe.group(1).lower()} {lobe.group(2).lower()} lobe)" if lobe else ""
    out = [
        "A second opinion was asked for on the explanation first given for the symptoms."
        if dx == questions.UNNAMED
        else f"A second opinion was asked for on a diagnosis of {dx}{where}."
    ]
    who = []
    if intake.age is not None:
        who.append(
            "under 1 year old"
            if intake.age == 0
            else f"{intake.age} year{'' if intake.age == 1 else 's'} old"
        )
    if intake.sex.strip() in _SEXES:
        who.append(intake.sex.strip().lower())
    if who:
        # read summaries left out "24 weeks pregnant", which changes the answers on clots and X-rays
        said = questions.pregnancy_said(intake)
        pregnant = f", and {said}" if said else ""
        out.append(f"The patient is {', '.join(who)}{pregnant}.")
    groups = [
        _join(names) + (f" for {_about(lasting)}" if lasting else "")
        for names, lasting in questions.symptom_durations(intake)
    ]
    if groups:
        out.append("Symptoms reported: " + "; ".join(groups) + ".")
    current = frozenset(c.key for c in diagnosis_family(intake.diagnosis_in_question))
    # a carer's words for the patient ("Dad has atrial fibrillation", written by his son) are the patient
    marked = patient_marked(intake, intake.history)
    own, family, renamed = _history_read(marked, current)
    if own:
        out.append(f"Past conditions mentioned: {_join(own)}.")
    lasting = long_term_conditions(marked)
    if lasting:
        out.append(f"Long-term conditions in the history: {_join(lasting)}.")
    if family:
        out.append(f"Conditions mentioned in family members or close contacts: {_join(family)}.")
    # Conditions the patient already has or was told of alongside the diagnosis: background.
    dx_family = diagnosis_family(intake.diagnosis_in_question) + conditions_in(
        intake.diagnosis_in_question, fuzzy=True
    )
    raised = questions.asked_conditions(intake)
    named = {c.key for c in questions.named_alternatives(intake)}
    background = [
        c.name
        for c in questions.known_conditions(intake)
        if c not in dx_family
        and c not in raised
        # an inhaled nut asked about is the question, not "aspiration" as background
        and not (c.key == "aspiration" and "foreign_body" in named)
        # a spread to the lung asked about is the question: a cancer treated elsewhere ("chemo for a HER2
        # positive cancer", of the breast) is no lung cancer in the background
        and not (c.key == "lung_cancer" and any(r.key == "metastasis" for r in raised))
        and c.name not in own
        and c.key not in renamed
        # "it was viral" about a viral diagnosis (bronchiolitis, COVID-19) is the diagnosis itself.
        and not (c.key == "viral_infection" and any(d.viral for d in dx_family))
    ]
    if background:
        out.append(
            f"Also mentioned, and taken as background rather than as an alternative: {_join(background)}."
        )
    # Every medicine is named: a long entry ("combined oral contraceptive pill (Microgynon)",
    # "omeprazole 20mg daily (started 3 weeks ago)") by its name with its note in plain words.
    meds = [
        _clean(m) if len(_clean(m)) <= 40 else listed_medicine(_clean(m)).said for m in intake.medications
    ]
    meds = [m for m in meds if m]
    if meds:
        out.append(f"Medicines listed: {', '.join(meds)}.")
    allergies = [_clean(a) for a in intake.allergies if 0 < len(_clean(a)) <= 40]
    if allergies:
        out.append(f"Allergies listed: {', '.join(allergies)}.")
    if intake.prior_imaging.strip() and not _no_earlier_results(intake.prior_imaging):
        # The patient's account of earlier results is in the intake; the reports themselves are not.
        out.append(
            "Earlier imaging or test results were described in the intake; their reports were not "
            "uploaded, so this draft takes them as the patient's account, for the reviewing clinician "
            "to check."
        )
    flags = red_flag_names(red_flags, intake.age)
    if flags:
        out.append(f"Possible emergency symptoms were reported during intake: {_join(flags)}.")
    if sub_questions:
        asked = "; ".join(q.summary for q in sub_questions)
        out.append(f"The questions this opinion answers: {asked}.")
    return [DraftSentence(text=t, origin="intake") for t in out]


#: A prior-imaging answer that says there was none ("none", "no previous x-rays", "n/a").
def _no_earlier_results(text: str) -> bool:
    """Whether the prior-imaging answer says there was none: "None.", or "None. GP did not order a chest
    X-ray." (read summaries said earlier results "were described" of a baby who had had no test)."""
    first, _, rest = text.strip().partition(".")
    if _NONE_SAID.match(text) or not _NONE_SAID.match(first):
        return bool(_NONE_SAID.match(text))
    return not _A_RESULT.search(rest)


#: Words that report a result: "showed", "the report said", "normal", "clear".
_A_RESULT = re.compile(
    r"\b(?:show\w*|report\w*|found|normal|clear|said|result\w*|saw|seen|mm|cm|shadow|patch\w*)\b", re.I
)
_NONE_SAID = re.compile(
    r"^\W*(?:none|nil|n/?a|no(?:ne)?(?: previous| earlier| prior| other)?"
    r"(?: imaging| x-?rays?| scans?| tests?)?(?: (?:done|before|that i know of|as far as i know))?|"
    r"not that i know of|nothing|never had (?:any|one))\W*$",
    re.I,
)


_RELATIVES = re.compile(
    # the shared list of people (:data:`questions.PEOPLE`), plurals included, and the words for contacts;
    # not the family as a source ("chronic kidney disease (mild-moderate, per family)")
    rf"(?<!per )(?<!according to )(?<!by )"
    # "Maternal asthma, paternal allergic rhinitis" (a read summary gave a 4-year-old his parents' conditions)
    # "Family physician diagnosed chest infection" is the patient's doctor (a read summary gave the chest
    # infection to the family)
    rf"\b(?:(?:{questions.PEOPLE})s?|nanna|twins?|siblings?|{questions.FAMILY_NOT_DOCTOR}|contact|lived with|"
    r"neighbou?rs?|"
    r"maternal|paternal|"
    r"classmates?|flatmates?|housemates?|patients)\b"
    # "the day of his cousin's birthday party he choked on peanuts": a relative's event, not their illness
    r"(?!'s (?:\w+ )?(?:birthday|party|wedding|house|home|place|funeral|christening|farm|garden|"
    r"barbecue|bbq))",
    re.I,
)
#: A condition named only as something asked about or tested for ("asked if she has asthma", "nobody has
#: asked for TB tests"): no past condition (read summaries listed asthma and TB as the patients' own).
_ASKED_ONLY = re.compile(
    r"\b(?:asked|wondered|wonder|query|queried|asking)\s+(?:if|whether|about)\b|"
    # "nobody in the family checked for Marfan's" (a read summary listed Marfan syndrome as a relative's)
    r"\b(?:checked|tested|screened|assessed|investigated|looked at)\s+for\b|"
    # "Brother ... under investigation for alpha-1 antitrypsin deficiency" (a read summary gave it to his
    # sister)
    r"\bunder (?:investigation|assessment|review)\s+for\b|"
    # "irregular pulse noted by the GP once, 'to be checked'" (a read summary listed an arrhythmia)
    r"\bto be (?:checked|confirmed|tested|investigated|looked into|followed up|repeated)\b|"
    r"\b(?:asked for|ask for|request\w*|no|any|want\w*|need\w*|waiting for|booked)\s+(?:\w+\s+){0,2}"
    r"(?:tests?|testing)\b|"
    # "No sputum mycobacterial testing, HIV test or CT performed" (a read summary listed HIV as a past
    # condition)
    r"\b(?:tests?|testing|cultures?)\b(?:\s+or\s+\w+)?\s+(?:not\s+)?(?:performed|done|carried out|sent)\b|"
    # "RSV and pertussis PCR pending", "TB cultures awaited": a test whose result is not back (a read summary
    # listed whooping cough as a 3-month-old's past condition)
    r"\b(?:pcr|swabs?|tests?|cultures?|serology|antibod\w+|results?|bloods?|screen)\s+(?:\w+\s+)?"
    r"(?:pending|awaited|outstanding|sent(?: off)?|not yet (?:back|done|known))\b",
    re.I,
)
_RESULT_GIVEN = re.compile(r"\b(?:positive|confirmed|diagnos\w*|showed|found|treated|treatment)\b", re.I)


_PREVENTION = re.compile(r"\bprophyla\w*|\bprevent\w*|\bantimalarials?\b", re.I)
# the same words the choking episode's denial uses in the risk table
_CHOKING_ON_FEEDS = re.compile(FRAGMENTS["<choking_on_feeds>"], re.I)

#: How a past condition is named in the history summary when the table's name would misread it:
#: hay fever is not a cough syndrome, a stomach ulcer's bleed is no cause of chest pain, kidney
#: disease is not fluid build-up, and a thyroid "caused by amiodarone" is no lung disease.
_HISTORY_NAMES: tuple[tuple[str, re.Pattern[str], str], ...] = (
    # "positive TB skin test at immigration, completed 9 months isoniazid": latent TB, treated, never the
    # active disease (a read summary listed it as past TB)
    (
        "tuberculosis",
        re.compile(
            r"\b(?:skin test|mantoux|igra|quantiferon|t-?spot|isoniazid|latent|preventive|prophyla\w*)\b",
            re.I,
        ),
        "latent TB infection found on a skin or blood test",
    ),
    # "lives in Bakersfield, a coccidioidomycosis endemic area": a place, no infection the patient had
    (
        "fungal_infection",
        re.compile(r"\b(?:endemic|area|region|common|valley)\b", re.I),
        "",
    ),
    # "during recovery from a chest infection": a chest infection, not a pneumonia a doctor named (a read
    # summary listed pneumonia for a woman with a winter chest infection)
    (
        "pneumonia",
        re.compile(r"^(?![^.;]*\b(?:pneumonias?|consolidation)\b)[^.;]*\b(?:chest|lung) infections\b", re.I),
        "chest infections",
    ),
    (
        "pneumonia",
        re.compile(r"^(?![^.;]*\b(?:pneumonias?|consolidation)\b)[^.;]*\b(?:chest|lung) infection\b", re.I),
        "a chest infection",
    ),
    # "seasonal rhinitis" is hay fever, no cough syndrome (a read summary gave an 8-year-old postnasal drip)
    (
        "upper_airway_cough",
        re.compile(r"\bhay ?fever\b|\b(?:allergic|seasonal) rhinitis\b", re.I),
        "hay fever",
    ),
    # "barking cough with colds": the noise of a floppy airway, no croup diagnosed (a read summary listed
    # croup)
    ("croup", re.compile(r"^(?![^.;]*\bcroup)[^.;]*\bbark", re.I), ""),
    # "small cell lung cancer (liver and adrenal metastases)": the lung cancer's own spread, no cancer come to
    # the lung from elsewhere (a read summary listed one beside a newly staged lung cancer)
    (
        "metastasis",
        re.compile(r"\blung cancer\b|\b(?:liver|adrenal|bone|brain) (?:and \w+ )?metasta", re.I),
        "",
    ),
    # "PJP prophylaxis", "malaria prophylaxis": a medicine to prevent it, no illness had (a read summary
    # listed Pneumocystis pneumonia for a man on steroids)
    *((key, _PREVENTION, "") for key in ("pneumocystis_pneumonia", "malaria", "endocarditis")),
    # a clot-busting drug is a stroke treatment, no clot in the lung (a read summary gave a stroke patient
    # a past pulmonary embolism)
    ("pulmonary_embolism", re.compile(r"\bclot[- ]?bust\w*|thromboly\w*", re.I), ""),
    # "wheezing both sides according to A&E": a symptom of the illness now, no past asthma
    ("asthma", re.compile(r"^(?![^.;]*\basthma)[^.;]*\bwheez", re.I), ""),
    # "left chest wall ache", "tender R lateral chest wall": where the pain is now, no diagnosis of
    # chest-wall pain made (read summaries listed costochondritis for a man with mesothelioma and a woman
    # with broken ribs)
    (
        "costochondritis",
        re.compile(
            r"^(?![^.;]*\b(?:costochondritis|tietze|muscle strain|pulled muscle|musculoskeletal)\b)"
            r"[^.;]*\bchest[- ]wall\b",
            re.I,
        ),
        "",
    ),
    # "paroxysmal with post-tussive emesis and inspiratory whoop": the cough now, no past whooping cough (a
    # read summary listed pertussis for a midwife whose first diagnosis was a post-viral cough)
    ("whooping_cough", re.compile(r"^(?![^.;]*\b(?:pertussis|whooping cough)\b)[^.;]*\bwhoop", re.I), ""),
    # "coughing and choking with feeds": a baby's feeding difficulty, no inhaled object (a read summary
    # listed "a choking episode" for a baby with laryngomalacia and reflux)
    ("foreign_body", _CHOKING_ON_FEEDS, ""),
    ("aspiration", _CHOKING_ON_FEEDS, "coughing and choking with feeds or drinks"),
    # "choked on a piece of apple, then was fine": an episode, not a proven object in the airway; and an event
    # of the illness now, told in the symptoms and the facts, not a past condition (read summaries listed "a
    # choking episode" as the past condition of three children whose cough began with it)
    ("foreign_body", re.compile(r"\bchok\w*", re.I), ""),
    ("aspiration", re.compile(r"\bchok\w*", re.I), ""),
    ("upper_airway_cough", re.compile(r"\b(?:a|the|ordinary|common|bad|heavy) colds?\b", re.I), "a cold"),
    # "needle aspiration" of air or fluid is a procedure, not inhaled food or drink
    (
        "aspiration",
        re.compile(
            # "diagnostic/therapeutic aspiration of 1.2 L" of pleural fluid (a read summary listed inhaled
            # food as a 90-year-old's past condition)
            r"\b(?:needle|chest|pleural|therapeutic|diagnostic) aspiration|"
            r"aspiration of (?:the )?(?:air|fluid|[\d.]+ ?(?:l|litres?|liters?|ml)\b)|aspirated\b|"
            r"(?:treated|managed|drained) (?:with|by) (?:an? )?aspiration",
            re.I,
        ),
        "",
    ),
    (
        "abdominal_cause",
        re.compile(r"\b(?:stomach|peptic|duodenal|gastric) ulcers?\b", re.I),
        "a stomach ulcer",
    ),
    # "pancreatitis once at 27", "gallstones": the condition as told, not the table's list of tummy problems
    # (a read summary named "a problem in the tummy ... such as gallstones, a stomach ulcer, pancreatitis or
    # appendicitis")
    ("abdominal_cause", re.compile(r"\bpancreatitis\b", re.I), "pancreatitis"),
    ("abdominal_cause", re.compile(r"\bgall ?stones?\b", re.I), "gallstones"),
    # "osteopenia on DEXA": thinning short of osteoporosis (a read summary listed osteoporosis)
    (
        "osteoporosis",
        re.compile(r"^(?![^.;]*\bosteoporo)[^.;]*\bosteopeni", re.I),
        "some thinning of the bones (osteopenia)",
    ),
    # "left pleuritic pain for 2 days": pain on breathing now, no past pleurisy (a read summary listed one for
    # a woman nine days after a caesarean)
    ("pleurisy", re.compile(r"^(?![^.;]*\bpleurisy\b)[^.;]*\bpleuritic\b", re.I), ""),
    (
        "kidney_disease",
        re.compile(r"\bkidney (?:disease|failure|function)|\bckd\b|\begfr\b", re.I),
        "kidney disease",
    ),
    (
        "drug_induced_lung",
        re.compile(
            r"\b(?:thyroid|liver|kidneys?|skin|eyes?|nerves?)\b[^,.;]{0,25}\b(?:caused by|from|due to)\b",
            re.I,
        ),
        "",
    ),
)


#: Conditions the history summary never lists as past ones: "worse with intercurrent viral infections", "no
#: symptoms with viral colds", "admitted with RSV-positive bronchiolitis" are a trigger or the illness now, no
#: past condition worth listing (four read summaries listed "a viral chest infection").
_NEVER_PAST = frozenset({"viral_infection"})


def _history_name(cond: Condition, clause: str) -> str:
    """The condition's name for the history summary, or "" to leave it out (:data:`_NEVER_PAST`,
    :data:`_HISTORY_NAMES`)."""
    if cond.key in _NEVER_PAST:
        return ""
    for key, pattern, name in _HISTORY_NAMES:
        if cond.key == key and pattern.search(clause):
            return name
    return cond.name


def _history(history: str) -> tuple[list[str], list[str]]:
    """Conditions in the history, split into the patient's own and those of relatives or contacts."""
    own, family, _ = _history_read(history)
    return own, family


#: An outbreak or exposure around the patient ("school pertussis alert", "TB cases at work"): a contact's
#: illness, not the patient's past one (a read summary listed whooping cough as a baby's past condition).
_OUTBREAK = re.compile(
    # "Local school has reported pertussis cases": others' illness (a read summary listed whooping cough as a
    # boy's past condition)
    r"\b(?:alerts?|outbreaks?|going round|epidemic|cases? (?:at|in)|exposures?|exposed|contacts?)\b|"
    r"\breported\b[^.;]{0,30}\bcases\b|"
    # "Veterinary confirmation of Coxiella burnetii abortion storm in flock": the animals' infection (a read
    # summary listed Q fever as a farmer's past condition)
    r"\b(?:veterinary|vet|in (?:the |his |her |their |our )?"
    r"(?:flock|herd|ewes|sheep|cattle|cows|goats|birds?|poultry))\b|"
    # "Retired nurse (35 years, including TB ward work in 1980s)": patients nursed, not the nurse's own TB (a
    # read summary listed TB as her past condition)
    r"\b(?:ward|clinic) work\b|\b(?:nursed|nursing|looked after|cared for) (?:\w+ )?patients\b",
    re.I,
)
#: A team, clinic or service named after a condition, in a referral or its outcome: "GP has referred to the TB
#: service", "ILD MDT outcome" (read summaries listed TB for a man never treated for it, and lung scarring
#: twice). "Known to the COPD team" says more, and is kept.
_REFERRAL = re.compile(r"\b(?:refer\w*|appointments?|awaiting|outcome|waiting list)\b", re.I)
_SERVICES = re.compile(
    r"(?P<before>(?:\b[\w/-]+\s+){1,3}?)(?P<service>(?:services?|clinics?|teams?|mdts?|nurses?|specialists?|"
    r"multidisciplinary (?:team|meeting)s?)\b)",
    re.I,
)


def _without_condition(m: re.Match[str]) -> str:
    """A service's name without the condition it is named after ("the TB service" -> "the service")."""
    return questions.without_named_condition(m, "service")


#: A piece that ends the list the pieces before it began, and a piece that opens with a denial.
_OR_MORE = re.compile(r"^\s*(?:or|nor)\b", re.I)
_DENIAL_OPENS = re.compile(r"^\s*(?:no|not|never|nil|without|denies|denied)\b", re.I)
#: A piece about the illness now, counted in days ("Now day 5: ...") or getting worse ("worsening ...").
_NOW = re.compile(
    r"\bday \d+\b|^\s*(?:worsening|increasing)\b|"
    # "Impression: musculoskeletal chest pain", "Discharge impression 'CAP'": what this illness was called (a
    # read summary listed an A&E impression as a past condition)
    r"^\s*(?:(?:discharge|working|ed|a&e|admission|clinical|provisional|gp)\s+)?(?:impression|imp)\b",
    re.I,
)
#: "Treated as community-acquired pneumonia with oral amoxicillin": the illness now, however "treated" dates
#: other clauses (a read summary listed a 2-year-old's pneumonia of this week as a past condition).
_TREATED_AS = re.compile(r"\btreated as\b", re.I)
#: A clause that dates an illness in the past ("TB as a teenager", "pneumonia in 2019", "previous clot").
_PAST_MARK = re.compile(
    r"\b(?:previous|prior|past|before|ago|earlier|old|as a (?:child|baby|toddler|teenager|teen)|"
    r"in (?:19|20)\d\d|aged? \d+|at \d+|treated|had|recurrent|again|second|third|twice)\b",
    re.I,
)


#: Days ago is this illness, not a past one: "pneumonia diagnosed by GP on chest X-ray 3 days ago" (a read
#: summary listed it as a past condition of the 8-year-old it was the diagnosis of).
_DAYS_AGO = re.compile(r"\b(?:\d+|a|one|two|three|four|five|six|a few|several) (?:hours?|days?) ago\b", re.I)


#: Long-term conditions beyond the chest table that change how a chest illness is weighed and treated (read
#: summaries left out Down syndrome and a repaired heart, sickle cell disease itself, cerebral palsy with
#: epilepsy, a kidney transplant, dialysis and diabetes): named in the summary, never weighed as alternatives.
_LONG_TERM: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.I))
    for name, pattern in (
        ("Down syndrome", r"\bdown'?s? syndrome\b|\btrisomy 21\b"),
        ("cerebral palsy", r"\bcerebral palsy\b"),
        ("sickle cell disease", SICKLE_CELL_DISEASE),
        ("diabetes", r"(?<!non-)(?<!non )\b(?:type [12] )?diabet(?:es|ic)\b|\bt[12]dm\b"),
        ("epilepsy", r"\bepilep\w+"),
        ("dementia", r"\bdementia\b|\balzheimer'?s\b"),
        ("Parkinson's disease", r"\bparkinson'?s\b"),
        ("rheumatoid arthritis", r"\brheumatoid arthritis\b"),
        ("an organ transplant", ORGAN_TRANSPLANT),
        ("kidney failure treated with dialysis", r"\b(?:haemo|hemo|peritoneal )?dialysis\b"),
        ("Crohn's disease or colitis", r"\bcrohn'?s\b|\bulcerative colitis\b"),
        ("multiple sclerosis", r"\bmultiple sclerosis\b"),
    )
)
#: "gestational diabetes", "pre-diabetes", "borderline diabetic", "risk of diabetes": no diabetes had now.
_NOT_LONG_TERM = re.compile(
    r"\b(?:gestational|pre-?|borderline|risk of|at risk of|screen(?:ed|ing)? for|tested for|test for)\s*$",
    re.I,
)
_LONG_TERM_DENIED = re.compile(r"\b(?:no|not|without|never|nil|denies|negative for)\b[^.;:]{0,40}$", re.I)


def long_term_conditions(history: str) -> list[str]:
    """The long-term conditions of :data:`_LONG_TERM` the history gives the patient (not a relative's, not
    denied: "no diabetes"), in the table's order."""
    own = [clause for clause, theirs in questions.history_pieces(history, _RELATIVES) if not theirs]
    out = []
    for name, pattern in _LONG_TERM:
        said = [
            m.group(0)
            for clause in own
            for m in pattern.finditer(clause)
            if not _LONG_TERM_DENIED.search(clause[: m.start()])
            and not _NOT_LONG_TERM.search(clause[: m.start()])
        ]
        if said:
            # the organ as told ("a kidney transplant")
            out.append(f"a {said[0].lower()}" if name == "an organ transplant" else name)
    return out


def _history_read(
    history: str, current: frozenset[str] = frozenset()
) -> tuple[list[str], list[str], set[str]]:
    """:func:`_history`, with the keys of conditions the history names but the summary renames or
    leaves out (a needle aspiration, hay fever), so that no other list names them by the table.
    ``current``: the diagnosis in question's keys, no past condition unless the clause dates it ("First
    pneumothorax." is the illness now)."""
    own: list[str] = []
    family: list[str] = []
    renamed: set[str] = set()
    history = _NEGATIVE_LIST.sub(_spread_result, history)
    in_denied_list = False
    pieces = questions.history_pieces(history, _RELATIVES)
    # "Household contact of father with ... TB ... interpreter used in TB clinic": the clinic of a relative's
    # condition is seen as their contact (a read summary listed TB as a 4-year-old's past condition)
    relatives_own = {c.key for clause, theirs in pieces if theirs for c in conditions_in(clause)}
    for clause, theirs in pieces:
        if _REFERRAL.search(clause) or (
            relatives_own and any(c.key in relatives_own for c in conditions_in(clause))
        ):
            clause = _SERVICES.sub(_without_condition, clause)
        denied_item, in_denied_list = (
            in_denied_list,
            bool(_DENIAL_OPENS.match(clause))
            or (in_denied_list and len(clause.split()) <= 4 and not _OR_MORE.match(clause)),
        )
        if denied_item and _OR_MORE.match(clause):
            # "No FeNO, full lung function, or alpha-1 antitrypsin level": the list's last item is denied too
            # (a read summary listed the inherited deficiency a never-smoker had not been tested for)
            renamed.update(c.key for c in conditions_in(clause))
            continue
        if _NOW.search(clause) and not _PAST_MARK.search(_DAYS_AGO.sub(" ", clause)):
            # "Now day 5: worsening pleuritic pain": the illness now, no past condition (a read summary listed
            # pleurisy for a woman five days after a fall)
            renamed.update(c.key for c in conditions_in(clause))
            continue
        theirs = theirs or bool(_OUTBREAK.search(clause))
        if questions.NEGATIVE_RESULT.search(clause) or questions.STATUS_UNKNOWN.search(clause):
            renamed.update(c.key for c in conditions_in(clause))
            continue  # "HIV test they did, I think it is negative", "HIV status unknown"
        clause = questions.VACCINE_MENTIONS.sub(" ", clause)  # "had flu and COVID vaccines": no illness had
        clause = questions.without_workplaces(clause)  # "worked on a tuberculosis ward": no TB had
        if _ASKED_ONLY.search(clause) and not _RESULT_GIVEN.search(clause):
            renamed.update(c.key for c in conditions_in(clause))
            continue
        denied = denied_conditions(clause) + risked_conditions(clause)
        names = []
        for c in conditions_in(clause):
            dated = _PAST_MARK.search(_TREATED_AS.sub(" ", _DAYS_AGO.sub(" ", clause)))
            if c.key in current and not theirs and not dated:
                continue
            name = _history_name(c, clause) if c not in denied else ""
            if name != c.name:
                renamed.add(c.key)
            if name and _uncertain(c, clause):
                # "Atrial fibrillation? - not on blood thinners", "a 'spot' on the lung, maybe TB": a read
                # summary stated both as past conditions
                name = f"possibly {name}"
            if name:
                names.append(name)
        target = family if theirs else own
        target += [n for n in names if n not in target]
    # "spiculated mass ... urgent suspected lung cancer pathway" names it twice, once in doubt: said once, in
    # doubt (a read summary listed "a lung cancer ... and possibly a lung cancer")
    own = [n for n in own if f"possibly {n}" not in own]
    return own, [n for n in family if n not in own], renamed


#: A list of tests with one result at its end: "SARS-CoV-2 PCR, respiratory viral panel, sputum/blood cultures
#: negative" (a read summary listed COVID-19 as a past condition: the list is read piece by piece).
_NEGATIVE_LIST = re.compile(
    # the test's word before or after the comma: "HIV, hepatitis B and C screening negative" (a read summary
    # listed HIV infection for a nurse whose screen was negative)
    # "HIV, hepatitis B and C negative" and "screen (immunoglobulins, Aspergillus IgE, alpha-1 antitrypsin)
    # unremarkable" name the tests by what they test for (read summaries listed HIV and the deficiency)
    r"(?<![^.;\n])(?P<list>(?=[^.;\n]*\b(?:pcr|panels?|cultures?|tests?|swabs?|serology|antigens?|screen\w*|"
    r"hiv|hepatitis|igra|quantiferon|immunoglobulins?)\b)"
    r"[^.;\n]*,[^.;\n]*?)\s(?P<result>negative|normal|clear|unremarkable)(?=\s*(?:[.;\n]|$))",
    re.I,
)


def _spread_result(m: re.Match[str]) -> str:
    """Each item of a list of tests with the result said at its end, unless one item is positive."""
    items, result = m.group("list"), m.group("result")
    if re.search(r"\b(?:positive|detected|reactive|abnormal)\b|\+ve", items, re.I):
        return m.group(0)
    # each item read as a test ("alpha-1 antitrypsin) test unremarkable"), whatever it was named by
    return ", ".join(f"{item} test {result}" for item in items.split(","))


#: Words that make a past condition uncertain when said just before it ("maybe TB", "?AF", "possible asthma").
_UNSURE_BEFORE = re.compile(
    r"(?:\b(?:maybe|possibly|possible|probable|probably|perhaps|query|suspected|"
    r"(?:might|may) have (?:been|had))|\?)\s*(?:\w+\s+)?$",
    re.I,
)


def _uncertain(cond: Condition, clause: str) -> bool:
    """Whether every mention of ``cond`` in ``clause`` is said with doubt: a question mark just after it, or
    "maybe" just before it."""
    spelt = correct_spelling(clause)
    starts = mention_starts(cond, spelt)
    return bool(starts) and all(
        _UNSURE_BEFORE.search(spelt[max(0, s - 25) : s])
        or (re.match(r"[\w' -]{0,30}?\?", spelt[s:]) and not re.match(r"[\w' -]{0,30}?\?\w", spelt[s:]))
        for s in starts
    )


_SEXES = frozenset({"female", "male", "Female", "Male", "woman", "man"})


def _join(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def first_diagnosis_sentences(intake: IntakeRecord) -> list[DraftSentence]:
    """What the first diagnosis said, as structured facts (the reason is never pasted)."""
    dx = questions.diagnosis_label(intake)
    out = [
        "The first diagnosis, as reported by the patient, did not name a condition this opinion could "
        "identify, so the reviewing clinician is asked to confirm what the patient was told."
        if dx == questions.UNNAMED
        else f"The first diagnosis, as reported by the patient, was {dx}."
    ]
    if intake.reason_for_second_opinion.strip():
        out.append(
            "The patient's reasons for wanting a second opinion are summarised in the questions "
            "above rather than repeated here."
        )
    return [DraftSentence(text=t, origin="intake") for t in out]


def _content_words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOPWORDS}


_BULLET = re.compile(r"^\s*(?:[-*\u2022]|\d+[.)])\s+")
# A quotable sentence has a main verb; a notes-style line under a heading ("Contrast CT of
# the chest: size, lymph nodes, spread.", "A lung infection caught outside hospital.") does
# not. A verb right after "that/which/who" belongs to a relative clause and does not count.
_AUX = re.compile(
    r"\b(?:is|are|was|were|be|been|can|cannot|may|might|could|should|will|would|must|does|do|did|"
    r"has|have|had)\b|n't\b",
    re.IGNORECASE,
)
_IMPERATIVE = frozenset(
    ["call", "seek", "get", "go", "ask", "trust", "finish", "stop", "keep", "take", "tell", "use", "avoid"]
)
_NOT_SUBJECT = frozenset(
    """
    the a an of and or with in on from for by to at as into than that which who other several
    many some few most all two three any no small large such these those their
    its your his her our very more less
    """.split()  # noqa: SIM905
)
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'\-]*|[^\sA-Za-z]")


def _has_main_verb(sentence: str) -> bool:
    # a verb inside brackets is not the sentence's: "Bacterial pneumonia (shorter illness, responds to
    # ordinary antibiotics), lung cancer (can also cause cavities) ..." is a list, not a sentence
    sentence = re.sub(r"\([^)]*\)", " ", sentence)
    if _AUX.search(sentence):
        return True
    tokens = _TOKEN.findall(sentence)
    if tokens and tokens[0].lower() in _IMPERATIVE:
        return True
    for prev, word in itertools.pairwise(tokens):
        if (
            prev[0].isalpha()
            and prev.lower() not in _NOT_SUBJECT
            and len(word) > 3
            and word.islower()
            and (word.endswith("ed") or (word.endswith("s") and not word.endswith("ss")))
        ):
            return True
    return False


def quotable(sentence: str) -> bool:
    """Whether a sentence that opens a paragraph or list item stands on its own when quoted."""
    head = sentence.split(":", 1)[0] if ":" in sentence else ""
    return _has_main_verb(sentence) and not (head and not _has_main_verb(head) and len(head.split()) <= 8)


def _candidate_sentences(passage: CitedSource) -> list[str]:
    """Whole sentences, one list item or line at a time (a bullet never joins its neighbour)."""
    out = []
    for line in passage.text.splitlines():
        for i, sentence in enumerate(split_sentences(_BULLET.sub("", line)) if line.strip() else []):
            words = sentence.split()
            if (
                6 <= len(words) <= 45
                and sentence[-1:] in ".!"
                and words[0].lower().strip(",") not in _ANAPHORA
                and (i > 0 or quotable(sentence))
            ):
                out.append(sentence)
    return out


def pick_passage_facts(
    query: str,
    sources: Sequence[CitedSource],
    *,
    used: set[str] | None = None,
    limit: int = 1,
    scorer: SupportScorer | None = None,
    accept: Callable[[str, CitedSource], bool] | None = None,
) -> list[DraftSentence]:
    """Quote the passage sentences most relevant to ``query``, each cited ``[n]``.

    Relevance is the support scorer's similarity when one is given, else content-word
    overlap; sentences already ``used`` are skipped, and at most one sentence is taken
    from each passage.

    Args:
        query: What the section is about.
        sources: The numbered cited source documents.
        used: Source sentences already quoted in the draft; the picked ones are added.
        limit: How many facts to return.
        scorer: Optional similarity scorer.
        accept: Optional filter on (sentence, passage): fit to the case, relevance.

    Returns:
        ``passage`` sentences ending in their ``[n]`` marker, best first.
    """
    query_words = _content_words(query)
    pool = [
        (order, passage.number, sentence)
        for order, passage in enumerate(sources)
        for sentence in _candidate_sentences(passage)
        if (used is None or sentence not in used) and (accept is None or accept(sentence, passage))
    ]
    similarity = scorer.score_many(query, [c[2] for c in pool]) if scorer and pool else []
    best: dict[int, tuple[float, int, int, str]] = {}
    for i, (order, number, sentence) in enumerate(pool):
        overlap = len(query_words & _content_words(sentence)) / (len(query_words) or 1)
        score = overlap if scorer is None else similarity[i] + 0.1 * overlap
        if score > 0 and (number not in best or score > best[number][0]):
            best[number] = (score, -order, number, sentence)
    ranked = list(best.values())
    ranked.sort(reverse=True)
    out: list[DraftSentence] = []
    for _, _, number, sentence in ranked[:limit]:
        if used is not None:
            used.add(sentence)
        body = sentence.rstrip(".!")
        out.append(DraftSentence(text=f"{body} [{number}].", origin="passage", citations=[number]))
    return out
