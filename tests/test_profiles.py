"""Which evidence counts toward a profile, from the settings it records (issue 20, item 1):
the pure rules; tests/test_report_profiles.py shows them on what stock custodian writes."""

import pytest

from c7n_vpcflow.report.profiles import AS_JUDGED, CIS, fix_shortfall, verdict_shortfall

WEAKER = "judged with traffic-types including ACCEPT, weaker than CIS 3.7"


def judged_with(traffic_types, retention=None, destinations=None):
    return {
        "match": "non-compliant",
        "traffic-types": traffic_types,
        "min-retention-days": retention,
        "destination-types": destinations,
    }


@pytest.mark.parametrize(
    "settings,why",
    [
        (judged_with(["ALL", "REJECT"]), None),  # the filter's default
        (judged_with(["REJECT"]), None),  # stricter: REJECT only
        (judged_with(["ALL"]), None),  # stricter: ALL only
        (judged_with(["ALL", "REJECT"], 365, ["s3"]), None),  # stricter retention, places
        (judged_with(["ACCEPT", "ALL", "REJECT"]), WEAKER),  # a dashboard's
        (judged_with(["ACCEPT"]), WEAKER),
        (judged_with(["ACCEPT", "REJECT"], 3653, ["cloud-watch-logs"]), WEAKER),
    ],
)
def test_cis_counts_a_verdict_only_when_judged_at_least_as_strictly(settings, why):
    assert verdict_shortfall(CIS, settings) == why


@pytest.mark.parametrize(
    "traffic_type,why",
    [
        ("REJECT", None),
        ("ALL", None),
        ("ACCEPT", "fixed with traffic-type ACCEPT, weaker than CIS 3.7"),
    ],
)
def test_cis_counts_fixes_only_of_flow_logs_that_capture_rejected_traffic(traffic_type, why):
    assert fix_shortfall(CIS, {"traffic-type": traffic_type}) == why


def test_as_judged_counts_every_verdict_and_fix():
    assert verdict_shortfall(AS_JUDGED, judged_with(["ACCEPT"])) is None
    assert fix_shortfall(AS_JUDGED, {"traffic-type": "ACCEPT"}) is None
