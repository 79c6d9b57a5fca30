from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ties.names import Candidate, clean_name, fold, match

PEOPLE = [Candidate(1, "Ana Lima", "ana lima"), Candidate(2, "Ana Souza", "ana souza"),
          Candidate(3, "Beyoncé Knowles", "beyonce knowles"), Candidate(4, "王伟", "王伟"),
          Candidate(5, "Bo", "bo"), Candidate(6, "Bob Marley", "bob marley")]


def test_fold_is_case_and_accent_insensitive():
    assert fold("  BEYONCÉ   Knowles ") == "beyonce knowles"
    assert fold("王伟") == "王伟"
    assert fold("Straße") == "strasse"


def test_clean_name_drops_bom_and_controls():
    assert clean_name("\ufeffAna\tLima\x1b") == "Ana Lima"


def test_exact_beats_prefix():
    assert match("bo", PEOPLE).found.id == 5


def test_unique_prefix_and_word_prefix():
    assert match("beyon", PEOPLE).found.id == 3
    assert match("knowles", PEOPLE).found.id == 3
    assert match("a sou", PEOPLE).found.id == 2
    assert match("王", PEOPLE).found.id == 4


def test_ambiguous_prefix_lists_everyone_who_fits():
    result = match("ana", PEOPLE)
    assert result.found is None
    assert [c.id for c in result.ambiguous] == [1, 2]


def test_close_spelling_fits_and_unknown_suggests():
    assert match("Ana Lyma", PEOPLE).found.id == 1
    result = match("Knowels", PEOPLE)
    assert result.found is None and result.suggestions == ("Beyoncé Knowles",)


@given(st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=8, unique_by=fold))
def test_every_exact_name_finds_itself(raw_names):
    people = [Candidate(i, n, fold(n)) for i, n in enumerate(raw_names) if fold(n)]
    for c in people:
        assert match(c.name, people).found == c
