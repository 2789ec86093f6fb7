"""Fields and validators shared by the portal's forms, with messages in both languages."""
from __future__ import annotations

import re
from datetime import date, time
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel import support as babel_support
from babel.dates import format_date as babel_format_date
from flask import current_app, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm
from flask_wtf import i18n as flask_wtf_i18n
from markupsafe import Markup, escape
from wtforms import Field, RadioField, SelectChoice, TextAreaField
from wtforms import widgets as wtforms_widgets
from wtforms.fields import DecimalField, IntegerField, TimeField
from wtforms.i18n import messages_path as wtforms_messages_path
from wtforms.utils import unset_value
from wtforms.validators import InputRequired, Length, Optional, StopValidation, ValidationError
from wtforms.widgets import TextInput
from wtforms.widgets import core as wtforms_widgets_core
from wtforms.widgets.core import clean_key

from .i18n import ENGLISH_FORMATS, formats_of
from .i18n import lazy_gettext as _l
from .models import AbsenceKind
from .personal_data import CprError, CprProblem, read_cpr, valid_cvr
from .rules import regime_on
from .rules.calendar import FIRST_DATE, LAST_DATE, within_dates
from .typed_numbers import ASCII_DIGITS, foreign_digits, tidy, without_gaps

# Characters nobody can see: controls, zero-width and bidirectional overrides. In a name they can make
# one person read as another on a caseworker's screen, so names lose them wherever they come from.
INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def visible_text(value: str | None) -> str | None:
    """The text without invisible characters, and with runs of spaces made one."""
    if value is None:
        return None
    return " ".join(INVISIBLE.sub("", value).split())

# Month names as people type them, Danish and English, full or cut short, with or without a dot.
MONTHS = {
    "jan": 1, "januar": 1, "january": 1,
    "feb": 2, "februar": 2, "february": 2,
    "mar": 3, "mrt": 3, "marts": 3, "march": 3,
    "apr": 4, "april": 4,
    "maj": 5, "may": 5,
    "jun": 6, "juni": 6, "june": 6,
    "jul": 7, "juli": 7, "july": 7,
    "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9,
    "okt": 10, "oct": 10, "oktober": 10, "october": 10,
    "nov": 11, "november": 11,
    "dec": 12, "december": 12,
}
DIGITS = ASCII_DIGITS  # ASCII only: str.isdigit() would let ٣ and ³ through
SEPARATORS = r"[-./ ]+"
# A whole date typed into the day box: 10-11-2026, 10.11.2026, 10/11/2026, 10 nov 2026, 10112026, 2026-11-10.
WHOLE_DMY = re.compile(rf"(?P<d>[0-9]{{1,2}}){SEPARATORS}(?P<m>[0-9]{{1,2}}|[^\W\d_]+\.?){SEPARATORS}(?P<y>[0-9]+)")
WHOLE_COMPACT = re.compile(r"(?P<d>[0-9]{2})(?P<m>[0-9]{2})(?P<y>[0-9]{4})")
WHOLE_ISO = re.compile(r"(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})")
PARTS = ("day", "month", "year")

REAL_DATE = _l("The date must be a real date, for example 30-11-2026.")
MISSING = {
    ("day",): _l("The date must include a day."),
    ("month",): _l("The date must include a month."),
    ("year",): _l("The date must include a year."),
    ("day", "month"): _l("The date must include a day and a month."),
    ("day", "year"): _l("The date must include a day and a year."),
    ("month", "year"): _l("The date must include a month and a year."),
}
YEAR_DIGITS = _l("The year must have 4 digits, for example 2026.")
FIRST_DAY_FUTURE = _l("The first day of absence cannot be in the future.")


def _long_date(day: date) -> str:
    """1. januar 1990 / 1 January 1990: in the page's language (English outside a request)."""
    return babel_format_date(day, "long", locale=formats_of(get_locale()) or ENGLISH_FORMATS)


# The one message for a date outside the portal's range (portal.rules.calendar), in every face.
OUTSIDE_DATES = LazyString(lambda: _("The date must be between %(first)s and %(last)s.",
                                     first=_long_date(FIRST_DATE), last=_long_date(LAST_DATE)))


class DateParseError(ValueError):
    def __init__(self, message, parts):
        super().__init__(message)
        self.message, self.parts = message, tuple(parts)


def month_number(text: str) -> int | None:
    text = text.strip().rstrip(".").lower()
    if DIGITS.fullmatch(text):
        return int(text)
    return MONTHS.get(text)


