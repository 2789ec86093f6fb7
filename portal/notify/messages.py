"""The reminders' words, in Danish first and English below (the citizen's language is not known
when a timer sends). No CPR number and no health information ever goes into a message: only the
deadline and a link to log in."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vCalAddress, vText

from .outbox import Message

SIGNATURE = "Venlig hilsen / Kind regards\nJobcentret"


def _da(day: date) -> str:
    return format_date(day, "long", locale="da")


def _en(day: date) -> str:
    return format_date(day, "d MMMM y", locale="en_GB")


def questionnaire_due_soon(case_id: int, recipient: str, sent_on: date, due: date, link: str) -> Message:
    return Message(
        dedupe_key=f"questionnaire-due:{case_id}:{sent_on.isoformat()}", kind="questionnaire_due",
        case_id=case_id, recipient=recipient,
        subject="Husk dit oplysningsskema / Remember your questionnaire",
        body=(f"Husk at besvare dit oplysningsskema senest {_da(due)}. Log ind her: {link}\n\n"
              f"Please answer your questionnaire no later than {_en(due)}. Log in here: {link}\n\n{SIGNATURE}\n"))


def questionnaire_overdue(case_id: int, recipient: str, sent_on: date, due: date, link: str) -> Message:
    return Message(
        dedupe_key=f"questionnaire-overdue:{case_id}:{sent_on.isoformat()}", kind="questionnaire_overdue",
        case_id=case_id, recipient=recipient,
        subject="Dit oplysningsskema mangler / Your questionnaire is missing",
        body=(f"Fristen for dit oplysningsskema var {_da(due)}. Besvar det hurtigst muligt, eller ring "
              f"til jobcentret, så dine sygedagpenge ikke stopper. Log ind her: {link}\n\n"
              f"The deadline for your questionnaire was {_en(due)}. Please answer it as soon as you can, "
              f"or call the jobcenter, so your sickness benefit does not stop. Log in here: {link}\n\n"
              f"{SIGNATURE}\n"))


def check_in_due(case_id: int, recipient: str, due: date, link: str) -> Message:
    return Message(
        dedupe_key=f"check-in:{case_id}:{due.isoformat()}", kind="check_in_due",
        case_id=case_id, recipient=recipient,
        subject="Hvordan går det? / How are you doing?",
        body=(f"Det er tid til en kort opfølgning på dit sygefravær (fra {_da(due)}). Det tager et par "
              f"minutter. Log ind her: {link}\n\n"
              f"It is time for a short follow-up on your sick leave (from {_en(due)}). It takes a few "
              f"minutes. Log in here: {link}\n\n{SIGNATURE}\n"))


FORMS = {"in_person": ("i jobcentret", "at the jobcenter"), "phone": ("på telefon", "by phone"),
         "video": ("på video", "by video")}
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


def _when(invitation: Invitation, timezone: str) -> tuple[str, str]:
    return (format_datetime(invitation.when, "d. MMMM y 'kl.' HH.mm", tzinfo=timezone, locale="da"),
            format_datetime(invitation.when, "d MMMM y 'at' HH:mm", tzinfo=timezone, locale="en_GB"))


def _invitation_text(invitation: Invitation, timezone: str, link: str, da_lead: str, en_lead: str) -> str:
    da_form, en_form = FORMS.get(invitation.form, FORMS["in_person"])
    da_when, en_when = _when(invitation, timezone)
    extra = "".join(f"\n{line}" for line in (invitation.details, invitation.agenda, invitation.bring) if line)
    return (f"{da_lead} {da_when}, {da_form}.{extra}\n\nSvar på invitationen, og se mere: {link}\n\n"
            f"{en_lead} {en_when}, {en_form}.\n\nAnswer the invitation and see more: {link}\n\n{SIGNATURE}\n")


def conversation_booked(invitation: Invitation, recipient: str, organizer: str, timezone: str, link: str,
                        stamp: datetime) -> Message:
    return _invitation_message(invitation, recipient, organizer, timezone, link, stamp, "conversation_booked",
                               "Opfølgningssamtale / Follow-up conversation",
                               "Du er inviteret til en opfølgningssamtale med jobcentret",
                               "You are invited to a follow-up conversation with the jobcenter on")


def conversation_moved(invitation: Invitation, recipient: str, organizer: str, timezone: str, link: str,
                       stamp: datetime) -> Message:
    return _invitation_message(invitation, recipient, organizer, timezone, link, stamp, "conversation_moved",
                               "Ny tid til din opfølgningssamtale / New time for your follow-up conversation",
                               "Din opfølgningssamtale med jobcentret er flyttet til",
                               "Your follow-up conversation with the jobcenter is moved to")


def _invitation_message(invitation: Invitation, recipient: str, organizer: str, timezone: str, link: str,
                        stamp: datetime, kind: str, subject: str, da_lead: str, en_lead: str) -> Message:
    """An invitation, first or after a move: the same event (UID) at its current SEQUENCE, with the
    invitation letter attached when sent."""
    return Message(
        dedupe_key=f"conversation:{invitation.conversation_id}:{invitation.sequence}", kind=kind,
        case_id=invitation.case_id, recipient=recipient, subject=subject,
        body=_invitation_text(invitation, timezone, link, da_lead, en_lead),
        attachment_name="opfoelgningssamtale.ics",
        attachment=invitation_ics(invitation, recipient, organizer, timezone, stamp),
        letter_kind="invitation", letter_ref=invitation.conversation_id)


def conversation_cancelled(invitation: Invitation, recipient: str, organizer: str, timezone: str, link: str,
                           stamp: datetime) -> Message:
    da_when, en_when = _when(invitation, timezone)
    return Message(
        dedupe_key=f"conversation:{invitation.conversation_id}:{invitation.sequence}",
        kind="conversation_cancelled", case_id=invitation.case_id, recipient=recipient,
        subject="Opfølgningssamtale aflyst / Follow-up conversation cancelled",
        body=(f"Din opfølgningssamtale med jobcentret {da_when} er aflyst. Jobcentret kontakter dig om en ny "
              f"tid, hvis der skal være en. Se mere: {link}\n\n"
              f"Your follow-up conversation with the jobcenter on {en_when} is cancelled. The jobcenter "
              f"contacts you about a new time if one is needed. More: {link}\n\n{SIGNATURE}\n"),
        attachment_name="opfoelgningssamtale.ics",
        attachment=invitation_ics(invitation, recipient, organizer, timezone, stamp, cancel=True))


def minutes_ready(conversation_id: int, case_id: int, recipient: str, link: str) -> Message:
    # No letter attached: minutes may touch on health, and ordinary mail is not a safe channel for
    # that. The letter waits on the citizen's page (Digital Post is the safe channel, issue 20).
    return Message(
        dedupe_key=f"minutes:{conversation_id}", kind="minutes_ready", case_id=case_id, recipient=recipient,
        subject="Referat af din samtale / Minutes of your conversation",
        body=(f"Jobcentret har skrevet et referat af din opfølgningssamtale. Du kan læse det, når du logger "
              f"ind: {link}\n\n"
              f"The jobcenter has written minutes of your follow-up conversation. You can read them when "
              f"you log in: {link}\n\n{SIGNATURE}\n"))


def invitation_ics(invitation: Invitation, attendee: str, organizer: str, timezone: str, stamp: datetime,
                   cancel: bool = False) -> str:
    """RFC 5545 and 5546 as mail programs expect them: the local time with its VTIMEZONE, ORGANIZER
    and ATTENDEE for an invitation, DTSTAMP when the file was made, one UID for the conversation's
    life with a rising SEQUENCE, and METHOD:CANCEL with STATUS:CANCELLED when it is called off."""
    local = invitation.when.astimezone(ZoneInfo(timezone))
    da_form, _en_form = FORMS.get(invitation.form, FORMS["in_person"])
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


def plan_ready(case_id: int, version: int, recipient: str, link: str) -> Message:
    """The citizen must have a copy of the plan (sygedagpengeloven § 16): the mail says where it is;
    the plan itself is read after logging in, as it may touch on health."""
    return Message(
        dedupe_key=f"plan:{case_id}:{version}", kind="plan_ready", case_id=case_id, recipient=recipient,
        subject="Din opfølgningsplan / Your follow-up plan",
        body=(f"Jobcentret har {'lavet' if version == 1 else 'ændret'} din opfølgningsplan. Du kan læse den, "
              f"når du logger ind: {link}\n\n"
              f"The jobcenter has {'made' if version == 1 else 'changed'} your follow-up plan. You can read it "
              f"when you log in: {link}\n\n{SIGNATURE}\n"))
