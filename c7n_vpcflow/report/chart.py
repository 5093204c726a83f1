"""Compliance over time from every verdict the evidence holds, and the inline SVG the HTML
report draws it and its bars with (no script, no remote resource).

A point is the estate as the verdicts of one sweep saw it: verdicts less than GAP apart
belong to one sweep (a c7n-org run judges its accounts minutes apart), and at a sweep's
last verdict each account-region counts with its latest verdict so far. The share is of
the VPCs judged compliant when judged; a fix made after a verdict shows at the next one.
"""

from datetime import datetime, timedelta
from html import escape

from c7n_vpcflow.vocabulary import Figure, Judgement

GAP = timedelta(minutes=30)
LABELLED = 12  # points up to this many carry their figures; more only in their tooltips
GREEN, TEAL, RED, GREY = "#2e7d32", "#4db6ac", "#c62828", "#9e9e9e"
AMBER = "#f9a825"


def _moment(verdict):
    try:
        return datetime.fromisoformat(verdict.get("started") or "")
    except (TypeError, ValueError):
        return None


def compliance_series(verdicts):
    """[(moment, VPCs judged, compliant, account-regions)], oldest first, one per sweep."""
    judged = {}
    for _parts, verdict in verdicts:
        moment = _moment(verdict)
        if verdict.get("status") != Judgement.JUDGED.value or moment is None:
            continue
        where = (verdict.get("account-id"), verdict.get("region"))
        entries = verdict["judged"]
        compliant = sum(1 for v in entries if not v["violations"])
        # The same run's verdict can be read twice (several trees): keyed by run and place.
        judged[(verdict.get("execution-id"), where)] = (moment, where, len(entries), compliant)
    ordered = sorted(judged.values(), key=lambda entry: entry[0])
    series, latest = [], {}
    for i, (moment, where, vpcs, compliant) in enumerate(ordered):
        latest[where] = (vpcs, compliant)
        last_of_sweep = i + 1 == len(ordered) or ordered[i + 1][0] - moment > GAP
        if last_of_sweep and any(v for v, _ in latest.values()):
            series.append(
                (
                    moment,
                    sum(v for v, _ in latest.values()),
                    sum(c for _, c in latest.values()),
                    len(latest),
                )
            )
    return series


def percent(part, whole):
    """The share as a percentage; whole is never 0 (a sweep or row without VPCs has none)."""
    return 100.0 * part / whole


def bar(compliant, fixed, remaining, exempt=0, width=220, height=14):
    """A horizontal bar: compliant, fixed since judged, exempt, still non-compliant."""
    total = compliant + fixed + exempt + remaining
    x, rects = 0.0, []
    for count, colour, label in (
        (compliant, GREEN, "%s when judged" % Figure.COMPLIANT),
        (fixed, TEAL, "%s since" % Figure.FIXED),
        (exempt, AMBER, Figure.EXEMPT),
        (remaining, RED, Figure.NON_COMPLIANT),
    ):
        if count:
            w = width * count / total
            rects.append(
                '<rect x="%.1f" y="0" width="%.1f" height="%d" fill="%s">'
                "<title>%d %s</title></rect>" % (x, w, height, colour, count, label)
            )
            x += w
    if not total:
        rects.append('<rect x="0" y="0" width="%d" height="%d" fill="#eeeeee"/>' % (width, height))
    return '<svg class="bar" width="%d" height="%d" viewBox="0 0 %d %d" role="img">%s</svg>' % (
        width,
        height,
        width,
        height,
        "".join(rects),
    )


def not_judged_bar(width=220, height=14):
    return (
        '<svg class="bar" width="%d" height="%d" role="img"><rect width="%d" height="%d" '
        'fill="none" stroke="%s" stroke-dasharray="4 3"/><title>%s</title></svg>'
        % (width, height, width, height, GREY, Judgement.NOT_JUDGED.label)
    )


def over_time(series, width=760, height=240):
    """A line of the compliant share at each sweep, with each point's counts."""
    left, right, top, bottom = 48, 24, 16, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    first, last = series[0][0], series[-1][0]
    span = (last - first).total_seconds() or 1.0

    def xy(moment, share):
        return (
            left + plot_w * (moment - first).total_seconds() / span,
            top + plot_h * (1 - share / 100.0),
        )

    parts = []
    for share in (0, 25, 50, 75, 100):
        _x, y = xy(first, share)
        parts.append(
            '<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#dddddd"/>'
            '<text x="%d" y="%.1f" class="axis" text-anchor="end">%d%%</text>'
            % (left, y, width - right, y, left - 6, y + 4, share)
        )
    points = [xy(moment, percent(compliant, vpcs)) for moment, vpcs, compliant, _n in series]
    parts.append(
        '<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>'
        % (GREEN, " ".join("%.1f,%.1f" % p for p in points))
    )
    for (x, y), (moment, vpcs, compliant, places) in zip(points, series):
        label = "%s: %d of %d VPCs compliant in %d account-regions" % (
            moment.strftime("%Y-%m-%d %H:%M UTC"),
            compliant,
            vpcs,
            places,
        )
        parts.append(
            '<circle class="point" cx="%.1f" cy="%.1f" r="4" fill="%s">'
            "<title>%s</title></circle>" % (x, y, GREEN, escape(label))
        )
        if len(series) <= LABELLED:
            parts.append(
                '<text x="%.1f" y="%.1f" class="axis" text-anchor="middle">'
                "%.0f%% (%d/%d)</text>"
                % (
                    min(max(x, left + 40), width - right - 40),
                    max(y - 9, top + 8),
                    percent(compliant, vpcs),
                    compliant,
                    vpcs,
                )
            )
    for moment, anchor in ((first, "start"), (last, "end")):
        x, _y = xy(moment, 0)
        parts.append(
            '<text x="%.1f" y="%d" class="axis" text-anchor="%s">%s</text>'
            % (x, height - 12, anchor, moment.strftime("%Y-%m-%d %H:%M UTC"))
        )
    return (
        '<svg id="over-time" width="%d" height="%d" viewBox="0 0 %d %d" role="img" '
        'aria-label="share of judged VPCs compliant over time">%s</svg>'
        % (width, height, width, height, "".join(parts))
    )