def parse_date_parts(day: str, month: str, year: str) -> date | None:
    """What a person typed in the three boxes -> a date, None when all are empty, or DateParseError
    naming the message and the boxes that are wrong. A whole date in the day box is accepted too."""
    # An en dash from autocorrect or an NBSP is what the person meant as "-" and " ".
    day, month, year = tidy(day), tidy(month), tidy(year)
    if not (day or month or year):
        return None
    if not month and not year and (len(day) > 2 or not DIGITS.fullmatch(day)):
        match = (WHOLE_ISO.fullmatch(day) or WHOLE_DMY.fullmatch(day) or WHOLE_COMPACT.fullmatch(day))
        if not match:
            raise DateParseError(REAL_DATE, ["day"])
        day, month, year = match["d"], match["m"], match["y"]
    missing = tuple(part for part, text in zip(PARTS, (day, month, year), strict=True) if not text)
    if missing:
        raise DateParseError(MISSING[missing], missing)
    wrong = []
    if not DIGITS.fullmatch(day) or not 1 <= int(day) <= 31:
        wrong.append("day")
    number = month_number(month)
    if number is None or not 1 <= number <= 12:
        wrong.append("month")
    if wrong:
        raise DateParseError(REAL_DATE, wrong)
    if not DIGITS.fullmatch(year):
        raise DateParseError(REAL_DATE, ["year"])
    if len(year) != 4 or int(year) < 1000:
        raise DateParseError(YEAR_DIGITS, ["year"])
    try:
        typed = date(int(year), number, int(day))
    except ValueError:
        raise DateParseError(REAL_DATE, PARTS) from None
    if not within_dates(typed):  # the bounds are whole years: the year is what is wrong
        raise DateParseError(OUTSIDE_DATES, ["year"])
    return typed


