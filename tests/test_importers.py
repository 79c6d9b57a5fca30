"""Importers are pure: bytes in, records out. Fixtures reproduce the quirks of real
exports (shared/testdata) without copying them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ties.formats import exporters
from ties.formats.importers import BadFile, decode, read

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def load(name: str, fmt: str = "auto"):
    return read((FIXTURES / name).read_bytes(), name, fmt)


def by_name(parsed) -> dict:
    return {r.name: r for r in parsed.records}


def test_linkedin_with_bom_preamble_and_url_column():
    parsed = load("linkedin-2024.csv")
    assert parsed.format == "linkedin"
    people = by_name(parsed)
    assert list(people) == ["Ana Lima", 'Bo Chen "BC"', "José Núñez", "Zoë O'Neill"]
    assert people["Ana Lima"].fields == {
        "linkedin": "https://www.linkedin.com/in/analima", "company": "Globex",
        "role": "VP, Engineering", "connected_on": date(2024, 5, 30)}
    assert people['Bo Chen "BC"'].fields["email"] == "bo@acme.example"
    assert people['Bo Chen "BC"'].fields["connected_on"] == date(2025, 1, 5)
    assert people["José Núñez"].fields["company"] == "Banco Andino, S.A."
    assert people["José Núñez"].fields["connected_on"] == date(2018, 1, 8)
    assert people["Zoë O'Neill"].fields["linkedin"] == "https://www.linkedin.com/in/zoeoneill"
    assert parsed.skipped == [("row 7", "no name")]  # spreadsheet rows: header is row 4
    assert all("\ufeff" not in r.name for r in parsed.records)


def test_linkedin_old_layout_without_preamble_or_url():
    parsed = load("linkedin-2017.csv")
    assert parsed.format == "linkedin"
    assert [(r.name, r.fields.get("email"), r.fields["connected_on"]) for r in parsed.records] \
        == [("Ana Lima", "ana@globex.example", date(2017, 7, 14)),
            ("Carmen Vidal", None, date(2016, 10, 3))]


def test_google_current_layout():
    parsed = load("google-current.csv")
    assert parsed.format == "google"
    mei, grace = parsed.records
    assert mei.name == "Mei Lin"
    assert mei.fields == {
        "email": "mei@pacific.example", "phone": "+65 5555 0101", "company": "Pacific Biotech",
        "role": "Research Director", "location": "Singapore", "birthday_year": None,
        "birthday_month": 4, "birthday_day": 12, "notes": "Met at ISMB.\nLikes hiking, tea.",
        "linkedin": "https://www.linkedin.com/in/meilin"}
    assert mei.tags == ["conference"]
    assert grace.name == "Grace S. Park"
    assert (grace.fields["birthday_year"], grace.tags) == (1988, [])
    assert parsed.skipped == [("row 4", "no name")]  # a quoted note spans two lines


def test_google_legacy_layout():
    parsed = load("google-legacy.csv")
    assert parsed.format == "google"
    rosa, uma = parsed.records
    assert rosa.name == "Rosa Díaz"
    assert rosa.fields == {"email": "rosa@andes.example", "phone": "+56 2 555 0199",
                           "company": "Andes Energy", "role": "CTO", "birthday_year": 1979,
                           "birthday_month": 11, "birthday_day": 2, "notes": "Climate person"}
    assert rosa.tags == ["energy"]
    assert uma.name == "Uma Singh" and uma.fields["company"] == "Kite Ventures"


ANA_AT_HOOLI = {"email": "ana@hooli.example", "company": "Hooli", "role": "Engineer"}


@pytest.mark.parametrize(("name", "tags"), [
    ("google-current-no-labels.csv", []), ("google-current-labels.csv", ["friends"]),
    ("google-legacy-no-groups.csv", []), ("google-legacy-groups.csv", ["friends"])])
def test_regression_google_csv_without_labels_was_read_as_generic_losing_company_and_email(
        name, tags):
    """Bug: a Google Contacts CSV without its optional "Labels" column (an export of
    selected contacts, a file a spreadsheet saved) was read as a generic CSV and lost the
    company, title and email. Google is told by its own columns, in either layout, with
    or without Labels / Group Membership."""
    parsed = load(name)
    assert parsed.format == "google"
    ana = parsed.records[0]
    assert ana.name == "Ana Lima"
    assert {k: ana.fields.get(k) for k in ANA_AT_HOOLI} == ANA_AT_HOOLI
    assert ana.tags == tags


def test_google_current_without_labels_keeps_every_address_and_the_phone():
    ana, bo = load("google-current-no-labels.csv").records
    assert ana.fields["phone"] == "+1 555 0100"
    assert (bo.fields["company"], bo.emails) == ("Acme", ["bo@acme.example",
                                                          "bo@home.example"])
    assert "role" not in bo.fields


@pytest.mark.parametrize(("header", "row"), [
    ("First Name,Last Name,E-mail,Company,Job Title",  # a spreadsheet's own columns
     "Ana,Lima,ana@hooli.example,Hooli,Engineer"),
    ("First Name,Last Name,E-mail Address,E-mail 2 Address,Company",  # Outlook's
     "Ana,Lima,ana@hooli.example,,Hooli"),
    ("First Name,Last Name,Organization,Primary Email",  # Thunderbird's
     "Ana,Lima,Hooli,ana@hooli.example"),
    ("Given Name,Surname,E-mail,Organization",  # no Google column beside Given Name
     "Ana,Lima,ana@hooli.example,Hooli"),
    ("Name,E-mail,Organization Name,Organization Title",  # no First Name nor Given Name
     "Ana Lima,ana@hooli.example,Hooli,Engineer"),
])
def test_a_generic_csv_with_an_email_column_is_not_taken_for_google(header, row):
    parsed = read(f"{header}\r\n{row}\r\n".encode(), "people.csv")
    assert parsed.format == "csv"
    assert [r.emails for r in parsed.records] == [["ana@hooli.example"]]


def test_vcard_21_quoted_printable_charsets_soft_breaks_and_blobs():
    parsed = load("contacts-21.vcf")
    assert parsed.format == "vcard"
    jose, rene = parsed.records
    assert jose.name == "José Núñez García"
    assert jose.fields == {"email": "jose@andino.example", "phone": "+56 9 5555 0000",
                           "company": "Banco Andino, S.A.", "notes": "Line one\nLine two"}
    assert jose.tags == []  # "My Contacts" is a system group
    assert rene.name == "René Lefèvre" and rene.fields == {"role": "Analyst"}
    assert parsed.skipped == [("card 3", "no name"),
                              ("card 4", "the file ends inside this card (no END:VCARD)")]


def test_vcard_30_groups_escapes_folding_and_partial_birthday():
    parsed = load("contacts-30.vcf")
    chidi, mei = parsed.records
    assert chidi.name == "Dr. Chidi Okafor, MD"
    assert chidi.fields == {
        "email": "chidi@northwind.example", "phone": "+234 1 555 0100",
        "company": "Northwind Health", "role": "Chief Medical Officer",
        "notes": "Telehealth for rural clinics; wants intros to NGOs. Long note that is folded "
                 "over two lines.",
        "birthday_year": None, "birthday_month": 4, "birthday_day": 12,
        "location": "Lagos, Nigeria", "linkedin": "https://www.linkedin.com/in/chidi-okafor"}
    assert chidi.tags == ["health", "mentors"]
    assert mei.fields == {"email": "mei@pacific.example"}


def test_vcard_40_uri_phone_keeps_its_extension_and_folded_address():
    (simone,) = load("contacts-40.vcf").records
    assert simone.fields == {"email": "simone@viagenie.example",
                             "phone": "+1-418-656-9254 ext. 102",
                             "company": "Viagenie", "birthday_year": None,
                             "birthday_month": 2, "birthday_day": 3,
                             "location": "Quebec, Canada"}


def test_generic_csv_aliases_and_neutralised_cells():
    parsed = load("generic.csv")
    assert parsed.format == "csv"
    ana, bo, dana = parsed.records
    assert ana.fields == {"company": "Globex", "role": "VP Engineering",
                          "email": "ana@globex.example", "type": "strategic",
                          "met": "PyCon 2024", "working_on": "a platform rewrite"}
    assert ana.tags == ["mentor", "pycon"]
    assert bo.fields["type"] == "social"
    assert dana.name == 'Dana "DW" Whitfield'
    assert dana.fields["role"] == "=cmd|' /C calc'!A0"


def test_windows_1252_file_is_read_and_says_so():
    parsed = load("cp1252.csv")
    assert parsed.encoding == "windows-1252"
    assert [(r.name, r.fields["company"]) for r in parsed.records] == [
        ("René Lefèvre", "Société Générale"), ("François Müller", "Café Größe")]


@pytest.mark.parametrize("data", [b"", b"just some words\n", b"\x00\x01\x02binary",
                                  b'{"format": "other"}', b"{not json"])
def test_unreadable_files_are_refused_clearly(data):
    with pytest.raises(BadFile) as exc:
        read(data, "x.txt")
    assert "\n" not in exc.value.message


def test_oversized_file_is_refused(monkeypatch):
    import ties.formats.importers as importers

    monkeypatch.setattr(importers, "MAX_BYTES", 100)
    with pytest.raises(BadFile, match="imports files up to"):
        decode(b"x" * 101, "big.csv")


def test_overlong_name_refuses_the_file_naming_the_row():
    data = ("name,company\n" + "A" * 300 + ",Acme\nBo,Acme\n").encode()
    with pytest.raises(BadFile) as refused:
        read(data, "x.csv")
    assert refused.value.message.startswith(
        "x.csv: row 2 (" + "A" * 39 + "…), name: A name can have at most 200 characters")


def test_overlong_name_with_skip_invalid_skips_the_row_with_a_reason():
    data = ("name,company\n" + "A" * 300 + ",Acme\nBo,Acme\n").encode()
    parsed = read(data, "x.csv", skip_invalid=True)
    assert [r.name for r in parsed.records] == ["Bo"]
    assert parsed.skipped[0][1].startswith("A name can have at most 200 characters")


def test_the_seven_vendor_files_in_shared_testdata_all_parse():
    shared = Path(__file__).parent.parent.parent / "shared" / "testdata" / "vcard"
    files = sorted(shared.glob("*.vcf"))
    if not files:
        pytest.skip("shared/testdata is not beside this checkout")
    for f in files:
        parsed = read(f.read_bytes(), f.name)
        if f.name == "John_Doe_ANDROID.vcf":  # its card 5 has a second address "ÑÑÑ...":
            # a further address that is no address is left out, and said (the first one
            # of an entry would refuse the file)
            assert [i.describe()[:36] for i in parsed.left_out] == [
                "card 5 (Ñ Ñ Ñ Ñ), email: 'ÑÑÑÑÑÑÑÑÑÑ"]
        assert parsed.format == "vcard"
        assert parsed.records, f.name


names = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")),
                min_size=1, max_size=30).filter(lambda s: s.strip())


@given(st.lists(st.tuples(names, st.one_of(st.none(), names), st.one_of(st.none(), names)),
                min_size=1, max_size=5))
def test_vcard_export_then_import_keeps_names_orgs_and_notes(people):
    import unicodedata

    from ties.core.names import clean_name

    def nfc(text: str) -> str:
        return unicodedata.normalize("NFC", text)

    data = {"people": [
        {"id": i, "name": clean_name(n) or "x", "company": c, "notes": note, "tags": [],
         "role": None, "email": None, "phone": None, "linkedin": None, "location": None,
         "birthday_month": None, "working_on": None, "struggles": None, "cares_about": None,
         "met": None}
        for i, (n, c, note) in enumerate(people)], "interactions": [], "follow_ups": []}
    parsed = read(exporters.to_vcard(data).encode(), "x.vcf")
    assert [r.name for r in parsed.records] == [p["name"] for p in data["people"]]
    for record, p in zip(parsed.records, data["people"], strict=True):
        # ties keeps text in Unicode NFC, so compare in that form
        if p["company"] and p["company"].strip():
            assert record.fields["company"] == " ".join(nfc(p["company"]).split())
        if p["notes"] and p["notes"].strip():
            assert record.fields["notes"] == nfc(p["notes"]).strip()


@given(st.text(max_size=20))
def test_csv_neutralise_never_leaves_a_formula(cell):
    out = exporters.neutralise(cell)
    assert not out.startswith(exporters.DANGEROUS)
    assert out.endswith(cell)


class _Endless:
    """A stream like /dev/zero that counts what was asked of it."""

    def __init__(self):
        self.given = 0

    def read(self, n: int = -1) -> bytes:
        assert n >= 0, "an unbounded read of an endless stream"
        self.given += n
        return b"\0" * n


def test_a_stream_is_read_at_most_one_byte_past_the_limit(monkeypatch):
    import io

    import ties.formats.importers as importers

    monkeypatch.setattr(importers, "MAX_BYTES", 100)
    endless = _Endless()
    with pytest.raises(BadFile, match="is larger than 0 MiB"):
        importers.read_stream(endless, "/dev/zero")
    assert endless.given == 101
    assert importers.read_stream(io.BytesIO(b"x" * 100), "stdin") == b"x" * 100
    with pytest.raises(BadFile, match="imports files up to"):
        importers.read_stream(io.BytesIO(b"x" * 101), "stdin")


def test_a_regular_file_over_the_limit_is_refused_by_its_size(monkeypatch, tmp_path):
    import ties.formats.importers as importers

    monkeypatch.setattr(importers, "MAX_BYTES", 2**20)
    exact = tmp_path / "exact.csv"
    exact.write_bytes(b"x" * 2**20)
    assert importers.read_path(exact, "exact.csv") == b"x" * 2**20
    big = tmp_path / "big.csv"
    big.write_bytes(b"x" * (3 * 2**20))
    with pytest.raises(BadFile, match=r"^big.csv is 3 MiB; ties imports files up to 1 MiB"):
        importers.read_path(big, "big.csv")


# Big input: the parsers are linear, and give what they gave before ----------------------
# Speed is measured by benchmarks/vcard.py, never here. These tests hold the rewritten
# steps to the results of the straightforward (quadratic) code they replaced.

def _quadratic_logical_lines(lines: list[bytes]) -> list[bytes]:
    """vcard._logical_lines as it was: right, but it copied the whole logical line on
    every fold and soft break. The reference the linear version must equal (on bytes:
    QUOTED-PRINTABLE is an ASCII word, so 'quoted-prıntable' does not name it)."""
    out: list[bytes] = []
    qp_open = False
    for line in lines:
        if qp_open and out:
            out[-1] = out[-1][:-1] + line
        elif line[:1] in (b" ", b"\t") and out:
            out[-1] += line[1:]
        elif line.strip() == b"":
            qp_open = False
            continue
        else:
            out.append(line)
        head = out[-1].split(b":", 1)[0].upper()
        qp_open = b"QUOTED-PRINTABLE" in head and out[-1].endswith(b"=")
    return out


def _scanning_split_point(line: str) -> int | None:
    """Where vcard._split cut a line before: the first ':' outside double quotes."""
    in_quote = False
    for i, ch in enumerate(line):
        if ch == '"':
            in_quote = not in_quote
        elif ch == ":" and not in_quote:
            return i
    return None


# Pieces that make every branch likely: folds, soft breaks, blank lines, heads that name
# quoted-printable in any case or only across a fold, and characters whose upper case is
# longer (ß) or is ASCII (ı -> I).
_pieces = st.sampled_from(["", " ", "\t", "=", "==", ":", '"', ";", "a", "é", "ß", "ı", "\x0b",
                           "NOTE", "ENCODING=", "QUOTED-PRINTABLE", "quoted-printable",
                           "QUOTED-", "PRINTABLE", "quoted-prıntable", "=C3=A9", "x="])
_lines = st.lists(st.lists(_pieces, max_size=6).map("".join), max_size=25)


@given(_lines)
@example(["NOTE;ENCODING=QUOTED-", " PRINTABLE:caf=", "=C3=A9"])
@example(["X;QUOTED-PRINTABL", " E:a=", "b"])  # all 15 characters before the fold count
@example(["N;quoted-printable:a==", "", "", "b"])  # blank lines inside a soft break
def test_unfolding_gives_what_the_quadratic_unfolding_gave(lines):
    from ties.formats.importers import vcard

    lines = [line.encode() for line in lines]
    assert vcard._logical_lines(lines) == _quadratic_logical_lines(lines)


@given(st.lists(_pieces, max_size=12).map("".join))
@example('N;X=":":v')
@example('N;X="a:b";Y=c:d')
def test_a_property_line_is_cut_at_the_same_colon_as_before(line):
    from ties.formats.importers import vcard

    cut = _scanning_split_point(line)
    split = vcard._split(line)
    if cut is None:
        assert split is None
    elif split is not None:  # None also when the head has no name
        assert split[2] == line[cut + 1:]


def _fold(line: str, width: int = 75) -> str:
    return "\r\n ".join(line[i:i + width] for i in range(0, len(line), width))


def _soft_breaks(encoded: str, width: int = 75) -> str:
    return "=\r\n".join(encoded[i:i + width] for i in range(0, len(encoded), width))


def test_a_long_folded_note_and_photo_come_back_whole():
    note = "".join(f"line {i}: café, naïve; 東京\\n" for i in range(3000))  # 90,000 chars
    photo = "QUJD" * 250_000  # a 1 MB base64 photo
    card = ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Lima\r\n"
            + _fold("PHOTO;ENCODING=b;TYPE=JPEG:" + photo) + "\r\n"
            + _fold("NOTE:" + note) + "\r\nEND:VCARD\r\n")
    assert card.count("\r\n ") > 14_000
    parsed = read(card.encode(), "long.vcf")
    assert [r.name for r in parsed.records] == ["Ana Lima"] and not parsed.skipped
    assert parsed.records[0].fields["notes"] == note.replace("\\n", "\n").strip()


def test_a_long_quoted_printable_note_with_soft_breaks_comes_back_whole():
    import quopri

    note = " ".join(f"Zoë met Ana at café {i}" for i in range(3000))  # 75,000 chars
    encoded = quopri.encodestring(note.encode(), quotetabs=True).decode().replace("=\n", "")
    # soft breaks every 75 columns, some of them splitting the two bytes of a ë or é
    card = ("BEGIN:VCARD\r\nVERSION:2.1\r\nN:Lima;Ana\r\n"
            "NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:" + _soft_breaks(encoded)
            + "\r\nEND:VCARD\r\n")
    assert card.count("=\r\n") > 1_000
    parsed = read(card.encode(), "qp.vcf")
    assert [r.name for r in parsed.records] == ["Ana Lima"]
    assert parsed.records[0].fields["notes"] == note


def test_many_cards_with_folds_and_soft_breaks_each_import():
    cards = []
    for n in range(2000):
        cards.append("BEGIN:VCARD\r\nVERSION:2.1\r\n" + _fold(f"FN:Person {n} " + "x" * 150)
                     + "\r\nNOTE;ENCODING=QUOTED-PRINTABLE:" + _soft_breaks("caf=C3=A9 " * 40)
                     + "\r\nEND:VCARD\r\n")
    parsed = read("".join(cards).encode(), "many.vcf")
    assert len(parsed.records) == 2000 and not parsed.skipped
    assert parsed.records[1999].name == "Person 1999 " + "x" * 150
    assert parsed.records[0].fields["notes"] == ("café " * 40).strip()


def test_repeated_categories_keep_their_first_order_once_each():
    card = "BEGIN:VCARD\r\nFN:Ana\r\nCATEGORIES:b,a,b,c,a\r\nEND:VCARD\r\n"
    assert read(card.encode(), "c.vcf").records[0].tags == ["b", "a", "c"]


def test_a_long_header_over_short_rows_reads_each_row():
    header = "name,company," + ",".join(f"extra {i}" for i in range(5000))
    data = header + "\n" + "".join(f"Person {i},Acme\n" for i in range(2000)) + "Short\n"
    parsed = read(data.encode(), "wide.csv", "csv")
    assert len(parsed.records) == 2001
    assert parsed.records[0].fields == {"company": "Acme"}
    assert parsed.records[-1].name == "Short" and parsed.records[-1].fields == {}


@pytest.mark.parametrize("row, company", [("Ana,Acme,Globex", "Globex"), ("Ana,Acme", None),
                                          ("Ana,Acme,", None)])
def test_a_column_named_twice_takes_its_last_cell_even_when_the_row_is_short(row, company):
    parsed = read(f"name,company,company\n{row}\n".encode(), "twice.csv", "csv")
    assert parsed.records[0].fields.get("company") == company


@given(header=st.lists(st.sampled_from(["name", "company", "Company", " email ", "", "x"]),
                       min_size=1, max_size=8),
       body=st.lists(st.lists(st.sampled_from(["", " ", "Ana", "'=1", "Acme"]), max_size=10),
                     max_size=6))
def test_a_csv_row_reads_as_the_header_wide_construction_read_it(header, body):
    from ties.formats.importers import csvfiles

    rows = [header, *body]
    names = [csvfiles._key(c) for c in header]
    got = dict(csvfiles._table(rows, 0))
    for number, row in enumerate(body, start=2):
        if not any(cell.strip() for cell in row):
            assert number not in got
            continue
        # what the rows x columns construction gave, "" for a cell the row lacks
        wide = {name: (csvfiles._cell(row[i]) if i < len(row) else "")
                for i, name in enumerate(names) if name}
        assert {name: got[number].get(name, "") for name in wide} == wide
        assert set(got[number]) <= set(wide)


def test_a_ties_export_is_read_as_typed_records_of_people_interactions_and_follow_ups():
    from datetime import datetime

    from ties.core.records import FollowUpRecord, InteractionRecord

    doc = {"format": "ties", "version": 1, "settings": {"next.count": 3},
           "people": [{"id": 7, "name": "Ana Lima", "email": "ana@globex.example",
                       "archived": True, "every_days": 30, "created": "2025-01-02",
                       "updated_at": "2025-01-02 03:04:05", "tags": ["mentor"]}],
           "interactions": [{"id": 3, "date": "2025-01-10", "people": [7, 7], "gave": True,
                             "note": "coffee"}],
           "follow_ups": [{"id": 2, "person": 7, "text": "send the paper",
                           "due": "2025-03-20"}],
           "last_ids": {"people": 9}}
    parsed = read(json.dumps(doc).encode(), "all.json")
    (ana,) = parsed.records
    assert (ana.name, ana.tags) == ("Ana Lima", ["mentor"])
    assert {k: ana.fields[k] for k in ("id", "email", "archived", "cadence_days", "created",
                                       "snoozed_until")} == {
        "id": 7, "email": "ana@globex.example", "archived": True, "cadence_days": 30,
        "created": date(2025, 1, 2), "snoozed_until": None}
    assert isinstance(ana.fields["updated_at"], datetime)
    assert parsed.interactions == [InteractionRecord(
        id=3, people=[7], when=date(2025, 1, 10), channel="other", note="coffee", gave=True)]
    assert parsed.follow_ups == [FollowUpRecord(id=2, person=7, text="send the paper",
                                                due=date(2025, 3, 20))]
    assert parsed.settings == {"next.count": "3"}
    assert parsed.last_ids == {"people": 9, "interactions": 0, "follow_ups": 0}


def test_every_email_and_phone_of_an_entry_is_kept_in_order_once_each():
    """Google joins several values in one cell with ' ::: '; the first is the preferred."""
    text = ("Name,Given Name,Family Name,Group Membership,E-mail 1 - Value,E-mail 2 - Value,"
            "Phone 1 - Value\n"
            "Ana Lima,,,,ana@work.example ::: ana@home.example,ANA@WORK.example,+1 555 0101\n")
    (ana,) = read(text.encode(), "g.csv", "google").records
    assert ana.emails == ["ana@work.example", "ana@home.example"]
    assert ana.fields["email"] == "ana@work.example"
    assert ana.phones == ["+1 555 0101"] and ana.fields["phone"] == "+1 555 0101"


def test_an_invalid_further_address_is_left_out_with_a_note_the_others_kept():
    text = ("Name,Given Name,Family Name,Group Membership,E-mail 1 - Value\n"
            "Ana Lima,,,,ana@work.example ::: not-an-address ::: ana@home.example\n")
    parsed = read(text.encode(), "g.csv", "google")
    (ana,) = parsed.records
    assert ana.emails == ["ana@work.example", "ana@home.example"]
    assert parsed.invalid == []
    assert [i.describe() for i in parsed.left_out] == [
        "row 2 (Ana Lima), email: 'not-an-address' doesn't look like an email address "
        "(name@example.com)"]


def test_an_invalid_first_address_refuses_the_file_as_any_invalid_value():
    text = ("Name,Given Name,Family Name,Group Membership,E-mail 1 - Value\n"
            "Ana Lima,,,,not-an-address ::: ana@work.example\n")
    with pytest.raises(BadFile, match="row 2 \\(Ana Lima\\), email: 'not-an-address'"):
        read(text.encode(), "g.csv", "google")
    (ana,) = read(text.encode(), "g.csv", "google", skip_invalid=True).records
    assert ana.emails == ["ana@work.example"]


@pytest.mark.parametrize("spelled, named", [
    ('"Ana \\ud800 Lima"', "\\ud800"),                        # a high half alone
    ('"Ana \\udc80 Lima"', "\\udc80"),                        # a low half alone
    ('"Ana \\ud83d\\ude00 \\uDE00"', "\\uDE00"),              # a pair, then a low alone
    ('"Ana \\ude00\\ud83d"', "\\ude00"),                      # the halves the wrong way round
])
def test_a_ties_json_with_half_a_character_is_refused_naming_it_not_blaming_the_terminal(
        spelled, named):
    """Regression: the message said the terminal sent bytes in another encoding."""
    doc = '{"format": "ties", "version": 1,\n"people": [{"id": 1, "name": ' + spelled + '}]}'
    with pytest.raises(BadFile) as refused:
        read(doc.encode(), "x.json", "ties")
    assert f"x.json spells half of a character with no other half ({named} on line 2)" \
        in refused.value.message
    assert "terminal" not in refused.value.message


def test_a_whole_pair_and_an_escaped_backslash_before_u_are_not_half_a_character():
    doc = ('{"format": "ties", "version": 1, "people": [{"id": 1, '
           '"name": "Ana \\ud83d\\ude00 Lima", "notes": "C:\\\\ud800"}]}')
    (ana,) = read(doc.encode(), "x.json", "ties").records
    assert ana.name == "Ana \U0001f600 Lima" and ana.fields["notes"] == "C:\\ud800"
