"""The citizen's forms. Labels and messages go through Flask-Babel; the 4-hour minimum comes from
the regime in force (portal.rules), never from a literal here."""
from __future__ import annotations

from datetime import timedelta

from flask_wtf import FlaskForm
from wtforms import EmailField, RadioField, StringField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional, ValidationError

from .. import clock
from ..forms import (
    ABSENCE_CHOICES,
    FIRST_DAY_FUTURE,
    MAX_DAYS_BACK,
    RATING_CHOICES,
    DanishDateField,
    DanishDecimalField,
    RequiredIf,
    cvr_number,
    not_in_future,
    options,
    partial_minimum_hours,
)
from ..i18n import lazy_gettext as _l
from ..models import AbsenceKind, Employment

EMPLOYMENT_CHOICES = [
    (Employment.EMPLOYED.value, _l("Employed (lønmodtager)")),
    (Employment.UNEMPLOYED.value, _l("Unemployed")),
    (Employment.SELF_EMPLOYED.value, _l("Self-employed")),
]
RETURN_CHOICES = [("date", _l("Yes, I expect to be back on a date")), ("unknown", _l("I don't know yet"))]



class ReportSicknessForm(FlaskForm):
    first_absence_day = DanishDateField(
        _l("First day of absence"),
        validators=[InputRequired(_l("Enter the first day you were absent because of sickness.")),
                    not_in_future(clock.today, FIRST_DAY_FUTURE)],
        description=_l("The first day you were away from work, fully or partly, because of sickness."),
    )
    employment = RadioField(
        _l("What is your work situation?"), choices=options(EMPLOYMENT_CHOICES),
        validators=[InputRequired(_l("Choose your work situation."))],
    )
    employer_cvr = StringField(
        _l("Employer's CVR number"),
        validators=[RequiredIf("employment", (Employment.EMPLOYED.value,),
                               _l("Enter your employer's CVR number.")), cvr_number],
        description=_l("8 digits. You find it on your payslip."),
    )
    employer_name = StringField(
        _l("Employer's name"),
        validators=[RequiredIf("employment", (Employment.EMPLOYED.value,),
                               _l("Enter your employer's name.")),
                    Length(max=200, message=_l("The name can be at most 200 characters."))],
    )
    absence_kind = RadioField(
        _l("Are you fully or partly absent?"), choices=options(ABSENCE_CHOICES),
        validators=[InputRequired(_l("Choose whether you are fully or partly absent."))],
    )
    partial_hours = DanishDecimalField(
        _l("Hours of absence a week"),
        validators=[RequiredIf("absence_kind", (AbsenceKind.PARTIAL.value,),
                               _l("Enter how many hours a week you are absent.")),
                    NumberRange(max=60, message=_l("Enter at most 60 hours a week."))],
        description=_l("Only if you are partly absent. Count treatment and travel time."),
    )
    expected_return_known = RadioField(
        _l("Do you know when you expect to be back at work?"), choices=options(RETURN_CHOICES),
        validators=[InputRequired(_l("Tell us whether you know when you expect to be back."))],
    )
    expected_return = DanishDateField(
        _l("Expected first day back at work"),
        validators=[RequiredIf("expected_return_known", ("date",),
                               _l("Enter the date you expect to be back at work."))],
    )
    email = EmailField(
        _l("Email address for reminders (optional)"),
        validators=[Optional(), Length(max=254, message=_l("Write at most %(max)d characters.")),
                    Email(message=_l("Enter an email address in the form name@example.dk."),
                          check_deliverability=False)],
        description=_l("Letters and reminders come in your Digital Post (on paper if you are exempt). Give an "
                       "email address if you also want them by email. We never write about your health in an email."),
    )

    def validate_first_absence_day(self, field):
        if field.data and field.data < clock.today() - timedelta(days=MAX_DAYS_BACK):
            raise ValidationError(_l("The first day of absence can be at most 12 months ago. "
                           "Please contact the jobcenter."))

    def validate_partial_hours(self, field):
        if self.absence_kind.data != AbsenceKind.PARTIAL.value or field.data is None:
            return
        minimum = partial_minimum_hours(self.first_absence_day.data or clock.today())
        if field.data < minimum:
            raise ValidationError(_l("Partial sick leave requires at least %(hours)s hours of absence a "
                           "week. With fewer hours you cannot be reported partly sick.",
                           hours=minimum))

    def validate_expected_return(self, field):
        first = self.first_absence_day.data
        if self.expected_return_known.data != "date" or not field.data:
            return
        if first and field.data <= first:
            raise ValidationError(_l("The expected return must be after the first day of absence."))
        if field.data > clock.today() + timedelta(days=2 * 365):
            raise ValidationError(_l("The expected return can be at most 2 years ahead. "
                           "Choose 'I don't know yet' if you are unsure."))






class FeedbackForm(FlaskForm):
    """GOV.UK's "how was it?" on a receipt: one question and an optional comment, both anonymous."""

    rating = RadioField(_l("Overall, how did you feel about answering the questionnaire?"),
                        choices=options(RATING_CHOICES),
                        validators=[InputRequired(_l("Choose how you felt about it."))])
    comment = TextAreaField(
        _l("How could we improve it? (optional)"),
        validators=[Optional(), Length(max=1200, message=_l("Write at most 1,200 characters."))],
        description=_l("Your answer is anonymous: do not write your name, CPR number or anything about your health."))
