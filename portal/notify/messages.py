"""The messages' words, in the citizen's language (the one she last used in the portal; Danish when
not known), from the catalogues. Each message has a text (the letter in Digital Post, the e-mail)
and a short notice (NemSMS, and the notification of a letter). No CPR number and no health
information ever goes into a message: only the deadline and a link to log in."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vCalAddress, vText

from .outbox import Message

LANGUAGES = ("da", "en")


def language_of(value: str | None) -> str:
    return value if value in LANGUAGES else "da"


def _signature() -> str:
    return _("Kind regards\nThe jobcenter")


def _day(day: date, language: str) -> str:
    return format_date(day, "long", locale="da") if language == "da" else format_date(day, "d MMMM y", locale="en_GB")


def questionnaire_due_soon(case_id: int, language: str, sent_on: date, due: date, link: str) -> Message:
    with force_locale(language):
        return Message(
            dedupe_key=f"questionnaire-due:{case_id}:{sent_on.isoformat()}", kind="questionnaire_due",
            case_id=case_id, recipient="", language=language, link=link,
            subject=_("Remember your questionnaire"),
            body=_("Please answer your questionnaire no later than %(date)s. Log in here: %(link)s",
                   date=_day(due, language), link=link) + f"\n\n{_signature()}\n",
            notice=_("Remember to answer your questionnaire by %(date)s: %(link)s", date=_day(due, language),
                     link=link))


def questionnaire_overdue(case_id: int, language: str, sent_on: date, due: date, link: str) -> Message:
    with force_locale(language):
        return Message(
            dedupe_key=f"questionnaire-overdue:{case_id}:{sent_on.isoformat()}", kind="questionnaire_overdue",
            case_id=case_id, recipient="", language=language, link=link,
            subject=_("Your questionnaire is missing"),
            body=_("The deadline for your questionnaire was %(date)s. Please answer it as soon as you can, or "
                   "call the jobcenter, so your sickness benefit does not stop. Log in here: %(link)s",
                   date=_day(due, language), link=link) + f"\n\n{_signature()}\n",
            notice=_("Your questionnaire is missing. Answer it as soon as you can: %(link)s", link=link))


def check_in_due(case_id: int, language: str, opens: date, due: date, link: str) -> Message:
    """`opens` keys the message (one a check-in); `due` is the date the citizen's pages name."""
    with force_locale(language):
        return Message(
            dedupe_key=f"check-in:{case_id}:{opens.isoformat()}", kind="check_in_due",
            case_id=case_id, recipient="", language=language, link=link,
            subject=_("How are you doing?"),
            body=_("It is time for a short follow-up on your sick leave. Answer no later than %(date)s; it takes "
                   "a few minutes. Log in here: %(link)s", date=_day(due, language), link=link)
            + f"\n\n{_signature()}\n",
            notice=_("Time for a short follow-up on your sick leave: %(link)s", link=link))


FORMS = {"in_person": "i jobcentret", "phone": "på telefon", "video": "på video"}  # the calendar's LOCATION
CONVERSATION_MINUTES = 45


@dataclass(frozen=True)
class Invitation:
    """A conversation as its invitation tells it. `sequence` rises with every change (RFC 5545), so
    a mail program updates the event it has instead of adding another."""
    conversation_id: int
    case_id: int
    sequence: int
    when: datetime              # aware
    form: str
    details: str | None = None  # the address, or how the phone or video call happens
    agenda: str | None = None
    bring: str | None = None


def _when(invitation: Invitation, timezone: str, language: str) -> str:
    if language == "da":
        return format_datetime(invitation.when, "d. MMMM y 'kl.' HH.mm", tzinfo=timezone, locale="da")
    return format_datetime(invitation.when, "d MMMM y 'at' HH:mm", tzinfo=timezone, locale="en_GB")


def _form(form: str) -> str:
    return {"phone": _("by phone"), "video": _("by video")}.get(form, _("at the jobcenter"))


def _invitation_message(invitation: Invitation, language: str, email: str | None, organizer: str, timezone: str,
                        link: str, stamp: datetime, kind: str) -> Message:
    """An invitation, first or after a move: the same event (UID) at its current SEQUENCE, with the
    invitation letter attached when sent, and the calendar file for an e-mail."""
    with force_locale(language):
        when = _when(invitation, timezone, language)
        if kind == "conversation_moved":
            subject = _("New time for your follow-up conversation")
            lead = _("Your follow-up conversation with the jobcenter is moved to %(when)s, %(form)s.",
                     when=when, form=_form(invitation.form))
        else:
            subject = _("Follow-up conversation")
            lead = _("You are invited to a follow-up conversation with the jobcenter on %(when)s, %(form)s.",
                     when=when, form=_form(invitation.form))
        extra = "".join(f"\n{line}" for line in (invitation.details, invitation.agenda, invitation.bring) if line)
        return Message(
            dedupe_key=f"conversation:{invitation.conversation_id}:{invitation.sequence}", kind=kind,
            case_id=invitation.case_id, recipient=email or "", subject=subject, language=language, link=link,
            body=f"{lead}{extra}\n\n" + _("Answer the invitation and see more: %(link)s", link=link)
            + f"\n\n{_signature()}\n",
            notice=_("Follow-up conversation with the jobcenter %(when)s. See more: %(link)s", when=when,
                     link=link),
            attachment_name="opfoelgningssamtale.ics" if email else None,
            attachment=invitation_ics(invitation, email, organizer, timezone, stamp) if email else None,
            letter_kind="invitation", letter_ref=invitation.conversation_id)


def conversation_booked(invitation: Invitation, language: str, email: str | None, organizer: str, timezone: str,
                        link: str, stamp: datetime) -> Message:
    return _invitation_message(invitation, language, email, organizer, timezone, link, stamp, "conversation_booked")


