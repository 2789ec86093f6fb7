"""Fields and validators shared by the portal's forms, with messages in both languages."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import DateField, DecimalField, SelectChoice
from wtforms.validators import StopValidation, ValidationError

from .personal_data import valid_cvr

# Characters nobody can see: controls, zero-width and bidirectional overrides. In a name they can make
# one person read as another on a caseworker's screen, so names lose them wherever they come from.
INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def visible_text(value: str | None) -> str | None:
    """The text without invisible characters, and with runs of spaces made one."""
    if value is None:
        return None
    return " ".join(INVISIBLE.sub("", value).split())


class DanishDateField(DateField):
    """An ISO date input (type=date) with a plain message when the value is not a date."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format="%Y-%m-%d", **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(_l("Enter a real date, for example 3 November 2026.")) from None


class RequiredIf:
    """Required only when another field has one of the given values (e.g. employer if employed)."""

    def __init__(self, other: str, values: tuple, message):
        self.other, self.values, self.message = other, values, message
        self.field_flags = {}

    def __call__(self, form, field):
        if form[self.other].data in self.values:
            if field.data is None or (isinstance(field.data, str) and not field.data.strip()):
                field.errors[:] = []
                # Something was typed but could not be read: say that, not "enter a value".
                typed = bool(field.raw_data and str(field.raw_data[0]).strip())
                raise StopValidation(field.process_errors[0] if typed and field.process_errors else self.message)
        else:
            field.errors[:] = []
            raise StopValidation()


def not_in_future(today_fn):
    def check(_form, field):
        if field.data and field.data > today_fn():
            raise ValidationError(_l("The date cannot be in the future."))
    return check


def normalise_cvr_input(text: str | None) -> str:
    """A CVR number as people type it: spaces, hyphens and the VAT prefix "DK" go ("DK 1234 5674")."""
    value = "".join((text or "").split()).replace("-", "")
    return value[2:] if value[:2].upper() == "DK" else value


def cvr_number(_form, field):
    value = normalise_cvr_input(field.data)
    if not (len(value) == 8 and value.isdigit()):
        raise ValidationError(_l("A CVR number is 8 digits, for example 12345674."))
    if not valid_cvr(value):
        raise ValidationError(_l("This is not a valid CVR number. Check the number on your payslip "
                                 "or ask your employer."))
    field.data = value


ASCII_NUMBER = re.compile(r"-?([0-9]+(\.[0-9]+)?|\.[0-9]+)")


class DanishDecimalField(DecimalField):
    """A number of hours as people type it: '37', '18,5' or '18.5', shown back in their language."""

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        raw = valuelist[0].strip().replace(" ", "").replace(",", ".")
        if not ASCII_NUMBER.fullmatch(raw):  # Decimal() would take Arabic-Indic or other digits
            self.data = None
            raise ValueError(_l("Enter a number, for example 37 or 18,5."))
        try:
            value = Decimal(raw)
        except InvalidOperation:
            self.data = None
            raise ValueError(_l("Enter a number, for example 37 or 18,5.")) from None
        if not value.is_finite():
            self.data = None
            raise ValueError(_l("Enter a number, for example 37 or 18,5."))
        self.data = value

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        text = format(Decimal(self.data).normalize(), "f")
        return text.replace(".", ",") if get_locale() and get_locale().language == "da" else text


def options(pairs) -> list[SelectChoice]:
    """Radio and select choices as WTForms wants them: (value, label) pairs become SelectChoice."""
    return [SelectChoice(value, label) for value, label in pairs]


def choice_label(field, value):
    """The human text of a stored choice."""
    for choice in field.choices:
        if choice.value == value:
            return choice.label
    return value


def aria(field) -> dict:
    """The ARIA attributes a field's input needs: hint and error ids, and aria-invalid. Only those
    that apply, because WTForms would print a None as the text "None"."""
    described = [f"{field.id}-hint"] if field.description else []
    attrs = {}
    if field.errors:
        described.append(f"{field.id}-error")
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return attrs
