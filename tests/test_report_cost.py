"""`c7n-vpcflow report` shows what flow logs cost when the evidence has flow-log-cost.json
(issue 25, item 3): GB and USD a month per account-region and in total, the ten most
expensive VPCs, and the cheaper choices with their estimated saving, every figure labelled
measured or estimated; `--prices FILE` re-prices the bytes measured; a cost file is checked
before it counts.

The evidence: the shipped cost policy (policies/vpc-flow-logs-cost.yml) run in-process over
recorded answers (cost_estate) in two account-regions, each its own `custodian run -s OUT`.
"""

import csv
import io
import json
import os
import shutil

import pytest
import yaml

from c7n_vpcflow import cli
from c7n_vpcflow.cost import prices as price_data
from c7n_vpcflow.cost.account_region import price_account_region
from c7n_vpcflow.report import cost_text, html_cost
from c7n_vpcflow.report.costs import AccountRegionCost, most_expensive, repriced
from c7n_vpcflow.vocabulary import COST_FILE, VERDICTS_FILE
from support.aws import FlightData
from support.constants import DATA_DIR, policy_path
from support.cost_flights import vpc_ids
from support.hermetic import hermetic_environ
from support.policy import run_policy

POLICY = "vpc-flow-logs-cost"
REGIONS = ("us-east-1", "ap-northeast-1")  # both priced by the package
VPCS = vpc_ids()


def cost_policy(compliance=True):
    """The shipped cost policy; without compliance, only its flow-log-cost filter."""
    with open(policy_path(POLICY + ".yml")) as f:
        [policy] = yaml.safe_load(f)["policies"]
    if not compliance:
        policy["filters"] = [f for f in policy["filters"] if f["type"] == "flow-log-cost"]
    return policy


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    """{region: its OUT}: the cost policy's output in each region."""
    root = tmp_path_factory.mktemp("costs")
    outs = {}
    with hermetic_environ(root / "home"):
        for region in REGIONS:
            outs[region] = root / region
            run_policy(
                cost_policy(),
                FlightData(os.path.join(DATA_DIR, "cost_estate"), region),
                outs[region],
                region=region,
            )
    return outs


@pytest.fixture
def outs(pristine, tmp_path):
    """A copy of each region's OUT, this test's to change."""
    copies = {}
    for region, out in pristine.items():
        copies[region] = tmp_path / region
        shutil.copytree(out, copies[region])
    return copies


def recorded(out):
    with open(out / POLICY / COST_FILE) as f:
        return json.load(f)


def report(capsys, outs, *options, code=1):
    """The report's stdout (its stderr must hold no traceback); exit `code` (1: the estate
    has non-compliant VPCs)."""
    assert cli.main(["report", *map(str, outs), "--max-age", "none", *options]) == code
    shown = capsys.readouterr()
    assert "Traceback" not in shown.err
    return shown


def test_the_report_shows_gb_and_usd_a_month_per_account_region_and_in_total(outs, capsys):
    text = report(capsys, outs.values()).out

    section = text[text.index("## What flow logs cost") :]
    assert "Measured: the bytes each VPC's log group ingested over the last 30 whole days" in (
        section
    )
    assert (
        "Estimated: every figure a month and every amount in USD, at the package's "
        "prices" in section
    )
    assert (
        "| GB a month (estimated) | Ingestion USD (estimated) | Storage USD (estimated) "
        "| USD a month (estimated) |" in section
    )
    totals = {region: recorded(out)["totals"] for region, out in outs.items()}
    for region, figures in totals.items():
        assert "| 123456789012 | %s |" % region in section
        assert "| %d | %.1f | %.2f | %.2f | %.2f | %d |" % (
            figures["log-groups"],
            figures["monthly-gb"],
            figures["ingestion-usd"],
            figures["storage-usd"],
            figures["monthly-usd"],
            figures["vpcs-not-measured"],
        ) in (section)
    assert "| TOTAL | | | 8 | %.1f |" % sum(t["monthly-gb"] for t in totals.values()) in section
    # Tokyo's delivery costs more than Virginia's: the same bytes, another price.
    assert totals["ap-northeast-1"]["ingestion-usd"] > totals["us-east-1"]["ingestion-usd"]


