"""Word lists behind quote extraction and speaker classification.

Kept apart from the algorithms so that a reader can check (and extend) what counts as a
reporting verb, a role, an organisation, an anonymous source or a country without reading
parsing code. Every list is general English news vocabulary; none is tuned to one corpus.
"""

from __future__ import annotations

import re
import unicodedata

#: Verbs that introduce speech (lemmas). Used for direct and indirect quotes.
SPEECH_VERBS = frozenset(
    """say tell add warn argue accuse insist claim state announce note stress emphasize
    emphasise urge deny suggest acknowledge admit confirm explain assert maintain vow pledge
    promise predict reiterate write tweet post comment complain allege contend caution declare
    demand propose recall remark reply respond reveal threaten underline underscore observe
    ask agree concede estimate report quip charge testify assure inform advise recommend
    disclose mention point forecast expect""".split()
)
#: Verbs whose object is a judgement rather than a clause; they introduce a direct quote
#: ("Peskov praised Washington's 'balanced position'") but, without quotation marks, they only
#: count as indirect speech when ``SourceSettings.stance_verbs_as_indirect`` is on.
STANCE_VERBS = frozenset(
    """call describe praise welcome condemn criticize criticise denounce hail slam blast
    reject dismiss label dub term brand characterize characterise decry applaud lament
    question defend""".split()
)
#: Phrases after a verb that mark it as a public statement ("..., the ministry stressed in a
#: statement"): also used to spot an indirect statement whose verb is in neither list.
STATEMENT_PHRASES = re.compile(
    r"\b(in|on) (a|an|its|his|her|their) (joint |written |televised |video |official )?"
    r"(statement|interview|speech|address|post|briefing|communiqu[eé]|letter|tweet|op-ed)\b"
    r"|\bat a (press conference|news conference|briefing|press briefing|rally|summit)\b",
    re.IGNORECASE,
)

#: Head nouns of a person's role; a definite mention ("the spokesman") refers back to the
#: person introduced with that role. Groups of synonyms share the first word as key.
ROLE_GROUPS = [
    ("spokesman", "spokeswoman", "spokesperson", "spokespeople", "press secretary", "speaker"),
    ("minister",), ("president",), ("prime minister", "premier"), ("chancellor",),
    ("ambassador", "envoy", "representative", "delegate", "emissary"),
    ("secretary", "secretary-general", "secretary general"), ("senator",),
    ("lawmaker", "legislator", "mp", "deputy", "congressman", "congresswoman", "parliamentarian"),
    ("governor",), ("mayor",), ("leader",), ("chief",), ("head",), ("director",),
    ("official",), ("diplomat",), ("adviser", "advisor", "aide"), ("commander", "general"),
    ("king", "queen", "monarch"), ("chairman", "chairwoman", "chair"), ("commissioner",),
    ("analyst",), ("professor",), ("expert",), ("researcher",), ("economist",),
    ("lawyer", "attorney"), ("activist", "campaigner"), ("journalist", "reporter", "correspondent",
    "editor"), ("judge",), ("prosecutor",), ("negotiator",), ("candidate",), ("founder",),
    ("executive", "ceo"), ("officer",), ("member",), ("witness",), ("resident",),
    ("scholar",), ("historian",), ("fellow",), ("lecturer",), ("scientist",),
    ("monitor", "observer", "investigator", "inspector"),
]
ROLE_KEY = {word: group[0] for group in ROLE_GROUPS for word in group}

#: Nouns that make a phrase an organisation ("the Foreign Ministry", "the Kremlin").
ORG_WORDS = frozenset(
    """ministry government office department agency council committee commission kremlin
    embassy mission administration parliament army military police union organisation
    organization group party court bank company firm foundation institute university
    cabinet presidency secretariat assembly alliance bloc coalition campaign network
    association federation pentagon congress senate duma rada knesset bundestag white house
    service services corporation center centre watchdog regulator newspaper agency
    broadcaster channel network opposition""".split()
) | {"white house", "state department", "downing street", "foreign office", "élysée", "elysee"}

