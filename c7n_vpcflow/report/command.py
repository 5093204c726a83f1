"""`c7n-vpcflow report`'s run: read the evidence, check it, render it, and its exit code
(report.options holds its command line)."""

import sys
from datetime import datetime, timezone
from types import MappingProxyType

from c7n_vpcflow.cost import prices as price_data
from c7n_vpcflow.report.accounts import AccountsFileError, check_account_names, read_accounts
from c7n_vpcflow.report.aggregator import DEFAULT_RULE, read_from_config
from c7n_vpcflow.report.capped_read import MIB
from c7n_vpcflow.report.costs import newest_costs
from c7n_vpcflow.report.html import as_html
from c7n_vpcflow.report.our_runs import judging
from c7n_vpcflow.report.overall import Gate, gate, total
from c7n_vpcflow.report.profiles import verdict_shortfall
from c7n_vpcflow.report.rows import Terms, account_rows
from c7n_vpcflow.report.source import SourceError, stamp_of
from c7n_vpcflow.report.text import FORMATS
from c7n_vpcflow.report.tree import open_source, read_tree
from c7n_vpcflow.vocabulary import ACTION, FILTER

WHY = MappingProxyType(
    {
        Gate.NON_COMPLIANT: "VPCs remain non-compliant or failed",
        Gate.NOT_JUDGED: "some account-region was not judged",
        Gate.CORRUPT: "corrupt evidence",
    }
)
CLEAN = "every account-region judged, every VPC found non-compliant fixed"


def clean_text(rows):
    """What exit 0 means of these rows: an exempt VPC passes the gate unfixed, so say so."""
    exempt = total(rows).exempt or 0
    if not exempt:
        return CLEAN
    return (
        "every account-region judged, every VPC found non-compliant fixed or exempt (%d exempt)"
        % exempt
    )


def say(text):
    print("c7n-vpcflow report: %s" % text, file=sys.stderr)


def usage_problem(args):
    """Why these arguments cannot make a report, or None."""
    if args.account_ids and not args.regions:
        return "--account-id names the accounts whose --regions must be present: give --regions"
    if bool(args.output_dir) == bool(args.from_config):
        return "give OUT (evidence folders) or --from-config AGGREGATOR (one of them)"
    if args.rule and not args.from_config:
        return "--rule names the rule --from-config reads: give --from-config"
    if args.from_config and args.require_lock:
        return (
            "--require-lock reads the S3 Object Lock of evidence files; AWS Config "
            "keeps the evaluations --from-config reads"
        )
    return None


def read_runs(args):
    """(runs, notes, history, what was read) from OUT or the Config aggregator."""
    if args.from_config:
        rule = args.rule or DEFAULT_RULE
        runs, notes = read_from_config(args.from_config, rule, args.workers)
        return runs, notes, [], ["AWS Config aggregator %s (rule %s)" % (args.from_config, rule)]
    since = None
    if args.format == "html":
        since = () if args.since is None else stamp_of(datetime.now(timezone.utc) - args.since)
    sources = [
        open_source(location, max_bytes=args.max_file_mib * MIB, connections=args.workers)
        for location in args.output_dir
    ]
    runs, notes, history = read_tree(sources, since, args.workers)
    return runs, notes, history, args.output_dir


def report(args):
    problem = usage_problem(args)
    if problem:
        say(problem)
        return Gate.USAGE
    terms = Terms(
        args.profile,
        args.max_age,
        require_lock=args.require_lock,
        exemptions=not args.no_exemptions,
    )
    try:
        prices = price_data.load(args.prices) if args.prices else None
    except price_data.PricesError as e:
        say("--%s" % e)
        return Gate.USAGE
    try:
        accounts = read_accounts(args.config) if args.config else ()
        runs, notes, history, read = read_runs(args)
    except (SourceError, AccountsFileError) as e:
        say(str(e))
        return Gate.USAGE
    check_account_names(runs, accounts)
    judged_runs = judging(runs)
    rows, row_notes = account_rows(
        judged_runs, accounts, terms, args.regions or (), args.account_ids or ()
    )
    costs = newest_costs(runs, prices, args.prices)
    corrupt = [problem for run in runs for problem in run.corrupt]
    for problem in corrupt:
        say("corrupt evidence: %s" % problem)
    for note in notes + row_notes:
        say(note)
    if not judged_runs:
        say(
            "%s holds no evaluation: nothing was judged" % read[0]
            if args.from_config
            else "no output of a policy using %s or %s under %s: nothing was judged"
            % (FILTER, ACTION, " ".join(read))
        )
    code = gate(rows, bool(corrupt))
    if args.format == "html":
        # Compliance over time, too, shows only verdicts the profile counts.
        history = [
            (parts, verdict)
            for parts, verdict in history
            if not verdict_shortfall(terms.profile, verdict["settings"])
        ]
        sys.stdout.write(
            as_html(
                rows, history, read, (code, WHY.get(code) or clean_text(rows)), terms, costs=costs
            )
        )
    else:
        sys.stdout.write(FORMATS[args.format](rows, terms, costs))
    if code:
        say("exit %d: %s" % (code, WHY[code]))
    return code