def test_the_json_report_has_every_vpcs_cost_the_most_expensive_and_the_choices(outs, capsys):
    shown = json.loads(report(capsys, outs.values(), "--format", "json").out)["cost"]

    by_region = {c["region"]: c for c in shown["account-regions"]}
    for region, out in outs.items():
        evidence = recorded(out)
        assert by_region[region]["totals"] == evidence["totals"]
        assert by_region[region]["vpcs"] == [
            {"vpc-id": v["vpc-id"], "name": v["name"], "cost": v["cost"]} for v in evidence["vpcs"]
        ]
        assert by_region[region]["priced-with"] == "the package's prices"
    top = shown["most-expensive"]
    assert len(top) == 10  # of 10 measured VPCs in the two account-regions
    assert [t["monthly-usd"] for t in top] == sorted((t["monthly-usd"] for t in top), reverse=True)
    assert top[0] == {
        "account-id": "123456789012",
        "region": "ap-northeast-1",
        "vpc-id": VPCS["all-traffic"],
        "monthly-usd": top[0]["monthly-usd"],
    }
    # The shared log group once per account-region, not once per VPC writing to it.
    assert shown["choices"]["log-group-class: INFREQUENT_ACCESS"]["log-groups"] == 3 * 2
    assert shown["choices"]["traffic-type: REJECT"] == {
        "log-groups": 0,
        "saving-usd": 0.0,
        "not-estimated": 2,
        "blocked": 0,
    }
    assert shown["total"]["monthly-usd"] == pytest.approx(
        sum(c["totals"]["monthly-usd"] for c in shown["account-regions"])
    )


def test_the_ten_most_expensive_are_ten_whatever_the_estate():
    records = [("vpc-%02d" % n, None, {"monthly-usd": float(n)}) for n in range(12)]
    records.append(("vpc-unpriced", None, {"monthly-usd": None}))
    cost = AccountRegionCost("a", "123456789012", "us-east-1", None, POLICY, 30, "x", {}, records)

    assert [vpc_id for _c, vpc_id, _n, _r in most_expensive([cost])] == [
        "vpc-%02d" % n for n in range(11, 1, -1)
    ]


def rate_card(tmp_path, usd):
    card = tmp_path / "rate-card.json"
    card.write_text(
        json.dumps(
            {
                "format": 1,
                "regions": {
                    region: {
                        "vended-logs": {
                            "cloud-watch-logs": {
                                "STANDARD": {
                                    "tiers": [{"up-to-gb": None, "usd-per-gb": usd}],
                                    "source": {
                                        "name": "our invoice",
                                        "read": "2026-12-01",
                                        "confirmed": True,
                                    },
                                }
                            }
                        }
                    }
                    for region in REGIONS
                },
            }
        )
    )
    return card


def test_prices_given_to_the_report_reprice_the_bytes_each_run_measured(outs, capsys, tmp_path):
    card = rate_card(tmp_path, 1.0)
    shown = json.loads(
        report(capsys, outs.values(), "--format", "json", "--prices", str(card)).out
    )["cost"]

    prices = price_data.load(str(card))
    for entry in shown["account-regions"]:
        evidence = recorded(outs[entry["region"]])
        _groups, records, totals = repriced(evidence, prices)
        assert entry["totals"] == json.loads(json.dumps(totals))
        assert entry["priced-with"] == "re-priced with --prices %s" % card
        one = {v["vpc-id"]: v["cost"] for v in entry["vpcs"]}[VPCS["all-traffic"]]
        assert one["ingestion-usd"] == pytest.approx(one["monthly-gb"] * 1.0, abs=1e-4)
        assert (
            one["ingestion-usd"]
            != {v["vpc-id"]: v["cost"] for v in evidence["vpcs"]}[VPCS["all-traffic"]][
                "ingestion-usd"
            ]
        )
        # The bytes are those measured; only the dollars change.
        assert (
            one["ingested-bytes"]
            == {v["vpc-id"]: v["cost"] for v in evidence["vpcs"]}[VPCS["all-traffic"]][
                "ingested-bytes"
            ]
        )


def test_a_prices_file_the_report_cannot_use_is_refused_in_one_line(outs, capsys, tmp_path):
    card = tmp_path / "rate-card.json"
    card.write_text('{"format": 1, "regions": {"us-east-1": {"storage": {"s3": {}}}}}')
    shown = report(capsys, outs.values(), "--prices", str(card), code=2)

    [line] = shown.err.splitlines()
    assert line.startswith("c7n-vpcflow report: --prices %s: regions/us-east-1/storage/s3" % card)
    assert shown.out == ""


