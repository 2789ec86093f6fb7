"""Forms of the ongoing case: hours, plan, standby, fast track, conversation, check-in, recovery.
Rules (the 4-hour minimum, the 8-week fast-track limit) are decided in portal.rules; a form only
checks what a field can know by itself."""
from __future__ import annotations

from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional, ValidationError

from .. import clock
from ..forms import (
    FEELINGS,
    TEXT_LENGTH,
    YES_NO,
    YES_NO_UNKNOWN,
    DanishDateField,
    DanishDecimalField,
    OnlyIf,
    RequiredIf,
    not_in_future,
    options,
)
from ..i18n import lazy_gettext as _l

HOURS_RANGE = NumberRange(min=0, max=80, message=_l("Enter a number of hours between 0 and 80."))
CONVERSATION_FORMS = [("in_person", _l("In person at the jobcenter")), ("phone", _l("By phone")),
                      ("video", _l("By video"))]


class WeekHoursForm(FlaskForm):
    week = SelectField(_l("Week"), validators=[InputRequired(_l("Choose the week."))])
    normal_hours = DanishDecimalField(
        _l("Your normal working hours that week"),
        validators=[InputRequired(_l("Enter your normal working hours that week, for example 37.")),
                    NumberRange(min=Decimal("0.5"), max=80, message=_l("Enter a number of hours between 0.5 and 80."))],
        description=_l("The hours you would have worked if you were not sick."),
    )
    worked_hours = DanishDecimalField(
        _l("Hours you worked that week"),
        validators=[InputRequired(_l("Enter the hours you worked that week. Write 0 if you did not work.")),
                    HOURS_RANGE],
        description=_l("Treatment and travel to treatment count as absence, not as work."),
    )


class PlanForm(FlaskForm):
    start_week = SelectField(_l("First week of the plan"), validators=[InputRequired(_l("Choose the first week."))])
    start_hours = DanishDecimalField(
        _l("Hours you plan to work in the first week"),
        validators=[InputRequired(_l("Enter the hours you plan to work in the first week.")), HOURS_RANGE])
    weekly_increase = DanishDecimalField(
        _l("More hours each week"),
        validators=[InputRequired(_l("Enter how many more hours you plan to work each week.")),
                    NumberRange(min=Decimal("0.5"), max=40,
                                message=_l("Enter a rise between 0.5 and 40 hours a week."))],
        description=_l("For example 4 hours more each week."),
    )
    full_hours = DanishDecimalField(
        _l("Your full working hours a week"),
        validators=[InputRequired(_l("Enter your full working hours a week, for example 37.")),
                    NumberRange(min=Decimal("0.5"), max=80, message=_l("Enter a number of hours between 0.5 and 80."))])

    def validate_start_hours(self, field):
        if field.data is not None and self.full_hours.data is not None and field.data >= self.full_hours.data:
            raise ValidationError(_l("The first week must be below your full hours. If you work full "
                                     "hours, report that you are well (raskmelding)."))


class StandbyForm(FlaskForm):
    group = RadioField(_l("Which kind of illness do you have?"),
                       validators=[InputRequired(_l("Choose the kind of illness you have."))],
                       description=_l("We only use this to check that you have a right to the scheme. "
                                      "Your employer does not see it."))
    understood = BooleanField(
        _l("I understand that the jobcenter will not contact me while I am on standby, and that it "
           "follows my case from my hospital's and doctor's information."),
        validators=[DataRequired(_l("Confirm that you have read what standby means."))])




class EmployerRelationForm(FlaskForm):
    """The citizen says whether a company that reported her sick is her employer."""

    is_employer = RadioField(_l("Is this company your employer?"),
                             choices=options([("yes", _l("Yes, it is my employer")),
                                              ("no", _l("No, it is not my employer"))]),
                             validators=[InputRequired(_l("Choose whether the company is your employer."))])


# No "within 8 weeks": fast track is for longer absence, so that answer was always refused (§ 7 c).
FAST_TRACK_EXPECTATIONS = [
    ("8_13_weeks", _l("8 to 13 weeks")),
    ("13_26_weeks", _l("13 to 26 weeks")),
    ("over_26_weeks", _l("More than 26 weeks")),
]


class FastTrackForm(FlaskForm):
    expected_duration = RadioField(
        _l("How long from your first day of absence do you expect it to take before you are back in full?"),
        choices=options(FAST_TRACK_EXPECTATIONS),
        validators=[InputRequired(_l("Choose how long you expect to be away."))])
    consent = BooleanField(
        _l("I ask for fast track and agree that the jobcenter contacts me for a conversation within 2 weeks."),
        validators=[DataRequired(_l("Confirm that you ask for fast track."))])


class ConversationRequestForm(FlaskForm):
    form = RadioField(_l("How would you like to talk?"), choices=options(CONVERSATION_FORMS),
                      validators=[InputRequired(_l("Choose how you would like to talk."))])
    reason = TextAreaField(
        _l("What would you like to talk about?"),
        validators=[InputRequired(_l("Tell us briefly what you would like to talk about.")), TEXT_LENGTH],
        description=_l("For example your return to work, your hours, or your employer. You do not have "
                       "to tell us your diagnosis."))


RETURN_CHOICES = [("date", _l("Yes, I expect to be back on a date")), ("unknown", _l("I don't know yet"))]


