"""Signs in the intake that call for a doctor to see the patient today.

Not the emergencies the triage catches (crushing chest pain, blue lips), but the signs that the
guidelines a reviewing clinician works to (NICE NG9 for bronchiolitis, the British Thoracic
Society's for pneumonia and oxygen) treat as reasons for a same-day assessment: a baby's chest
drawing in, feeds at half or less with fewer wet nappies, pauses in a baby's breathing, an oxygen
reading below the usual range, a resting pulse of 110 or more in an adult, new confusion with an
infection in an older person, and a painful or swollen calf with breathlessness or chest pain.

Read drafts listed these very signs as general warnings ("the skin sucking in under the ribs ...
are reasons to go to A&E") to parents who had just described them, and never said they were
present now. The draft now says so first, in plain words, for the setting the intake describes.
Only what is happening now counts: a symptom that is over, long-standing or dated by another
(:func:`assistant.drafting.guardrails.symptoms_now`) and readings told of the past ("his oxygen was
94 in A&E") are left to the clinician.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.drafting.conditions import DENIED_BEFORE
from assistant.drafting.medicines import (
    MACROLIDES,
    QUINOLONES,
    TB_MEDICINE_NAMES,
    ended,
    listed_medicines,
    treats_a_clot,
)
from assistant.drafting.readings import OFF_OXYGEN, OXYGEN
from assistant.drafting.setting import care_setting, formal_plan, in_hospital, wish_to_avoid_hospital
from assistant.intake import IntakeRecord

_RECESSION = re.compile(
    r"\b(?:suck\w* in|pull\w* in|draw\w* in|caving in|sinking in)\b[^.;]{0,30}\b(?:ribs?|chest|tummy|neck)\b|"
    r"\b(?:tummy|chest|ribs?|skin)\b[^.;]{0,20}\b(?:suck\w* in|pull\w* in|draw\w* in|caving in)\b|"
    r"\b(?:recession|indrawing|grunt\w*|head bobbing|nostrils? flar\w*|flaring nostrils?)\b",
    re.I,
)
_FEEDS = re.compile(
    r"\b(?:half|less than half|a third|third)\b[^.;]{0,25}\b(?:feeds?|bottles?|milk|usual|normal)\b|"
    r"\bfewer wet nappies\b|\b(?:no|only (?:one|two|three|1|2|3)|(?:one|two|three|1|2|3)) wet nappies?\b|"
    r"\b(?:not|refusing|refuses|won'?t) (?:feed\w*|take (?:her|his|the) (?:bottle|feeds?))\b",
    re.I,
)
_NAPPIES = re.compile(
    r"\b(?:wet )?nappies\b|\bnappy\b|\bdiapers?\b|\bwees?\b|\bpassing (?:less )?urine\b", re.I
)
#: Something read, heard or feared rather than seen: "I read on the internet babies with RSV can stop
#: breathing in sleep", "I'm scared she'll stop breathing".
_HEARSAY = re.compile(
    r"\b(?:read|internet|online|google\w*|heard|afraid|scared|frighten\w*|worr\w*|fear\w*|in case|what if|"
    # "im terrified she'll stop breathing in the night" (a read draft told a mother whose baby was sent home
    # that morning to call 999 for "pauses in breathing")
    r"terrif\w*|petrified|panick\w*|dread\w*|"
    r"(?:can|could|might|may|will|would) (?:\w+ )?stop)\b|'ll (?:\w+ )?stop\b",
    re.I,
)
_PAUSES = re.compile(
    r"\b(?:paus\w*|stops?|stopping|stopped|gaps?) (?:in )?(?:his |her |their |the )?breath\w*|\bapno?eas?\b",
    re.I,
)
#: Within the last day: "once, last night" (a pause in a baby's breathing told as over is still this
#: illness's).
_LAST_DAY = re.compile(
    r"\b(?:last night|yesterday|today|tonight|overnight|this (?:morning|afternoon|evening)|hours? ago|"
    r"an hour ago)\b",
    re.I,
)


#: What falls when a child is worse: a baby's feeds and nappies, an older child's drinking (a read draft gave
#: a 9-year-old with sickle cell disease "far fewer wet nappies").
_INTAKE_FALLS = "feeding drops further or there are far fewer wet nappies"
_DRINKING_FALLS = "drinking drops off or much less urine is passed"


def _recent_pause(intake: IntakeRecord) -> bool:
    """Whether a pause in the baby's breathing in the last day is told, in the symptom list or the story, even
    as a single episode that is over: "one pause in breathing for a few seconds, then coughed", "once, last
    night" (a read draft of a 9-week-old with RSV left it out, as a brief past episode, and said "today")."""
    listed = any(
        _PAUSES.search(s.description) and _LAST_DAY.search(f"{s.description} {s.duration} {s.onset}")
        for s in intake.symptoms
    )
    told = re.split(r"(?<=[.!?;\n])\s+", intake.reason_for_second_opinion)
    return listed or any(
        _PAUSES.search(s) and _LAST_DAY.search(s) and "?" not in s and not _HEARSAY.search(s) for s in told
    )


#: A baby going blue, grey or floppy (after a coughing fit, say): cyanosis or an apnoea.
_BLUE_OR_FLOPPY = re.compile(
    # "lips going dusky/grey during a fit", "his lips went a bit dusky" (a read draft of a 6-week-old with
    # whooping cough made the emergency advice conditional)
    r"\b(?:went|goes|go|going|turned|turns|turning|gone)\s+(?:all\s+)?(?:\w+\s+(?:and|then)\s+)?"
    r"(?:a (?:bit|little) |slightly |kind of |sort of )?(?:dusky\s*/\s*|dusky (?:and|or) )?"
    r"(?:floppy|limp|blue|grey|gray|dusky|purpl\w*)\b|"
    r"\b(?:blue|purpl\w*|grey|gray)(?:[- ]?ish)?(?:\s+colou?r)?\s+(?:a)?round\s+(?:the\s+|her\s+|his\s+)?"
    r"(?:lips|mouth)\b|\b(?:blue|purple|grey|gray)\s+lips\b|"
    # "she looks grey and floppy", a symptom told as "grey, floppy, wants to sit up" (a read draft of a
    # 4-year-old with croup turning into a bacterial infection of the windpipe gave no emergency advice)
    r"\b(?:looks?|looking|looked|is|was|seems?|seemed|very|so|all|gone)\s+(?:\w+\s+)?"
    r"(?:grey|gray|ashen|mottled|floppy|limp)\b(?!\s+(?:hair|jumper|top|coat|t-?shirt))|"
    r"^\s*(?:grey|gray|ashen|mottled|floppy|limp)\b",
    re.I,
)
#: Noisy breathing in heard even at rest in a child (croup with stridor at rest is moderate or worse, assessed
#: in hospital): "the squeaky noise is there all the time now even when she's sitting still".
_STRIDOR_AT_REST = re.compile(
    r"\b(?:stridor|noisy breathing in|squeak\w* (?:noisy )?(?:noise|breathing)|(?:squeaky |whistling |"
    r"crowing )?noise (?:when|as) (?:she|he|they) breathes? in)\b[^.;]{0,60}\b(?:all the time|at rest|"
    r"even (?:when )?(?:she'?s |he'?s |they'?re )?(?:sitting|resting|sat|asleep|still|lying|watching)|"
    r"sitting still|constant\w*|non-?stop)\b|"
    r"\bstridor at rest\b",
    re.I,
)
STRIDOR_SIGN = "noisy breathing in (stridor) even at rest"
RECESSION_SIGN = "the chest or tummy drawing in with each breath"
_EXERTION = re.compile(
    r"\b(?:walk\w*|stairs|flights?|uphill|hills?|exert\w*|moving|climb\w*|exercis\w*|on effort|running)\b",
    re.I,
)
#: A reading told of the past: "his oxygen was 94 in A&E", "they sent me home when it was 94".
#: Where a past reading was taken: "in A&E", "when admitted", "they sent me home".
_ELSEWHERE_WORDS = (
    r"in a&e|at the hospital|in hospital|when admitted|on admission|sent (?:me|him|her|us) home"
)
_ELSEWHERE = re.compile(rf"\b(?:{_ELSEWHERE_WORDS})\b", re.I)
_PAST_READING = re.compile(
    rf"\b(?:was|were|went|dipped|dropped|had been|checked|did|{_ELSEWHERE_WORDS})\b|"
    # "Two weeks ago she had a bad cold, breathing fast, not feeding" (a read draft sent a 7-month-old who had
    # recovered two weeks before to A&E); "since two weeks ago" is still going on
    r"(?<!since )\b(?:\d+|a|one|two|three|four|five|six|a few|several) (?:weeks?|months?|years?) ago\b",
    re.I,
)
_PULSE = re.compile(
    r"\b(?:heart(?: rate)?|pulse|hr)\b[^.;]{0,30}?\b(1[0-9]{2})(?:ish)?\b(?:\s*(?:-|"
    r"to)\s*1[0-9]{2})?[^.;]{0,25}"
    r"\b(?:at rest|resting|sitting)\b|\bresting (?:heart rate|pulse)\b[^.;]{0,15}?\b(1[0-9]{2})\b|"
    # "heart racing at rest, watch says around 110", "racing even sitting still (my watch says 110ish)" (a
    # read draft left a woman with a likely clot and a pulse of 110 to "ask today")
    r"\b(?:heart(?: rate)?|pulse|hr)\b[^.;]{0,40}\b(?:at rest|resting|sitting(?: still)?|lying down)\b"
    r"[^.;]{0,40}?\b(1[0-9]{2})(?:ish)?\b",
    re.I,
)
#: Confusion or drowsiness: "very sleepy, dropping off mid sentence", "hard to wake", "muddled".
_CONFUSED = re.compile(
    r"\b(?:confus\w*|drows\w*|(?:very |more |so )?sleepy|dropping off|nodding off|hard to wake|muddled|"
    r"not making sense|delirium)\b",
    re.I,
)
#: Confused as in puzzled: "I'm confused about the results", "confused by what they said".
_PUZZLED = re.compile(
    r"\bconfus\w* (?:about|by|as to|over|with)\b|\bconfusing\b|"
    # the writer's own puzzlement, not "Dad is very confused": "I'm confused", "I am a bit embarrassed and
    # also confused: I had BCG"
    r"\b(?:i'?m|i am|im|we'?re|we are|it'?s|it is)\s+(?:a bit |so |really |very |quite |all |just )?"
    r"(?:\w+ and (?:also )?)?confused\b",
    re.I,
)
#: A pattern of past episodes or a medicine's effect, not confusion now: "each time she gets a fever ... gets
#: more confused", "quetiapine at night, which makes her very drowsy".
_HABITUAL = re.compile(
    r"\b(?:each time|every time|whenever|always|usually|"
    r"makes (?:her|him|me|them) (?:very |so |quite )?(?:drowsy|sleepy))\b",
    re.I,
)
_INFECTION = re.compile(r"\b(?:fever|temperature|phlegm|sputum|infection|pneumonia|shivers|chills)\b", re.I)
_CALF = re.compile(r"\b(?:calf|calves)\b", re.I)
_CALF_TROUBLE = re.compile(r"\b(?:swollen|swelling|tight|tender|pain\w*|ach\w*|sore|hurts?|red)\b", re.I)
_BREATH_OR_PAIN = re.compile(
    r"\b(?:breathless\w*|short of breath|out of breath|chest pain|pain\w* on breath\w*|"
    r"pain\w* (?:when|on) (?:i )?breath\w*|deep breath|pleuritic)\b",
    re.I,
)
_COPD = re.compile(r"\b(?:copd|emphysema|home oxygen)\b", re.I)