class DanishDateField(Field):
    """DKFDS's date fields: three boxes, day, month and year (name-day, name-month, name-year),
    read as people type them (see parse_date_parts). Rendered by the date_input macro."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.parts = {part: "" for part in PARTS}
        self.error_parts: tuple = ()

    def process(self, formdata, data=unset_value, extra_filters=None):
        self.process_errors = []
        if data is unset_value:
            data = self.default() if callable(self.default) else self.default
        self.object_data = self.data = data
        if self.data:
            self.parts = {"day": str(self.data.day), "month": str(self.data.month), "year": str(self.data.year)}
        self.raw_data = None
        if formdata is None:
            return
        names = [f"{self.name}-{part}" for part in PARTS]
        if any(name in formdata for name in names):
            self.parts = {part: formdata.get(name, "") for part, name in zip(PARTS, names, strict=True)}
        elif self.name in formdata:
            # One value under the field's own name (a page from before the three boxes, still
            # open in a browser tab, or a script): read it as a whole date typed in the day box.
            self.parts = {"day": formdata.get(self.name, ""), "month": "", "year": ""}
        else:
            return
        typed = [text.strip() for text in self.parts.values()]
        self.raw_data = [" ".join(typed)] if any(typed) else []
        try:
            self.data = parse_date_parts(*typed)
        except DateParseError as error:
            self.data = None
            self.error_parts = error.parts
            self.process_errors.append(error.message)

    def post_validate(self, form, validation_stopped):
        if self.errors and not self.error_parts:
            self.error_parts = PARTS  # a rule about the whole date (in the future, too early)

    def _value(self):
        return "-".join(self.parts.values())

    @property
    def anchor(self) -> str:
        return f"{self.id}-{(self.error_parts or PARTS)[0]}"


class RequiredIf:
    """Required only when another field has one of the given values (e.g. employer if employed).
    When it does not apply, whatever was typed is ignored: its errors are dropped and its data
    cleared, so a page without JavaScript (every question shown) is never refused for a question
    that does not concern the person."""

    def __init__(self, other: str, values: tuple, message):
        self.other, self.values, self.message = other, values, message
        self.field_flags = {}

    def __call__(self, form, field):
        if form[self.other].data in self.values:
            if field.process_errors:
                raise StopValidation()  # typed but wrong: its own precise message stands
            if field.data is None or (isinstance(field.data, str) and not field.data.strip()):
                field.errors[:] = []
                raise StopValidation(self.message)
        else:
            field.errors[:] = []
            field.data = None
            if hasattr(field, "error_parts"):
                field.error_parts = ()
            raise StopValidation()


class OnlyIf:
    """An optional question that applies only when another field has one of the given values
    (what treatment, if in treatment): otherwise whatever was typed is ignored and not stored."""

    def __init__(self, other: str, values: tuple):
        self.other, self.values = other, values
        self.field_flags = {}

    def __call__(self, form, field):
        if form[self.other].data not in self.values:
            field.errors[:] = []
            field.data = None
            raise StopValidation()


def not_in_future(today_fn, message=None):
    def check(_form, field):
        if field.data and field.data > today_fn():
            raise ValidationError(message or _l("The date cannot be in the future."))
    return check


def normalise_cvr_input(text: str | None) -> str:
    """A CVR number as people type it: spaces (NBSP too), dashes of every kind and the VAT prefix
    "DK" go ("DK 1234 5674", "1234–5674")."""
    value = without_gaps(text).replace("-", "")
    return value[2:] if value[:2].upper() == "DK" else value


def cvr_number(_form, field):
    value = normalise_cvr_input(field.data)
    if foreign_digits(value):
        raise ValidationError(_l("Write the CVR number with the digits 0-9, for example 12345674."))
    if not (len(value) == 8 and ASCII_DIGITS.fullmatch(value)):
        raise ValidationError(_l("A CVR number is 8 digits, for example 12345674."))
    if not valid_cvr(value):
        raise ValidationError(_l("This is not a valid CVR number. Check the number on your payslip "
                                 "or ask your employer."))
    field.data = value


CPR_MESSAGES = {
    CprProblem.FORM: _l("A CPR number is 10 digits: the date of birth (ddmmyy) and 4 digits, for example "
                        "010190-1234."),
    CprProblem.DIGITS: _l("Write the CPR number with the digits 0-9, for example 010190-1234."),
    CprProblem.NO_SUCH_DATE: _l("The first 6 digits of a CPR number are a date of birth (ddmmyy), and this "
                                "date does not exist. Check the number."),
    CprProblem.FUTURE: _l("The date of birth in this CPR number is in the future. Check the number."),
}


def cpr_number(today_fn):
    """A CPR number field: stored as its ten digits, with a message that says what is wrong."""
    def check(_form, field):
        try:
            field.data = read_cpr(field.data, today_fn())
        except CprError as error:
            raise ValidationError(CPR_MESSAGES[error.problem]) from None
    return check


HOURS_TEXT = re.compile(r"(?P<number>[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)")
# "1.000" is a thousand in Danish (a dot before exactly three digits), never one hour; "7,500" is
# seven and a half (the decimal comma), as is "7.5".
THOUSANDS = re.compile(r"[1-9][0-9]{0,2}(?:\.[0-9]{3})+")
HOURS_UNIT = re.compile(r"\s*(timer|time|t|hours|hour|hrs|h)\.?$", re.IGNORECASE)
NOT_A_NUMBER = _l("Enter the hours as a number, for example 37 or 7.5.")
HOURS_IN_A_WEEK = 168
MORE_THAN_A_WEEK = _l("A week has %(hours)d hours. Enter the hours of one week, for example 37.",
                      hours=HOURS_IN_A_WEEK)


def parse_hours(text: str) -> Decimal | None:
    """Hours as people type them: '37', '7,5', '7.5', ',5', '3,5 timer', and '1.000' as a thousand
    (never as 1). Refuses what is not a plain number in ASCII digits (ValueError with the message),
    None when empty. How many hours a field takes is the field's range (DanishDecimalField)."""
    text = HOURS_UNIT.sub("", tidy(text)).replace(" ", "")
    if not text:
        return None
    if text.startswith("-"):
        raise ValueError(_l("The hours cannot be a negative number."))
    if THOUSANDS.fullmatch(text):
        return Decimal(text.replace(".", ""))  # a thousand or more: the field's range refuses it
    match = HOURS_TEXT.fullmatch(text)
    if not match:
        if re.fullmatch(r"[0-9]{1,3}([.,][0-9]{3})+([.,][0-9]+)?", text) or text.count(",") + text.count(".") > 1:
            raise ValueError(_l("Write the hours with at most one decimal point, for example 7.5."))
        raise ValueError(NOT_A_NUMBER)
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern lets only numbers through
        raise ValueError(NOT_A_NUMBER) from None
    # The decimals as written, read off the number: quantize() refuses a number longer than 28 digits
    # (the field's range check then tells the person what the field takes).
    if value.normalize().as_tuple().exponent < -2:
        raise ValueError(_l("Write the hours with at most 2 decimals, for example 7.25."))
    return value


