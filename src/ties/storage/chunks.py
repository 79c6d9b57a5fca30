"""Long lists of ids, in pieces one SQL statement can take.

SQLite before 3.32 takes at most 999 parameters in a statement (PostgreSQL 65,535), so a
query about many rows names their ids `SIZE` at a time, leaving room for a few others.
Every such loop in ties goes through `chunks`, with `marks` for the placeholders.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

SIZE = 500

T = TypeVar("T")


def chunks(items: Sequence[T], size: int = SIZE) -> Iterator[list[T]]:
    """`items` in order, as lists of at most `size` (none at all for no items)."""
    for start in range(0, len(items), size):
        yield list(items[start:start + size])


def marks(chunk: Sequence) -> str:
    """The placeholders for a chunk in `IN (...)`: '?,?,?'."""
    return ",".join("?" * len(chunk))
