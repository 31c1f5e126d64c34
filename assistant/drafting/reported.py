"""What an earlier imaging report says, as the intake describes it, in plain words.

Patients asked "what does my X-ray show?" and quoted their report ("perihilar peribronchial
thickening, no focal consolidation", "shadow and hole in top right lung"); read drafts answered
only that the project's models could not say, leaving the report they had unexplained. This module
reads the sentences of the intake that speak of imaging, finds the report's terms, and names them
in the project's own plain words, with what the report says is absent. The patient's sentences are
never pasted: each term maps to a fixed phrase, and the draft says this is the patient's account of
a report that was not uploaded, for the clinician to check against the report itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.drafting.conditions import denied_in_list, item_told
from assistant.drafting.risk_factors import found_factors
from assistant.intake import IntakeRecord

#: (report term, plain words, short name for "no ..."), in the order a report is read.
#: The short name a pleural effusion is listed by when a report says it is absent (read by ``answers``).
EFFUSION = "fluid around the lung"

TERMS: tuple[tuple[re.Pattern[str], str, str], ...] = tuple(
    (re.compile(pattern, re.I), plain, short)
    for pattern, plain, short in (
        (r"\bconsolidat\w*|\blobar pneumonia\b|\bround pneumonia\b",
         "a dense patch where the air spaces are filled, usually by infection (consolidation)",
         "consolidation"),
        (r"\bcollapse\b|\batelecta\w*|\bvolume loss\b",
         "part of the lung not fully inflated (collapse)", "collapse"),
        # "Calcified pleural plaques on the left" (a read summary left them out of a shipyard lagger's report)
        (r"\bpleural plaques?\b|\bcalcified plaques?\b",
         "patches of thickened lung lining from past asbestos exposure (pleural plaques)", "pleural plaques"),
        (r"\beffusions?\b|\bpleural (?:fluid|collection)\b|"
         # "a cavity with fluid in the right lung" is the fluid inside an abscess, not around the lung
         r"(?<!cavity with )(?<!abscess with )(?<!pocket with )\bfluid (?:at|around|on|in) (?:the |both )?"
         r"(?:(?:right|left) )?(?:lungs?|bases?|chest|sides?)\b",
         "fluid around the lung (a pleural effusion)", EFFUSION),
        # not "a hole in the heart" (a read summary gave a baby with a ventricular septal defect a cavity)
        (r"\bcavit\w*|\bholes?\b(?!\s+(?:in|between)\s+(?:[\w-]+\s+){0,2}(?:heart|chambers?|ventricles?|atria))",
         "a hollow area inside a shadow (a cavity)", "cavity"),
        # not "a bit of collapsed lung at the bottom", part of a lung not inflated
        (r"\bpneumothorax\b|(?<!bit of )(?<!part of )(?<!area of )(?<!some )(?<!partly )(?<!partially )"
         r"\bcollapsed lung\b(?! (?:at|in|near|towards) the (?:bottom|base|lower|back))",
         "air between the lung and the chest wall (a pneumothorax)",
         "pneumothorax"),
        # not a lump of another organ: "a 'fatty lump' on my right kidney", "kidney lump" (a read summary said
        # the report mentions a mass on the right of a woman's chest)
        (r"(?<!kidney )(?<!renal )(?<!liver )(?<!breast )(?<!adrenal )(?<!thyroid )(?<!neck )"
         r"(?:\bmass\b(?! index)|\blump\b|\btumou?r\b)"
         r"(?![^.;]{0,20}\b(?:on|in|of) (?:my |his |her |the |their |a )?(?:right |left )?(?:kidneys?|liver|"
         r"adrenals?|breasts?|thyroid|neck|ovar\w*|womb|bowel|skin|arm|leg|back|scalp)\b)",
         "a mass", "mass"),
        # "Persistent 8 mm pure ground-glass nodule": one hazy round spot, a nodule (a read summary said the
        # CT found hazy areas and no nodule)
        (r"\b(?<!centrilobular )(?:(?:pure|part[- ]solid|mixed|non-?solid|subsolid) )?"
         r"ground[- ]glass nodule\b(?!s)",
         "a hazy round spot (a ground-glass nodule)", "nodule"),
        # "centrilobular ground-glass nodules" are the tiny nodules of an inflammation, not a nodule (a read
        # summary of hypersensitivity pneumonitis gave "a small round shadow")
        (r"\b(?<!centrilobular )(?<!ground-glass )(?<!ground glass )(?<!tree-in-bud )nodul\w*|"
         r"\bcoin lesion\b",
         "a small round shadow (a nodule)", "nodule"),
        (r"\bspiculat\w*", "an irregular, spiky edge", ""),
        (r"\bcardiomegaly\b|\b(?:enlarged|big|large) heart\b|\bheart (?:is |looks )?(?:enlarged|big)\b",
         "a large heart shadow", "enlarged heart"),
        (r"\bhyperinflat\w*|\bover-?inflat\w*|\bair trapping\b",
         "over-inflated lungs or trapped air", "over-inflation"),
        # "upper lobe venous diversion, perihilar haze": fluid congestion from the heart (a read summary
        # called it the thickened airway walls of a viral infection)
        (r"\b(?:upper lobe )?(?:venous|vascular|blood) (?:diversion|congestion|redistribution)\b|"
         r"\bperihilar (?:haze|haziness|shadowing|opacit\w*|oedema|edema)\b|\bkerley\b|\bbat'?s?[- ]wing\b|"
         r"\b(?:interstitial|pulmonary|alveolar) (?:o)?edema\b|\bfluid overload\b",
         "signs of fluid congestion in the lungs, as when the heart is not pumping well (pulmonary oedema)",
         "congestion"),
        # "Tramline shadowing both lower zones consistent with known bronchiectasis" (a read summary called it
        # the thickened airway walls of a viral infection)
        (r"\btram-?lines?\b|\bbronchiectas\w*", "widened, thick-walled airways (bronchiectasis)",
         "bronchiectasis"),
        (r"\bperibronchial\b|\bbronchial wall thickening\b|"
         r"\bperihilar (?:changes|markings|thickening|streak\w*)\b",
         "thickened airway walls near the roots of the lungs, a pattern common with viral infections", ""),
        # "subtle bilateral perihilar interstitial prominence", "interstitial shadowing" (read drafts answered
        # "what does my X-ray show?" with no word on a report the intake quoted)
        (r"\binterstitial (?:prominence|markings?|shadow\w*|changes?|pattern|thickening|opacit\w*)\b|"
         r"\bprominent interstitial markings\b",
         "more visible fine lines in the lung tissue (interstitial markings, seen with infection, fluid, "
         "inflammation or scarring, and sometimes only with how the film was taken)", ""),
        (r"\bhoneycomb\w*|\breticul\w*|\bfibros\w*|\bscarring\b|\bu\.?i\.?p\.?\b",
         "fine net-like scarring (fibrosis)", "fibrosis"),
        (r"\bground[- ]glass\b(?! nodule\b(?!s))",
         "hazy areas that do not hide the vessels (ground-glass)", ""),
        # "Moderate pneumomediastinum extending into the neck", "Multiple round thin-walled cysts ... in both
        # lungs": read drafts left both to the clinician to explain, the cysts being the finding that mattered
        (r"\bpneumomediastinum\b", "air in the middle of the chest around the heart (pneumomediastinum)", ""),
        (r"(?<!renal )(?<!kidney )(?<!liver )(?<!hepatic )(?<!ovarian )(?<!breast )(?<!thyroid )(?<!simple )"
         r"(?:\b(?:thin-walled |air-filled |lung )?cysts?\b|\bcystic (?:change|lung|spaces?|lesions?)\b)"
         r"(?![^.;]{0,20}\b(?:on|in|of) (?:my |his |her |the |their |a )?(?:right |left )?(?:kidneys?|liver|"
         r"ovar\w*|breasts?|thyroid|pancreas|brain)\b)",
         "thin-walled air spaces in the lung (cysts)", ""),
        # "cervical subcutaneous emphysema": air under the skin of the neck, not damaged air sacs (a read
        # draft told a young man with air around the heart that his X-ray mentioned emphysema)
        (r"\b(?:subcutaneous|surgical) emphysema\b", "air under the skin (surgical emphysema)", ""),
        (r"(?<!subcutaneous )(?<!surgical )(?<!mediastinal )(?<!interstitial )\bemphysema\b",
         "emphysema (damaged air sacs)", ""),
        # "a perifissural nodule, typical of an intrapulmonary lymph node" is the nodule's nature, not
        # enlarged glands (a read summary said so beside a CT that said "No lymphadenopathy") "Widening of the
        # superior mediastinum ... likely normal thymus (sail sign)" (a read draft left the report's key
        # phrase out for the mother of a 4-month-old)
        (r"\bthymus\b|\bthymic (?:shadow|tissue|sail)\b|\bsail sign\b",
         "the thymus, a gland that is normal in a young child and can widen the shadow in the middle of the "
         "chest", ""),
        # "likely normal thymus gland" is no lymph gland (a read summary told a mother of a 4-month-old the
        # report mentioned enlarged glands)
        (r"\b(?<!intrapulmonary )(?<!thymus )(?<!thymic )(?<!normal )(?<!thyroid )(?<!salivary )"
         r"(?<!adrenal )(?<!sweat )(?:lymph nodes?|glands?|lymphadenopathy)\b",
         "enlarged glands (lymph nodes)", "enlarged glands"),
        (r"\bhaz(?:y|iness)\b|\bshadow\w*|\bopacit\w*|\binfiltrat\w*|\bpatch(?:y|es)?\b",
         "shadowing on the film", ""),
    )
)  # fmt: skip
_IMAGING = re.compile(
    r"\b(?:x-?rays?|xrays?|cxr|films?|ct|scans?|hrct|ultrasound|report\w*|radiolog\w*|imaging)\b", re.I
)
_NEGATED = re.compile(r"\b(?:no|not|nil|without|nothing|excluded|ruled out)\b[^.;:]{0,30}$", re.I)


def _denied(before: str, after: str) -> bool:
    """Whether the report sentence's text either side of a finding denies it, directly or through a list
    (:func:`~assistant.drafting.conditions.denied_in_list`); an item with its own size or side is told."""
    if item_told(before):
        return False
    return bool(_NEGATED.search(before)) or denied_in_list(before, after)


#: "No new nodules", "no further effusion": nothing more than what the report has already described (a read
#: summary told a woman with an 8 mm nodule under surveillance that her CT found no nodule).
_NONE_NEW = re.compile(
    r"\b(?:no|nil|without)\s+(?:new|further|other|additional|more)\s+(?:[\w-]+\s+)?$", re.I
)


#: A finding said to be gone: "Effusion resolved.", "the consolidation has cleared" (a read summary told a
#: woman her discharge film showed fluid).
_GONE_AFTER = re.compile(
    r"^\s*(?:has |have |had |is |are |now |since |completely |fully |largely |almost )*"
    r"(?:resolved|cleared|gone|disappeared|no longer (?:seen|present|visible))\b",
    re.I,
)


_WHERE = re.compile(
    r"\b(right|left|both)[- ](?:sided )?(?:lung )?(upper|middle|lower|mid)?[- ]?"
    # "right mid and lower zones" (a read summary placed the shadowing only at "the left base", the report's
    # other, lesser finding)
    r"(?:(?:and|&|/|to) (upper|middle|lower|mid)[- ]?)?"
    r"(lobes?|zones?|lungs?|bases?|sides?|apex)\b|"
    r"\b(?:top|bottom|base)(?: of)?(?: the)? (right|left) lung\b",
    re.I,
)  # fmt: skip
#: A sentence; a radiologist's "?infection" (a query, not a question) does not end one.
_SENTENCE = re.compile(r"(?:[^.!?\n]|\?(?=\w))+[.!?]*")
#: A sentence that is no report: a fear, a question, something read, another person's film.
_NOT_A_REPORT = re.compile(
    r"\?(?!\w)|\b(?:could|might|if|whether|worried|afraid|scared|fear\w*|read|googl\w*|online|friend|"
    r"neighbou?r|brother|sister|mum|dad|husband|wife|cousin|colleague)\b",
    re.I,
)


def _where(text: str, seen: set[tuple[str, str]]) -> list[str]:
    """The places a report sentence names, each with its preposition ("in the right lower zone",
    "on the left"), one per side and level."""
    out: list[str] = []
    for m in _WHERE.finditer(text):
        if m.group(5):
            side, level = m.group(5).lower(), "upper" if m.group(0).lower().startswith("top") else "lower"
            place = f"in the {level} part of the {side} lung"
        else:
            side, level, part = m.group(1).lower(), (m.group(2) or "").lower(), m.group(4).lower()
            level = "middle" if level == "mid" else level
            second = {"mid": "middle"}.get((m.group(3) or "").lower(), (m.group(3) or "").lower())
            part = {"lobes": "lobe", "zones": "zone", "lungs": "lung", "sides": "side", "bases": "base"}.get(
                part, part
            )
            if side == "both":
                # "both lower lobes" (a read summary said "in both lobes")
                both = f"{level} {part}" if level else part
                place = "on both sides" if part in ("lung", "side") and not level else f"in both {both}s"
            elif part == "side" or (part == "lung" and not level):
                place = f"on the {side}"
            elif level and second and second != level:
                place = f"in the {side} {level} and {second} {part}s"
            else:
                place = f"in the {side} {level + ' ' if level else ''}{part}"
        if (side, level) not in seen:
            seen.add((side, level))
            out.append(place)
    return out


def reported_normal(intake: IntakeRecord) -> bool:
    """Whether the intake describes an earlier chest X-ray as read normal (the risk-factor table's
    ``normal_xray`` fact, with its denials: a visa film, one from years ago) and names no finding."""
    present, _, _, _, queried = _read_reports(intake)
    if present or queried:
        return False
    return any(f.factor.key == "normal_xray" for f in found_factors(intake))


def reported_findings(intake: IntakeRecord) -> tuple[list[str], list[str], list[str]]:
    """(present, absent, where): the report's findings in plain words, those it says are absent,
    and the places it names, from the intake's sentences about imaging."""
    present, absent, where, _, _ = _read_reports(intake)
    return present, absent, where


