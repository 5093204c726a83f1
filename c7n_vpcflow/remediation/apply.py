"""Carrying out per-VPC plans: log groups, delivery role, flow logs, replacements.

One unit of work per target log group (ensure the group once, then one CreateFlowLogs for
its VPCs) on a bounded thread pool; every call goes through c7n's retry. A failure is
recorded against the VPCs it affects and never stops the others. Every write is a change
note as soon as it is made: in the results of the VPCs it serves (the delivery role's in
the run's role record) and in the run log at INFO.
"""

import logging
import time

from c7n.exceptions import ClientError
from c7n.utils import chunks, local_session

from c7n_vpcflow.audit.paging import paginate
from c7n_vpcflow.remediation.destinations import create_flow_logs_params
from c7n_vpcflow.remediation.loggroups import LogGroupKeeper
from c7n_vpcflow.remediation.naming import fixed_prefix
from c7n_vpcflow.remediation.pacing import LOGS_WRITES, CountingRetry, PacedClient, Pacer
from c7n_vpcflow.remediation.results import RoleResult, VpcResult
from c7n_vpcflow.remediation.role import DeliveryRole, RoleError
from c7n_vpcflow.vocabulary import Outcome, Status

log = logging.getLogger("custodian.vpcflow")

CREATE_FLOW_LOGS_MAX_IDS = 1000
ACTIVE_CHECKS = 5
ACTIVE_CHECK_DELAY = 2.0


def error_text(error):
    if isinstance(error, ClientError):
        err = error.response.get("Error", {})
        return "%s: %s" % (err.get("Code", "Error"), err.get("Message", ""))
    if isinstance(error, RoleError):
        return str(error)
    return "%s: %s" % (type(error).__name__, error)


