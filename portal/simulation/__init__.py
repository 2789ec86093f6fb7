"""A year of cases, simulated with the portal's own use cases (issue 32).

`population` draws what citizens and employers do (pure: a seeded random generator and dates);
`engine` replays the days on a separate database through portal.cases and the sweep, with the
portal's clock pinned to each simulated day; `report` turns the outcome into HTML (inline SVG, no
JavaScript) and CSV. The rules are never re-implemented here: every deadline is the timeline's."""
