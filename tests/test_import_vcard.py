"""vCard files as real programs write them: charsets, transfer encodings, folding at the
byte level, UTF-16, and the values (escapes, addresses, birthdays without a year, groups,
nested cards, several addresses in order of preference).

The fixtures are our own, written byte for byte by tests/fixtures/import/make_vcards.py;
each reproduces a quirk of a producer named in docs/import.md."""

from __future__ import annotations

import codecs
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import rows
from ties.core.text import UNSAFE
from ties.formats import exporters
from ties.formats.importers import BadFile, read, utf16_encoding, vcard

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def load(name: str, **kwargs):
    return read((FIXTURES / name).read_bytes(), name, **kwargs)


def card(*lines: str | bytes, version: str = "3.0") -> bytes:
    body = [b"BEGIN:VCARD", f"VERSION:{version}".encode(),
            *(x if isinstance(x, bytes) else x.encode() for x in lines), b"END:VCARD"]
    return b"\r\n".join(body) + b"\r\n"


def one(data: bytes, **kwargs):
    parsed = read(data, "x.vcf", **kwargs)
    (record,) = parsed.records
    return record


def test_the_fixtures_are_what_the_generator_writes():
    """Each fixture's bytes are exactly what make_vcards.py says they are."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_vcards", FIXTURES / "make_vcards.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name, data in module.FILES.items():
        assert (FIXTURES / name).read_bytes() == data, name


# Charsets ---------------------------------------------------------------------------------

def test_shift_jis_values_are_read_in_their_charset_regression_names_stored_as_mojibake():
    (taro,) = load("sjis-21.vcf").records
    assert taro.name == "山田 太郎"
    assert taro.fields == {"company": "ソニー", "notes": "表参道で会った",
                           "phone": "090-1234-5678", "email": "taro@docomo.example"}


def test_a_shift_jis_byte_that_is_a_backslash_is_not_read_as_an_escape():
    """ソ is 83 5C in Shift_JIS: 5C is '\\', and before ';' it would escape the separator."""
    data = card(b"N;CHARSET=SHIFT_JIS:" + "ソ;ア".encode("cp932") + b";;;", version="2.1")
    assert one(data).name == "ア ソ"


def test_bare_quoted_printable_is_decoded_regression_names_stored_as_escapes():
    (hana,) = load("qp-bare-21.vcf").records
    assert hana.name == "花 十村"
    assert hana.fields == {"notes": "café at 5\nthen dinner"}


def test_a_code_page_named_on_another_property_applies_to_the_whole_card():
    anna, nikos = load("codepages-21.vcf").records
    assert (anna.name, anna.fields) == ("Анна Иванова", {"role": "Инженер"})
    assert (nikos.name, nikos.fields) == ("Νίκος Παπαδόπουλος", {"company": "Ακμή"})


def test_a_property_s_own_charset_comes_before_the_card_s_and_the_card_s_before_utf8():
    data = card(b"N;CHARSET=WINDOWS-1251:" + "Ли".encode("cp1251") + b";;;;",
                b"FN;CHARSET=UTF-8:" + "Zoë".encode(),
                b"NOTE:" + "é".encode(),  # valid UTF-8, but the card names cp1251
                version="2.1")
    record = one(data)
    assert record.name == "Zoë"
    assert record.fields["notes"] == "é".encode().decode("cp1251")


def test_a_charset_python_does_not_know_falls_back_to_utf8():
    assert one(card(b"FN;CHARSET=X-MADE-UP:" + "Zoë".encode(), version="2.1")).name == "Zoë"


def test_a_utf16_file_that_names_utf16_as_a_charset_reads_its_values_as_text():
    """The file is made UTF-8 first; "Anna" read as UTF-16 would be two CJK characters."""
    text = "BEGIN:VCARD\r\nVERSION:2.1\r\nFN;CHARSET=UTF-16:Anna Zoë\r\nEND:VCARD\r\n"
    parsed = read(text.encode("utf-16-le"), "x.vcf")
    assert ([r.name for r in parsed.records], parsed.notes) == (["Anna Zoë"], [])


def test_a_utf8_sequence_split_by_a_fold_is_rejoined_regression_whole_file_read_as_latin1():
    parsed = load("split-fold-40.vcf")
    (zoe,) = parsed.records
    assert (zoe.name, zoe.fields) == ("Zoë Tanaka", {"notes": "東京で"})
    assert (parsed.encoding, parsed.notes) == ("utf-8", [])


def test_text_in_no_charset_that_is_not_utf8_is_guessed_and_the_guess_is_said():
    parsed = load("latin1-30.vcf")
    (jose,) = parsed.records
    assert (jose.name, jose.fields) == ("José Müller", {"notes": "Café in München"})
    assert parsed.notes == ["card 1 (José Müller): text that is not UTF-8 and names no "
                            "charset, read as windows-1252 (a guess). If letters look wrong, "
                            "save the file as UTF-8 and import it again."]


def test_the_guess_note_names_five_cards_and_counts_the_rest():
    data = b"".join(card(f"FN:P{i} ".encode() + b"\xe9") for i in range(7))
    (note,) = read(data, "x.vcf").notes
    assert note.startswith("card 1 (P0 é), card 2 (P1 é), card 3 (P2 é), card 4 (P3 é), "
                           "card 5 (P4 é) and 2 more: text")


def test_utf8_with_a_stray_byte_keeps_its_letters_and_says_so():
    data = card("FN:Zoë", b"ORG:Caf\xc3\xa9 M\xfcnchen", b"NOTE:na\xefve")
    parsed = read(data, "x.vcf")
    assert parsed.records[0].fields == {"company": "Café M\ufffdnchen", "notes": "naïve"}
    assert parsed.notes == [
        "card 1 (Zoë): UTF-8 text with bytes that are not UTF-8, each shown as \ufffd. Check "
        "those values after the import.",
        "card 1 (Zoë): text that is not UTF-8 and names no charset, read as windows-1252 (a "
        "guess). If letters look wrong, save the file as UTF-8 and import it again."]


def test_no_guess_is_said_when_every_value_is_utf8_or_declared():
    assert load("sjis-21.vcf").notes == [] and load("codepages-21.vcf").notes == []


def test_a_base64_text_value_is_decoded_in_its_charset():
    import base64

    note = base64.b64encode("Grüße".encode("cp1252"))
    data = card("FN:Ana", b"NOTE;ENCODING=BASE64;CHARSET=WINDOWS-1252:" + note, version="2.1")
    assert one(data).fields["notes"] == "Grüße"


@pytest.mark.parametrize(("name", "encoding"), [
    ("utf16le-bom.vcf", "utf-16"), ("utf16le-nobom.vcf", "utf-16-le"),
    ("utf16be-nobom.vcf", "utf-16-be")])
def test_utf16_with_or_without_a_byte_order_mark_is_read(name, encoding):
    parsed = load(name)
    (zoe,) = parsed.records
    assert (zoe.name, zoe.fields, parsed.encoding) == (
        "Zoë Ωmega", {"company": "Café Ltd", "email": "zoe@example.com"}, encoding)


# utf16_encoding: a quarter of the pairs (or more) must have the zero byte, and at most one
# in twenty the other one. 40 pairs: 10 zeros is enough, 9 is not; 2 on the other side is
# allowed, 3 is not.
def _pairs(zero_high: int, zero_low: int, total: int = 40) -> bytes:
    """`total` little-endian UTF-16 pairs: `zero_high` of them 'a' (61 00), `zero_low` of
    them U+0100 (00 01), the rest 'ꙁ'-like pairs with no zero (41 A6)."""
    rest = total - zero_high - zero_low
    return b"a\x00" * zero_high + b"\x00\x01" * zero_low + b"\x41\xa6" * rest


@pytest.mark.parametrize(("data", "expected"), [
    (_pairs(10, 0), "utf-16-le"), (_pairs(9, 0), None),
    (_pairs(10, 2), "utf-16-le"), (_pairs(10, 3), None),
    (codecs.BOM_UTF16_LE + b"x", "utf-16-le"), (codecs.BOM_UTF16_BE + b"x", "utf-16-be"),
    (codecs.BOM_UTF32_LE + "a".encode("utf-32-le"), None),
    ("BEGIN:VCARD".encode("utf-16-be"), "utf-16-be"),
    ("BEGIN:VCARD".encode("utf-16-le") + b"\x00", "utf-16-le"),  # an odd last byte
    ("Zoë, café".encode(), None), (b"\x00" * 100, None), (b"a\x00", None), (b"", None),
    (b"\x00\xd8a\x00" * 10, None),  # a lone surrogate is not text
])
def test_utf16_is_told_from_its_zero_bytes_at_the_boundaries(data, expected):
    assert utf16_encoding(data) == expected
    if expected == "utf-16-le" and not data.startswith(codecs.BOM_UTF16_LE):
        swapped = b"".join(data[i + 1:i + 2] + data[i:i + 1] for i in range(0, len(data), 2))
        assert utf16_encoding(swapped) == "utf-16-be"


def test_a_utf16_file_under_the_limit_is_not_refused_for_growing_as_utf8(monkeypatch):
    """CJK text takes 2 bytes a character in UTF-16 and 3 in UTF-8."""
    import ties.formats.importers as importers

    text = "BEGIN:VCARD\r\nFN:Ana\r\nNOTE:" + "東" * 300 + "\r\nEND:VCARD\r\n"
    data = codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    monkeypatch.setattr(importers, "MAX_BYTES", len(data))
    assert len(text.encode()) > len(data)
    assert read(data, "x.vcf").records[0].fields == {"notes": "東" * 300}


def test_utf16_that_does_not_decode_past_the_sample_is_refused_in_one_line():
    data = "BEGIN:VCARD\r\nFN:Ana\r\n".encode("utf-16-le") * 200 + b"\x00\xd8" + b"a\x00"
    with pytest.raises(BadFile, match=r"^x.vcf looks like UTF-16-LE text without a byte-order "
                       r"mark, but part of it is not\. Save it as UTF-8"):
        read(data, "x.vcf")


# Values -------------------------------------------------------------------------------------

def test_apple_contacts_values_are_kept_as_the_card_means_them():
    parsed = load("apple-30.vcf")
    (ana,) = parsed.records
    assert ana.name == "Ana Lima"
    assert ana.fields == {"email": "ana@work.example", "phone": "+1 555 0102",
                          "notes": 'She said "call me"; really.\nSecond line',
                          "birthday_year": None, "birthday_month": 3, "birthday_day": 20}
    assert ana.emails == ["ana@work.example", "ana@home.example", "ana@omega.example"]
    assert ana.phones == ["+1 555 0102", "+1 555 0101"]
    assert ana.tags == ["friends", "family", "work"]  # "Friends\, family": two, as meant
    assert parsed.skipped == [
        ("card 2", "a contact group (X-ADDRESSBOOKSERVER-KIND:group), not a person")]


def test_cardbook_values_are_kept_as_the_card_means_them():
    parsed = load("cardbook-40.vcf")
    bo, cy, acme = parsed.records
    assert bo.fields == {"email": "bo@work.example", "phone": "+44-20-5550-0199 ext. 12",
                         "birthday_year": None, "birthday_month": 3, "birthday_day": 20}
    assert bo.emails == ["bo@work.example", "bo@old.example", "bo@home.example"]
    assert bo.phones == ["+44-20-5550-0199 ext. 12", "+44-20-5550-0100"]
    assert cy.fields == {"birthday_year": None, "birthday_month": 3, "birthday_day": 21}
    assert (acme.name, acme.fields) == ("Acme Plumbing", {"company": "Acme Plumbing",
                                                          "phone": "+1 555 0199"})
    assert parsed.skipped == [("card 3", "a contact group (KIND:group), not a person")]


@pytest.mark.parametrize(("lines", "reason"), [
    (["KIND:Group"], "a contact group (KIND:group), not a person"),
    (["X-ADDRESSBOOKSERVER-KIND:list"], "a contact list (X-ADDRESSBOOKSERVER-KIND:list), "
                                        "not a person"),
    (["X-KIND:group"], "a contact group (X-KIND:group), not a person"),
    (["KIND:location"], "a place (KIND:location), not a person"),
    (["X-EVOLUTION-LIST:TRUE"], "a contact list (X-EVOLUTION-LIST), not a person"),
])
def test_groups_lists_and_places_are_skipped_with_the_reason(lines, reason):
    parsed = read(card("FN:Hiking", *lines), "x.vcf")
    assert (parsed.records, parsed.skipped) == ([], [("card 1", reason)])


@pytest.mark.parametrize("kind", ["KIND:individual", "KIND:org", "X-EVOLUTION-LIST:FALSE"])
def test_people_and_organisations_are_imported(kind):
    assert one(card("FN:Acme", kind)).name == "Acme"


def test_a_card_nested_in_another_keeps_the_outer_card_regression_false_no_end():
    parsed = load("agent-21.vcf")
    chidi, dana, eva = parsed.records
    assert (chidi.name, chidi.fields) == ("Chidi Okafor", {"phone": "+234 1 555 0100"})
    assert (dana.name, dana.fields) == ("Dana Whitfield", {"email": "dana@example.com"})
    assert (eva.name, eva.fields) == ("Eva Vidal", {"phone": "+34 91 555 0100"})
    assert parsed.skipped == []
    assert parsed.notes == [
        "card 1 (Chidi Okafor) holds a card inside it (vCard 2.1's AGENT, such as an "
        "assistant), left out; the card itself was read.",
        "card 2 (Dana Whitfield) holds a card inside it (vCard 2.1's AGENT, such as an "
        "assistant), left out; the card itself was read.",
        "card 3 (Eva Vidal) holds 2 cards inside it (vCard 2.1's AGENT, such as an "
        "assistant), left out; the card itself was read."]


def test_a_card_without_end_before_another_is_still_reported_not_taken_as_nested():
    data = b"BEGIN:VCARD\r\nFN:Cut Off\r\n" + card("FN:Ana") + card("FN:Bo")
    parsed = read(data, "x.vcf")
    assert [r.name for r in parsed.records] == ["Ana", "Bo"]
    assert parsed.skipped == [("card 1", "no END:VCARD")]


def test_a_nested_card_whose_outer_card_never_ends_is_read_as_its_own_card():
    data = b"BEGIN:VCARD\r\nFN:Outer\r\nAGENT:\r\n" + card("FN:Inner") + card("FN:Next")
    parsed = read(data, "x.vcf")
    assert [r.name for r in parsed.records] == ["Inner", "Next"]
    assert parsed.skipped == [("card 1", "no END:VCARD")]


@pytest.mark.parametrize("eol", [b"\r\n", b"\n"])
def test_many_unclosed_cards_are_read_in_linear_time(eol):
    """A quadratic search for line ends (each marker looking for a CR to the end of a
    file that has none) would take minutes here."""
    data = (b"BEGIN:VCARD" + eol + b"FN:x" + eol) * 50_000 + card("FN:Last").replace(
        b"\r\n", eol)
    parsed = read(data, "x.vcf")
    assert [r.name for r in parsed.records] == ["Last"] and len(parsed.skipped) == 50_000


@pytest.mark.parametrize("eol", ["\r\n", "\n", "\r"])
def test_cards_are_found_whatever_the_line_ends_and_the_case_of_their_markers(eol):
    text = eol.join(["begin:vcard ", "FN:Ana", "NOTE:a line that says END:VCARD is text",
                     " END:VCARD", "  BEGIN:VCARD\t", "N:Chen;Bo", "End:VCard", ""])
    parsed = read(text.encode(), "x.vcf")
    assert [(r.name, r.fields) for r in parsed.records] == [
        ("Ana", {"notes": "a line that says END:VCARD is text"}), ("Bo Chen", {})]
    assert parsed.skipped == []


def test_a_long_line_ending_in_vcard_is_no_marker():
    data = card("FN:Ana", "NOTE:" + "x" * 300 + " END:VCARD")
    assert one(data).fields["notes"] == "x" * 300 + " END:VCARD"


@pytest.mark.parametrize(("value", "address"), [
    ('"Omega" <omega@example.com>', "omega@example.com"),
    ("Omega Ltd <omega@example.com> ", "omega@example.com"),
    ("<omega@example.com>", "omega@example.com"),
    ("mailto:omega@example.com", "omega@example.com"),
    ("MAILTO:omega@example.com", "omega@example.com"),
])
def test_an_address_with_a_display_name_or_mailto_keeps_the_address(value, address):
    assert one(card("FN:Ana", f"EMAIL:{value}")).emails == [address]


def test_a_display_name_folded_before_its_address_keeps_the_address():
    """Android folds a long EMAIL value before the '<' (the second space is the value's)."""
    data = card("N:;Omega;;;", 'EMAIL;INTERNET:"Omega"', "  <omega@example.com>",
                "FN:Omega", version="2.1")
    assert one(data).emails == ["omega@example.com"]


@pytest.mark.parametrize(("line", "birthday"), [
    ("BDAY;X-APPLE-OMIT-YEAR=1604:1604-03-20", (None, 3, 20)),
    ("BDAY;X-APPLE-OMIT-YEAR=1604:16040320", (None, 3, 20)),
    ("BDAY:1604-03-20", (None, 3, 20)),  # the same card after a sync lost the parameter
    ("BDAY:0000-03-20", (None, 3, 20)),
    ("BDAY;X-APPLE-OMIT-YEAR=1900:1900-03-20", (None, 3, 20)),
    ("BDAY;X-APPLE-OMIT-YEAR=1604:1985-03-20", (1985, 3, 20)),
    ("BDAY:--0320", (None, 3, 20)), ("BDAY:--03-20", (None, 3, 20)),
    ("BDAY;VALUE=date:1985-03-20", (1985, 3, 20)),
])
def test_birthdays_without_a_year_are_kept_as_month_and_day(line, birthday):
    fields = one(card("FN:Ana", line)).fields
    assert (fields["birthday_year"], fields["birthday_month"], fields["birthday_day"]) \
        == birthday


@pytest.mark.parametrize(("version", "note", "expected"), [
    ("3.0", 'say \\"hi\\"', 'say "hi"'),
    ("4.0", "a\\,b\\;c\\\\d\\ne\\Nf\\:g", "a,b;c\\d\ne\nf:g"),
    ("3.0", "C:\\\\Users\\\\ana", "C:\\Users\\ana"),
    ("2.1", "C:\\Users\\ana", "C:\\Users\\ana"),  # 2.1 has no \U escape: kept as written
    ("2.1", "a\\;b\\,c", "a;b,c"),
])
def test_escapes_are_read_as_the_version_defines_them(version, note, expected):
    assert one(card("FN:Ana", f"NOTE:{note}", version=version)).fields["notes"] == expected


@pytest.mark.parametrize(("value", "parts"), [
    ("a,b", ["a", "b"]), ("a\\,b", ["a\\,b"]), ("a\\\\,b", ["a\\\\", "b"]),
    ("a\\\\\\,b", ["a\\\\\\,b"]), (",a,", ["", "a", ""]), ("a\\", ["a\\"]), ("", [""]),
])
def test_lists_split_on_commas_that_are_not_escaped(value, parts):
    assert vcard._separated(value, ",") == parts


@pytest.mark.parametrize(("value", "tags"), [
    ("Friends\\, family,Work,Book Club", ["friends", "family", "work", "book-club"]),
    ("c1\\, c2\\, c3", ["c1", "c2", "c3"]),         # regression: one tag 'c1,-c2,-c3'
    ("a\\,b,Work", ["a,b", "work"]),                 # RFC 6350: a comma inside one
    ("a\\\\, b", ["a\\", "b"]),                      # the backslash is the escaped one
])
def test_commas_in_categories_separate_unless_escaped_inside_a_word(value, tags):
    """Issue 14: 'CATEGORIES:a\\, b' became one tag. Programs that escape the comma between
    two categories put a space after it; ties' own export escapes a comma inside a tag."""
    record = one(card("FN:Ana", f"CATEGORIES:{value}"))
    assert record.tags == tags


@pytest.mark.parametrize(("lines", "emails"), [
    (["EMAIL:a@x.example", "EMAIL;PREF=1:b@x.example"], ["b@x.example", "a@x.example"]),
    (["EMAIL;PREF=2:a@x.example", "EMAIL;PREF=1:b@x.example"], ["b@x.example", "a@x.example"]),
    (["EMAIL;PREF=1:a@x.example", "EMAIL;PREF=1:b@x.example"], ["a@x.example", "b@x.example"]),
    (["EMAIL:a@x.example", "EMAIL;TYPE=pref:b@x.example"], ["b@x.example", "a@x.example"]),
    (["EMAIL:a@x.example", "EMAIL;TYPE=work,pref:b@x.example"], ["b@x.example", "a@x.example"]),
    (["EMAIL;INTERNET:a@x.example", "EMAIL;PREF;INTERNET:b@x.example"],
     ["b@x.example", "a@x.example"]),
    (["EMAIL;PREF=100:a@x.example", "EMAIL:b@x.example"], ["a@x.example", "b@x.example"]),
    (["EMAIL:a@x.example", "EMAIL:A@X.example"], ["a@x.example"]),
])
def test_every_address_is_kept_the_preferred_first(lines, emails):
    record = one(card("FN:Ana", *lines))
    assert record.emails == emails and record.fields["email"] == emails[0]


def test_every_number_is_kept_the_preferred_first_and_tel_uris_read():
    record = one(card("FN:Ana", "TEL;TYPE=home:+1 555 0100",
                      "TEL;VALUE=uri;PREF=1:tel:+1-555-0101;ext=7",
                      "TEL;VALUE=uri:tel:+1-555-0102;phone-context=example.com"))
    assert record.phones == ["+1-555-0101 ext. 7", "+1 555 0100", "+1-555-0102"]


# Round trip -------------------------------------------------------------------------------

# Without the characters every text export makes visible on purpose (bidi marks, controls:
# ties.core.text.UNSAFE), which only the JSON export keeps: `test_cli_export.py::
# test_json_export_keeps_control_and_bidi_characters_other_formats_show_them_visibly`.
_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")),
                min_size=1, max_size=20).filter(lambda s: s.strip() and not UNSAFE.search(s))
