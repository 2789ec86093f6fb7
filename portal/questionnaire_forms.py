"""The questionnaire (oplysningsskema), one topic a page. Each step is a form; its answers are
saved as plain JSON in the draft."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, RadioField, StringField, TelField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional, Regexp

from .forms import TEXT_LENGTH, YES_NO, YES_NO_UNKNOWN, DanishDecimalField, OnlyIf, choice_label, format_hours, options
from .i18n import lazy_gettext as _l

EXPECTED_DURATION = [
    ("under_2_weeks", _l("Less than 2 weeks")),
    ("2_4_weeks", _l("2 to 4 weeks")),
    ("4_8_weeks", _l("4 to 8 weeks")),
    ("8_13_weeks", _l("8 to 13 weeks")),
    ("13_26_weeks", _l("13 to 26 weeks")),
    ("over_26_weeks", _l("More than 26 weeks")),
    ("unknown", _l("I don't know")),
]


class AboutYouForm(FlaskForm):
    phone = TelField(
        _l("Phone number"),
        validators=[Optional(), Regexp(r"^(\+45 ?)?([0-9]{2} ?){3}[0-9]{2}$|^\+[0-9]{7,15}$",
                                       message=_l("Enter a phone number of 8 digits, for example 12 34 56 78."))],
        description=_l("We call you on this number if we need to talk to you."),
    )
    email = EmailField(
        _l("Email address"),
        validators=[Optional(), Length(max=254, message=_l("Write at most %(max)d characters.")),
                    Email(message=_l("Enter an email address in the form name@example.dk."),
                          check_deliverability=False)],
    )

    def validate(self, extra_validators=None):
        # Checked here, not as validate_phone: Optional() stops a field's own chain when empty.
        valid = super().validate(extra_validators)
        if not (self.phone.data or "").strip() and not (self.email.data or "").strip():
            self.phone.errors = [
                _l("Enter a phone number or an email address, so we can reach you.")]
            return False
        return valid


class JobForm(FlaskForm):
    job_title = StringField(
        _l("Job title"),
        validators=[InputRequired(_l("Enter your job title.")),
                    Length(max=200, message=_l("Write at most %(max)d characters."))],
        description=_l("For example nurse, warehouse worker or accountant."),
    )
    weekly_hours = DanishDecimalField(
        _l("Normal working hours a week"),
        validators=[InputRequired(_l("Enter your normal working hours a week, for example 37.")),
                    NumberRange(min=Decimal("0.5"), max=80,
                                message=_l("Enter a number of hours between 0.5 and 80."))],
    )
    affected_functions = TextAreaField(
        _l("Which of your work tasks does the sickness affect?"),
        validators=[InputRequired(_l("Describe which work tasks you cannot do at the moment.")), TEXT_LENGTH],
        description=_l("Describe the tasks, not the sickness. For example: lifting, standing for long, "
                       "night shifts, screen work."),
    )


class SicknessForm(FlaskForm):
    expected_duration = RadioField(
        _l("How long do you expect to be sick?"), choices=options(EXPECTED_DURATION),
        validators=[InputRequired(_l("Choose how long you expect to be sick."))],
    )
    in_treatment = RadioField(
        _l("Are you being treated or waiting for treatment?"), choices=options(YES_NO),
        validators=[InputRequired(_l("Tell us whether you are being treated."))],
    )
    treatment = TextAreaField(
        _l("What treatment are you receiving or waiting for? (optional)"),
        validators=[OnlyIf("in_treatment", ("yes",)), Optional(), TEXT_LENGTH],
        description=_l("For example physiotherapy or an operation on a date. You do not have to "
                       "tell us your diagnosis."),
    )
    hospitalised = RadioField(
        _l("Are you or have you been admitted to hospital because of this sickness?"), choices=options(YES_NO),
        validators=[InputRequired(_l("Tell us whether you have been admitted to hospital."))],
    )
    work_injury = RadioField(
        _l("Is the sickness caused by an injury at work (arbejdsskade)?"), choices=options(YES_NO_UNKNOWN),
        validators=[InputRequired(_l("Tell us whether the sickness is caused by an injury at work."))],
    )


class BackToWorkForm(FlaskForm):
    partial_return = RadioField(
        _l("Could you work part of your normal hours while you get better?"), choices=options(YES_NO_UNKNOWN),
        validators=[InputRequired(_l("Tell us whether you could work part of your hours."))],
        description=_l("A partial return (delvis raskmelding) can help many people back sooner."),
    )
    adjustments = TextAreaField(
        _l("What could help you back to work? (optional)"),
        validators=[Optional(), TEXT_LENGTH],
        description=_l("For example other tasks for a while, fewer hours, aids, or working from home."),
    )


class StandbyForm(FlaskForm):
    standby = RadioField(
        _l("Do you have a serious, life-threatening illness and want the standby scheme?"),
        choices=options(YES_NO),
        validators=[InputRequired(_l("Tell us whether you want the standby scheme."))],
        description=_l("With the standby scheme (standby-ordning) the jobcenter follows your case "
                       "without contacting you, from your hospital's and doctor's information. You "
                       "can withdraw it at any time."),
    )


class ConversationForm(FlaskForm):
    wants_conversation = RadioField(
        _l("Would you like an early conversation with the jobcenter?"), choices=options(YES_NO),
        validators=[InputRequired(_l("Tell us whether you would like an early conversation."))],
    )
    conversation_topic = TextAreaField(
        _l("What would you like to talk about? (optional)"),
        validators=[OnlyIf("wants_conversation", ("yes",)), Optional(), TEXT_LENGTH],
    )


@dataclass(frozen=True)
class Step:
    slug: str
    title: object
    form: type[FlaskForm]


STEPS = [
    Step("om-dig", _l("About you"), AboutYouForm),
    Step("dit-arbejde", _l("Your work"), JobForm),
    Step("din-sygdom", _l("Your sickness"), SicknessForm),
    Step("tilbage-til-arbejde", _l("Back to work"), BackToWorkForm),
    Step("standby", _l("Standby scheme"), StandbyForm),
    Step("samtale", _l("Conversation"), ConversationForm),
]
STEP_BY_SLUG = {step.slug: step for step in STEPS}


def answers_of(form: FlaskForm) -> dict:
    """The form's data as JSON values (decimals as text, dates as ISO), without the CSRF token."""
    out = {}
    for name, value in form.data.items():
        if name == "csrf_token":
            continue
        if isinstance(value, Decimal):
            value = format(value.normalize(), "f")  # "40", not "4E+1"
        elif isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, str):
            value = value.strip()
        out[name] = value
    return out