#: Words after a denied finding that say it could not be judged: "No obvious lung mass, though assessment
#: limited by effusion" (a read summary said "no mass" to a man with a new effusion and asbestos plaques).
_HEDGED = re.compile(
    # "No ... separate lung mass identified, although underlying consolidation limits assessment"
    r"^(?:[^.;]{0,25}\b(?:though|although|but|however)\b[^.;]{0,40}|[^.;]{0,20}\b(?:though|although|but|however)?\b"
    r"[^.;]{0,15})\b"
    r"(?:limited|limits|limiting|obscured|obscures?|cannot (?:be )?exclud\w*|can'?t (?:be )?exclud\w*|"
    r"not (?:be )?excluded|difficult to assess|hard to assess)\b",
    re.I,
)
#: A finding this film could not show: "the known nodule is not clearly seen on plain film".
_NOT_SEEN_AFTER = re.compile(
    r"^\s*(?:[\w-]+\s+){0,3}?(?:is|was|are|were) not (?:clearly |well |definitely |readily |easily )?"
    r"(?:seen|visible|identified|shown|demonstrated|appreciated)\b",
    re.I,
)
#: A finding queried, not found: "?mediastinal mass", "query consolidation", "possible effusion", "cannot
#: exclude a small effusion".
_QUERIED = re.compile(
    r"(?:\?\s*|\b(?:query|queried|possible|possibly|\?|"
    r"(?:cannot|can ?not|can'?t|unable to) (?:entirely |completely |fully |confidently )?"
    r"(?:exclude|rule out))"
    # "Possible thin right apical pneumothorax" (a read summary said the report mentions a pneumothorax)
    r"\s+)(?:[\w-]+\s+){0,3}$",
    re.I,
)
#: The same said after it: "a small haemothorax cannot be excluded", "effusion not excluded" (a read summary
#: said the report mentions fluid around the lung).
_QUERIED_AFTER = re.compile(
    r"^\s*(?:[\w-]+\s+){0,2}?"
    # "An underlying mass lesion cannot be entirely excluded" (a read summary said the report mentions a mass)
    r"(?:(?:cannot|can ?not|can'?t|could not|is not|not) (?:be )?"
    r"(?:entirely |completely |fully |confidently )?(?:excluded|ruled out))\b",
    re.I,
)
#: "Borderline cardiomegaly", "heart size at the upper limit of normal": no large heart (a read summary said
#: so).
_BORDERLINE = re.compile(r"\b(?:borderline|upper limit of normal|top (?:end )?of normal)\s+$", re.I)
#: Congestion named only by its earliest sign: "upper lobe blood diversion", no oedema said.
_EARLY_CONGESTION = re.compile(r"\b(?:venous|vascular|blood) (?:diversion|redistribution)\b", re.I)
_OEDEMA = re.compile(r"\bo?edema\b|\bkerley\b|\bbat'?s?[- ]?wing\b|\bfluid overload\b|\bperihilar\b", re.I)
#: More than one nodule: "multiple small nodules", "bilateral nodular opacities".
_SEVERAL_NODULES = re.compile(
    r"\bnodules\b|\bnodularity\b|\b(?:multiple|numerous|innumerable|several|many|bilateral|scattered)\b", re.I
)
_SEVERAL_NODULES_PLAIN = "several small round shadows (nodules)"
#: A side said just before a finding, with no lobe or zone: "Small left effusion", "bilateral effusions".
_BARE_SIDE = re.compile(r"\b(right|left|bilateral|both)\b", re.I)
_BRONCHIECTASIS = "widened, thick-walled airways (bronchiectasis)"
_VIRAL_WALLS = "thickened airway walls near the roots of the lungs, a pattern common with viral infections"
#: The one finding with no side: "fluid at the bottom of both lungs and a big heart" placed the heart on both.
_HEART = "a large heart shadow"
_BORDERLINE_HEART = "a heart shadow at the upper limit of normal size (borderline)"
_EARLY_CONGESTION_PLAIN = (
    "early signs of fluid congestion in the lungs, as when the heart is under strain "
    "(upper lobe blood diversion)"
)

