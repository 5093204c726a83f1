"""The demo's exemption register (issue 23): one current and one expired exemption, each on
a VPC the demo seeds without working flow logs, valid as the plugin reads registers."""

from datetime import date

from c7n_vpcflow.audit.exemptions import exemption_status
from c7n_vpcflow.audit.register_source import load_register
from c7n_vpcflow.vocabulary import ExemptionStatus
from demo import estate as seeding
from demo.exemptions import write_register
from support.constants import ROOT

TODAY = date(2026, 12, 10)


def seeded_estate():
    """The demo's estate as seeding returns it, with made-up VPC ids (no emulator)."""
    estate = seeding.Estate(seeding.read_accounts("%s/accounts.yml" % ROOT))
    accounts = {account.name: account for account in estate.accounts}
    for n, (account, region, name, kind, _cidr) in enumerate(seeding.VPCS):
        estate.vpcs.append(seeding.Vpc(accounts[account], region, "vpc-0%016x" % n, name, kind))
    return estate


def test_the_demo_register_holds_one_current_and_one_expired_exemption(tmp_path):
    estate = seeded_estate()
    path = tmp_path / "exemptions.yml"
    write_register(estate, str(path), TODAY)
    register = load_register(str(path), TODAY)
    vpcs = {vpc.vpc_id: vpc for vpc in estate.vpcs}
    statuses = []
    for exemption in register.exemptions:
        vpc = vpcs[exemption.vpc_id]
        assert (exemption.account_id, exemption.region) == (vpc.account.account_id, vpc.region)
        # Seeded without working flow logs: the audit judges it non-compliant.
        assert vpc.kind != "healthy"
        statuses.append(exemption_status(exemption, ["missing"], TODAY))
    assert sorted(statuses) == [ExemptionStatus.EXEMPT, ExemptionStatus.EXPIRED]


def test_the_demo_register_is_written_as_a_team_keeps_it(tmp_path):
    path = tmp_path / "exemptions.yml"
    write_register(seeded_estate(), str(path), TODAY)
    text = path.read_text()
    assert text.startswith("# The exemption register")
    # Dates unquoted and account ids quoted, as the docs show them.
    assert "expires: 2026-12-31\n" in text and "account-id: '" in text
