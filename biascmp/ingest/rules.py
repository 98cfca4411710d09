"""Generic boilerplate patterns: one small test per kind of web furniture.

Each function looks at one normalised paragraph and says whether it has the shape of a kind of
boilerplate (a call to action, a reading-time marker, a photo credit, ...). The patterns
describe how sites phrase these things in general; they never name an outlet or quote a
particular site. Context rules (runs, blocks, the end of the body) live in ``clean.py``.
"""

from __future__ import annotations

import re

from biascmp.gated import GatedPattern

_F = re.IGNORECASE

#: sentence-final punctuation, optionally followed by closing quotes or brackets
_SENTENCE_END_RE = re.compile(r"[.!?…][\"'”’»)\]]*$")

_CALL_TO_ACTION_RE = re.compile(
    r"^(?:please\s+)?(?:support|contribute|donate|subscribe|keep|sign\s+up|sign\s+in|log\s*in|"
    r"register|join|become\s+a|follow\s+us|download|get\s+(?:the|our)\s+app|give|help\s+us|"
    r"upgrade|try\s+\w+\s+free|start\s+your\s+(?:free\s+)?trial)\b",
    _F,
)
_URGENCY_RE = re.compile(r"\b(?:today|now|here|us|free)\b", _F)
_SITE_CHROME_RE = re.compile(
    r"^(?:advertisement|advert|ad|sponsored(?:\s+content)?|skip\s+to\s+(?:main\s+)?content|"
    r"(?:breaking|live)\s+(?:news|updates?)|menu|search|close|open\s+menu|back\s+to\s+top|"
    r"loading\.*|log\s*out)$|©|\(c\)\s*\d{4}|\ball rights reserved\b",
    _F,
)
_CAPTION_LEAD_RE = re.compile(
    r"^(?:photos?|images?|pictures?|photograph|illustration|video|graphic|credits?|"
    r"photo\s+credit|image\s+credit|pictured|file\s+photo)\s*[:|/–—-]|^photo\s+by\b|\bphoto\s*/\s*\w",
    _F,
)
#: "Name Surname / Agency" at the end of a line (photographer / agency credit)
_SLASH_CREDIT_RE = re.compile(
    r"(?:^|\s)[A-Z][\w'’.\-]*(?:\s+[A-Z][\w'’.\-]*)*\s?/\s?[A-Z][\w&'’.\-]*(?:\s+[A-Z&][\w&'’.\-]*){0,4}$"
)
#: a line ending in a parenthesised capitalised credit, "(Agency)" or "(Name / Agency)"
_PAREN_CREDIT_RE = re.compile(
    r"\([A-Z][\w&'’.\-]*(?:(?:\s*/\s*|\s+)[A-Z][\w&'’.\-]*){0,5}\)$"
)
#: longest line (characters) worth testing for a caption shape
MAX_CAPTION_CHARS = 400

