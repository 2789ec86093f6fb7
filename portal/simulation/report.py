"""The simulation's report: an HTML page with inline SVG charts (no JavaScript) and one CSV with a
`section` column. Pure: it reads an Outcome and writes files."""
from __future__ import annotations

import csv
import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape
from pathlib import Path

from ..rules import is_bank_day

TARGET = 0.99
SECTIONS = ("summary", "obligations", "late", "queue", "utilisation", "team", "invariant")


@dataclass(frozen=True)
class KindRow:
    kind: str
    who: str
    total: int
    on_time: int
    late: int
    unmet: int
    mean_days_late: float
    max_days_late: int

    @property
    def share(self) -> float:
        return self.on_time / self.total if self.total else 1.0


def by_kind(obligations: list[dict]) -> list[KindRow]:
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for row in obligations:
        groups[(row["who"], row["kind"])].append(row)
    out = []
    for (who, kind), rows in sorted(groups.items(), key=lambda item: (item[0][0] != "municipality", item[0])):
        late = [row["days_late"] for row in rows if row["days_late"] > 0]
        out.append(KindRow(kind, who, len(rows), len(rows) - len(late),
                           sum(1 for row in rows if row["status"] == "late"),
                           sum(1 for row in rows if row["status"] == "unmet"),
                           sum(late) / len(late) if late else 0.0, max(late, default=0)))
    return out


def municipality_share(obligations: list[dict]) -> tuple[int, int]:
    """(met on time, all) of the municipality's obligations: the promise the team keeps."""
    mine = [row for row in obligations if row["who"] == "municipality"]
    return sum(1 for row in mine if row["days_late"] == 0), len(mine)


def slots_needed(episodes, start: date, end: date, target: float = TARGET) -> int | None:
    """The fewest conversations a working day that hold `target` of the run's conversation needs on
    time, each needs taken earliest deadline first from the day after it reached the queue (what the
    caseworkers do). None when there were no needs."""
    if not episodes:
        return None
    days = [start + timedelta(days=n) for n in range((end - start).days + 120)]
    working = [day for day in days if is_bank_day(day)]
    ordered = sorted(episodes, key=lambda e: e.released)

    def on_time_share(capacity: int) -> float:
        import heapq

        waiting, index, on_time = [], 0, 0
        for day in working:
            while index < len(ordered) and ordered[index].released < day:
                heapq.heappush(waiting, ordered[index].due)
                index += 1
            for _ in range(capacity):
                if not waiting:
                    break
                on_time += heapq.heappop(waiting) >= day
        return on_time / len(ordered)

    low, high = 1, 1
    while on_time_share(high) < target:
        high *= 2
        if high > 10_000:
            return None
    while low < high:
        middle = (low + high) // 2
        if on_time_share(middle) >= target:
            high = middle
        else:
            low = middle + 1
    return low


def team_for(slots_a_day: int | None, per_week: int) -> int | None:
    return None if slots_a_day is None else max(1, math.ceil(slots_a_day * 5 / per_week))


