"""Shift-left CIS 3.7: the c7n-left policies of policies/iac and their gate, iac/check.py.

Each Terraform tree under tests/data/terraform/ is copied to a temporary directory (c7n-left
may write variable files into the tree it reads) and judged; the verdicts are exact: which
policy flagged which resource, nothing else. Needs the `iac` extra (c7n-left, tfparse);
skipped without it.
"""

import json
import shutil
import sys
from pathlib import Path

import pytest

from c7n_vpcflow.audit.filter import FlowLogCompliance
from c7n_vpcflow.vocabulary import RETENTION_DAYS
from support.iac import C7N_LEFT, CHECK, MISSING, POLICY_DIR, RETENTION, TRAFFIC, TREES, run

pytest.importorskip("c7n_left")
pytestmark = pytest.mark.iac

if not Path(C7N_LEFT).exists():
    pytest.skip("no c7n-left beside this Python", allow_module_level=True)

EXPECTED = {
    "compliant": set(),
    "missing": {(MISSING, "aws_vpc.main"), (MISSING, "aws_default_vpc.default")},
    "count": {(MISSING, "aws_vpc.spoke[2]")},
    "for_each": {(MISSING, 'aws_vpc.this["b"]')},
    "module": {(MISSING, "module.unlogged")},
    "data_vpc": {(TRAFFIC, "data.aws_vpc.shared")},
    "subnet_only": {(MISSING, "aws_vpc.main")},
    "tag_mention": {(MISSING, "aws_vpc.main")},
    "accept_only": {(TRAFFIC, "aws_vpc.accept_only"), (TRAFFIC, "aws_vpc.no_traffic_type")},
    # CIS 3.7 asks for a flow log, not a retention: by default no log group is judged.
    "log_group_retention": set(),
}


def tree(tmp_path, case):
    shutil.copytree(TREES / case, tmp_path / case)
    return tmp_path / case


def check(*roots, output="json", cwd=None, options=(), **env):
    return run(sys.executable, str(CHECK), "-o", output, *options, *map(str, roots), cwd=cwd, **env)


def findings(proc):
    results = json.loads(proc.stdout)["results"]
    return [(r["policy"]["name"], r["resource"]["__tfmeta"]["path"], r) for r in results]


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_verdicts(tmp_path, case):
    proc = check(tree(tmp_path, case))
    assert proc.returncode == (1 if EXPECTED[case] else 0), proc.stderr
    found = [(name, path) for name, path, _ in findings(proc)]
    assert sorted(found) == sorted(EXPECTED[case])


def test_terraform_aws_vpc_flow_log_shapes_meet_the_default_gate(tmp_path):
    """terraform-aws-vpc's flow-log example shapes: the module's log group (retention null
    by default) and one created beside it without retention_in_days never expire. The
    live audit counts that as enough, so the gate does too: exit 0, nothing to warn."""
    proc = check(tree(tmp_path, "vpc_module_flow_logs"))
    assert proc.returncode == 0, proc.stderr
    assert findings(proc) == [] and "warning" not in proc.stderr


def retention_findings(case, tmp_path, days):
    proc = check(tree(tmp_path / str(days), case), options=("--min-retention-days", str(days)))
    assert proc.returncode == (1 if findings(proc) else 0), proc.stderr
    return [(name, path) for name, path, _ in findings(proc)]


def test_opt_in_retention_fails_only_groups_whose_retention_is_set_below_the_minimum(tmp_path):
    """--min-retention-days N judges as the live filter's min-retention-days: a retention
    below N fails; none (or 0) never expires and keeps enough."""
    ninety = (RETENTION, "module.vpc_with_flow_logs_cloudwatch_logs_90_days")
    assert retention_findings("vpc_module_flow_logs", tmp_path, 365) == [ninety]
    assert retention_findings("vpc_module_flow_logs", tmp_path, 120) == [ninety]
    assert retention_findings("vpc_module_flow_logs", tmp_path, 90) == []
    # retention_in_days from a variable (365); absent and 0 never fail
    assert retention_findings("log_group_retention", tmp_path, 365) == []
    assert retention_findings("log_group_retention", tmp_path, 400) == [
        (RETENTION, "aws_cloudwatch_log_group.year")
    ]


def test_opt_in_retention_adds_to_the_default_policies_in_one_report(tmp_path):
    assert sorted(retention_findings("missing", tmp_path, 365)) == sorted(EXPECTED["missing"])


def test_min_retention_days_takes_only_the_retention_periods_the_live_filter_takes(tmp_path):
    # One list: the live filter's min-retention-days enum is vocabulary.RETENTION_DAYS.
    periods = "(%s)" % ", ".join(map(str, RETENTION_DAYS))
    for days in ("0", "-1", "a year", "91", "366", "3654"):
        proc = check(tree(tmp_path / days, "compliant"), options=("--min-retention-days", days))
        assert (
            proc.returncode == 2
            and "one of CloudWatch's retention periods %s: %r" % (periods, days) in proc.stderr
        ), days
    assert FlowLogCompliance.schema["properties"]["min-retention-days"]["enum"] == list(
        RETENTION_DAYS
    )


