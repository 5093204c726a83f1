#!/usr/bin/env python3
"""CIS AWS 3.7 shift-left gate: c7n-left over Terraform roots, with its fail-open cases shut.

    python iac/check.py [-p policies/iac] [-o cli|github|json|junit] [--var-file F]
                        [--min-retention-days N] DIR...

c7n-left 0.3.39 (checked) judges what it could not read as absent and passes: broken HCL
(even with `run --err-invalid`), module calls whose source is not on disk, modules whose HCL
is broken. So each root is first parsed with `c7n-left dump --err-invalid`; every module call
found must resolve locally (a ./ or ../ path that exists, or an entry of the
.terraform/modules/modules.json that `terraform init` writes) and parse on its own. Only
then do the policies run. Variables left without a value (no default, none given: c7n-left
gives them type defaults, a count of 0) are warned about.

By default the gate judges what the CIS 3.7 audit asks, as the live audit does. With
--min-retention-days N (one of CloudWatch's retention periods, as the live filter's
`min-retention-days` takes) it also runs the opt-in policies (<policy dir>/opt-in): a flow
log's CloudWatch log group whose retention is set below N fails; one that never expires keeps
enough, as the live filter judges.

Exit status: 0 no finding; 1 findings; 2 a root could not be judged (HCL does not parse,
module not present, no Terraform files). Output defaults to `github` (annotations) when
GITHUB_ACTIONS=true, else `cli`. Standard library only; c7n-left and tfparse run in
child processes (the `iac` extra).
"""

import argparse
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_POLICIES = HERE.parent / "policies" / "iac"
OPT_IN = "opt-in"
POLICY_FILES = ("*.yml", "*.yaml", "*.json")
# The opt-in retention policy reads its threshold from this variable.
MIN_RETENTION_VARIABLE = "C7N_VPCFLOW_MIN_RETENTION_DAYS"
LOCAL_SOURCE = ("./", "../")
# tfparse's error names the file and position, e.g. "main.tf:5,32-33: Unclosed ..."
HCL_POSITION = re.compile(r"([^\s:]+\.tf(?:\.json)?):(\d+),")


def c7n_left():
    beside = Path(sys.executable).parent / "c7n-left"
    found = str(beside) if beside.exists() else shutil.which("c7n-left")
    if not found:
        sys.exit("iac/check.py: c7n-left is not installed (pip install '.[iac]')")
    return found


def escape(text, prop=False):
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


class Gate:
    def __init__(self, args, policy_dir):
        self.args = args
        self.policy_dir = policy_dir
        self.exe = c7n_left()
        self.github = args.output == "github"

    def annotate(self, level, title, message, file=None, line=None):
        print(f"{Path(sys.argv[0]).name}: {level}: {message}", file=sys.stderr)
        if self.github:
            props = [f"title={escape(title, True)}"]
            if file:
                props.insert(
                    0, f"file={escape(str(file), True)}" + (f",line={line}" if line else "")
                )
            print(f"::{level} {','.join(props)}::{escape(message)}", flush=True)

    def var_args(self):
        return [a for f in self.args.var_file for a in ("--var-file", f)]

    def hcl_error(self, root, where, stderr):
        lines = [ln for ln in stderr.strip().splitlines() if ln.strip()]
        reason = (lines[-1] if lines else "no parse").split("TerraformConverter: ", 1)[-1]
        at = HCL_POSITION.search(reason)
        self.annotate(
            "error",
            "Terraform does not parse",
            f"{root}: HCL errors in {where}, policies not run: {reason}",
            at and where / at.group(1),
            at and at.group(2),
        )

    def parse(self, root):
        """The parse c7n-left's `run` skips: modules and variables, or None."""
        query = (
            "{modules: graph.module, uninitialized: input_vars.uninitialized, "
            "with_default: graph.variable[?contains(keys(@), 'default')].__tfmeta.path}"
        )
        cmd = [self.exe, "dump", "-d", str(root), "--err-invalid", "--output-query", query]
        proc = subprocess.run(cmd + self.var_args(), capture_output=True, text=True)
        if proc.returncode == 0:
            return json.loads(proc.stdout)
        self.hcl_error(root, root, proc.stderr)
        return None

    def parse_modules(self, root, module_dirs):
        """`dump --err-invalid` stops on the root's HCL only: a broken module just loses
        its resources. Parse every module directory on its own (tfparse, no download)."""
        code = (
            "import json, sys, tfparse\nerrors = {}\nfor d in sys.argv[1:]:\n"
            "    try: tfparse.load_from_path(d, stop_on_hcl_error=True)\n"
            "    except tfparse.ParseError as e: errors[d] = str(e)\nprint(json.dumps(errors))"
        )
        python = Path(self.exe).parent / "python"
        dirs = sorted(set(map(str, module_dirs)))
        if not dirs:
            return True
        proc = subprocess.run(
            [str(python) if python.exists() else sys.executable, "-c", code, *dirs],
            capture_output=True,
            text=True,
        )
        if proc.returncode:
            self.annotate(
                "error",
                "Terraform does not parse",
                f"{root}: modules not parsed: {proc.stderr.strip()[-400:]}",
            )
            return False
        errors = json.loads(proc.stdout)
        for where, error in errors.items():
            self.hcl_error(root, Path(where), error)
        return not errors

    def resolve_modules(self, root, modules):
        """[(module call, its directory or None when not on disk)]"""
        data_dir = root / os.environ.get("TF_DATA_DIR", ".terraform")
        manifest = data_dir / "modules" / "modules.json"
        installed = {}
        if manifest.is_file():
            for entry in json.loads(manifest.read_text()).get("Modules") or ():
                installed[entry.get("Key", "")] = entry.get("Dir", "")
        resolved = []
        for call in modules or ():
            meta = call["__tfmeta"]
            source = str(call.get("source", ""))
            if source.startswith(LOCAL_SOURCE):
                where = root / Path(meta["filename"]).parent / source
            else:
                calls = re.sub(r"\[[^\]]*\]", "", meta["path"]).split(".")[1::2]
                key = ".".join(calls)  # module.a[0].module.b -> a.b, as terraform records it
                where = root / installed[key] if installed.get(key) else None
            if where is None or not (any(where.glob("*.tf")) or any(where.glob("*.tf.json"))):
                where = None
            resolved.append((call, where))
        return resolved

    def check(self, root):
        """0, 1 (findings) or 2 (not judged) for one Terraform root."""
        if not root.is_dir() or not (any(root.glob("*.tf")) or any(root.glob("*.tf.json"))):
            self.annotate("error", "No Terraform", f"{root}: no *.tf or *.tf.json files")
            return 2
        parsed = self.parse(root)
        if parsed is None:
            return 2
        modules = self.resolve_modules(root, parsed.get("modules"))
        for call, where in modules:
            if where is None:
                meta = call["__tfmeta"]
                self.annotate(
                    "error",
                    "Terraform module not present",
                    f"{root}: {meta['path']} (source {call.get('source')!r}) is not on disk, "
                    f"so c7n-left would not see its resources: run `terraform init` (or "
                    f"`terraform get`) in {root} first",
                    root / meta["filename"],
                    meta.get("line_start"),
                )
        present = [relative(where) for _, where in modules if where]
        if len(present) < len(modules) or not self.parse_modules(root, present):
            return 2
        # c7n-left also gives type defaults to variables whose default is false, null, 0 or
        # empty: declared on purpose, not worth a warning.
        with_default = set(parsed.get("with_default") or ())
        defaulted = [
            name
            for name in parsed.get("uninitialized") or {}
            if f"variable.{name}" not in with_default
        ]
        if defaulted:
            self.annotate(
                "warning",
                "Terraform variables without a value",
                f"{root}: evaluated with type defaults for {', '.join(sorted(defaulted))} "
                f"(a count or for_each built on them may evaluate to nothing); pass --var-file",
            )
        cmd = [
            self.exe,
            "run",
            "-p",
            str(self.policy_dir),
            "-d",
            str(root),
            "-o",
            self.args.output,
            "--err-invalid",
        ]
        days = self.args.min_retention_days
        env = {**os.environ, MIN_RETENTION_VARIABLE: str(days)} if days else None
        sys.stdout.flush()
        return 1 if subprocess.run(cmd + self.var_args(), env=env).returncode else 0