_person = st.fixed_dictionaries({
    "name": _text, "company": st.one_of(st.none(), _text), "role": st.one_of(st.none(), _text),
    "notes": st.one_of(st.none(), _text), "email": st.sampled_from([None, "zoë@example.com"]),
    "phone": st.sampled_from([None, "+44 20 5550 0100"]),
    "tags": st.lists(st.from_regex(r"[a-zé東][a-z0-9é東,;\\-]{0,8}", fullmatch=True),
                     max_size=3, unique=True),
    "birthday": st.sampled_from([None, (None, 2, 29), (1985, 3, 20)]),
    # the fields vCard has no property for: "Label: value" lines in the NOTE, and ties'
    # own X-TIES- properties that bring them back
    **{name: st.one_of(st.none(), _text)
       for name in ("working_on", "struggles", "cares_about", "met", "industry")}})


def _refold(document: bytes, cuts: list[int]) -> bytes:
    """Every line unfolded and folded again at the byte offsets `cuts` (in the middle of a
    UTF-8 sequence as likely as not), as a writer that counts only bytes would. BEGIN and
    END stay whole: the reader finds cards by them before it unfolds (no writer folds an
    11-byte line, and a card's last value can't then swallow the next card), and so does
    a value's END:VCARD: a continuation line that reads as a marker is taken for one
    (`test_cards_are_found_whatever_the_line_ends_and_the_case_of_their_markers`)."""
    out = []
    for line in document.replace(b"\r\n ", b"").split(b"\r\n"):
        if line in (b"BEGIN:VCARD", b"END:VCARD"):
            out.append(line)
            continue
        pieces, start = [], 0
        for cut in sorted({c % max(len(line), 1) for c in cuts} - {0}):
            if re.match(rb"(?i)[ \t]*(BEGIN|END):VCARD", line[cut:]):
                continue  # a continuation reading as a marker is taken for one, by design
            pieces.append(line[start:cut])
            start = cut
        pieces.append(line[start:])
        out.append(b"\r\n ".join(pieces))
    return b"\r\n".join(out)


