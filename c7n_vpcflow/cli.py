"""`c7n-vpcflow`: the project's own command (the policies themselves run under the stock
`custodian` and `c7n-org`)."""
import argparse
import sys

from .account_rows import AccountsFileError, Gate, account_rows, gate, read_accounts
from .evidence_source import SourceError, open_source
from .evidence_tree import ACTION, FILTER, check_account_names, read_tree
from .html_report import as_html
from .permissions import register as register_permissions
from .report import FORMATS
from .telemetry_check import register as register_telemetry_check

EXIT_CODES = """exit codes:
  0  every account-region listed was judged and every non-compliant VPC was fixed
  1  VPCs remain non-compliant, or a fix failed
  2  usage error (bad arguments, OUT not a directory nor a listable S3 prefix,
     unreadable accounts file)
  3  some account-region was not judged (its run failed, or left no verdict; with -c,
     an account-region of the c7n-org config left no output); also when OUT holds no
     output of a policy using flow-log-compliance or enable-flow-logs
  4  corrupt evidence: a file the report reads is truncated or invalid, does not match
     its schema (c7n_vpcflow/schemas/), or does not speak for its run (another account,
     region or policy; VPCs missing or named twice): one stderr line names it
the highest-numbered of 4, 3 and 1 that applies wins"""

WHY = {Gate.NON_COMPLIANT: "VPCs remain non-compliant or failed",
       Gate.NOT_JUDGED: "some account-region was not judged",
       Gate.CORRUPT: "corrupt evidence"}
CLEAN = "every account-region judged, every VPC found non-compliant fixed"


def say(text):
    print("c7n-vpcflow report: %s" % text, file=sys.stderr)


def report(args):
    try:
        sources = [open_source(location) for location in args.output_dir]
        accounts = read_accounts(args.config) if args.config else ()
        runs, notes, history = read_tree(sources, history=args.format == "html")
    except (SourceError, AccountsFileError) as e:
        say(str(e))
        return Gate.USAGE
    check_account_names(runs, accounts)
    rows, row_notes = account_rows(runs, accounts)
    corrupt = [problem for run in runs for problem in run.corrupt]
    for problem in corrupt:
        say("corrupt evidence: %s" % problem)
    for note in notes + row_notes:
        say(note)
    if not runs:
        say("no output of a policy using %s or %s under %s: nothing was judged" % (
            FILTER, ACTION, " ".join(args.output_dir)))
    code = gate(rows, bool(corrupt))
    if args.format == "html":
        sys.stdout.write(as_html(rows, history, args.output_dir, (code, WHY.get(code, CLEAN))))
    else:
        sys.stdout.write(FORMATS[args.format](rows))
    if code:
        say("exit %d: %s" % (code, WHY[code]))
    return code


def parser():
    top = argparse.ArgumentParser(
        prog="c7n-vpcflow", description="CIS AWS 3.7 (VPC flow logs) tooling for Custodian")
    commands = top.add_subparsers(dest="command", required=True)
    rep = commands.add_parser(
        "report", help="compliance per account and region from custodian/c7n-org output",
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=EXIT_CODES,
        description="Per account and region: when it was judged, VPCs judged, "
                    "non-compliant (with reason counts), fixed and failed, plus a total "
                    "line; an account-region whose run judged nothing is shown as not "
                    "judged, with the cause. Reads the output directory of `custodian run "
                    "-s OUT` or `c7n-org run -s OUT`, local or s3://bucket[/prefix] "
                    "(Custodian's run folders, gzipped or not); several OUTs are read "
                    "together. The latest judged run of each account-region counts.")
    rep.add_argument("output_dir", metavar="OUT", nargs="+")
    rep.add_argument("--format", choices=sorted(FORMATS) + ["html"], default="md",
                     help="md (default, readable in a terminal), csv, json, or html (one "
                          "self-contained page; with several runs in the evidence, "
                          "compliance over time: reads every run's verdict)")
    rep.add_argument("-c", "--config", metavar="ACCOUNTS_YML",
                     help="the c7n-org accounts file: its account-regions (as its "
                          "`regions` list them) with no output are listed as not judged")
    rep.set_defaults(func=report)
    register_permissions(commands)
    register_telemetry_check(commands)
    return top


def main(argv=None):
    args = parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