def write(outcome, out: Path, replays: list[tuple[int, int, int]] = ()) -> tuple[Path, Path]:
    """report.html and report.csv in `out`. `replays`: (team size, on time, all) of whole runs."""
    out.mkdir(parents=True, exist_ok=True)
    kinds = by_kind(outcome.obligations)
    on_time, total = municipality_share(outcome.obligations)
    s = outcome.settings
    slots = slots_needed(outcome.episodes, s.start, outcome.end)
    estimate = team_for(slots, s.conversations_per_week)
    smallest = next((size for size, met, count in sorted(replays) if count and met / count >= TARGET), None)
    # The municipality's first: they are the promise; a citizen's or an employer's follow.
    late = sorted((row for row in outcome.obligations if row["days_late"] > 0),
                  key=lambda row: (row["who"] != "municipality", -row["days_late"], row["deadline"]))
    utilisation = [(week["week"], week.get("held", 0), week.get("slots", 0)) for week in outcome.weeks
                   if week["week"] <= outcome.end]
    held = sum(h for _, h, _ in utilisation)
    offered = sum(o for _, _, o in utilisation)
    csv_path, html_path = out / "report.csv", out / "report.html"
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        w = csv.writer(handle)
        w.writerow(["section", "key", "a", "b", "c", "d", "e", "f"])
        w.writerow(["summary", "cases_per_year", s.cases, "", "", "", "", ""])
        w.writerow(["summary", "caseworkers", s.caseworkers, "conversations_per_week", s.conversations_per_week,
                    "", "", ""])
        w.writerow(["summary", "period", s.start.isoformat(), outcome.end.isoformat(), "seed", s.seed, "", ""])
        w.writerow(["summary", "municipality_on_time", on_time, total, _share(on_time, total), "", "", ""])
        w.writerow(["summary", "wall_seconds", round(outcome.seconds, 1), "", "", "", "", ""])
        for name, value in sorted(outcome.counts.items()):
            w.writerow(["summary", name.replace(" ", "_"), value, "", "", "", "", ""])
        w.writerow(["obligations", "kind", "who", "total", "on_time", "late", "unmet", "share_on_time"])
        for k in kinds:
            w.writerow(["obligations", k.kind, k.who, k.total, k.on_time, k.late, k.unmet, f"{k.share:.4f}"])
        w.writerow(["late", "case_id", "kind", "who", "deadline", "status", "days_late", ""])
        for row in late:
            w.writerow(["late", row["case_id"], row["kind"], row["who"], row["deadline"].isoformat(), row["status"],
                        row["days_late"], ""])
        w.writerow(["queue", "day", "live", "unassigned", "not_booked", "overdue", "working_day", ""])
        for row in outcome.queue:
            w.writerow(["queue", row["day"].isoformat(), row["live"], row["unassigned"], row["not_booked"],
                        row["overdue"], int(row["working_day"]), ""])
        w.writerow(["utilisation", "week", "held", "slots", "share", "", "", ""])
        for week, h, o in utilisation:
            w.writerow(["utilisation", week.isoformat(), h, o, _share(h, o), "", "", ""])
        w.writerow(["team", "estimate_slots_per_working_day", slots, "estimate_caseworkers", estimate, "", "", ""])
        for size, met, count in sorted(replays):
            w.writerow(["team", "replay", size, met, count, _share(met, count), "", ""])
        w.writerow(["team", "smallest_replayed_team_at_99", smallest, "", "", "", "", ""])
        w.writerow(["invariant", "violations", len(outcome.violations), "", "", "", "", ""])
        for v in outcome.violations:
            w.writerow(["invariant", v.case_id, v.obligation, v.deadline.isoformat(),
                        v.first_seen.isoformat() if v.first_seen else "", v.found_on.isoformat(), "", ""])
    html_path.write_text(_html(outcome, kinds, on_time, total, late, utilisation, held, offered, slots, estimate,
                               replays, smallest), encoding="utf-8")
    return html_path, csv_path


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.4f}" if whole else ""


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "–"


