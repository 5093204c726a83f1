"""A VPC, its flow logs and log groups as the account holds them, and the plan for it."""

from c7n_vpcflow.account import Account
from c7n_vpcflow.audit.inventory import Inventory
from c7n_vpcflow.remediation.account_plan import own_judgement
from c7n_vpcflow.remediation.plan import plan_vpc
from c7n_vpcflow.remediation.settings import Settings

VPC = {"VpcId": "vpc-0a1b2c3d4e5f67890", "OwnerId": "123456789012"}
TARGET = "/vpc/flow-logs/vpc-0a1b2c3d4e5f67890"
ACCOUNT = Account("123456789012", "us-east-1", "aws")


def flow_log(
    flow_log_id, group=TARGET, traffic="REJECT", status="ACTIVE", delivery="SUCCESS", error=None
):
    f = {
        "FlowLogId": flow_log_id,
        "ResourceId": VPC["VpcId"],
        "FlowLogStatus": status,
        "DeliverLogsStatus": delivery,
        "TrafficType": traffic,
        "LogDestinationType": "cloud-watch-logs",
        "LogGroupName": group,
    }
    if error:
        f["DeliverLogsErrorMessage"] = error
    return f


def group(name=TARGET, retention=None, **described):
    """A DescribeLogGroups entry; `described`: more of its keys (logGroupClass, ...)."""
    g = {"logGroupName": name, "arn": "arn:aws:logs:us-east-1:123456789012:log-group:%s:*" % name}
    if retention is not None:
        g["retentionInDays"] = retention
    g.update(described)
    return g


def plan(flow_logs=(), groups=(), **settings):
    """The plan of enable-flow-logs for VPC, as it judges it in a policy without a filter."""
    data = {k.replace("_", "-"): v for k, v in settings.items()}
    return planned(VPC, Inventory(list(flow_logs), list(groups)), Settings.from_data(data))


def planned(vpc, inventory, settings, account=ACCOUNT):
    return plan_vpc(vpc, own_judgement(vpc, inventory, settings, account), settings, account)
