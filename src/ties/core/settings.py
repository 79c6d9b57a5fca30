"""Settings: their defaults, allowed ranges and parsing. Pure; stored in the `setting`
table so that a backup of the store restores them too."""

from __future__ import annotations

from dataclasses import dataclass

from ties.core.errors import BadValue, TiesError


@dataclass(frozen=True)
class Spec:
    default: str
    kind: str  # days | weight | count | bool | emails
    help: str
    low: float = 0
    high: float = 0


SPECS: dict[str, Spec] = {
    "cadence.strategic": Spec("42", "days", "How often to be in touch with strategic ties",
                              1, 3650),
    "cadence.social": Spec("30", "days", "How often to be in touch with social ties", 1, 3650),
    "cadence.tactical": Spec("60", "days", "How often to be in touch with tactical ties",
                             1, 3650),
    "weight.strategic": Spec("1.5", "weight", "Priority weight of strategic ties", 0, 10),
    "weight.social": Spec("1.0", "weight", "Priority weight of social ties", 0, 10),
    "weight.tactical": Spec("0.6", "weight", "Priority weight of tactical ties", 0, 10),
    "next.count": Spec("5", "count", "How many people 'ties next' suggests each week", 1, 100),
    "next.stretch": Spec("on", "bool", "Whether 'ties next' includes one stretch suggestion"),
    "next.reconnect": Spec("on", "bool", "Whether 'ties next' offers one once strong tie "
                           "quiet for a year or more"),
    "me.email": Spec("", "emails", "Your own email addresses, for calendar and mail imports"),
    "import.max_attendees": Spec("8", "count", "Skip meetings and mail with more others than "
                                 "this, as broadcasts", 1, 1000),
}


def parse(key: str, value: str):
    """The typed value of a setting, or BadValue saying the allowed range."""
    from ties.core import dates

    spec = SPECS.get(key)
    if spec is None:
        raise BadValue(f"There is no setting {key!r}. Known settings: {', '.join(SPECS)}.")
    text = value.strip().lower()
    if spec.kind == "emails":
        return addresses(value, key)
    if spec.kind == "days":
        if text.isdigit():  # stored form: whole days
            text += "d"
        return dates.parse_duration(text, option=key)
    if spec.kind == "bool":
        if text in ("on", "true", "yes", "1"):
            return True
        if text in ("off", "false", "no", "0"):
            return False
        raise BadValue(f"{key} is on or off, not {value!r}.")
    try:
        number = float(text) if spec.kind == "weight" else int(text)
    except ValueError:
        number = None
    if number is None or not spec.low <= number <= spec.high:
        what = "a number" if spec.kind == "weight" else "a whole number"
        raise BadValue(f"{key} must be {what} from {spec.low:g} to {spec.high:g}, not "
                       f"{value!r}.")
    return number


def addresses(value: str, key: str = "me.email") -> tuple[str, ...]:
    """Email addresses given as one text, separated by commas, semicolons or spaces, or
    as a mail program writes them ('Ana Lima <ana@example.com>, "Lima, Ana" <ana@work>':
    the names are left out): each checked, lower-cased (addresses are matched without
    case), once each, in order."""
    import re

    from ties.core import fields

    words = re.split(r"[\s,;]+", value.strip())
    if "<" in value:  # display names around the addresses
        from email.utils import getaddresses

        words = [address or name for name, address in getaddresses([value.replace(";", ",")])]
    out: list[str] = []
    for word in words:
        if not word:
            continue
        try:
            address = fields.email(word.strip("<>"))
        except BadValue as error:
            raise BadValue(f"{key}: {error} Separate several addresses with commas, as in "
                           "'me@example.com, me@work.example'.") from None
        if address and address.casefold() not in out:
            out.append(address.casefold())
    return tuple(out)


def stored_form(key: str, value: str) -> str:
    """The canonical text kept in the store (validates first)."""
    parsed = parse(key, value)
    if SPECS[key].kind == "emails":
        return ", ".join(parsed)
    if SPECS[key].kind == "bool":
        return "on" if parsed else "off"
    return str(parsed)


def resolve(stored: dict[str, str]) -> dict:
    """Every setting's typed value: the stored one, else the default."""
    out = {}
    for key, spec in SPECS.items():
        raw = stored.get(key, spec.default)
        try:
            out[key] = parse(key, raw)
        except TiesError:  # a value edited by hand outside ties: fall back to the default
            out[key] = parse(key, spec.default)
    return out


def cadence_for(resolved: dict, type_: str | None, personal: int | None) -> int:
    if personal:
        return personal
    return resolved[f"cadence.{type_ or 'tactical'}"]


def display(key: str, value) -> str:
    """A value as people read it: 42 days as 6w, True as on."""
    from ties.core import dates

    kind = SPECS[key].kind
    if isinstance(value, str):
        value = parse(key, value)
    if kind == "days":
        return dates.format_duration(value)
    if kind == "bool":
        return "on" if value else "off"
    if kind == "emails":
        return ", ".join(value) if value else "(not set)"
    return f"{value:g}"