def _line_chart(series: dict[str, list[int]], days: list[date], colours: dict[str, str]) -> str:
    width, height, pad = 900, 260, 40
    top = max([1, *(max(values, default=0) for values in series.values())])
    n = max(1, len(days) - 1)

    def point(i: int, value: int) -> str:
        return f"{pad + i * (width - 2 * pad) / n:.1f},{height - pad - value * (height - 2 * pad) / top:.1f}"

    parts = [f'<svg role="img" aria-labelledby="queue-title" viewBox="0 0 {width} {height}" width="100%" '
             f'xmlns="http://www.w3.org/2000/svg"><title id="queue-title">The queue over the period</title>',
             f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" stroke="#333"/>',
             f'<line x1="{pad}" y1="{pad}" x2="{pad}" y2="{height - pad}" stroke="#333"/>',
             f'<text x="4" y="{pad}" font-size="12">{top}</text>',
             f'<text x="4" y="{height - pad}" font-size="12">0</text>']
    for i in range(0, len(days), max(1, len(days) // 6)):
        parts.append(f'<text x="{pad + i * (width - 2 * pad) / n:.1f}" y="{height - 12}" font-size="11">'
                     f'{days[i].isoformat()}</text>')
    legend_x = pad + 10
    for name, values in series.items():
        points = " ".join(point(i, v) for i, v in enumerate(values))
        parts.append(f'<polyline fill="none" stroke="{colours[name]}" stroke-width="1.5" points="{points}"/>')
        parts.append(f'<text x="{legend_x}" y="{pad - 10}" font-size="12" fill="{colours[name]}">{escape(name)}</text>')
        legend_x += 180
    parts.append("</svg>")
    return "".join(parts)


def _bar_chart(values: list[tuple[str, float]], title: str, limit: float | None = None, unit: str = "") -> str:
    width, height, pad = 900, 220, 40
    top = max([limit or 0, *(v for _, v in values), 1e-9])
    bar = (width - 2 * pad) / max(1, len(values))
    parts = [f'<svg role="img" viewBox="0 0 {width} {height}" width="100%" xmlns="http://www.w3.org/2000/svg">'
             f'<title>{escape(title)}</title>',
             f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" stroke="#333"/>']
    for i, (label, value) in enumerate(values):
        h = value * (height - 2 * pad) / top
        parts.append(f'<rect x="{pad + i * bar + 1:.1f}" y="{height - pad - h:.1f}" width="{max(1.0, bar - 2):.1f}" '
                     f'height="{h:.1f}" fill="#0059b3"><title>{escape(label)}: {value:.2f}{unit}</title></rect>')
    if limit is not None:
        y = height - pad - limit * (height - 2 * pad) / top
        parts.append(f'<line x1="{pad}" y1="{y:.1f}" x2="{width - pad}" y2="{y:.1f}" stroke="#c00" '
                     'stroke-dasharray="4 3"/>')
    step = max(1, len(values) // 8)
    for i in range(0, len(values), step):
        parts.append(f'<text x="{pad + i * bar:.1f}" y="{height - 12}" font-size="11">{escape(values[i][0])}</text>')
    parts.append(f'<text x="4" y="{pad}" font-size="12">{top:.2f}{unit}</text></svg>')
    return "".join(parts)


def _html(outcome, kinds, on_time, total, late, utilisation, held, offered, slots, estimate, replays, smallest) -> str:
    s = outcome.settings
    days = [row["day"] for row in outcome.queue]
    queue_chart = _line_chart(
        {"live handovers": [r["live"] for r in outcome.queue],
         "waiting for a time": [r["not_booked"] for r in outcome.queue],
         "past their due date": [r["overdue"] for r in outcome.queue]},
        days, {"live handovers": "#0059b3", "waiting for a time": "#e08a00", "past their due date": "#c00"})
    use_chart = _bar_chart([(week.isoformat(), h / o if o else 0.0) for week, h, o in utilisation],
                           "Conversations held per published time, by week", limit=1.0)
    buckets = [("1–7", 1, 7), ("8–14", 8, 14), ("15–21", 15, 21), ("22–42", 22, 42), ("> 42", 43, 10**6)]
    mine = [r for r in late if r["who"] == "municipality"]
    late_chart = _bar_chart([(label, sum(1 for r in mine if lo <= r["days_late"] <= hi)) for label, lo, hi in buckets],
                            "The municipality's late obligations by days late")
    rows = "".join(
        f"<tr><td>{escape(k.kind)}</td><td>{escape(k.who)}</td><td>{k.total}</td><td>{k.on_time}</td>"
        f"<td>{k.late}</td><td>{k.unmet}</td><td>{_pct(k.on_time, k.total)}</td><td>{k.mean_days_late:.1f}</td>"
        f"<td>{k.max_days_late}</td></tr>" for k in kinds)
    late_rows = "".join(
        f"<tr><td>{r['case_id']}</td><td>{escape(r['kind'])}</td><td>{escape(r['who'])}</td>"
        f"<td>{r['deadline'].isoformat()}</td><td>{escape(r['status'])}</td><td>{r['days_late']}</td></tr>"
        for r in late[:200])
    replay_rows = "".join(f"<tr><td>{size}</td><td>{_pct(met, count)}</td><td>{met} of {count}</td></tr>"
                          for size, met, count in sorted(replays))
    violation_rows = "".join(
        f"<tr><td>{v.case_id}</td><td>{escape(v.obligation)}</td><td>{v.deadline.isoformat()}</td>"
        f"<td>{v.first_seen.isoformat() if v.first_seen else 'never'}</td></tr>" for v in outcome.violations[:200])
    counts = "".join(f"<li>{escape(name)}: {value}</li>" for name, value in sorted(outcome.counts.items()))
    peak = max((r["live"] for r in outcome.queue), default=0)
    verdict = ("holds: every late obligation had been in the queue before its deadline" if not outcome.violations
               else f"VIOLATED {len(outcome.violations)} times")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A simulated year of sick-leave cases</title>
<style>body{{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}}
table{{border-collapse:collapse;margin:1rem 0}}td,th{{border:1px solid #bbb;padding:.25rem .5rem;text-align:right}}
td:first-child,th:first-child{{text-align:left}}.bad{{color:#c00}}</style></head><body>
<h1>A simulated year of sick-leave cases</h1>
<section id="summary"><h2>Summary</h2>
<p>{s.cases} cases a year, {s.caseworkers} caseworkers with {s.conversations_per_week} conversations a week each,
from {s.start.isoformat()} to {outcome.end.isoformat()} (seed {s.seed}); {outcome.seconds:.0f} s of wall time.</p>
<p><strong>The municipality's obligations met on time: {_pct(on_time, total)}</strong> ({on_time} of {total}).
The invariant "no deadline passes unseen" {escape(verdict)}.</p><ul>{counts}</ul></section>
<section id="obligations"><h2>Obligations by kind</h2>
<p>Every obligation whose deadline came within the period, read from each case's timeline on the last day.
"Late" was met after its deadline; "unmet" was still not met at the end or when the case closed.</p>
<table><tr><th>kind</th><th>who</th><th>total</th><th>on time</th><th>late</th><th>unmet</th><th>share on time</th>
<th>mean days late</th><th>most days late</th></tr>{rows}</table></section>
<section id="late"><h2>Late obligations</h2>
<p>The municipality's {len(mine)} late obligations by days late:</p>{late_chart}
<table><tr><th>case</th><th>kind</th><th>who</th><th>deadline</th><th>status</th><th>days late</th></tr>{late_rows}
</table><p>{len(late)} in all; the CSV lists every one.</p></section>
<section id="queue"><h2>The queue</h2><p>Live handovers each day (peak {peak}), those still waiting for a
conversation time, and those past their due date.</p>{queue_chart}</section>
<section id="utilisation"><h2>Caseworker utilisation</h2><p>{held} conversations held of {offered} published
times: {_pct(held, offered)}. Times not booked by their day are idle capacity.</p>{use_chart}</section>
<section id="team"><h2>The smallest team for 99 % on time</h2>
<p>Estimate from this run: the conversations the cases needed (each from the day it reached the queue to its
deadline), taken earliest deadline first, need <strong>{slots if slots is not None else '–'}</strong> a working
day for 99 % on time, that is <strong>{estimate if estimate is not None else '–'} caseworkers</strong> at
{s.conversations_per_week} a week. It holds the needs fixed; a smaller team also moves later follow-ups, so
the whole-year replays below are the check.</p>
<table><tr><th>team</th><th>municipality's obligations on time</th><th></th></tr>{replay_rows}</table>
<p>Smallest replayed team with ≥ 99 % on time: <strong>{smallest if smallest is not None else '–'}</strong>.</p>
</section>
<section id="invariant"><h2>No deadline passes unseen</h2><p>Checked every simulated day: each reason in the
queue is remembered with the first day it was there, and one first seen after its deadline is a violation; on
the last day every late obligation of the municipality is checked against that memory.
Violations: <strong class="{'bad' if outcome.violations else ''}">{len(outcome.violations)}</strong>.</p>
<table><tr><th>case</th><th>obligation</th><th>deadline</th><th>first in the queue</th></tr>{violation_rows}</table>
</section></body></html>
"""
