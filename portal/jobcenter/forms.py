from __future__ import annotations

from datetime import time

from flask_babel import format_date
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from .. import clock
from ..forms import (
    PLAN_GOALS,
    PLAN_PARTIES,
    DanishDateField,
    DanishTimeField,
    RequiredIf,
    WholeNumberField,
    not_in_future,
    options,
    visible_text,
)
from ..i18n import lazy_gettext as _l
from ..rules import ReasonCode

FORMS = [("in_person", _l("In person")), ("phone", _l("Phone")), ("video", _l("Video"))]
OUTCOMES = [("self_service", _l("Back to self-service")), ("jobcenter", _l("Continues with the jobcenter")),
            ("closed", _l("Case closed"))]
REASON_LABELS = {
    ReasonCode.FAST_TRACK: _l("Fast track"),
    ReasonCode.NOT_EMPLOYED: _l("Not employed"),
    ReasonCode.LONG_EXPECTED_ABSENCE: _l("Long expected absence"),
    ReasonCode.FIRST_CONVERSATION_DUE: _l("First conversation due"),
    ReasonCode.CONVERSATION_REQUESTED: _l("Conversation requested"),
    ReasonCode.QUESTIONNAIRE_OVERDUE: _l("Questionnaire overdue"),
    ReasonCode.STANDBY: _l("Standby"),
    ReasonCode.REASSESSMENT_DUE: _l("Reassessment due"),
    ReasonCode.PLAN_STALLED: _l("Step-up plan stalled"),
    ReasonCode.RETURN_PASSED: _l("Expected return passed"),
    ReasonCode.FAST_TRACK_DECISION: _l("Fast-track decision"),
    ReasonCode.FOLLOW_UP_DUE: _l("Follow-up conversation due"),
}
# The words of docs/GLOSSARY.md: "Waiting" (Venter) is kept for waiting on someone's answer; a case
# nobody has is "Not assigned", a case put aside until a day is "On hold".
STATUS_LABELS = {"open": _l("Not assigned"), "claimed": _l("Assigned"), "closed": _l("Closed")}
# The citizen's answer to an invitation, as the caseworker reads it.
ANSWER_LABELS = {"coming": _l("Is coming"), "other_time": _l("Asks for another time"),
                 "not_coming": _l("Cannot come")}


def strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class QueueFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    reason = SelectField(_l("Reason"), choices=options([("", _l("All reasons"))] + list(REASON_LABELS.items())),
                         validators=[Optional()])
    status = SelectField(_l("Status"),
                         choices=options([("", _l("Not assigned and assigned"))] + list(STATUS_LABELS.items())),
                         validators=[Optional()])
    # The tabs: "Mine sager", "Teamets sager" (empty), "Ikke fordelt", "I bero".
    assignee = SelectField(_l("Caseworker"), choices=options([("", _l("The team's cases")), ("me", _l("My cases")),
                                                              ("none", _l("Not assigned")),
                                                              ("waiting", _l("On hold"))]),
                           validators=[Optional()])
    due_by = DanishDateField(_l("Due on or before"), validators=[Optional()])


QUEUE_TABS = [("me", _l("My cases")), ("", _l("The team's cases")), ("none", _l("Not assigned")),
              ("waiting", _l("On hold"))]


class SearchForm(FlaskForm):
    """A POST, so a CPR number never lands in a URL, a browser's history or a proxy's log."""

    term = StringField(_l("CPR number, name, case number or the case system's case number"),
                       description=_l("For example 010190-1234, Lise Jensen or 123. A CPR number is found exactly, "
                                      "with or without the hyphen; a name by the start of each word."),
                       filters=[visible_text],
                       validators=[DataRequired(_l("Enter what to search for.")),
                                   Length(max=100, message=_l("Write at most %(max)d characters."))])


class AssignForm(FlaskForm):
    colleague = SelectField(_l("Give the case to"), validators=[InputRequired(_l("Choose a colleague."))])
    holder = HiddenField()  # who had the case when the page was shown


class WaitForm(FlaskForm):
    """"Wait until ... because ...": the view sets `deadline`, the day the wait must end before."""

    deadline = None
    until = DanishDateField(_l("On hold until"), validators=[InputRequired(_l("Enter the day the case comes back."))])
    reason = TextAreaField(_l("Because"), description=_l("For example: waiting for the doctor's certificate."),
                           filters=[strip],
                           validators=[DataRequired(_l("Write why the case is on hold.")),
                                       Length(max=500, message=_l("Write at most %(max)d characters."))])

    def validate_until(self, field):
        if field.data and field.data <= clock.today():
            raise ValidationError(_l("The day must be after today."))
        if field.data and self.deadline and field.data >= self.deadline:
            raise ValidationError(_l("The case must be back before its deadline, %(date)s: choose an earlier day.",
                                     date=format_date(self.deadline, "long")))