_people = st.lists(_person, min_size=1, max_size=3)
_cuts = st.lists(st.integers(1, 200), max_size=6)


@settings(max_examples=25, deadline=None)
@given(_people, _cuts)
def test_any_card_ties_exports_reads_back_the_same_however_it_is_folded(people, cuts):
    _reads_back_the_same(people, cuts)


@pytest.mark.slow
@settings(max_examples=1000, deadline=None, derandomize=True)
@given(_people, _cuts)
def test_any_card_ties_exports_reads_back_the_same_however_it_is_folded_deep(people, cuts):
    _reads_back_the_same(people, cuts)


def _reads_back_the_same(people: list[dict], cuts: list[int]) -> None:
    import unicodedata

    from ties.core import fields
    from ties.core.names import clean_name

    data = {"people": [], "interactions": [], "follow_ups": []}
    for i, p in enumerate(people):
        y, m, d = p["birthday"] or (None, None, None)
        data["people"].append({
            "id": i, "name": clean_name(p["name"]) or "x", "company": p["company"],
            "role": p["role"], "notes": p["notes"], "email": p["email"], "phone": p["phone"],
            "tags": [fields.tag(t) for t in p["tags"]], "linkedin": None, "location": None,
            "birthday_year": y, "birthday_month": m, "birthday_day": d,
            **{k: p[k] for k in ("working_on", "struggles", "cares_about", "met", "industry")}})
    document = exporters.to_vcard(data).encode()
    parsed = read(_refold(document, cuts), "x.vcf")
    assert parsed.notes == [] and parsed.skipped == []
    assert [r.name for r in parsed.records] == [p["name"] for p in data["people"]]

    def nfc(text: str | None) -> str | None:
        return " ".join(unicodedata.normalize("NFC", text).split()) if text and text.strip() \
            else None

    for record, p in zip(parsed.records, data["people"], strict=True):
        assert record.fields.get("company") == nfc(p["company"])
        assert record.fields.get("role") == nfc(p["role"])
        for key in ("working_on", "struggles", "cares_about", "met"):  # long: lines kept
            assert record.fields.get(key) == fields.text(key, p[key]), key
        assert record.fields.get("industry") == nfc(p["industry"])
        notes = p["notes"] and unicodedata.normalize("NFC", p["notes"]).strip()
        assert record.fields.get("notes") == (notes or None)  # the labelled lines taken off
        assert record.emails == ([p["email"]] if p["email"] else [])
        assert record.phones == ([p["phone"]] if p["phone"] else [])
        assert record.tags == p["tags"]
        assert (record.fields.get("birthday_year"), record.fields.get("birthday_month"),
                record.fields.get("birthday_day")) == (p["birthday_year"],
                                                       p["birthday_month"], p["birthday_day"])