_GRUNTING = re.compile(r"\bgrunt\w*", re.I)
_SNORING = re.compile(r"\bsnor\w*|\bapno?eas?\b|\btonsils?\b|\badenoids?\b", re.I)
_IN_SLEEP = re.compile(
    r"\b(?:asleep|sleeps?|sleeping|in (?:her|his|their|the) sleep|at night|snor\w*|overnight)\b", re.I
)
#: Bleeding from the gut told as happening: black or tarry stools, vomiting blood or "coffee grounds" (a read
#: draft for a 74-year-old on naproxen and aspirin with "motions nearly black" and a haemoglobin of 79 said
#: nothing of it).
_GUT_BLEED = re.compile(
    r"\b(?:black|tarry)\b[^.;,?]{0,20}?\b(?:stools?|poos?|faeces|feces|motions|bowel movements?|bm)\b|"
    r"\b(?:stools?|poos?|motions)\b[^.;?]{0,25}\b(?:black|tarry)\b|\bmela?ena\b|"
    r"\b(?:vomit\w*|throw\w* up|threw up|bring\w* up|brought up|being sick)\s+(?:up\s+)?(?:some\s+)?"
    r"(?:blood|coffee[- ]grounds?)\b|\bha?ematemesis\b",
    re.I,
)
GUT_BLEED_SIGN = (
    "black or tarry stools, or vomiting blood (possible bleeding from the stomach or gut; iron tablets also "
    "darken stools, which the doctor weighs)"
)


def _gut_bleed_told(text: str) -> bool:
    """Whether ``text`` tells of bleeding from the gut, not only to deny it ("no vomiting blood")."""
    return any(
        not DENIED_BEFORE.search(text[max(0, m.start() - 40) : m.start()]) for m in _GUT_BLEED.finditer(text)
    )


_BLUE_LIPS = re.compile(
    r"\b(?:blue|purpl\w*|grey|gray)(?:[- ]?ish)?\s+(?:lips|tongue)\b|"
    r"\blips\b[^.;]{0,25}\b(?:blue|purpl\w*|grey|gray|dusky)\b",
    re.I,
)
#: A blood pressure reading: "92 over 54", "BP 88/50".
_PRESSURE = re.compile(r"\b(?:blood pressure|bp)\b[^.;]{0,45}?\b(\d{2,3})\s*(?:/|over)\s*(\d{2,3})\b", re.I)


def _low_pressure(texts: list[str]) -> str:
    """A current systolic blood pressure of 100 or less (NICE NG51: 91 to 100 is a moderate-risk and 90 or
    less a high-risk sign in suspected sepsis), as "92 over 54", or ""."""
    for text in texts:
        for m in _PRESSURE.finditer(text):
            top, bottom = int(m.group(1)), int(m.group(2))
            if 50 <= top <= 100 and bottom < top:
                return f"{top} over {bottom}"
    return ""


#: A reading dated to today ("was 92 over 54 this morning"): current, though told in the past tense.
#: A symptom said to be changing: "3 weeks, worsening", "getting worse".
_WORSE = re.compile(r"\b(?:wors\w*|deteriorat\w*|increasing\w*|more and more)\b", re.I)
_TODAY = re.compile(r"\b(?:this (?:morning|afternoon|evening)|today|tonight|right now|just now)\b", re.I)


def _present_sentences(text: str) -> list[str]:
    return [
        s
        for s in re.split(r"(?<=[.!?;\n])\s+", text)
        if s.strip() and (not _PAST_READING.search(s) or (_TODAY.search(s) and not _ELSEWHERE.search(s)))
    ]


_FALLS_TO = re.compile(
    r"\b(?:goes|going|went|drops?|dropping|dropped|falls?|falling|fell|dips?|dipping|dipped|gets?|comes?)"
    r" (?:down )?to (?:about |around |only )?([6-9]\d)\b",
    re.I,
)


def _low_oxygen(texts: list[str], copd: bool) -> tuple[int, bool] | None:
    """The lowest current oxygen reading that is below its usual range, and whether it was taken on
    exertion, or None."""
    low: tuple[int, bool] | None = None
    for text in texts:
        for match in OXYGEN.finditer(text):
            values = [int(v) for v in match.groups() if v]
            reading = min(values)
            if reading < 60:
                continue
            tail = re.split(r"[,;(.]", text[match.end() : match.end() + 40], maxsplit=1)[0]
            head = re.split(r"[.;!?\n]", text[max(0, match.start() - 80) : match.start()])[-1]
            if OFF_OXYGEN.search(head + " " + tail):
                continue  # a reading taken off the oxygen someone is on at home is why they are on it
            # "94-95 sitting but goes to 91 when I walk": the fall is a reading of its own, on exertion when
            # the words after it say so (a read draft took "walk" for the resting 94 and missed the 91)
            fall = _FALLS_TO.search(text, match.end(), match.end() + 60)
            readings = [
                (reading, bool(_EXERTION.search(tail[: fall.start() - match.end()] if fall else tail)))
            ]
            if fall and 60 <= int(fall.group(1)) < reading:
                after = re.split(r"[,;(.]", text[fall.end() : fall.end() + 40], maxsplit=1)[0]
                readings.append((int(fall.group(1)), bool(_EXERTION.search(after))))
            for value, exertion in readings:
                limit = 87 if copd else (92 if exertion else 94)
                if value <= limit and (low is None or value < low[0]):
                    low = (value, exertion)
    return low


