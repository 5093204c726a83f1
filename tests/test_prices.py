"""Prices are data (c7n_vpcflow/data/prices.json), each figure with where and when it was
read and whether it was confirmed there; an override of the same format (a file, or a
mapping in a policy) changes only what it gives, and is refused in one line naming the
file and the key when it breaks c7n_vpcflow/schemas/prices.schema.json or the tier rules."""

import copy
import json
import os
import re

import pytest

from c7n_vpcflow.cost import prices as price_data
from c7n_vpcflow.cost.prices import PricesError
from localaws.regions import DEFAULT_REGIONS
from support.constants import ROOT

RATE_CARD = {"name": "EDP rate card 2027", "read": "2027-01-05", "confirmed": True}
STANDARD_TIERS = {"tiers": [{"up-to-gb": None, "usd-per-gb": 0.4}], "source": RATE_CARD}


def figures(tree, path=()):
    """(path, figure) of every figure of a prices mapping."""
    if "source" in tree:
        yield path, tree
        return
    for key, subtree in tree.items():
        if isinstance(subtree, dict):
            yield from figures(subtree, path + (key,))


def override_file(tmp_path, data):
    path = tmp_path / "prices.json"
    path.write_text(json.dumps(data) if not isinstance(data, str) else data)
    return str(path)


def test_the_package_prices_meet_their_schema_and_the_tier_rules():
    package = price_data.package_prices()
    assert price_data.problem(package) is None
    assert set(package["regions"]) == set(DEFAULT_REGIONS)


def test_every_default_region_prices_cloudwatch_logs_standard_delivery_and_storage():
    # A region is listed only with a source for what the cost model prices first: flow logs
    # delivered to a Standard log group, and what that group stores.
    package = price_data.package_prices()
    for region in DEFAULT_REGIONS:
        assert price_data.vended_logs(package, region, "cloud-watch-logs", "STANDARD"), region
        assert price_data.storage(package, region, "cloud-watch-logs", "STANDARD"), region


def test_every_package_figure_says_where_and_when_it_was_read_and_if_it_was_confirmed():
    package = price_data.package_prices()
    found = list(figures(package["regions"])) + list(figures(package["log-group-classes"]))
    assert {path[0] for path, _ in found} == set(package["regions"]) | {"INFREQUENT_ACCESS"}
    for path, figure in found:
        source = figure["source"]
        assert source["url"].startswith("https://"), path
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", source["read"]), path
        if not source["confirmed"]:
            # Unconfirmed: the pages that state the same figure are named instead.
            assert source["stated-by"], path


def test_an_override_changes_only_the_figures_it_gives(tmp_path):
    given = {
        "format": 1,
        "regions": {
            "us-east-1": {"vended-logs": {"cloud-watch-logs": {"STANDARD": STANDARD_TIERS}}}
        },
    }
    prices = price_data.load(override_file(tmp_path, given))
    package = price_data.package_prices()
    assert (
        price_data.vended_logs(prices, "us-east-1", "cloud-watch-logs", "STANDARD")
        == STANDARD_TIERS
    )
    for unchanged in (
        ("vended-logs", "cloud-watch-logs", "INFREQUENT_ACCESS"),
        ("vended-logs", "s3"),
        ("storage", "cloud-watch-logs", "STANDARD"),
    ):
        getter = price_data.vended_logs if unchanged[0] == "vended-logs" else price_data.storage
        assert getter(prices, "us-east-1", *unchanged[1:]) == getter(
            package, "us-east-1", *unchanged[1:]
        )
    assert prices["regions"]["ap-northeast-1"] == package["regions"]["ap-northeast-1"]
    # The package's own prices are left as they were for the next reader.
    assert (
        price_data.vended_logs(price_data.load(), "us-east-1", "cloud-watch-logs", "STANDARD")[
            "tiers"
        ][0]["usd-per-gb"]
        == 0.5
    )


def test_an_override_adds_a_region_the_package_does_not_price():
    assert "ap-south-2" not in price_data.package_prices()["regions"]
    given = {
        "format": 1,
        "regions": {
            "ap-south-2": {"storage": {"s3": {"usd-per-gb-month": 0.024, "source": RATE_CARD}}}
        },
    }
    prices = price_data.load(given)
    assert price_data.storage(prices, "ap-south-2", "s3")["usd-per-gb-month"] == 0.024
    assert price_data.storage(prices, "ap-south-2", "cloud-watch-logs", "STANDARD") is None
    assert price_data.vended_logs(prices, "ap-south-2", "s3") is None


def test_a_region_or_destination_without_a_price_has_none():
    prices = price_data.load()
    assert price_data.vended_logs(prices, "ap-south-2", "s3") is None
    assert price_data.vended_logs(prices, "us-east-1", "cloud-watch-logs", "ESSENTIALS") is None
    assert price_data.storage(prices, "us-east-1", "kinesis-data-firehose") is None


def test_the_infrequent_access_class_lacks_metric_filters_as_the_data_says():
    assert "metric-filters" in price_data.lacks(price_data.load(), "INFREQUENT_ACCESS")
    assert price_data.lacks(price_data.load(), "STANDARD") == set()


def broken(change):
    data = {
        "format": 1,
        "regions": {
            "us-east-1": {
                "vended-logs": {"cloud-watch-logs": {"STANDARD": copy.deepcopy(STANDARD_TIERS)}}
            }
        },
    }
    change(data)
    return data