def relative(path):
    path = Path(path)
    try:  # annotations need paths relative to the repository root (the working directory)
        return path.resolve().relative_to(Path.cwd())
    except ValueError:
        return path


def with_opt_in(policy_dir, into):
    """The default and the opt-in policies in one directory (c7n-left reads one, not its
    subdirectories), so one run gives one report."""
    opt_in = Path(policy_dir) / OPT_IN
    files = [
        f
        for d in (Path(policy_dir), opt_in)
        for pattern in POLICY_FILES
        for f in sorted(d.glob(pattern))
    ]
    if not any(f.parent == opt_in for f in files):
        sys.exit(f"iac/check.py: --min-retention-days: no policies in {opt_in}")
    for f in files:
        shutil.copy(f, Path(into) / f"{f.parent.name}-{f.name}")
    return into


def retention_periods():
    """CloudWatch Logs' retention periods (days), from the plugin's vocabulary: the live
    filter's list. Read from its file, which imports only the standard library, so the gate
    needs neither the plugin installed nor Custodian imported."""
    spec = importlib.util.spec_from_file_location(
        "c7n_vpcflow_vocabulary", HERE.parent / "c7n_vpcflow" / "vocabulary.py"
    )
    vocabulary = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(vocabulary)
    return vocabulary.RETENTION_DAYS


def retention_period(text):
    periods = retention_periods()
    if not text.isdigit() or int(text) not in periods:
        raise argparse.ArgumentTypeError(
            f"one of CloudWatch's retention periods ({', '.join(map(str, periods))}): {text!r}"
        )
    return int(text)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("roots", nargs="+", metavar="DIR", help="Terraform root module")
    ap.add_argument("-p", "--policy-dir", default=relative(DEFAULT_POLICIES))
    ap.add_argument(
        "-o",
        "--output",
        choices=["cli", "github", "json", "junit"],
        default="github" if os.environ.get("GITHUB_ACTIONS") == "true" else "cli",
    )
    ap.add_argument("--var-file", action="append", default=[], help="repeatable")
    ap.add_argument(
        "--min-retention-days",
        type=retention_period,
        metavar="N",
        help="opt in: also fail a flow log's log group whose retention_in_days "
        "is set below N, one of CloudWatch's retention periods (one that "
        "never expires keeps enough)",
    )
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="iac-policies-") as merged:
        policy_dir = args.policy_dir
        if args.min_retention_days:
            policy_dir = with_opt_in(policy_dir, merged)
        gate = Gate(args, policy_dir)
        return max(gate.check(relative(root)) for root in args.roots)


if __name__ == "__main__":
    sys.exit(main())
