"""What flow logs cost, as the report shows it: from each account-region's newest
flow-log-cost.json that counts (checked: its schema, each VPC and log group named once, and
its figures what the bytes it measured come to at the prices it records), as recorded, or
re-priced with `--prices FILE` (the package's prices changed where the file says otherwise)
through the same pure model the filter used (c7n_vpcflow.cost).

Per account-region: GB and USD a month (each log group counted once); over all of them the
total, the ten most expensive VPCs and each VPC's cheaper choices with its estimated saving.
"""

import json
from dataclasses import dataclass, field

from c7n_vpcflow.cost import prices as price_data
from c7n_vpcflow.cost.account_region import USD, measured_inputs, price_account_region, vpc_inputs

MOST_EXPENSIVE = 10
MEASURED = "measured"


def _repeated(names):
    seen, repeated = set(), []
    for name in names:
        if name in seen and name not in repeated:
            repeated.append(name)
        seen.add(name)
    return repeated


def repriced(data, prices):
    """(log groups, {VPC id: record}, totals) of a cost file's measurements at `prices`."""
    return price_account_region(
        [measured_inputs(g) for g in data["log-groups"]],
        [vpc_inputs(v) for v in data["vpcs"]],
        prices,
        data["region"],
        data["context"],
    )


def _plain(value):
    return json.loads(json.dumps(value))


def consistency_problem(data):
    """What the schema cannot say about a flow-log-cost.json, or None."""
    for what, names in (
        ("VPC", [v["vpc-id"] for v in data["vpcs"]]),
        ("log group", [g["name"] for g in data["log-groups"]]),
    ):
        repeated = _repeated(names)
        if repeated:
            return "names %s %s more than once" % (what, ", ".join(repeated))
    described = {g["name"] for g in data["log-groups"]}
    unknown = sorted({n for v in data["vpcs"] for n in v.get("log-groups", ())} - described)
    if unknown:
        return "names log groups it does not describe: %s" % ", ".join(unknown)
    problem = price_data.problem(data["prices"])
    if problem:
        return "its prices: %s" % problem
    if data["status"] != MEASURED:
        return None
    groups, records, totals = repriced(data, data["prices"])
    wrong = [g["name"] for g, recorded in zip(_plain(groups), data["log-groups"]) if g != recorded]
    wrong += [v["vpc-id"] for v in data["vpcs"] if _plain(records[v["vpc-id"]]) != v["cost"]]
    if wrong or _plain(totals) != data["totals"]:
        return (
            "its figures are not what the bytes it measured come to at the prices it "
            "records (%s)" % (", ".join(wrong) or "totals")
        )
    return None


@dataclass
class AccountRegionCost:
    """One account-region's cost, from one run's flow-log-cost.json."""

    account_name: str
    account_id: str
    region: str
    measured_at: object  # when the run started (datetime)
    policy: str
    days: int  # the whole days measured
    priced_with: str  # the prices: as recorded, or --prices FILE
    totals: dict
    vpcs: list = field(default_factory=list)  # (VPC id, name, record)


def priced_with_text(settings):
    """The prices a run priced at, as its cost file's settings name them."""
    where = settings["prices"]
    return (
        "the package's prices"
        if where == "package"
        else "the package's prices as the policy's prices key changed them"
        if where == "policy"
        else "the package's prices as %s changed them" % where
    )


def account_region_cost(run, prices=None, prices_file=None):
    """The AccountRegionCost of a run whose cost file counts: as recorded, or re-priced at
    `prices` (read from `prices_file`)."""
    data = run.costs
    if prices is None:
        records, figures = {v["vpc-id"]: v["cost"] for v in data["vpcs"]}, data["totals"]
        priced_with = priced_with_text(data["settings"])
    else:
        _groups, records, figures = repriced(data, prices)
        priced_with = "re-priced with --prices %s" % prices_file
    return AccountRegionCost(
        run.account_name,
        run.account_id,
        run.region,
        run.started,
        run.policy,
        data["settings"]["days"],
        priced_with,
        figures,
        [(v["vpc-id"], v["name"], records[v["vpc-id"]]) for v in data["vpcs"]],
    )