STANDARD_PATH = ("regions", "us-east-1", "vended-logs", "cloud-watch-logs", "STANDARD")


def at(data, *path):
    for key in path:
        data = data[key]
    return data


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda d: at(d, *STANDARD_PATH).pop("source"),
            "regions/us-east-1/vended-logs/cloud-watch-logs/STANDARD: 'source' is a required "
            "property",
        ),
        (
            lambda d: at(d, *STANDARD_PATH)["source"].pop("read"),
            "regions/us-east-1/vended-logs/cloud-watch-logs/STANDARD/source: 'read' is a required "
            "property",
        ),
        (
            lambda d: at(d, *STANDARD_PATH)["source"].update(read="5 Jan 2027"),
            "regions/us-east-1/vended-logs/cloud-watch-logs/STANDARD/source/read: '5 Jan 2027' "
            "does not match",
        ),
        (
            lambda d: at(d, *STANDARD_PATH)["tiers"][0].update({"usd-per-gb": -1}),
            "regions/us-east-1/vended-logs/cloud-watch-logs/STANDARD/tiers/0/usd-per-gb: -1 is "
            "less than the minimum of 0",
        ),
        (
            lambda d: at(d, "regions", "us-east-1", "vended-logs").update(cloudwatch={}),
            "regions/us-east-1/vended-logs: Additional properties are not allowed ('cloudwatch'",
        ),
        (lambda d: d["regions"].update({"Ireland": {}}), "regions: 'Ireland' does not match"),
        (lambda d: d.update(format=2), "format: 1 was expected"),
        (
            lambda d: at(d, *STANDARD_PATH).update(tiers=[{"up-to-gb": 100, "usd-per-gb": 0.5}]),
            "regions/us-east-1/vended-logs/cloud-watch-logs/STANDARD/tiers: only the last tier is "
            "without a bound",
        ),
        (
            lambda d: at(d, *STANDARD_PATH).update(
                tiers=[
                    {"up-to-gb": 100, "usd-per-gb": 0.5},
                    {"up-to-gb": 50, "usd-per-gb": 0.4},
                    {"up-to-gb": None, "usd-per-gb": 0.3},
                ]
            ),
            "regions/us-east-1/vended-logs/cloud-watch-logs/STANDARD/tiers: the bounds (up-to-gb) "
            "must ascend",
        ),
    ],
)
def test_a_bad_override_is_refused_in_one_line_naming_the_file_and_the_key(
    tmp_path, change, message
):
    path = override_file(tmp_path, broken(change))
    with pytest.raises(PricesError) as refused:
        price_data.load(path)
    text = str(refused.value)
    assert text.startswith("prices %s: %s" % (path, message)), text
    assert "\n" not in text
    with pytest.raises(PricesError, match="^prices policy: " + re.escape(message)):
        price_data.load(broken(change))


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "cannot be read (No such file or directory)"),
        ("{regions: ", "not JSON (Expecting property name enclosed in double quotes"),
    ],
)
def test_an_override_file_that_cannot_be_read_is_refused_in_one_line(tmp_path, content, message):
    path = override_file(tmp_path, content) if content else str(tmp_path / "absent.json")
    with pytest.raises(PricesError, match="^prices %s: %s" % (re.escape(path), re.escape(message))):
        price_data.load(path)


def test_the_override_shown_in_the_docs_is_accepted(tmp_path):
    with open(os.path.join(ROOT, "docs", "cost.md"), encoding="utf-8") as f:
        [example] = re.findall(r"```json\n(.*?)```", f.read(), re.S)
    prices = price_data.load(override_file(tmp_path, example))
    [(region, given)] = json.loads(example)["regions"].items()
    assert (
        price_data.vended_logs(prices, region, "cloud-watch-logs", "STANDARD")
        == given["vended-logs"]["cloud-watch-logs"]["STANDARD"]
    )


def docs_price_rows():
    """[(region, destination, class or None, [tier rates], storage or None, confirmed)] of
    the price table in docs/cost.md."""
    with open(os.path.join(ROOT, "docs", "cost.md"), encoding="utf-8") as f:
        lines = f.read().splitlines()
    start = lines.index(next(line for line in lines if line.startswith("| region |"))) + 2
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        region, delivered, *rates, stored, confirmed = [
            cell.strip() for cell in line.strip("|").split("|")
        ]
        destination, *log_group_class = re.findall(r"`([^`]+)`", delivered)
        rows.append(
            (
                region.strip("`"),
                destination,
                (log_group_class or [None])[0],
                [float(r) for r in rates],
                None if stored == "-" else float(stored),
                confirmed == "yes",
            )
        )
    return rows


def test_the_docs_price_table_is_the_package_prices():
    package = price_data.package_prices()
    rows = docs_price_rows()
    assert {(r[0], r[1], r[2]) for r in rows} == {
        (region, destination, log_group_class)
        for region, kinds in package["regions"].items()
        for destination, figure in kinds["vended-logs"].items()
        for log_group_class in (figure if "tiers" not in figure else [None])
    }
    for region, destination, log_group_class, rates, stored, confirmed in rows:
        figure = price_data.vended_logs(package, region, destination, log_group_class)
        assert rates == [tier["usd-per-gb"] for tier in figure["tiers"]]
        storage = price_data.storage(package, region, destination, log_group_class)
        assert stored == (storage and storage["usd-per-gb-month"])
        assert confirmed is (
            figure["source"]["confirmed"] and (storage is None or storage["source"]["confirmed"])
        )
