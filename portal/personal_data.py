"""CPR numbers: validated for form, stored encrypted, found by a keyed hash, shown masked."""
from __future__ import annotations

import hashlib
import hmac
import re
from datetime import date

from cryptography.fernet import Fernet
from flask import current_app

_CPR = re.compile(r"^\d{6}-?\d{4}$")


def birth_century(year_digits: int, seventh_digit: int) -> int:
    """The CPR register's rule: the 7th digit and the year tell the century of birth."""
    if seventh_digit <= 3:
        return 1900
    if seventh_digit in (4, 9):
        return 2000 if year_digits <= 36 else 1900
    return 2000 if year_digits <= 57 else 1800


def normalise_cpr(value: str) -> str | None:
    """'010100-1234' or '0101001234' -> '0101001234'; None when it is not a CPR number: the form,
    and a date of birth that exists (31 February does not; 29 February only in a leap year).
    The modulus-11 check is not applied: CPR numbers issued since 2007 need not meet it."""
    value = (value or "").strip().replace(" ", "")
    if not _CPR.match(value):
        return None
    digits = value.replace("-", "")
    day, month, year = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    # Days 61-91 are substitute numbers (erstatningspersonnumre: the day plus 60) on a real date;
    # the portal's test and demo people use them, so no fixture can be mistaken for a real person.
    if day > 60:
        day -= 60
    try:
        date(birth_century(year, int(digits[6])) + year, month, day)
    except ValueError:
        return None
    return digits


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
    if not (len(value) == 8 and value.isdigit() and value[0] != "0"):
        return False
    return sum(int(d) * w for d, w in zip(value, _CVR_WEIGHTS, strict=True)) % 11 == 0
