"""The one test harness: the hermetic environment the tests, the demo and the bench share
(localaws.environment); flight data found by name; emulator tests marked by the fixtures
they use."""

import os
import subprocess
import sys

import boto3
import pytest

from localaws.environment import ACCESS_KEY_ID, SECRET_ACCESS_KEY, child_environment, isolate
from support.constants import DATA_DIR, ROOT

HOSTILE = {
    "AWS_PROFILE": "production",
    "AWS_ACCESS_KEY_ID": "AKIAREALLOOKING00000",
    "AWS_SECRET_ACCESS_KEY": "real-looking-secret",
    "AWS_SESSION_TOKEN": "token",
    "AWS_ROLE_ARN": "arn:aws:iam::111122223333:role/admin",
    "AWS_REGION": "eu-west-3",
    "BOTO_CONFIG": "/etc/boto.cfg",
    "C7N_OUTPUT_URL": "s3://real-bucket",
    "MOTO_ALLOW_NONEXISTENT_REGION": "true",
}


def test_isolating_drops_every_foreign_variable_and_sets_dummies(monkeypatch, tmp_path):
    for name, value in HOSTILE.items():
        monkeypatch.setenv(name, value)
    isolate("http://127.0.0.1:9", str(tmp_path), monkeypatch, max_attempts=1)

    assert [n for n, value in HOSTILE.items() if os.environ.get(n) == value] == []
    assert os.environ["HOME"] == str(tmp_path)
    assert (os.environ["AWS_ENDPOINT_URL"], os.environ["AWS_MAX_ATTEMPTS"]) == (
        "http://127.0.0.1:9",
        "1",
    )
    credentials = boto3.Session().get_credentials()
    assert (credentials.access_key, credentials.secret_key, credentials.token) == (
        ACCESS_KEY_ID,
        SECRET_ACCESS_KEY,
        None,
    )
    assert boto3.client("ec2").meta.endpoint_url == "http://127.0.0.1:9"


def test_isolating_through_monkeypatch_is_undone_after(monkeypatch, tmp_path):
    monkeypatch.setenv("AWS_PROFILE", "production")
    with monkeypatch.context() as patched:
        isolate("http://127.0.0.1:9", str(tmp_path), patched)
        assert "AWS_PROFILE" not in os.environ
    assert os.environ["AWS_PROFILE"] == "production"


def test_a_child_gets_path_home_and_our_aws_values_only(monkeypatch, tmp_path):
    for name, value in HOSTILE.items():
        monkeypatch.setenv(name, value)
    env = child_environment("http://127.0.0.1:5000", str(tmp_path))
    assert {n for n in env if not n.startswith("AWS_")} == {
        "PATH",
        "HOME",
        "LANG",
        "PYTHONIOENCODING",
    }
    assert (env["AWS_ACCESS_KEY_ID"], env["AWS_ENDPOINT_URL"]) == (
        ACCESS_KEY_ID,
        "http://127.0.0.1:5000",
    )
    assert not os.path.exists(env["AWS_CONFIG_FILE"])


@pytest.mark.parametrize("case", ["one-case"])
def test_flight_data_without_a_name_replays_the_tests_own_folder(flight_data, case):
    with pytest.raises(FileNotFoundError) as missing:
        flight_data()
    assert str(missing.value) == os.path.join(
        DATA_DIR, "test_flight_data_without_a_name_replays_the_tests_own_folder", "one-case"
    )


def test_flight_data_by_name_replays_a_shared_folder(flight_data):
    flight = flight_data("filter_reasons", region="eu-west-1")
    assert flight.session.region_name == "eu-west-1"
    assert flight.session.client("ec2").describe_vpcs()["Vpcs"]


def collected(marker_expression):
    """The probe tests `pytest -m <expression>` selects."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "-p",
            "no:cacheprovider",
            "-m",
            marker_expression,
            os.path.join("tests", "data", "harness", "probe_markers.py"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return sorted(line.split("::")[1] for line in proc.stdout.splitlines() if "::" in line)


def test_tests_on_the_moto_server_are_marked_emulator_by_the_fixtures_they_use():
    assert collected("emulator") == [
        "test_behind_the_fault_proxy",
        "test_on_the_emulator",
        "test_through_a_fixture_built_on_the_emulator",
    ]
    assert collected("not emulator") == ["test_without_aws"]