class TransferForm(FlaskForm):
    to = SelectField(_l("The citizen's new municipality"), validators=[InputRequired(_l("Choose the municipality."))])
    reason = TextAreaField(_l("Why the case moves"),
                           description=_l("For example: the citizen moved to Aarhus on 1 December (CPR register)."),
                           filters=[strip],
                           validators=[DataRequired(_l("Write why the case moves.")),
                                       Length(max=500, message=_l("Write at most %(max)d characters."))])


NO_HEALTH_IN_MAIL = _l("It goes into the invitation mail: no health information.")


class WhenForm(FlaskForm):
    """Day, time and form of a conversation: booking it, and moving it."""

    day = DanishDateField(_l("Date"), validators=[InputRequired(_l("Enter the date of the conversation."))])
    at = DanishTimeField(_l("Time"),
                         validators=[InputRequired(_l("Enter the time of the conversation, for example 10:30."))])
    form = RadioField(_l("Form"), choices=options(FORMS),
                      validators=[InputRequired(_l("Choose how the conversation is held."))])

    def validate_day(self, field):
        if field.data and field.data < clock.today():
            raise ValidationError(_l("A conversation cannot be booked in the past."))

    def validate_at(self, field):
        if field.data and not time(7, 0) <= field.data <= time(18, 0):
            raise ValidationError(_l("Choose a time between 07:00 and 18:00."))


class MoveConversationForm(WhenForm):
    """Named apart from the booking form on the same page: IBM's checker wants unique group names."""

    day = DanishDateField(_l("New date of the conversation"),
                          validators=[InputRequired(_l("Enter the date of the conversation."))])
    at = DanishTimeField(_l("New time"),
                         validators=[InputRequired(_l("Enter the time of the conversation, for example 10:30."))])
    form = RadioField(_l("Form of the moved conversation"), choices=options(FORMS),
                      validators=[InputRequired(_l("Choose how the conversation is held."))])


class CancelConversationForm(FlaskForm):
    reason = TextAreaField(_l("Why the conversation is cancelled"),
                           description=_l("The citizen reads it on her or his page."),
                           filters=[strip], validators=[DataRequired(_l("Write why the conversation is cancelled.")),
                                       Length(max=2000, message=_l("Write at most %(max)d characters."))])


class MinutesForm(FlaskForm):
    talked = TextAreaField(_l("What you talked about"),
                           filters=[strip], validators=[DataRequired(_l("Write what you talked about.")),
                                       Length(max=4000, message=_l("Write at most %(max)d characters."))])
    agreed = TextAreaField(_l("What you agreed"),
                           filters=[strip],
                           validators=[DataRequired(_l("Write what you agreed, or that nothing was agreed.")),
                                       Length(max=4000, message=_l("Write at most %(max)d characters."))])
    next_follow_up_on = DanishDateField(_l("Next follow-up (optional)"), validators=[Optional()])

    def validate_next_follow_up_on(self, field):
        if field.data and field.data <= clock.today():
            raise ValidationError(_l("The next follow-up must be after today."))


class BookConversationForm(WhenForm):
    details = StringField(_l("Where, or how you call (optional)"),
                          description=_l("For example the address and room, or that you call the citizen's phone."),
                          validators=[Optional(), Length(max=500, message=_l("Write at most %(max)d characters."))])
    agenda = TextAreaField(_l("What the conversation is about (optional)"), description=NO_HEALTH_IN_MAIL,
                           validators=[Optional(), Length(max=1000, message=_l("Write at most %(max)d characters."))])
    bring = StringField(_l("What to bring (optional)"), description=NO_HEALTH_IN_MAIL,
                        validators=[Optional(), Length(max=500, message=_l("Write at most %(max)d characters."))])
    standby_reason = TextAreaField(
        _l("Why the citizen should be contacted although on standby"),
        description=_l("The citizen chose standby, so the jobcenter does not contact her or him. Book only "
                       "if the citizen asked for it or there is another good reason, and write it here."),
        validators=[Optional(), Length(max=500, message=_l("Write at most %(max)d characters."))])


class RecordConversationForm(FlaskForm):
    held_on = DanishDateField(_l("Held on"), validators=[InputRequired(_l("Enter the date the conversation was held.")),
                                                          not_in_future(clock.today)])
    outcome = RadioField(_l("Outcome"), choices=options(OUTCOMES),
                         validators=[InputRequired(_l("Choose the outcome of the conversation."))])

CORRECTION_KINDS = [("waive", _l("Waive it")), ("move", _l("Move the date"))]