#: an explicit request for money: boilerplate wherever it stands
_DONATION_RE = GatedPattern(re.compile(
    r"^donate\b|\bdonate\s+(?:now|today|here|to\s+us|to\s+our)\b|"
    r"\bmake\s+a\s+(?:gift|contribution|donation)\b|\bcontribute\s+(?:today|now)\b|"
    r"\bcontribute\s+to\s+(?:us|our\s+(?:work|journalism|reporting|newsroom|mission))\b|"
    r"\b(?:support|fund|back)\s+our\s+(?:work|journalism|reporting|newsroom|mission)\b|"
    r"\bsupport\s+(?:independent|quality|free|local)\s+(?:journalism|media|news|reporting)\b|"
    r"\bbecome\s+a\s+(?:member|supporter|patron)\b|"
    r"\b(?:monthly|annual|one-time|one-off|recurring)\s+(?:gift|donation|contribution|payment)s?\b|"
    r"^not\s+ready\s+to\s+(?:support|give|donate|contribute)\b.{0,30}$",
    _F,
), ('donat', 'gift', 'contribut', 'support', 'fund', 'back', 'member', 'patron', 'payment', 'ready'))
#: phrases of an appeal that honest prose also uses ("thank you for your support," a
#: candidate says): they count as a donation appeal only after the body has ended
_APPEAL_RE = GatedPattern(re.compile(
    r"\b(?:your\s+(?:support|contribution|donation|gift)s?|we\s+need\s+your\s+(?:help|support)|"
    r"support\s+us|help\s+us|by\s+supporting|every\s+contribution|as\s+little\s+as)\b",
    _F,
), ('support', 'contribut', 'donat', 'gift', 'help', 'little'))
#: a sign-up box for a newsletter or e-mail briefing
_NEWSLETTER_RE = GatedPattern(re.compile(
    r"^sign\s+up\b|\bsign\s+up\s+(?:for|to)\s+(?:our|my|a\s+free|free)\b|^subscribe\b|"
    r"\bsubscribe\s+(?:to|for)\s+(?:our|my)\b|\b(?:to|in|into)\s+your\s+(?:inbox|mailbox)\b|"
    r"\bunsubscribe\b|\bsubscribers?\s+agree\b|\benter\s+your\s+e-?mail\b|"
    r"\byour\s+e-?mail\s+address\b|\bby\s+signing\s+up\b|"
    r"\b(?:our|free)\s+(?:\w+\s+){0,2}(?:newsletter|briefing|digest|bulletin)s?\b",
    _F,
), ('sign', 'subscri', 'inbox', 'mail', 'newsletter', 'briefing', 'digest', 'bulletin'))
#: newsletter words that need a short line to count (a story may quote a newsletter)
_NEWSLETTER_WORD_RE = GatedPattern(
    re.compile(r"\b(?:newsletters?|e-?mail\s+(?:briefing|digest|alerts?))\b", _F), ("newsletter", "mail")
)
#: longest line (words) that counts as a newsletter box on a newsletter word alone
MAX_NEWSLETTER_LABEL_WORDS = 12
_READ_MORE_HEADER_RE = re.compile(
    r"^(?:read\s+more|read\s+also|also\s+read|more\s+to\s+read|related(?:\s+(?:stories|articles|"
    r"news|coverage|content|reading|posts|links))?|more\s+(?:stories|news|articles|from\s+[\w' ]+|"
    r"on\s+this(?:\s+(?:story|topic))?)|recommended(?:\s+for\s+you)?|you\s+(?:may|might)\s+also\s+"
    r"(?:like|be\s+interested\s+in)|most\s+(?:read|popular|viewed|shared)|trending(?:\s+now)?|"
    r"see\s+also|further\s+reading|what\s+to\s+read\s+next|latest(?:\s+news)?|top\s+stories|"
    r"editor'?s\s+picks|don'?t\s+miss|popular\s+now)\s*[:.]?$",
    _F,
)
_READING_TIME_RE = re.compile(r"(?:^|\s)\d+\s*(?:min|mins|minutes?)\.?\s+read$", _F)
_TAGS_RE = re.compile(
    r"^(?:read\s+more\s+about|more\s+about|tags?|topics?|filed\s+under|related\s+topics|"
    r"categor(?:y|ies)|keywords|more\s+on)\s*:", _F
)
_COOKIE_RE = GatedPattern(re.compile(
    r"\b(?:we\s+use\s+cookies|this\s+(?:site|website)\s+uses\s+cookies|cookie\s+(?:policy|"
    r"settings|preferences|consent|notice)|accept\s+(?:all\s+)?cookies|(?:manage|privacy)\s+"
    r"(?:preferences|settings|choices))\b|^(?:accept(?:\s+all)?|reject(?:\s+all)?|cookies?)$",
    _F,
), ('cookie', 'preferences', 'settings', 'choices', 'accept', 'reject'))
_SHARE_WORD = (
    r"(?:share(?:\s+(?:this|on|via)(?:\s+\w+)?)?|tweet|e-?mail|print|copy(?:\s+link)?|link|"
    r"facebook|twitter|x|whatsapp|linkedin|pinterest|reddit|telegram|flipboard|messenger|"
    r"save|bookmark|comments?|\d+\s+comments?)"
)
_SHARE_RE = re.compile(rf"^(?:{_SHARE_WORD}[\s,|·•/]*)+$", _F)
#: "Follow <name> on <platform>" lines under an article
_FOLLOW_RE = re.compile(
    r"^follow\s+(?:[\w.@'’-]+\s+){0,4}on\s+(?:twitter|x|facebook|instagram|linkedin|tiktok|"
    r"threads|bluesky|mastodon|youtube|telegram|social\s+media)\b", _F
)
#: a label introducing an embedded video or audio player ("WATCH:", "Listen to ...:")
_MEDIA_LABEL_RE = re.compile(r"^(?:watch|listen|video|audio)\b[^.!?]{0,100}:$", _F)
_SALUTATION_RE = re.compile(r"^(?:dear|hello|hi)\s+[\w' ]{1,40},?$", _F)