#: A term's plain words as its sentence qualifies them, keyed by the term's short name: (short, whether the
#: words before the term, the term itself and its sentence qualify it, the plain words then).
_QUALIFIERS: tuple[tuple[str, Callable[[str, str, str], bool], str], ...] = (
    # "Multiple small centrilobular nodules" (read summaries said "a small round shadow")
    ("nodule", lambda before, term, _: bool(_SEVERAL_NODULES.search(before + term)), _SEVERAL_NODULES_PLAIN),
    ("enlarged heart", lambda before, _, __: bool(_BORDERLINE.search(before)), _BORDERLINE_HEART),
    (
        "congestion",
        lambda _, term, sentence: bool(_EARLY_CONGESTION.search(term)) and not _OEDEMA.search(sentence),
        _EARLY_CONGESTION_PLAIN,
    ),
)


def _qualified(short: str, plain: str, before: str, term: str, sentence: str) -> str:
    """The plain words for a term found in a report sentence, as the sentence qualifies it."""
    for key, applies, words in _QUALIFIERS:
        if key == short and applies(before, term, sentence):
            return words
    return plain


def _read_reports(
    intake: IntakeRecord,
) -> tuple[list[str], list[str], list[str], dict[str, list[str]], list[str]]:
    """:func:`reported_findings`, with the places of the findings a sentence names alone ("Small left
    effusion." after "Right lower zone consolidation.": a read summary put the fluid in the right lower
    zone)."""
    present: list[str] = []
    absent: list[str] = []
    where: list[str] = []
    placed: dict[str, list[str]] = {}
    hedged: set[str] = set()
    queried: list[str] = []
    gone: set[str] = set()
    seen: set[tuple[str, str]] = set()
    for text in (intake.prior_imaging, intake.reason_for_second_opinion):
        # the imaging field is all report once it names a scan: "CT chest: 'No rib fracture. 52 x 41 mm
        # spiculated mass ...'" (a read summary dropped the mass, whose sentence names no scan)
        whole_report = text is intake.prior_imaging and bool(_IMAGING.search(text))
        for sentence in _SENTENCE.findall(text):
            if not (whole_report or _IMAGING.search(sentence)) or _NOT_A_REPORT.search(sentence):
                continue
            found = False
            named: list[str] = []
            for pattern, plain, short in TERMS:
                if short == "nodule" and _large(sentence):
                    # a "nodule" of 3 cm or more is a mass (a read summary called a 52 mm lesion a small
                    # round shadow)
                    plain, short = "a mass", "mass"
                for m in pattern.finditer(sentence):
                    before = sentence[max(0, m.start() - 30) : m.start()]
                    plain = _qualified(short, plain, before, m.group(0), sentence)
                    if _NONE_NEW.search(before):
                        continue  # "No new nodules": says nothing of the one the report has just described
                    if _GONE_AFTER.match(sentence[m.end() :]):
                        gone.add(plain)  # "Effusion resolved." on a later film: no longer there
                    elif _NOT_SEEN_AFTER.match(sentence[m.end() :]):
                        # "the known nodule is not clearly seen on plain film": this film could not show it,
                        # which neither finds it nor rules it out (a read summary said the X-ray mentioned the
                        # nodule)
                        hedged.add(short)
                    elif _QUERIED.search(before) or _QUERIED_AFTER.search(sentence[m.end() : m.end() + 40]):
                        # "?unfolded aorta ?thoracic aortic aneurysm ?mediastinal mass": one possibility of
                        # several, not a finding (a read summary told a frightened man "it mentions a mass")
                        if plain not in queried:
                            queried.append(plain)
                    elif _denied(sentence[: m.start()], sentence[m.end() :]) and _HEDGED.search(
                        sentence[m.end() :]
                    ):
                        hedged.add(short)  # "No obvious lung mass, though assessment limited by effusion"
                    elif _denied(sentence[: m.start()], sentence[m.end() :]):
                        if short and short not in absent:
                            absent.append(short)
                    else:
                        found = True
                        named.append(plain)
                        if plain not in present:
                            present.append(plain)
                    break
            if found:
                places = _where(sentence, seen) if named != [_HEART] else []
                if not places and len(named) == 1 and named[0] != _HEART and not _WHERE.search(sentence):
                    side = _BARE_SIDE.search(sentence)
                    if side:
                        word = side.group(1).lower()
                        places = ["on both sides" if word in ("bilateral", "both") else f"on the {word}"]
                if len(named) == 1 and places and named[0] not in placed:
                    placed[named[0]] = places
                else:
                    where += places
    present = [p for p in present if p not in gone]
    absent = [a for a in absent if not any(a in p for p in present) and a not in hedged]
    if "a mass" in present:
        present = [p for p in present if p not in ("a small round shadow (a nodule)", _SEVERAL_NODULES_PLAIN)]
    if _BRONCHIECTASIS in present:
        # thick airway walls beside bronchiectasis are its own, not a viral pattern; a tramline is no
        # shadowing
        present = [p for p in present if p not in (_VIRAL_WALLS, "shadowing on the film")]
    where += [
        w for plain, places in placed.items() if plain not in present and plain not in gone for w in places
    ]
    placed = {plain: places for plain, places in placed.items() if plain in present}
    said = {w for places in placed.values() for w in places}
    queried = [q for q in queried if q not in present]
    return present, absent, list(dict.fromkeys(w for w in where if w not in said)), placed, queried


