"""Shared fixtures: a hermetic AWS environment, placebo playback, a moto server, the CLIs.

Nothing here may reach a real AWS endpoint: credentials are dummies, HOME is a throwaway
directory, and unless a test points AWS_ENDPOINT_URL at the emulator it points at a
closed local port, so a call that placebo does not answer fails at once.
"""

import os
import threading

import c7n.utils
import hypothesis
import pytest

from localaws.environment import isolate
from localaws.evidence import audit_run
from localaws.server import Emulator
from support.aws import DEAD_ENDPOINT, FlightData
from support.cli import Cli
from support.constants import ACCOUNT_ID, DATA_DIR, REGION, REGIONS, ROOT  # noqa: F401 (shared)
from support.evidence import evidence_problems
from support.faults import flight_data_answers, proxying

# CI draws the same examples on every run, so it cannot fail by chance (a flaky draw is
# found locally, where each run draws anew). Loaded before any test module is imported,
# so every @settings inherits it.
hypothesis.settings.register_profile("ci", derandomize=True)
if os.environ.get("CI") == "true":
    hypothesis.settings.load_profile("ci")


def pytest_collection_modifyitems(items):
    """A test that uses the moto server, through `emulator`, `fault_proxy`, `moto_server` or
    any fixture built on them, is an emulator test: marked so, `-m "not emulator"` runs the
    unit tests alone. (Tests that start a server by other means, the demo's or the bench's,
    carry the marker themselves.)"""
    for item in items:
        if "moto_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.emulator)


@pytest.fixture(autouse=True)
def hermetic_aws(tmp_path, monkeypatch):
    """Dummy credentials, a throwaway HOME and no path to real AWS, for every test: the
    hermetic environment of localaws.environment, one attempt per call, the endpoint a
    closed port until a test points it at the emulator."""
    home = tmp_path / "home"
    home.mkdir()
    isolate(DEAD_ENDPOINT, str(home), monkeypatch, region=REGION, max_attempts=1)
    # c7n caches one boto3 session per thread and region; never across tests.
    monkeypatch.setattr(c7n.utils, "CONN_CACHE", threading.local())
    yield


@pytest.fixture(autouse=True)
def evidence_matches_its_schema(request, tmp_path):
    """Every flow-log-compliance.json and flow-log-results.json a test leaves under its
    tmp_path (what the real filter and action wrote) is valid against its schema, unless
    the test damages evidence on purpose (marker tampered_evidence)."""
    yield
    if request.node.get_closest_marker("tampered_evidence") is None:
        problems = evidence_problems(tmp_path)
        assert not problems, "evidence does not match its schema:\n" + "\n".join(problems)


@pytest.fixture
def flight_data(request):
    """flight_data(case) -> FlightData replaying tests/data/placebo/<case>/, the folder a
    fixture or several tests share; flight_data() replays the test's own folder, named
    after the test (a parametrized test's case in a subfolder named by its id)."""

    def load(case=None, region=REGION):
        return FlightData(os.path.join(DATA_DIR, case or folder_of(request.node)), region)

    return load


def folder_of(item):
    """The flight-data folder of the test `item`: its name, and its case's id if any."""
    callspec = getattr(item, "callspec", None)
    return os.path.join(item.originalname, callspec.id) if callspec else item.originalname


@pytest.fixture
def filter_reasons(flight_data):
    """An account whose VPCs show every flow-log problem the filter names, one reason each."""
    return flight_data("filter_reasons")


@pytest.fixture
def shared_vpc(flight_data):
    """An account with VPCs shared into it by another account beside its own."""
    return flight_data("shared_vpc")


@pytest.fixture
def fast_retries(monkeypatch):
    """c7n's retry sleeps for real; record the delays instead of waiting them out."""
    delays = []
    monkeypatch.setattr(c7n.utils.time, "sleep", delays.append)
    return delays


@pytest.fixture(scope="session")
def moto_server(tmp_path_factory):
    """One moto server per test process (per pytest-xdist worker), reset by `emulator`."""
    server = Emulator(tmp_path_factory.mktemp("moto"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def audit_files(moto_server, tmp_path_factory):
    """The files of one stock `custodian run` of the audit policy (a healthy VPC, one
    without a flow log and the default one: 3 judged, 2 non-compliant), for copying to
    many account-regions and hours (localaws.evidence)."""
    moto_server.reset()
    return audit_run(moto_server.endpoint, str(tmp_path_factory.mktemp("audit")))


@pytest.fixture
def emulator(moto_server, monkeypatch):
    """A freshly reset moto server, with AWS_ENDPOINT_URL pointing at it."""
    moto_server.reset()
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server.endpoint)
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "2")
    return moto_server


@pytest.fixture
def fault_proxy(emulator, monkeypatch):
    """A Proxy (localaws.proxy) in front of the reset emulator; AWS_ENDPOINT_URL points at it."""
    with proxying(emulator, monkeypatch) as proxy:
        yield proxy


def answering(proxy, service):
    """answers(case): `proxy` serves `service` from tests/data/placebo/<case>/; the proxy."""

    def answers(case):
        proxy.rules.append(flight_data_answers(os.path.join(DATA_DIR, case), service))
        return proxy

    return answers


@pytest.fixture
def observabilityadmin_answers(fault_proxy):
    """The emulator behind a Proxy that answers Observability Admin (which the emulator
    lacks) from flight data on the wire: answers(case) serves tests/data/placebo/<case>/ and
    returns the proxy, so the console scripts build their own sessions and clients."""
    return answering(fault_proxy, "observabilityadmin")


@pytest.fixture
def config_answers(fault_proxy):
    """The same for AWS Config, whose aggregators the emulator lacks."""
    return answering(fault_proxy, "config")


@pytest.fixture
def cli(tmp_path):
    """Runs the stock console scripts of this environment (custodian, c7n-org)."""
    return Cli(tmp_path)
