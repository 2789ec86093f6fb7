"""Citizens as the login names them: found by a keyed hash of the CPR number, never by the number."""
from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from ..db import get_session
from ..models import Citizen
from ..personal_data import cpr_hash, encrypt_cpr, normalise_cpr


def citizen_from_login(cpr_claim: str, name: str) -> int | None:
    """The citizen's id, creating the citizen on the first login. None when the claim is no CPR."""
    cpr = normalise_cpr(cpr_claim)
    if cpr is None:
        return None
    db = get_session()
    key = cpr_hash(cpr)
    citizen = db.exec(select(Citizen).where(Citizen.cpr_hash == key)).first()
    if citizen is None:
        citizen = Citizen(cpr_hash=key, cpr_encrypted=encrypt_cpr(cpr), name=name[:200])
        db.add(citizen)
        try:
            db.commit()
        except IntegrityError:  # two first logins at once: the other one created the row
            db.rollback()
            citizen = db.exec(select(Citizen).where(Citizen.cpr_hash == key)).one()
    elif name and citizen.name != name[:200]:
        citizen.name = name[:200]
        db.commit()
    return citizen.id


def remember_language(citizen_id: int, language: str) -> None:
    """The language the citizen last used in the portal: her messages are written in it."""
    db = get_session()
    citizen = db.get(Citizen, citizen_id)
    if citizen is not None and citizen.language != language:
        citizen.language = language
        db.add(citizen)
        db.commit()
