"""What one account-region holds: its flow logs and the log groups they and we write to.

Gathered once per resource manager (one account-region of one policy) with one paginated
DescribeFlowLogs and at most one paginated DescribeLogGroups, then shared by the filter,
the dry-run plan and the action.
"""
import logging
import os
import threading

from c7n.query import RetryPageIterator
from c7n.utils import get_partition, local_session

log = logging.getLogger("custodian.vpcflow")

# EC2 accepts up to 200 values per filter; beyond that one unfiltered listing is cheaper.
MAX_FILTER_VALUES = 200
_CACHE_ATTR = "_c7n_vpcflow_inventory"
_CACHE_LOCK = threading.Lock()


def paginate(client, operation, result_key, **params):
    """All items of a paginated call, each page retried on throttling the c7n way."""
    paginator = client.get_paginator(operation)
    paginator.PAGE_ITERATOR_CLS = RetryPageIterator
    items = []
    for page in paginator.paginate(**params):
        items.extend(page.get(result_key, ()))
    return items


def account_context(manager):
    """(account_id, region, partition) of the manager's account-region."""
    region = manager.config.region
    return manager.config.account_id, region, get_partition(region) or "aws"


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
    return owned


class Inventory:
    """Flow logs by resource id and the log groups seen under one listed prefix."""

    def __init__(self, flow_logs, vpc_ids, log_groups=None, listed_prefix=None):
        self.flow_logs_by_resource = {}
        for flow_log in flow_logs:
            self.flow_logs_by_resource.setdefault(flow_log["ResourceId"], []).append(flow_log)
        # None: every flow log of the account-region was listed.
        self.vpc_ids = None if vpc_ids is None else set(vpc_ids)
        self.log_groups = {g["logGroupName"]: g for g in (log_groups or ())}
        # None: no log group listing was made yet.
        self.listed_prefix = listed_prefix
        # Saved queries and alarms of the account-region (analytics.Analytics), when asked.
        self.analytics = None
        self.lock = threading.Lock()

    def covers_vpcs(self, vpc_ids):
        return self.vpc_ids is None or set(vpc_ids) <= self.vpc_ids

    def covers_log_groups(self, names):
        if not names:
            return True
        return self.listed_prefix is not None and all(
            name.startswith(self.listed_prefix) for name in names)

    def flow_logs_for(self, vpc_id):
        return self.flow_logs_by_resource.get(vpc_id, [])

    def log_group(self, name):
        return self.log_groups.get(name)

    def record_log_group(self, group):
        with self.lock:
            self.log_groups[group["logGroupName"]] = group


def cloudwatch_log_group_name(flow_log):
    """The log group a CloudWatch Logs flow log writes to, or None for other destinations."""
    if flow_log.get("LogDestinationType", "cloud-watch-logs") != "cloud-watch-logs":
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


def _list_log_groups(manager, names):
    prefix = os.path.commonprefix(sorted(names))
    client = local_session(manager.session_factory).client("logs")
    params = {"logGroupNamePrefix": prefix} if prefix else {}
    return paginate(client, "describe_log_groups", "logGroups", **params), prefix


def gather(manager, vpcs, target_log_group_names=()):
    """The manager's inventory, covering `vpcs` and the given log groups.

    Reuses what an earlier step of the same policy gathered; lists again only what it
    does not cover (e.g. a target log group outside the prefix listed before).
    """
    vpc_ids = {v["VpcId"] for v in vpcs}
    with _CACHE_LOCK:
        inventory = getattr(manager, _CACHE_ATTR, None)
        if inventory is None or not inventory.covers_vpcs(vpc_ids):
            wanted = vpc_ids if 0 < len(vpc_ids) <= MAX_FILTER_VALUES else None
            flow_logs = _list_flow_logs(manager, wanted) if vpc_ids else []
            inventory = Inventory(flow_logs, wanted if vpc_ids else ())
            setattr(manager, _CACHE_ATTR, inventory)
        names = set(target_log_group_names)
        for vpc_id in vpc_ids:
            for flow_log in inventory.flow_logs_for(vpc_id):
                name = cloudwatch_log_group_name(flow_log)
                if name:
                    names.add(name)
        if not inventory.covers_log_groups(names):
            if inventory.listed_prefix is not None:
                names.add(inventory.listed_prefix)
            groups, prefix = _list_log_groups(manager, names)
            inventory.log_groups = {g["logGroupName"]: g for g in groups}
            inventory.listed_prefix = prefix
    return inventory

