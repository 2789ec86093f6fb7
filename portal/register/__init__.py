"""The CPR register behind one small interface: `lookup(cpr)` gives the citizen's residence
municipality (kommunekode), name, address, name and address protection, whether she is dead, and
when it was read.

Two registers answer it: `LocalRegister`, a file of fictitious people (portal/devregister, for
development and tests), and `Sf1520Register`, KOMBIT's Serviceplatformen SF1520
(PersonBaseDataExtended, portal/register/sf1520.py). `CachedRegister` keeps each answer a bounded
time (PORTAL_REGISTER_CACHE_MINUTES): a report does not ask twice in a minute, and a move is seen
within the hour. An answer carries the time it was read, whichever copy it comes from.

A register that cannot answer raises `RegisterUnavailable`; the caller decides what to do (the
sick report is stored all the same, its municipality marked as not confirmed)."""
from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ..notify.channels import PostalAddress

REGISTERS = ("local", "serviceplatformen")


@dataclass(frozen=True)
class Person:
    """What the register says of a citizen. `municipality` is the residence municipality's code
    ("" for someone living abroad or without a Danish address)."""
    municipality: str
    name: str
    address: PostalAddress | None
    protected: bool  # navne- og adressebeskyttelse
    dead: bool
    read_at: datetime


class RegisterUnavailable(RuntimeError):
    """The register did not answer (network, certificate, a fault). Only the kind of failure is kept:
    never the CPR number."""


class NotInRegister(RegisterUnavailable):
    """The register answered, but knows no such person: nothing to route by, so as unavailable."""


def _now() -> datetime:
    return datetime.now(UTC)


class LocalRegister:
    """Development and tests: the people of a JSON file of fictitious CPR numbers. Anyone not in it
    is not in the register (as SF1520 answers "PNR not found"): the case waits, not confirmed, in
    PORTAL_DEFAULT_MUNICIPALITY. Production refuses this register (config.check_production)."""

    def __init__(self, people: dict[str, dict]):
        self.people = people

    @classmethod
    def from_file(cls, path: str) -> LocalRegister:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        return cls({row["cpr"]: row for row in data["people"]})

    def lookup(self, cpr: str) -> Person:
        row = self.people.get(cpr)
        if row is None:
            raise NotInRegister("the local register knows no such person")
        address = PostalAddress(name=row["name"], **row["address"]) if row.get("address") else None
        return Person(row["municipality"], row["name"], address, row.get("protected", False),
                      row.get("dead", False), _now())


class CachedRegister:
    """Each answer kept `minutes` (and at most `size` answers, the oldest forgotten first): the
    register is asked again after that. `lookup(cpr, fresh=True)` asks the register itself, as the
    sweep does when it re-reads an open case. Kept in this process only, never in the database."""

    def __init__(self, register, minutes: int, size: int = 10_000):
        self.register, self.ttl, self.size = register, timedelta(minutes=minutes), size
        self._answers: OrderedDict[str, Person] = OrderedDict()
        self._lock = threading.Lock()

    def lookup(self, cpr: str, fresh: bool = False) -> Person:
        if not fresh:
            with self._lock:
                kept = self._answers.get(cpr)
            if kept is not None and _now() - kept.read_at < self.ttl:
                return kept
        person = self.register.lookup(cpr)
        with self._lock:
            self._answers[cpr] = person
            self._answers.move_to_end(cpr)
            while len(self._answers) > self.size:
                self._answers.popitem(last=False)
        return person

    def forget(self) -> None:
        with self._lock:
            self._answers.clear()


def register_from_config(config: dict):
    """The register PORTAL_REGISTER names, wrapped in its cache."""
    if config["PORTAL_REGISTER"] == "serviceplatformen":
        from .sf1520 import Sf1520Register

        register = Sf1520Register.from_config(config)
    else:
        register = LocalRegister.from_file(config["PORTAL_REGISTER_FILE"])
    return CachedRegister(register, config["PORTAL_REGISTER_CACHE_MINUTES"])


def register_of(app):
    """The app's register, made on first use (tests may put their own in app.extensions)."""
    if "portal.register" not in app.extensions:
        app.extensions["portal.register"] = register_from_config(app.config)
    return app.extensions["portal.register"]


def lookup(cpr: str, fresh: bool = False) -> Person:
    """The citizen as the current app's register knows her."""
    from flask import current_app

    return register_of(current_app).lookup(cpr, fresh=fresh)