def test_refolding_splits_utf8_sequences():
    """The round trip above does fold inside characters."""
    folded = _refold(b"FN:Zo\xc3\xab", [6])
    assert folded == b"FN:Zo\xc3\r\n \xab"
    assert re.search(rb"[\xc0-\xff]\r\n ", folded)


# Through the real CLI: one import per encoding family -----------------------------------

@pytest.mark.parametrize(("name", "first_line", "stored"), [
    ("sjis-21.vcf", "Imported vcard as import #1: 1 created, 0 updated, 0 unchanged, "
     "0 skipped.", [("山田 太郎", "ソニー", None, "表参道で会った")]),
    ("codepages-21.vcf", "Imported vcard as import #1: 2 created, 0 updated, 0 unchanged, "
     "0 skipped.", [("Анна Иванова", None, "Инженер", None),
                    ("Νίκος Παπαδόπουλος", "Ακμή", None, None)]),
    ("qp-bare-21.vcf", "Imported vcard as import #1: 1 created, 0 updated, 0 unchanged, "
     "0 skipped.", [("花 十村", None, None, "café at 5\nthen dinner")]),
    ("utf16be-nobom.vcf", "Imported vcard (read as utf-16-be) as import #1: 1 created, "
     "0 updated, 0 unchanged, 0 skipped.", [("Zoë Ωmega", "Café Ltd", None, None)]),
])
def test_cli_imports_each_encoding_family(ties, db_path, name, first_line, stored):
    result = ties("import", str(FIXTURES / name))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[0] == first_line
    assert "note:" not in result.stderr
    assert rows(db_path, "SELECT name, company, role, notes FROM person ORDER BY id") == stored


