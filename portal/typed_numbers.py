"""Numbers as people type them (CPR, CVR, hours, dates, counts): what a keyboard, a phone or a word
processor's autocorrect puts in between the digits is made plain, and only the digits 0-9 count.

Python's own str.isdigit(), int() and Decimal() take Arabic-Indic (٣), full-width (３) and, for
isdigit(), superscript (³) digits: a CPR number in such digits would be stored as another person's
number, so every number field reads its digits with ASCII_DIGITS, never with those. Pure: no Flask."""
from __future__ import annotations

import re

# Hyphen-minus, hyphen, non-breaking hyphen, figure dash, en dash, em dash, horizontal bar, minus
# sign, small and full-width hyphen-minus: autocorrect turns "-" into an en dash, a copied letter
# may carry any of them.
DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_DASH = re.compile(f"[{re.escape(DASHES)}]")
# Any space (NBSP, narrow NBSP, thin and figure spaces: \s in a str pattern is Unicode) and the
# invisible marks a copy from a PDF or a right-to-left text brings along.
_GAP = re.compile(r"[\s\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]+")
ASCII_DIGITS = re.compile(r"[0-9]+")


def tidy(text: str | None) -> str:
    """Every dash made "-", every run of spaces one " ", nothing invisible, no spaces at the ends."""
    return _GAP.sub(" ", _DASH.sub("-", text or "")).strip()


def without_gaps(text: str | None) -> str:
    """tidy() and no spaces at all: "610590 – 4321" -> "610590-4321"."""
    return tidy(text).replace(" ", "")


def foreign_digits(text: str | None) -> bool:
    """True when the text holds a digit that is not 0-9 (٣, ３, ², ½ ...), which people mean as a
    digit but which the portal does not read as one: the field should say so, not "not a number"."""
    return any((ch.isdigit() or ch.isnumeric()) and ch not in "0123456789" for ch in text or "")