class CheckInForm(FlaskForm):
    feeling = RadioField(_l("How are you doing since last time?"), choices=options(FEELINGS),
                         validators=[InputRequired(_l("Tell us how you are doing."))])
    expected_return_known = RadioField(
        _l("Do you know when you expect to be back at work?"), choices=options(RETURN_CHOICES),
        validators=[InputRequired(_l("Tell us whether you know when you expect to be back."))])
    expected_return = DanishDateField(
        _l("Expected first day back at work"),
        validators=[RequiredIf("expected_return_known", ("date",),
                               _l("Enter the date you expect to be back at work."))])
    can_work_partly = RadioField(
        _l("Could you work part of your hours now?"), choices=options(YES_NO_UNKNOWN),
        validators=[InputRequired(_l("Tell us whether you could work part of your hours."))])
    wants_conversation = RadioField(
        _l("Would you like to talk to someone at the jobcenter?"), choices=options(YES_NO),
        validators=[InputRequired(_l("Tell us whether you would like to talk to someone."))])
    conversation_form = RadioField(
        _l("How would you like to talk?"), choices=options(CONVERSATION_FORMS),
        validators=[RequiredIf("wants_conversation", ("yes",), _l("Choose how you would like to talk."))])
    conversation_reason = TextAreaField(_l("What would you like to talk about? (optional)"),
                                        validators=[Optional(), TEXT_LENGTH])

    def validate_expected_return(self, field):
        if self.expected_return_known.data == "date" and field.data and field.data <= clock.today():
            raise ValidationError(_l("The expected return must be after today."))

    def answers(self) -> dict:
        known = self.expected_return_known.data == "date"
        wants = self.wants_conversation.data == "yes"
        return {"feeling": self.feeling.data,
                "expected_return": (self.expected_return.data.isoformat()
                                    if known and self.expected_return.data else None),
                "can_work_partly": self.can_work_partly.data, "wants_conversation": self.wants_conversation.data,
                "conversation_form": self.conversation_form.data if wants else None,
                "conversation_reason": (self.conversation_reason.data or "").strip() if wants else None}


RECOVERY_KINDS = [("full", _l("I am back at work in full")),
                  ("partial", _l("I am back part of the time (delvis raskmelding)"))]


class RecoveryForm(FlaskForm):
    kind = RadioField(_l("Are you back in full or part of the time?"), choices=options(RECOVERY_KINDS),
                      validators=[InputRequired(_l("Choose whether you are back in full or part of the time."))])
    recovered_on = DanishDateField(
        _l("From which date?"),
        validators=[InputRequired(_l("Enter the date you were back at work.")), not_in_future(clock.today)],
        description=_l("The first day you worked again, fully or partly."))
    partial_hours = DanishDecimalField(
        _l("Hours of absence a week from then"),
        validators=[RequiredIf("kind", ("partial",), _l("Enter how many hours a week you are still absent.")),
                    NumberRange(max=60, message=_l("Enter at most 60 hours a week."))],
        description=_l("Only if you are back part of the time. Count treatment and travel time."))


INVITATION_ANSWERS = [("coming", _l("I'm coming")), ("other_time", _l("I need another time")),
                      ("not_coming", _l("I can't come"))]


class InvitationAnswerForm(FlaskForm):
    """The citizen's answer to a conversation the jobcenter has booked."""

    answer = RadioField(_l("Can you come?"), choices=options(INVITATION_ANSWERS),
                        validators=[InputRequired(_l("Tell us whether you can come."))])
    other_reason = TextAreaField(
        _l("Why the time does not suit you"),
        validators=[RequiredIf("answer", ("other_time",), _l("Tell us briefly why the time does not suit you.")),
                    TEXT_LENGTH])
    preferred = TextAreaField(
        _l("Which days or times suit you? (optional)"),
        description=_l("For example: mornings, or any day but Wednesday."),
        validators=[OnlyIf("answer", ("other_time",)), Optional(), TEXT_LENGTH])
    not_coming_reason = TextAreaField(
        _l("Why you cannot come"),
        description=_l("You do not have to tell us your diagnosis."),
        validators=[RequiredIf("answer", ("not_coming",), _l("Tell us briefly why you cannot come.")),
                    TEXT_LENGTH])


class BookTimeForm(FlaskForm):
    """A citizen picks one of the free times offered to her; the choices are set by the view."""

    # Not checked against the choices: a time taken a moment ago is no longer one of them, and the
    # citizen is told exactly that (portal.cases.self_booking).
    time = RadioField(_l("Choose a time"), validate_choice=False,
                      validators=[InputRequired(_l("Choose a time."))])


class SharePlanForm(FlaskForm):
    """The citizen decides whether one employer sees the return-to-work part of the plan's current
    version (one form a company; `employer` is its CVR number)."""

    employer = HiddenField()

    share = RadioField(_l("May your employer see the part of the plan about your return to work?"),
                       choices=options([("yes", _l("Yes, my employer may see it")),
                                        ("no", _l("No, only me and the jobcenter"))]),
                       description=_l("Your employer then sees the goal, the date, the adjustments at work and "
                                      "what the employer is to do. Never your health or the other tasks."),
                       validators=[InputRequired(_l("Choose whether your employer may see it."))])
