"""What one account-region holds: its flow logs and the log groups they and we write to.

Gathered once per resource manager (one account-region of one policy), then shared by the
filter, the dry-run plan and the action. Calls per account-region, for V VPCs whose F flow
logs and the action's targets name G distinct log groups of C naming conventions (a
convention: a name's path up to its last '/'):

- DescribeFlowLogs: one listing of ceil(F/1000) pages (at least one), filtered to the V
  VPCs when V is at most 200, else of every flow log of the account-region;
- DescribeLogGroups: none when G is 0; ceil(G/50) exact lookups when that is fewer than C;
  otherwise one listing per convention, ceil(P/50) pages (at least one) for the P log
  groups whose names start with the longest prefix the convention's names share.
"""
import logging
import threading

from c7n.utils import local_session

from c7n_vpcflow.audit.lookup import find_log_groups, plan_lookup
from c7n_vpcflow.audit.ownership import managed_by
from c7n_vpcflow.audit.paging import paginate
from c7n_vpcflow.vocabulary import CLOUDWATCH, MANAGED_BY, TELEMETRY_RULE

log = logging.getLogger("custodian.vpcflow")

# EC2 accepts up to 200 values per filter; beyond that one unfiltered listing is cheaper.
MAX_FILTER_VALUES = 200
_CACHE_ATTR = "_c7n_vpcflow_inventory"
_CACHE_LOCK = threading.Lock()


def owned_vpcs(manager, vpcs):
    """The VPCs the account owns; VPCs shared in from another account are left out."""
    account_id = manager.config.account_id
    owned = []
    for vpc in vpcs:
        if account_id and vpc.get("OwnerId") and vpc["OwnerId"] != account_id:
            log.debug(
                "skipping %s: shared by account %s; only its owner can add flow logs",
                vpc["VpcId"], vpc["OwnerId"])
            continue
        owned.append(vpc)
    if vpcs and not owned:
        # Said plainly: a region of shared VPCs only, or a mistyped account id.
        log.info("%s/%s: all %d VPCs are shared by other accounts (%s) and skipped; "
                 "only their owners can add flow logs", account_id, manager.config.region,
                 len(vpcs), ", ".join(sorted({v["OwnerId"] for v in vpcs})))
    return owned


class Inventory:
    """Flow logs by resource id and the log groups found so far, with what was looked up."""

    def __init__(self, flow_logs, vpc_ids, log_groups=None, listed_prefix=None):
        self.flow_logs_by_resource = {}
        # Log groups a CloudWatch telemetry rule made (with the flow logs that write to them).
        self.telemetry_log_groups = set()
        for flow_log in flow_logs:
            flow_log[MANAGED_BY] = managed_by(flow_log)
            self.flow_logs_by_resource.setdefault(flow_log["ResourceId"], []).append(flow_log)
            if flow_log[MANAGED_BY] == TELEMETRY_RULE and cloudwatch_log_group_name(flow_log):
                self.telemetry_log_groups.add(cloudwatch_log_group_name(flow_log))
        # None: every flow log of the account-region was listed.
        self.vpc_ids = None if vpc_ids is None else set(vpc_ids)
        self.log_groups = {g["logGroupName"]: g for g in (log_groups or ())}
        # What the log groups were looked up by: listed prefixes and exact names.
        self.listed_prefixes = set() if listed_prefix is None else {listed_prefix}
        self.looked_up_names = set()
        self.lock = threading.Lock()

    def covers_vpcs(self, vpc_ids):
        return self.vpc_ids is None or set(vpc_ids) <= self.vpc_ids

    def covers_log_group(self, name):
        return name in self.looked_up_names or any(
            name.startswith(prefix) for prefix in self.listed_prefixes)

    def record_lookup(self, plan, groups):
        self.listed_prefixes.update(plan.prefixes)
        self.looked_up_names |= plan.exact_names
        self.log_groups.update((g["logGroupName"], g) for g in groups)

    def flow_logs_for(self, vpc_id):
        return self.flow_logs_by_resource.get(vpc_id, [])

    def log_group(self, name):
        return self.log_groups.get(name)

    def record_log_group(self, group):
        with self.lock:
            self.log_groups[group["logGroupName"]] = group


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


def gather(manager, vpcs, target_log_group_names=(), flow_logs=None):
    """The manager's inventory, covering `vpcs` and the given log groups.

    Reuses what an earlier step of the same policy gathered, or `flow_logs` when they are
    every flow log of `vpcs` (as the filter annotated them); looks up only the log groups it
    does not cover yet (e.g. a target outside the conventions looked up before).
    """
    vpc_ids = {v["VpcId"] for v in vpcs}
    with _CACHE_LOCK:
        inventory = getattr(manager, _CACHE_ATTR, None)
        if inventory is None or not inventory.covers_vpcs(vpc_ids):
            if flow_logs is not None:
                inventory = Inventory(flow_logs, vpc_ids)
            else:
                wanted = vpc_ids if 0 < len(vpc_ids) <= MAX_FILTER_VALUES else None
                listed = _list_flow_logs(manager, wanted) if vpc_ids else []
                inventory = Inventory(listed, wanted if vpc_ids else ())
            setattr(manager, _CACHE_ATTR, inventory)
        names = set(target_log_group_names)
        for vpc_id in vpc_ids:
            for flow_log in inventory.flow_logs_for(vpc_id):
                name = cloudwatch_log_group_name(flow_log)
                if name:
                    names.add(name)
        missing = {name for name in names if not inventory.covers_log_group(name)}
        if missing:
            plan = plan_lookup(missing)
            client = local_session(manager.session_factory).client("logs")
            inventory.record_lookup(plan, find_log_groups(client, plan))
    return inventory