@pytest.mark.tampered_evidence
def test_a_cost_file_whose_figures_were_edited_is_corrupt_evidence(outs, capsys):
    path = outs["us-east-1"] / POLICY / COST_FILE
    data = json.loads(path.read_text())
    data["totals"]["monthly-usd"] = round(data["totals"]["monthly-usd"] / 2, 4)
    path.write_text(json.dumps(data))

    shown = report(capsys, outs.values(), code=4)
    assert (
        "corrupt evidence: %s: its figures are not what the bytes it measured come to at "
        "the prices it records (totals)" % path in shown.err
    )


@pytest.mark.tampered_evidence
def test_a_cost_file_measuring_a_vpc_its_run_did_not_judge_is_corrupt_evidence(outs, capsys):
    out = outs["us-east-1"]
    path = out / POLICY / COST_FILE
    data = json.loads(path.read_text())
    stranger = "vpc-0123456789abcdef0"
    [entry] = [v for v in data["vpcs"] if v["vpc-id"] == VPCS["no-flow-log"]]
    entry["vpc-id"] = stranger
    path.write_text(json.dumps(data))

    shown = report(capsys, outs.values(), code=4)
    assert "measures %s, which the run's %s does not judge" % (stranger, VERDICTS_FILE) in (
        shown.err
    )


@pytest.mark.tampered_evidence
def test_a_cost_file_of_an_earlier_run_is_not_counted(outs, capsys):
    path = outs["us-east-1"] / POLICY / COST_FILE
    data = json.loads(path.read_text())
    data["execution-id"] = "an-earlier-run"
    path.write_text(json.dumps(data))

    shown = json.loads(report(capsys, outs.values(), "--format", "json").out)["cost"]
    assert [c["region"] for c in shown["account-regions"]] == ["ap-northeast-1"]


def test_the_html_page_shows_the_cost_labelled_measured_or_estimated(outs, capsys):
    page = report(capsys, outs.values(), "--format", "html").out

    for part in (
        'id="cost-totals"',
        'id="cost-top"',
        'id="cost-vpcs"',
        "USD a month (estimated)",
        "Ingested bytes (measured)",
        'data-vpc-id="%s"' % VPCS["all-traffic"],
        "log group shared with %s" % VPCS["shared-b"],
        "log-group-class: INFREQUENT_ACCESS: saves about",
        "not measured: no flow log",
    ):
        assert part in page, part


def test_the_csv_has_each_account_regions_gb_and_usd_a_month(outs, capsys):
    rows = list(csv.DictReader(io.StringIO(report(capsys, outs.values(), "--format", "csv").out)))
    by_region = {r["region"]: r for r in rows}
    for region, out in outs.items():
        totals = recorded(out)["totals"]
        assert float(by_region[region]["monthly_usd_estimated"]) == totals["monthly-usd"]
        assert float(by_region[region]["monthly_gb_estimated"]) == totals["monthly-gb"]
    assert float(by_region[""]["monthly_usd_estimated"]) == pytest.approx(
        sum(recorded(out)["totals"]["monthly-usd"] for out in outs.values())
    )


def test_without_cost_evidence_there_is_no_cost_section(outs, capsys):
    for out in outs.values():
        os.remove(out / POLICY / COST_FILE)
    assert "What flow logs cost" not in report(capsys, outs.values()).out
    assert json.loads(report(capsys, outs.values(), "--format", "json").out)["cost"] is None


def test_a_policy_that_only_measures_cost_counts_for_the_cost_section_alone(
    flight_data, tmp_path, capsys
):
    run_policy(cost_policy(compliance=False), flight_data("cost_estate"), tmp_path / "out")
    shown = report(capsys, [tmp_path / "out"], "--format", "json", code=3)

    assert json.loads(shown.out)["accounts"] == []
    assert json.loads(shown.out)["cost"]["total"]["vpcs"] == 8
    assert "nothing was judged" in shown.err


def test_a_region_the_prices_do_not_cover_shows_no_usd_rather_than_zero(
    flight_data, tmp_path, capsys
):
    # A region the package does not price: its GB are measured, its USD not estimated.
    unpriced = "ap-south-2"
    assert unpriced not in price_data.package_prices()["regions"]
    run_policy(
        cost_policy(), flight_data("cost_estate", unpriced), tmp_path / "unpriced", region=unpriced
    )
    totals = recorded(tmp_path / "unpriced")["totals"]
    assert totals["log-groups-not-priced"] == totals["log-groups"] > 0

    section = report(capsys, [tmp_path / "unpriced"]).out.split("## What flow logs cost")[1]
    assert "| 123456789012 | %s |" % unpriced in section
    assert (
        "| %d | %.1f | - | - | - | %d |"
        % (totals["log-groups"], totals["monthly-gb"], totals["vpcs-not-measured"])
        in section
    )
    assert (
        "Not priced (no price for their region or class): %d log groups" % (totals["log-groups"])
        in section
    )
    page = report(capsys, [tmp_path / "unpriced"], "--format", "html").out
    assert "<b>-</b>" in page and "<b>0.00</b>" not in page
    [row] = [
        r
        for r in csv.DictReader(
            io.StringIO(report(capsys, [tmp_path / "unpriced"], "--format", "csv").out)
        )
        if r["region"] == unpriced
    ]
    assert (row["monthly_usd_estimated"], float(row["monthly_gb_estimated"])) == (
        "",
        totals["monthly-gb"],
    )