#: Words that make a source anonymous when no name is given.
ANONYMOUS_MARKERS = re.compile(
    r"\b(sources?|insiders?|not to be (named|identified)|anonymity|unnamed|anonymous|"
    r"familiar with|not authori[sz]ed|declined to be (named|identified)|"
    r"on condition|who (spoke|requested|asked))\b",
    re.IGNORECASE,
)
#: Common nouns that, indefinite or plural and without a name, are anonymous sources
#: ("a senior diplomat", "officials said").
ANONYMOUS_HEADS = frozenset(
    """source sources official officials diplomat diplomats insider insiders person people
    aide aides observer observers analyst analysts expert experts critics""".split()
)

PRONOUNS_PERSON = frozenset({"he", "she", "him", "her"})
PRONOUNS_GROUP = frozenset({"they", "them", "it", "we"})

#: Titles dropped when comparing names.
TITLES = frozenset(
    """mr mrs ms miss dr prof sir dame lord lady gen col maj capt lt adm sen rep gov
    president minister prime ambassador pope rev""".split()
)

# ---------------------------------------------------------------- affiliation vocabulary
INTERGOVERNMENTAL = re.compile(
    r"\b(united nations|u\.?n\.?(?=\s|$)|un (?:secretary|general|chief|envoy|agency|office|"
    r"human|special|rapporteur|spokes\w+)|secretary[- ]general|general assembly|"
    r"security council|nato|european union|eu|european commission|european council|"
    r"european parliament|osce|iaea|world health organi[sz]ation|imf|"
    r"international monetary fund|world bank|african union|unicef|unhcr|ocha|unesco|unrwa|"
    r"council of europe|international atomic energy agency|opec|asean|interpol|"
    r"international criminal court|icc|wto|"
    r"world trade organi[sz]ation|international court of justice|icj|red cross|icrc|"
    r"arab league|g7|g20|brics|commissioner)\b",
    re.IGNORECASE,
)
MEDIA = re.compile(
    r"\b(journalist|reporter|correspondent|editor|columnist|anchor|presenter|newspaper|"
    r"news agency|broadcaster|television|tv|radio|media|outlet|magazine|"
    r"reuters|associated press|ap|afp|agence france-presse|tass|ria novosti|ria|interfax|"
    r"xinhua|bloomberg|bbc|cnn|al jazeera|dpa|efe|ansa|kyodo|yonhap|ukrinform|"
    r"daily|times|post|herald|gazette|tribune|journal|news)\b",
    re.IGNORECASE,
)
EXPERT = re.compile(
    r"\b(professor|prof|analyst|researcher|scholar|academic|expert|economist|historian|"
    r"scientist|lecturer|fellow|think[- ]tank|institute|university|college|school|"
    r"centre for|center for|research|political scientist|strategist)\b",
    re.IGNORECASE,
)
CIVIL_SOCIETY = re.compile(
    r"\b(activist|campaigner|ngo|charity|non-profit|nonprofit|human rights|rights group|"
    r"amnesty|advocacy|trade union|labou?r union|union leader|church|priest|bishop|imam|"
    r"rabbi|volunteer|civil society|movement|protester|organi[sz]er|association|"
    r"foundation|watch)\b",
    re.IGNORECASE,
)
GOVERNMENT = re.compile(
    r"\b(president|prime minister|premier|minister|ministry|government|kremlin|white house|"
    r"state department|pentagon|downing street|foreign office|élysée|elysee|cabinet|"
    r"administration|ambassador|envoy|embassy|diplomat|diplomatic|consul|official|"
    r"spokes(?:man|woman|person)|press secretary|senator|lawmaker|legislator|mp|"
    r"parliament|congress|congressman|congresswoman|senate|duma|rada|knesset|bundestag|"
    r"governor|mayor|chancellor|king|queen|military|army|armed forces|defen[cs]e|general|"
    r"commander|police|security service|intelligence|secretary of state|"
    r"secretary|deputy|representative|mission|delegation|authorities|department|"
    r"sen|rep|house speaker|speaker of the house|majority leader|minority leader|"
    r"congressional|democrat|democratic|republican|gop|special counsel|attorney general|"
    r"prosecutor|fbi|cia|politician|councillor|councilor)\b",
    re.IGNORECASE,
)
DIPLOMATIC_POSTS = re.compile(
    r"\b(ambassador|envoy|representative|delegate|delegation|mission|permanent)\b", re.I
)

