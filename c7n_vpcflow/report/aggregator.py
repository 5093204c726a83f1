"""The organisation's verdicts from an AWS Config aggregator, not a crawl of evidence
folders: what ``c7n-vpcflow report --from-config AGGREGATOR [--rule NAME]`` reads.

The rule (put by the ``vpc-flow-log-config-rule`` mode) holds one evaluation per VPC of each
account-region; each is read back into the record an evidence folder gives the report
(policy_run.PolicyRun, with the verdict in flow-log-compliance.json's shape), its reasons,
settings and flow logs parsed from the annotation. Calls, for R account-regions holding E
evaluations: DescribeAggregateComplianceByConfigRules, ceil(R/1000) pages (at least one);
GetAggregateComplianceDetailsByConfigRule, ceil(E/100) pages per account-region (at least
one each). Imports no Custodian module: it takes the boto3 config client to read with.

What an aggregator does not hold, the records do not claim: AWS Config returns only
COMPLIANT and NON_COMPLIANT evaluations there (so shared VPCs, NOT_APPLICABLE, are not
listed), no VPC's name, and of each flow log only what the annotation names (id, manager);
an account-region whose rule has no evaluation yet is not listed (the accounts file or
--regions make it a row not judged). An account-region is dated by its oldest evaluation,
and is not judged when an evaluation is not one this plugin wrote.

Account-regions are read `workers` at a time, each one's pages in order; a throttled call
is retried (botocore's standard retries).
"""

from concurrent.futures import ThreadPoolExecutor
from datetime import timezone

from ..evaluations.annotation import SETTINGS, NotOurs, parse_verdict
from ..evaluations.records import COMPLIANT
from ..vocabulary import CONFIG_RULE_MODE, FILTER, VPC_RESOURCE_TYPE, Judgement
from .policy_run import PolicyRun
from .source import SourceError

# The rule Custodian creates for policies/vpc-flow-logs-config-rule.yml.
DEFAULT_RULE = "custodian-vpc-flow-logs-config-rule"
# GetAggregateComplianceDetailsByConfigRule's largest page (botocore's config model).
PAGE_SIZE = 100
# What reading an aggregator takes (on the aggregator's ARN).
READER_PERMISSIONS = (
    "config:DescribeAggregateComplianceByConfigRules",
    "config:GetAggregateComplianceDetailsByConfigRule",
)


def account_regions(client, aggregator, rule):
    """[(account id, region)] whose rule has evaluations in the aggregator, sorted."""
    pages = client.get_paginator("describe_aggregate_compliance_by_config_rules").paginate(
        ConfigurationAggregatorName=aggregator, Filters={"ConfigRuleName": rule}
    )
    return sorted(
        {
            (item["AccountId"], item["AwsRegion"])
            for page in pages
            for item in page["AggregateComplianceByConfigRules"]
        }
    )


def evaluation_results(client, aggregator, rule, account_id, region):
    pages = client.get_paginator("get_aggregate_compliance_details_by_config_rule").paginate(
        ConfigurationAggregatorName=aggregator,
        ConfigRuleName=rule,
        AccountId=account_id,
        AwsRegion=region,
        PaginationConfig={"PageSize": PAGE_SIZE},
    )
    return [result for page in pages for result in page["AggregateEvaluationResults"]]


def weakest(settings_seen):
    """The settings no evaluation was judged more weakly than: the verdict claims no more."""
    merged = {"match": "all"}
    for key in SETTINGS:
        values = [s.get(key) for s in settings_seen]
        if not values or any(v is None for v in values):
            merged[key] = None
        elif key == "min-retention-days":
            merged[key] = min(values)
        else:
            merged[key] = sorted(set().union(*values))
    return merged


def verdict_entry(result):
    """The verdict-file entry of one evaluation; NotOurs when the plugin did not write it."""
    qualifier = result["EvaluationResultIdentifier"]["EvaluationResultQualifier"]
    if qualifier["ResourceType"] != VPC_RESOURCE_TYPE:
        raise NotOurs("evaluates a %s" % qualifier["ResourceType"])
    verdict = parse_verdict(result.get("Annotation"))
    if (result["ComplianceType"] == COMPLIANT) != (not verdict.violations):
        raise NotOurs("%s, but the annotation says otherwise" % result["ComplianceType"])
    return verdict, {
        "vpc-id": qualifier["ResourceId"],
        "name": None,
        "compliant": not verdict.violations,
        "violations": list(verdict.violations),
        "flow-log-ids": [flow_log_id for flow_log_id, _manager in verdict.flow_logs],
        "flow-logs": [
            {"id": flow_log_id, "managed-by": manager} for flow_log_id, manager in verdict.flow_logs
        ],
    }


