"""The daily reminders work out only the cases whose reminders may have changed (their remind_on day
has come, their facts or the citizen's e-mail address or language changed, or they have no
case_check row); these tests prove the outbox ends each day as working out every open case every
day would leave it: on generated cases whose facts change day by day, after each day's sweep and
reminders, every reminder that working out every open case gives today is in the outbox, and what
was queued today is exactly what that gives and was not queued before. And every kind of change
makes the case due for its reminders again."""
from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from portal.cases import questionnaire
from portal.cases.facts import facts_of, histories_of
from portal.cases.handover import questionnaire_of, sweep
from portal.cases.next_steps import bookings_of, summarize
from portal.db import session_scope
from portal.models import CHECK_NOW, CaseCheck, CaseStatus, Citizen, Employment, OutboxMessage, SickCase
from portal.notify.messages import language_of
from portal.notify.reminders import due_case_ids, due_for, queue_due
from portal.rules import timeline

from .test_sweep_incremental import CHANGES, _change, _report

START = date(2026, 9, 1)
LINK = "https://portal.example/borger"
REMINDERS = ("questionnaire_due", "questionnaire_overdue", "check_in_due")


def _every_reminder_today(db, today: date) -> set[str]:
    """The keys of the messages working out every open case today gives (as queue_due(every_case=True)
    would queue them), read without writing anything."""
    keys = set()
    rows = db.exec(select(SickCase, Citizen).join(Citizen, Citizen.id == SickCase.citizen_id)
                   .where(SickCase.status == CaseStatus.OPEN, SickCase.standby_since.is_(None))).all()
    histories = histories_of(db, [case for case, _ in rows])
    bookings = bookings_of(db, [case.id for case, _ in rows])
    for case, citizen in rows:
        obligations = timeline(facts_of(case, questionnaire_of(db, case.id), histories[case.id]), today)
        steps = summarize(case, obligations, bookings.get(case.id, []))
        for message in due_for(case, language_of(citizen.language), steps, obligations, today, LINK):
            keys.add(message.dedupe_key)
            if citizen.email:
                keys.add(f"{message.dedupe_key}:email")
    return keys


def _contact(db, case: SickCase, today: date, rng: random.Random) -> None:
    """The citizen gives or changes her e-mail address, or uses the other language."""
    citizen = db.get(Citizen, case.citizen_id)
    if rng.random() < 0.6:
        citizen.email = rng.choice([f"borger{case.id}.{today:%m%d}@example.dk", None])
    else:
        citizen.language = "en" if citizen.language != "en" else "da"
    db.add(citizen)
    db.commit()


def _standby_ends(db, case: SickCase, today: date) -> None:
    case.standby_since = None
    db.add(case)
    db.commit()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_reminders_of_the_cases_due_are_those_of_every_case_every_day(app, seed):
    rng = random.Random(seed)
    with app.app_context(), session_scope(app) as db:
        ids = [_report(db, n, START - timedelta(days=rng.randint(0, 60)),
                       rng.choice([Employment.EMPLOYED] * 5 + [Employment.UNEMPLOYED]), rng.choice(["101", "751"])).id
               for n in range(30)]
        worked_out = open_days = queued_in_all = 0
        queued = set()
        for offset in range(90):
            today = START + timedelta(days=offset)
            for case_id in rng.sample(ids, 3):
                case = db.get(SickCase, case_id)
                if case.status != CaseStatus.OPEN:
                    continue
                roll = rng.random()
                if roll < 0.3:
                    _contact(db, case, today, rng)
                elif roll < 0.4 and case.standby_since is not None:
                    _standby_ends(db, case, today)
                else:
                    try:
                        _change(db, case, today, rng)
                    except IntegrityError:  # a check-in answered twice for one day: the generator's, not a change
                        db.rollback()
            if offset % 5 == 2:  # a new case now and then: its questionnaire is due within 8 days
                ids.append(_report(db, 100 + offset, today).id)
            sweep(db, today, batch_size=7)  # as `flask sweep` runs them: the sweep, then the reminders
            worked_out += len(due_case_ids(db, today))
            queued_in_all += queue_due(db, today, LINK, batch_size=5)
            db.expire_all()
            every = _every_reminder_today(db, today)
            in_outbox = set(db.exec(select(OutboxMessage.dedupe_key).where(OutboxMessage.kind.in_(REMINDERS))).all())
            assert every <= in_outbox, (today, sorted(every - in_outbox))
            assert in_outbox - queued == every - queued, today  # today's new ones: exactly every case's
            queued = in_outbox
            open_days += len(db.exec(select(SickCase.id).where(SickCase.status == CaseStatus.OPEN)).all())
            if offset % 7 == 0:  # run twice: the second works out no case
                assert due_case_ids(db, today) == [] and queue_due(db, today, LINK) == 0
        assert queued_in_all > 20, "the test means something: reminders were queued"
        assert worked_out < open_days / 3, "the point: most cases are not worked out most days"


def _remind_on(db, case_id):
    check = db.get(CaseCheck, case_id)
    return CHECK_NOW if check is None else check.remind_on  # no row: due


