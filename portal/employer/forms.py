"""The employer's forms. The CPR number is checked for its form only and is never written back
into a page: after an error it must be typed again."""
from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from .. import clock
from ..citizen.forms import ABSENCE_CHOICES, MAX_DAYS_BACK, partial_minimum_hours
from ..citizen.questionnaire_forms import TEXT_LENGTH
from ..forms import (
    FIRST_DAY_FUTURE,
    DanishDateField,
    DanishDecimalField,
    RequiredIf,
    cpr_number,
    not_in_future,
    options,
    visible_text,
)
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


DECISIONS = [("consent", _l("Yes, I agree to fast track")), ("decline", _l("No, I do not want fast track"))]


class EmployeeFastTrackAnswer(FastTrackQuestions):
    duration = RadioField(
        _l("For how long, from the first day of absence, are the functions expected to be affected?"),
        choices=options(DURATIONS),
        validators=[InputRequired(_l("Choose for how long the functions are expected to be affected."))])
    decision = RadioField(_l("Do you agree to fast track?"), choices=options(DECISIONS),
                          validators=[InputRequired(_l("Choose whether you agree to fast track."))])


HELD = [("yes", _l("Yes")), ("no", _l("Not yet"))]
CONVERSATION_FORMS = [("in_person", _l("In person")), ("phone", _l("By phone"))]
RETURN = [("date", _l("Yes, on a date")), ("unknown", _l("Not known yet"))]
RETENTION = [("made", _l("Yes, a plan has been made")), ("requested", _l("The employee has asked for one")),
             ("no", _l("No"))]


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
