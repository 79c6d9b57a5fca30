"""ties' own JSON (`ties export --format json`): checked here, written by
`store.import_document`, which restores people, interactions, follow-ups and settings."""

from __future__ import annotations

import json

from ties.importers import BadFile, Parsed, build

FORMAT_NAME = "ties"
VERSION = 1


def parse(text: str, source: str) -> Parsed:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadFile(f"{source} is not valid JSON (line {exc.lineno}, column {exc.colno}). "
                      "Nothing was imported.") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT_NAME:
        raise BadFile(f"{source} is JSON but not a ties export (no \"format\": \"ties\"). "
                      "Nothing was imported.")
    version = doc.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise BadFile(f"{source} was written by a newer ties (export version {version}); "
                      "upgrade ties to import it.")
    for key in ("people", "interactions", "follow_ups"):
        if not isinstance(doc.get(key, []), list):
            raise BadFile(f"{source}: \"{key}\" must be a list. Nothing was imported.")
    parsed = Parsed(format="ties", document=doc)
    ids = set()
    for i, p in enumerate(doc.get("people", []), start=1):
        position = f"person {i}"
        if not isinstance(p, dict) or not isinstance(p.get("id"), int) or p["id"] in ids:
            raise BadFile(f"{source}: {position} has no unique integer id. Nothing was "
                          "imported.")
        ids.add(p["id"])
        result = build(p.get("name") or "", position, {
            k: p.get(k) for k in ("type", "company", "role", "industry", "location", "email",
                                  "phone", "linkedin", "met", "notes", "working_on",
                                  "struggles", "cares_about", "birthday", "connected_on")
        }, p.get("tags") or [])
        if isinstance(result, tuple):
            raise BadFile(f"{source}: {result[0]}: {result[1]}. Nothing was imported.")
        result.fields["id"] = p["id"]
        parsed.records.append(result)
    for i, item in enumerate(doc.get("interactions", []), start=1):
        if not isinstance(item, dict) or not set(item.get("people") or []) <= ids or \
                not item.get("people"):
            raise BadFile(f"{source}: interaction {i} names people who are not in the file. "
                          "Nothing was imported.")
    for i, item in enumerate(doc.get("follow_ups", []), start=1):
        if not isinstance(item, dict) or item.get("person") not in ids:
            raise BadFile(f"{source}: follow-up {i} is for a person who is not in the file. "
                          "Nothing was imported.")
    return parsed
