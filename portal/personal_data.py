"""CPR numbers: validated for form, stored encrypted, found by a keyed hash, shown masked."""
from __future__ import annotations

import hashlib
import hmac
import re
from datetime import date
from enum import StrEnum

from cryptography.fernet import Fernet
from flask import current_app

from .typed_numbers import ASCII_DIGITS, foreign_digits, without_gaps

_CPR = re.compile(r"[0-9]{6}-?[0-9]{4}")  # ASCII digits only: \d would take ٠١٢٣ and ０１２３


class CprProblem(StrEnum):
    FORM = "form"                   # not 6 digits, a hyphen or not, and 4 digits
    DIGITS = "digits"               # digits other than 0-9 (Arabic-Indic, full-width, superscript)
    NO_SUCH_DATE = "no_such_date"   # 31 February, day 32, month 13
    FUTURE = "future"               # a date of birth after today


class CprError(ValueError):
    def __init__(self, problem: CprProblem):
        super().__init__(problem.value)
        self.problem = problem


def birth_century(year_digits: int, seventh_digit: int) -> int:
    """The CPR register's rule: the 7th digit and the year tell the century of birth."""
    if seventh_digit <= 3:
        return 1900
    if seventh_digit in (4, 9):
        return 2000 if year_digits <= 36 else 1900
    return 2000 if year_digits <= 57 else 1800


def birth_date(cpr: str) -> date:
    """The date of birth of ten ASCII digits; ValueError when there is no such day. Days 61-91 are
    substitute numbers (erstatningspersonnumre: the day plus 60) on a real date; the portal's test
    and demo people use them, so no fixture can be mistaken for a real person."""
    day, month, year = int(cpr[0:2]), int(cpr[2:4]), int(cpr[4:6])
    if day > 60:
        day -= 60
    return date(birth_century(year, int(cpr[6])) + year, month, day)


def read_cpr(value: str | None, today: date | None = None) -> str:
    """A CPR number as people type it -> its ten digits, or CprError saying what is wrong.
    Dashes of every kind (an en dash from autocorrect), spaces and NBSPs are allowed; the digits
    must be 0-9 and the date of birth must exist, and with `today`, must not be after it. The
    modulus-11 check is not applied: CPR numbers issued since 2007 need not meet it."""
    typed = without_gaps(value)
    if not _CPR.fullmatch(typed):
        raise CprError(CprProblem.DIGITS if foreign_digits(typed) else CprProblem.FORM)
    digits = typed.replace("-", "")
    try:
        born = birth_date(digits)
    except ValueError:
        raise CprError(CprProblem.NO_SUCH_DATE) from None
    if today is not None and born > today:
        raise CprError(CprProblem.FUTURE)
    return digits


def normalise_cpr(value: str | None, today: date | None = None) -> str | None:
    """'010100-1234', '010100–1234' or '0101001234' -> '0101001234'; None when it is not a CPR
    number (see read_cpr)."""
    try:
        return read_cpr(value, today)
    except CprError:
        return None


def cpr_hash(cpr: str, key: str | None = None) -> str:
    key = key or current_app.config["PORTAL_CPR_HASH_KEY"]
    return hmac.new(key.encode(), cpr.encode(), hashlib.sha256).hexdigest()


def encrypt_cpr(cpr: str, key: str | None = None) -> str:
    key = key or current_app.config["PORTAL_CPR_ENCRYPTION_KEY"]
    return Fernet(key.encode()).encrypt(cpr.encode()).decode()


def decrypt_cpr(token: str, key: str | None = None) -> str:
    key = key or current_app.config["PORTAL_CPR_ENCRYPTION_KEY"]
    return Fernet(key.encode()).decrypt(token.encode()).decode()


def mask_cpr(cpr: str) -> str:
    """The birth date stays, the serial goes: '010100-xxxx'."""
    return f"{cpr[:6]}-xxxx"


_CVR_WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)


def valid_cvr(value: str) -> bool:
    """Eight digits, not starting with 0, whose weighted sum is divisible by 11 (modulus 11)."""
    if not (len(value) == 8 and ASCII_DIGITS.fullmatch(value) and value[0] != "0"):
        return False
    return sum(int(d) * w for d, w in zip(value, _CVR_WEIGHTS, strict=True)) % 11 == 0