def newest_costs(runs, prices=None, prices_file=None):
    """One AccountRegionCost per account-region (sorted): of its newest run whose cost file
    counts."""
    newest = {}
    for run in sorted(
        (r for r in runs if r.costs and r.costs["status"] == MEASURED),
        key=lambda r: r.started.timestamp() if r.started else 0,
    ):
        newest[(run.account_name, run.account_id, run.region)] = run
    return [account_region_cost(run, prices, prices_file) for _key, run in sorted(newest.items())]


def shown(figures):
    """An account-region's (or the total's) figures as the report shows them: its USD None
    (not estimated) when none of the log groups it measured could be priced, and its
    storage USD None when none of those priced has a storage estimate, rather than the 0.00
    their sum over nothing would read as."""
    priced = figures["log-groups"] - figures["log-groups-not-priced"]
    if figures["log-groups"] and not priced:
        return dict(figures, **{key: None for key in USD})
    if priced and figures["storage-not-counted"] == priced:
        return dict(figures, **{"storage-usd": None})
    return figures


def left_out(overall):
    """What the totals leave out, one sentence each (none when they leave nothing out)."""
    notes = []
    if overall["log-groups-not-priced"]:
        notes.append(
            "Not priced (no price for their region or class): %d log groups; their USD is "
            "left out of the totals." % overall["log-groups-not-priced"]
        )
    if overall["storage-not-counted"]:
        notes.append(
            "Storage not estimated for %d log groups (younger than a day: their stored size "
            "says nothing yet); their storage is left out of the storage and monthly "
            "totals." % overall["storage-not-counted"]
        )
    return notes


def total(costs):
    """The figures of every account-region together."""
    summed = {key: round(sum(c.totals[key] for c in costs), 4) for key in USD}
    summed["monthly-gb"] = round(sum(c.totals["monthly-gb"] for c in costs), 6)
    for key in (
        "log-groups",
        "log-groups-not-measured",
        "log-groups-not-priced",
        "storage-not-counted",
        "vpcs",
        "vpcs-not-measured",
    ):
        summed[key] = sum(c.totals[key] for c in costs)
    return summed


def most_expensive(costs, count=MOST_EXPENSIVE):
    """[(AccountRegionCost, VPC id, name, record)] of the `count` VPCs estimated to cost the
    most a month (a log group several VPCs share counts in each one's)."""
    priced = [
        (c, vpc_id, name, record)
        for c in costs
        for vpc_id, name, record in c.vpcs
        if record.get("monthly-usd") is not None
    ]
    return sorted(priced, key=lambda item: (-item[3]["monthly-usd"], item[1]))[:count]


def choice_summary(costs):
    """{choice: {"log-groups": estimated for, "saving-usd": their saving a month,
    "not-estimated": log groups it is offered to without an estimate, "blocked": log groups
    it is blocked for}}: each log group once, however many VPCs write to it."""
    seen, summary = set(), {}
    for cost in costs:
        for _vpc_id, _name, record in cost.vpcs:
            for choice in record.get("choices", ()):
                key = (cost.account_id, cost.region, choice["log-group"], choice["choice"])
                if key in seen:
                    continue
                seen.add(key)
                counts = summary.setdefault(
                    choice["choice"],
                    {"log-groups": 0, "saving-usd": 0.0, "not-estimated": 0, "blocked": 0},
                )
                if choice.get("blocked"):
                    counts["blocked"] += 1
                elif choice.get("saving-usd") is None:
                    counts["not-estimated"] += 1
                else:
                    counts["log-groups"] += 1
                    counts["saving-usd"] = round(counts["saving-usd"] + choice["saving-usd"], 4)
    return summary