#: What happens with each episode, told as a pattern ("he gets a cold and 2 days later he's wheezing and his
#: tummy sucking in", "every time she has a cold"): the past episodes, not a sign now (a read draft sent a
#: 3-year-old with recurrent wheeze, well between colds, to hospital now).
_WITH_EACH_EPISODE = re.compile(
    r"\b(?:every time|each time|whenever|with (?:each|every) (?:cold|episode|attack|virus)|"
    r"(?:he|she|they) (?:gets|get|catches|catch) (?:a|another) (?:cold|virus|bug)|"
    r"when (?:he|she|they) (?:gets|get|has|have|catches|catch) (?:a|another) (?:cold|virus|bug)|"
    r"(?:these|the|his|her|previous|past|earlier|other) (?:episodes|attacks|admissions|visits))\b",
    re.I,
)


def same_day_signs(intake: IntakeRecord) -> list[str]:
    """The same-day signs the intake describes as present now, in plain words (none in hospital)."""
    from assistant.drafting.guardrails import RESOLVED, recovered_now, symptoms_now

    if in_hospital(intake):
        return []
    now = symptoms_now(intake)
    symptoms = now[0] if now else ""
    story = _present_sentences("\n".join([intake.reason_for_second_opinion, intake.main_question]))
    age = intake.age
    out: list[str] = []
    # grunting is severe breathing difficulty at any age in childhood (a 5-year-old on day 4 of amoxicillin,
    # grunting and sleepy, was left with "if worse, the same day")
    # "fast grunty breathing, now a bit better": past its worst, not a sign now
    grunting = any(_GRUNTING.search(p) and not _IMPROVING.search(p) for p in symptoms.split(";")) or any(
        _GRUNTING.search(s) and "?" not in s and not _IMPROVING.search(s) for s in story
    )
    snoring = _SNORING.search("\n".join([symptoms, *story, intake.diagnosis_in_question]))
    if age is not None and age < 12 and grunting and not snoring:
        out.append(GRUNTING_SIGN)
    if age is not None and age < 5:
        drawing_in = [
            p
            for p in [*symptoms.split(";"), *story]
            if _RECESSION.search(p) and "?" not in p and not _WITH_EACH_EPISODE.search(p)
        ]
        # the tummy sucking in while a snoring child sleeps is the obstructed breathing of sleep apnoea,
        # not daytime distress (a read draft sent a 4-year-old with big tonsils to A&E today)
        # (only with the snoring told: "the skin sucking in under her ribs when she was asleep" of a feverish
        # 2-year-old with pneumonia is the illness's recession, which a read draft left unread)
        if any(not (_IN_SLEEP.search(p) and snoring) for p in drawing_in):
            out.append(RECESSION_SIGN)
        if _CONFUSED.search(symptoms) or any(_CONFUSED.search(s) and "?" not in s for s in story):
            out.append(SLEEPY_CHILD_SIGN)
        if _FEEDS.search(symptoms) or any(_FEEDS.search(s) for s in story):
            # the nappies only when they are told of (a read draft gave a bottle-fed baby "fewer wet nappies")
            nappies = any(_NAPPIES.search(s) for s in [symptoms, *story])
            out.append("feeding much less than usual" + (", with fewer wet nappies" if nappies else ""))
        if age < 2 and (
            _PAUSES.search(symptoms)
            or any(_PAUSES.search(s) and "?" not in s and not _HEARSAY.search(s) for s in story)
            or _recent_pause(intake)
        ):
            out.append("pauses in breathing")
        if age < 1 and _heart_failure_in_a_baby(intake):
            out.append(BABY_HEART_SIGN)
        if _STRIDOR_AT_REST.search(symptoms) or any(
            _STRIDOR_AT_REST.search(s) and "?" not in s for s in story
        ):
            out.append(STRIDOR_SIGN)
        if any(_BLUE_OR_FLOPPY.search(p) for p in symptoms.split(";")) or any(
            _BLUE_OR_FLOPPY.search(s) and "?" not in s and not _HEARSAY.search(s) for s in story
        ):
            out.append("going blue, grey or floppy")
    copd = bool(_COPD.search("\n".join([intake.history, intake.diagnosis_in_question, intake.symptom_text])))
    # A low reading counts however long it has lasted ("93-94 at rest" for 8 weeks after COVID).
    readings = (
        []
        if recovered_now(intake)
        else [x.description for x in intake.symptoms if not RESOLVED.search(f"{x.duration} {x.onset}")]
    )
    oxygen = _low_oxygen([*readings, *story], copd)
    # a fall on effort to 90% or more, in an illness of weeks with nothing said to be new or worse, is for the
    # team already following it, not a same-day visit (a read draft sent a firefighter four months after
    # COVID, under clinic follow-up, to A&E for "92-93 when I walk fast")
    told = " ".join(f"{x.description} {x.duration}" for x in intake.symptoms)
    if (
        oxygen is not None
        and oxygen[1]
        and oxygen[0] >= 90
        and told
        and not symptoms
        and not _WORSE.search(told)
    ):
        oxygen = None
    if oxygen is not None:
        # "drops to 90-91% on the stairs; at rest it's 96%": a fall on effort, not a resting reading (a read
        # draft told a man his oxygen was 90%)
        out.append(
            f"an oxygen reading that falls to {oxygen[0]}% on exertion, below the usual range of about 95% "
            "or more"
            if oxygen[1]
            else f"an oxygen reading of {oxygen[0]}%, below the usual range of about 95% or more"
        )
    if age is None or age >= 16:
        pulse = next((m for m in (_PULSE.search(t) for t in [symptoms, *story]) if m), None)
        rate = next((g for g in pulse.groups() if g), "0") if pulse is not None else "0"
        if int(rate) >= 110:
            out.append(f"a resting pulse of about {rate} a minute")
        pressure = _low_pressure([*readings, *story])
        if pressure:
            out.append(f"a low blood pressure (about {pressure})")
    # blue or grey lips at any age (cyanosis); a baby's are read with going floppy above
    if (age is None or age >= 2) and (
        _BLUE_LIPS.search(symptoms)
        or any(_BLUE_LIPS.search(s) and "?" not in s and not _HEARSAY.search(s) for s in story)
    ):
        out.append(LIPS_SIGN)
    if _gut_bleed_told(symptoms) or any(
        _gut_bleed_told(s) and "?" not in s and not _HEARSAY.search(s) for s in story
    ):
        out.append(GUT_BLEED_SIGN)
    # new confusion is a high-risk sign of sepsis at any adult age (NICE NG51), told in the symptoms or the
    # story ("wife says I'm a bit muddled and repeating myself": a read draft for a 47-year-old with probable
    # Legionnaires' disease said only "the same day")
    muddled = _CONFUSED.search(symptoms) or any(
        _CONFUSED.search(s)
        and "?" not in s
        and not _PUZZLED.search(s)
        and not _HEARSAY.search(s)
        and not _HABITUAL.search(s)
        for s in story
    )
    if (
        age is not None
        and age >= 16
        and muddled
        and _INFECTION.search("\n".join([symptoms, intake.diagnosis_in_question]))
    ):
        out.append("new confusion or drowsiness with an infection")
    # COPD, drowsy or confused, on oxygen or with a morning headache or flapping hands: carbon dioxide
    # building up (a read draft for a 74-year-old whose daughter had turned her oxygen up to 4 litres, now
    # sleepy, muddled and flushed, asked the GP to call "today")
    if (
        copd
        and (_CONFUSED.search(symptoms) or any(_CONFUSED.search(s) and "?" not in s for s in story))
        and _CO2_CONTEXT.search("\n".join([symptoms, *story, " ".join(intake.medications)]))
    ):
        out.append(CO2_SIGN)
    calf = [
        p
        for p in re.split(r";", symptoms)
        if _CALF.search(p) and _CALF_TROUBLE.search(p) and not RESOLVED.search(p)
    ]
    # breathlessness still present, told in the story ("now at home I still get breathless going up the
    # stairs"), counts with a new calf pain: a read draft after COVID pneumonia, with a calf pain since
    # yesterday, said only "if severe, call emergency services"
    if calf and (
        _BREATH_OR_PAIN.search(symptoms) or any(_BREATH_OR_PAIN.search(p) and "?" not in p for p in story)
    ):
        out.append(CALF_SIGN)
    # A fever after a stay where malaria is common: a pregnant nurse back from Lagos with a fever was
    # sent home with "only covid" and her draft never named malaria.
    told = "\n".join([intake.reason_for_second_opinion, intake.history])
    if _FEVER.search(symptoms) and any(
        _MALARIA_PLACES.search(told[m.end() : m.end() + 40]) for m in _BACK_FROM.finditer(told)
    ):
        out.append(MALARIA_SIGN)
    if _TB_MEDICINES.search("\n".join([*intake.medications, intake.diagnosis_in_question, *story])) and (
        _LIVER.search(symptoms) or any(_LIVER.search(s) and "?" not in s for s in story)
    ):
        out.append(LIVER_SIGN)
    if age is None or age >= 18:
        fluid = _fluid_building_up(intake)
        if fluid:
            out.append(fluid)
    fainted = [s for s in story if _EXERTION_FAINT.search(s) and "?" not in s and not _HEARSAY.search(s)]
    if _EXERTION_FAINT.search(symptoms) or fainted:
        out.append("fainting during exercise")
    out += _more_signs(intake, symptoms, story)
    return out