class Remediation:
    """Applies the plans of one account-region and returns a result per VPC."""

    def __init__(self, manager, settings, log_groups, account):
        self.manager = manager
        self.settings = settings
        self.log_groups = log_groups  # {name: DescribeLogGroups entry or None}
        self.account = account
        self.results = {}
        self.role = None  # RoleResult, once the delivery role was needed
        self.retry = CountingRetry(manager.retry)
        # boto3 clients are thread-safe; creating them once spares every worker the cost.
        self.session = local_session(manager.session_factory)
        self.ec2 = self.session.client("ec2")
        self.logs = PacedClient(
            self.session.client("logs"), Pacer(settings.logs_calls_per_second, LOGS_WRITES)
        )

    def run(self, plans):
        for plan in plans:
            self.results[plan.vpc_id] = VpcResult.planned(plan)
            if plan.outcome == Outcome.FAIL:
                log.error("enable-flow-logs %s: %s", plan.vpc_id, plan.reason)
            for warning in plan.warnings:
                log.warning("enable-flow-logs %s: %s", plan.vpc_id, warning)
        role_arn = None
        if self.settings.needs_delivery_role and any(p.create_flow_log for p in plans):
            role_arn = self._ensure_role(plans)
        units = {}
        for plan in plans:
            if plan.changes and self.results[plan.vpc_id].status != Status.FAILED:
                units.setdefault(plan.destination, []).append(plan)
        with self.manager.executor_factory(max_workers=self.settings.max_workers) as pool:
            futures = [
                pool.submit(self._apply_unit, destination, unit, role_arn)
                for destination, unit in sorted(units.items())
            ]
            try:
                for future in futures:
                    future.result()
            except BaseException:
                # Interrupted: stop at once; what has not started stays "planned".
                for future in futures:
                    future.cancel()
                raise
        self._replace_broken(plans)
        return self.results

    def stopped(self, cause):
        """The results so far of a run that must stop: what was not done says so."""
        for result in self.results.values():
            if result.status == Status.PLANNED:
                result.status = Status.UNFINISHED
                result.error = "not done: the run stopped (%s)" % cause
        return self.results

    def _fail(self, plan, message):
        self.results[plan.vpc_id].fail(message)
        log.error("enable-flow-logs %s: %s", plan.vpc_id, message)

    def _changed(self, plans, change):
        """Record `change` (a write, or a note on what was left) for `plans`' VPCs."""
        for plan in plans:
            self.results[plan.vpc_id].changes.append(change)
        log.info("enable-flow-logs %s: %s", ", ".join(p.vpc_id for p in plans), change)

    def _role_changed(self, change):
        self.role.changes.append(change)
        log.info("enable-flow-logs %s: %s", self.role.name, change)

    def _ensure_role(self, plans):
        """The delivery role's ARN, after failing each VPC it cannot deliver for."""
        needing = [p for p in plans if p.create_flow_log]
        prefix = fixed_prefix(self.settings.log_group_template, self.account)
        groups = {p.destination for p in needing}
        role = DeliveryRole(self.session, self.retry, self.account, self.settings)
        try:
            status = role.assess(prefix, groups)
        except ClientError as e:
            status = role.unreadable(error_text(e))
        self.role = RoleResult(status.name, status.arn, status.action, error=status.problem)
        for plan in needing:
            if status.refusal(plan.destination):
                self._fail(plan, status.refusal(plan.destination))
            elif status.warning:
                self.results[plan.vpc_id].warnings.append(status.warning)
        if all(self.results[p.vpc_id].status == Status.FAILED for p in needing):
            return None
        try:
            self.role.arn = role.apply(status, prefix, groups, self._role_changed)
            return self.role.arn
        except Exception as e:  # noqa: BLE001  (named against every VPC that needed it)
            message = error_text(e)
            if isinstance(e, ClientError):
                message = "delivery role %s: %s" % (status.arn, message)
            self.role.error = message
            for plan in needing:
                if self.results[plan.vpc_id].status != Status.FAILED:
                    self._fail(plan, message)
            return None

    def _apply_unit(self, destination, plans, role_arn):
        """One destination's work; whatever goes wrong fails its unfinished VPCs only."""
        try:
            self._apply_unit_steps(destination, plans, role_arn)
        except Exception as e:  # noqa: BLE001  (connection errors, timeouts, the unforeseen)
            for plan in plans:
                if self.results[plan.vpc_id].status == Status.PLANNED:
                    self._fail(plan, "%s: %s" % (destination, error_text(e)))

    def _apply_unit_steps(self, destination, plans, role_arn):
        """Ensure the destination's log group (CloudWatch), then its flow logs."""
        if plans[0].group_steps:
            keeper = LogGroupKeeper(self.logs, self.retry, self.settings)
            # The group is changed once: its first VPC's result says how; a VPC sharing it
            # (a template without {vpc_id}) claims no creation of its own.
            first, sharing, made = plans[0], plans[1:], []

            def record(change):
                made.append(change)
                self._changed([first], change)

            try:
                tags_added = keeper.ensure(
                    destination, self.log_groups.get(destination), first.group_steps, record
                )
            except ClientError as e:
                for plan in plans:
                    self._fail(plan, "log group %s: %s" % (destination, error_text(e)))
                return
            if tags_added:
                self.results[first.vpc_id].tags_added = tags_added
            if made and sharing:
                self._changed(
                    sharing,
                    "log group %s, shared with %s, which records its "
                    "changes" % (destination, first.vpc_id),
                )
        for plan in plans:
            if not plan.create_flow_log:
                self.results[plan.vpc_id].status = (
                    Status.REPAIRED if plan.outcome == Outcome.REPAIR else Status.UPDATED
                )
        creating = [p for p in plans if p.create_flow_log]
        for batch in chunks(creating, CREATE_FLOW_LOGS_MAX_IDS):
            self._create_flow_logs(destination, batch, role_arn)

    def _create_flow_logs(self, destination, plans, role_arn):
        params = create_flow_logs_params(self.settings, destination, role_arn, self.account)
        params["ResourceIds"] = [p.vpc_id for p in plans]
        by_id = {p.vpc_id: p for p in plans}
        try:
            response = self.retry(self.ec2.create_flow_logs, **params)
        except ClientError as e:
            if e.response["Error"]["Code"] == "FlowLogAlreadyExists":
                for plan in plans:
                    self._record_existing(plan)
                return
            for plan in plans:
                self._fail(plan, "CreateFlowLogs: %s" % error_text(e))
            return
        failed = set()
        for entry in response.get("Unsuccessful", ()):
            plan = by_id.get(entry.get("ResourceId"))
            if plan is None:
                continue
            failed.add(plan.vpc_id)
            error = entry.get("Error", {})
            if error.get("Code") == "FlowLogAlreadyExists":
                self._record_existing(plan)
            else:
                self._fail(
                    plan,
                    "CreateFlowLogs: %s: %s"
                    % (error.get("Code", "Error"), error.get("Message", "")),
                )
        succeeded = [p for p in plans if p.vpc_id not in failed]
        try:
            created = self._created_ids_by_vpc(succeeded, response.get("FlowLogIds", []))
        except Exception as e:  # noqa: BLE001  (AWS made them: say so, without their ids)
            for plan in succeeded:
                self.results[plan.vpc_id].status = Status.CREATED
                self._changed(
                    [plan],
                    (
                        "created a flow log to %s (one of %s; which one could not be read: %s)"
                        % (destination, ", ".join(response.get("FlowLogIds", [])), error_text(e))
                    ),
                )
            return
        for plan in plans:
            if plan.vpc_id not in created:
                continue
            flow_log_id = created[plan.vpc_id]
            result = self.results[plan.vpc_id]
            result.status = Status.CREATED
            result.flow_log_ids.append(flow_log_id)
            self._changed(
                [plan],
                "created flow log %s (%s to %s)"
                % (flow_log_id, self.settings.traffic_type, destination),
            )

    def _created_ids_by_vpc(self, succeeded, flow_log_ids):
        """Which new flow log belongs to which VPC.

        The response lists ids without their resource; with one VPC per call the answer is
        plain, for a shared log group one DescribeFlowLogs settles it.
        """
        if len(succeeded) == 1 and len(flow_log_ids) == 1:
            return {succeeded[0].vpc_id: flow_log_ids[0]}
        if not flow_log_ids:
            return {}
        flow_logs = paginate(
            self.ec2, "describe_flow_logs", "FlowLogs", self.retry, FlowLogIds=flow_log_ids
        )
        return {f["ResourceId"]: f["FlowLogId"] for f in flow_logs}

    def _record_existing(self, plan):
        self.results[plan.vpc_id].status = Status.CREATED
        self._changed([plan], "flow log already existed (FlowLogAlreadyExists)")

    def _replace_broken(self, plans):
        replacing = [
            p
            for p in plans
            if p.replace
            and self.results[p.vpc_id].status == Status.CREATED
            and self.results[p.vpc_id].flow_log_ids
        ]
        if not replacing:
            return
        new_ids = [i for p in replacing for i in self.results[p.vpc_id].flow_log_ids]
        try:
            active = self._wait_active(new_ids)
        except Exception as e:  # noqa: BLE001  (the broken flow logs are kept)
            for plan in replacing:
                self._fail(plan, "checking new flow log before replacing: %s" % error_text(e))
            return
        doomed = {}
        for plan in replacing:
            if all(i in active for i in self.results[plan.vpc_id].flow_log_ids):
                for old in plan.replace:
                    doomed[old] = plan
            else:
                self._changed(
                    [plan],
                    "kept broken %s: the new flow log is not ACTIVE yet"
                    % (", ".join(plan.replace)),
                )
        for batch in chunks(sorted(doomed), CREATE_FLOW_LOGS_MAX_IDS):
            self._delete(batch, doomed)

    def _wait_active(self, flow_log_ids):
        for attempt in range(ACTIVE_CHECKS):
            flow_logs = paginate(
                self.ec2, "describe_flow_logs", "FlowLogs", self.retry, FlowLogIds=flow_log_ids
            )
            active = {f["FlowLogId"] for f in flow_logs if f.get("FlowLogStatus") == "ACTIVE"}
            if active >= set(flow_log_ids) or attempt == ACTIVE_CHECKS - 1:
                return active
            time.sleep(ACTIVE_CHECK_DELAY)

    def _delete(self, flow_log_ids, doomed):
        try:
            response = self.retry(self.ec2.delete_flow_logs, FlowLogIds=flow_log_ids)
        except Exception as e:  # noqa: BLE001
            for old in flow_log_ids:
                self._fail(doomed[old], "deleting broken flow log %s: %s" % (old, error_text(e)))
            return
        unsuccessful = {}
        for entry in response.get("Unsuccessful", ()):
            unsuccessful[entry.get("ResourceId")] = entry.get("Error", {})
        for old in flow_log_ids:
            if old in unsuccessful:
                error = unsuccessful[old]
                self._fail(
                    doomed[old],
                    "deleting broken flow log %s: %s: %s"
                    % (old, error.get("Code"), error.get("Message")),
                )
            else:
                self._changed([doomed[old]], "deleted broken flow log %s" % old)
