"""A usage error of any `c7n-vpcflow` subcommand, or a location it cannot list, is one line
on stderr naming the option or location (argparse's usage block left out: `--help` shows
it), and exit 2."""

import pytest

from c7n_vpcflow import cli


@pytest.mark.parametrize(
    "args, said",
    [
        (
            ["report", "out", "--max-age", "5x"],
            "c7n-vpcflow report: error: argument --max-age: '5x' is not a duration",
        ),
        (
            ["telemetry-check"],
            "c7n-vpcflow telemetry-check: error: the following arguments are required: OUT",
        ),
        (["report", "out", "--bogus"], "c7n-vpcflow: error: unrecognized arguments: --bogus"),
        (
            ["report", "--from-config", "org", "--rule", ""],
            "c7n-vpcflow report: error: argument --rule: '' is not a Config rule name",
        ),
        (
            ["report", "--from-config", "org", "--rule", "x" * 129],
            "c7n-vpcflow report: error: argument --rule: '%s' is not a Config rule name"
            % ("x" * 129),
        ),
        (
            ["report", "--from-config", "my org"],
            "c7n-vpcflow report: error: argument --from-config: 'my org' is not an aggregator name",
        ),
    ],
)
def test_a_usage_error_is_one_line_naming_the_option(capsys, args, said):
    with pytest.raises(SystemExit) as exited:
        cli.main(args)

    assert exited.value.code == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith(said) and line.endswith("--help)"), line


@pytest.mark.parametrize(
    "location, said",
    [
        ("s3://", "c7n-vpcflow report: s3:// names no bucket: give s3://bucket[/prefix]"),
        (
            "s3://not a bucket/x",
            "c7n-vpcflow report: cannot list s3://not a bucket/x/: "
            "Parameter validation failed: Invalid bucket name",
        ),
    ],
)
def test_an_s3_location_the_report_cannot_list_is_one_line(capsys, location, said):
    assert cli.main(["report", location]) == 2

    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith(said), line