CALF_SIGN = "a painful or swollen calf together with breathlessness or chest pain"
#: A fever that a long-term condition or its treatment makes an emergency: with sickle cell disease (a weak
#: spleen, and the start of a chest crisis) and during chemotherapy (a low white cell count). A new round's
#: 3-year-old with sickle cell disease, a fever of 39 and a new shadow, and a 4-year-old on leukaemia
#: treatment with a fever of 38.5, were given no same-day advice.
SICKLE_FEVER_SIGN = "a fever with sickle cell disease"
CHEMO_FEVER_SIGN = "a fever during chemotherapy (possible infection with a low white cell count)"
#: A breathing rate counted: "I count 50 in one minute", "breathing 44 times a minute", "resp rate 30".
_BREATHING_RATE = re.compile(
    r"\b(?:breath\w*|resp\w*(?: rate)?|rr)\b[^.;?]{0,40}?\b(\d{2})\b(?:\s*(?:breaths?|times?))?[^.;?]{0,12}"
    r"\b(?:a|per|in (?:a|one|1)) ?(?:minute|min)\b|"
    r"\bcount\w*\b[^.;?]{0,20}?\b(\d{2})\b[^.;?]{0,20}\b(?:a|per|in (?:a|one|1)) ?(?:minute|min)\b",
    re.I,
)
#: A knock to the head: "bumped the back of his head", "hit her head", "a head injury".
_HEAD_KNOCK = re.compile(
    r"\b(?:hit|bump\w*|bang\w*|knock\w*|struck|cut)\b[^.;?]{0,25}\bhead\b|\bhead (?:injury|wound|knock)\b|"
    r"\bfell\b[^.;?]{0,25}\bon (?:his|her|my|the) head\b",
    re.I,
)
#: A sentence about how someone looks or is: "he's gone a grey colour", "her face looks grey".
_PERSON = re.compile(
    r"\b(?:he|she|i|i'?m|he'?s|she'?s|face|skin|colou?r|looks?|looking|went|gone|turned)\b", re.I
)
#: "No head injury, no LOC", "didn't hit her head": a knock denied.
_NO_HEAD_KNOCK = re.compile(r"\b(?:no|not|without|didn'?t|did not|never|nor)\b[^.;]*$", re.I)
#: ... then, beside new confusion or drowsiness (:data:`_CONFUSED`), these.
_AFTER_HEAD_KNOCK = re.compile(
    r"\b(?:not (?:him|her|my)self|repeat\w*|keeps? asking|vomit\w*|being sick|was sick|been sick|headache)\b",
    re.I,
)
HEAD_INJURY_SIGN = (
    "drowsiness, confusion, vomiting or a headache after a knock to the head on a blood thinner (possible "
    "bleeding inside the head, checked with a CT scan straight away)"
)
#: A dialysis session missed, with weakness, sickness or a jumping heart: the potassium may be dangerously
#: high (a read draft told a 67-year-old who had missed Friday's session, weak in the legs with her heart
#: jumping on the Sunday, to ring the dialysis unit or A&E, and never named the potassium).
DIALYSIS_SIGN = (
    "a missed dialysis session with weakness, sickness or a jumping or irregular heart (the potassium may be "
    "dangerously high, which needs a blood test and a heart tracing now)"
)
_MISSED_DIALYSIS = re.compile(
    r"(?<!never )(?<!don't )(?<!do not )\b(?:miss(?:ed)?|skipp?(?:ed)?|didn'?t (?:go to|have|get)|not had)\s+"
    r"(?:\w+\s+){0,3}?"
    r"(?:haemo|hemo)?dialysis\b|"
    r"\bdialysis\b[^.;]{0,40}\b(?:missed|skipped|cancelled|did(?:n'?t| not) come)\b|"
    r"\b(?:transport|ambulance|taxi|lift)\b[^.;]{0,25}\b(?:not come|didn'?t come|never came|did not come)\b"
    r"[^.;]{0,30}\bmiss\w*",
    re.I,
)
_HIGH_POTASSIUM_SYMPTOM = re.compile(
    r"\bweak\w*|\bpalpitat\w*|\bflutter\w*|\bheart\b[^.;]{0,15}\b(?:jump\w*|skip\w*|racing|irregular|"
    r"pounding)|\bnause\w*|\bfeel(?:ing)? sick\b|\bvomit\w*|\btingl\w*",
    re.I,
)


#: Myasthenia, or a weakness spreading up from tingling feet and hands (Guillain-Barre syndrome), with the
#: swallowing or the breathing now affected: both can fail within hours (a new round's woman with myasthenia
#: who could count only to 9 in one breath, and a teenager with spreading weakness whose water "keeps going
#: down the wrong way", were given no same-day advice).
_MYASTHENIA = re.compile(r"\bmyasth\w*|\bmestinon\b|\bpyridostigmine\b", re.I)
SPREADING_WEAKNESS = re.compile(
    r"\b(?:pins and needles|tingl\w*|numb\w*)\b[^\n]{0,300}\b(?:legs?|arms?)\b[^.;\n]{0,20}\bweak\w*|"
    r"\bweak\w*\b[^.;\n]{0,25}\blegs?\b[^\n]{0,300}\b(?:pins and needles|tingl\w*)|"
    # "GBS" alone is as often group B strep
    r"\bguillain\b",
    re.I,
)
_BULBAR_OR_BREATHING = re.compile(
    r"\b(?:water|drinks?|fluids?|food)\b[^.;]{0,30}\b"
    r"(?:out (?:of )?(?:my |his |her )?nose|down the wrong way)|"
    r"\b(?:choking|chokes?) on (?:water|drinks?|fluids?|food)|"
    r"\bvoice\b[^.;]{0,25}\b(?:nasal|in the nose|through (?:my|his|her|the) nose|weak|quiet|faint)\b|"
    r"\bcount\w* (?:to )?(?:only )?\d+\b[^.;]{0,20}\b(?:breath|only)\b|\bcan only (?:count )?(?:to )?\d+\b|"
    r"\b(?:can(?:no|')?t|cannot|unable to|harder to|hard to) (?:breathe?|breath)\b[^.;]{0,25}"
    r"\b(?:ly(?:ing)?|lie) (?:down|flat)\b|\b(?:sleep\w*|sitting) (?:propped|in (?:a|the) chair)\b",
    re.I,
)
WEAKNESS_SIGN = (
    "muscle weakness with trouble swallowing, a weak voice or breathlessness lying flat (in myasthenia or "
    "Guillain-Barre syndrome the breathing muscles can fail within hours)"
)


#: Chemotherapy under way that lowers the white cell count: the cytotoxic medicines by name, or the treatment
#: told as current ("on chemo", "in the maintenance bit", "cycle 3"); immunotherapy and antibody treatments
#: such as Herceptin lower it rarely, and their fevers are for the cancer team's own advice.
_CHEMO_NOW = re.compile(
    r"\b(?:on|having|receiving|started|currently on|mid-?way through|in the middle of|between) (?:\w+ ){0,2}?"
    r"chemo\w*\b|\bchemo(?:therapy)? (?:cycle|day)\b|\bcycle \d+ of (?:\w+ )?chemo\w*|\bnext chemo\b|"
    r"\b(?:maintenance|induction|consolidation|intensification)\b[^.;\n]{0,25}\b(?:chemo\w*|treatment|"
    r"phase|part|bit|block)\b|"
    r"\b(?:capecitabine|paclitaxel|docetaxel|carboplatin|cisplatin|oxaliplatin|folfox|folfiri|gemcitabine|"
    r"mercaptopurine|vincristine|cyclophosphamide|doxorubicin|etoposide|pemetrexed)\b",
    re.I,
)
_TEMPERATURE = re.compile(r"\b(3[5-9](?:\.\d)?|4[0-2](?:\.\d)?)\s?(?:°|degrees?|c\b)?", re.I)


