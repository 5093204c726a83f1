"""What enable-flow-logs did for one VPC, turned into its record only where it is written."""
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from .vocabulary import CLOUDWATCH, Outcome, Status

_STARTING = {Outcome.FAIL: Status.FAILED, Outcome.SKIP: Status.SKIPPED}


@dataclass
class VpcResult:
    status: Status
    reason: str = ""
    destination_type: Optional[str] = None   # None: the run stopped before it planned
    destination: Optional[str] = None
    flow_log_ids: List[str] = field(default_factory=list)
    changes: List[str] = field(default_factory=list)
    error: Optional[str] = None
    warnings: List[str] = field(default_factory=list)
    tags_added: Optional[Dict[str, str]] = None

    @classmethod
    def planned(cls, plan):
        """Where a VPC stands before anything is applied: failed and skipped plans are final."""
        return cls(_STARTING.get(plan.outcome, Status.PLANNED), plan.reason,
                   plan.destination_type, plan.destination,
                   error=plan.reason if plan.outcome == Outcome.FAIL else None)

    @classmethod
    def unfinished(cls, cause):
        """A VPC the run never planned, because the run stopped first."""
        return cls(Status.UNFINISHED, error="not done: the run stopped (%s)" % cause)

    def fail(self, message):
        self.status, self.error = Status.FAILED, message

    def to_record(self):
        """The result as c7n:flow-log-result and flow-log-results.json carry it."""
        if self.destination_type is None:
            return {"status": self.status.value, "error": self.error,
                    "changes": list(self.changes)}
        record = {"status": self.status.value, "reason": self.reason,
                  "flow-log-ids": list(self.flow_log_ids), "changes": list(self.changes),
                  "destination-type": self.destination_type, "destination": self.destination}
        if self.destination_type == CLOUDWATCH:
            record["log-group"] = self.destination
        if self.error is not None:
            record["error"] = self.error
        if self.warnings:
            record["warnings"] = list(self.warnings)
        if self.tags_added:
            record["tags-added"] = self.tags_added
        return record
