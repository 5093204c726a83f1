"""What enable-flow-logs did for each VPC, and once per run for the delivery role, turned
into records only where they are written: its annotations and flow-log-results.json."""

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Dict, List, Optional

from c7n_vpcflow.audit.evidence import event_mode, run_header, write_output
from c7n_vpcflow.vocabulary import CLOUDWATCH, RESULTS_FILE, Outcome, RoleStep, Status

_STARTING = MappingProxyType({Outcome.FAIL: Status.FAILED, Outcome.SKIP: Status.SKIPPED})


@dataclass
class VpcResult:
    status: Status
    reason: str = ""
    destination_type: Optional[str] = None  # None: the run stopped before it planned
    destination: Optional[str] = None
    flow_log_ids: List[str] = field(default_factory=list)
    changes: List[str] = field(default_factory=list)
    error: Optional[str] = None
    warnings: List[str] = field(default_factory=list)
    tags_added: Optional[Dict[str, str]] = None

    @classmethod
    def planned(cls, plan):
        """Where a VPC stands before anything is applied: failed and skipped plans are final."""
        return cls(
            _STARTING.get(plan.outcome, Status.PLANNED),
            plan.reason,
            plan.destination_type,
            plan.destination,
            error=plan.reason if plan.outcome == Outcome.FAIL else None,
            warnings=list(plan.warnings),
        )

    @classmethod
    def unfinished(cls, cause):
        """A VPC the run never planned, because the run stopped first."""
        return cls(Status.UNFINISHED, error="not done: the run stopped (%s)" % cause)

    def fail(self, message):
        self.status, self.error = Status.FAILED, message

    def to_record(self):
        """The result as c7n:flow-log-result and flow-log-results.json carry it."""
        if self.destination_type is None:
            return {"status": self.status.value, "error": self.error, "changes": list(self.changes)}
        record = {
            "status": self.status.value,
            "reason": self.reason,
            "flow-log-ids": list(self.flow_log_ids),
            "changes": list(self.changes),
            "destination-type": self.destination_type,
            "destination": self.destination,
        }
        if self.destination_type == CLOUDWATCH:
            record["log-group"] = self.destination
        if self.error is not None:
            record["error"] = self.error
        if self.warnings:
            record["warnings"] = list(self.warnings)
        if self.tags_added:
            record["tags-added"] = self.tags_added
        return record


@dataclass
class RoleResult:
    """What the run did with the delivery role (flow-log-results.json's `role`)."""

    name: str
    arn: str
    step: RoleStep
    changes: List[str] = field(default_factory=list)
    error: Optional[str] = None

    def to_record(self):
        return {
            "name": self.name,
            "arn": self.arn,
            "step": self.step.value,
            "changes": list(self.changes),
            "error": self.error,
        }


def tag_list(tags):
    """Tags as a change note names them: key=value, sorted by key."""
    return ", ".join("%s=%s" % item for item in sorted(tags.items()))


def write_results(manager, settings, records, cause=None, role=None):
    """flow-log-results.json: per-VPC results under the action's `settings`; with a cause,
    the run stopped before it was done; `role`: what the run did with the delivery role
    (None: it needed none). It says whether the run was of an event mode (see
    audit.evidence.event_mode), whose records carry their VPC's verdict."""
    write_output(
        manager,
        RESULTS_FILE,
        {
            "settings": settings,
            "mode": manager.ctx.policy.execution_mode,
            "event": event_mode(manager),
            "complete": cause is None,
            "cause": cause,
            "role": role,
            "results": list(records),
        },
        stamp=run_header,
    )
