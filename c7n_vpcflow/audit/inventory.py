"""What one account-region holds: its flow logs and the log groups they and we write to.

Gathered once per policy run in an account-region, by the flow-log-compliance filter (or,
when a policy has none, by the action that needs it), and annotated on the VPCs judged.
Calls, for V VPCs whose F flow logs (and the log groups the policy's actions write to)
name G distinct log groups of C naming conventions (a convention: a name's path up to its
last '/'):

- DescribeFlowLogs: one listing of ceil(F/1000) pages (at least one), filtered to the V
  VPCs when V is at most 200, else of every flow log of the account-region;
- DescribeLogGroups: none when G is 0; ceil(G/50) exact lookups when that is fewer than C;
  otherwise one listing per convention, ceil(P/50) pages (at least one) for the P log
  groups whose names start with the longest prefix the convention's names share.
"""

import logging

from c7n.utils import local_session

from c7n_vpcflow.audit.lookup import find_log_groups, plan_lookup
from c7n_vpcflow.audit.ownership import managed_by
from c7n_vpcflow.audit.paging import paginate
from c7n_vpcflow.vocabulary import CLOUDWATCH, MANAGED_BY, TELEMETRY_RULE

log = logging.getLogger("custodian.vpcflow")

# EC2 accepts up to 200 values per filter; beyond that one unfiltered listing is cheaper.
MAX_FILTER_VALUES = 200


def owned_vpcs(manager, vpcs):
    """The VPCs the account owns; VPCs shared in from another account are left out."""
    account_id = manager.config.account_id
    owned = []
    for vpc in vpcs:
        if account_id and vpc.get("OwnerId") and vpc["OwnerId"] != account_id:
            log.debug(
                "skipping %s: shared by account %s; only its owner can add flow logs",
                vpc["VpcId"],
                vpc["OwnerId"],
            )
            continue
        owned.append(vpc)
    if vpcs and not owned:
        # Said plainly: a region of shared VPCs only, or a mistyped account id.
        log.info(
            "%s/%s: all %d VPCs are shared by other accounts (%s) and skipped; "
            "only their owners can add flow logs",
            account_id,
            manager.config.region,
            len(vpcs),
            ", ".join(sorted({v["OwnerId"] for v in vpcs})),
        )
    return owned


class Inventory:
    """Flow logs by resource id, and the log groups found."""

    def __init__(self, flow_logs, log_groups=()):
        self.flow_logs_by_resource = {}
        # Log groups a CloudWatch telemetry rule made (with the flow logs that write to them).
        self.telemetry_log_groups = set()
        for flow_log in flow_logs:
            flow_log[MANAGED_BY] = managed_by(flow_log)
            self.flow_logs_by_resource.setdefault(flow_log["ResourceId"], []).append(flow_log)
            if flow_log[MANAGED_BY] == TELEMETRY_RULE and cloudwatch_log_group_name(flow_log):
                self.telemetry_log_groups.add(cloudwatch_log_group_name(flow_log))
        self.log_groups = {g["logGroupName"]: g for g in log_groups}

    def flow_logs_for(self, vpc_id):
        return self.flow_logs_by_resource.get(vpc_id, [])

    def described(self, names):
        """{name: its DescribeLogGroups entry, or None when it does not exist}; the group of a
        telemetry rule says so (c7n:managed-by), as its flow logs do."""
        described = {}
        for name in sorted(names):
            group = self.log_groups.get(name)
            if group is not None and name in self.telemetry_log_groups:
                group = dict(group, **{MANAGED_BY: TELEMETRY_RULE})
            described[name] = group
        return described


def cloudwatch_log_group_name(flow_log):
    """The log group a CloudWatch Logs flow log writes to, or None for other destinations."""
    if flow_log.get("LogDestinationType", CLOUDWATCH) != CLOUDWATCH:
        return None
    if flow_log.get("LogGroupName"):
        return flow_log["LogGroupName"]
    destination = flow_log.get("LogDestination") or ""
    # arn:aws:logs:region:account:log-group:NAME[:*]
    marker = ":log-group:"
    if marker in destination:
        name = destination.split(marker, 1)[1]
        return name[:-2] if name.endswith(":*") else name
    return None


def _list_flow_logs(manager, vpc_ids):
    client = local_session(manager.session_factory).client("ec2")
    params = {}
    if vpc_ids is not None:
        params["Filter"] = [{"Name": "resource-id", "Values": sorted(vpc_ids)}]
    return paginate(client, "describe_flow_logs", "FlowLogs", **params)


def gather(manager, vpcs, log_group_names=()):
    """The flow logs of `vpcs`, and the log groups they and `log_group_names` name."""
    vpc_ids = {v["VpcId"] for v in vpcs}
    if not vpc_ids:
        return Inventory([])
    wanted = vpc_ids if len(vpc_ids) <= MAX_FILTER_VALUES else None
    flow_logs = _list_flow_logs(manager, wanted)
    names = set(log_group_names) | {
        cloudwatch_log_group_name(f) for f in flow_logs if f["ResourceId"] in vpc_ids
    } - {None}
    if not names:
        return Inventory(flow_logs)
    client = local_session(manager.session_factory).client("logs")
    return Inventory(flow_logs, find_log_groups(client, plan_lookup(names)))
