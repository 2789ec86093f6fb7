"""Use cases on the database: one transaction each, each writing the case's event log.

Views call these; these call the pure rules in portal.rules and the tables in portal.models."""
