"""The medicines a patient lists, named as they wrote them and said in general terms.

A patient who lists "paracetamol (Calpol)" and "ibuprofen" and asks about antibiotics
expects the answer on treatment to acknowledge what they are giving: what each medicine
is for, whether it treats the condition in question, and who decides about it. This is a
small table of medicine groups in the project's own words (pending clinician review, like
the condition table), recognised by generic and common UK brand names. A medicine the
table does not know is still named, and left to the prescriber or pharmacist.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.drafting.conditions import CONDITIONS

# Codeine-type medicine names as patients write them (also the opioid topic in ``topics``).
OPIOID_NAMES: tuple[str, ...] = (
    r"codeine", r"co-?codamol", r"dihydrocodeine", r"co-?dydramol",
    r"tramadol", r"morphine", r"oramorph", r"oxycodone",
)  # fmt: skip


#: TB medicines by their own and their combined tablets' names ("Voractiv" and "Rifafour" hold all four: a
#: read draft said "this opinion does not cover Voractiv"); the same-day checks read them too.
TB_MEDICINE_NAMES: tuple[str, ...] = (
    r"rifampi\w*",
    r"isoniazid",
    r"pyrazinamide",
    r"ethambutol",
    r"rifinah",
    r"rifater",
    r"rifafour",
    r"voractiv",
    r"rhze",
    r"hrze",
)


@dataclass(frozen=True)
class MedicineGroup:
    """Medicines with one purpose, in plain words."""

    key: str
    #: What it is, after "is"/"are": "a painkiller that also brings down a temperature".
    what: str
    patterns: tuple[str, ...]
    #: Condition keys (``conditions.py``) this group is a usual treatment for.
    treats: tuple[str, ...] = ()
    #: It eases symptoms (pain, fever, cough) without treating their cause.
    relieves: bool = False
    _compiled: re.Pattern[str] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        rx = re.compile(r"(?<![a-z])(?:" + "|".join(self.patterns) + r")(?![a-z])", re.IGNORECASE)
        object.__setattr__(self, "_compiled", rx)

    def matches(self, name: str) -> bool:
        """Whether a listed medicine belongs to this group."""
        return self._compiled.search(name) is not None

    def word(self, name: str) -> str:
        """The word of ``name`` that makes it one of this group ("ramipril" of "ramipril 5mg daily")."""
        found = self._compiled.search(name)
        return found.group(0).lower() if found else name


# Antibiotics treat these (a COPD flare-up with coloured phlegm included); not viral illnesses.
_INFECTIONS = ("pneumonia", "aspiration", "empyema", "bronchiectasis", "copd")

#: The biologic injections for severe asthma, by name and brand (one list for the medicines table and the
#: treatment topic).
ASTHMA_BIOLOGIC_NAMES: tuple[str, ...] = (
    r"mepolizumab",
    r"nucala",
    r"benralizumab",
    r"fasenra",
    r"reslizumab",
    r"dupilumab",
    r"dupixent",
    r"omalizumab",
    r"xolair",
    r"tezepelumab",
    r"tezspire",
)

GROUPS: tuple[MedicineGroup, ...] = (
    # medicines a new round's drafts said they "do not cover" (methadone beside clarithromycin, a GTN spray
    # with a narrowed aortic valve, Mestinon in myasthenia, a sickle cell medicine, a dialysis patient's
    # binders)
    MedicineGroup(
        "opioid_substitute",
        "an opioid substitute for opioid dependence; it slows breathing more when taken with sedatives, "
        "alcohol or other opioids, and methadone can disturb the heart rhythm (a long QT interval), more "
        "so with some other medicines such as clarithromycin, so the prescriber and pharmacist check each "
        "new one",
        (r"methadone", r"physeptone", r"buprenorphine", r"subutex", r"espranor", r"buvidal", r"suboxone"),
    ),
    MedicineGroup(
        "nitrate",
        "a nitrate, which widens the blood vessels to ease angina; it can cause a headache, and dizziness or "
        "a faint from a fall in blood pressure (more so with a narrowed aortic valve, or with "
        "sildenafil-type medicines), so it is taken sitting down",
        (
            r"gtn(?: spray| tablets?)?",
            r"glyceryl trinitrate",
            r"isosorbide (?:mono|di)nitrate",
            r"nitrolingual",
        ),
        treats=("heart_attack",),
    ),
    MedicineGroup(
        "sickle_cell_medicine",
        "a daily medicine for sickle cell disease that lowers the number of painful crises and chest crises; "
        "it can lower the white cell count, which the sickle cell team checks with regular blood tests",
        (r"hydroxycarbamide", r"hydroxyurea", r"voxelotor", r"crizanlizumab"),
        treats=("acute_chest_syndrome",),
    ),
    MedicineGroup(
        "myasthenia_medicine",
        "a medicine that strengthens the muscles in myasthenia gravis; too much of it can itself cause "
        "weakness, cramps, diarrhoea and more saliva and phlegm, so the dose is changed only with the "
        "neurology team",
        (r"pyridostigmine", r"mestinon"),
        treats=("neuromuscular_weakness",),
    ),
    MedicineGroup(
        "kidney_care",
        "a medicine for long-term kidney disease or dialysis (a phosphate binder, active vitamin D or an "
        "injection that helps make red blood cells), managed by the kidney team",
        (
            r"sevelamer",
            r"renvela",
            r"lanthanum",
            r"fosrenol",
            r"calcium acetate",
            r"phosex",
            r"alfacalcidol",
            r"calcitriol",
            r"epo(?: injections?)?",
            r"epoetin\w*",
            r"darbepoetin",
            r"aranesp",
            r"cinacalcet",
        ),
        treats=("kidney_disease",),
    ),
    MedicineGroup(
        "bone_medicine",
        "a bone-strengthening medicine that lowers the chance of fractures, from thin bones (osteoporosis) "
        "or from a cancer in the bones",
        (
            r"alendron\w*",
            r"risedron\w*",
            r"ibandron\w*",
            r"zoledron\w*",
            r"denosumab",
            r"prolia",
            r"teriparatide",
        ),
        treats=("osteoporosis",),
    ),
    MedicineGroup(
        "mnd_medicine",
        "a medicine for motor neurone disease that may slow it a little, prescribed by the neurology team",
        (r"riluzole",),
    ),
    MedicineGroup(
        "muscle_relaxant",
        "a muscle relaxant for stiffness or spasms; it can cause drowsiness and, in higher doses, weaken the "
        "breathing muscles",
        (r"baclofen", r"tizanidine", r"dantrolene"),
    ),
    MedicineGroup(
        "hydroxychloroquine",
        "a long-term medicine that calms the immune system in rheumatoid arthritis and lupus, without "
        "lowering resistance to infection as other such medicines do; yearly eye checks are advised",
        (r"hydroxychloroquine", r"plaquenil"),
    ),
    MedicineGroup(
        "hormone_replacement",
        "a hormone replacement (oestrogen), for menopause symptoms; a vaginal cream or pessary acts mainly "
        "where it is used",
        (r"(?:vaginal )?oestrogen (?:cream|gel|pessar\w*)", r"vagifem", r"estradiol", r"oestradiol", r"hrt"),
    ),
    MedicineGroup(
        "opioid",
        "an opioid (morphine- or codeine-type) medicine, used for pain and sometimes to quieten a cough",
        OPIOID_NAMES,
        treats=("rib_fracture", "chest_wall_injury"),
        relieves=True,
    ),
    MedicineGroup(
        "anti_sickness",
        "an anti-sickness medicine",
        (r"ondansetron", r"metoclopramide", r"cyclizine", r"domperidone", r"prochlorperazine", r"stemetil"),
        relieves=True,
    ),
    MedicineGroup(
        "anti_diarrhoea",
        "a medicine that slows diarrhoea",
        (r"loperamide", r"imodium"),
        relieves=True,
    ),
    MedicineGroup(
        "cold_remedy",
        "a cold and flu remedy, which usually contains paracetamol, so it is not taken with other "
        "paracetamol medicines",
        (r"lemsip", r"beechams", r"night nurse", r"day nurse", r"cold and flu\w*", r"sudafed"),
        relieves=True,
    ),
    MedicineGroup(
        "cough_medicine",
        "a cough medicine, which can ease a cough but does not shorten the illness",
        (
            r"linctus",
            r"cough (?:syrup|mixture|medicine|bottle)",
            r"benylin",
            r"pholcodine",
            r"guaifenesin",
            r"ambroxol",
            r"bromhexine",
            r"dextromethorphan",
        ),
        relieves=True,
    ),
    MedicineGroup(
        "paracetamol",
        "a painkiller that also brings down a temperature",
        (r"paracetamol", r"calpol", r"panadol"),
        treats=("costochondritis", "rib_fracture", "chest_wall_injury"),
        relieves=True,
    ),
    MedicineGroup(
        "nsaid",
        "an anti-inflammatory painkiller",
        (r"ibuprofen", r"nurofen", r"calprofen", r"naproxen", r"diclofenac", r"anti-?inflammator\w*"),
        # For pericarditis and viral pleurisy an anti-inflammatory is itself the treatment.
        treats=("costochondritis", "rib_fracture", "chest_wall_injury", "pericarditis", "pleurisy"),
        relieves=True,
    ),
    MedicineGroup(
        "colchicine",
        "an anti-inflammatory medicine used for pericarditis (with an anti-inflammatory painkiller, for a "
        "few months, to lower the chance of it coming back) and for gout; diarrhoea is its usual side "
        "effect, and some antibiotics and statins interact with it, so a pharmacist checks the other "
        "medicines",
        (r"colchicine",),
        treats=("pericarditis",),
    ),
    MedicineGroup(
        "antiviral",
        "an antiviral medicine, which treats some viral infections (such as chickenpox, shingles, flu or "
        "COVID-19)",
        (
            r"aciclovir",
            r"acyclovir",
            r"valaciclovir",
            r"valacyclovir",
            r"famciclovir",
            r"oseltamivir",
            r"tamiflu",
            r"zanamivir",
            r"paxlovid",
            r"nirmatrelvir",
            r"molnupiravir",
            r"remdesivir",
        ),
        treats=("varicella_pneumonia", "shingles", "covid19"),
    ),
    MedicineGroup(
        "antimalarial",
        "an antimalarial medicine, which treats malaria and has no effect on a chest infection",
        (
            r"coartem",
            r"artemether",
            r"lumefantrine",
            r"artesunate",
            r"amodiaquine",
            r"(?:dihydro)?artemisinin",
            r"malarone",
            r"atovaquone[- ]proguanil",
            r"quinine",
            r"chloroquine",
            r"fansidar",
            r"sulfadoxine",
        ),
        treats=("malaria",),
    ),
    MedicineGroup(
        "antiarrhythmic",
        "a medicine that controls the heart's rhythm (amiodarone can, rarely, inflame the lungs or upset the "
        "thyroid, so it is checked with blood tests and reviewed by the heart team)",
        (r"amiodarone", r"flecainide", r"sotalol", r"dronedarone", r"digoxin", r"propafenone"),
        treats=("arrhythmia",),
    ),
    # An anti-TNF medicine is named as one: it wakes up dormant TB, which is why a TB check comes first (a new
    # case on infliximab asked whether his cough could be TB "because of the infliximab")
    MedicineGroup(
        "anti_tnf",
        "an anti-TNF medicine, which calms the immune system (for example for Crohn's disease, colitis, "
        "rheumatoid arthritis or psoriasis) and lowers the defence against infection; it can wake up TB that "
        "has lain dormant, which is why a TB check comes before it is started",
        (
            r"adalimumab",
            r"humira",
            r"etanercept",
            r"enbrel",
            r"benepali",
            r"infliximab",
            r"remicade",
            r"inflectra",
            r"remsima",
            r"certolizumab",
            r"cimzia",
            r"golimumab",
            r"simponi",
        ),
    ),
    MedicineGroup(
        "immune_suppressant",
        "a medicine that calms the immune system (for example for rheumatoid arthritis, psoriasis or after a "
        "transplant), which lowers the defence against infection and, rarely, inflames the lungs",
        (
            r"methotrexate",
            r"azathioprine",
            r"mycophenolate",
            r"tacrolimus",
            r"ciclosporin",
            r"cyclosporine",
            r"leflunomide",
            r"rituximab",
            r"tocilizumab",
        ),
    ),
    # "Pulmozyme (dornase alfa) nebulised once a day" is a cystic fibrosis medicine breathed in, not the
    # enzyme put into a chest drain (a read draft called it a fibrinolytic) Biologic injections for severe
    # asthma ("should I have the injection (mepolizumab)?": a read draft said the opinion "does not cover" it)
    MedicineGroup(
        "asthma_biologic",
        "a biologic injection for severe asthma, which calms the allergic or eosinophil-driven "
        "inflammation of the airways and lowers the need for steroid tablets",
        ASTHMA_BIOLOGIC_NAMES,
        treats=("asthma",),
    ),
    MedicineGroup(
        "tranexamic",
        "a medicine that helps blood to clot, used for heavy periods and for bleeding such as coughing up "
        "blood",
        (r"tranexamic(?: acid)?", r"cyklokapron"),
    ),
    MedicineGroup(
        "acetazolamide",
        "a medicine used to help prevent altitude sickness (and for glaucoma)",
        (r"acetazolamide", r"diamox"),
    ),
    MedicineGroup(
        "progestogen",
        "a hormone tablet (a progestogen) used for heavy or irregular periods",
        (r"norethisterone", r"utovlan", r"medroxyprogesterone", r"provera"),
    ),
    MedicineGroup(
        "epilepsy",
        "an epilepsy medicine",
        (
            r"levetiracetam",
            r"keppra",
            r"sodium valproate",
            r"valproate",
            r"epilim",
            r"lamotrigine",
            r"carbamazepine",
            r"phenytoin",
            r"topiramate",
        ),
    ),
    MedicineGroup(
        "mucolytic",
        "a medicine that thins sticky phlegm so that it is easier to cough up (a mucolytic), taken as a "
        "tablet or breathed in from a nebuliser in COPD, bronchiectasis or cystic fibrosis",
        (
            r"pulmozyme",
            r"dornase alfa",
            r"(?:neb\w* )?hypertonic saline",
            r"nebusal",
            r"bronchitol",
            r"carbocisteine",
            r"erdosteine",
        ),
        treats=("cystic_fibrosis", "bronchiectasis", "copd"),
    ),
    MedicineGroup(
        "fibrinolytic",
        "a medicine put into a chest drain to break up the pockets of infected fluid so that they drain "
        "(a fibrinolytic, sometimes given with DNase)",
        (r"urokinase", r"alteplase", r"t-?pa", r"streptokinase", r"dnase", r"dornase(?! alfa)"),
        treats=("empyema", "pleural_effusion"),
    ),
    MedicineGroup(
        "antibiotic",
        "an antibiotic, which treats bacterial infections",
        (
            r"amoxicillin",
            r"amoxil",
            r"co-?amoxiclav",
            r"augmentin",
            r"doxycycline",
            r"clarithromycin",
            r"azithromycin",
            r"erythromycin",
            r"penicillin",
            r"flucloxacillin",
            r"cefalexin",
            r"ceftriaxone",
            r"levofloxacin",
            r"ciprofloxacin",
            # as written on a prescription from Spain or Latin America, Italy or Portugal ("amoxicilina
            # 250mg/5ml": a read draft said the opinion "does not cover" it)
            r"amoxicill?ina",
            r"claritromicina",
            r"azitromicina",
            r"eritromicina",
            r"doxiciclina",
            r"levofloxacino",
            r"ciprofloxacino",
            # "co-trimoxazole (septrin) weekends", the prevention of Pneumocystis in a child on chemotherapy
            # (a read draft said the opinion "does not cover" it)
            r"co-?trimoxazole",
            r"septrin",
            r"trimethoprim",
            r"cefuroxime",
            r"metronidazole",
            r"gentamicin",
            r"tazocin",
            r"piperacillin",
            r"meropenem",
            r"vancomycin",
            r"antibiotics?",
        ),
        treats=_INFECTIONS,
    ),
    # "Could her water infection tablet, nitrofurantoin, have caused the lung scarring?" was left uncovered.
    MedicineGroup(
        "nitrofurantoin",
        "an antibiotic for urine infections, sometimes taken nightly for months or years to prevent them; "
        "taken long term it can, rarely, inflame or scar the lungs, which is a reason to review it with the "
        "prescriber, who may stop it, when a lung problem is found",
        (r"nitrofurantoin", r"macrobid", r"macrodantin"),
        treats=("urinary_tract_infection",),
    ),
    MedicineGroup(
        "tb_medicine",
        "a TB medicine",
        TB_MEDICINE_NAMES,
        treats=("tuberculosis", "latent_tb"),
    ),
    # chemotherapy, immunotherapy and targeted cancer tablets, prescribed and reviewed by the cancer team (a
    # read draft said it "does not cover FOLFOX chemo with bevacizumab" for a man asking about bleeding)
    MedicineGroup(
        "cancer_medicine",
        "a cancer medicine (chemotherapy, immunotherapy or a targeted treatment), prescribed and reviewed by "
        "the cancer team",
        (
            r"chemo(?:therapy)?",
            r"immunotherapy",
            r"folfox",
            r"folfiri",
            r"capox",
            r"xelox",
            r"bevacizumab",
            r"pembrolizumab",
            r"nivolumab",
            r"ipilimumab",
            r"atezolizumab",
            r"durvalumab",
            r"carboplatin",
            r"cisplatin",
            r"oxaliplatin",
            r"pemetrexed",
            r"docetaxel",
            r"paclitaxel",
            r"gemcitabine",
            r"capecitabine",
            r"osimertinib",
            r"alectinib",
            r"erlotinib",
            r"gefitinib",
            # a child's leukaemia maintenance ("mercaptopurine, vincristine monthly at hospital": a read draft
            # said the opinion "does not cover" them)
            r"mercaptopurine",
            r"6-?mp",
            r"vincristine",
            r"cyclophosphamide",
            r"doxorubicin",
            r"etoposide",
            r"imatinib",
        ),
        treats=("lung_cancer", "mesothelioma", "metastasis"),
    ),
    # a read draft called letrozole "a cancer medicine (chemotherapy, immunotherapy or a targeted treatment)"
    MedicineGroup(
        "hormone_cancer",
        "a hormone treatment for breast cancer, which lowers or blocks oestrogen, prescribed and reviewed by "
        "the cancer team",
        (r"tamoxifen", r"letrozole", r"anastrozole", r"exemestane", r"fulvestrant"),
        treats=("metastasis",),
    ),
    MedicineGroup(
        "steroid",
        "a steroid that calms inflammation",
        # "rescue pack of steroids and antibiotics" (a read draft called both "each an antibiotic")
        (
            r"prednisolone",
            r"prednisone",
            r"dexamethasone",
            r"hydrocortisone tablets?",
            r"steroid (?:tablets?|pills?)",
            r"(?:(?<=pack of )|(?<=course of ))steroids",
        ),
        treats=("copd", "asthma", "sarcoidosis", "ild"),
    ),
    MedicineGroup(
        "reliever",
        "a reliever inhaler, which opens the airways within minutes",
        (r"salbutamol", r"ventolin", r"terbutaline", r"bricanyl", r"blue inhaler"),
        treats=("asthma", "copd"),
    ),
    MedicineGroup(
        "preventer",
        "a preventer or long-acting inhaler, which calms or opens the airways over time",
        (
            r"beclometasone",
            r"clenil",
            r"qvar",
            r"fluticasone",
            r"flixotide",
            r"budesonide",
            r"pulmicort",
            r"seretide",
            r"symbicort",
            r"fostair",
            r"trelegy(?: ellipta)?",
            r"relvar",
            r"trimbow",
            r"tiotropium",
            r"spiriva",
            r"anoro",
            r"(?:brown|purple|orange) inhaler",
        ),
        treats=("asthma", "copd"),
    ),
    # a tablet or granules, no inhaler (a read draft called montelukast "a preventer or long-acting inhaler")
    MedicineGroup(
        "leukotriene",
        "a preventer tablet or granules for asthma and wheeze (a leukotriene receptor antagonist), taken "
        "every day",
        (r"montelukast", r"singulair", r"zafirlukast"),
        treats=("asthma", "viral_wheeze"),
    ),
    MedicineGroup(
        "inhaler", "an inhaler for the airways", (r"inhalers?", r"nebuli[sz]ers?"), treats=("asthma", "copd")
    ),
    MedicineGroup(
        "anticoagulant",
        # clots first: a read draft told a woman on injections for a clot after a birth that hers were
        # "used to prevent strokes in an irregular heart rhythm"
        "a blood thinner (anticoagulant), which treats or prevents blood clots (and prevents strokes in an "
        "irregular heart rhythm)",
        (
            r"apixaban",
            r"eliquis",
            r"rivaroxaban",
            r"xarelto",
            r"edoxaban",
            r"dabigatran",
            r"warfarin",
            r"heparin",
            r"enoxaparin",
            r"clexane",
            r"dalteparin",
        ),
        treats=("pulmonary_embolism", "deep_vein_thrombosis"),
    ),
    MedicineGroup(
        "antiplatelet",
        "a medicine that makes the blood less sticky, usually to protect the heart",
        (r"aspirin", r"ecosprin", r"disprin", r"clopidogrel", r"ticagrelor", r"prasugrel"),
    ),
    MedicineGroup(
        "diuretic",
        "a water tablet (diuretic), which clears extra fluid",
        (
            r"furosemide",
            r"frusemide",
            r"lasix",
            r"bumetanide",
            r"torsemide",
            r"torasemide",
            r"spironolactone",
            r"eplerenone",
            r"water (?:tablets?|pills?)",
        ),
        treats=("heart_failure",),
    ),
    # A read draft called timolol eye drops "a non-selective beta-blocker (used for migraine, anxiety, ...)"
    # and told a man not to stop them suddenly, beside his question whether the drops caused his wheeze.
    MedicineGroup(
        "beta_blocker_eye_drops",
        "a beta-blocker eye drop for glaucoma (raised pressure in the eye); some of the drug reaches the "
        "blood through the tear ducts, enough to bring on wheeze and narrow the airways in asthma or COPD or "
        "to slow the pulse, so wheeze on it is raised with the eye clinic or GP soon, who can switch to a "
        "drop of another kind that keeps the eye pressure down",
        (
            r"(?:timolol|betaxolol|carteolol|levobunolol)(?=[^,;]{0,30}\b(?:eyes?|drops?|ophthalmic|gel)\b)",
            r"timoptol",
            r"cosopt",
            r"combigan",
            r"azarga",
        ),
    ),
    # A read draft called propranolol, started for migraine, a heart medicine, beside a woman whose wheeze
    # had worsened since: a non-selective beta-blocker can bring on wheeze in asthma.
    MedicineGroup(
        "beta_blocker_nonselective",
        "a non-selective beta-blocker (used for migraine, anxiety, a tremor, blood pressure or the heart), a "
        "kind that can bring on or worsen wheeze and narrow the airways in asthma, so any wheeze on it is "
        "raised with the prescriber soon (it is not stopped suddenly)",
        (r"propranolol", r"nadolol", r"sotalol", r"timolol"),
    ),
    MedicineGroup(
        "beta_blocker",
        "a beta-blocker, which slows the heart, for blood pressure, angina or an irregular heartbeat",
        (r"bisoprolol", r"atenolol", r"metoprolol", r"nebivolol", r"carvedilol", r"labetalol"),
        treats=("heart_failure", "heart_attack"),
    ),
    # A read draft filed ramipril under "other conditions" beside heart failure, where it is a main
    # treatment; the cough it can cause is said apart, only with a dry cough (ace_cough_caution).
    MedicineGroup(
        "ace_inhibitor",
        "an ACE inhibitor, for blood pressure and also a main treatment for heart failure and for protecting "
        "the kidneys, so it is not stopped without the prescriber",
        (r"\w+pril",),
        treats=("heart_failure",),
    ),
    # A read draft called sacubitril/valsartan (Entresto) "for blood pressure (and sometimes the heart)" for a
    # woman with a pumping fraction of 20%, where it is a main heart-failure medicine (it also lowers blood
    # pressure, so it is among the first a doctor reviews when the pressure is low).
    MedicineGroup(
        "arni",
        "a main treatment for heart failure with a weak pump, which also lowers blood pressure, so it is not "
        "stopped without the prescriber, who reviews its dose when the blood pressure is low or the kidneys "
        "are struggling",
        (r"sacubitril(?:[/ -]+valsartan)?", r"entresto"),
        treats=("heart_failure",),
    ),
    MedicineGroup(
        "blood_pressure",
        "for blood pressure (and sometimes the heart)",
        (
            r"amlodipine",
            r"nifedipine",
            r"lercanidipine",
            r"\w+sartan",
            r"telma",
            r"bendroflumethiazide",
            r"indapamide",
            r"doxazosin",
            r"blood pressure (?:tablets?|pills?)",
        ),
    ),
    MedicineGroup(
        "statin", "a statin, which lowers cholesterol", (r"\w+(?<!ny)statin", r"atorva", r"rosuva")
    ),
    # A read draft called dapagliflozin "for diabetes" beside heart failure with a normal pumping fraction,
    # where it is a main treatment, and listed it among the medicines "for other conditions".
    MedicineGroup(
        "sglt2",
        "for diabetes, and also a treatment for heart failure (including heart failure with a normal pumping "
        "fraction) and for kidney disease, so it is not stopped without the prescriber",
        (r"dapagliflozin", r"forxiga", r"empagliflozin", r"jardiance", r"canagliflozin", r"\w+gliflozin"),
        treats=("heart_failure",),
    ),
    MedicineGroup(
        "diabetes",
        "for diabetes",
        (
            r"metformin",
            r"glycomet",
            r"gliclazide",
            r"glipizide",
            r"glimepiride",
            r"glibenclamide",
            r"pioglitazone",
            r"\w+gliptin",
            r"semaglutide",
            r"ozempic",
            r"liraglutide",
            r"insulin",
            r"sitagliptin",
        ),
    ),
    MedicineGroup(
        "stomach",
        "for stomach acid",
        (r"\w+prazole", r"ranitidine", r"famotidine", r"gaviscon"),
        treats=("reflux", "hiatus_hernia"),
    ),
    MedicineGroup(
        "laxative",
        "a laxative for constipation",
        (
            r"lactulose",
            r"senna",
            r"laxido",
            r"movicol",
            r"macrogol",
            r"docusate",
            # an oily laxative, breathed in, is the cause of lipoid pneumonia
            r"liquid paraffin",
            r"mineral oil",
            r"paraffin oil",
        ),
    ),
    MedicineGroup("bowel", "for irritable bowel symptoms", (r"mebeverine", r"colofac", r"buscopan")),
    # Feeds listed among a baby's medicines: a read draft said "this opinion does not cover expressed breast
    # milk plus preterm formula".
    MedicineGroup(
        "feed",
        "a feed rather than a medicine, planned with the baby's or the patient's team (the dietitian or the "
        "speech and language therapist)",
        (
            r"(?:expressed )?breast ?milk",
            r"(?:preterm |infant |baby |follow-on |hypoallergenic |anti-reflux )?formula(?: milk)?",
            r"(?:ng|nasogastric|peg|gastrostomy|tube) feeds?",
            r"thickened (?:fluids|drinks|feeds)",
            r"(?:feed )?thickener",
        ),
    ),
    # Machines and oxygen listed among the medicines: a read draft said "this opinion does not cover home NIV;
    # the prescriber or a pharmacist can say" of a man with post-polio breathing failure.
    MedicineGroup(
        "breathing_machine",
        "a breathing machine worn with a mask, usually at night (non-invasive ventilation or CPAP), set up "
        "and reviewed by the sleep or home ventilation team",
        (
            r"(?:home )?niv",
            r"bi-?pap",
            r"bi-?level",
            r"cpap",
            r"non-?invasive ventilation",
            r"(?:home |night[- ]time )?ventilator",
        ),
        treats=("sleep_apnoea", "neuromuscular_weakness"),
    ),
    MedicineGroup(
        "cough_assist",
        "a cough assist machine, which helps a weak cough clear phlegm, used as the physiotherapy team "
        "advises",
        (r"cough ?assist", r"mechanical insufflation", r"insufflation-exsufflation"),
    ),
    MedicineGroup(
        "home_oxygen",
        "oxygen at home, prescribed and reviewed by the home oxygen team",
        (r"(?:home |long[- ]term |ambulatory )oxygen", r"oxygen (?:at home|concentrator)"),
    ),
    # Read drafts said "this opinion does not cover saline nose drops" of babies with bronchiolitis while
    # recommending the same drops a few lines later.
    # "Beconase nose spray" (a read draft said the opinion "does not cover" it, of a baker whose runny nose at
    # work came before her asthma)
    MedicineGroup(
        "nasal_steroid",
        "a steroid nose spray, which calms a blocked or runny nose from hay fever or other rhinitis",
        (
            r"beconase",
            r"(?:nasal )?steroid (?:nasal |nose )?spray",
            r"avamys",
            r"nasonex",
            r"flixonase",
            r"nasacort",
            r"dymista",
            r"steroid (?:nose|nasal) sprays?",
        ),
    ),
    MedicineGroup(
        "nasal_saline",
        "salt-water (saline) nose drops or spray, which loosen a blocked nose before feeds and are safe "
        "to use",
        (
            r"saline (?:nose |nasal )?(?:drops|spray)",
            r"nasal saline",
            r"salt[- ]water (?:nose )?drops",
            r"sterimar",
        ),
        relieves=True,
    ),
    MedicineGroup(
        "antihistamine",
        "an antihistamine for allergy symptoms",
        (
            r"cetirizine",
            r"loratadine",
            r"fexofenadine",
            r"chlorphenamine",
            r"piriton",
            r"piriteze",
            r"clarityn",
            r"antihistamines?",
        ),
    ),
    # Listed by patients beside their medicines ("beer 3-4 cans on weekend"): said, not left uncovered.
    MedicineGroup(
        "alcohol",
        "alcohol, which is not a medicine but matters beside some: it adds to the liver strain of TB "
        "medicines and to the drowsiness of sedatives, so it is worth telling the prescriber how much is "
        "drunk",
        (r"beer", r"lager", r"wine", r"alcohol", r"spirits", r"vodka", r"whisk(?:e)?y", r"cans? of \w+"),
    ),
    MedicineGroup(
        "iron",
        "an iron supplement, for anaemia from low iron",
        (
            r"ferrous \w+",
            r"iron (?:tablets?|supplements?|syrup|drops)",
            r"ferrograd",
            r"feroglobin",
            r"sytron",
        ),
        treats=("anaemia",),
    ),
    MedicineGroup(
        "antipsychotic",
        "an antipsychotic medicine, which in older people, above all with dementia, can cause drowsiness and "
        "make swallowing less safe, so it is reviewed after a chest infection or a fall",
        (r"quetiapine", r"seroquel", r"risperidone", r"olanzapine", r"haloperidol", r"aripiprazole"),
    ),
    MedicineGroup(
        "sedative",
        "a sleeping or calming medicine (a sedative), which in older people raises the risk of falls and can "
        "slow the breathing",
        (r"lorazepam", r"diazepam", r"temazepam", r"zopiclone", r"zolpidem", r"clonazepam", r"alprazolam"),
    ),
    MedicineGroup(
        "antidepressant",
        "an antidepressant, also used for anxiety",
        (r"sertraline", r"citalopram", r"escitalopram", r"fluoxetine", r"mirtazapine", r"venlafaxine"),
    ),
    MedicineGroup(
        "combined_pill",
        "a combined contraceptive pill, which slightly raises the risk of blood clots",
        (
            r"microgynon",
            r"rigevidon",
            r"yasmin",
            r"cilest",
            r"marvelon",
            r"femodette",
            # "Should I stop taking Dianette?" (an acne pill with an oestrogen: a read draft said it "does not
            # cover" it beside a suspected clot)
            r"dianette",
            r"co-?cyprindiol",
            r"lucette",
            r"gedarel",
            r"millinette",
            r"zoely",
            r"combined pill",
            r"combined (?:oral )?contracepti\w+",
        ),
    ),
    MedicineGroup(
        "contraceptive",
        "a contraceptive",
        (r"cerazette", r"desogestrel", r"mini pill", r"the pill", r"contracepti\w+"),
    ),
    # "the fluconazole they gave him" (a read draft said it "does not cover" the antifungal a boy on
    # chemotherapy was taking while a mould infection was asked about)
    MedicineGroup(
        "antifungal",
        "an antifungal medicine, which treats or prevents fungal infections (fluconazole covers yeasts such "
        "as "
        "Candida but not moulds such as Aspergillus, which need voriconazole, posaconazole, itraconazole or "
        "amphotericin)",
        (
            r"fluconazole",
            r"diflucan",
            r"itraconazole",
            r"voriconazole",
            r"posaconazole",
            r"isavuconazole",
            r"amphotericin(?: b)?",
            r"ambisome",
            r"caspofungin",
            r"nystatin",
        ),
        treats=("fungal_infection", "aspergillosis", "abpa"),
    ),
    MedicineGroup(
        "parkinsons",
        "for Parkinson's disease",
        (
            r"co-?careldopa",
            r"sinemet",
            r"madopar",
            r"co-?beneldopa",
            r"levodopa",
            r"ropinirole",
            r"pramipexole",
            r"rasagiline",
        ),
    ),
    MedicineGroup("prostate", "for prostate symptoms", (r"tamsulosin", r"finasteride", r"dutasteride")),
    MedicineGroup("thyroid", "a thyroid hormone replacement", (r"levothyroxine", r"thyroxine")),
    MedicineGroup(
        "antifibrotic",
        "an antifibrotic medicine, which slows lung scarring",
        (r"nintedanib", r"ofev", r"pirfenidone", r"esbriet"),
        treats=("pulmonary_fibrosis", "ild"),
    ),
    MedicineGroup(
        "pyridoxine",
        "vitamin B6, usually given with the TB medicine isoniazid to protect the nerves",
        (r"pyridoxine", r"vitamin b6"),
    ),
    # A patch, gum or spray helps someone stop smoking: a read draft told a woman with a lung abscess, using
    # a patch to stop, that "vaping is not known to be harmless to the lungs".
    MedicineGroup(
        "nicotine_replacement",
        "a nicotine replacement, which helps someone stop smoking; it is far safer than smoking and worth "
        "keeping up for the course the stop-smoking service advises",
        (
            r"nicotine (?:patch\w*|gum|lozenges?|inhalators?|(?:mouth |nasal )?sprays?|replacement\w*|"
            r"mini ?lozenges?|microtabs?)",
            r"nrt",
            r"niquitin\w*",
            r"nicorette\w*(?! (?:vape|vapes|vaping|e-?cig\w*))",
        ),
    ),
    MedicineGroup(
        "nicotine",
        "a nicotine product, used in place of cigarettes; it is far less harmful than smoking, but vaping "
        "is not known to be harmless to the lungs",
        (r"nicotine(?: \w+)?", r"vapes?", r"vaping", r"e-?cig\w*"),
    ),
    MedicineGroup(
        "dementia", "a dementia medicine", (r"rivastigmine", r"donepezil", r"galantamine", r"memantine")
    ),
    MedicineGroup(
        "supplement",
        "a vitamin or supplement",
        (
            r"calcium(?: and vitamin d)?",
            r"adcal(?:-d3)?",
            r"folic acid",
            r"creatine",
            r"protein (?:powder|shakes?)",
            r"energy drinks?",
            r"vitamin \w+",
            r"supplements?",
            r"fish oil",
            r"multivitamins?",
        ),
    ),
)

# The words saying a listed medicine is no longer taken, one list for every reader of a note: a course
# that ran its length, and one stopped early.
_FINISHED = r"finished|completed|done"
# "not taking" and not "(not taking every day)": taken irregularly is still taken (a read draft called a
# man's amlodipine stopped)
_STOPPED = (
    r"stopped|not taking(?! (?:it |them )?(?:every ?day|daily|regularly|properly|always|as prescribed))|"
    r"no longer taking|used to"
)
_ENDED = re.compile(rf"\b(?:{_FINISHED}|{_STOPPED})\b", re.IGNORECASE)
#: Still taken, whatever a letter says: "letter says stopped but still taking" (a read draft called a woman's
#: amlodipine and naproxen stopped, and passed over what the discharge letter had asked).
_STILL = re.compile(
    r"\b(?:still (?:taking|takes?|on it|on them|using|uses?|having)|kept (?:on )?taking|"
    r"carr(?:y|ies|ied|ying) on (?:taking|with)|continu\w* (?:to take|taking))\b",
    re.IGNORECASE,
)


def ended(note: str) -> bool:
    """Whether a listed medicine's note says it is no longer taken ("finished", "stopped 2016"), and not that
    it still is ("letter says stopped but still taking")."""
    return _ENDED.search(note) is not None and _STILL.search(note) is None


# A bracketed note on a listed medicine that is not part of its name: "(finished)", "(bought)".
_NOTE = re.compile(
    rf"\b({_FINISHED}|{_STOPPED}|bought|over the counter|otc|from the (?:chemist|pharmacy|shop)|"
    r"as needed|when needed|prn|sometimes|occasionally|old|previous|prescribed|daily|"
    r"twice|nightly|morning|evening|new|newly started|just started)\b|\d",
    re.IGNORECASE,
)
_BRACKET = re.compile(r"\s*\(([^)]*)\)")
# How it is taken, written after the name: "ibuprofen when needed".
#: An entry saying there are none ("none regularly", "nil", "no regular medicines"): a read draft said "this
#: opinion does not cover none regularly".
NO_MEDICINES = re.compile(
    r"(?:none|nil|nothing|n/a|"
    r"no (?:regular |other |current )?(?:medicines?|medications?|meds|tablets?|treatment))\b",
    re.I,
)
_USAGE = re.compile(
    r"\s+(when needed|as needed|as required|if needed|prn|occasionally|sometimes|at night|"
    # "twice daily" goes as a whole: "apixaban 2.5mg twice daily" is not "apixaban 2.5mg twice".
    r"(?:up to\s+)?(?:(?:once|twice|three times|four times|\d+ times)\s+)?daily|"
    # "paracetamol 1g up to 4 times a day" (a read draft said "paracetamol 1g up to is a painkiller")
    r"(?:up to\s+)?(?:once|twice|three times|four times|\d+ times) (?:a|per) day|"
    # whether it still is: "clopidogrel stopped 2016", "amoxicillin finished last week"
    rf"(?:{_FINISHED}|{_STOPPED})"
    r"(?:\s+(?:in\s+)?(?:\d{4}|\w+ \w+ ago|last \w+|"
    r"(?:a|\d+|few|some) \w+ ago))?)$",
    re.IGNORECASE,
)


# A note in the draft's words: how the medicine is taken or whether it still is.
_PLAIN_NOTES: tuple[tuple[str, str], ...] = (
    (
        _STILL.pattern + rf"(?=.*\b(?:{_STOPPED})\b)|\b(?:{_STOPPED})\b.*" + _STILL.pattern,
        "still taken, although a letter or the team said to stop it",
    ),
    (rf"^(?!.*{_STILL.pattern}).*\b(?:{_FINISHED})\b", "course finished"),
    (rf"^(?!.*{_STILL.pattern}).*\b(?:{_STOPPED})\b", "stopped"),
    (r"\bnew\b|newly started|just started", "newly started"),
    (r"bought|over the counter|otc|from the (?:chemist|pharmacy|shop)", "bought without a prescription"),
    (r"when needed|as needed|as required|if needed|prn|occasionally|sometimes", "taken when needed"),
)


@dataclass(frozen=True)
class ListedMedicine:
    """One medicine as the patient listed it."""

    name: str
    note: str
    group: MedicineGroup | None

    @property
    def said(self) -> str:
        """The name, with a note on how it is taken in plain words: 'amoxicillin (course finished)'."""
        plain = [words for pattern, words in _PLAIN_NOTES if re.search(pattern, self.note, re.IGNORECASE)]
        return f"{self.name} ({', '.join(plain)})" if plain else self.name

    @property
    def several(self) -> bool:
        """Whether the entry names more than one medicine ("calpol and nurofen", "amoxicillin then
        clarithromycin"), so that a sentence about it takes a plural verb."""
        # "1 puff twice a day with spacer and mask" is one inhaler (a read draft said "... with spacer and
        # mask are each a preventer")
        return bool(_SEVERAL.search(_WITH_DEVICE.sub("", self.name)))


#: How a medicine is taken, which a joining word inside does not make two ("with spacer and mask").
_WITH_DEVICE = re.compile(
    r"\b(?:with|via|through|using)\s+(?:a |an |the |his |her |my "
    r")?(?:spacers?|masks?|nebuli[sz]ers?|aerochamber|"
    r"volumatic|food|meals?|water|milk)\b[^,;]*",
    re.I,
)
#: Words joining two medicines in one listed entry.
_SEVERAL = re.compile(r"\b(?:and|then|plus)\b|\s[&+]\s", re.IGNORECASE)


def _count(meds: Sequence[ListedMedicine]) -> int:
    """How many medicines the entries name, counting a joined entry as two."""
    return sum(2 if m.several else 1 for m in meds)


def listed_medicine(text: str) -> ListedMedicine:
    """A listed medicine named as the patient wrote its name, without a note on how it is taken.

    "paracetamol (Calpol)" keeps its brand, the name the patient knows it by; "codeine linctus
    (bought)", "amoxicillin (finished)" and "ibuprofen when needed" are named "codeine linctus",
    "amoxicillin" and "ibuprofen", their notes kept apart.
    """
    text = " ".join(text.split())
    outside = _BRACKET.sub(" ", text)
    notes = [
        m.group(1).strip()
        for m in _BRACKET.finditer(text)
        if _NOTE.search(m.group(1)) and not _others(m.group(1), outside)
    ]
    name = _BRACKET.sub(lambda m: "" if _NOTE.search(m.group(1)) else m.group(0), text).strip(" ,;")
    usage = _USAGE.search(name)
    if usage:
        notes.append(usage.group(1))
        # "doxycycline - finished" is named "doxycycline" (a read draft said "doxycycline - (course
        # finished)")
        name = name[: usage.start()].rstrip(" ,;:-\u2013")
    # The group is the named medicine's, not one its bracketed words mention: "levothyroxine 50 mcg (thyroid
    # went low on amiodarone)" is a thyroid hormone (a read draft called it a heart rhythm medicine); a
    # bracket is read only when the name outside it is none the table knows ("Calpol" in "the pink medicine
    # (Calpol)").
    bare = _BRACKET.sub(" ", name)
    group = next((g for g in GROUPS if g.matches(bare)), None) or next(
        (g for g in GROUPS if g.matches(name)), None
    )
    return ListedMedicine(name=name or text, note="; ".join(notes), group=group)


def _others(bracket: str, outside: str) -> bool:
    """Whether a bracketed note is about other medicines: "amoxicillin 1g IV (co-amoxiclav and clarithromycin
    stopped day 2)" is taken now; the stopped ones are the two it replaced (a read draft said "amoxicillin
    (stopped)" of the antibiotic a woman was on). A medicine named before or after the note's status word is
    another one's; "D-vitamin drops (I stopped because ... calcium)" and "none now (doxycycline course
    finished)" keep theirs."""
    status = _ENDED.search(bracket)
    if status is None or not any(g.matches(outside) for g in GROUPS):
        return False
    # "losartan 50mg (since 4 months, stopped lisinopril)": the one named after the status word was stopped (a
    # read draft said "losartan (stopped)" of the medicine that replaced it)
    after = re.match(r"\s+(?:(?:the|my|his|her|their)\s+)?([\w-]+)", bracket[status.end() :])
    return any(g.matches(bracket[: status.start()]) or (after and g.matches(after.group(1))) for g in GROUPS)


def listed_medicines(text: str) -> list[ListedMedicine]:
    """One listed entry as the medicines it names: a joined entry whose parts are of different groups is said
    part by part ("rescue pack of prednisolone and doxycycline": a steroid and an antibiotic; a read draft
    called them "each an antibiotic"); one of a single group, or with a part the table does not know, stays
    whole ("amoxicillin then clarithromycin")."""
    whole = listed_medicine(text)
    if not whole.several:
        return [whole]
    pieces: list[str] = []
    for piece in (p for p in _SEVERAL.split(whole.name) if p.strip(" ,")):
        if pieces and re.match(r"\s*\d", piece):
            # "doxycycline 200mg day 1 then 100mg daily": a dose goes on with the medicine before it
            pieces[-1] += " then " + piece.strip()
        else:
            pieces.append(piece)
    parts = [listed_medicine(p) for p in pieces]
    groups = {p.group.key if p.group else None for p in parts}
    if None in groups or len(groups) < 2:
        return [whole]
    return [ListedMedicine(name=p.name.strip(" ,"), note=whole.note, group=p.group) for p in parts]


def _join(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _upper(text: str) -> str:
    return text[:1].upper() + text[1:]


#: Conditions with which an anti-inflammatory painkiller is usually avoided, in plain words.
_NSAID_CAUTION = {
    "heart_failure": "heart failure",
    "kidney_disease": "kidney disease",
    "cardiomyopathy": "a weak heart muscle",
}


def nsaid_caution(
    meds: Sequence[ListedMedicine], condition_keys: Sequence[str], possible: Sequence[str] = ()
) -> str:
    """A caution when an anti-inflammatory painkiller is listed beside heart failure, kidney disease,
    a blood thinner or a water tablet, or "" (a read draft named a 79-year-old's ibuprofen with
    heart failure and furosemide, and a warfarin user's with stage 4 kidney disease, without one)."""
    meds = _current(meds)
    nsaids = [m for m in meds if m.group and m.group.key == "nsaid"]
    if not nsaids:
        return ""
    reasons = [name for key, name in _NSAID_CAUTION.items() if key in condition_keys]
    # heart failure only possible (a read draft named naproxen in a 78-year-old whose "pneumonias" were
    # probably heart failure only as a chest-wall painkiller)
    reasons += [
        f"{name} among the possibilities"
        for key, name in _NSAID_CAUTION.items()
        if key in possible and key not in condition_keys and name not in reasons
    ]
    groups = {m.group.key for m in meds if m.group}
    if "anticoagulant" in groups:
        reasons.append("a blood thinner")
    if "diuretic" in groups and "heart failure" not in reasons:
        reasons.append("a water tablet")
    if "antiplatelet" in groups:
        reasons.append("aspirin or a similar medicine that makes the blood less sticky")
    if not reasons:
        return ""
    out = (
        f"With {_join(list(dict.fromkeys(reasons)))}, anti-inflammatory painkillers such as "
        f"{_join([m.name for m in nsaids])} are usually avoided, because they can make fluid build up, "
        "worsen kidney function and add to the risk of bleeding; paracetamol is usually the safer "
        "choice, and the GP or a pharmacist can advise on pain relief."
    )
    # The "triple whammy": read drafts passed over naproxen beside lisinopril and furosemide at 78.
    if "diuretic" in groups and ({"ace_inhibitor"} & groups or any(_SARTAN.search(m.name) for m in meds)):
        out += (
            " Taken together with a blood pressure medicine of the ACE-inhibitor or sartan kind and a water "
            "tablet, an anti-inflammatory painkiller is a well-known cause of sudden kidney injury, so this "
            "combination is worth raising with the GP or a pharmacist soon rather than at the next routine "
            "visit."
        )
    if any(re.search(r"\baspirin\b", m.name, re.I) for m in meds):
        out += (
            " Taken regularly, ibuprofen can also weaken the protective effect of low-dose aspirin on the "
            "heart."
        )
    return out


def _current(meds: Sequence[ListedMedicine]) -> list[ListedMedicine]:
    """The medicines still taken ("clopidogrel stopped 2016" is not)."""
    return [m for m in meds if not ended(m.note)]


#: A heparin injection, and what makes one a treatment dose rather than a preventive one.
_HEPARIN = re.compile(r"heparin|enoxaparin|clexane|dalteparin", re.I)
_TREATMENT_DOSE = re.compile(r"\b(?:treatment|1\.5 ?mg/kg|infusion|drip)\b", re.I)
#: Twice a day is a treatment dose of a low-molecular-weight heparin, not of plain heparin under the skin.
_TWICE = re.compile(r"\btwice\b", re.I)
_PREVENTIVE = re.compile(r"\bprevent\w*|\bprophyla\w*", re.I)


def treats_a_clot(medications: Sequence[str]) -> bool:
    """Whether a blood thinner still taken is at a dose that treats a clot: a tablet such as apixaban or
    warfarin, or a heparin injection at a treatment dose (not "dalteparin 5000 units once a night for 28
    days" after an operation, which prevents one)."""
    for med in _current([listed_medicine(m) for m in medications]):
        if med.group is None or med.group.key != "anticoagulant":
            continue
        said = f"{med.name} {med.note}"
        if _PREVENTIVE.search(said):
            continue
        if not _HEPARIN.search(med.group.word(med.name)) or _heparin_dose(med) == "treatment":
            return True
    return False


#: A heparin dose in milligrams above which it treats a clot (enoxaparin 1.5 mg/kg; 40 mg a day prevents).
_MG = re.compile(r"\b(\d+(?:\.\d+)?)\s*mg\b", re.I)
_PREVENTIVE_MG = 40


def _heparin_dose(med: ListedMedicine) -> str:
    """A listed heparin injection's dose: "preventive" ("enoxaparin 40mg once daily", "dalteparin 5000 units
    ... to prevent clots"), "treatment" (said so, twice a day for a low-molecular-weight heparin, or over 40
    mg), or "" (not a heparin, or no dose said)."""
    said = f"{med.name} {med.note}"
    word = med.group.word(med.name) if med.group is not None else ""
    if not _HEPARIN.search(word):
        return ""
    if _PREVENTIVE.search(said):
        return "preventive"
    if _TREATMENT_DOSE.search(said) or (word != "heparin" and _TWICE.search(said)):
        return "treatment"
    doses = [float(m.group(1)) for m in _MG.finditer(said)]
    if not doses:
        return ""
    return "treatment" if max(doses) > _PREVENTIVE_MG else "preventive"


_SARTAN = re.compile(r"\b\w+sartan\b", re.I)


def young_child_cough_caution(meds: Sequence[ListedMedicine], age: int | None) -> str:
    """Cough medicines bought for a child under 6 are not recommended, or "" (a read draft told the
    parents of a 3-year-old that ambroxol syrup "can ease a cough")."""
    if age is None or age >= 6:
        return ""
    syrups = [m for m in _current(meds) if m.group and m.group.key == "cough_medicine"]
    if not syrups:
        return ""
    return (
        f"Cough medicines such as {_join([m.name for m in syrups])} are not recommended for children "
        "under 6: they have not been shown to help and can cause side effects; warm drinks (or a little "
        "honey from the age of one) are the usual home measures, and a pharmacist or the doctor can advise."
    )


_VITAMIN_D = re.compile(r"vitamin d|d3\b|colecalciferol|cholecalciferol|calcium|adcal|calcichew", re.I)


def vitamin_d_caution(meds: Sequence[ListedMedicine], condition_keys: Sequence[str]) -> str:
    """With sarcoidosis, whose granulomas make active vitamin D, a vitamin D or calcium supplement can push
    the blood calcium too high, or "" (a read draft named a man's vitamin D3 3000 IU with Löfgren syndrome
    only as "a vitamin or supplement")."""
    if "sarcoidosis" not in condition_keys:
        return ""
    taken = [m for m in _current(meds) if _VITAMIN_D.search(m.name)]
    if not taken:
        return ""
    return (
        "In sarcoidosis the inflamed glands can make extra active vitamin D, so "
        f"{_join([m.name for m in taken])} can push the blood calcium too high (with thirst, kidney stones "
        "or confusion); blood and urine calcium are usually checked before carrying on, which the "
        "prescriber can arrange."
    )


def steroid_caution(meds: Sequence[ListedMedicine]) -> str:
    """Steroid tablets beside a diabetes medicine raise the blood sugar (a read draft passed over
    readings of 18 to 20 on prednisolone with metformin), or ""."""
    meds = _current(meds)
    groups = {m.group.key for m in meds if m.group}
    if not {"steroid", "diabetes"} <= groups:
        return ""
    steroids = [m.name for m in meds if m.group and m.group.key == "steroid"]
    return (
        f"Steroid tablets such as {_join(steroids)} raise the blood sugar, usually within hours of each "
        "dose, "
        "so with diabetes the sugar is checked more often while they are taken; readings that stay high, or "
        "thirst, passing a lot of urine, vomiting or drowsiness, are a reason to contact the GP or diabetes "
        "team the same day."
    )


#: Combined medicines that contain paracetamol besides their other drug, and what else is in them.
_WITH_PARACETAMOL = re.compile(
    r"\b(?:co-?codamol|co-?dydramol|solpadeine|tylex|zapain|kapake|migraleve|lemsip|beechams|night nurse|"
    r"day nurse|cold and flu\w*)\b",
    re.I,
)


def paracetamol_caution(meds: Sequence[ListedMedicine], age: int | None) -> str:
    """Two listed medicines that both contain paracetamol ("paracetamol 1g four times a day" and "co-codamol
    30/500 at night": two read drafts passed over a daily total above the safe limit), or ""."""
    meds = _current(meds)
    combined = [m for m in meds if _WITH_PARACETAMOL.search(m.name)]
    plain = [m for m in meds if m.group and m.group.key == "paracetamol" and m not in combined]
    if not combined or len(combined) + len(plain) < 2:
        return ""
    limit = (
        "the daily limit for a child depends on age and weight, which the pharmacist or GP checks"
        if age is not None and age < 16
        else "an adult should not take more than 4 g (eight 500 mg tablets) of paracetamol in 24 hours from "
        "all medicines together, and less for someone who is frail or of low weight"
    )
    together = f"taken with {_join([m.name for m in plain])}" if plain else "taken together"
    return (
        f"{_upper(_join([m.name for m in combined]))} {'contains' if len(combined) == 1 else 'contain'} "
        f"paracetamol as well, so {together} the paracetamol adds up: {limit}; a pharmacist or the GP can "
        "check the total today."
    )


#: Medicine groups whose levels rifampicin lowers, and what that means, in plain words.
_RIFAMPICIN_LOWERS = {
    "diabetes": "the blood sugar is checked more often, since some diabetes tablets (gliclazide and others "
    "of its kind) work less well",
    "anticoagulant": "the blood thinner may need changing, since rifampicin lowers its level",
    "combined_pill": "the pill is no longer reliable contraception, so another method is needed",
    "contraceptive": "hormonal contraception is no longer reliable, so another method is needed",
    "steroid": "the steroid dose may need raising",
}
_SULFONYLUREA = re.compile(r"\b(?:glicla|glipi|glime|glibencl|glyb)\w*", re.I)


#: Antibiotics that do not act on the germs of atypical pneumonia (no cell wall: Mycoplasma; inside cells:
#: Legionella, Chlamydia), and those that do.
_CELL_WALL_ONLY = re.compile(
    r"amoxicillin|amoxil|co-?amoxiclav|augmentin|penicillin|flucloxacillin|cef\w+|ceftriaxone", re.I
)
_ACTS_ON_ATYPICALS = re.compile(
    r"doxycycline|clarithromycin|azithromycin|erythromycin|levofloxacin|moxifloxacin|ciprofloxacin", re.I
)


def atypical_caution(
    meds: Sequence[ListedMedicine], condition_keys: Sequence[str], possible: Sequence[str] = ()
) -> str:
    """When atypical pneumonia is the diagnosis or among the possibilities and the only antibiotics listed
    are penicillins or cephalosporins, that these do not act on its germs, or "" (a read draft answered
    "is amoxicillin the right antibiotic?" for a man back from a hotel with a hot tub, confused and
    feverish, without saying that amoxicillin does not treat Legionella)."""
    if not {"atypical_pneumonia", "legionnaires"} & {*condition_keys, *possible}:
        return ""
    current = [m for m in _current(meds) if m.group and m.group.key == "antibiotic"]
    walls = [m for m in current if _CELL_WALL_ONLY.search(m.name)]
    if not walls or any(_ACTS_ON_ATYPICALS.search(m.name) for m in current):
        return ""
    names = _join([m.name for m in walls])
    return (
        f"{_upper(names)} {'does' if _count(walls) == 1 else 'do'} not act on the germs of atypical "
        "pneumonia (Mycoplasma, Legionella); when the illness or the story points to one, doctors usually "
        "add or switch to an antibiotic that does, such as clarithromycin or doxycycline, so this is worth "
        "raising with the prescriber promptly."
    )


#: Kinds of medicine not usually taken several at once, with their plural name and how many make it unusual.
_SAME_KIND: dict[str, tuple[str, int]] = {
    "antibiotic": ("antibiotics", 3),
    "anticoagulant": ("blood thinners", 2),
    "nsaid": ("anti-inflammatory painkillers", 2),
}
_NUMBER_WORDS = {2: "two", 3: "three", 4: "four", 5: "five"}
#: Heparin while warfarin takes effect is a planned overlap, not two blood thinners by mistake.
_BRIDGING = re.compile(r"\bwarfarin\b", re.I)


def same_kind_caution(meds: Sequence[ListedMedicine]) -> str:
    """When the medicines still taken hold several of a kind not usually doubled (three antibiotics from A&E
    and the GP, two blood thinners, two anti-inflammatory painkillers), that which to take now is worth
    checking, or "" (a read draft listed a deaf man's three antibiotics from two prescribers, whose question
    was "which tablets I take, all 3?", as each "the kind of medicine used for pneumonia")."""
    for key, (plural, many) in _SAME_KIND.items():
        same = [m for m in _current(meds) if m.group is not None and m.group.key == key and not m.several]
        if len(same) < many:
            continue
        if (
            key == "anticoagulant"
            and any(_BRIDGING.search(m.name) for m in same)
            and any(_HEPARIN.search(m.name) for m in same)
        ):
            continue
        return (
            f"{_upper(_join([m.name for m in same]))} are all {plural}; taking "
            f"{_NUMBER_WORDS.get(len(same), str(len(same)))} at once is unusual unless a doctor planned it "
            "that way, so which of them to take now is worth checking with the prescriber or a pharmacist "
            "today."
        )
    return ""


def rifampicin_caution(meds: Sequence[ListedMedicine], condition_keys: Sequence[str]) -> str:
    """For TB (active or latent), whose usual treatments include rifampicin: the listed medicines whose
    levels it lowers (a read draft for a man about to start TB treatment on gliclazide did not say
    so), or "".
    """
    if not {"tuberculosis", "latent_tb"} & set(condition_keys):
        return ""
    hit: list[tuple[str, str]] = []
    for m in _current(meds):
        key = m.group.key if m.group else ""
        if key == "diabetes" and not _SULFONYLUREA.search(m.name):
            continue  # metformin is not much affected
        what = _RIFAMPICIN_LOWERS.get(key, "")
        if re.search(r"warfarin|coumadin", m.name, re.I):
            what = "the INR is checked often, since the warfarin dose usually needs raising, and lowering"
            what += " again when it stops"
        if what and what not in [h for _, h in hit]:
            hit.append((m.name, what))
    if not hit:
        return ""
    names = _join([n for n, _ in hit])
    return (
        f"Rifampicin, one of the usual TB medicines, lowers the level of many other medicines, {names} "
        f"among them; while it is taken, {'; '.join(h for _, h in hit)}, which the TB team and the "
        "prescriber plan together."
    )


def pioglitazone_caution(meds: Sequence[ListedMedicine], condition_keys: Sequence[str]) -> str:
    """Pioglitazone where heart failure is the diagnosis, background or an alternative: it holds fluid
    and is not used in heart failure (a read draft left "this opinion does not cover pioglitazone" for a
    woman whose breathlessness was probably heart failure), or ""."""
    if "heart_failure" not in condition_keys:
        return ""
    glitazone = [m.name for m in _current(meds) if re.search(r"pioglitazone|actos", m.name, re.I)]
    if not glitazone:
        return ""
    return (
        f"{_upper(_join(glitazone))} can make the body hold fluid and is usually not used with heart "
        "failure, so with heart failure among the possibilities it is one to raise with the prescriber soon."
    )


def bleeding_caution(meds: Sequence[ListedMedicine], symptoms: Sequence[str]) -> str:
    """Aspirin or a blood thinner beside coughing blood (a read draft passed over aspirin a man had started
    on his own while coughing up blood before a biopsy), or ""."""
    if "coughing blood" not in symptoms:
        return ""
    thinning = [m for m in _current(meds) if m.group and m.group.key in ("antiplatelet", "anticoagulant")]
    if not thinning:
        return ""
    bought = any(re.search(r"bought|counter|own|myself|himself|herself", m.note, re.I) for m in thinning)
    return (
        f"With blood in the phlegm, {_join([m.name for m in thinning])} should be mentioned to the treating "
        "doctor without delay: "
        f"{'it does' if len(thinning) == 1 else 'they do'} not cause the bleeding but can make it heavier, "
        "and may need pausing before a biopsy or bronchoscopy"
        + (
            "; one started without a prescription is usually stopped unless a doctor advises it."
            if bought
            else "."
        )
    )


_WET_COUGH = re.compile(r"\b(?:phlegm|sputum|mucus|wet|productive|blood)\b", re.I)


def ace_cough_caution(meds: Sequence[ListedMedicine], symptoms: Sequence[str], keys: Sequence[str]) -> str:
    """With an ACE inhibitor listed and a dry cough reported (or the ACE-inhibitor cough in play), that the
    medicine can cause one: read drafts gave it to men coughing green phlegm with pneumonia, and buried it
    for a woman whose dry cough began weeks after ramipril was started."""
    ace = [m for m in meds if m.group and m.group.key == "ace_inhibitor"]
    if not ace:
        return ""
    coughs = [s for s in symptoms if "cough" in s.lower()]
    # phlegm or a fever named beside the cough ("a cough" and "phlegm" are two names in the summary): read
    # drafts gave it to a man with pneumonia bringing up white phlegm, and to a feverish man after a stroke
    wet = any(_WET_COUGH.search(s) or re.search(r"\bfever", s, re.I) for s in symptoms)
    if "ace_inhibitor_cough" not in keys and not (coughs and not wet):
        return ""
    names = [m.group.word(m.name) for m in ace if m.group]
    return (
        f"{_upper(_join(sorted(set(names))))} can cause a dry, tickly cough in some people, starting weeks, "
        "months or even years after it was begun; the cough settles within weeks (occasionally up to about "
        "three months) of a switch to another blood pressure medicine, such as an ARB (for example "
        "losartan), "
        "so a lasting dry cough on it is worth raising with the prescriber."
    )


#: What a medicine kept up for protection guards against, for one stopped recently (by group key).
_GUARDS_AGAINST = {
    "anticoagulant": ("a blood thinner", "the risk of a clot it guards against"),
    "antiplatelet": ("a medicine that makes the blood less sticky", "the risk it guards against"),
    "preventer": ("a preventer inhaler", "the risk of asthma attacks it keeps down"),
    "epilepsy": ("an epilepsy medicine", "the risk of seizures"),
}
#: A stop long ago, a past habit or a planned end: "clopidogrel stopped 2016", "used to take", "stopped last
#: year", "stopped at discharge", "stopped after 4 days" (a course that ran its planned length), "stopped by
#: the GP".
_LONG_AGO = re.compile(
    r"\b(?:19|20)\d\d\b|\byears?\b|\bmonths? ago\b|\bused to\b|\bdischarg\w*|\bafter \d+|\bcourse\b|"
    r"\b(?:by|told|advised|planned)\b",
    re.IGNORECASE,
)
_STOPPED_NOTE = re.compile(rf"\b(?:{_STOPPED})\b", re.IGNORECASE)


def stopped_protection_caution(meds: Sequence[ListedMedicine]) -> str:
    """A medicine kept up for protection (a blood thinner, a preventer inhaler) listed as stopped lately:
    the prescriber should hear of it, as the risk it guarded against returns, and decides on restarting (a
    read draft listed a pregnant woman's enoxaparin "(stopped)" as a blood thinner and said no more, though
    she had stopped it herself ten days before and asked whether she must go back on it)."""
    stopped = [
        m
        for m in meds
        if m.group
        and m.group.key in _GUARDS_AGAINST
        and _STOPPED_NOTE.search(m.note)
        and not _STILL.search(m.note)
        and not _LONG_AGO.search(m.note)
    ]
    if not stopped:
        return ""
    m = stopped[0]
    assert m.group is not None
    kind, risk = _GUARDS_AGAINST[m.group.key]
    return (
        f"The medicines list marks {m.name} as stopped: if that was done without the prescriber's advice, "
        f"the prescriber should be told promptly, since stopping {kind} lets {risk} return; whether and "
        "when to restart it is theirs to decide."
    )


#: A reliever used every day or several times a day: "2 puff, 6-8 times every day", "most days", "so many
#: times".
_DAILY_RELIEF = re.compile(
    r"\b(?:\d+\s*(?:-|to)\s*)?\d+\s*(?:x|times?)\s*(?:a|per|every|each)\s*day\b|\bevery ?day\b|\bdaily\b|"
    r"\bmost days\b|\bso many times?\b|\ball the time\b|\b(?:several|many) times (?:a|per|every) day\b",
    re.IGNORECASE,
)
_ASTHMA_KEYS = frozenset({"asthma", "occupational_asthma"})


def reliever_only_caution(meds: Sequence[ListedMedicine], keys: Sequence[str]) -> str:
    """Asthma with a reliever needed every day and no preventer listed: not controlled, and every guideline
    gives an inhaled steroid (a read draft left a nail technician using her blue inhaler 6-8 times a day,
    with nothing else, to "the prescriber")."""
    if not _ASTHMA_KEYS & set(keys):
        return ""
    current = [m for m in meds if not ended(m.note)]
    relievers = [m for m in current if m.group and m.group.key == "reliever"]
    if not relievers or any(m.group and m.group.key == "preventer" for m in current):
        return ""
    daily = [m for m in relievers if _DAILY_RELIEF.search(f"{m.name} {m.note}")]
    if not daily or daily[0].group is None:
        return ""
    return (
        f"Needing a reliever inhaler ({daily[0].group.word(daily[0].name)}) every day with no preventer "
        "listed is a sign that the asthma is not controlled: guidelines (BTS/NICE/SIGN, GINA) advise an "
        "inhaled steroid for everyone with asthma (a preventer, or a combined steroid-formoterol inhaler), "
        "reviewed by the GP or asthma nurse within days; a reliever needed more often than every four hours, "
        "or one that stops helping, is a reason for same-day care."
    )


_MYASTHENIA = re.compile(r"\bmyasthen\w*|\bMG\b")
#: The macrolide and quinolone antibiotics, by name and brand (one list for the QT and myasthenia cautions).
MACROLIDES = r"clarithromycin|erythromycin|azithromycin|klaricid|zithromax"
QUINOLONES = r"cipro\w*|levofloxacin|moxifloxacin|ofloxacin"
_WORSENS_MYASTHENIA = re.compile(
    rf"\b(?:{QUINOLONES}|{MACROLIDES}|gentamicin|magnesium)\b",
    re.IGNORECASE,
)
#: Conditions in which breathing at night is already weak or obstructed.
_NIGHT_BREATHING = frozenset({"neuromuscular_weakness", "sleep_apnoea"})


def condition_cautions(meds: Sequence[ListedMedicine], keys: Sequence[str], told: str) -> list[str]:
    """Medicines that a known condition makes matter (read drafts described ciprofloxacin beside a
    myasthenia growing weaker, zopiclone beside motor neurone disease with under-breathing at night, and a
    combined pill in LAM, each only as what it is)."""
    current = [m for m in meds if not ended(m.note)]
    out = []
    worse = [m for m in current if _WORSENS_MYASTHENIA.search(m.name)]
    if worse and _MYASTHENIA.search(told):
        out.append(
            f"{_upper(worse[0].name)} is among the medicines that can make myasthenia weaker (the quinolone "
            "and macrolide antibiotics, gentamicin and magnesium among them), so the team treating the "
            "myasthenia should hear at once that it is being taken; the prescriber chooses another where "
            "possible."
        )
    sedatives = [m for m in current if m.group and m.group.key == "sedative"]
    if sedatives and _NIGHT_BREATHING & set(keys):
        out.append(
            f"{_upper(sedatives[0].name)} is a sedative, and sleeping tablets and sedatives can weaken or "
            "further obstruct breathing at night when it is already weak (as with weak breathing muscles or "
            "sleep apnoea), so it is worth the prescriber reviewing it soon."
        )
    oestrogen = [m for m in current if m.group and m.group.key in {"combined_pill", "hormone_replacement"}]
    if oestrogen and "lam" in keys:
        out.append(
            f"{_upper(oestrogen[0].name)} contains oestrogen, which can make LAM worse, so guidelines advise "
            "stopping oestrogen-containing medicines in LAM and choosing a method without oestrogen (such as "
            "a copper coil), arranged promptly with the prescriber or the LAM team."
        )
    return out


def medicine_sentences(
    medications: Sequence[str],
    condition_keys: Sequence[str],
    condition_name: str,
    background: Sequence[str] = (),
    symptoms: Sequence[str] = (),
    *,
    possible: Sequence[str] = (),
    age: int | None = None,
    told: str = "",
) -> list[str]:
    """Each listed medicine in general terms, whether it treats the condition, and who decides.

    Args:
        medications: The intake's list, as the patient wrote it.
        condition_keys: The diagnosis (and what it refines), as condition keys.
        condition_name: The diagnosis in plain words ('pneumonia').
        background: Conditions the patient already has, as keys (for the painkiller caution).
        symptoms: The reported symptoms' plain names (for the caution on bleeding).
        possible: The alternatives discussed, as keys (a medicine that holds fluid beside a possible
            heart failure).
        age: The patient's age in years (cough medicines in a young child).
        told: The diagnosis and history as told (a known myasthenia).

    Returns:
        Up to five sentences: what each medicine is (grouped by purpose), which of them are
        aimed at the condition and that the rest ease symptoms or are for other things, and
        that the prescriber (or a pharmacist, for medicines bought over the counter) decides.
    """
    meds = [
        med
        for m in medications
        if m.strip() and not NO_MEDICINES.match(m.strip())
        for med in listed_medicines(m)
    ]
    if not meds:
        return []
    by_group: dict[str, list[ListedMedicine]] = {}
    for med in meds:
        by_group.setdefault(med.group.key if med.group else "", []).append(med)
    parts = []
    for key, group_meds in by_group.items():
        if not key:
            continue
        group = group_meds[0].group
        assert group is not None
        names = _join([m.said for m in group_meds])
        what = group.what
        if key == "anticoagulant" and all(
            _heparin_dose(m) == "preventive" and not ended(m.note) for m in group_meds
        ):
            # "enoxaparin 40mg injection daily": a read draft's "treats or prevents blood clots" beside a
            # suspected clot suggested the preventive dose already treated one
            what += ", here at a preventive dose, which lowers the chance of a clot but does not treat one"
        parts.append(f"{names} {'is' if _count(group_meds) == 1 else 'are each'} {what}")
    out = []
    if parts:
        out.append("On the medicines listed, in general terms: " + "; ".join(parts) + ".")
    unknown = by_group.get("", [])
    if unknown:
        out.append(
            f"This opinion does not cover {_join([m.name for m in unknown])}; the prescriber or a pharmacist "
            "can say whether it matters here."
        )
    aimed = [m for m in meds if m.group and set(m.group.treats) & set(condition_keys)]
    relief = [m for m in meds if m.group and m.group.relieves and m not in aimed]
    if condition_keys and aimed:
        others = "; the others are for symptoms or other conditions" if len(aimed) < len(meds) else ""
        # "hiatus hernia, reflux and aspiration": omeprazole is for the reflux, amoxicillin for the
        # aspiration; each is said for what it treats when the diagnosis names several conditions.
        by_treated: dict[tuple[str, ...], list[ListedMedicine]] = {}
        for m in aimed:
            keys = tuple(k for k in condition_keys if m.group and k in m.group.treats)
            by_treated.setdefault(keys, []).append(m)
        clauses = []
        for keys, group_meds in by_treated.items():
            name = (
                condition_name
                if set(keys) == set(condition_keys)
                else _join([c.name for c in CONDITIONS if c.key in keys])
            )
            clauses.append(
                f"{_join([m.name for m in group_meds])} {'is' if _count(group_meds) == 1 else 'are'} "
                "the kind of "
                f"medicine used for {name}"
            )
        out.append(f"Of these, {'; '.join(clauses)}{others}.")
    elif condition_keys and relief:
        one = _count(relief) == 1
        out.append(
            f"{_upper(_join([m.name for m in relief]))} {'eases' if one else 'ease'} symptoms "
            f"but {'does' if one else 'do'} not treat {condition_name} itself."
        )
    caution = nsaid_caution(meds, [*condition_keys, *background], possible)
    if caution:
        out.append(caution)
    ace = ace_cough_caution(meds, symptoms, [*condition_keys, *possible])
    if ace:
        out.append(ace)
    young = young_child_cough_caution(meds, age)
    if young:
        out.append(young)
    calcium = vitamin_d_caution(meds, condition_keys)
    if calcium:
        out.append(calcium)
    double = paracetamol_caution(meds, age)
    if double:
        out.append(double)
    sugar = steroid_caution(meds)
    if sugar:
        out.append(sugar)
    atypical = atypical_caution(meds, condition_keys, possible)
    if atypical:
        out.append(atypical)
    rif = rifampicin_caution(meds, condition_keys)
    if rif:
        out.append(rif)
    fluid = pioglitazone_caution(meds, [*condition_keys, *background, *possible])
    if fluid:
        out.append(fluid)
    bleeding = bleeding_caution(meds, symptoms)
    if bleeding:
        out.append(bleeding)
    same = same_kind_caution(meds)
    if same:
        out.append(same)
    restart = stopped_protection_caution(meds)
    if restart:
        out.append(restart)
    relief_only = reliever_only_caution(meds, [*condition_keys, *possible])
    if relief_only:
        out.append(relief_only)
    out += condition_cautions(meds, [*condition_keys, *background, *possible], told)
    bought = any("bought" in m.note.lower() or "counter" in m.note.lower() for m in meds)
    out.append(
        "Whether to continue, stop or change any of them is for the prescriber to advise"
        + (", or a pharmacist for medicines bought without a prescription." if bought else ".")
    )
    return out


@dataclass(frozen=True)
class SideEffect:
    """A known side effect of a kind of medicine, in the project's own words, for a patient's question
    whether a symptom comes from a medicine they take ("is the diarrhoea from the amoxicillin?")."""

    #: The medicines, as patients write them.
    medicines: tuple[str, ...]
    #: What the patient calls the effect, as a regular expression over the question (and, when the
    #: question names no effect, "could it be the amlodipine?", over the symptoms told).
    effect: str
    #: The answer; "{med}" is the medicine as the patient wrote it.
    note: str
    _compiled: re.Pattern[str] = field(init=False, compare=False, repr=False)
    _effect: re.Pattern[str] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        rx = re.compile(r"(?<![a-z])(?:" + "|".join(self.medicines) + r")(?![a-z])", re.IGNORECASE)
        object.__setattr__(self, "_compiled", rx)
        object.__setattr__(self, "_effect", re.compile(self.effect, re.IGNORECASE))


#: Calcium-channel blockers for blood pressure, by name.
_CALCIUM_BLOCKERS = (r"amlodipine", r"nifedipine", r"felodipine", r"lercanidipine")
_ANTIBIOTIC_NAMES = (
    r"amoxi\w*", r"co-?amoxiclav", r"augmentin", r"clarithromycin", r"erythromycin", r"azithromycin",
    r"doxycycline", r"cefalexin", r"cefuroxime", r"ceftriaxone", r"levofloxacin", r"ciprofloxacin",
    r"moxifloxacin", r"flucloxacillin", r"penicillin\w*", r"clindamycin", r"co-?trimoxazole", r"antibiotics?",
)  # fmt: skip

SIDE_EFFECTS: tuple[SideEffect, ...] = (
    # "Can I stop the montelukast because of the nightmares?" (a read draft gave only the prescriber's say)
    SideEffect(
        (r"montelukast", r"singulair"),
        r"\b(?:nightmares?|bad dreams?|sleep\w*|waking|wakes|night terrors?|mood|behaviou?r\w*|aggress\w*|"
        r"anxi\w*|clingy|tearful|irritab\w*|hyperactiv\w*|depress\w*|agitat\w*|temper)\b",
        "{Med} is known to cause changes in sleep and behaviour in some people, children especially: "
        "nightmares or vivid dreams, waking at night, anxiety, irritability, low mood or aggression, and "
        "rarely thoughts of self-harm; the medicines regulator has warned about it, and these effects "
        "usually settle once it is stopped, so it is reasonable to raise them with the prescriber soon, who "
        "may stop it (its benefit in wheeze that comes only with colds is often small), and urgently for "
        "any talk of self-harm.",
    ),
    # "Is the water tablet damaging her kidneys?", "is doubling the water tablet safe for his kidneys when
    # he's dizzy?" (read drafts answered neither)
    SideEffect(
        (
            r"furosemide",
            r"frusemide",
            r"bumetanide",
            r"torasemide",
            r"bendroflumethiazide",
            r"indapamide",
            r"spironolactone",
            r"eplerenone",
            r"water (?:tablets?|pills?)",
            r"diuretics?",
        ),
        r"\b(?:kidneys?|renal|creatinine|egfr|dizz\w*|light-?headed\w*|cramps?|dehydrat\w*)\b",
        "Water tablets such as {med} are checked with kidney blood tests (creatinine, sodium and potassium) "
        "after a dose change; a small rise in creatinine while extra fluid is being cleared is common and "
        "often accepted while the breathing improves, but a larger rise, dizziness on standing, cramps, or a "
        "dry mouth with little urine can mean too much fluid has come off, and the prescriber then reviews "
        "the dose; the blood results, not the tablet alone, show whether the kidneys are being strained, "
        "and it should not be stopped or changed without that advice.",
    ),
    SideEffect(
        _ANTIBIOTIC_NAMES,
        r"\b(?:diarrh\w*|loose (?:stools?|poo)|the runs|runny poo|tummy upset|upset stomach)\b",
        "Diarrhoea is a common side effect of antibiotics such as {med} and is usually mild; diarrhoea that "
        "is severe, watery many times a day, bloody or lasting, or that comes with signs of dehydration, "
        "needs a doctor's review promptly, and some chest infections (Legionella among them) cause "
        "diarrhoea themselves, so it is worth telling the treating team rather than stopping the antibiotic "
        "on one's own.",
    ),
    # "Could his blood pressure pills be causing the dizziness and falls rather than the infection?" of a
    # 78-year-old on amlodipine, hydrochlorothiazide and tamsulosin (a read draft left it unanswered)
    SideEffect(
        (
            r"blood pressure (?:pills?|tablets?|medicines?|medications?|meds)",
            *_CALCIUM_BLOCKERS,
            r"(?:rami|lisino|enala|perindo|capto|cilaza|quina|fosino|trando)pril",
            r"\w+sartan",
            r"doxazosin",
            r"tamsulosin",
            r"hydrochlorothiazide",
            r"bendroflumethiazide",
            r"indapamide",
        ),
        r"\b(?:dizz\w*|light-?headed\w*|fall\w*|fell|faint\w*|unsteady|wobbly|blackouts?)\b",
        "Blood pressure medicines such as {med} can make the pressure drop on standing up (postural or "
        "orthostatic hypotension), with dizziness, unsteadiness and falls, more so in older people, when "
        "several are taken together (tamsulosin for the prostate adds to it), and when an illness, fever or "
        "poor drinking has lowered the pressure; lying and standing blood pressure readings show it, and "
        "the prescriber often pauses or lowers a dose while the person is unwell, which should not be done "
        "without that advice.",
    ),
    SideEffect(
        (*_CALCIUM_BLOCKERS, r"istin", r"adalat"),
        r"\b(?:ankles?|swell\w*|swollen|puff\w*|legs?|feet|oedema|edema|fluid)\b",
        "{Med} commonly causes ankle swelling, more at higher doses, without breathlessness; swelling that "
        "comes with breathlessness, waking breathless at night, needing more pillows or a quick gain in "
        "weight points instead to fluid from the heart, which needs checking (a blood test called "
        "NT-proBNP and a heart scan) rather than putting down to the tablet.",
    ),
    SideEffect(
        (r"ticagrelor", r"brilique"),
        r"\b(?:breath\w*|air|sigh\w*|puffed|winded)\b",
        "{Med} causes a feeling of breathlessness (often a sighing or air-hunger feeling at rest) in roughly "
        "one person in seven, usually in the first weeks, and it often eases; it is not harmful in itself, "
        "but it should not be stopped without the heart team, since stopping it early after a heart attack "
        "or a stent raises the risk of another, and breathlessness with other signs still needs its other "
        "causes checked.",
    ),
    SideEffect(
        (
            r"bendroflumethiazide",
            r"indapamide",
            r"hydrochlorothiazide",
            r"chlortalidone",
            r"chlorthalidone",
            r"thiazides?",
            r"water tablets?",
            r"diuretics?",
        ),
        r"\b(?:sodium|salt|hyponatr\w*|confus\w*)\b",
        "Thiazide water tablets such as {med} are one of the commonest causes of a low sodium level, "
        "especially in older women, and the treating team usually stops or changes them when the sodium is "
        "low; a sodium low enough to cause confusion, drowsiness, vomiting or a fit needs hospital care.",
    ),
    SideEffect(
        (
            r"sertraline",
            r"citalopram",
            r"escitalopram",
            r"fluoxetine",
            r"paroxetine",
            r"venlafaxine",
            r"mirtazapine",
        ),
        r"\b(?:sodium|salt|hyponatr\w*|confus\w*)\b",
        "Antidepressants such as {med} can lower the sodium level, mostly in older people and in the first "
        "weeks of taking them or after a dose change; whether to pause or change it is for the prescriber, "
        "who weighs it against stopping it suddenly.",
    ),
    SideEffect(
        (r"naproxen", r"ibuprofen", r"diclofenac", r"nurofen", r"celecoxib", r"etoricoxib", r"mefenamic"),
        r"\b(?:swell\w*|swollen|ankles?|fluid|breath\w*|worse|kidneys?|weight)\b",
        "Anti-inflammatory painkillers such as {med} make the body hold on to salt and water, so they can "
        "bring on or worsen swollen ankles and fluid on the lungs from heart failure, and strain the "
        "kidneys, most with blood pressure tablets and water tablets; they are usually avoided while that "
        "is being looked into, and the GP or pharmacist can suggest another painkiller.",
    ),
    SideEffect(
        (
            r"propranolol",
            r"atenolol",
            r"bisoprolol",
            r"metoprolol",
            r"carvedilol",
            r"sotalol",
            r"nebivolol",
            r"labetalol",
            r"timolol",
            r"beta-?blockers?",
        ),
        r"\b(?:wheez\w*|asthma|tight\w*|breath\w*)\b",
        "Beta-blockers such as {med} can narrow the airways and bring on wheeze in people with asthma, "
        "non-selective ones such as propranolol most, and eye drops such as timolol too; this is worth "
        "raising with the prescriber, who can suggest an alternative, rather than stopping it unadvised.",
    ),
    SideEffect(
        (r"atorvastatin", r"simvastatin", r"rosuvastatin", r"pravastatin", r"statins?"),
        r"\b(?:muscles?|aches?|aching|cramps?|weak\w*|pains?)\b",
        "Statins such as {med} can cause muscle aches; aching with weakness or dark urine needs checking "
        "promptly, and some antibiotics and antifungal medicines (clarithromycin, itraconazole) raise "
        "statin levels, so the prescriber may pause the statin while they are taken.",
    ),
    SideEffect(
        (r"metformin",),
        r"\b(?:diarrh\w*|loose|stomach|tummy|sick|vomit\w*|nause\w*)\b",
        "{Med} often upsets the stomach or causes loose stools, mostly when started or the dose is raised; "
        "it is usually paused during an illness with vomiting, diarrhoea or dehydration (the sick-day "
        "rules) and restarted when eating and drinking again, which the GP or pharmacist can advise on.",
    ),
    SideEffect(
        OPIOID_NAMES,
        r"\b(?:constipat\w*|bung\w*|sick|nause\w*|drows\w*|sleepy|confus\w*|itch\w*)\b",
        "Codeine-type painkillers such as {med} commonly cause constipation, sickness and drowsiness, and "
        "in older people confusion; a regular laxative is usually taken with them, and the GP or pharmacist "
        "can suggest other ways to control the pain.",
    ),
    SideEffect(
        (
            r"prednisolone",
            r"prednisone",
            r"dexamethasone",
            r"steroids?(?!\s*(?:inhalers?|sprays?|creams?|nasal))",
        ),
        r"\b(?:sugar|diabet\w*|glucose|weight|appetite|mood|sleep\w*|insomnia|bones?|thrush)\b",
        "Steroid tablets such as {med} raise the blood sugar (so people with diabetes, or at risk of it, "
        "have it checked while taking them), increase appetite and weight, and can disturb sleep and mood; "
        "most of this settles when the course ends, and a long course is not stopped suddenly.",
    ),
)

#: A question linking a problem to a medicine: "is the diarrhoea from the amoxicillin?", "is the naproxen
#: making it worse?", "could it be the amlodipine?", "side effect of the ticagrelor?".
_LINKED = re.compile(
    r"\b(?:from|caused by|because of|due to|side[- ]?effects?|making|make|makes|causing|cause|causes|"
    r"to blame|behind|reaction to|down to|related to|linked to|damaging|damages|harm|harming|harms|harmful|"
    r"safe for|bad for)\b|"
    # "the co-codamol is bunging me up"
    r"\b(?:is|are|was|were|keeps?|has been|have been) \w+ing (?:me|him|her|them|us)\b|"
    r"\b(?:could|can|might|is|was) (?:it|this|that) "
    r"(?:be |have been )?(?:the|my|his|her)\b",
    re.I,
)


_GENERIC = re.compile(
    r"(?:antibiotics?|thiazides?|water tablets?|diuretics?|statins?|beta-?blockers?|steroids?)$", re.I
)


def side_effect_notes(
    question_sentences: Sequence[str], medications: Sequence[str], symptoms: str
) -> list[tuple[str, str]]:
    """For each question that asks whether a problem comes from a listed medicine, what that medicine is
    known to cause, as (the medicine as written, the note) (a read draft left "is the diarrhoea from the
    amoxicillin?", "is the ticagrelor making him breathless?" and "are the ankles from the amlodipine?"
    unanswered)."""
    out: list[tuple[str, str]] = []
    for sentence in question_sentences:
        if not _LINKED.search(sentence):
            continue
        for effect in SIDE_EFFECTS:
            named = effect._compiled.search(sentence)
            if named is None:
                continue
            listed = next((m for m in medications if effect._compiled.search(m)), None)
            if listed is None:
                continue
            if not (effect._effect.search(sentence) or effect._effect.search(symptoms)):
                continue
            word = effect._compiled.search(listed)
            med = word.group(0).lower() if word else named.group(0).lower()
            note = effect.note
            if _GENERIC.match(med):  # "the antibiotics" listed by kind: no "antibiotics such as antibiotics"
                note = note.replace(" such as {med}", "").replace("{Med}", "This medicine")
            note = note.replace("{Med}", med[:1].upper() + med[1:]).replace("{med}", med)
            if all(note != n for _, n in out):
                out.append((med, note))
    return out