def two_group_vpc(region="us-east-1", age_days=(400, 400)):
    """An AccountRegionCost of one VPC whose flow logs write to two log groups (of these
    ages), priced by the filter's own code (cost.account_region) at the package's prices."""
    groups = [
        {
            "name": name,
            "vpc-ids": ["vpc-two"],
            "traffic-types": ["REJECT"],
            "ingested-bytes": gb * 10**9,
            "stored-bytes": 10**9,
            "days": 30,
            "log-group-class": "STANDARD",
            "retention-days": 365,
            "age-days": age,
        }
        for (name, gb), age in zip((("/vpc/flow-logs/a", 90), ("/vpc/flow-logs/b", 30)), age_days)
    ]
    _groups, records, totals = price_account_region(
        groups,
        [{"vpc-id": "vpc-two", "log-groups": [g["name"] for g in groups]}],
        price_data.package_prices(),
        region,
        {"min-retention-days": None, "analytics": []},
    )
    return AccountRegionCost(
        "a",
        "123456789012",
        region,
        None,
        POLICY,
        30,
        "x",
        totals,
        [("vpc-two", None, records["vpc-two"])],
    )


def test_a_vpc_writing_to_several_log_groups_has_each_cheaper_choice_named_by_its_group():
    cost = two_group_vpc()
    [row] = [line for line in cost_text.markdown([cost]) if line.startswith("| vpc-two |")]
    choices = row.split(" | ")[-1]

    for group in ("/vpc/flow-logs/a", "/vpc/flow-logs/b"):
        assert "%s: log-group-class: INFREQUENT_ACCESS: saves about" % group in choices
        assert "%s: destination-type: s3: saves about" % group in choices
        assert "%s: log-group-class: INFREQUENT_ACCESS: saves about" % group in (
            html_cost.cost_section([cost])
        )


def test_a_saving_that_leaves_a_price_out_says_which_beside_the_figure():
    # eu-west-1: S3 delivery priced, S3 storage not (the package's prices).
    text = "\n".join(cost_text.markdown([two_group_vpc("eu-west-1")]))

    assert "destination-type: s3: saves about" in text
    assert (
        "USD a month (estimated; no storage price for S3 in eu-west-1: the saving counts "
        "delivery only)" in text
    )


def totals_row(lines):
    [row] = [line for line in lines if line.startswith("| TOTAL |")]
    return [cell.strip() for cell in row.strip("|").split("|")]


def test_storage_not_estimated_is_shown_as_such_never_as_zero():
    # Log groups younger than a day: their stored size says nothing yet (cost.model).
    young = two_group_vpc(age_days=(0.5, 0.5))
    assert young.totals["storage-not-counted"] == 2
    lines = cost_text.markdown([young])
    storage, monthly = totals_row(lines)[6:8]
    assert storage == "-"
    assert monthly == "%.2f" % young.totals["ingestion-usd"] and young.totals["ingestion-usd"] > 0
    note = (
        "Storage not estimated for 2 log groups (younger than a day: their stored size says "
        "nothing yet); their storage is left out of the storage and monthly totals."
    )
    assert note in lines
    assert "<td>-</td>" in html_cost.cost_section([young]) and note in html_cost.cost_section(
        [young]
    )

    # One of two: the storage of the other is the estimate, and the note says one is left out.
    half = two_group_vpc(age_days=(400, 0.5))
    lines = cost_text.markdown([half])
    assert (
        totals_row(lines)[6] == "%.2f" % half.totals["storage-usd"]
        and half.totals["storage-usd"] > 0
    )
    assert "Storage not estimated for 1 log groups" in "\n".join(lines)
    # Every group estimated: no note.
    assert not any(
        line.startswith("Storage not estimated") for line in cost_text.markdown([two_group_vpc()])
    )
