"""The one reader of data/prices.json, the prices the cost model uses, which an override of
the same format may change in part (a file, or a mapping given in a policy).

Both are checked against c7n_vpcflow/schemas/prices.schema.json (and for what a schema
cannot say: tiers in ascending order, only the last unbounded) before any figure is used;
a bad override is refused in one line naming the file and the key. An override figure
replaces the package's figure at the same place and nothing else, so a rate card for one
region's CloudWatch Logs delivery keeps the package's storage prices.
"""

import json
from functools import lru_cache
from importlib.resources import files

PACKAGE_PRICES = "c7n_vpcflow/data/prices.json"
# The keys that hold a figure (and its source) rather than more keys.
FIGURE_KEYS = ("tiers", "usd-per-gb-month", "features")


class PricesError(ValueError):
    """A price file or mapping the cost model cannot use; the message is one line."""


@lru_cache(maxsize=None)
def _validator():
    """The prices schema's validator; None where jsonschema cannot be imported: in a Lambda
    function, whose archive carries the plugin and c7n only (jsonschema needs the compiled
    rpds-py). There the package's prices were checked by its tests, and a policy's were
    checked by `custodian run` when it validated the policy before deploying it."""
    try:
        from jsonschema import Draft202012Validator
    except ImportError:
        return None
    schema = files("c7n_vpcflow").joinpath("schemas", "prices.schema.json").read_text("utf-8")
    return Draft202012Validator(json.loads(schema))


def problem(prices):
    """What makes `prices` unusable, in one line; None when it is usable."""
    validator = _validator()
    if validator is not None:
        from jsonschema.exceptions import best_match

        error = best_match(validator.iter_errors(prices))
        if error is not None:
            where = "/".join(str(step) for step in error.absolute_path) or "(top)"
            return "%s: %s" % (where, error.message)
    for path, figure in _figures(prices["regions"], ("regions",)):
        wrong = "tiers" in figure and _tier_problem(figure["tiers"])
        if wrong:
            return "%s/tiers: %s" % ("/".join(path), wrong)
    return None


def _tier_problem(tiers):
    bounds = [tier["up-to-gb"] for tier in tiers]
    if bounds[-1] is not None or None in bounds[:-1]:
        return "only the last tier is without a bound (up-to-gb: null), and it must be"
    if bounds[:-1] != sorted(set(bounds[:-1])):
        return "the bounds (up-to-gb) must ascend"
    return None


def _figures(tree, path):
    """(path, figure) of every figure under `tree`."""
    if any(key in tree for key in FIGURE_KEYS):
        yield path, tree
        return
    for key, subtree in tree.items():
        yield from _figures(subtree, path + (key,))


def _merged(base, override):
    merged = dict(base)
    for key, value in override.items():
        if (
            isinstance(value, dict)
            and isinstance(base.get(key), dict)
            and not any(k in value for k in FIGURE_KEYS)
        ):
            merged[key] = _merged(base[key], value)
        else:
            merged[key] = value
    return merged


def _read(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except OSError as error:
        raise PricesError("prices %s: cannot be read (%s)" % (path, error.strerror)) from None
    except ValueError as error:
        raise PricesError("prices %s: not JSON (%s)" % (path, error)) from None


@lru_cache(maxsize=None)
def package_prices():
    """The package's prices (checked: a broken data file is a bug, said as such)."""
    prices = json.loads(files("c7n_vpcflow").joinpath("data", "prices.json").read_text("utf-8"))
    wrong = problem(prices)
    if wrong:
        raise PricesError("prices %s: %s" % (PACKAGE_PRICES, wrong))
    return prices


def load(override=None):
    """The package's prices, changed by `override` (a path to a JSON file of the same
    format, or such a mapping as a policy gives it) where it says otherwise."""
    if override is None:
        return package_prices()
    name, given = (
        ("policy", override) if isinstance(override, dict) else (override, _read(override))
    )
    wrong = problem(given)
    if wrong:
        raise PricesError("prices %s: %s" % (name, wrong))
    return _merged(package_prices(), given)


def vended_logs(prices, region, destination_type, log_group_class=None):
    """The tiered delivery price {tiers, source} for a destination type (and, for CloudWatch
    Logs, a log group class) in a region; None where the prices have none."""
    figure = prices["regions"].get(region, {}).get("vended-logs", {}).get(destination_type)
    return figure.get(log_group_class) if log_group_class and figure else figure


def storage(prices, region, destination_type, log_group_class=None):
    """The storage price {usd-per-gb-month, source}; None where the prices have none."""
    figure = prices["regions"].get(region, {}).get("storage", {}).get(destination_type)
    return figure.get(log_group_class) if log_group_class and figure else figure


def lacks(prices, log_group_class):
    """The features a log group class lacks, as the prices' data says (a set, maybe empty)."""
    classes = prices.get("log-group-classes", {}).get(log_group_class, {})
    return set(classes.get("lacks", {}).get("features", ()))


def for_region(prices, region):
    """The part of `prices` that prices `region` (and what the log group classes lack): a
    prices mapping of the same format, as an evidence file records what it was priced at."""
    regions = prices["regions"]
    part = {
        key: prices[key] for key in ("format", "currency", "log-group-classes") if key in prices
    }
    part["regions"] = {region: regions[region]} if region in regions else {}
    return part
