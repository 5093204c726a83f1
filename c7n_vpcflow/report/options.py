"""`c7n-vpcflow report`'s command line: its arguments with their help, the exit codes and
reading costs its help ends with, and the types that check each value before anything is
read; the run itself is report.command's."""

import argparse
import re
from datetime import timedelta

from c7n_vpcflow.report.aggregator import DEFAULT_RULE
from c7n_vpcflow.report.capped_read import MAX_FILE_BYTES, MIB
from c7n_vpcflow.report.checks import ACCOUNT_ID, REGION
from c7n_vpcflow.report.command import report
from c7n_vpcflow.report.profiles import CIS, PROFILES
from c7n_vpcflow.report.rows import DEFAULT_MAX_AGE
from c7n_vpcflow.report.text import FORMATS
from c7n_vpcflow.report.tree import DEFAULT_WORKERS

EXIT_CODES = """exit codes:
  0  every account-region listed was judged and every non-compliant VPC was fixed
     (an exempt VPC is not non-compliant here, unless --no-exemptions)
  1  VPCs remain non-compliant, or a fix failed
  2  usage error (bad arguments, OUT not a directory nor a listable S3 prefix,
     unreadable accounts file, a --prices file that cannot be used; with --from-config,
     no such aggregator, access denied)
  3  some account-region was not judged: its run failed or left no verdict; its newest
     verdict that counts is older than --max-age (stale), or with --require-lock not
     under an S3 Object Lock in compliance mode (unlocked); it was judged only with
     settings weaker than --profile; with -c or --regions, an account-region that must
     be present left no output; also when OUT holds no output of a policy using
     flow-log-compliance or enable-flow-logs (or the aggregator no evaluation of the rule)
  4  corrupt evidence: a file the report reads is truncated or invalid, larger than
     --max-file-mib once decompressed, does not match its schema (c7n_vpcflow/schemas/),
     or does not speak for its run (another account, region or policy; VPCs missing or
     named twice): one stderr line names it
the highest-numbered of 4, 3 and 1 that applies wins"""

# Names as AWS Config takes them (botocore's model: ConfigurationAggregatorName,
# ConfigRuleName), refused here before any call.
AGGREGATOR_NAME = re.compile(r"^[\w\-]{1,256}$")
RULE_NAME = re.compile(r"^(?=.*\S).{1,128}$", re.DOTALL)


DURATION = re.compile(r"^(\d+)([hd])$")
READING = """reading (S3: a request per listing or file, --workers at once):
  latest state  about 4 requests per account-region: the listings of its region folder
                and of its policy's keys of the last two days (four more when its latest
                run is older: its policy, newest year, month and day folders), and a
                GetObject each of metadata.json and flow-log-compliance.json (and of
                flow-log-results.json when the policy fixes); plus one listing per folder
                above (root, each account)
  history       --format html only: one more GetObject per run folder since --since (the
                same listing finds them: ceil(keys / 1,000) requests); a daily run over
                the default 30 days: about 30 more requests per account-region, e.g.
                17,000 account-regions: about 510,000 requests, about 7 minutes at S3's
                ~25 ms a request with 32 workers
  --from-config no evidence folders: ceil(R / 1,000) DescribeAggregateComplianceByConfigRules
                for the R account-regions of the rule, then
                GetAggregateComplianceDetailsByConfigRule per account-region, ceil(VPCs /
                100) each, --workers account-regions at once: 17,000 account-regions of
                up to 100 VPCs, about 17,017 requests; no history"""


def duration(text):
    """'48h' or '30d' as a timedelta; 'none' as None (no bound)."""
    if text.strip().lower() == "none":
        return None
    match = DURATION.match(text.strip())
    if not match:
        raise argparse.ArgumentTypeError("%r is not a duration like 48h, 30d or none" % text)
    number, unit = int(match.group(1)), match.group(2)
    return timedelta(hours=number) if unit == "h" else timedelta(days=number)


def positive(text):
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError("%r is not a whole number of at least 1" % text)
    return value


def matching(pattern, what):
    def check(text):
        if not pattern.match(text):
            raise argparse.ArgumentTypeError("%r is not %s" % (text, what))
        return text

    return check


