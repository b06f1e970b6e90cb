"""The reading aid beside a letter (A 3(a) 11-12): it points at passages worth a second
look, each with its reason, and never decides."""

from __future__ import annotations

from rjfacil.views.reading_aid import PassageKind, read_letter

SAMPLE = """\
Dear Hana,
It was only a scratch on the car and you are making a big thing of it, you overreacted.
You made me do it: if you hadn't shouted none of it would have happened.
Please forgive me and meet me so we can sort this out, drop the charges.
Ring me on 07700 900123 or email rory.gold@example.com.
I know where you live, 14 Mill Lane Road, AB1 2CD.
I'll be waiting outside the school at 3pm on Friday.
Say hello to your kids and your husband for me.
Rory"""

NEUTRAL = """\
Dear Hana,

I want to say sorry for what I did. I have thought a lot about the harm it caused, and
about how frightening it must have been for you. What I did was wrong, and it was my
choice. I am working with my probation officer on the things that led to it, and I have
stopped drinking.

I understand if you do not want to hear from me again. Thank you for reading this letter.

Rory"""

ACROSTIC = """\
Keeping my head down these days.
I have been doing the course.
Learning a lot from it.
Looking forward to the summer."""


def kinds(text: str, names: tuple[str, ...] = ()) -> set[PassageKind]:
    return {passage.kind for passage in read_letter(text, names)}


def test_each_kind_of_passage_is_found_in_a_sample_letter() -> None:
    passages = read_letter(SAMPLE)
    assert {p.kind for p in passages} >= set(PassageKind) - {PassageKind.HIDDEN}
    shown = {(p.kind, p.excerpt) for p in passages}
    assert (PassageKind.MINIMISING, "only a scratch") in shown
    assert (PassageKind.MINIMISING, "overreacted") in shown
    assert (PassageKind.BLAMING, "You made me") in shown
    assert (PassageKind.PRESSURE, "forgive") in shown
    assert (PassageKind.PRESSURE, "drop the charges") in shown
    assert (PassageKind.CONTACT, "07700 900123") in shown
    assert (PassageKind.CONTACT, "rory.gold@example.com") in shown
    assert (PassageKind.ADDRESS, "AB1 2CD") in shown
    assert (PassageKind.PLACE_TIME, "3pm") in shown
    assert (PassageKind.PLACE_TIME, "I know where") in shown
    assert (PassageKind.FAMILY_HOME, "your kids") in shown
    # Each points at its own words, with a reason in words.
    for passage in passages:
        assert SAMPLE[passage.start : passage.end] == passage.excerpt
        assert passage.reason


def test_a_neutral_letter_has_nothing_pointed_at() -> None:
    assert read_letter(NEUTRAL, ("Hana Gold", "Rory Gold")) == []


def test_the_first_letters_of_lines_spelling_a_word_are_found() -> None:
    [hidden] = [p for p in read_letter(ACROSTIC) if p.kind is PassageKind.HIDDEN]
    assert hidden.reason == "The first letters of 4 lines in a row spell “KILL”"
    assert hidden.excerpt.startswith("Keeping") and hidden.excerpt.endswith("summer.")


def test_a_name_spelt_by_the_first_letters_of_words_is_found() -> None:
    text = "Hope all now are safe and well at home."
    hidden = [p for p in read_letter(text, ("Hana Gold",)) if p.kind is PassageKind.HIDDEN]
    assert [p.excerpt for p in hidden] == ["Hope all now are"]
    assert kinds(text) == set()  # without the name, nothing


def test_a_passage_broken_across_lines_is_still_found() -> None:
    [passage] = read_letter("It was only a bit of\nfun that went too far.")
    assert (passage.kind, passage.excerpt) == (PassageKind.MINIMISING, "only a bit of\nfun")
