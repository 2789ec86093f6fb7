"""The diagnosis groups that give a right to choose standby: configurable data (RULES.md), read
from PORTAL_STANDBY_DIAGNOSES_FILE, labelled in the reader's language."""
from __future__ import annotations

import json
from functools import lru_cache

from flask import current_app
from flask_babel import get_locale


@lru_cache(maxsize=4)
def _groups(path: str) -> tuple[dict, ...]:
    with open(path, encoding="utf-8") as handle:
        return tuple(json.load(handle)["groups"])


def standby_groups() -> list[tuple[str, str]]:
    language = "en" if get_locale() and get_locale().language == "en" else "da"
    return [(g["code"], g[language]) for g in _groups(current_app.config["PORTAL_STANDBY_DIAGNOSES_FILE"])]
