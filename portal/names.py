"""The words of a person's name as search compares them: pure, shared by the tables' upkeep, the
migration that indexes names already stored, and the caseworker's search."""
from __future__ import annotations

import re
import unicodedata

WORD = re.compile(r"[^\W_]+")
MAX_TOKEN = 100


def fold(text: str) -> str:
    """Lower case without accents, so 'José' and 'jose' meet; æ and ø have no accent to lose, and
    å becomes a on both sides of the comparison alike."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def name_tokens(name: str | None) -> list[str]:
    """'Lise Hansen-Testesen' -> ['lise', 'hansen', 'testesen'], each word once, in order."""
    seen: dict[str, None] = {}
    for word in WORD.findall(fold(name or "")):
        seen.setdefault(word[:MAX_TOKEN], None)
    return list(seen)