def format_hours(value) -> str:
    """A number of hours as the page's language writes it: 7,5 in Danish, 7.5 in English."""
    if value is None or value == "":
        return ""
    text = format(Decimal(str(value)).normalize(), "f")
    locale = get_locale()
    return text.replace(".", ",") if locale and locale.language == "da" else text


class DanishDecimalField(DecimalField):
    """A number of hours as people type it: '37', '18,5' or '18.5', shown back in their language.
    A text input (inputmode=decimal): in a type=number input the browser turns '3,5' into 35."""

    widget = TextInput()

    def process_formdata(self, valuelist):
        if not valuelist:
            self.data = None
            return
        try:
            self.data = parse_hours(valuelist[0])
        except ValueError:
            self.data = None
            raise

    def post_validate(self, form, validation_stopped):
        # Every hours field is a week's hours or fewer; its own range says so more precisely, and
        # this holds for a field that has none.
        if self.data is not None and self.data > HOURS_IN_A_WEEK and not self.errors:
            self.errors.append(MORE_THAN_A_WEEK)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return format_hours(self.data)


class WholeNumberField(IntegerField):
    """A count or a case number, in the digits 0-9 only: WTForms' IntegerField reads with int(),
    which takes "٣", "３" and "1_0". Spaces, NBSPs and a leading minus of any dash are read."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = without_gaps(valuelist[0])
        if not text:
            self.data = None
            return
        if not re.fullmatch(r"-?[0-9]{1,12}", text):
            self.data = None
            raise ValueError(_l("Write a whole number with the digits 0-9, for example 3."))
        self.data = int(text)


TIME_DIGITS = _l("Write the time with the digits 0-9, for example 10:30.")
NOT_A_TIME = _l("Write the time as hours and minutes, for example 10:30.")


class DanishTimeField(TimeField):
    """A time of day as people type it: "10:30", "10.30" (the Danish way) or "9:05", spaces and
    NBSPs ignored. WTForms' TimeField reads with strptime, which takes "١٠:٣٠" and "１０:３０" as
    10:30; here only the digits 0-9 count, and other digits get a message that says so."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = without_gaps(valuelist[0])
        if not text:
            self.data = None
            return
        if foreign_digits(text):
            self.data = None
            raise ValueError(TIME_DIGITS)
        found = re.fullmatch(r"([0-9]{1,2})[:.]([0-9]{2})", text)
        if not found or int(found.group(1)) > 23 or int(found.group(2)) > 59:
            self.data = None
            raise ValueError(NOT_A_TIME)
        self.data = time(int(found.group(1)), int(found.group(2)))


def options(pairs) -> list[SelectChoice]:
    """Radio and select choices as WTForms wants them: (value, label) pairs become SelectChoice."""
    return [SelectChoice(value, label) for value, label in pairs]


def choice_label(field, value):
    """The human text of a stored choice."""
    for choice in field.choices:
        if choice.value == value:
            return choice.label
    return value


def html_params(**kwargs) -> Markup:
    """WTForms' html_params, the same output, without Markup.format: that goes through
    string.Formatter for every attribute, a tenth of a form page's CPU (issue 33). Keys sorted,
    `class_` and `data_x` cleaned as WTForms does, True a bare attribute, False left out, every key
    and value escaped, a safe value's quotes made &quot;."""
    params = []
    for key, value in sorted(kwargs.items()):
        key = str(escape(clean_key(key)))
        if value is True:
            params.append(key)
        elif value is not False:
            params.append(f'{key}="{str(escape(value)).replace(chr(34), "&quot;")}"')
    return Markup(" ".join(params))  # nosec B704: every part escaped above


# The widgets look html_params up at call time: as a module name (wtforms.widgets.core, and
# wtforms.widgets for Label) or as a class attribute (Input and Button and their subclasses).
wtforms_widgets_core.html_params = wtforms_widgets.html_params = html_params
wtforms_widgets_core.Input.html_params = wtforms_widgets_core.Button.html_params = staticmethod(html_params)


@lru_cache(maxsize=8)
def _wtforms_catalogue(locale: str):
    return babel_support.Translations.load(wtforms_messages_path(), [locale], domain="wtforms")


def _wtforms_translations():
    """Flask-WTF's catalogue of WTForms' own messages ("Not a valid choice."), in the same language,
    loaded once a language: Flask-WTF loaded it from disk again in each request that needed one, and
    the queue's filter does on every page (0.1 ms). The catalogue is WTForms' own, the same for all."""
    if not request or "babel" not in current_app.extensions:
        return None
    return _wtforms_catalogue(str(get_locale()))


