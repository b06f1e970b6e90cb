"""A reading aid for vetting a letter (Best Practice Guidance A 3(a) 11-12): the passages
worth a second look, each with its reason.

It never decides: it points. Whether a passage matters, and what is done about it, is the
facilitator's decision, recorded with its reasons in the letter's vetting. It reads the
text as plain characters (nothing in it is ever interpreted) and looks for:

- words that may minimise or excuse the harm, or put blame on the person harmed;
- pressure to forgive, to reply or to meet;
- contact details (a phone number, an email address, a handle or link), addresses and
  postcodes, places and times, and mentions of the reader's family or home;
- hidden messages: the first letters of the lines, of the sentences or of the words
  spelling a word of :data:`WORDS` (``data/hidden_words.txt``, written for rjfacil; its
  header says why each kind of word is there) or a participant's name. Lines and sentences
  are searched for words of three letters or more; words' first letters for words of five
  or more, or four starting a line or sentence (shorter runs of word initials spell
  something by chance in any long letter).

A letter of a few pages is read in a few milliseconds (bench/letter_budgets.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources


class PassageKind(StrEnum):
    MINIMISING = "minimising"
    BLAMING = "blaming"
    PRESSURE = "pressure"
    CONTACT = "contact"
    ADDRESS = "address"
    PLACE_TIME = "place_time"
    FAMILY_HOME = "family_home"
    HIDDEN = "hidden"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS: dict[PassageKind, str] = {
    PassageKind.MINIMISING: "May minimise or excuse the harm",
    PassageKind.BLAMING: "May put blame on the person harmed",
    PassageKind.PRESSURE: "May press the reader to forgive, reply or meet",
    PassageKind.CONTACT: "Contact details",
    PassageKind.ADDRESS: "An address",
    PassageKind.PLACE_TIME: "A place or a time",
    PassageKind.FAMILY_HOME: "Mentions the reader's family or home",
    PassageKind.HIDDEN: "May hide a message",
}


@dataclass(frozen=True)
class Passage:
    """One passage worth a second look: where it is in the text, and why."""

    kind: PassageKind
    start: int
    end: int
    excerpt: str
    reason: str


_I = re.IGNORECASE


def _spaced(pattern: str) -> str:
    """A pattern whose spaces match any run of spaces or a line break (a letter wraps)."""
    return re.sub(r" (?!\?)", r"\\s+", pattern)


def _phrases(*patterns: str) -> list[re.Pattern[str]]:
    """Phrases as a letter writes them: in any case, and across a line break."""
    return [re.compile(_spaced(pattern), _I) for pattern in patterns]


# Each kind's patterns. They match words as written in a letter, never a participant.
PATTERNS: dict[PassageKind, list[re.Pattern[str]]] = {
    PassageKind.MINIMISING: _phrases(
        r"\b(?:only|just) (?:a |a bit of |a little |some )?(?:scratch|bruise|joke|laugh|game|"
        r"bit of fun|few quid|small thing|little thing|minor|tiny|bit of damage)\b",
        r"\bnot (?:that|so|very|really) (?:bad|serious|much|big|important)\b",
        r"\bno big deal\b",
        r"\b(?:didn'?t|did not|never) mean (?:it|to|any)\b",
        r"\b(?:it was|was just|was only) an? (?:accident|mistake|joke)\b",
        r"\b(?:i was|we were) (?:drunk|high|off my head|out of it|provoked)\b",
        r"\b(?:i|we) had no choice\b",
        r"\banyone would have\b",
        r"\bover ?react\w*",
        r"\bexaggerat\w*",
        r"\b(?:only|just) (?:joking|messing|banter|having a laugh)\b",
        r"\bnot (?:really |entirely |all )?my fault\b",
        r"\bget over it\b",
        r"\bbarely (?:touched|hurt)\b",
    ),
    PassageKind.BLAMING: _phrases(
        r"\byou (?:made|drove|forced|pushed) me\b",
        r"\b(?:your|your own) fault\b",
        r"\byou (?:started it|provoked|wound me up|asked for it|deserved|had it coming)\b",
        r"\bif (?:only )?you (?:hadn'?t|had not|had just|didn'?t|did not)\b",
        r"\byou should(?:n'?t| not)? have\b",
        r"\bbecause of you\b",
        r"\byou brought (?:it|this) on\b",
    ),
    PassageKind.PRESSURE: _phrases(
        r"\bforgiv\w*",
        r"\bmeet(?:ing)? (?:me|up|you|in person|face to face)\b",
        r"\b(?:drop|withdraw) (?:the |your )?(?:charges?|complaint|statement|case)\b",
        r"\byou owe me\b",
        r"\b(?:another|a second) chance\b",
        r"\b(?:write|reply|get) back to me\b",
        r"\byou (?:must|have to|need to) (?:reply|answer|meet|accept|understand)\b",
    ),
    PassageKind.CONTACT: [
        re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
        re.compile(r"(?<![\w@])@[A-Za-z0-9_]{2,}"),
        re.compile(r"(?<![\w+])\+?\d[\d \-()]{8,}\d(?!\w)"),
        re.compile(r"\b(?:https?://|www\.)\S+", _I),
        re.compile(
            r"\b(?:snapchat|instagram|facebook|whatsapp|tiktok|my number|call me|text me|"
            r"ring me|message me|add me)\b",
            _I,
        ),
    ],
    PassageKind.ADDRESS: [
        re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b"),
        re.compile(
            r"\b\d{1,4}[a-z]? (?:[A-Z][a-z]+ ){1,2}(?:Road|Rd|Street|St|Lane|Avenue|Ave|"
            r"Close|Drive|Way|Court|Crescent|Place|Gardens|Terrace|Grove|Hill|Square|Row|"
            r"Walk|Mews|Park)\b"
        ),
        re.compile(r"\b(?:flat|apartment|unit) \d+\b", _I),
    ],
    PassageKind.PLACE_TIME: _phrases(
        r"\b\d{1,2}(?:[:.]\d{2})? ?(?:am|pm)\b",
        r"\b\d{1,2}:\d{2}\b",
        r"\b(?:o'?clock|midnight|tonight|tomorrow|this evening|this weekend|"
        r"next (?:week|month|time))\b",
        r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)days?\b",
        r"\b\d{1,2}(?:st|nd|rd|th)? (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
        r"[a-z]*\b",
        r"\b(?:outside|near|by|behind|at) (?:your|the) (?:house|home|flat|door|school|"
        r"work|shop|station|park|gate|church|gym|pub|bus stop|car park)\b",
        r"\bi (?:know|found out) where\b",
        r"\bi (?:saw|see|have seen|watched) you\b",
        r"\b(?:i'?ll|i will) be (?:waiting|there|around|watching)\b",
    ),
    PassageKind.FAMILY_HOME: _phrases(
        r"\byour (?:mum|mother|dad|father|parents?|kids?|children|child|son|daughter|"
        r"husband|wife|partner|boyfriend|girlfriend|family|sister|brother|baby|nan|gran|"
        r"grandad|house|home|flat|street|road|neighbou?rs?|garden|car|dog|cat)\b",
        r"\bwhere you live\b",
    ),
}

# Runs of first letters searched for hidden words: (what, shortest word).
MIN_LINE_WORD = 3
MIN_WORD_WORD = 5
MIN_WORD_WORD_AT_START = 4


@cache
def words() -> frozenset[str]:
    """The shipped word list (data/hidden_words.txt)."""
    text = resources.files("rjfacil.views").joinpath("data/hidden_words.txt").read_text("utf-8")
    return frozenset(
        line.strip().casefold()
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    )


_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)]*\s+")


def read_letter(text: str, names: Iterable[str] = ()) -> list[Passage]:
    """The passages of ``text`` worth a second look, in the order they appear.

    Args:
        text: The letter's text, as written.
        names: The participants' names: a hidden message may spell one.
    """
    found: list[Passage] = []
    for kind, patterns in PATTERNS.items():
        for pattern in patterns:
            for match in pattern.finditer(text):
                found.append(Passage(kind, match.start(), match.end(), match.group(0), kind.label))
    vocabulary = set(words())
    for name in names:
        vocabulary.update(w.casefold() for w in _WORD.findall(name) if len(w) >= 3)
    found += _hidden(text, vocabulary)
    found.sort(key=lambda p: (p.start, p.end, p.kind.value))
    unique: list[Passage] = []
    for passage in found:
        if not unique or (passage.kind, passage.start, passage.end) != (
            unique[-1].kind,
            unique[-1].start,
            unique[-1].end,
        ):
            unique.append(passage)
    return unique


def _hidden(text: str, vocabulary: set[str]) -> list[Passage]:
    """First letters of lines, sentences and words that spell a word of the vocabulary."""
    lines = []
    offset = 0
    for line in text.splitlines(keepends=True):
        first = _WORD.search(line)
        if first is not None:
            lines.append((offset + first.start(), offset + len(line.rstrip())))
        offset += len(line)
    sentences = []
    start = 0
    for end in [m.end() for m in _SENTENCE_END.finditer(text)] + [len(text)]:
        first = _WORD.search(text, start, end)
        if first is not None:
            sentences.append((first.start(), end))
        start = end
    word_spans = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    starts = {span[0] for span in lines} | {span[0] for span in sentences}
    found: list[tuple[str, Passage]] = []
    for what, spans, shortest in (
        ("lines", lines, MIN_LINE_WORD),
        ("sentences", sentences, MIN_LINE_WORD),
        ("words", word_spans, MIN_WORD_WORD_AT_START),
    ):
        if len(spans) < shortest:
            continue
        initials = "".join(text[s].casefold() for s, _ in spans)
        for word in vocabulary:
            if len(word) < shortest:
                continue
            at = initials.find(word)
            while at >= 0:
                first_at = spans[at][0]
                if what != "words" or len(word) >= MIN_WORD_WORD or first_at in starts:
                    last = spans[at + len(word) - 1][1]
                    reason = (
                        f"The first letters of {len(word)} {what} in a row spell “{word.upper()}”"
                    )
                    found.append(
                        (
                            what,
                            Passage(
                                PassageKind.HIDDEN, first_at, last, text[first_at:last], reason
                            ),
                        )
                    )
                at = initials.find(word, at + 1)
    # A word inside a longer one found at the same place ("kill" in "killer"): keep the longer.
    longest: dict[tuple[int, str], Passage] = {}
    for what, passage in found:
        key = (passage.start, what)
        kept = longest.get(key)
        if kept is None or passage.end > kept.end:
            longest[key] = passage
    return list(longest.values())