def word_count(text: str) -> int:
    return len(text.split())


def ends_sentence(text: str) -> bool:
    """True when ``text`` ends with sentence punctuation (closing quotes allowed)."""
    return bool(_SENTENCE_END_RE.search(text))


def looks_like_prose(text: str, min_words: int = 5) -> bool:
    """Body-like prose: at least ``min_words`` words and a sentence ending."""
    return word_count(text) >= min_words and ends_sentence(text)


def is_banner_line(text: str, max_words: int = 8) -> bool:
    """A site banner: a short call to action ("Support X!", "Contribute today",
    "Subscribe") or site chrome ("Advertisement", "© 2024 ...")."""
    if _SITE_CHROME_RE.search(text) and word_count(text) <= 3 * max_words:
        return True
    if word_count(text) > max_words or text.endswith("."):
        return False
    if not _CALL_TO_ACTION_RE.search(text):
        return False
    return text.endswith("!") or word_count(text) <= 3 or bool(_URGENCY_RE.search(text))


def looks_like_caption(text: str, max_words: int = 30) -> bool:
    """A photo caption or credit: "Photo: ...", "Name / Agency" at the end of a short
    line, or a short line ending in a parenthesised credit."""
    if word_count(text) > max_words or len(text) > MAX_CAPTION_CHARS:
        return False
    if _CAPTION_LEAD_RE.search(text):
        return True
    if ends_sentence(text) and not text.endswith(")"):
        return False  # a credit closes the line without a full stop
    return bool(_SLASH_CREDIT_RE.search(text) or _PAREN_CREDIT_RE.search(text))


def is_read_more_header(text: str) -> bool:
    """A header introducing a list of other articles ("Read more", "Related stories")."""
    return bool(_READ_MORE_HEADER_RE.match(text))


def is_reading_time(text: str) -> bool:
    """A paragraph that is or ends with a reading-time marker ("3 min read")."""
    return bool(_READING_TIME_RE.search(text))


def is_salutation(text: str) -> bool:
    """The opening of a letter to the reader ("Dear readers,")."""
    return bool(_SALUTATION_RE.match(text))


def is_block_opener(text: str, max_words: int = 8) -> bool:
    """A short line that opens a block: a salutation or a label ending with a colon
    ("A message from the editors:")."""
    return is_salutation(text) or (word_count(text) <= max_words and text.endswith(":"))


def is_appeal(text: str) -> bool:
    """Wording of an appeal for support that also occurs in honest prose; the cleaner
    counts it only after the body has ended."""
    return bool(_DONATION_RE.search(text) or _APPEAL_RE.search(text))


def is_newsletter(text: str) -> bool:
    """A newsletter sign-up line or box."""
    if _NEWSLETTER_RE.search(text):
        return True
    label = word_count(text) <= MAX_NEWSLETTER_LABEL_WORDS and not ends_sentence(text)
    return label and bool(_NEWSLETTER_WORD_RE.search(text))


def rule_reason(
    text: str,
    *,
    max_caption_words: int = 30,
    max_banner_words: int = 8,
    max_share_words: int = 8,
) -> str | None:
    """The kind of boilerplate one paragraph is on its own, or None.

    Order matters: the more specific shapes are tried first (a tag line starting
    "Read more about:" is ``tags``, not ``read-more``)."""
    if _TAGS_RE.match(text):
        return "tags"
    if is_read_more_header(text) or is_reading_time(text):
        return "read-more"
    if _COOKIE_RE.search(text) and word_count(text) <= 60:
        return "cookie"
    if word_count(text) <= max_share_words and _SHARE_RE.match(text):
        return "share"
    if word_count(text) <= 2 * max_share_words and _FOLLOW_RE.match(text):
        return "share"
    if is_newsletter(text):
        return "newsletter"
    if is_banner_line(text, max_banner_words):
        return "banner"
    if _DONATION_RE.search(text):
        return "donation"
    if looks_like_caption(text, max_caption_words) or _MEDIA_LABEL_RE.match(text):
        return "caption"
    return None