def _fever_of_38_now(intake: IntakeRecord) -> bool:
    """A fever now (:func:`fever_now`), not in someone said to have recovered, and at 38 or more when a
    temperature is given (37.8 is no fever by the guidelines on sickle cell disease and chemotherapy)."""
    from assistant.drafting.guardrails import RESOLVED, recovered_now

    if not fever_now(intake) or recovered_now(intake):
        return False
    told = [
        x.description
        for x in intake.symptoms
        if _FEVER.search(x.description) and not RESOLVED.search(f"{x.duration} {x.onset}")
    ]
    readings = [float(m.group(1)) for t in told for m in _TEMPERATURE.finditer(t)]
    return not readings or max(readings) >= 38


#: An ashen or mottled colour (a high-risk sign of sepsis, NICE NG51): "grey colour (wife)", "he's gone a
#: grey colour" (a new case's 72-year-old farmer, feverish and breathing fast after a rib injury, was given
#: only the general warning list). Not grey hair, a grey area or a grey patch on a film.
_GREY_COLOUR = re.compile(
    r"\b(?:grey|gray|ashen|mottled)\b(?!\s*(?:-\s*)?(?:hair\w*|areas?|patch\w*|shadow\w*|matter|zones?|"
    r"smudges?|smoke|skies|sky|day))",
    re.I,
)
GREY_SIGN = "a grey, ashen or mottled colour"
#: ... not the sight greying in a faint, nor a colour that came and went: "his vision went grey", "last
#: month ... looked grey", "looked grey, settled after puffer and rest".
_NOT_GREY_NOW = re.compile(
    r"\b(?:vision|sight|eyesight|eyes)\b|\blast (?:month|week|year)\b|\bago\b|\bsettled\b|"
    r"\bwent away\b|\bpassed\b|\bbetter after\b",
    re.I,
)


def _grey_now(text: str) -> bool:
    """Whether ``text`` tells of a grey or ashen colour now, in a clause that does not date it or explain it
    away."""
    return any(
        _GREY_COLOUR.search(clause) and not _NOT_GREY_NOW.search(clause)
        for clause in re.split(r"[;]|(?<=[.!])\s", text)
    )


#: Too breathless to talk: "tonight breathless just talking on the phone", "can't finish a sentence".
_TOO_BREATHLESS_TO_TALK = re.compile(
    r"\b(?:breathless\w*|out of breath|short of breath|puffed|gasping)\b[^.;]{0,12}\b"
    r"(?:just |even |when |while )?(?:talking|speaking)\b|"
    r"\b(?:can'?t|cannot|unable to|struggl\w* to|hard to) (?:talk|speak|finish)\b[^.;]{0,20}\bsentences?\b|"
    r"\btoo (?:breathless|out of breath) to (?:talk|speak)\b",
    re.I,
)
TALKING_SIGN = "breathlessness even when talking"
#: Pink, frothy phlegm: fluid flooding the lungs (acute pulmonary oedema), an emergency on its own (a read
#: draft offered a woman 27 weeks pregnant, sleeping upright and coughing "pinky frothy spit", the GP's
#: same-day service).
FROTH_SIGN = "coughing up pink, frothy phlegm (a sign of fluid flooding the lungs)"
_FROTH = re.compile(r"\bpink\w*[ ,/-]*(?:and |&\s*)?froth\w*|\bfroth\w*[ ,/-]*(?:and |&\s*)?pink\w*", re.I)
#: A faint or a fluttering heart on two medicines that each lengthen the heart's QT interval (a read draft
#: named methadone's long-QT warning beside clarithromycin in its medicine list, and never linked it to the
#: faint "with his heart fluttering just before" that the mother told).
QT_SIGN = (
    "a faint or a fluttering heart while taking two medicines that can each disturb the heart rhythm (a long "
    "QT interval), which needs a heart tracing (ECG) today"
)
_QT_MEDICINES = {
    "methadone": r"methadone|physeptone",
    "a macrolide antibiotic": MACROLIDES,
    "a quinolone antibiotic": QUINOLONES,
    "ondansetron or domperidone": r"ondansetron|domperidone",
    "hydroxychloroquine": r"hydroxychloroquine|plaquenil",
    "citalopram": r"\b(?:es)?citalopram",
    "an antipsychotic": r"haloperidol|quetiapine|chlorpromazine|amisulpride",
    "amiodarone or sotalol": r"amiodarone|sotalol",
}
_FAINT_OR_FLUTTER = re.compile(
    r"(?<!nearly )(?<!almost )\b(?:fainted|fainting|blacked out|blackouts?|passed out|collapsed)\b|"
    r"\bheart\b[^.;]{0,20}\b(?:flutter\w*|racing|pounding|skipping|jumping)|\bpalpitations?\b|\bflutter\w*",
    re.I,
)


def _qt_medicines(medications: Sequence[str]) -> list[str]:
    """The kinds of QT-lengthening medicine taken now, one entry per kind."""
    current = " ".join(m.name for t in medications for m in listed_medicines(t) if not ended(m.note))
    return [kind for kind, rx in _QT_MEDICINES.items() if re.search(rx, current, re.I)]


#: Little or no urine with an infection in an adult (NICE NG51: not passing urine for 18 hours is a
#: high-risk sign of sepsis): "hardly weeing", "not passed urine since last night".
URINE_SIGN = "passing little or no urine with an infection"
_LITTLE_URINE = re.compile(
    r"\b(?:hardly|barely|not|no|hasn'?t|haven'?t|not been|hasn'?t been)\s+(?:any\s+)?"
    r"(?:wee(?:d|ing)?|pee(?:d|ing)?|passed (?:any |much )?(?:urine|water)|"
    r"passing (?:any |much )?(?:urine|water)|urinat\w*)\b|"
    r"\b(?:no|very little) (?:urine|wee|pee)\b(?! (?:infection|test|sample))",
    re.I,
)
#: ... at rest: "can't finish a sentence walking up the stairs" is breathlessness on effort.
_ON_EFFORT = re.compile(
    r"\b(?:stairs|walk\w*|running|climb\w*|hills?|exercis\w*|gym|effort|exertion|carrying)\b", re.I
)


def _too_breathless_to_talk(text: str) -> bool:
    """Whether ``text`` (one symptom or sentence) tells of breathlessness when talking, at rest."""
    return any(
        _TOO_BREATHLESS_TO_TALK.search(clause)
        and not _ON_EFFORT.search(clause)
        and (not _ON_EFFORT.search(text) or _AT_REST.search(clause))
        for clause in re.split(r"[,;]|\bbut\b", text)
    )


_AT_REST = re.compile(
    r"\b(?:at rest|resting|sitting|lying|in bed|on the phone|tonight|today|now|this (?:morning|evening))\b",
    re.I,
)


def _breathing_rate_high(rate: int, age: int | None) -> bool:
    """A resting breathing rate at or above the level guidelines act on the same day for the age (NICE NG143
    for children under 5, NG51 above)."""
    if age is None or age >= 12:
        return rate >= 25
    if age < 1:
        return rate > 50
    if age < 5:
        return rate > 40
    return rate >= 30