flask_wtf_i18n._get_translations = _wtforms_translations  # what flask_wtf.i18n.Translations calls


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


# Vocabularies and forms more than one face uses: the citizen answers what the employer asked, and
# the caseworker reads both. Each face imports them from here, never from another face.

TEXT_LIMIT = 2000
TEXT_LENGTH = Length(max=TEXT_LIMIT, message=_l("Write at most %(max)d characters."))
YES_NO = [("yes", _l("Yes")), ("no", _l("No"))]
YES_NO_UNKNOWN = YES_NO + [("unknown", _l("I don't know"))]

ABSENCE_CHOICES = [
    (AbsenceKind.FULL.value, _l("Fully absent")),
    (AbsenceKind.PARTIAL.value, _l("Partly absent (delvis sygemelding)")),
]

MAX_DAYS_BACK = 365


def partial_minimum_hours(on):
    return regime_on(on).partial_min_hours_per_week.value


RATING_CHOICES = [
    ("very_satisfied", _l("Very satisfied")),
    ("satisfied", _l("Satisfied")),
    ("neutral", _l("Neither satisfied nor dissatisfied")),
    ("dissatisfied", _l("Dissatisfied")),
    ("very_dissatisfied", _l("Very dissatisfied")),
]

FEELINGS = [("better", _l("Better")), ("same", _l("About the same")), ("worse", _l("Worse"))]


class ConfirmForm(FlaskForm):
    """A button that changes something (withdraw standby): the CSRF token is the whole form."""


PLAN_GOALS = [("full_return", _l("Back to the job in full")),
              ("partial_return", _l("Back to the job part of the time")), ("other", _l("Another goal"))]
PLAN_PARTIES = [("citizen", _l("The citizen")), ("employer", _l("The employer")), ("jobcenter", _l("The jobcenter")),
                ("doctor", _l("The doctor"))]

RETENTION = [("made", _l("Yes, a plan has been made")), ("requested", _l("The employee has asked for one")),
             ("no", _l("No"))]

DURATIONS = [("under_8_weeks", _l("Up to 8 weeks")), ("8_13_weeks", _l("8 to 13 weeks")),
             ("13_26_weeks", _l("13 to 26 weeks")), ("over_26_weeks", _l("More than 26 weeks"))]
# The employer's request offers only what fast track is for (§ 7 c: not back within 8 weeks); the
# employee answering it may still say "up to 8 weeks".
REQUEST_DURATIONS = DURATIONS[1:]
ADAPTED = [("yes", _l("Yes")), ("partly", _l("Partly")), ("no", _l("No"))]


class FastTrackQuestions(FlaskForm):
    """The three questions of § 7 c, asked of the employer and then of the employee."""

    functions = TextAreaField(
        _l("Which work functions does the sickness affect?"),
        validators=[InputRequired(_l("Describe which work functions are affected.")), TEXT_LENGTH],
        description=_l("The tasks, not the illness. For example lifting, night shifts or customer contact."))
    duration = RadioField(
        _l("For how long, from the first day of absence, are the functions expected to be affected?"),
        choices=options(REQUEST_DURATIONS),
        validators=[InputRequired(_l("Choose for how long the functions are expected to be affected."))])
    adapted = RadioField(_l("Has the work been adapted?"), choices=options(ADAPTED),
                         validators=[InputRequired(_l("Tell us whether the work has been adapted."))])
    adapted_how = TextAreaField(_l("How, or what could be adapted? (optional)"), validators=[Optional(), TEXT_LENGTH])

    def answers(self) -> dict:
        return {"functions": self.functions.data.strip(), "duration": self.duration.data,
                "adapted": self.adapted.data, "adapted_how": (self.adapted_how.data or "").strip()}


EMPLOYEE_DECISIONS = [("consent", _l("Yes, I agree to fast track")), ("decline", _l("No, I do not want fast track"))]


class EmployeeFastTrackAnswer(FastTrackQuestions):
    duration = RadioField(
        _l("For how long, from the first day of absence, are the functions expected to be affected?"),
        choices=options(DURATIONS),
        validators=[InputRequired(_l("Choose for how long the functions are expected to be affected."))])
    decision = RadioField(_l("Do you agree to fast track?"), choices=options(EMPLOYEE_DECISIONS),
                          validators=[InputRequired(_l("Choose whether you agree to fast track."))])