_SIZE = re.compile(r"\b(\d+(?:\.\d+)?)\s*(?:x\s*\d+(?:\.\d+)?\s*)?(mm|cm)\b", re.I)


def _large(sentence: str) -> bool:
    """Whether the sentence gives a size of 3 cm (30 mm) or more."""
    return any(float(n) * (10 if unit.lower() == "cm" else 1) >= 30 for n, unit in _SIZE.findall(sentence))


#: Where one report of several begins in the imaging field: "CT pulmonary angiogram (8 days ago): '...'",
#: "Chest X-ray on admission: '...'" (a read draft gave a CT's effusions and big heart to the clear X-ray).
_REPORT_HEAD = re.compile(
    # "Post-biopsy chest X-ray (day 0, 4 hours): '...'" (a read summary gave its pneumothorax to the CT before
    # it)
    r"(?:^|(?<=[.'\"\u2019\u201d;]\s))(?P<head>(?:(?:chest|repeat|follow-up|admission|earlier|previous|"
    r"high-resolution|hr|low-dose|post-?[a-z]+|pre-?[a-z]+|portable|baseline|initial|latest|discharge)\s+)*"
    r"(?:x-?rays?|xrays?|cxr|ct(?:pa)?|hrct|ct pulmonary angiogram|ultrasound|"
    r"echo\w*|mri|pet(?:-ct)?|scan)\b[^:'\"\n;.]{0,60}):",
    re.I,
)
_READ_NORMAL = re.compile(r"\b(?:normal|clear|unremarkable|nothing (?:abnormal|acute))\b", re.I)
#: Words of a report that say something is not normal, whatever else it calls normal.
_NOT_NORMAL = re.compile(
    r"\b(?:dilat\w*|enlarg\w*|raised|elevated|reduced|impaired|abnormal\w*|severe\w*|moderate\w*|mild\w*|"
    r"prolaps\w*|compress\w*|strain|hypertroph\w*|thicken\w*|narrow\w*|defects?|regurgita\w*|stenos\w*|"
    r"depress\w*|deform\w*|displac\w*|haller|pasp|tapse \d|(?:pressure|index) (?:of )?\d)\b",
    re.I,
)