def test_module_finding_is_reported_on_the_call_and_names_the_resource(tmp_path):
    [(_, path, result)] = findings(check(tree(tmp_path, "module")))
    assert path == "module.unlogged"
    assert result["resource"]["__tfmeta"]["refs"] == ["module.unlogged.aws_vpc.this"]
    assert result["file_path"].endswith("module/main.tf") and result["file_line_start"] == 10


def test_tag_mention_links_the_flow_log_so_the_vpc_id_guard_is_what_flags_it(tmp_path):
    """tfparse links blocks by any mention: without `vpc_id: present` the ENI flow log,
    whose tags name the VPC, would pass for the VPC's flow log."""
    proc = run(
        C7N_LEFT,
        "dump",
        "-d",
        str(tree(tmp_path, "tag_mention")),
        "--output-query",
        "graph.aws_flow_log[0].__tfmeta.references[].label",
    )
    assert proc.returncode == 0, proc.stderr
    assert "aws_vpc" in json.loads(proc.stdout)


def test_bare_c7n_left_fails_open(tmp_path):
    """What the gate guards against (c7n-left 0.3.39): broken HCL and unfetched modules
    are judged as empty trees and pass, `--err-invalid` or not. Should this start failing
    after an upgrade, c7n-left closed the hole; the gate's own checks may stay."""
    for case in ("broken_hcl", "remote_module"):
        proc = run(
            C7N_LEFT, "run", "-p", str(POLICY_DIR), "-d", str(tree(tmp_path, case)), "--err-invalid"
        )
        assert proc.returncode == 0 and "on 0 resources" in proc.stdout, case


def test_broken_hcl_fails_loudly(tmp_path):
    tree(tmp_path, "broken_hcl")
    proc = check("broken_hcl", output="github", cwd=tmp_path)
    assert proc.returncode == 2
    assert "broken_hcl: HCL errors in broken_hcl, policies not run: main.tf:7," in proc.stderr
    assert "Unclosed configuration block" in proc.stderr
    assert proc.stdout.startswith(
        "::error file=broken_hcl/main.tf,line=7,title=Terraform does not parse::"
    )
    assert "Running" not in proc.stdout  # no policy ran


def test_broken_hcl_in_a_module_fails_loudly(tmp_path):
    """`dump --err-invalid` only stops on the root's HCL: a broken module merely loses its
    resources (here every VPC, so all would pass). The gate parses each module too."""
    root = tree(tmp_path, "module")
    with open(root / "modules" / "network" / "main.tf", "a") as f:
        f.write('resource "aws_subnet" "unclosed" {\n')
    assert run(C7N_LEFT, "dump", "-d", str(root), "--err-invalid").returncode == 0
    proc = check("module", output="github", cwd=tmp_path)
    assert proc.returncode == 2 and "Running" not in proc.stdout
    assert proc.stdout.startswith(
        "::error file=module/modules/network/main.tf,line=24,"
        "title=Terraform does not parse::module: HCL errors in "
        "module/modules/network, policies not run: main.tf:24,"
    )


def test_unfetched_modules_fail_loudly(tmp_path):
    tree(tmp_path, "remote_module")
    proc = check("remote_module", output="github", cwd=tmp_path)
    assert proc.returncode == 2
    for call, line in (("module.vpc", 3), ("module.network", 10)):
        assert f"remote_module: {call} (source " in proc.stderr
        assert (
            f"::error file=remote_module/main.tf,line={line},"
            f"title=Terraform module not present::remote_module: {call} "
        ) in proc.stdout
    assert "terraform init" in proc.stderr and "Running" not in proc.stdout


def fetch(root, skip=()):
    """What `terraform init` leaves: .terraform/modules/<key>/ and modules.json."""
    sources = {
        "vpc": (
            'variable "name" {}\nvariable "cidr" {}\n'
            'resource "aws_vpc" "this" {\n  cidr_block = var.cidr\n}\n'
            'module "flow" {\n  source = "cloudposse/vpc-flow-logs-s3-bucket/aws"\n'
            "  vpc_id = aws_vpc.this.id\n}\n"
        ),
        "vpc.flow": (
            'variable "vpc_id" {}\nresource "aws_flow_log" "this" {\n'
            '  vpc_id = var.vpc_id\n  traffic_type = "ALL"\n'
            '  log_destination_type = "s3"\n  log_destination = "arn:aws:s3:::l"\n}\n'
        ),
        "network": 'resource "aws_vpc" "this" {\n  cidr_block = "10.9.0.0/16"\n}\n',
    }
    entries = [{"Key": "", "Source": "", "Dir": "."}]
    for key, text in sources.items():
        (root / ".terraform" / "modules" / key).mkdir(parents=True)
        (root / ".terraform" / "modules" / key / "main.tf").write_text(text)
        if key not in skip:
            entries.append({"Key": key, "Source": key, "Dir": f".terraform/modules/{key}"})
    (root / ".terraform" / "modules" / "modules.json").write_text(json.dumps({"Modules": entries}))


