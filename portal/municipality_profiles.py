"""Each municipality's own voice: name, jobcenter, address, phone, e-mail, web address, opening hours
and data protection officer (DPO), as data a municipality edits without code. The letters' letterhead,
the privacy notice and the contact page read it; a case's municipality code finds it.

The file is TOML (comments allowed, no code), bundled for the demo municipalities and replaced with
PORTAL_MUNICIPALITY_PROFILES. It is read and checked once at startup: a malformed profile stops the
portal with a message naming the file, the municipality and the field, rather than a letter that
names no sender."""
from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass

from flask import Flask, current_app, g
from flask.globals import _cv_app  # Flask's own app context variable (flask.globals)

from .municipalities import MUNICIPALITIES, municipality_name

BUNDLED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "municipality_profiles.toml")
REQUIRED = ("name", "jobcenter", "team_da", "team_en", "address", "phone", "email", "web",
            "opening_hours_da", "opening_hours_en", "dpo_name", "dpo_email")
OPTIONAL = ("logo",)
# Plain addresses only: the pages put them in mailto: links.
EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
PHONE = re.compile(r"^\+?[0-9 ]{8,16}$")


class MunicipalityProfileError(RuntimeError):
    """The profile file is missing or malformed; the message says where and what."""


@dataclass(frozen=True)
class MunicipalityProfile:
    code: str
    name: str
    jobcenter: str
    team_da: str
    team_en: str
    address: str
    phone: str
    email: str
    web: str
    opening_hours_da: str
    opening_hours_en: str
    dpo_name: str
    dpo_email: str
    logo: str | None = None

    def team(self, language: str) -> str:
        return self.team_en if language == "en" else self.team_da

    def opening_hours(self, language: str) -> str:
        return self.opening_hours_en if language == "en" else self.opening_hours_da


def _problems_of(code: str, entry, static_folder: str | None) -> list[str]:
    where = f"[{code}]"
    if code not in MUNICIPALITIES:
        return [f"{where}: {code!r} is not a municipality code (kommunekode, e.g. 101)"]
    if not isinstance(entry, dict):
        return [f"{where}: must be a table of fields"]
    problems = []
    for field in REQUIRED:
        value = entry.get(field)
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{where} {field}: missing or empty")
    for field in sorted(set(entry) - set(REQUIRED) - set(OPTIONAL)):
        problems.append(f"{where} {field}: not a profile field (known: {', '.join(REQUIRED + OPTIONAL)})")
    for field in ("email", "dpo_email"):
        if isinstance(entry.get(field), str) and entry[field].strip() and not EMAIL.match(entry[field].strip()):
            problems.append(f"{where} {field}: {entry[field]!r} is not an e-mail address")
    if isinstance(entry.get("phone"), str) and entry["phone"].strip() and not PHONE.match(entry["phone"].strip()):
        problems.append(f"{where} phone: {entry['phone']!r} is not a phone number (digits and spaces)")
    if isinstance(entry.get("web"), str) and entry["web"].strip() and not entry["web"].startswith("https://"):
        problems.append(f"{where} web: {entry['web']!r} must start with https://")
    logo = entry.get("logo")
    if logo is not None:
        if not isinstance(logo, str) or not logo.strip() or ".." in logo or logo.startswith("/"):
            problems.append(f"{where} logo: must be a file under static/, e.g. img/logo-101.png")
        elif static_folder and not os.path.isfile(os.path.join(static_folder, logo)):
            problems.append(f"{where} logo: {logo!r} is not a file under static/")
    return problems


def load_profiles(path: str, static_folder: str | None = None) -> dict[str, MunicipalityProfile]:
    """Every profile in the file, by code; raises MunicipalityProfileError listing every problem."""
    try:
        with open(path, "rb") as file:
            data = tomllib.load(file)
    except FileNotFoundError:
        raise MunicipalityProfileError(f"Municipality profiles: no file at {path} "
                                       f"(PORTAL_MUNICIPALITY_PROFILES)") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise MunicipalityProfileError(f"Municipality profiles: {path} is not valid TOML: {error}") from None
    problems = [problem for code, entry in data.items() for problem in _problems_of(code, entry, static_folder)]
    if not data:
        problems.append("no municipality in the file")
    if problems:
        raise MunicipalityProfileError(f"Municipality profiles in {path}: " + "; ".join(problems))
    return {code: MunicipalityProfile(code=code, **{key: value.strip() for key, value in entry.items()})
            for code, entry in data.items()}


def profiles() -> dict[str, MunicipalityProfile]:
    context = _cv_app.get(None)  # every page's header asks: not through the current_app proxy
    return (context.app if context is not None else current_app).extensions["municipality_profiles"]


def profile_of(code: str | None) -> MunicipalityProfile | None:
    """The municipality's profile, or None for a municipality that has none (it does not use the portal)."""
    return profiles().get(code or "")


def display_name(code: str | None) -> str:
    """The name the citizen knows: the profile's ("Aarhus Kommune"), else the register's ("Aarhus")."""
    profile = profile_of(code)
    return profile.name if profile else municipality_name(code)


_HEADER_CODE = "header_municipality_code"


def name_in_header(code: str | None) -> None:
    """A citizen's page that has read her header's municipality code with its own statement (the
    open case's, else the newest's: sickness.latest_municipality_of's answer) hands it over for this
    request, so the header reads nothing."""
    setattr(g, _HEADER_CODE, code)


def header_municipality(user) -> str | None:
    """The municipality a page's header names, for someone tied to one: a caseworker's jobcenter, a
    citizen's case's municipality (the open case, else the newest). None for an employer, or a citizen
    with no case yet. Called by the header only, so a page without a login reads nothing."""
    if user is None:
        return None
    if user.role == "caseworker" and user.municipality:
        profile = profile_of(user.municipality)
        return profile.jobcenter if profile else display_name(user.municipality)
    if user.role == "citizen" and user.citizen_id:
        from sqlalchemy.exc import SQLAlchemyError

        from .cases.sickness import latest_municipality_of
        from .db import get_session

        context = _cv_app.get(None)
        if context is not None and _HEADER_CODE in context.g:  # the page read it itself (name_in_header)
            code = getattr(context.g, _HEADER_CODE)
            return display_name(code) if code is not None else None
        try:
            code = latest_municipality_of(get_session(), user.citizen_id)
        except SQLAlchemyError:
            return None  # the error page of a failed transaction: the header must not fail it again
        return display_name(code) if code is not None else None
    return None


def init_app(app: Flask) -> None:
    path = app.config.get("PORTAL_MUNICIPALITY_PROFILES") or BUNDLED
    app.extensions["municipality_profiles"] = load_profiles(path, app.static_folder)
    app.jinja_env.globals.update(municipality_profile=profile_of, municipality_display_name=display_name,
                                 header_municipality=header_municipality)