def _report_chunks(text: str) -> list[tuple[str, str]]:
    """The imaging field as (heading, report) pairs when it holds two or more headed reports, else []."""
    heads = list(_REPORT_HEAD.finditer(text))
    # two headed reports from the start; a finding told before the first heading ("CT abdomen (kidney stones)
    # showed lung base mass; CT chest: ...") keeps the reports read together
    if len(heads) < 2 or text[: heads[0].start()].strip():
        return []
    ends = [m.start() for m in heads[1:]] + [len(text)]
    return [
        (" ".join(m.group("head").split()), text[m.start() : end]) for m, end in zip(heads, ends, strict=True)
    ]


def _each_report(intake: IntakeRecord, chunks: list[tuple[str, str]]) -> str:
    """Two or more reports, each with its own findings, said apart."""
    parts = []
    seen: set[str] = set()
    for head, body in chunks:
        one = intake.model_copy(update={"prior_imaging": body, "reason_for_second_opinion": ""})
        present, absent, where, placed, queried = _read_reports(one)
        seen.update(present)
        said = _findings_said(present, absent, where, placed, queried)
        name = head[0].lower() + head[1:] if not head[:3].isupper() else head
        if said:
            parts.append(f"the report of the {name} mentions {said}")
        elif _NOT_NORMAL.search(body):
            # "Dilated RV, PASP 52 mmHg", "Haller index 4.1": findings the table has no plain words for, which
            # a read draft called normal because the report also said "good biventricular function"
            parts.append(
                f"the report of the {name} describes findings for the reviewing clinician to explain"
            )
        elif _READ_NORMAL.search(body):
            parts.append(
                f"the report of the {name} reads as normal"
                + (f", with no {_join(absent, 'or')}" if absent else "")
            )
    if not parts:
        return ""
    # what the story tells of a report beyond the reports quoted ("the X-ray showed fluid")
    present, _, where, placed, _ = _read_reports(intake.model_copy(update={"prior_imaging": ""}))
    more = [p for p in present if p not in seen]
    told = _findings_said(
        more, [], where if not placed else [], {p: placed[p] for p in more if p in placed}, []
    )
    if told:
        parts.append(f"the story also mentions {told}")
    return (
        f"As the intake describes the earlier reports, {'; '.join(parts)}; the reports themselves were not "
        "uploaded, so this is the patient's account, which the reviewing clinician checks against them."
    )


