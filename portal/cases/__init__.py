"""Use cases on the database: one transaction each, each writing the case's event log.

Views call these; these call the pure rules in portal.rules and the tables in portal.models."""

from . import next_check  # noqa: F401,E402  (its listener makes a case due when its facts change)