def test_fetched_modules_are_judged_nested_ones_too(tmp_path):
    root = tree(tmp_path, "remote_module")
    fetch(root)
    proc = check(root)
    assert proc.returncode == 1, proc.stderr
    # module.vpc's VPC is logged by its nested module.vpc.module.flow; module.network's is not
    [(name, path, result)] = findings(proc)
    assert (name, path) == (MISSING, "module.network")
    assert result["resource"]["__tfmeta"]["refs"] == ["module.network.aws_vpc.this"]


def test_a_nested_module_missing_from_the_manifest_fails_loudly(tmp_path):
    root = tree(tmp_path, "remote_module")
    fetch(root, skip=("vpc.flow",))
    proc = check(root)
    assert proc.returncode == 2
    assert "module.vpc.module.flow (source 'cloudposse/vpc-flow-logs-s3-bucket/aws')" in proc.stderr


def test_a_stale_manifest_entry_fails_loudly(tmp_path):
    root = tree(tmp_path, "remote_module")
    fetch(root)
    shutil.rmtree(root / ".terraform" / "modules" / "network")
    proc = check(root)
    assert proc.returncode == 2 and "module.network (source" in proc.stderr


def test_a_local_module_path_that_does_not_exist_fails_loudly(tmp_path):
    root = tree(tmp_path, "module")
    shutil.rmtree(root / "modules")
    proc = check(root)
    assert proc.returncode == 2
    assert "module.unlogged (source './modules/network') is not on disk" in proc.stderr


def test_a_directory_without_terraform_fails_loudly(tmp_path):
    proc = check(tmp_path)
    assert proc.returncode == 2 and "no *.tf or *.tf.json files" in proc.stderr


def test_variables_without_a_value_are_warned_about(tmp_path):
    """c7n-left gives them type defaults: a count from an unset number is 0, so the VPC
    silently disappears from the evaluation. The gate says so, but not of variables whose
    default is false or null (c7n-left lists those too): they were declared on purpose."""
    (tmp_path / "main.tf").write_text(
        'variable "vpc_count" {\n  type = number\n}\n'
        'variable "name" {}\n'
        'variable "enable_flow_log" {\n  type = bool\n  default = false\n}\n'
        'variable "retention_in_days" {\n  type = number\n  default = null\n}\n'
        'resource "aws_vpc" "x" {\n  count = var.vpc_count\n  cidr_block = "10.0.0.0/16"\n}\n'
    )
    proc = check(tmp_path, output="github")
    assert proc.returncode == 0
    assert "evaluated with type defaults for name, vpc_count (a count" in proc.stderr
    assert "::warning title=Terraform variables without a value::" in proc.stdout
    vars_file = tmp_path / "vars.tfvars"
    vars_file.write_text('vpc_count = 1\nname = "x"\n')
    proc = run(
        sys.executable, str(CHECK), "-o", "json", "--var-file", str(vars_file), str(tmp_path)
    )
    assert proc.returncode == 1 and "type defaults" not in proc.stderr
    assert [(n, p) for n, p, _ in findings(proc)] == [(MISSING, "aws_vpc.x[0]")]


def test_github_annotations_on_actions_by_default(tmp_path):
    tree(tmp_path, "missing")
    proc = run(sys.executable, str(CHECK), "missing", cwd=tmp_path, GITHUB_ACTIONS="true")
    assert proc.returncode == 1
    annotations = sorted(ln for ln in proc.stdout.splitlines() if ln.startswith("::"))
    message = (
        "CIS AWS 3.7 - no aws_flow_log with vpc_id set to this VPC (a subnet or ENI "
        "flow log or a tag that names the VPC does not count). Add an aws_flow_log "
        "with vpc_id = this VPC's id and traffic_type REJECT or ALL."
    )
    assert annotations == [
        f"::error file=missing/main.tf,line={a},lineEnd={b},title=VPC without a flow log::{message}"
        for a, b in ((2, 4), (6, 6))
    ]


def test_several_roots_exit_with_the_worst_verdict(tmp_path):
    for case in ("compliant", "missing", "broken_hcl"):
        tree(tmp_path, case)
    proc = check("compliant", "missing", output="cli", cwd=tmp_path)
    assert proc.returncode == 1
    proc = check("compliant", "missing", "broken_hcl", output="cli", cwd=tmp_path)
    assert proc.returncode == 2 and "vpc-flow-logs-iac-missing" in proc.stdout
