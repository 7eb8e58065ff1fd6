"""Text from people and files: the characters refused in what is stored, and text made safe
to print in a terminal.

Control characters (C0, DEL and C1) in a name, comment or note can clear a coordinator's
terminal, colour it or set its title, and PostgreSQL refuses NUL outright; so they are
refused where text is stored and escaped where it is printed. Tab and line breaks are
allowed where text may span lines.
"""

from __future__ import annotations

import re
import unicodedata

from niem.errors import NiemError
from niem.i18n import _

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
CONTROL_IN_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
PRINTED_AS_IS = "\n\t"
# Characters a name may not hold: controls, invisible formatting (zero-width space, bidi
# overrides), private use, surrogates, unassigned, and line or paragraph separators.
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"})


class ControlCharacter(NiemError):
    """Text to be stored holds a control character."""


def control_character(text: str, *, multiline: bool = True) -> str | None:
    """The first control character in the text ('U+001B'), or None; tab and line breaks are
    allowed in `multiline` text."""
    match = (CONTROL_IN_LINES if multiline else CONTROL).search(text)
    return None if match is None else f"U+{ord(match.group()):04X}"


def check_plain(text: str, what: str, *, multiline: bool = True) -> str:
    """The text, if it holds no control character; else ControlCharacter naming it."""
    found = control_character(text, multiline=multiline)
    if found is not None:
        raise ControlCharacter(
            _("{what} contains a control character ({code}); remove it").format(
                what=what, code=found
            )
        )
    return text


def invisible_character(text: str) -> str | None:
    """The first control or invisible character in the text ('U+200B'), or None."""
    for char in text:
        if unicodedata.category(char) in INVISIBLE_CATEGORIES:
            return f"U+{ord(char):04X}"
    return None


def printable(text: str) -> str:
    """The text with every control character but the line feed written as an escape (\\x1b),
    so that printing it cannot move the cursor, colour or clear a terminal."""
    return CONTROL.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return char if char in PRINTED_AS_IS else f"\\x{ord(char):02x}"
