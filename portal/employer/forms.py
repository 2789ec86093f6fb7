"""The employer's forms. The CPR number is checked for its form only and is never written back
into a page: after an error it must be typed again."""
from __future__ import annotations

from datetime import timedelta

from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from .. import clock
from ..forms import (
    ABSENCE_CHOICES,
    FIRST_DAY_FUTURE,
    MAX_DAYS_BACK,
    RETENTION,
    TEXT_LENGTH,
    DanishDateField,
    DanishDecimalField,
    RequiredIf,
    cpr_number,
    not_in_future,
    options,
    partial_minimum_hours,
    visible_text,
)
from ..i18n import lazy_gettext as _l
from ..models import AbsenceKind


class EmployeeSickForm(FlaskForm):
    cpr = StringField(
        _l("The employee's CPR number"),
        validators=[InputRequired(_l("Enter the employee's CPR number.")), cpr_number(clock.today)],
        description=_l("10 digits, for example 010190-1234. We use it only to find the employee's case; "
                       "it is not shown again."),
    )
    employee_name = StringField(
        _l("The employee's name"), filters=[visible_text],
        validators=[InputRequired(_l("Enter the employee's name.")),
                    Length(max=200, message=_l("The name can be at most 200 characters."))])
    first_absence_day = DanishDateField(
        _l("First day of absence"),
        validators=[InputRequired(_l("Enter the employee's first day of absence.")),
                    not_in_future(clock.today, FIRST_DAY_FUTURE)])
    absence_kind = RadioField(
        _l("Is the employee fully or partly absent?"), choices=options(ABSENCE_CHOICES),
        validators=[InputRequired(_l("Choose whether the employee is fully or partly absent."))])
    partial_hours = DanishDecimalField(
        _l("Hours of absence a week"),
        validators=[RequiredIf("absence_kind", (AbsenceKind.PARTIAL.value,),
                               _l("Enter how many hours a week the employee is absent.")),
                    NumberRange(max=60, message=_l("Enter at most 60 hours a week."))],
        description=_l("Only if the employee is partly absent."))

    def validate_first_absence_day(self, field):
        if field.data and field.data < clock.today() - timedelta(days=MAX_DAYS_BACK):
            raise ValidationError(_l("The first day of absence can be at most 12 months ago. "
                                     "Please contact the jobcenter."))

    def validate_partial_hours(self, field):
        if self.absence_kind.data != AbsenceKind.PARTIAL.value or field.data is None:
            return
        minimum = partial_minimum_hours(self.first_absence_day.data or clock.today())
        if field.data < minimum:
            raise ValidationError(_l("Partial sick leave requires at least %(hours)s hours of absence a week.",
                                     hours=minimum))


HELD = [("yes", _l("Yes")), ("no", _l("Not yet"))]
CONVERSATION_FORMS = [("in_person", _l("In person")), ("phone", _l("By phone"))]
RETURN = [("date", _l("Yes, on a date")), ("unknown", _l("Not known yet"))]


class EmployerQuestionsForm(FlaskForm):
    conversation_held = RadioField(
        _l("Have you held the absence conversation (fraværssamtale) with the employee?"), choices=options(HELD),
        validators=[InputRequired(_l("Tell us whether the absence conversation has been held."))],
        description=_l("The employer must hold it by the end of the 4th week of absence (sygedagpengeloven § 7 a)."))
    conversation_on = DanishDateField(
        _l("Date of the absence conversation"),
        validators=[RequiredIf("conversation_held", ("yes",), _l("Enter the date of the absence conversation.")),
                    not_in_future(clock.today)])
    conversation_form = RadioField(
        _l("How was it held?"), choices=options(CONVERSATION_FORMS),
        validators=[RequiredIf("conversation_held", ("yes",), _l("Choose how the conversation was held."))])
    expected_known = RadioField(
        _l("Do you expect the employee back on a date?"), choices=options(RETURN),
        validators=[InputRequired(_l("Tell us whether you expect the employee back on a date."))])
    expected_return = DanishDateField(
        _l("Expected first day back"),
        validators=[RequiredIf("expected_known", ("date",), _l("Enter the date you expect the employee back."))])
    adjustments = TextAreaField(
        _l("Possible adjustments or partial work (optional)"), validators=[Optional(), TEXT_LENGTH],
        description=_l("For example other tasks, fewer hours or aids."))
    retention_plan = RadioField(
        _l("Has a retention plan (fastholdelsesplan) been made or asked for?"), choices=options(RETENTION),
        validators=[InputRequired(_l("Tell us whether a retention plan has been made or asked for."))])

    def validate_expected_return(self, field):
        if self.expected_known.data == "date" and field.data and field.data <= clock.today():
            raise ValidationError(_l("The expected return must be after today."))

    def fields(self) -> dict:
        held = self.conversation_held.data == "yes"
        return {"absence_conversation_on": self.conversation_on.data if held else None,
                "absence_conversation_form": self.conversation_form.data if held else None,
                "expected_return": self.expected_return.data if self.expected_known.data == "date" else None,
                "adjustments": (self.adjustments.data or "").strip() or None,
                "retention_plan": self.retention_plan.data}