def _findings_said(
    present: list[str], absent: list[str], where: list[str], placed: dict[str, list[str]], queried: list[str]
) -> str:
    """A report's findings as one phrase: what it mentions and where, what it says is absent, what it
    queries."""
    if not present:
        return ""
    unplaced = [p for p in present if p not in placed]
    parts = (
        [
            _join(unplaced)
            + (f", {_join(where[:3])}," if where and placed else f", {_join(where[:3])}" if where else "")
        ]
        if unplaced
        else []
    )
    # "a patch and a collapse, in the left lower lobe," joined in a list of three keeps one comma
    said = _join(parts + [f"{p} {_join(placed[p])}" for p in present if p in placed]).replace(",,", ",")
    if absent:
        said += f", and no {_join(absent, 'or')}"
    if queried:
        said += f", and raises the possibility of {_join(queried, 'or')} without saying it is there"
    return said


def reported_sentence(intake: IntakeRecord) -> str:
    """The earlier report's findings as the intake describes them, or "" when it names none; two or more
    headed reports are said apart."""
    chunks = _report_chunks(intake.prior_imaging)
    if chunks:
        each = _each_report(intake, chunks)
        if each:
            return each
    present, absent, where, placed, queried = _read_reports(intake)
    if not present and queried:
        return (
            "As the intake describes the earlier imaging report, it raises the possibility of "
            f"{_join(queried, 'or')} without saying it is there; the report itself was not uploaded, "
            "so this is the patient's account, which the reviewing clinician checks against it."
        )
    if not present and reported_normal(intake):
        # "Is my X-ray ok?" after a film read as normal was answered only with "this analysis cannot say"
        return (
            "As the intake describes the earlier imaging report, it was read as normal"
            + (f", with no {_join(absent, 'or')}" if absent else "")
            + "; the report itself was not uploaded, so this is the patient's account, which the reviewing "
            "clinician checks against it, and a normal chest X-ray does not by itself rule out every cause "
            "of the symptoms."
        )
    said = _findings_said(present, absent, where, placed, queried)
    if not said:
        return ""
    return (
        f"As the intake describes the earlier imaging report, it mentions {said}; the report itself was "
        "not uploaded, so this is the patient's account, which the reviewing clinician checks against it."
    )


def _join(items: list[str], last: str = "and") -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {last} " + items[-1]
