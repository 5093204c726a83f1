"""CloudWatch Logs log groups: what one needs (retention, tags, key), and making it so."""
import logging

from c7n.exceptions import ClientError

from c7n_vpcflow.audit.judge import retention_enough
from c7n_vpcflow.audit.paging import paginate
from c7n_vpcflow.remediation.results import tag_list

log = logging.getLogger("custodian.vpcflow")


def log_group_steps(group, retention_days, fresh_tags=True):
    """The calls that bring a log group (None: absent) to our conventions.

    Retention is only ever raised: lowering it, or putting an expiry on a never-expire
    group, would delete records the owner chose to keep.
    """
    if group is None:
        return ["logs:CreateLogGroup", "logs:PutRetentionPolicy"]
    steps = []
    if not retention_enough(group, retention_days):
        steps.append("logs:PutRetentionPolicy")
    if fresh_tags:
        steps.append("logs:TagResource")
    return steps


def group_arn(group):
    arn = group.get("logGroupArn") or group.get("arn", "")
    return arn[:-2] if arn.endswith(":*") else arn


class LogGroupKeeper:
    """Applies log-group steps with c7n retries, recording what it found and did."""

    def __init__(self, client, retry, retention_days, kms_key_id, tags):
        self.client = client
        self.retry = retry
        self.retention_days = retention_days
        self.kms_key_id = kms_key_id
        self.tags = tags

    def ensure(self, name, group, steps, record):
        """Run `steps` for log group `name` (`group`: as described, None when absent),
        telling `record` each change as it is made (a write that fails later leaves the
        earlier ones recorded); returns the tags added."""
        tags_added = {}
        if "logs:CreateLogGroup" in steps:
            group, created = self._create(name)
            if not created:
                # Listed as absent a moment ago, present now: treat it as somebody else's.
                steps = log_group_steps(group, self.retention_days)
            else:
                tags_added = dict(self.tags)
                record("created log group %s%s with tags %s" % (
                    name, " encrypted with KMS key %s" % self.kms_key_id
                    if self.kms_key_id else "", tag_list(tags_added)))
        elif self.kms_key_id and group.get("kmsKeyId") != self.kms_key_id:
            record("log group %s exists with %s; its encryption was left unchanged" % (
                name, "key " + group["kmsKeyId"] if group.get("kmsKeyId") else "no KMS key"))
        if "logs:PutRetentionPolicy" in steps:
            before = group.get("retentionInDays")
            self.retry(
                self.client.put_retention_policy,
                logGroupName=name, retentionInDays=self.retention_days)
            group = dict(group, retentionInDays=self.retention_days)
            record("%s retention of log group %s %sto %d days" % (
                "raised" if before else "set", name,
                "from %d " % before if before else "", self.retention_days))
        if "logs:TagResource" in steps and group_arn(group):
            tags_added = self._add_missing_tags(group_arn(group))
            if tags_added:
                record("added tags %s to log group %s (its other tags kept)" % (
                    tag_list(tags_added), name))
        return tags_added

    def _add_missing_tags(self, arn):
        """Only the keys the group lacks: a key another owner set (managed-by: terraform)
        is theirs, and overwriting it would be drift for them."""
        present = self.retry(self.client.list_tags_for_resource, resourceArn=arn)["tags"]
        missing = {k: v for k, v in self.tags.items() if k not in present}
        if missing:
            self.retry(self.client.tag_resource, resourceArn=arn, tags=missing)
        return missing

    def _create(self, name):
        params = {"logGroupName": name, "tags": self.tags}
        if self.kms_key_id:
            params["kmsKeyId"] = self.kms_key_id
        try:
            self.retry(self.client.create_log_group, **params)
        except ClientError as e:
            if e.response["Error"]["Code"] != "ResourceAlreadyExistsException":
                raise
            groups = paginate(self.client, "describe_log_groups", "logGroups", self.retry,
                              logGroupNamePrefix=name)
            found = [g for g in groups if g["logGroupName"] == name]
            if found:
                return found[0], False
            raise
        return {"logGroupName": name, "kmsKeyId": self.kms_key_id}, True