def register(commands):
    """Adds the `report` subcommand to the c7n-vpcflow parser."""
    rep = commands.add_parser(
        "report",
        help="compliance per account and region from custodian/c7n-org output",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EXIT_CODES + "\n\n" + READING,
        description="Per account and region: when it was judged, VPCs judged, "
        "non-compliant (with reason counts), fixed and failed, plus a total "
        "line; an account-region whose run judged nothing is shown as not "
        "judged, with the cause. Reads the output directory of `custodian run "
        "-s OUT` or `c7n-org run -s OUT`, local or s3://bucket[/prefix] "
        "(Custodian's run folders, gzipped or not); several OUTs are read "
        "together. The latest judged run of each account-region counts. Or, "
        "with --from-config, the evaluations the Config rule put in every "
        "account-region of an AWS Config aggregator (reasons read back from "
        "their annotations).",
    )
    rep.add_argument("output_dir", metavar="OUT", nargs="*")
    rep.add_argument(
        "--from-config",
        metavar="AGGREGATOR",
        type=matching(AGGREGATOR_NAME, "an aggregator name (letters, digits, _ and -)"),
        help="instead of OUT: read the verdicts the vpc-flow-log-config-rule "
        "mode put into AWS Config, across the organisation, from this "
        "configuration aggregator (in the region of your AWS "
        "configuration); for organisations too large to read evidence "
        "folders (see the reading costs below)",
    )
    rep.add_argument(
        "--rule",
        metavar="NAME",
        type=matching(RULE_NAME, "a Config rule name (1 to 128 characters, not all blank)"),
        help="with --from-config: the Config rule (default %s, the one "
        "policies/vpc-flow-logs-config-rule.yml deploys)" % DEFAULT_RULE,
    )
    rep.add_argument(
        "--format",
        choices=sorted(FORMATS) + ["html"],
        default="md",
        help="md (default, readable in a terminal), csv, json, or html (one "
        "self-contained page; with several runs in the evidence, "
        "compliance over time: reads every run's verdict)",
    )
    rep.add_argument(
        "-c",
        "--config",
        metavar="ACCOUNTS_YML",
        help="the c7n-org accounts file: its account-regions (as its "
        "`regions` list them) with no output are listed as not judged",
    )
    rep.add_argument(
        "--workers",
        type=positive,
        default=DEFAULT_WORKERS,
        metavar="N",
        help="listings and file reads at once (default %d; 1 reads one after "
        "another)" % DEFAULT_WORKERS,
    )
    rep.add_argument(
        "--since",
        type=duration,
        default=timedelta(days=30),
        metavar="DURATION",
        help="how far back the HTML report's history reads run folders, e.g. "
        "30d (the default) or 12h; none reads all of them (see the cost "
        "below); the latest run of each policy is read whatever its age",
    )
    rep.add_argument(
        "--max-file-mib",
        type=positive,
        default=MAX_FILE_BYTES // MIB,
        metavar="MIB",
        help="an evidence file larger than this once decompressed is refused "
        "as corrupt (exit 4) without being read further (default %d; a "
        "verdict on 10,000 VPCs is a few MiB)" % (MAX_FILE_BYTES // MIB),
    )
    rep.add_argument(
        "--profile",
        choices=PROFILES,
        default=CIS,
        help="which verdicts count, judged from the settings each records: cis "
        "(default) only those judged at least as strictly as CIS 3.7 "
        "(traffic-types without ACCEPT), and only fixes made with "
        "traffic-type ALL or REJECT; a weaker one is listed with its "
        "reason and never makes an account-region pass. as-judged: every "
        "one as it was judged (dashboards). The newest that counts counts",
    )
    rep.add_argument(
        "--no-exemptions",
        action="store_true",
        help="the raw state: count a VPC the verdict found exempt (under a "
        "current exemption of the register the filter applied) as "
        "non-compliant, as if no register applied. By default an exempt "
        "VPC is counted apart (Exempt) and fails no gate; one whose "
        "exemption has expired is non-compliant either way",
    )
    rep.add_argument(
        "--max-age",
        type=duration,
        default=DEFAULT_MAX_AGE,
        metavar="DURATION",
        help="how old the verdict that counts may be, e.g. 48h (the default: "
        "a daily schedule plus slack) or 30d; an account-region whose "
        "newest such verdict is older is stale: shown with its age and "
        "not judged (exit 3). none: any age",
    )
    rep.add_argument(
        "--require-lock",
        action="store_true",
        help="count a verdict only when the S3 object it was read from is under "
        "an Object Lock retention in compliance mode (as "
        "iam/evidence-bucket.yml keeps every version): no one can rewrite "
        "it. Else its account-region is unlocked: not judged (exit 3). The "
        "report shows every verdict's lock either way (Locked until), read "
        "from the GetObject that fetched it; S3 shows it only to a reader "
        "allowed s3:GetObjectRetention",
    )
    rep.add_argument(
        "--prices",
        metavar="FILE",
        help="re-price the bytes the flow-log-cost evidence measured with these "
        "prices (c7n_vpcflow/data/prices.json's format, holding only what "
        "it changes: docs/cost.md); without it, each run's figures are "
        "shown at the prices it recorded",
    )
    rep.add_argument(
        "--regions",
        nargs="+",
        metavar="REGION",
        type=matching(REGION, "a region name like us-east-1"),
        help="regions that must be present for every account (those of "
        "--account-id, else every account the evidence or -c names), as "
        "-c does for c7n-org: one that left no output is not judged. "
        "`custodian run` output names no regions of its own: give the "
        "ones you ran",
    )
    rep.add_argument(
        "--account-id",
        nargs="+",
        metavar="ID",
        dest="account_ids",
        type=matching(ACCOUNT_ID, "a 12-digit account id"),
        help="with --regions: the accounts that must be present, even when "
        "the evidence holds nothing of them",
    )
    rep.set_defaults(func=report)