class CorrectionForm(FlaskForm):
    """A caseworker corrects one obligation of the timeline, always with a reason."""

    obligation = SelectField(_l("Which deadline"), validators=[InputRequired(_l("Choose the deadline to correct."))])
    kind = RadioField(_l("Correction"), choices=options(CORRECTION_KINDS),
                      validators=[InputRequired(_l("Choose whether to waive the deadline or move it."))])
    new_date = DanishDateField(_l("New date"), validators=[RequiredIf("kind", ("move",), _l("Enter the new date."))])
    reason = TextAreaField(_l("Reason"), description=_l("The reason is shown in the case and kept in its history."),
                           validators=[InputRequired(_l("Write the reason for the correction.")),
                                       Length(max=500, message=_l("Write at most %(max)d characters."))])


DECISIONS = [("continue", _l("Go on with fast track")), ("stop", _l("Do not go on: the ordinary rules apply"))]


class FastTrackDecisionForm(FlaskForm):
    decision = RadioField(_l("Decision"), choices=options(DECISIONS),
                          validators=[InputRequired(_l("Choose whether fast track goes on."))])
    reason = TextAreaField(_l("Reason"), validators=[InputRequired(_l("Write the reason for the decision.")),
                                                     Length(max=500, message=_l("Write at most %(max)d characters."))])


EVENT_LABELS = {
    "sickness_reported": _l("Sickness reported"),
    "questionnaire_sent": _l("Questionnaire sent"),
    "questionnaire_step_saved": _l("Questionnaire step saved"),
    "questionnaire_submitted": _l("Questionnaire submitted"),
    "standby_chosen": _l("Standby chosen"),
    "conversation_requested": _l("Conversation requested"),
    "handed_over": _l("Handed over to the jobcenter"),
    "handover_updated": _l("Handover reasons updated"),
    "handover_claimed": _l("Taken by a caseworker"),
    "handover_released": _l("Released to the queue"),
    "conversation_booked": _l("Conversation booked"),
    "conversation_held": _l("Conversation held"),
    "hours_reported": _l("Partial hours reported"),
    "hours_corrected": _l("Partial hours corrected"),
    "step_up_plan_set": _l("Step-up plan set"),
    "step_up_plan_stalled": _l("Step-up plan stalled"),
    "standby_withdrawn": _l("Standby withdrawn"),
    "fast_track_requested": _l("Fast track requested"),
    "check_in_answered": _l("Check-in answered"),
    "recovered": _l("Reported well (raskmelding)"),
    "partly_recovered": _l("Reported partly well"),
    "handover_closed": _l("Handover closed"),
    "handover_acknowledged": _l("Received by the case system"),
    "employer_reported": _l("Reported sick by the employer"),
    "employer_answered": _l("Employer questions answered"),
    "fast_track_consented": _l("Fast track agreed by the citizen"),
    "fast_track_declined": _l("Fast track declined by the citizen"),
    "fast_track_went_ahead_unanswered": _l("Fast track went ahead without an answer"),
    "fast_track_unanswered": _l("Fast track not answered in time: a decision is needed"),
    "fast_track_decided": _l("Decision on fast track"),
    "obligation_corrected": _l("Deadline corrected by a caseworker"),
    "employer_confirmed": _l("Employer confirmed by the citizen"),
    "employer_rejected": _l("Employer rejected by the citizen"),
    "handover_assigned": _l("Given to a colleague"),
    "handover_waiting": _l("Put on hold"),
    "handover_wait_ended": _l("Hold ended"),
    "case_transferred": _l("Moved to another municipality"),
    "conversation_cancelled": _l("Conversation cancelled"),
    "municipality_not_confirmed": _l("Municipality not confirmed: the CPR register did not answer"),
    "municipality_confirmed": _l("Municipality confirmed in the CPR register"),
    "case_closed_at_death": _l("Closed: the citizen has died (CPR register)"),
}
FAST_TRACK_STATUS_LABELS = {"awaiting": _l("Waiting for the citizen's answer"),
                            "consented": _l("Agreed by the citizen"),
                            "declined": _l("Declined by the citizen"), "lapsed": _l("Went ahead without an answer"),
                            "unanswered": _l("Not answered in time: the jobcenter decides"),
                            "continued": _l("The jobcenter went on with fast track"),
                            "stopped": _l("The jobcenter did not go on with fast track")}
