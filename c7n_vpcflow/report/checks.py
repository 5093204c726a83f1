"""What the report checks before an evidence file counts: its format, its schema
(c7n_vpcflow/schemas/, JSON Schema draft 2020-12, validated by `jsonschema`), what a
schema cannot say (each VPC named once; the exemptions it cites: report.exemption_checks;
a cost file's figures what its measurements come to at its prices: report.costs), and that
it speaks for the run it was found in (account, region and policy of metadata.json and of
the folders it lies in; no fewer VPCs judged than the run matched; results only for VPCs
the run judged or matched; costs only of VPCs it judged).

Each check returns one line saying what is wrong, or None.
"""

import json
import re
from functools import lru_cache
from importlib.resources import files

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from referencing import Registry, Resource

from c7n_vpcflow.report import costs
from c7n_vpcflow.report.exemption_checks import (
    results_exemption_problem,
    verdicts_exemption_problem,
)
from c7n_vpcflow.vocabulary import (
    COST_FILE,
    EVIDENCE_FORMAT,
    PLAN_FILE,
    RESULTS_FILE,
    VERDICTS_FILE,
    Judgement,
)

REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")
ACCOUNT_ID = re.compile(r"^\d{12}$")
PRICES_SCHEMA = "prices.schema.json"
LONGEST = 240  # characters of a schema error's message kept on its one line


def schema_file(name):
    """The published schema of an evidence file, by the file's name."""
    return name[: -len(".json")] + ".schema.json"


def _schema(name):
    return json.loads(files("c7n_vpcflow").joinpath("schemas", name).read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def validators():
    """{evidence file name: validator}; the others' schemas refer to the verdict's (and the
    cost file's to the prices'). The report reads verdicts, results and costs; a dry run's
    plans are checked all the same."""
    schemas = {
        name: _schema(schema_file(name))
        for name in (VERDICTS_FILE, RESULTS_FILE, PLAN_FILE, COST_FILE)
    }
    registry = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema))
        for schema in [*schemas.values(), _schema(PRICES_SCHEMA)]
    )
    return {
        name: Draft202012Validator(schema, registry=registry) for name, schema in schemas.items()
    }


def not_counted(name, data):
    """Why a file that parsed is of a format the report does not count; None for ours."""
    if isinstance(data, dict) and data.get("format") == EVIDENCE_FORMAT:
        return None
    if isinstance(data, dict) and "format" in data:
        return "format %r, which this c7n-vpcflow does not read (it reads format %d)" % (
            data["format"],
            EVIDENCE_FORMAT,
        )
    older = (
        isinstance(data, dict) and "judged" in data and "status" in data
        if name == VERDICTS_FILE
        else isinstance(data, list) or isinstance(data, dict) and "results" in data
    )
    if older:
        return (
            "written by an older c7n-vpcflow, without a format version or the settings "
            "it was %s under" % ("judged" if name == VERDICTS_FILE else "done")
        )
    return None


def schema_problem(name, data):
    error = best_match(validators()[name].iter_errors(data))
    if error is None:
        return None
    where = "/".join(str(p) for p in error.absolute_path) or "the top level"
    message = " ".join(error.message.split())
    if len(message) > LONGEST:
        message = message[:LONGEST] + "..."
    return "does not match %s at %s: %s" % (schema_file(name), where, message)


def _repeated(ids):
    seen, repeated = set(), []
    for vpc_id in ids:
        if vpc_id in seen and vpc_id not in repeated:
            repeated.append(vpc_id)
        seen.add(vpc_id)
    return repeated


def consistency_problem(name, data):
    """What the schema cannot say about one file."""
    if name == PLAN_FILE:
        return None
    if name == COST_FILE:
        return costs.consistency_problem(data)
    if name == VERDICTS_FILE:
        ids = [v["vpc-id"] for v in data["judged"]] + [v["vpc-id"] for v in data["shared"]]
        repeated = _repeated(ids)
        if repeated:
            return "names %s more than once" % ", ".join(repeated)
        return verdicts_exemption_problem(data)
    repeated = _repeated(r["vpc-id"] for r in data["results"])
    if repeated:
        return "has more than one result for %s" % ", ".join(repeated)
    misnamed = [
        r["vpc-id"] for r in data["results"] if r.get("verdict", r)["vpc-id"] != r["vpc-id"]
    ]
    if misnamed:
        return "has results for %s whose verdict names another VPC" % ", ".join(misnamed)
    elsewhere = [
        r["vpc-id"]
        for r in data["results"]
        if (r["account-id"], r["region"]) != (data["account-id"], data["region"])
    ]
    if elsewhere:
        return "says %s/%s but has results of another account-region for %s" % (
            data["account-id"],
            data["region"],
            ", ".join(elsewhere),
        )
    return results_exemption_problem(data)


def file_problem(name, data):
    """The schema, then what it cannot say."""
    return schema_problem(name, data) or consistency_problem(name, data)


def location_problem(data, metadata, parts):
    """Whether a file says the account, region and policy of its run and its folders."""
    config = metadata.get("config") or {}
    expected = [
        ("account", config.get("account_id"), data["account-id"], "metadata.json"),
        ("region", config.get("region"), data["region"], "metadata.json"),
        ("policy", metadata["policy"].get("name"), data["policy"], "metadata.json"),
    ]
    if len(parts) >= 2 and REGION.match(parts[-2]):
        expected.append(("region", parts[-2], data["region"], "its folder"))
        if len(parts) >= 3 and ACCOUNT_ID.match(parts[-3]):
            expected.append(("account", parts[-3], data["account-id"], "its folder"))
    for what, run, said, source in expected:
        if run and run != said:
            return "says %s %s, but %s says %s" % (what, said, source, run)
    return None


def matched_count(metadata):
    """How many VPCs the run kept after its filters (Custodian's ResourceCount metric);
    None when the run did not get that far."""
    counts = [
        m.get("Value")
        for m in metadata.get("metrics") or ()
        if isinstance(m, dict) and m.get("MetricName") == "ResourceCount"
    ]
    return counts[-1] if counts and isinstance(counts[-1], int) else None


def verdict_run_problem(verdict, metadata):
    """A verdict judges every VPC the run kept: Custodian keeps only VPCs the filter saw."""
    matched = matched_count(metadata)
    named = len(verdict["judged"]) + len(verdict["shared"])
    if verdict["status"] == Judgement.JUDGED.value and matched is not None and matched > named:
        return (
            "names %d VPCs, but the run kept %d (metadata.json's ResourceCount): "
            "VPCs are missing from it" % (named, matched)
        )
    return None


def results_run_problem(results, judged_ids, matched_ids):
    """Every result is for a VPC the same run judged or kept (`matched_ids`: None unknown)."""
    known = set(judged_ids) | set(matched_ids or ())
    strangers = [r["vpc-id"] for r in results["results"] if r["vpc-id"] not in known]
    if strangers:
        return "has results for %s, which this run neither judged nor kept (%s)" % (
            ", ".join(strangers),
            "resources.json" if matched_ids is not None else "resources.json is not this run's",
        )
    return None


def costs_run_problem(costs, verdict):
    """The cost filter of a run measures only VPCs its flow-log-compliance judged."""
    strangers = sorted(
        {v["vpc-id"] for v in costs["vpcs"]} - {v["vpc-id"] for v in verdict["judged"]}
    )
    if strangers:
        return "measures %s, which the run's %s does not judge" % (
            ", ".join(strangers),
            VERDICTS_FILE,
        )
    return None