def _more_signs(intake: IntakeRecord, symptoms: str, story: list[str]) -> list[str]:
    """Same-day signs that a long-term condition, a medicine or an injury makes so."""
    out: list[str] = []
    told = "\n".join([intake.history, intake.reason_for_second_opinion, *intake.medications])
    if _fever_of_38_now(intake):
        if re.search(SICKLE_CELL_DISEASE, told, re.I):
            out.append(SICKLE_FEVER_SIGN)
        if _CHEMO_NOW.search(told):
            out.append(CHEMO_FEVER_SIGN)
    rates = [
        int(next(g for g in m.groups() if g))
        for t in [symptoms, *story]
        for m in _BREATHING_RATE.finditer(t)
        if not _HEARSAY.search(t)
    ]
    if rates and _breathing_rate_high(max(rates), intake.age):
        out.append(f"a breathing rate of about {max(rates)} a minute, fast for the age")
    said = "\n".join([symptoms, *story])
    if any(_MISSED_DIALYSIS.search(t) and "?" not in t and not _HEARSAY.search(t) for t in [*story]) and (
        _HIGH_POTASSIUM_SYMPTOM.search(symptoms)
        or any(_HIGH_POTASSIUM_SYMPTOM.search(t) and "?" not in t for t in story)
    ):
        out.append(DIALYSIS_SIGN)
    if len(_qt_medicines(intake.medications)) >= 2 and (
        any(_FAINT_OR_FLUTTER.search(p) for p in symptoms.split(";"))
        or any(_FAINT_OR_FLUTTER.search(t) and "?" not in t and not _HEARSAY.search(t) for t in story)
    ):
        out.append(QT_SIGN)
    if any(_FROTH.search(p) for p in symptoms.split(";")) or any(
        _FROTH.search(t) and "?" not in t and not _HEARSAY.search(t) for t in story
    ):
        out.append(FROTH_SIGN)
    if (
        intake.age is not None
        and intake.age >= 16
        and (
            any(_LITTLE_URINE.search(p) for p in symptoms.split(";"))
            or any(_LITTLE_URINE.search(t) and "?" not in t and not _HEARSAY.search(t) for t in story)
        )
        and _INFECTION.search("\n".join([symptoms, intake.diagnosis_in_question, *story]))
    ):
        out.append(URINE_SIGN)
    if (intake.age is None or intake.age >= 5) and (
        any(_grey_now(p) for p in symptoms.split(";"))
        or any(_grey_now(t) and _PERSON.search(t) and "?" not in t for t in story)
    ):
        out.append(GREY_SIGN)
    if (intake.age is None or intake.age >= 5) and (
        any(_too_breathless_to_talk(p) for p in symptoms.split(";"))
        or any(_too_breathless_to_talk(t) and "?" not in t and not _HEARSAY.search(t) for t in story)
    ):
        out.append(TALKING_SIGN)
    knocked = any(
        not _NO_HEAD_KNOCK.search(intake.reason_for_second_opinion[max(0, m.start() - 25) : m.start()])
        for m in _HEAD_KNOCK.finditer(intake.reason_for_second_opinion)
    )
    # a blood thinner still taken at a dose that treats a clot (the table's reading, not a second one)
    after = _CONFUSED.search(said) or _AFTER_HEAD_KNOCK.search(said)
    if knocked and after and treats_a_clot(intake.medications):
        out.append(HEAD_INJURY_SIGN)
    context = "\n".join(
        [intake.history, intake.reason_for_second_opinion, intake.symptom_text, *intake.medications]
    )
    if (_MYASTHENIA.search(context) or SPREADING_WEAKNESS.search(context)) and (
        _BULBAR_OR_BREATHING.search(symptoms)
        or any(_BULBAR_OR_BREATHING.search(t) for t in story if "?" not in t)
    ):
        out.append(WEAKNESS_SIGN)
    return out


#: A baby's signs of heart failure together (sweating and tiring with feeds, fast breathing, poor weight
#: gain): a read draft for an 11-month-old with all three, a murmur and a big heart shadow left the
#: echocardiogram to "the treating team" after ten weeks' wait for a routine appointment.
BABY_HEART_SIGN = (
    "sweating with feeds, fast breathing and poor weight gain in a baby (possible heart failure, checked "
    "with an examination and a heart scan)"
)
_SWEATY_FEEDS = re.compile(
    r"\bsweat\w*[^.;]{0,40}\b(?:feed\w*|bottles?|breast ?feed\w*)\b|"
    r"\b(?:feed\w*|bottles?)\b[^.;]{0,40}\bsweat\w*",
    re.I,
)
_FAST_AT_REST = re.compile(
    r"\b(?:fast|rapid|quick) breathing\b|\bbreath(?:es|ing) (?:fast|quickly)\b|\bbreathless\w*\b", re.I
)
_POOR_GAIN = re.compile(
    r"\b(?:not|isn'?t|hasn'?t been|wasn'?t) (?:gaining|putting on) weight|poor weight gain|faltering growth|"
    r"failure to thrive|weight (?:has )?(?:dropped|fallen|falling|fell)|"
    r"(?:dropped|fallen|fell) (?:from )?(?:the )?\d+(?:st|nd|rd|th)\b|"
    r"(?:dropped|crossed) (?:two |2 )?centiles?",
    re.I,
)


def _heart_failure_in_a_baby(intake: IntakeRecord) -> bool:
    """Sweating with feeds, fast breathing and poor weight gain, all told of a baby (symptoms or story)."""
    told = "\n".join([intake.symptom_text, intake.reason_for_second_opinion, intake.history])
    return all(p.search(told) for p in (_SWEATY_FEEDS, _FAST_AT_REST, _POOR_GAIN))


#: TB medicines, by name or as the patient says them ("the TB tablets", "Rifafour").
_TB_MEDICINES = re.compile(
    rf"\b(?:{'|'.join(TB_MEDICINE_NAMES)}|"
    r"tb (?:tablets?|pills?|medicines?|medications?|treatment|drugs?))\b",
    re.I,
)
#: What a liver reaction to TB medicines looks like: yellow eyes or skin, vomiting, pain under the right ribs.
_LIVER = re.compile(
    r"\byellow\w*\b[^.;]{0,15}\b(?:eyes?|skin|whites)\b|\b(?:eyes?|skin)\b[^.;]{0,20}\byellow|\bjaundic\w*|"
    r"\b(?:vomit\w*|throwing up|being sick)\b|"
    r"\bright (?:side of (?:the |his |her |my )?(?:stomach|tummy|belly|abdomen)|upper (?:tummy|abdomen))\b|"
    r"\bunder (?:the |his |her |my )?right ribs\b",
    re.I,
)
LIVER_SIGN = (
    "yellow eyes or skin, vomiting or pain under the right ribs while on TB medicines (a liver reaction, "
    "checked with liver blood tests the same day)"
)
_DIURETIC = re.compile(r"\b(?:water (?:tablets?|pills?)|diuretics?|furosemide|frusemide|bumetanide)\b", re.I)
_IMPROVING = re.compile(
    r"\b(?:(?:is|are|getting|feels?|a bit|much) better|improving|going down|settling)\b", re.I
)


def _fluid_building_up(intake: IntakeRecord) -> str:
    """Breathlessness lying flat or waking breathless at night, with swollen legs or weight gain: fluid
    building up, which guidelines assess the same day when it is new or worse (read drafts filed three
    older people who slept in a chair, with swollen legs and a few kilos gained in two weeks, as routine)."""
    from assistant.drafting import questions
    from assistant.drafting.risk_factors import found_factors

    keys = {f.factor.key for f in found_factors(intake)}
    said = "\n".join([intake.symptom_text, intake.reason_for_second_opinion])
    gained = "weight gain" in questions.asserted_symptom_names(said)
    # already treated and improving ("came home on furosemide, he is better, legs going down"): the team
    # treating it is following it
    told = "\n".join([said, intake.history, " ".join(intake.medications)])
    if _DIURETIC.search(told) and _IMPROVING.search(said):
        return ""
    if "lying_flat" in keys and ("swollen_ankles" in keys or gained):
        return (
            "breathlessness lying flat or waking breathless at night, with swollen legs or weight gain "
            "(signs of fluid building up)"
        )
    return ""


MALARIA_SIGN = (
    "a fever after a recent stay in a country where malaria is common (a malaria blood test is needed the "
    "same day)"
)
_FEVER = re.compile(r"\b(?:fever\w*|temperatures?|temps?|feverish|shivers|chills|rigors?)\b", re.I)


def fever_now(intake: IntakeRecord) -> bool:
    """Whether a symptom not said to be over reports a fever ("evening temperatures and sweats, 3 weeks,
    still going"), however long it has lasted."""
    from assistant.drafting.guardrails import RESOLVED

    return any(
        _FEVER.search(x.description)
        and not _HEARSAY.search(x.description)
        and not _NO_FEVER.search(x.description)
        for x in intake.symptoms
        if not RESOLVED.search(f"{x.duration} {x.onset}")
    )


#: "no fever now", "dry cough at night, no fever", "chest infections with fever, 6 in the last year": a
#: fever denied, or one of past episodes, is no fever now.
_NO_FEVER = re.compile(
    r"\b(?:no|not|without|nil|denies|never)\b[^,;.]{0,15}\b(?:fever\w*|temperatures?|temps?)\b|"
    r"\b(?:infections|episodes|bouts|attacks)\b[^;.]{0,25}\b(?:fever\w*|temperatures?)\b",
    re.I,
)