AUDIT_LABELS = {
    "view_case": _l("Viewed the case"),
    "case_purged": _l("Case purged after the retention period"),
    "api_token_issued": _l("Case system: access token issued"),
    "api_token_refused": _l("Case system: access token refused"),
    "api_list_handovers": _l("Case system: listed handovers"),
    "api_read_case": _l("Case system: read the case"),
    "api_acknowledge": _l("Case system: acknowledged the handover"),
    "api_report_outcome": _l("Case system: reported the conversation's outcome"),
    "audit_exported": _l("Exported the audit log"),
    "search": _l("Searched for a citizen or case"),
    "case_transferred_out": _l("Moved the case to another municipality"),
    "case_transferred_in": _l("The case came from another municipality"),
    "case_closed_at_death": _l("Closed the case: the citizen has died (CPR register)"),
}
class AuditFilterForm(FlaskForm):
    """The audit log's filters: a GET form, so a review can be linked and paged (never a CPR number)."""

    class Meta:
        csrf = False

    case = WholeNumberField(_l("Case number"), validators=[
        Optional(), NumberRange(min=1, max=2_147_483_647, message=_l("Enter a case number, for example 123."))])
    person = StringField(_l("Citizen's name (or part of it)"), filters=[visible_text],
                         validators=[Optional(), Length(max=100, message=_l("Write at most %(max)d characters."))])
    actor = StringField(_l("Who read or acted (caseworker or case system)"), filters=[visible_text],
                        validators=[Optional(), Length(max=100, message=_l("Write at most %(max)d characters."))])
    action = SelectField(_l("What"), validators=[Optional()])
    date_from = DanishDateField(_l("From"), validators=[Optional()])
    date_to = DanishDateField(_l("To"), validators=[Optional()])

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date cannot be before the start date."))


FORM_LABELS = dict(FORMS)
OUTCOME_LABELS = dict(OUTCOMES)


class PublishTimesForm(WhenForm):
    """Free times for self-booking: one, or several in a row 45 minutes apart."""

    details = StringField(_l("Where, or how you call (optional)"),
                          description=_l("For example the address and room, or that you call the citizen's phone."),
                          validators=[Optional(), Length(max=500, message=_l("Write at most %(max)d characters."))])
    count = WholeNumberField(_l("How many times in a row"), default=1,
                         description=_l("45 minutes apart. At most 8."),
                         validators=[InputRequired(_l("Enter how many times, from 1 to 8.")),
                                     NumberRange(1, 8, message=_l("Enter how many times, from 1 to 8."))])


PLAN_MEASURES = 4


class FollowUpPlanForm(FlaskForm):
    """The follow-up plan (§ 16). Measures are four rows of what, who and by when; an empty row is
    skipped, and a row with a task needs its party."""

    goal = RadioField(_l("Goal"), choices=options(PLAN_GOALS), validators=[InputRequired(_l("Choose the goal."))])
    goal_text = TextAreaField(
        _l("The goal in words (optional)"),
        validators=[Optional(), Length(max=1000, message=_l("Write at most %(max)d characters."))])
    return_by = DanishDateField(_l("Back at work by (optional)"), validators=[Optional()])
    adjustments = TextAreaField(
        _l("Adjustments at work (optional)"),
        description=_l("For example lighter tasks, fewer hours, breaks. The employer sees this if the citizen agrees."),
        validators=[Optional(), Length(max=2000, message=_l("Write at most %(max)d characters."))])
    next_follow_up_on = DanishDateField(_l("Next follow-up (optional)"), validators=[Optional()])

    def validate_return_by(self, field):
        if field.data and field.data < clock.today():
            raise ValidationError(_l("The date cannot be in the past."))

    def validate_next_follow_up_on(self, field):
        if field.data and field.data <= clock.today():
            raise ValidationError(_l("The next follow-up must be after today."))

    def measure_rows(self) -> list[tuple]:
        return [(self[f"measure_{n}_what"], self[f"measure_{n}_who"], self[f"measure_{n}_by"])
                for n in range(1, PLAN_MEASURES + 1)]

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        for what, who, _by in self.measure_rows():
            if (what.data or "").strip() and not who.data:
                who.errors = [*who.errors, _l("Choose who does it.")]
                valid = False
        return valid


for _n in range(1, PLAN_MEASURES + 1):
    setattr(FollowUpPlanForm, f"measure_{_n}_what", StringField(
        _l("Measure %(n)d: what", n=_n),
        validators=[Optional(), Length(max=300, message=_l("Write at most %(max)d characters."))]))
    setattr(FollowUpPlanForm, f"measure_{_n}_who", SelectField(
        _l("Measure %(n)d: who", n=_n), choices=options([("", _l("Choose"))] + PLAN_PARTIES), validators=[Optional()]))
    setattr(FollowUpPlanForm, f"measure_{_n}_by", DanishDateField(_l("Measure %(n)d: by when (optional)", n=_n),
                                                                  validators=[Optional()]))