class DeclarationForm(FlaskForm):
    declaration = BooleanField(
        _l("I declare that the information I have given is correct, and I will tell the "
           "municipality if anything changes."),
        validators=[InputRequired(_l("You must confirm the declaration before you send the "
                                     "questionnaire."))],
    )


def _applies(field, saved: dict) -> bool:
    """False for a question asked only after a given answer (OnlyIf) when that answer was not given."""
    for validator in field.validators:
        if isinstance(validator, OnlyIf) and saved and saved.get(validator.other) not in validator.values:
            return False
    return True


def summary_rows(answers: dict) -> list[tuple[Step, list[tuple[str, str | None]]]]:
    """Each step with (question, answer as shown) pairs, for the check-answers page and receipt."""
    rows = []
    for step in STEPS:
        form = step.form(formdata=None, meta={"csrf": False})
        saved = answers.get(step.slug, {})
        pairs = []
        for field in form:
            if not _applies(field, saved):
                continue  # a follow-up question whose condition was not met was never asked
            value = saved.get(field.name)
            if field.type == "RadioField":
                value = choice_label(field, value)
            elif field.type == "DanishDecimalField" and value not in ("", None):
                value = format_hours(value)  # stored "37.5", shown 37,5 in Danish
            pairs.append((field.label.text, value if value not in ("", None) else None))
        rows.append((step, pairs))
    return rows
