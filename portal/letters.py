"""Letters as documents: the invitation, the minutes and the follow-up plan as accessible PDF files
(tagged, PDF/UA-1, with the language set), made by WeasyPrint from HTML templates in the reader's
language. Made when asked for, from what is stored, so a letter always says what the case says.

WeasyPrint needs Pango from the operating system. Where it is missing (a laptop without it), the
portal still runs and says that letters cannot be made here."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app, render_template
from sqlmodel import Session

from .cases.follow_up_plan import measures_of, versions
from .cases.jobcenter import conversations_of
from .models import Caseworker, Citizen, SickCase
from .municipalities import municipality_name
from .municipality_profiles import profile_of

KINDS = ("invitation", "minutes", "plan")


class LettersUnavailable(Exception):
    """WeasyPrint or the system libraries it needs are not installed."""


@dataclass(frozen=True)
class Document:
    kind: str          # invitation | minutes | plan
    ref: int           # the conversation's id, or the plan's version
    dated: date


def documents_of(db: Session, case: SickCase) -> list[Document]:
    """The case's letters, newest first: an invitation for every conversation not cancelled, minutes
    once written, and every version of the plan."""
    documents = []
    for conversation in conversations_of(db, case.id):
        if conversation.status != "cancelled":
            documents.append(Document("invitation", conversation.id, conversation.created_at.date()))
        if conversation.minutes_written_at is not None:
            documents.append(Document("minutes", conversation.id, conversation.minutes_written_at.date()))
    for plan in versions(db, case.id):
        documents.append(Document("plan", plan.version, plan.made_on))
    return sorted(documents, key=lambda d: (d.dated, d.kind, d.ref), reverse=True)


def letterhead(case: SickCase, signed_by: str | None) -> dict:
    """Who sent the letter and how to reach them: the case's municipality (its profile where it has
    one, else just its name), the case number and the caseworker, or the team when no one signed."""
    profile = profile_of(case.municipality_code)
    return {"municipality": profile, "municipality_name": profile.name if profile
            else municipality_name(case.municipality_code), "case_number": case.id, "signed_by": signed_by}


def _caseworker_name(db: Session, subject: str | None) -> str | None:
    caseworker = db.get(Caseworker, subject) if subject else None
    return caseworker.name if caseworker else None


def letter_context(db: Session, case: SickCase, kind: str, ref: int) -> dict | None:
    """What the letter's template needs, or None when the case has no such letter."""
    citizen = db.get(Citizen, case.citizen_id)
    if kind in ("invitation", "minutes"):
        conversation = next((c for c in conversations_of(db, case.id) if c.id == ref), None)
        if conversation is None or (kind == "invitation" and conversation.status == "cancelled") or \
                (kind == "minutes" and conversation.minutes_written_at is None):
            return None
        # A self-booked or case-system conversation has no caseworker's name yet: the team signs.
        signed_by = _caseworker_name(db, conversation.booked_by) if kind == "invitation" else conversation.minutes_by
        return {"citizen": citizen, "case": case, "conversation": conversation, **letterhead(case, signed_by),
                "dated": conversation.created_at.date() if kind == "invitation"
                else conversation.minutes_written_at.date()}
    if kind == "plan":
        plan = next((p for p in versions(db, case.id) if p.version == ref), None)
        if plan is None:
            return None
        return {"citizen": citizen, "case": case, "plan": plan, "measures": measures_of(plan),
                **letterhead(case, plan.made_by_name), "dated": plan.made_on}
    return None


def render_pdf(kind: str, context: dict) -> bytes:
    """The letter as a tagged PDF/UA-1 file in the page's language."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as error:  # Pango missing: OSError from cffi
        raise LettersUnavailable(str(error)) from error
    html = render_template(f"letters/{kind}.html", **context)
    return HTML(string=html, base_url=current_app.static_folder).write_pdf(pdf_variant="pdf/ua-1")


def file_name(kind: str, ref: int) -> str:
    return {"invitation": f"invitation-samtale-{ref}.pdf", "minutes": f"referat-samtale-{ref}.pdf",
            "plan": f"opfoelgningsplan-version-{ref}.pdf"}[kind]


def letter_response(db: Session, case: SickCase, kind: str, ref: int):
    """The letter as a download, or 404 when the case has no such letter, or 503 where letters cannot
    be made. Personal data: never kept in a cache."""
    from flask import abort

    context = letter_context(db, case, kind, ref) if kind in KINDS else None
    if context is None:
        abort(404)
    try:
        pdf = render_pdf(kind, context)
    except LettersUnavailable:
        current_app.logger.warning("letters: WeasyPrint cannot run here (Pango missing?)")
        abort(503)
    response = current_app.response_class(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{file_name(kind, ref)}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def title(kind: str, ref: int) -> str:
    """The letter's title in the current language (the same words as the list of documents)."""
    from flask_babel import gettext as _

    if kind == "invitation":
        return _("Invitation to a follow-up conversation")
    if kind == "minutes":
        return _("Minutes of the conversation")
    return _("Follow-up plan, version %(version)d", version=ref)


def _in_language(app, language: str):
    """A request context of its own, in the message's language: the sender runs outside any request,
    and a letter is written in the citizen's language, not the caseworker's."""
    from contextlib import contextmanager

    from flask import g
    from flask_babel import force_locale

    @contextmanager
    def scope():
        with app.test_request_context(), force_locale(language):
            g.portal_locale = language
            yield

    return scope()


def letter_document(app, message) -> tuple[str, str, bytes] | None:
    """The letter a message names, as (file name, title, PDF) in the message's language; None when
    the letter is gone (a cancelled conversation) or cannot be made here."""
    from .db import session_scope

    with _in_language(app, getattr(message, "language", None) or "da"):
        with session_scope(app) as db:
            case = db.get(SickCase, message.case_id) if message.case_id else None
            context = letter_context(db, case, message.letter_kind, message.letter_ref) if case else None
            if context is None:
                return None
            try:
                return (file_name(message.letter_kind, message.letter_ref),
                        title(message.letter_kind, message.letter_ref),
                        render_pdf(message.letter_kind, context))
            except LettersUnavailable:
                app.logger.warning("letters: WeasyPrint cannot run here; message %s goes without its letter",
                                   message.id)
                return None


def letter_attachment(app, message) -> tuple[str, bytes] | None:
    """The letter as (file name, PDF), for the e-mail senders to attach."""
    document = letter_document(app, message)
    return (document[0], document[2]) if document else None


def notice_pdf(app, message, name: str) -> bytes:
    """A message that has no letter of its own (a reminder) as a one-page letter, for paper.
    Raises LettersUnavailable where WeasyPrint cannot run: the message is tried again later."""
    from .db import session_scope

    with _in_language(app, message.language or "da"):
        with session_scope(app) as db:
            case = db.get(SickCase, message.case_id) if message.case_id else None
            sender = letterhead(case, None) if case else {}
        return render_pdf("notice", {"citizen": {"name": name}, "subject": message.subject, "body": message.body,
                                     "dated": message.created_at.date(), **sender})