def read_run(results, aggregator, rule, account_id, region):
    """(the PolicyRun of one account-region's evaluations, notes for stderr)."""
    run = PolicyRun(
        directory="config:%s/%s/%s/%s" % (aggregator, rule, account_id, region),
        policy=rule,
        account_id=account_id,
        region=region,
        uses={FILTER},
        mode=CONFIG_RULE_MODE,
    )
    where = "%s/%s" % (account_id, region)
    judged, settings, notes = [], [], []
    for result in results:
        vpc_id = result["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ResourceId"]
        try:
            verdict, entry = verdict_entry(result)
        except NotOurs as e:
            run.cause = "the evaluation of %s by rule %s is not c7n-vpcflow's (%s): %r" % (
                vpc_id,
                rule,
                e,
                result.get("Annotation"),
            )
            return run, notes
        if verdict.cut:
            notes.append(
                "%s: %s: its annotation was cut; only %d of its flow logs are named"
                % (where, vpc_id, len(verdict.flow_logs))
            )
        judged.append(entry)
        settings.append(verdict.settings)
    stamps = sorted(
        {
            r["EvaluationResultIdentifier"]["OrderingTimestamp"].astimezone(timezone.utc)
            for r in results
        }
    )
    if len(stamps) > 1:
        notes.append(
            "%s: evaluations of %d runs of rule %s; dated by the oldest, %s"
            % (where, len(stamps), rule, stamps[0].isoformat())
        )
    run.started = stamps[0] if stamps else None
    run.verdicts = {
        "settings": weakest(settings),
        "status": Judgement.JUDGED.value,
        "cause": None,
        "judged": judged,
        "shared": [],
    }
    return run, notes


def read_aggregator(client, aggregator, rule=DEFAULT_RULE, workers=1):
    """(a PolicyRun per account-region of the rule in the aggregator, notes for stderr),
    reading `workers` account-regions at once."""

    def read(place):
        account_id, region = place
        return read_run(
            evaluation_results(client, aggregator, rule, account_id, region),
            aggregator,
            rule,
            account_id,
            region,
        )

    places = account_regions(client, aggregator, rule)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        read_places = list(pool.map(read, places))
    return [run for run, _ in read_places], [note for _, notes in read_places for note in notes]


def read_from_config(aggregator, rule=DEFAULT_RULE, workers=1):
    """read_aggregator with a config client of the environment's (the aggregator's region:
    AWS_REGION or the profile's); SourceError, in one line, when AWS Config cannot be read:
    no such aggregator, access denied, no region or credentials, any other refusal."""
    # boto3 only on this path: reading evidence folders needs none.
    import boto3
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError, NoRegionError

    client = None
    try:
        client = boto3.client(
            "config", config=Config(retries={"mode": "standard"}, max_pool_connections=workers)
        )
        return read_aggregator(client, aggregator, rule, workers)
    except ClientError as e:
        raise SourceError(refusal(e, client, aggregator)) from None
    except NoRegionError:
        raise SourceError(
            "cannot read AWS Config: no region; set AWS_REGION to the aggregator's"
        ) from None
    except BotoCoreError as e:
        raise SourceError("cannot read AWS Config: %s" % " ".join(str(e).split())) from None


def refusal(error, client, aggregator):
    """One line on AWS Config's refusal to read `aggregator`."""
    answer = error.response.get("Error", {})
    code, message = str(answer.get("Code", "")), " ".join(str(answer.get("Message", "")).split())
    where = "AWS Config in %s" % client.meta.region_name
    if code == "NoSuchConfigurationAggregatorException":
        return (
            "%s has no configuration aggregator %s (run in the aggregator's region: "
            "AWS_REGION)" % (where, aggregator)
        )
    if "AccessDenied" in code:
        return "%s: %s: %s; reading the aggregator takes %s on it" % (
            where,
            code,
            message,
            " and ".join(READER_PERMISSIONS),
        )
    if code.isdigit():  # botocore's code for an answer that holds no AWS error
        return "%s: HTTP %s and no AWS error from %s" % (where, code, client.meta.endpoint_url)
    return "%s: %s: %s" % (where, code, message)
