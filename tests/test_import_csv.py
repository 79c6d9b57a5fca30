"""CSV files as real programs write them: encodings guessed per line, UTF-16 without a
byte-order mark, the delimiter sniffed, dates in the file's own order and language, the
columns of Outlook, Thunderbird and Roundcube, and a --format that does not fit refused.

Each fixture is a few lines generated here, reproducing one quirk of a real export."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import rows
from ties.core import dates
from ties.core.errors import BadDate
from ties.formats import exporters
from ties.formats.importers import BadFile, csvfiles, decode_lines, read, utf16_encoding

WHOLE_FILE_GUESS = ("the file is not UTF-8: read as windows-1252 (a guess). If names look "
                    "wrong, save the file as UTF-8 and import it again ('ties import --undo' "
                    "takes this import back)")

TODAY = date(2025, 3, 14)


def names_of(parsed) -> list[str]:
    return [r.name for r in parsed.records]


# Encodings --------------------------------------------------------------------------------

def test_one_stray_byte_in_utf8_costs_only_its_line_regression_whole_file_read_as_cp1252():
    data = ("name,company\nJosé Müller,Acme\n".encode() + b"Zo\xeb Brun,Caf\xe9\n"
            + "Ana Lima,Société\n".encode())
    parsed = read(data, "x.csv")
    assert [(r.name, r.fields["company"]) for r in parsed.records] == [
        ("José Müller", "Acme"), ("Zoë Brun", "Café"), ("Ana Lima", "Société")]
    assert parsed.encoding == "utf-8"
    assert parsed.notes == ["line 3 is not UTF-8 like the rest of the file: read as "
                            "windows-1252; check the names there"]


def test_more_than_five_guessed_lines_are_counted_not_all_listed():
    data = "name\nJosé\n".encode() + b"".join(b"Ren\xe9 %d\n" % i for i in range(7))
    decoded = decode_lines(data, "x.csv")
    assert decoded.guessed == [(n, "windows-1252") for n in range(3, 10)]
    assert decoded.notes() == ["lines 3, 4, 5, 6, 7 and 2 more are not UTF-8 like the rest of "
                               "the file: read as windows-1252; check the names there"]


def test_a_file_wholly_in_cp1252_is_reported_once_as_windows_1252():
    data = "name,company\nRené Lefèvre,Société Générale\nAna,Acme\n".encode("cp1252")
    parsed = read(data, "x.csv")
    assert parsed.encoding == "windows-1252" and parsed.notes == [WHOLE_FILE_GUESS]
    assert names_of(parsed) == ["René Lefèvre", "Ana"]


def test_a_line_with_a_byte_cp1252_leaves_undefined_is_read_as_latin1():
    decoded = decode_lines(b"name\nA\x81b\nRen\xe9\n", "x.csv")
    assert decoded.text == "name\nA\x81b\nRené\n"
    assert decoded.guessed == [(2, "latin-1"), (3, "windows-1252")]
    assert decoded.encoding == "latin-1"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_read_regression_refused_as_binary(encoding):
    text = "name,email\r\nJosé Müller,jose@acme.example\r\n山田 太郎,taro@example.jp\r\n"
    data = text.encode(encoding)
    assert utf16_encoding(data) == encoding
    parsed = read(data, "x.csv")
    assert parsed.encoding == encoding
    assert [(r.name, r.fields["email"]) for r in parsed.records] == [
        ("José Müller", "jose@acme.example"), ("山田 太郎", "taro@example.jp")]


def test_utf16_needs_a_nul_high_byte_in_a_quarter_of_the_pairs():
    # 山 (U+5C71) has no NUL byte; "a" has one in its high byte.
    assert utf16_encoding("山山山a山山山a".encode("utf-16-le")) == "utf-16-le"  # 2 of 8
    assert utf16_encoding("山山山山山山山a".encode("utf-16-le")) is None  # 1 of 8


@settings(max_examples=25, deadline=None)
@given(names=st.lists(st.text(alphabet=st.sampled_from("abcxyzéüñ山田 -'"), min_size=1,
                              max_size=15).filter(lambda s: s.strip()), min_size=1,
                      max_size=5),
       encoding=st.sampled_from(["utf-16-le", "utf-16-be"]))
def test_any_contacts_csv_in_utf16_without_a_bom_reads_as_in_utf8(names, encoding):
    text = "name,email\r\n" + "".join(f'"{n}",p{i}@x.example\r\n'
                                        for i, n in enumerate(names))
    assert utf16_encoding(text.encode(encoding)) == encoding

    def records(data: bytes):
        return [(r.name, r.fields) for r in read(data, "x.csv", skip_invalid=True).records]

    assert records(text.encode(encoding)) == records(text.encode("utf-8"))


def test_utf16_needs_two_pairs_to_tell():
    assert utf16_encoding("ab".encode("utf-16-le")) == "utf-16-le"
    assert utf16_encoding("a".encode("utf-16-le")) is None


def test_utf16_that_breaks_after_its_start_is_refused_saying_so():
    data = ("name\r\n" + "Ana,Acme\r\n" * 300).encode("utf-16-le") + b"\x00\xd8" + \
        "c".encode("utf-16-le")
    with pytest.raises(BadFile) as refused:
        read(data, "x.csv")
    assert refused.value.message == ("x.csv looks like UTF-16-LE text without a byte-order "
                                     "mark, but part of it is not. Save it as UTF-8 and try "
                                     "again.")


def test_utf16_allows_one_nul_low_byte_in_twenty_pairs():
    # Ā (U+0100) is the pair 00 01 in little-endian: its low byte is NUL.
    assert utf16_encoding(("a" * 19 + "Ā").encode("utf-16-le")) == "utf-16-le"
    assert utf16_encoding(("a" * 18 + "ĀĀ").encode("utf-16-le")) is None


@pytest.mark.parametrize("data", [
    b"\x00\x01\x02binary", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
    "name\x01\x02".encode("utf-16-le"), b"a\x00"])
def test_binary_files_are_still_refused(data):
    assert utf16_encoding(data) is None
    with pytest.raises(BadFile, match="looks like a binary file"):
        read(data, "x.bin")


# Dialect ----------------------------------------------------------------------------------

@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_the_delimiter_is_sniffed_for_every_layout(delimiter):
    def line(*cells):
        out = io.StringIO(newline="")
        csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerow(cells)
        return out.getvalue()

    generic = line("Name", "Company", "Email") + line("Ana Lima", "Globex, S.A.", "a@g.example")
    linkedin = (line("Notes:") + line('"When exporting, some emails are missing"') + line("")
                + line("First Name", "Last Name", "URL", "Email Address", "Company",
                       "Position", "Connected On")
                + line("Bo", "Chen", "", "", "Acme", "CTO", "30 May 2024"))
    google = (line("First Name", "Middle Name", "Last Name", "Labels", "E-mail 1 - Value")
              + line("Mei", "", "Lin", "friends ::: * starred", "mei@p.example"))
    assert csvfiles.dialect(generic) == delimiter
    (ana,) = read(generic.encode(), "g.csv").records
    assert (ana.name, ana.fields) == ("Ana Lima", {"company": "Globex, S.A.",
                                                   "email": "a@g.example"})
    parsed = read(linkedin.encode(), "l.csv")
    assert parsed.format == "linkedin"
    assert [(r.name, r.fields) for r in parsed.records] == [
        ("Bo Chen", {"company": "Acme", "role": "CTO", "connected_on": date(2024, 5, 30)})]
    parsed = read(google.encode(), "c.csv")
    assert parsed.format == "google"
    assert [(r.name, r.tags, r.emails) for r in parsed.records] == [
        ("Mei Lin", ["friends"], ["mei@p.example"])]


def test_a_sep_line_names_the_delimiter_and_rows_keep_their_numbers():
    text = "sep=;\r\nname;company\r\nAna, Lima;Globex\r\n;Acme\r\n"
    assert csvfiles.dialect(text) == ";"
    parsed = read(text.encode(), "x.csv")
    assert [(r.name, r.fields) for r in parsed.records] == [("Ana, Lima",
                                                            {"company": "Globex"})]
    assert parsed.skipped == [("row 4", "no name")]


def test_nothing_to_tell_the_delimiter_by_means_comma():
    assert csvfiles.dialect("just;some\ttext,here\n") == ","


# LinkedIn re-saved by Excel ---------------------------------------------------------------

def excel_linkedin(*rows_: str, header="First Name;Last Name;URL;Email Address;Company;"
                   "Position;Connected On") -> bytes:
    preamble = ("Notes:;;;;;;\r\n\"When exporting your connection data, you may notice that "
                "some of the email addresses are missing.\";;;;;;\r\n;;;;;;\r\n")
    return (preamble + header + "\r\n" + "".join(r + "\r\n" for r in rows_)).encode("cp1252")


def test_linkedin_resaved_by_excel_in_europe_regression_cant_tell_what_kind_of_file():
    data = excel_linkedin(
        "José;Núñez;https://www.linkedin.com/in/jnunez;;Banco Andino, S.A.;CFO;16.09.2021",
        "Zoë;O'Neill;;;Café Größe;Chef;30-oct-09",
        "Ana;Lima;;;Globex;VP;3-ene-19",
        "Bo;Chen;;;Acme;CTO;16. Sep. 2021")
    parsed = read(data, "Connections.csv")
    assert (parsed.format, parsed.encoding, parsed.notes) == ("linkedin", "windows-1252",
                                                              [WHOLE_FILE_GUESS])
    assert [(r.name, r.fields) for r in parsed.records] == [
        ("José Núñez", {"linkedin": "https://www.linkedin.com/in/jnunez",
                        "company": "Banco Andino, S.A.", "role": "CFO",
                        "connected_on": date(2021, 9, 16)}),
        ("Zoë O'Neill", {"company": "Café Größe", "role": "Chef",
                         "connected_on": date(2009, 10, 30)}),
        ("Ana Lima", {"company": "Globex", "role": "VP", "connected_on": date(2019, 1, 3)}),
        ("Bo Chen", {"company": "Acme", "role": "CTO", "connected_on": date(2021, 9, 16)})]


def test_linkedin_with_only_a_first_name_column():
    parsed = read(excel_linkedin("Ana Lima;Globex;16.09.2021",
                                 header="First Name;Company;Connected On"), "c.csv")
    assert parsed.format == "linkedin"
    assert [(r.name, r.fields) for r in parsed.records] == [
        ("Ana Lima", {"company": "Globex", "connected_on": date(2021, 9, 16)})]


def test_an_ambiguous_date_is_read_day_first_and_said_once_naming_a_row():
    parsed = read(excel_linkedin("Ana;Lima;03/04/2021", "Bo;Chen;05/06/2020",
                                 "Cy;Diaz;07/08/2019", header="First Name;Last Name;"
                                 "Connected On"), "c.csv")
    assert [r.fields["connected_on"] for r in parsed.records] == [
        date(2021, 4, 3), date(2020, 6, 5), date(2019, 8, 7)]
    assert parsed.notes == [
        "row 5, connected on: '03/04/2021' could be 3 April 2021 or 4 March 2021; read day "
        "first (3 April 2021) as Excel writes dates in most of Europe, and so were 2 more "
        "such dates. No date in the file has a day over 12 to tell; check them, or write "
        "them as YYYY-MM-DD"]


@pytest.mark.parametrize("other, expected", [("16/09/2021", date(2021, 4, 3)),
                                             ("09/16/2021", date(2021, 3, 4))])
def test_a_date_only_one_order_makes_real_decides_the_file(other, expected):
    parsed = read(excel_linkedin("Ana;Lima;03/04/2021", f"Bo;Chen;{other}",
                                 header="First Name;Last Name;Connected On"), "c.csv")
    assert parsed.records[0].fields["connected_on"] == expected
    assert parsed.records[1].fields["connected_on"] == date(2021, 9, 16)
    assert parsed.notes == []


def test_linkedins_own_us_dates_with_12_hour_times_are_month_first_and_said():
    text = ("First Name,Last Name,Connected On\r\nJosé,Núñez,\"1/8/18, 6:14 PM\"\r\n")
    parsed = read(text.encode(), "c.csv")
    assert parsed.records[0].fields["connected_on"] == date(2018, 1, 8)
    assert parsed.notes[0].startswith("row 2, connected on: '1/8/18, 6:14 PM' could be "
                                      "8 January 2018 or 1 August 2018; read month first")


def test_linkedin_headers_written_without_spaces_are_read():
    text = "FirstName,LastName,EmailAddress,Company,Position,ConnectedOn\r\n" \
        "Ana,Lima,ana@globex.example,Globex,VP,02-May-22\r\n"
    parsed = read(text.encode(), "c.csv")
    assert parsed.format == "linkedin"
    assert [(r.name, r.fields) for r in parsed.records] == [
        ("Ana Lima", {"email": "ana@globex.example", "company": "Globex", "role": "VP",
                      "connected_on": date(2022, 5, 2)})]


def test_linkedins_member_id_in_the_email_column_is_no_address():
    text = ("First Name,Last Name,Email Address,Company,Position,Connected On\r\n"
            "Ana,Lima,urn:li:member:664293716,,,\"8/18/18, 12:37 AM\"\r\n")
    (ana,) = read(text.encode(), "c.csv").records
    assert ana.fields == {"connected_on": date(2018, 8, 18)} and ana.emails == []


def test_a_linkedin_export_whose_names_were_deleted_is_refused_saying_so():
    data = excel_linkedin("Globex;VP;23-Nov-21", header="Company;Position;Connected On")
    with pytest.raises(BadFile) as refused:
        read(data, "c.csv")
    assert refused.value.message == (
        "c.csv is a LinkedIn export without names (no First Name or Last Name column), so "
        "ties can't tell who is who. Export it again from LinkedIn, or put the names back. "
        "Nothing was imported.")


def test_linkedin_format_on_another_file_names_what_is_missing():
    with pytest.raises(BadFile) as refused:
        read(b"Name,Company\nAna,Acme\n", "people.csv", "linkedin")
    assert refused.value.message == (
        "people.csv is not a LinkedIn file (no 'First Name' and no 'Connected On' columns): "
        "it looks like a CSV file. Drop -f, or give -f csv. Nothing was imported.")
    with pytest.raises(BadFile) as refused:
        read(b"First Name,Last Name,Position\nAna,Lima,CTO\n", "p.csv", "linkedin")
    assert refused.value.message.startswith(
        "p.csv is not a LinkedIn file (no 'Connected On' column): it looks like a CSV file.")


# Dates ------------------------------------------------------------------------------------

@pytest.mark.parametrize("word, month", [
    ("Jan", 1), ("january", 1), ("ene", 1), ("gen", 1), ("janv.", 1), ("sty", 1),
    ("stycznia", 1), ("feb", 2), ("févr.", 2), ("fev", 2), ("lut", 2), ("Mär", 3),
    ("mrz", 3), ("mrt", 3), ("mars", 3), ("marzo", 3), ("avr", 4), ("abr", 4), ("kwi", 4),
    ("mai", 5), ("mei", 5), ("maj", 5), ("mag", 5), ("mayo", 5), ("juin", 6), ("giu", 6),
    ("cze", 6), ("juil", 7), ("lug", 7), ("lip", 7), ("aug", 8), ("août", 8), ("ago", 8),
    ("sie", 8), ("sept", 9), ("set", 9), ("wrz", 9), ("okt", 10), ("ott", 10), ("out", 10),
    ("paź", 10), ("lis", 11), ("dez", 12), ("des", 12), ("dic", 12), ("déc.", 12),
    ("gru", 12)])
def test_month_abbreviations_in_the_common_european_languages(word, month):
    assert dates.month_number(word) == month


@pytest.mark.parametrize("word", ["ju", "jui", "ma", "xyz", "", "3", "monday", "märzen"])
def test_words_that_are_no_month_or_could_be_two_are_none(word):
    assert dates.month_number(word) is None


@pytest.mark.parametrize("text, day_first, expected", [
    ("16.09.2021", True, (2021, 9, 16, False)),
    ("16.09.2021", False, (2021, 9, 16, False)),  # dotted: always day first
    ("09.16.2021", True, None),
    ("03/04/2021", True, (2021, 4, 3, True)),
    ("03/04/2021", False, (2021, 3, 4, True)),
    ("03/03/2021", True, (2021, 3, 3, False)),
    ("13/04/2021", False, (2021, 4, 13, False)),
    ("04/13/2021", True, (2021, 4, 13, False)),
    ("30-5-2024", True, (2024, 5, 30, False)),
    ("31/02/2021", True, None),
    ("29.02.2024", True, (2024, 2, 29, False)),
    ("29.02.2023", True, None),
    ("2021/09/16", False, (2021, 9, 16, False)),
    ("30-oct-09", True, (2009, 10, 30, False)),
    ("3-ene-19", True, (2019, 1, 3, False)),
    ("16-sept.-21", True, (2021, 9, 16, False)),
    ("3 de enero de 2019", True, (2019, 1, 3, False)),
    ("Jan 5, 2024", True, (2024, 1, 5, False)),
    ("12 April", True, (None, 4, 12, False)),
    ("1/8/18, 6:14 PM", False, (2018, 1, 8, True)),
    ("2024-05-30T10:00:00Z", True, (2024, 5, 30, False)),
    ("29 feb", True, (None, 2, 29, False)),
    ("garbage", True, None), ("", True, None), ("3 blah 2020", True, None),
    ("1" * 101, True, None)])
def test_file_dates(text, day_first, expected):
    found = dates.file_date(text, TODAY, day_first=day_first)
    got = None if found is None else (found.year, found.month, found.day, found.ambiguous)
    assert got == expected


MONTH_WORDS = {1: "ene", 2: "févr.", 3: "Mär", 4: "abr", 5: "mag", 6: "juin", 7: "lip",
               8: "août", 9: "sept", 10: "paź", 11: "lis", 12: "dez"}


@settings(max_examples=30, deadline=None)
@given(day=st.dates(min_value=date(1926, 1, 1), max_value=TODAY),
       form=st.sampled_from(["dotted", "day first", "month first", "spelled", "iso"]))
def test_any_past_date_written_as_spreadsheets_do_reads_back(day, form):
    written, day_first = {
        "dotted": (f"{day.day:02d}.{day.month:02d}.{day.year}", True),
        "day first": (f"{day.day}/{day.month}/{day.year}", True),
        "month first": (f"{day.month}/{day.day}/{day.year}", False),
        "spelled": (f"{day.day}-{MONTH_WORDS[day.month]}-{day.year % 100:02d}", True),
        "iso": (day.isoformat(), False)}[form]
    found = dates.file_date(written, TODAY, day_first=day_first)
    assert (found.year, found.month, found.day) == (day.year, day.month, day.day)
    assert found.ambiguous == (form in ("day first", "month first")
                               and day.day <= 12 and day.day != day.month)


@pytest.mark.parametrize("text, year", [("1-Jan-25", 2025), ("31-dec-25", 2025),
                                        ("1-Jan-26", 1926), ("1-Jan-00", 2000),
                                        ("1/1/99", 1999)])
def test_a_two_digit_year_is_the_latest_such_year_up_to_today(text, year):
    assert dates.file_date(text, TODAY).year == year


def test_a_twelve_hour_time_is_noted_and_a_24_hour_one_is_not():
    assert dates.file_date("1/8/18, 6:14 PM", TODAY).twelve_hour
    assert dates.file_date("1/8/18 6:14 a.m.", TODAY).twelve_hour
    assert not dates.file_date("1/8/18 18:14", TODAY).twelve_hour


@pytest.mark.parametrize("texts, order", [
    (["03/04/2021", "13/04/2021"], True), (["03/04/2021", "04/13/2021"], False),
    (["03/04/2021"], None), (["13/04/2021", "04/13/2021"], None),
    (["16.09.2021"], None), (["12/12/2021"], None), ([], None),
    (["2021/09/16", "16-sep-21"], None)])
def test_the_date_order_of_a_file(texts, order):
    assert dates.date_order(texts, TODAY) is order


@pytest.mark.parametrize("text", ["0/0/00", "00.00.0000", "0000-00-00", " 0/0/0000 "])
def test_outlooks_no_date(text):
    assert dates.is_no_date(text)


@pytest.mark.parametrize("text", ["0/1/00", "1/0/00", "", "none"])
def test_a_date_with_a_part_is_not_no_date(text):
    assert not dates.is_no_date(text)


@pytest.mark.parametrize("text, expected", [
    ("16.09.2021", date(2021, 9, 16)), ("3-ene-19", date(2019, 1, 3)),
    ("03/04/2021", date(2021, 4, 3)), ("1/8/18, 6:14 PM", date(2018, 1, 8)),
    ("30 May 2024", date(2024, 5, 30)), ("May 30 2024", date(2024, 5, 30))])
def test_connected_on_reads_excel_and_linkedin_forms(text, expected):
    assert dates.connected_on(text, TODAY) == expected


def test_a_connected_on_date_without_a_year_is_refused_regression_read_as_2000():
    with pytest.raises(BadDate, match="'12 April' has no year"):
        dates.connected_on("12 April", TODAY)
    with pytest.raises(BadFile, match="row 2 \\(Ana Lima\\), connected on: '12 April' has no "
                       "year"):
        read(b"First Name,Last Name,Connected On\nAna,Lima,12 April\n", "c.csv")


# Generic CSV columns ----------------------------------------------------------------------

THUNDERBIRD = (
    "First Name,Last Name,Display Name,Nickname,Primary Email,Secondary Email,Screen Name,"
    "Work Phone,Home Phone,Fax Number,Pager Number,Mobile Number,Home Address,Home City,"
    "Work City,Job Title,Department,Organization,Web Page 1,Birth Year,Birth Month,Birth Day,"
    "Notes\r\n"
    "Ana,Lima,Ana Lima,,ana@globex.example,ana.lima@home.example,,+1 555 0100,+1 555 0101,"
    "+1 555 0199,,+1 555 0102,,Porto,Lisbon,VP Engineering,Platform,Globex,,1990,4,12,"
    "Met at PyCon\r\n"
    "Bo,Chen,,,bo@acme.example,,,,,,,,,,,,,Acme,,,7,3,\r\n")

ROUNDCUBE = (
    "First Name,Last Name,Display Name,Title,Job Title,Organization,Email Home,Email Work,"
    "Email Other,Phone Mobile,Phone Work,Birthday,Categories,Notes\r\n"
    "Carla,Souza,Carla Souza,Dr.,Head of Research,Instituto Fiocruz,carla@casa.example,"
    "carla@fiocruz.example,,+55 11 5555 0100,+55 11 5555 0101,1985-02-20,"
    "\"research,mentors\",Vaccines\r\n")

OUTLOOK = (
    "Title,First Name,Middle Name,Last Name,Suffix,Company,Department,Job Title,Business City,"
    "Business Phone,Home Phone,Mobile Phone,Birthday,Categories,E-mail Address,E-mail Type,"
    "E-mail Display Name,E-mail 2 Address,E-mail 3 Address,Notes\r\n"
    "Mr.,David,J.,Okafor,,Northwind,,CTO,Lagos,+234 1 555 0100,,+234 80 5555 0101,4/12/1990,"
    "Health;Mentors,david@northwind.example,SMTP,David Okafor (david@northwind.example),"
    "d.okafor@home.example,dj@old.example,Met at a conference\r\n"
    "Ms.,Eve,,Adams,,Acme,,,,,,,0/0/00,,eve@acme.example,SMTP,,,,\r\n")


def test_thunderbird_columns_regression_emails_phones_and_birthday_lost():
    ana, bo = read(THUNDERBIRD.encode(), "tb.csv").records
    assert (ana.name, ana.fields) == ("Ana Lima", {
        "role": "VP Engineering", "company": "Globex", "notes": "Met at PyCon",
        "email": "ana@globex.example", "phone": "+1 555 0102", "location": "Lisbon",
        "birthday_year": 1990, "birthday_month": 4, "birthday_day": 12})
    assert ana.emails == ["ana@globex.example", "ana.lima@home.example"]
    assert ana.phones == ["+1 555 0102", "+1 555 0100", "+1 555 0101"]  # no fax
    assert (bo.name, bo.fields) == ("Bo Chen", {
        "company": "Acme", "email": "bo@acme.example", "birthday_year": None,
        "birthday_month": 7, "birthday_day": 3})


def test_roundcube_job_title_is_the_role_and_title_the_honorific():
    (carla,) = read(ROUNDCUBE.encode(), "rc.csv").records
    assert (carla.name, carla.fields) == ("Carla Souza", {
        "role": "Head of Research", "company": "Instituto Fiocruz", "notes": "Vaccines",
        "email": "carla@casa.example", "phone": "+55 11 5555 0100", "birthday_year": 1985,
        "birthday_month": 2, "birthday_day": 20})
    assert carla.emails == ["carla@casa.example", "carla@fiocruz.example"]
    assert carla.phones == ["+55 11 5555 0100", "+55 11 5555 0101"]
    assert carla.tags == ["research", "mentors"]


def test_outlook_columns_regression_e_mail_2_lost_and_title_taken_as_role():
    parsed = read(OUTLOOK.encode(), "outlook.csv")
    david, eve = parsed.records
    assert (david.name, david.fields) == ("David J. Okafor", {
        "company": "Northwind", "role": "CTO", "notes": "Met at a conference",
        "birthday_year": 1990, "birthday_month": 4, "birthday_day": 12,
        "email": "david@northwind.example", "phone": "+234 80 5555 0101",
        "location": "Lagos"})
    assert david.emails == ["david@northwind.example", "d.okafor@home.example",
                            "dj@old.example"]
    assert david.phones == ["+234 80 5555 0101", "+234 1 555 0100"]
    assert david.tags == ["health", "mentors"]
    assert (eve.name, eve.fields) == ("Eve Adams", {"company": "Acme",
                                                    "email": "eve@acme.example"})
    assert parsed.notes == [
        "row 2, birthday: '4/12/1990' could be 12 April 1990 or 4 December 1990; read month "
        "first (12 April 1990) as US programs write them. No date in the file has a day over "
        "12 to tell; check them, or write them as YYYY-MM-DD"]


def test_roundcube_home_mobile_and_business_phone_2_are_numbers_and_assistants_is_not():
    text = ("Display Name,Home Phone,Business Phone,Business Phone 2,Home Mobile,Primary Phone,"
            "Assistant's Phone,Home Fax,Pager\r\n"
            "Ana Lima,100,300,400,500,600,700,800,900\r\n")
    (ana,) = read(text.encode(), "rc.csv").records
    assert ana.phones == ["600", "500", "300", "400", "100"]


def test_google_faxes_and_pagers_are_left_out_of_the_numbers():
    text = ("Name,Given Name,Family Name,Group Membership,Phone 1 - Type,Phone 1 - Value,"
            "Phone 2 - Type,Phone 2 - Value,Phone 3 - Type,Phone 3 - Value,Phone 10 - Type,"
            "Phone 10 - Value\r\n"
            "Ana Lima,,,,Pager,111,Mobile,222,Work Fax,333,Home,444\r\n")
    (ana,) = read(text.encode(), "g.csv").records
    assert ana.phones == ["222", "444"]


def test_a_linkedin_profile_in_a_web_page_column_is_the_linkedin_field():
    text = ("First Name,Last Name,Web Page 1,Web Page 2\r\n"
            "Ana,Lima,https://ana.example,https://www.linkedin.com/in/analima\r\n"
            "Bo,Chen,https://bo.example,\r\n")
    ana, bo = read(text.encode(), "tb.csv").records
    assert ana.fields == {"linkedin": "https://www.linkedin.com/in/analima"}
    assert bo.fields == {}


def test_a_row_with_only_a_nickname_is_named_by_it():
    text = "First Name,Last Name,Nickname,Primary Email\r\n,,Zed,zed@x.example\r\n"
    (zed,) = read(text.encode(), "tb.csv").records
    assert (zed.name, zed.fields) == ("Zed", {"email": "zed@x.example"})


def test_a_plain_title_column_without_job_title_is_still_the_role():
    (ana,) = read(b"name,title\nAna,CTO\n", "x.csv").records
    assert ana.fields == {"role": "CTO"}


def semicolons(text: str) -> str:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(
        csv.reader(io.StringIO(text, newline="")))
    return out.getvalue()


def test_outlook_saved_with_semicolons_reads_its_birthdays_day_first():
    """Only a comma-separated Outlook file is US style; Excel in Europe saves semicolons."""
    parsed = read(semicolons(OUTLOOK).encode(), "o.csv")
    david = parsed.records[0]
    assert (david.fields["birthday_month"], david.fields["birthday_day"]) == (12, 4)
    assert "read day first (4 December 1990)" in parsed.notes[0]


def test_a_preamble_before_a_generic_header_is_passed_over():
    text = "Exported from Acme CRM\r\n\r\nName,Company\r\nAna Lima,Globex\r\n"
    parsed = read(text.encode(), "x.csv", "csv")
    assert [(r.name, r.position, r.fields) for r in parsed.records] == [
        ("Ana Lima", "row 4", {"company": "Globex"})]


# A --format that does not fit -------------------------------------------------------------

VCARD = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Lima\r\nEND:VCARD\r\n"
GENERIC = b"name,company\r\nAna Lima,Acme\r\n"
LINKEDIN = excel_linkedin("Ana;Lima;;;Globex;VP;16.09.2021")


@pytest.mark.parametrize("data, fmt, message", [
    (GENERIC, "vcard", "x is not a vCard file (no BEGIN:VCARD): it looks like a CSV file. Drop "
     "-f, or give -f csv."),
    (VCARD, "csv", "x is not a CSV file (no name column): it looks like a vCard file. Drop "
     "-f, or give -f vcard."),
    (GENERIC, "ties", "x is not a ties JSON export (no \"format\": \"ties\"): it looks like a "
     "CSV file. Drop -f, or give -f csv."),
    (LINKEDIN, "vcard", "x is not a vCard file (no BEGIN:VCARD): it looks like a LinkedIn "
     "file. Drop -f, or give -f linkedin."),
    (LINKEDIN, "google", "x is not a Google Contacts file (no First Name or Given Name "
     "beside Google's columns): it looks like a LinkedIn file. Drop -f, or give -f "
     "linkedin."),
    (b"hello there\n", "vcard", "x is not a vCard file (no BEGIN:VCARD), and ties can't tell "
     "what it is. "
     "Check the file, or give --format: one of ties, csv, vcard, linkedin, google, ics, "
     "mail."),
])
def test_a_format_that_finds_nothing_it_knows_is_refused_naming_the_likely_one(
        data, fmt, message):
    with pytest.raises(BadFile) as refused:
        read(data, "x", fmt)
    assert refused.value.message == message + " Nothing was imported."


@pytest.mark.parametrize("data, fmt", [(LINKEDIN, "csv"), (GENERIC, "csv"),
                                       (b"First Name,Connected On\r\n", "linkedin")])
def test_a_format_that_reads_the_file_is_taken_at_its_word(data, fmt):
    read(data, "x", fmt)  # a LinkedIn file read as plain CSV; a header with no rows


def test_a_file_of_the_format_with_a_bad_value_keeps_its_own_message():
    with pytest.raises(BadFile, match="row 2 \\(Ana\\), email"):
        read(b"name,email\nAna,not-an-address\n", "x", "csv")


# ties' own CSV reads back whatever the delimiter ------------------------------------------

cells = st.text(alphabet=st.sampled_from("abcé Z,;\t\"'-=+@"), max_size=12)


@settings(max_examples=15, deadline=None)
@given(people=st.lists(st.tuples(cells.filter(lambda s: s.strip() and s.strip()[0].isalpha()),
                                 cells, cells), min_size=1, max_size=4),
       delimiter=st.sampled_from([";", "\t"]))
def test_a_ties_csv_export_reads_back_identically_with_any_delimiter(people, delimiter):
    data = {"people": [
        {"id": i, "name": name, "type": None, "company": company, "role": None,
         "industry": None, "location": None, "email": f"p{i}@x.example", "phone": None,
         "linkedin": None, "tags": ["a b", "c"], "met": None, "notes": notes,
         "working_on": None, "struggles": None, "cares_about": None, "birthday_year": 1990,
         "birthday_month": 4, "birthday_day": 3, "cadence_days": 21, "created": None,
         "archived": False, "snoozed_until": None, "connected_on": "2021-04-03",
         "last_contact": None, "interactions": 0}
        for i, (name, company, notes) in enumerate(people)]}
    comma = exporters.to_csv(data)
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(
        csv.reader(io.StringIO(comma, newline="")))
    assert csvfiles.dialect(out.getvalue()) == delimiter

    def records(text: str):
        parsed = read(text.encode(), "x.csv", skip_invalid=True)
        return [(r.name, r.fields, r.tags, r.emails, r.phones) for r in parsed.records], \
            parsed.skipped, parsed.notes

    assert records(out.getvalue()) == records(comma)
    got, _, notes = records(comma)
    assert notes == []
    assert [(r[1]["birthday_month"], r[1]["birthday_day"]) for r in got] == [(4, 3)] * len(got)


@pytest.mark.slow
@settings(max_examples=300, deadline=None, derandomize=True)
@given(people=st.lists(st.tuples(cells.filter(lambda s: s.strip() and s.strip()[0].isalpha()),
                                 cells, cells), min_size=1, max_size=8),
       delimiter=st.sampled_from([";", "\t"]))
def test_a_ties_csv_export_reads_back_identically_with_any_delimiter_deep(people, delimiter):
    test_a_ties_csv_export_reads_back_identically_with_any_delimiter.hypothesis.inner_test(
        people=people, delimiter=delimiter)


# Through the CLI, one story per family ----------------------------------------------------

def test_import_a_european_excel_linkedin_file_and_a_utf8_file_with_a_stray_byte(
        ties, db_path, tmp_path):
    linkedin = tmp_path / "Connections.csv"
    linkedin.write_bytes(excel_linkedin("José;Núñez;;;Banco Andino;CFO;03/04/2021"))
    result = ties("import", str(linkedin))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[:3] == [
        "Imported linkedin (read as windows-1252) as import #1: 1 created, 0 updated, "
        "0 unchanged, 0 skipped.",
        f"  note: {WHOLE_FILE_GUESS}",
        "  note: row 5, connected on: '03/04/2021' could be 3 April 2021 or 4 March 2021; "
        "read day first (3 April 2021) as Excel writes dates in most of Europe. No date in "
        "the file has a day over 12 to tell; check them, or write them as YYYY-MM-DD"]
    mixed = tmp_path / "people.csv"
    mixed.write_bytes("name;company\nAna Müller;Acme\n".encode() + b"Ren\xe9;Soci\xe9t\xe9\n")
    result = ties("import", str(mixed))
    assert result.exit_code == 0, result.stderr
    assert "  note: line 3 is not UTF-8 like the rest of the file: read as windows-1252; " \
        "check the names there" in result.stderr.splitlines()
    assert rows(db_path, "SELECT name, company, connected_on FROM person ORDER BY id") == [
        ("José Núñez", "Banco Andino", "2021-04-03"), ("Ana Müller", "Acme", None),
        ("René", "Société", None)]


def test_import_outlook_thunderbird_and_roundcube_files(ties, db_path, tmp_path):
    for name, text in (("outlook.csv", OUTLOOK), ("tb.csv", THUNDERBIRD),
                       ("rc.csv", ROUNDCUBE)):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        result = ties("import", str(path))
        assert result.exit_code == 0, result.stderr
        assert result.stderr.startswith("Imported csv as import #")
    assert rows(db_path, "SELECT name, role, email, birthday_month, birthday_day FROM person "
                         "ORDER BY id") == [
        ("David J. Okafor", "CTO", "david@northwind.example", 4, 12),
        ("Eve Adams", None, "eve@acme.example", None, None),
        ("Ana Lima", "VP Engineering", "ana@globex.example", 4, 12),
        ("Bo Chen", None, "bo@acme.example", 7, 3),
        ("Carla Souza", "Head of Research", "carla@casa.example", 2, 20)]


def test_import_a_bomless_utf16_file(ties, db_path, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes("name,company\r\nZoë Brun,Café\r\n".encode("utf-16-be"))
    result = ties("import", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith("Imported csv (read as utf-16-be) as import #1")
    assert rows(db_path, "SELECT name, company FROM person") == [("Zoë Brun", "Café")]


def test_a_wrong_format_is_refused_through_the_cli_regression_0_created(
        ties, db_path, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(GENERIC)
    result = ties("import", "-f", "vcard", str(path))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (f"ties: {path} is not a vCard file (no BEGIN:VCARD): it looks "
                             "like a CSV file. Drop -f, or give -f csv. Nothing was imported.\n")
    assert json.loads(ties("export").stdout)["people"] == []


# Found by the new-user review of issue 14 --------------------------------------------------

def test_an_outlook_exchange_directory_name_is_no_address_and_the_next_one_is_kept():
    """Regression: '/O=EXCHANGELABS/...' in E-mail Address refused the whole file."""
    data = (b"First Name,Last Name,E-mail Address,E-mail Type,E-mail 2 Address\r\n"
            b"Ex,Change,/O=EXCHANGELABS/OU=EXCHANGE/CN=RECIPIENTS/CN=EX,EX,"
            b"ex@contoso.example\r\n")
    (rec,) = read(data, "ol.csv").records
    assert rec.emails == ["ex@contoso.example"]


def test_a_thunderbird_birth_year_alone_is_no_birthday_not_a_refusal():
    """Regression: a row with only 'Birth Year' refused the whole file."""
    data = (b"First Name,Last Name,Primary Email,Birth Year,Birth Month,Birth Day\r\n"
            b"No,Name,no@x.example,1980,,\r\n")
    (rec,) = read(data, "tb.csv").records
    assert "birthday_month" not in rec.fields and rec.fields["email"] == "no@x.example"


def test_a_whole_file_read_as_a_guess_says_names_may_be_wrong():
    """Regression: a Shift_JIS CSV came in as 'ŽR“c' with only '(read as windows-1252)'."""
    parsed = read("name\r\n山田太郎\r\n".encode("cp932"), "sjis.csv")
    assert parsed.encoding == "windows-1252"
    assert parsed.notes == ["the file is not UTF-8: read as windows-1252 (a guess). If names "
                            "look wrong, save the file as UTF-8 and import it again ('ties "
                            "import --undo' takes this import back)"]


def test_a_file_whose_dates_disagree_on_their_order_says_so():
    """Regression: the note said no date had a day over 12, while two did, each way."""
    data = (b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
            b"A,One,,,,,03/04/2021\r\nB,Two,,,,,13/04/2021\r\nC,Three,,,,,04/13/2021\r\n"
            )
    parsed = read(data, "Connections.csv", today=TODAY)
    (note,) = parsed.notes
    assert note.startswith("row 2, connected on: '03/04/2021' could be ")
    assert "The file's dates with a day over 12 disagree (some day first, some month " \
        "first); check them" in note


def test_ties_csv_export_reads_back_connected_on_and_tags_holding_a_comma(ties, tmp_path,
                                                                        monkeypatch):
    """Regression (new-user review of issue 14): both were lost on the round trip."""
    ties("import", "-", input="First Name,Last Name,URL,Email Address,Company,Position,"
         "Connected On\nAna,Lima,,,Acme,CTO,16 Sep 2021\n")
    ties("add", "Tag Person", "--tag", "x, y", "--tag", "z", "--tag", "a;b", "--no-log")
    exported = ties("export", "--format", "csv").stdout
    monkeypatch.setenv("TIES_DB", str(tmp_path / "other.db"))
    assert ties("import", "-", input=exported).exit_code == 0
    people = {p["name"]: p for p in json.loads(ties("export").stdout)["people"]}
    assert people["Ana Lima"]["connected_on"] == "2021-09-16"
    assert people["Tag Person"]["tags"] == ["a;b", "x,-y", "z"]


@pytest.mark.parametrize(("name", "kind"), [
    ("binary.ics", "a calendar (.ics)"), ("x.mbox", "a mailbox"), ("c.vcf", "a vCard file"),
    ("c.csv", "a CSV file"), ("x.bin", "a contacts export, calendar or mailbox"),
    ("noext", "a contacts export, calendar or mailbox")])
def test_regression_a_binary_ics_was_called_not_a_contacts_export(name, kind):
    with pytest.raises(BadFile, match=rf"^{name} looks like a binary file, not "
                                      rf"{re.escape(kind)}\. Nothing was imported\.$"):
        read(b"\x00\x01\x02binary", name)


# A LinkedIn row of the wrong width -----------------------------------------------------------

LINKEDIN_HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"


def _linkedin_rows(*rows: str):
    return read((LINKEDIN_HEADER + "".join(r + "\r\n" for r in rows)).encode(), "c.csv")


def test_regression_a_linkedin_row_missing_a_cell_was_read_shifted_its_date_a_position():
    parsed = _linkedin_rows("Ana,Lima,https://www.linkedin.com/in/ana,,Globex,VP,12 Nov 2024",
                            "Bo,Chen,https://www.linkedin.com/in/bo,,Initech,11 Oct 2023")
    assert names_of(parsed) == ["Ana Lima"]
    assert parsed.skipped == [(
        "row 3 (Bo Chen)", "6 cells where the header has 7: with a cell missing, ties can't "
        "tell which "
        "column is which; fix the row (or export it again from LinkedIn) and import the file "
        "again")]


def test_a_linkedin_row_with_a_cell_too_many_is_skipped_not_read_shifted():
    parsed = _linkedin_rows("Bo,Chen,https://www.linkedin.com/in/bo,,Foo, Inc,CTO,11 Oct 2023")
    assert parsed.records == []
    assert parsed.skipped[0][0] == "row 2 (Bo Chen)"
    assert parsed.skipped[0][1].startswith("8 cells where the header has 7: with a cell too "
                                           "many")


@pytest.mark.parametrize("row", [
    "Ana,Lima,https://www.linkedin.com/in/ana,,Globex,VP,12 Nov 2024",  # the header's 7
    "Ana,Lima,https://www.linkedin.com/in/ana,,Globex,VP,12 Nov 2024,",  # 8th empty (Excel)
    "Ana,Lima,,,,,",  # 7 cells, most empty
    '"Ana","Lima","","","Foo, Inc","VP","12 Nov 2024"',  # a comma inside quotes is one cell
])
def test_a_linkedin_row_of_the_headers_width_or_with_empty_cells_after_it_is_read(row):
    parsed = _linkedin_rows(row)
    assert names_of(parsed) == ["Ana Lima"] and parsed.skipped == []


def test_a_linkedin_row_one_cell_short_of_the_header_is_skipped_even_when_the_cell_was_empty():
    # 6 of 7 cells: which one is missing can't be told, whatever the cells hold
    parsed = _linkedin_rows("Ana,Lima,,,,")
    assert parsed.records == [] and parsed.skipped[0][1].startswith("6 cells")


def test_a_linkedin_header_with_empty_cells_after_it_counts_only_its_named_columns():
    text = ("First Name,Last Name,Company,Connected On,,\r\n"
            "Ana,Lima,Globex,12 Nov 2024\r\n")
    parsed = read(text.encode(), "c.csv")
    assert [(r.name, r.fields) for r in parsed.records] == [
        ("Ana Lima", {"company": "Globex", "connected_on": date(2024, 11, 12)})]


@pytest.mark.parametrize(("header", "row"), [
    # Excel's "shift left" keeps the row's width: its Connected On empty, a date before it
    ("First Name;Last Name;URL;Email Address;Company;Position;Connected On",
     "Ana;Lima;https://www.linkedin.com/in/ana;;VP;16/09/2021;"),
    # a header with empty columns after it, and a row with a cell missing before them
    ("First Name,Last Name,URL,Email Address,Company,Position,Connected On,,",
     "Ana,Lima,https://www.linkedin.com/in/ana,,VP,12 Mar 2024,,"),
    # a cell missing, and a comma at the end: the company was read as the email
    ("First Name,Last Name,URL,Email Address,Company,Position,Connected On",
     "Ana,Lima,https://www.linkedin.com/in/ana,Initech,VP,12 Mar 2024,"),
])
def test_regression_a_linkedin_row_shifted_left_in_excel_kept_its_width_and_was_read_shifted(
        header, row):
    other = "Bo;Chen;;;Acme;Eng;16/09/2021" if ";" in header else "Bo,Chen,,,Acme,Eng,16 Sep 2021"
    parsed = read(f"{header}\r\n{row}\r\n{other}\r\n".encode(), "c.csv")
    assert names_of(parsed) == ["Bo Chen"]
    assert parsed.skipped == [("row 2 (Ana Lima)",
                               "6 cells where the header has 7: with a cell missing, ties "
                               "can't tell which column is which; fix the row (or export it "
                               "again from LinkedIn) and import the file again")]


@pytest.mark.parametrize("last", ["", "  "])
def test_a_linkedin_row_whose_connected_on_is_empty_after_a_position_that_is_no_date_is_read(
        last):
    parsed = _linkedin_rows(f"Ana,Lima,https://www.linkedin.com/in/ana,,Globex,VP,{last}")
    assert [(r.name, r.fields) for r in parsed.records] == [
        ("Ana Lima", {"linkedin": "https://www.linkedin.com/in/ana", "company": "Globex",
                      "role": "VP"})]


def test_a_linkedin_row_missing_five_cells_says_how_many():
    parsed = _linkedin_rows("Gil,Ho")
    assert parsed.skipped == [("row 2 (Gil Ho)",
                               "2 cells where the header has 7: with 5 cells missing, ties "
                               "can't tell which column is which; fix the row (or export it "
                               "again from LinkedIn) and import the file again")]


def test_regression_an_unclosed_quote_in_a_linkedin_row_swallowed_every_later_row_unsaid():
    data = (LINKEDIN_HEADER + 'Ana,Lima,https://www.linkedin.com/in/ana,,"Initech,VP,12 Mar '
            "2024\r\nBo,Chen,https://www.linkedin.com/in/bo,,Acme,Eng,01 Feb 2023\r\n").encode()
    with pytest.raises(BadFile) as refused:
        read(data, "c.csv")
    assert refused.value.message == (
        'c.csv: row 2 opens a quote (") that is not closed, so the lines after it were read '
        "into one cell. Close the quote, or export the file again from LinkedIn, and import "
        "it again. Nothing was imported.")