#: ISO code -> names, demonyms, capitals and seats of government that stand for it.
COUNTRIES: dict[str, tuple[str, ...]] = {
    "RU": ("russia", "russian", "russians", "russian federation", "moscow", "kremlin"),
    "UA": ("ukraine", "ukrainian", "ukrainians", "kyiv", "kiev"),
    "US": ("united states", "u.s.", "us", "u.s", "usa", "america", "american", "americans",
           "washington", "white house", "state department", "pentagon"),
    "GB": ("united kingdom", "uk", "u.k.", "britain", "great britain", "british", "london",
           "downing street", "whitehall", "england", "english", "scotland", "scottish"),
    "FR": ("france", "french", "paris", "élysée", "elysee"),
    "DE": ("germany", "german", "berlin", "bundestag"),
    "IT": ("italy", "italian", "rome"), "ES": ("spain", "spanish", "madrid"),
    "PL": ("poland", "polish", "warsaw"), "CN": ("china", "chinese", "beijing"),
    "JP": ("japan", "japanese", "tokyo"), "IN": ("india", "indian", "new delhi", "delhi"),
    "BY": ("belarus", "belarusian", "belarussian", "minsk"),
    "KP": ("north korea", "north korean", "pyongyang", "dprk"),
    "KR": ("south korea", "south korean", "seoul"), "SD": ("sudan", "sudanese", "khartoum"),
    "IR": ("iran", "iranian", "tehran"), "IL": ("israel", "israeli", "knesset", "jerusalem"),
    "PS": ("palestine", "palestinian", "palestinians", "gaza", "ramallah"),
    "TR": ("turkey", "türkiye", "turkish", "ankara"), "SY": ("syria", "syrian", "damascus"),
    "SA": ("saudi arabia", "saudi", "riyadh"), "EG": ("egypt", "egyptian", "cairo"),
    "DK": ("denmark", "danish", "copenhagen"), "GR": ("greece", "greek", "athens"),
    "SI": ("slovenia", "slovenian", "ljubljana"), "NL": ("netherlands", "dutch", "the hague"),
    "BE": ("belgium", "belgian", "brussels"), "SE": ("sweden", "swedish", "stockholm"),
    "NO": ("norway", "norwegian", "oslo"), "FI": ("finland", "finnish", "helsinki"),
    "EE": ("estonia", "estonian", "tallinn"), "LV": ("latvia", "latvian", "riga"),
    "LT": ("lithuania", "lithuanian", "vilnius"), "HU": ("hungary", "hungarian", "budapest"),
    "RO": ("romania", "romanian", "bucharest"), "MD": ("moldova", "moldovan", "chisinau"),
    "GE": ("georgia", "georgian", "tbilisi"), "CZ": ("czech republic", "czechia", "czech",
    "prague"), "SK": ("slovakia", "slovak", "bratislava"), "AT": ("austria", "austrian",
    "vienna"), "CH": ("switzerland", "swiss", "bern", "geneva"), "IE": ("ireland", "irish",
    "dublin"), "PT": ("portugal", "portuguese", "lisbon"), "CA": ("canada", "canadian",
    "ottawa"), "MX": ("mexico", "mexican"), "BR": ("brazil", "brazilian", "brasilia"),
    "AR": ("argentina", "argentine", "argentinian", "buenos aires"), "AU": ("australia",
    "australian", "canberra"), "NZ": ("new zealand", "wellington"), "ZA": ("south africa",
    "south african", "pretoria"), "NG": ("nigeria", "nigerian", "abuja"), "KE": ("kenya",
    "kenyan", "nairobi"), "ET": ("ethiopia", "ethiopian", "addis ababa"), "PK": ("pakistan",
    "pakistani", "islamabad"), "AF": ("afghanistan", "afghan", "kabul"), "IQ": ("iraq",
    "iraqi", "baghdad"), "LB": ("lebanon", "lebanese", "beirut"), "JO": ("jordan",
    "jordanian", "amman"), "QA": ("qatar", "qatari", "doha"), "AE": ("united arab emirates",
    "uae", "emirati", "abu dhabi"), "VE": ("venezuela", "venezuelan", "caracas"),
    "CU": ("cuba", "cuban", "havana"), "NI": ("nicaragua", "nicaraguan", "managua"),
    "KZ": ("kazakhstan", "kazakh", "astana"), "AZ": ("azerbaijan", "azerbaijani", "baku"),
    "AM": ("armenia", "armenian", "yerevan"), "RS": ("serbia", "serbian", "belgrade"),
    "TW": ("taiwan", "taiwanese", "taipei"), "VN": ("vietnam", "vietnamese", "hanoi"),
    "ID": ("indonesia", "indonesian", "jakarta"), "PH": ("philippines", "philippine",
    "filipino", "manila"), "ML": ("mali", "malian", "bamako"), "YE": ("yemen", "yemeni",
    "sanaa"), "LY": ("libya", "libyan", "tripoli"), "CO": ("colombia", "colombian", "bogota"),
    "CL": ("chile", "chilean", "santiago"), "VA": ("vatican", "holy see"),
}
_COUNTRY_ALIASES = sorted(
    ((alias, code) for code, aliases in COUNTRIES.items() for alias in aliases),
    key=lambda pair: -len(pair[0]),
)
_COUNTRY_RE = re.compile(
    r"(?<![\w.])(" + "|".join(re.escape(a) for a, _ in _COUNTRY_ALIASES) + r")(?:'s|’s)?(?![\w])",
    re.IGNORECASE,
)
_COUNTRY_OF = {alias: code for alias, code in _COUNTRY_ALIASES}
COUNTRY_RE = _COUNTRY_RE