#: A trip just made: "came back from Lagos 12 days ago", "a holiday in Kenya last month".
_BACK_FROM = re.compile(
    r"\b(?:came back|come back|got back|flew back|back|returned|returning|arrived back) (?:home )?from\b|"
    r"\b(?:trip|holiday|visit|visiting|visited|travel\w*|went|stayed|staying) (?:to|in)\b",
    re.I,
)
_MALARIA_PLACES = re.compile(
    r"\b(?:nigeria|lagos|abuja|ghana|accra|kenya|nairobi|uganda|kampala|tanzania|malawi|zambia|mozambique|"
    r"congo|kinshasa|cameroon|sierra leone|freetown|liberia|guinea|ivory coast|c[oô]te d.ivoire|senegal|"
    r"gambia|"
    r"mali|burkina|niger|sudan|ethiopia|somalia|angola|zimbabwe|madagascar|benin|togo|chad|rwanda|burundi|"
    r"west africa|east africa|central africa|sub-saharan africa|africa|papua new guinea|solomon islands)\b",
    re.I,
)
#: A faint or collapse brought on by exercise (not "nearly fainted", not dizziness).
_EXERTION_FAINT = re.compile(
    r"(?<!nearly )(?<!almost )\b(?:fainted|fainting|blacked out|passed out|collapsed)\b[^.;?]{0,30}"
    r"\b(?:during|while|when|at|in)\s+(?:\w+\s+)?"
    r"(?:exercis\w*|running|a run|races?|sport|football|match|training|PE|gym|climbing)",
    re.I,
)


#: Signs that call for emergency care now rather than a same-day appointment.
CO2_SIGN = (
    "new drowsiness or confusion with COPD, above all on oxygen (carbon dioxide may be building up in the "
    "blood, which a blood gas test in hospital checks now; the oxygen is not turned up further meanwhile)"
)
_CO2_CONTEXT = re.compile(r"\boxygen\b|\b(?:head ?aches?|flapp\w*|twitch\w*|tremor|jerk\w*|flushed)\b", re.I)
GRUNTING_SIGN = "grunting with each breath (a sign of severe breathing difficulty in a child)"
LIPS_SIGN = "blue or grey lips"
SLEEPY_CHILD_SIGN = "being very sleepy or not responding as usual"
EMERGENCY_SIGNS = frozenset(
    {"pauses in breathing", "going blue, grey or floppy", CO2_SIGN, GRUNTING_SIGN, LIPS_SIGN, FROTH_SIGN}
)
#: Signs each of which alone calls for a hospital assessment today, and two of which together mark a
#: severe illness (NICE NG51's high-risk signs of sepsis: new confusion, a low blood pressure, a low oxygen
#: reading, a fast pulse): read drafts told the son of a 78-year-old with pneumonia, muddled since the night
#: before, his oxygen 89% and his blood pressure 92/54, that his father "should be assessed in hospital
#: today", where an ambulance is called now.
_SEVERE_PREFIXES = (
    GREY_SIGN,
    TALKING_SIGN,
    "a breathing rate of",
    "an oxygen reading of",
    "a resting pulse of",
    "new confusion or drowsiness with an infection",
    "a low blood pressure",
    URINE_SIGN,
)


def needs_emergency(signs: list[str] | set[str] | frozenset[str]) -> bool:
    """Whether the signs described call for emergency care now: one emergency sign, or two signs of a
    severe illness together."""
    if EMERGENCY_SIGNS & set(signs):
        return True
    # stridor at rest with the chest drawing in: a narrowing airway (croup graded severe, swelling after
    # smoke), an ambulance now (a read draft offered a 10-month-old after a house fire "hospital today")
    if STRIDOR_SIGN in signs and RECESSION_SIGN in signs:
        return True
    # a weakness now reaching the swallowing or the breathing: the breathing muscles can fail within hours,
    # so an ambulance, not a trip to A&E (read drafts sent a teenager with Guillain-Barre, breathless lying
    # flat, and a woman living alone with myasthenia, counting to 9 in one breath, to "hospital today")
    if WEAKNESS_SIGN in signs:
        return True
    # a knock to the head on a blood thinner now drowsy or vomiting (NICE NG232: a CT within an hour), and a
    # missed dialysis with the signs of a high potassium: an ambulance, not "hospital today" (read drafts)
    if HEAD_INJURY_SIGN in signs or DIALYSIS_SIGN in signs:
        return True
    return sum(any(s.startswith(p) for p in _SEVERE_PREFIXES) for s in signs) >= 2


#: Signs that call for hospital assessment today (possible sepsis in an older person, a possible clot).
HOSPITAL_SIGNS = frozenset(
    {
        "new confusion or drowsiness with an infection",
        CALF_SIGN,
        MALARIA_SIGN,
        "fainting during exercise",
        STRIDOR_SIGN,
        SICKLE_FEVER_SIGN,
        CHEMO_FEVER_SIGN,
        HEAD_INJURY_SIGN,
        WEAKNESS_SIGN,
        GREY_SIGN,
        TALKING_SIGN,
        URINE_SIGN,
        QT_SIGN,
        DIALYSIS_SIGN,
    }
)


#: A child examined and sent home in this illness: "discharged with written safety-net advice", "they said we
#: could go home".
_SENT_HOME = re.compile(
    r"\b(?:discharged|sent (?:us |her |him |them )?home|said (?:we|she|he|they) could (?:go|take \w+) home|"
    r"let (?:us|her|him) go home|allowed home)\b",
    re.I,
)
#: ... and told to be worse since: "much worse since we got home", "getting worse" (not "it will get worse
#: before it gets better", the doctor's forecast).
_WORSE_SINCE = re.compile(
    r"\b(?:getting|got|is|are|much|far|a lot|been) worse\b(?! before)|\bworse "
    r"(?:since|than|today|tonight|now)\b|"
    # "home 4 days and now breathing fast and feeding less again", "the third time we've been sent home"
    r"\bagain\b|\b(?:second|third|fourth) time\b",
    re.I,
)


def sent_home_with_them(intake: IntakeRecord) -> bool:
    """Whether the story tells of a doctor's assessment that sent the patient home in this illness, with
    nothing said to be worse since."""
    story = "\n".join([intake.reason_for_second_opinion, intake.history, intake.main_question])
    return (
        bool(_SENT_HOME.search(story))
        and not _WORSE_SINCE.search("\n".join([story, intake.symptom_text]))
        and not _new_since_the_visit(intake.reason_for_second_opinion)
    )


#: A change told after the visit: "today she breathe very fast", "but today its harder to breathe", "since
#: yesterday he's not himself" (a new round's father, whose daughter with sickle cell disease was breathing 50
#: a minute the day after she was sent home, was told she had been assessed with it).
_SINCE_THE_VISIT = re.compile(
    r"(?:^|[.!;]\s+|\bbut\s+|\band\s+|\bnow\s+)"
    r"(?:today|tonight|last night|yesterday|this (?:morning|afternoon|evening)|since "
    r"(?:yesterday|last night|then|we got home|getting home|coming home))\b(?![^.;!?]{0,60}\b(?:A&E|GP|"
    r"doctors?|hospital|sent|discharged|home)\b)",
    re.I,
)


def _new_since_the_visit(story: str) -> bool:
    """Whether, after the visit that sent the patient home, the story tells of something new since."""
    home = _SENT_HOME.search(story)
    visit = home.end() if home else 0
    return bool(_SINCE_THE_VISIT.search(story[visit:]))


def assessed_and_sent_home(intake: IntakeRecord, signs: Sequence[str]) -> bool:
    """Whether a child's same-day signs, none an emergency or one for hospital alone, are those a doctor has
    already seen and sent the child home with (:func:`sent_home_with_them`): advice on when to go back, not to
    go now."""
    return (
        intake.age is not None
        and intake.age < 16
        and bool(signs)
        and not needs_emergency(list(signs))
        and not HOSPITAL_SIGNS & set(signs)
        # a baby's signs of heart failure are what the visits before may have missed, not what they weighed
        and BABY_HEART_SIGN not in signs
        and care_setting(intake) != "care_plan"
        and sent_home_with_them(intake)
    )