def conversation_moved(invitation: Invitation, language: str, email: str | None, organizer: str, timezone: str,
                       link: str, stamp: datetime) -> Message:
    return _invitation_message(invitation, language, email, organizer, timezone, link, stamp, "conversation_moved")


def conversation_cancelled(invitation: Invitation, language: str, email: str | None, organizer: str,
                           timezone: str, link: str, stamp: datetime) -> Message:
    with force_locale(language):
        when = _when(invitation, timezone, language)
        return Message(
            dedupe_key=f"conversation:{invitation.conversation_id}:{invitation.sequence}",
            kind="conversation_cancelled", case_id=invitation.case_id, recipient=email or "", language=language,
            link=link, subject=_("Follow-up conversation cancelled"),
            body=_("Your follow-up conversation with the jobcenter on %(when)s is cancelled. The jobcenter "
                   "contacts you about a new time if one is needed. More: %(link)s", when=when, link=link)
            + f"\n\n{_signature()}\n",
            notice=_("Your follow-up conversation %(when)s is cancelled. See more: %(link)s", when=when, link=link),
            attachment_name="opfoelgningssamtale.ics" if email else None,
            attachment=invitation_ics(invitation, email, organizer, timezone, stamp, cancel=True) if email else None)


def minutes_ready(conversation_id: int, case_id: int, language: str, link: str) -> Message:
    """The minutes as a letter: by Digital Post they go with their PDF (a safe channel for what may
    touch on health); by e-mail only the news that they are there, never the file."""
    with force_locale(language):
        return Message(
            dedupe_key=f"minutes:{conversation_id}", kind="minutes_ready", case_id=case_id, recipient="",
            language=language, link=link, subject=_("Minutes of your conversation"),
            body=_("The jobcenter has written minutes of your follow-up conversation. You can read them when "
                   "you log in: %(link)s", link=link) + f"\n\n{_signature()}\n",
            notice=_("Minutes of your follow-up conversation are ready: %(link)s", link=link),
            letter_kind="minutes", letter_ref=conversation_id)


def invitation_ics(invitation: Invitation, attendee: str, organizer: str, timezone: str, stamp: datetime,
                   cancel: bool = False) -> str:
    """RFC 5545 and 5546 as mail programs expect them: the local time with its VTIMEZONE, ORGANIZER
    and ATTENDEE for an invitation, DTSTAMP when the file was made, one UID for the conversation's
    life with a rising SEQUENCE, and METHOD:CANCEL with STATUS:CANCELLED when it is called off."""
    local = invitation.when.astimezone(ZoneInfo(timezone))
    da_form = FORMS.get(invitation.form, FORMS["in_person"])
    calendar = Calendar()
    calendar.add("prodid", "-//Sygefravaer selvbetjening//DA")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancel else "REQUEST")
    event = Event()
    event.add("uid", f"conversation-{invitation.conversation_id}@sygefravaer.portal")
    event.add("sequence", invitation.sequence)
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("dtstart", local)
    event.add("dtend", local + timedelta(minutes=CONVERSATION_MINUTES))
    event.add("summary", "Opfølgningssamtale med jobcentret / Follow-up conversation")
    event.add("location", invitation.details or da_form)
    description = "\n".join(line for line in (invitation.agenda, invitation.bring) if line)
    if description:
        event.add("description", description)
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    boss = vCalAddress(f"mailto:{organizer}")
    boss.params["cn"] = vText("Jobcentret")
    event["organizer"] = boss
    guest = vCalAddress(f"mailto:{attendee}")
    guest.params.update({"role": "REQ-PARTICIPANT", "partstat": "NEEDS-ACTION", "rsvp": "FALSE"})
    event.add("attendee", guest)
    if timezone == "Europe/Copenhagen":
        calendar.add_component(copenhagen_vtimezone())
    calendar.add_component(event)
    calendar.add_missing_timezones()  # any other zone: icalendar writes it out from the tz database
    return calendar.to_ical().decode()


def copenhagen_vtimezone() -> Timezone:
    """Denmark's zone as Outlook and Google write it: the EU rule since 1996 (last Sunday of March
    and of October) in two RRULEs, instead of a list of every change since 1970."""
    zone = Timezone()
    zone.add("tzid", "Europe/Copenhagen")
    for kind, start, offset_from, offset_to, name, month in (
            (TimezoneDaylight, datetime(1970, 3, 29, 2), 1, 2, "CEST", 3),
            (TimezoneStandard, datetime(1970, 10, 25, 3), 2, 1, "CET", 10)):
        part = kind()
        part.add("dtstart", start)
        part.add("tzoffsetfrom", timedelta(hours=offset_from))
        part.add("tzoffsetto", timedelta(hours=offset_to))
        part.add("tzname", name)
        part.add("rrule", {"freq": "yearly", "bymonth": month, "byday": "-1SU"})
        zone.add_component(part)
    return zone


def plan_ready(case_id: int, version: int, language: str, link: str) -> Message:
    """The citizen must have a copy of the plan (sygedagpengeloven § 16): by Digital Post it goes
    with its PDF; an e-mail says only where it is, as the plan may touch on health."""
    with force_locale(language):
        made = _("The jobcenter has made your follow-up plan.") if version == 1 \
            else _("The jobcenter has changed your follow-up plan.")
        return Message(
            dedupe_key=f"plan:{case_id}:{version}", kind="plan_ready", case_id=case_id, recipient="",
            language=language, link=link, subject=_("Your follow-up plan"),
            body=made + " " + _("You can read it when you log in: %(link)s", link=link) + f"\n\n{_signature()}\n",
            notice=made + " " + link, letter_kind="plan", letter_ref=version)