def countries_in(text: str) -> list[str]:
    """ISO codes of the countries a phrase names, in order of appearance.

    "us" only counts in upper case ("US"), so the pronoun never reads as the United States.
    """
    found: list[str] = []
    for m in _COUNTRY_RE.finditer(text or ""):
        raw = m.group(1)
        if raw.lower() == "us" and raw != "US":
            continue
        code = _COUNTRY_OF[raw.lower()]
        if code not in found:
            found.append(code)
    return found


def fold(text: str) -> str:
    """Lower-case ASCII form of a name: accents dropped, possessive and punctuation removed."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"['’]s\b", "", text.lower())
    text = re.sub(r"[^a-z0-9\- ]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def role_key(words: list[str]) -> str | None:
    """The synonym-group key of the last role noun among ``words`` ("Kremlin spokeswoman" ->
    "spokesman"); two-word roles ("prime minister") are tried first."""
    low = [w.lower() for w in words]
    for i in range(len(low) - 1, -1, -1):
        if i > 0 and f"{low[i-1]} {low[i]}" in ROLE_KEY:
            return ROLE_KEY[f"{low[i-1]} {low[i]}"]
        if low[i] in ROLE_KEY:
            return ROLE_KEY[low[i]]
    return None


#: A wire-style dateline opening an article ("LONDON (Agency) — ", "UNITED NATIONS, Feb. 25
#: (Agency) -- "): not part of any sentence's grammar, so it is blanked before parsing.
DATELINE = re.compile(
    r"^[A-Z][A-Z.'\- ]{1,40}(?:,\s*[A-Z][a-z]{2,8}\.?\s*\d{1,2})?\s*(?:\([^)]{1,40}\))?"
    r"\s*(?:—|–|--|-|:)\s+"
)


def blank_dateline(text: str) -> str:
    """``text`` with a leading dateline replaced by spaces (character offsets unchanged)."""
    m = DATELINE.match(text)
    return " " * m.end() + text[m.end():] if m else text