#: A specialist team with its own same-day route, and why it wants to hear first. Read drafts sent a teenager
#: with sickle cell disease, fever and a new shadow, and a woman five months after a kidney transplant, to "an
#: urgent care centre, or the GP's same-day service", and never named the chemotherapy helpline to a woman on
#: treatment with a fever (reviewers: these teams want the call first, and often admit directly).
#: Long-term conditions both the same-day route and the summary read (:mod:`assistant.drafting.facts`).
SICKLE_CELL_DISEASE = (
    r"\bsickle[- ]cell (?:disease|anaemia|anemia)\b|\bhb ?s[sc]\b|"
    r"\b(?:has|have|with|had) sickle[- ]?cell\b(?! trait)"
)
ORGAN_TRANSPLANT = (
    r"\b(?:kidney|renal|liver|lung|heart|bone marrow|stem cell) transplant(?:ed)?\b(?! (?:list|waiting))"
)
_SPECIALIST_TEAMS: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (
        re.compile(
            # chemotherapy now as the fever sign reads it (a child's leukaemia "maintenance chemotherapy",
            # its tablets), and immunotherapy
            _CHEMO_NOW.pattern + "|"
            r"\b(?:on|having|receiving|started|currently on|mid-?way through) (?:\w+ ){0,2}?"
            r"(?:chemo\w*|immunotherapy)\b|\bchemo(?:therapy)? (?:cycle|day)\b|\bcycle \d+\b|"
            r"\b(?:capecitabine|paclitaxel|docetaxel|carboplatin|cisplatin|oxaliplatin|folfox|folfiri|"
            r"gemcitabine|pembrolizumab|nivolumab)\b",
            re.I,
        ),
        "the chemotherapy team's 24-hour helpline (acute oncology)",
        "a fever or new breathlessness during cancer treatment can come from a low white cell count or from "
        "the treatment itself, which that team treats as urgent",
    ),
    (
        re.compile(
            ORGAN_TRANSPLANT + "|"
            r"\b(?:tacrolimus|ciclosporin|cyclosporine|mycophenolate|sirolimus|everolimus)\b",
            re.I,
        ),
        "the transplant unit",
        "an infection after a transplant needs its own tests, and some antibiotics clash with the "
        "anti-rejection medicines",
    ),
    (
        re.compile(SICKLE_CELL_DISEASE, re.I),
        "the sickle cell (haematology) team",
        "a fever, chest pain or a low oxygen level with sickle cell disease can be the start of an acute "
        "chest syndrome, which is treated in hospital",
    ),
    (
        re.compile(
            r"\b(?:on|having|started|has|have) (?:\w+ )?(?:haemo|hemo|peritoneal )?dialysis\b|"
            r"\bdialysis (?:unit|sessions?|days?|three times)\b",
            re.I,
        ),
        "the dialysis unit",
        "fluid, salt and medicine doses are set with the dialysis team, and fluid on the lungs can need an "
        "extra session",
    ),
    (
        re.compile(r"\b(?:has|have|with|known|my|his|her) (?:cystic fibrosis|CF)\b"),
        "the cystic fibrosis team",
        "a chest flare-up with cystic fibrosis is treated by that team, often with its own antibiotics",
    ),
)


def specialist_team(intake: IntakeRecord) -> tuple[str, str] | None:
    """The specialist team the intake tells of, with its own same-day route, and why it wants the call
    first; ``None`` when there is none."""
    text = "\n".join([intake.history, intake.reason_for_second_opinion, *intake.medications])
    for pattern, team, why in _SPECIALIST_TEAMS:
        if pattern.search(text):
            return team, why
    return None


def patient_word(intake: IntakeRecord) -> str:
    """How the draft names the patient in its advice: "the child" for a child a parent writes about or one
    under 13, "the patient" for a teenager writing for themselves (a read draft told a 15-year-old who wrote
    her own account that "the child should be assessed in hospital today")."""
    from assistant.drafting.questions import writes_of_child

    if intake.age is None or intake.age >= 16:
        return "the patient"
    return "the patient" if intake.age >= 13 and not writes_of_child(intake) else "the child"


def same_day_sentence(intake: IntakeRecord, signs: list[str], act_now: str) -> str:
    """The draft's statement that the signs described call for a doctor today, for the setting:
    emergency care now for a baby's pauses in breathing; A&E or a children's assessment unit for a
    young child; A&E or an urgent care centre for an adult (NICE NG9 refers a baby with apnoea as an
    emergency and one taking half its feeds to hospital)."""
    child = intake.age is not None and intake.age < 16
    who = patient_word(intake)
    listed = "; ".join(signs)
    setting = care_setting(intake)
    emergency = needs_emergency(signs)
    if setting == "care_plan" and not emergency:
        where = f"the GP or the care team should be asked to see {who} today"
    elif emergency:
        # a written care plan's own route now (act_now names it), never A&E beside it; a wish to avoid
        # hospital alone does not stop an emergency call (readers asked for one for a woman drowsy on oxygen
        # who "hates hospital"), and the wish is passed on
        if setting == "care_plan" and not formal_plan(intake):
            wish = (
                f" and tell them of {who}'s wish to avoid hospital, so that it is weighed with them"
                if wish_to_avoid_hospital(intake)
                else ""
            )
            where = f"call emergency services now{wish}; {who} should not wait for this opinion"
        else:
            a_and_e = "" if setting == "care_plan" else ", or go straight to A&E"
            where = f"{act_now}{a_and_e}; {who} should not wait for this opinion"
        # "is the stopping breathing normal?": parents were told only to act, never that it is not normal
        usual = (
            " Pauses in a baby's breathing, grunting, or going blue, grey or floppy, are not part of the "
            "usual course of a cold or bronchiolitis."
            if child and intake.age is not None and intake.age < 2
            # a 4-year-old grey and floppy with croup was told of a baby's colds (a read draft)
            else " These are not part of the usual course of a cold, croup or a chest infection in a child."
            if child
            else ""
        )
        if WEAKNESS_SIGN in signs and not EMERGENCY_SIGNS & set(signs):
            usual = (
                " A weakness reaching the swallowing or the breathing is not one to watch at home, or to "
                "travel to hospital with alone; nothing is eaten or drunk until the swallowing is checked."
            )
        elif HEAD_INJURY_SIGN in signs and not EMERGENCY_SIGNS & set(signs):
            usual = (
                " Bleeding inside the head after a knock on a blood thinner can build up over hours, so it "
                "is not one to watch at home or to put down to tablets or tiredness."
            )
        elif DIALYSIS_SIGN in signs and not EMERGENCY_SIGNS & set(signs):
            usual = (
                " A high potassium can stop the heart without warning, so this does not wait for the next "
                "dialysis session."
            )
        elif STRIDOR_SIGN in signs and RECESSION_SIGN in signs and not EMERGENCY_SIGNS & set(signs):
            usual = (
                " Noisy breathing in at rest with the chest drawing in is a sign of a narrowing airway, "
                "which can worsen quickly, not one to watch at home."
            )
        elif not EMERGENCY_SIGNS & set(signs):
            usual = (
                " Together these are signs of a severe illness, such as sepsis, not of one to watch at home."
            )
        return f"The account describes signs that need emergency care ({listed}): {where}.{usual}"
    elif HOSPITAL_SIGNS & set(signs):
        where = f"{who} should be assessed in hospital today (A&E), rather than at a routine appointment"
        if team := specialist_team(intake):
            where += f", and {team[0]} told at once, since {team[1]}"
    elif assessed_and_sent_home(intake, signs):
        # a baby examined in A&E and sent home with these very signs was told to go back now (three reviewers:
        # the doctors who saw her judged home care safe; what matters is what would change that)
        return (
            "The account describes signs that guidelines weigh when deciding whether a child needs "
            f"hospital care ({listed}); {who} has already been assessed with them and sent home, which is "
            "usual when the oxygen level, breathing and feeding are judged safe for home, so the advice is "
            "to go back to hospital (A&E or the children's assessment unit) the same day if they get "
            f"worse, {_INTAKE_FALLS if intake.age is None or intake.age < 3 else _DRINKING_FALLS}, and if "
            f"{who} has pauses in breathing, goes blue or grey, or grunts with each breath, {act_now}."
        )
    elif intake.age is not None and intake.age < 5:
        # "today" read to a mother of a grunting, feverish baby as "tomorrow will do" (NICE NG143 and NG9
        # refer these children to hospital urgently)
        where = (
            f"{who} should be taken to hospital now (A&E or a children's assessment unit), today rather than "
            "at a routine appointment, tomorrow or after this opinion"
        )
    elif team := specialist_team(intake):
        where = (
            f"{who} should be seen today: ring {team[0]} now or go to A&E, rather than waiting for this "
            f"opinion, since {team[1]}"
        )
    else:
        where = (
            f"{who} should be seen by a doctor today (A&E or an urgent care centre, or the GP's same-day "
            "service if it can see them today), rather than waiting for this opinion"
        )
    return (
        f"The account describes signs that guidelines treat as reasons for a same-day medical assessment "
        f"({listed}): {where}. If any of them gets worse, {act_now}."
    )
