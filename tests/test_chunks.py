"""Long lists of ids go to SQL in pieces (ties.storage.chunks): every id once, in order."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ties.storage.chunks import SIZE, chunks, marks


@pytest.mark.parametrize(("n", "sizes"), [
    (0, []), (1, [1]), (SIZE - 1, [SIZE - 1]), (SIZE, [SIZE]), (SIZE + 1, [SIZE, 1]),
    (2 * SIZE, [SIZE, SIZE]), (2 * SIZE + 1, [SIZE, SIZE, 1]),
])
def test_chunks_split_at_the_size_boundary(n, sizes):
    assert [len(c) for c in chunks(list(range(n)))] == sizes


def test_chunk_size_leaves_room_under_sqlites_oldest_parameter_limit():
    # two chunks of ids and a few other parameters fit SQLite's 999 (before 3.32)
    assert SIZE == 500 and 2 * SIZE < 999 + 2


@given(st.lists(st.integers()), st.integers(min_value=1, max_value=50))
def test_chunks_keep_every_item_once_in_order(items, size):
    parts = list(chunks(items, size))
    assert [x for part in parts for x in part] == items
    assert all(1 <= len(p) <= size for p in parts)


def test_marks_has_one_placeholder_per_id():
    assert marks([]) == "" and marks([7]) == "?" and marks([1, 2, 3]) == "?,?,?"


def test_more_people_than_one_chunk_keep_their_tags_through_import_and_export(ties):
    """1,001 people: three chunks in every query that names them (import, tags, export)."""
    people = [{"id": i, "name": f"Person {i:04d}", "tags": [f"t{i % 7}"]}
              for i in range(1, 2 * SIZE + 2)]
    doc = json.dumps({"format": "ties", "version": 1, "people": people})
    result = ties("import", "-", "--format", "ties", input=doc)
    assert result.exit_code == 0, result.stderr
    exported = json.loads(ties("export").stdout)
    assert {p["name"]: p["tags"] for p in exported["people"]} == \
        {p["name"]: p["tags"] for p in people}
