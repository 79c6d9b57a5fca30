"""Making user text safe to print. Pure and light: the CLI's error path imports it, so it
must not pull in Rich."""

from __future__ import annotations

import re
from typing import Any

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def safe(value: Any) -> str:
    """User text made harmless to print: control and bidi-override characters become
    visible escapes such as \\x1b."""
    if value is None:
        return ""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                        else f"\\u{ord(m.group()):04x}", str(value))
