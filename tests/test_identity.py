"""ties.core.identity: when two descriptions are the same person, for imports, `ties duplicates`
and `ties add` alike."""

from __future__ import annotations


def test_identity_matches_by_linkedin_then_email_then_name_and_company():
    from ties.core.identity import Index

    index = Index()
    index.add(1, key="ana lima", company="Globex", email="ana@globex.example",
              linkedin="https://www.linkedin.com/in/analima")
    index.add(2, key="bo chen", company=None, email="BO@acme.example", linkedin=None)
    assert index.match(key="x", company=None, email="bo@acme.example",
                       linkedin="https://www.linkedin.com/in/AnaLima") == 1  # profile first
    assert index.match(key="x", company=None, email="Bo@Acme.example", linkedin=None) == 2
    assert index.match(key="ana lima", company="GLOBEX", email=None, linkedin=None) == 1
    assert index.match(key="ana lima", company="Acme", email=None, linkedin=None) is None
    assert index.match(key="bo chen", company="", email=None, linkedin=None) == 2
    assert index.match(key="cy", company=None, email=None, linkedin=None) is None


def test_identity_keeps_the_first_person_added_for_a_key():
    from ties.core.identity import Index

    index = Index()
    index.add(1, key="ana", company=None, email="a@x.example", linkedin=None)
    index.add(2, key="ana", company=None, email="a@x.example", linkedin=None)
    assert index.match(key="ana", company=None, email="a@x.example", linkedin=None) == 1


def test_duplicates_and_imports_share_the_identity_keys():
    from ties.core import identity, merging

    rows = [(1, "Ana", "ana", None, "A@X.example", None),
            (2, "Ana L", "ana l", None, "a@x.example", None),
            (3, "Bo", "bo", None, None, "https://www.linkedin.com/in/bo"),
            (4, "B", "b", None, None, "https://www.linkedin.com/in/BO")]
    pairs = {(p.a, p.b): p.reason for p in merging.likely_duplicates(rows)}
    assert pairs == {(1, 2): "same email", (3, 4): "same LinkedIn profile"}
    assert [reason for _, reason in identity.STRONG] == ["same LinkedIn profile", "same email"]
