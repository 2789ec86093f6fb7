"""The reminders' words, in Danish first and English below (the citizen's language is not known
when a timer sends). No CPR number and no health information ever goes into a message: only the
deadline and a link to log in."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from babel.dates import format_date, format_datetime
from icalendar import Calendar, Event

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


def conversation_booked(conversation_id: int, case_id: int, recipient: str, when: datetime, form: str,
                        timezone: str, link: str) -> Message:
    forms = {"in_person": ("i jobcentret", "at the jobcenter"), "phone": ("på telefon", "by phone"),
             "video": ("på video", "by video")}
    da_form, en_form = forms.get(form, forms["in_person"])
    da_when = format_datetime(when, "d. MMMM y 'kl.' HH.mm", tzinfo=timezone, locale="da")
    en_when = format_datetime(when, "d MMMM y 'at' HH:mm", tzinfo=timezone, locale="en_GB")
    return Message(
        dedupe_key=f"conversation:{conversation_id}", kind="conversation_booked",
        case_id=case_id, recipient=recipient,
        subject="Opfølgningssamtale / Follow-up conversation",
        body=(f"Du har en opfølgningssamtale med jobcentret {da_when}, "
              f"{da_form}. Invitationen ligger som kalenderfil i denne mail. Se mere: {link}\n\n"
              f"You have a follow-up conversation with the jobcenter on "
              f"{en_when}, {en_form}. The invitation is attached "
              f"as a calendar file. More: {link}\n\n{SIGNATURE}\n"),
        attachment_name="opfoelgningssamtale.ics",
        attachment=invitation_ics(conversation_id, when, da_form))


def invitation_ics(conversation_id: int, when: datetime, where: str, minutes: int = 45) -> str:
    calendar = Calendar()
    calendar.add("prodid", "-//Sygefravaer selvbetjening//DA")
    calendar.add("version", "2.0")
    calendar.add("method", "REQUEST")
    event = Event()
    event.add("uid", f"conversation-{conversation_id}@sygefravaer.portal")
    event.add("dtstamp", when)
    event.add("dtstart", when)
    event.add("dtend", when + timedelta(minutes=minutes))
    event.add("summary", "Opfølgningssamtale med jobcentret / Follow-up conversation")
    event.add("location", where)
    calendar.add_component(event)
    return calendar.to_ical().decode()
