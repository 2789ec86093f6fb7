"""Which channel carries a message: a pure function of the message and of what Serviceplatformen
says about the citizen (registered for Digital Post, for NemSMS, or exempt), tested as a table.

- A short reminder (nothing to read but a date and a link) goes as a NemSMS notice when the
  citizen is registered for NemSMS and the notice fits in one (150 characters).
- Everything else, and a short reminder to a citizen without NemSMS, goes by Digital Post.
- A citizen exempt from Digital Post (not registered) gets it on paper (fjernprint).
- E-mail is never chosen here: it is an extra the citizen chose, queued as its own message.

Health information never goes by NemSMS: only the short reminders may, and they hold none."""
from __future__ import annotations

from dataclasses import dataclass

from ..models import Channel

# Reminders whose whole content is a date and a link. A missing questionnaire is not among them:
# it warns that sickness benefit may stop (sygedagpengeloven § 21), so it is a letter.
SHORT_NOTICES = frozenset({"questionnaire_due", "check_in_due"})
NEMSMS_MAX = 150  # characters in a NemSMS (python-serviceplatformen, create_nemsms)


@dataclass(frozen=True)
class PostalAddress:
    """Where a paper letter goes (ModtagerAdresse in SF1601's fjernprint)."""
    name: str
    street: str
    building: str
    postcode: str
    city: str
    country: str = "DK"


@dataclass(frozen=True)
class Reach:
    """What Serviceplatformen knows of a citizen: registered for Digital Post (else exempt), for
    NemSMS, and (for paper) the address."""
    digital_post: bool
    nemsms: bool = False
    address: PostalAddress | None = None


def choose_channel(kind: str, reach: Reach, notice: str | None = None) -> Channel:
    if kind in SHORT_NOTICES and reach.nemsms and notice and len(notice) <= NEMSMS_MAX:
        return Channel.NEMSMS
    if reach.digital_post:
        return Channel.DIGITAL_POST
    return Channel.PHYSICAL_MAIL