def _email(db, case, today):
    citizen = db.get(Citizen, case.citizen_id)
    citizen.email = "ny@example.dk"
    db.add(citizen)


def _email_on_the_form(db, case, today):  # written by Core statements, not the ORM's flush
    questionnaire.save_step(db, questionnaire_of(db, case.id), "om-dig", {"phone": "", "email": "ny@example.dk"})


def _language(db, case, today):
    citizen = db.get(Citizen, case.citizen_id)
    citizen.language = "en"
    db.add(citizen)


@pytest.mark.parametrize("change", [*CHANGES, _email, _email_on_the_form, _language],
                         ids=lambda change: change.__name__.strip("_"))
def test_every_kind_of_change_makes_the_case_due_for_its_reminders(app, change):
    today = date(2026, 9, 10)
    with app.app_context(), session_scope(app) as db:
        case_id = _report(db, 1, date(2026, 9, 1), Employment.UNEMPLOYED).id
        sweep(db, today)
        queue_due(db, today, LINK)
        db.expire_all()
        assert _remind_on(db, case_id) > today and case_id not in due_case_ids(db, today)
        change(db, db.get(SickCase, case_id), today)
        db.commit()
        db.expire_all()
        assert _remind_on(db, case_id) == CHECK_NOW


def test_a_reminder_day_is_the_day_before_the_questionnaire_reminder_at_the_latest(app):
    """Reported on 1 September, the questionnaire due on the 9th: worked out again by the 7th, the day
    its reminder is due, and the reminder queued then."""
    with app.app_context(), session_scope(app) as db:
        case_id = _report(db, 1, date(2026, 9, 1)).id
        citizen = db.get(Citizen, db.get(SickCase, case_id).citizen_id)
        assert queue_due(db, date(2026, 9, 1), LINK) == 0
        db.expire_all()
        remind_on = _remind_on(db, case_id)
        assert date(2026, 9, 1) < remind_on <= date(2026, 9, 7)
        day = remind_on
        while not db.exec(select(OutboxMessage).where(OutboxMessage.case_id == case_id)).first():
            assert day <= date(2026, 9, 7) and case_id in due_case_ids(db, day)
            queue_due(db, day, LINK)
            db.expire_all()
            day = _remind_on(db, case_id)
        [message] = db.exec(select(OutboxMessage).where(OutboxMessage.case_id == case_id)).all()
        assert message.kind == "questionnaire_due" and message.citizen_id == citizen.id


def test_a_change_while_the_reminders_are_worked_out_keeps_the_case_due(app):
    """The reminder day is stored only over the facts version read: an e-mail address given between
    the read and the write leaves the case due, so the e-mail copy goes at the next run."""
    today = date(2026, 9, 7)
    with app.app_context(), session_scope(app) as db:
        case_id = _report(db, 1, date(2026, 9, 1)).id
        from portal.notify import reminders

        real = reminders.histories_of

        def meanwhile(db_, cases):
            with session_scope(app) as other:
                citizen = other.get(Citizen, other.get(SickCase, case_id).citizen_id)
                citizen.email = "lise@example.dk"
                other.add(citizen)
                other.commit()
            return real(db_, cases)

        reminders.histories_of = meanwhile
        try:
            assert queue_due(db, today, LINK) == 1  # by Digital Post; she had no e-mail address when read
        finally:
            reminders.histories_of = real
        db.expire_all()
        assert _remind_on(db, case_id) == CHECK_NOW
        assert queue_due(db, today, LINK) == 1  # now the e-mail copy


def test_a_new_email_on_the_form_makes_her_open_case_due_for_its_reminders_only(app):
    """The step's e-mail is written without the ORM (questionnaire.save_step): her open case is made
    due for its reminders as the flush's listener makes it for a citizen's change, not for the sweep.
    (The form of a case closed before it was sent, with her next case open.)"""
    today = date(2026, 9, 10)
    with app.app_context(), session_scope(app) as db:
        closed = _report(db, 1, date(2026, 8, 1), Employment.UNEMPLOYED)
        closed.status, closed.closed_on = CaseStatus.CLOSED, date(2026, 8, 20)
        db.add(closed)
        db.commit()
        open_case = _report(db, 2, date(2026, 9, 2), Employment.UNEMPLOYED)
        open_case.citizen_id = closed.citizen_id  # merged records: her next case
        db.add(open_case)
        db.commit()
        sweep(db, today)
        queue_due(db, today, LINK)
        db.expire_all()
        screened_to = db.get(CaseCheck, open_case.id).next_check_on
        assert screened_to > today and _remind_on(db, open_case.id) > today
        questionnaire.save_step(db, questionnaire_of(db, closed.id), "om-dig", {"phone": "", "email": "ny@example.dk"})
        db.expire_all()
        assert _remind_on(db, open_case.id) == CHECK_NOW
        assert db.get(CaseCheck, open_case.id).next_check_on == screened_to
        assert db.get(Citizen, closed.citizen_id).email == "ny@example.dk"
