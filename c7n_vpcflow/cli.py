"""`c7n-vpcflow`: the project's own command (the policies themselves run under the stock
`custodian` and `c7n-org`)."""
import argparse
import os
import sys

from .report import FORMATS, collect


def report(args):
    if not os.path.isdir(args.output_dir):
        print("c7n-vpcflow report: %s is not a directory" % args.output_dir, file=sys.stderr)
        return 2
    rows = collect(args.output_dir)
    if not rows:
        print("c7n-vpcflow report: no policy output (metadata.json) under %s"
              % args.output_dir, file=sys.stderr)
        return 1
    sys.stdout.write(FORMATS[args.format](rows))
    return 0


def parser():
    top = argparse.ArgumentParser(
        prog="c7n-vpcflow", description="CIS AWS 3.7 (VPC flow logs) tooling for Custodian")
    commands = top.add_subparsers(dest="command", required=True)
    rep = commands.add_parser(
        "report", help="compliance per account and region from custodian/c7n-org output",
        description="Per account and region: VPCs judged, non-compliant (with reason "
                    "counts), fixed and failed, plus a total line. Reads the output "
                    "directory of `custodian run -s OUT` or `c7n-org run -s OUT`.")
    rep.add_argument("output_dir", metavar="OUT")
    rep.add_argument("--format", choices=sorted(FORMATS), default="md",
                     help="md (default, readable in a terminal), csv or json")
    rep.set_defaults(func=report)
    return top


def main(argv=None):
    args = parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