def test_cli_says_which_cards_it_guessed_the_charset_of(ties, db_path):
    result = ties("import", str(FIXTURES / "latin1-30.vcf"))
    assert result.exit_code == 0, result.stderr
    assert ("  note: card 1 (José Müller): text that is not UTF-8 and names no charset, read "
            "as windows-1252 (a guess).") in result.stderr
    assert rows(db_path, "SELECT name, notes FROM person") == [("José Müller",
                                                                "Café in München")]


def test_cli_skips_groups_and_keeps_nested_cards_outer_card(ties, db_path):
    result = ties("import", str(FIXTURES / "apple-30.vcf"))
    assert result.exit_code == 0, result.stderr
    assert ("  skipped 1: a contact group (X-ADDRESSBOOKSERVER-KIND:group), not a person "
            "(card 2)") in result.stderr.splitlines()
    result = ties("import", str(FIXTURES / "agent-21.vcf"))
    assert result.exit_code == 0, result.stderr
    assert "3 created, 0 updated, 0 unchanged, 0 skipped." in result.stderr
    assert rows(db_path, "SELECT name FROM person ORDER BY id") == [
        ("Ana Lima",), ("Chidi Okafor",), ("Dana Whitfield",), ("Eva Vidal",)]


def test_regression_a_vcard_export_of_long_notes_was_refused_when_imported_back(ties, tmp_path):
    """ties' vCard export wrote every field vCard has no property for into the NOTE, after
    the notes: 60,000 characters each of notes, working on and struggles made a NOTE of
    180,031 that the import refused (a note holds at most 100,000), and --skip-invalid
    dropped all three. Each now comes back as its own field, the notes as they were."""
    long = {"--note": "n" * 60_000, "--working-on": "w" * 60_000, "--struggles": "s" * 60_000,
            "--met": "PyCon, her talk"}
    assert ties("add", "Long Person", *[x for kv in long.items() for x in kv]).exit_code == 0
    out = tmp_path / "people.vcf"
    assert ties("export", "--format", "vcard", "-o", str(out)).exit_code == 0
    assert ties("rm", "Long Person", "--yes").exit_code == 0
    result = ties("import", str(out))
    assert result.exit_code == 0, result.stderr
    shown = json.loads(ties("show", "Long Person", "--json").stdout)
    assert (shown["notes"], shown["working_on"], shown["struggles"], shown["met"]) == (
        "n" * 60_000, "w" * 60_000, "s" * 60_000, "PyCon, her talk")


def test_a_note_block_edited_in_another_program_stays_in_the_notes():
    """The "Label: value" lines are taken off the notes only when they are exactly what
    the fields make: a block someone edited elsewhere is kept, not lost."""
    data = card("FN:Ana", "NOTE:likes tea\\n\\nWorking on: a novel", "X-TIES-WORKING-ON:a book")
    assert one(data).fields == {"notes": "likes tea\n\nWorking on: a novel",
                                "working_on": "a book"}
    data = card("FN:Ana", "NOTE:likes tea\\n\\nWorking on: a book", "X-TIES-WORKING-ON:a book")
    assert one(data).fields == {"notes": "likes tea", "working_on": "a book"}
