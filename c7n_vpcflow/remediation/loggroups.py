"""CloudWatch Logs log groups: what one needs (retention, tags, key, class, deletion
protection), and making it so."""

import logging

from c7n.exceptions import ClientError

from c7n_vpcflow.audit.judge import retention_enough
from c7n_vpcflow.audit.paging import paginate
from c7n_vpcflow.remediation.results import tag_list
from c7n_vpcflow.vocabulary import STANDARD

PROTECT = "logs:PutLogGroupDeletionProtection"

log = logging.getLogger("custodian.vpcflow")


def log_group_steps(group, retention_days, fresh_tags=True, deletion_protection=False):
    """The calls that bring a log group (None: absent) to our conventions.

    Retention is only ever raised: lowering it, or putting an expiry on a never-expire
    group, would delete records the owner chose to keep. Deletion protection is only ever
    turned on (at creation when the group is made); a group's class is fixed at creation,
    so no step changes it (see class_warning).
    """
    if group is None:
        return ["logs:CreateLogGroup", "logs:PutRetentionPolicy"]
    steps = []
    if not retention_enough(group, retention_days):
        steps.append("logs:PutRetentionPolicy")
    if deletion_protection and not group.get("deletionProtectionEnabled"):
        steps.append(PROTECT)
    if fresh_tags:
        steps.append("logs:TagResource")
    return steps


def group_class(group):
    """A described log group's class (listed without one: STANDARD)."""
    return group.get("logGroupClass", STANDARD)


def class_warning(name, group, log_group_class):
    """Why an existing log group's class is not the one asked for, or None: CloudWatch Logs
    fixes a group's class at creation, and the action never recreates or deletes a group."""
    if group is None or group_class(group) == log_group_class:
        return None
    return (
        "log group %s is %s; log-group-class %s applies to the groups enable-flow-logs "
        "creates (a group's class is fixed at creation; it is never recreated)"
        % (name, group_class(group), log_group_class)
    )


def group_arn(group):
    arn = group.get("logGroupArn") or group.get("arn", "")
    return arn[:-2] if arn.endswith(":*") else arn


class LogGroupKeeper:
    """Applies log-group steps with c7n retries, recording what it found and did."""

    def __init__(self, client, retry, settings):
        self.client = client
        self.retry = retry
        self.retention_days = settings.retention_days
        self.kms_key_id = settings.kms_key_id
        self.tags = settings.tag_map
        self.log_group_class = settings.log_group_class
        self.deletion_protection = settings.deletion_protection

    def ensure(self, name, group, steps, record):
        """Run `steps` for log group `name` (`group`: as described, None when absent),
        telling `record` each change as it is made (a write that fails later leaves the
        earlier ones recorded); returns the tags added."""
        tags_added = {}
        if "logs:CreateLogGroup" in steps:
            group, created = self._create(name)
            if not created:
                # Listed as absent a moment ago, present now: treat it as somebody else's.
                steps = log_group_steps(
                    group, self.retention_days, deletion_protection=self.deletion_protection
                )
                if class_warning(name, group, self.log_group_class):
                    record(class_warning(name, group, self.log_group_class))
            else:
                tags_added = dict(self.tags)
                record(
                    "created log group %s%s with tags %s"
                    % (name, self._made_with(), tag_list(tags_added))
                )
        elif self.kms_key_id and group.get("kmsKeyId") != self.kms_key_id:
            record(
                "log group %s exists with %s; its encryption was left unchanged"
                % (name, "key " + group["kmsKeyId"] if group.get("kmsKeyId") else "no KMS key")
            )
        if "logs:PutRetentionPolicy" in steps:
            before = group.get("retentionInDays")
            self.retry(
                self.client.put_retention_policy,
                logGroupName=name,
                retentionInDays=self.retention_days,
            )
            group = dict(group, retentionInDays=self.retention_days)
            record(
                "%s retention of log group %s %sto %d days"
                % (
                    "raised" if before else "set",
                    name,
                    "from %d " % before if before else "",
                    self.retention_days,
                )
            )
        if PROTECT in steps:
            self.retry(
                self.client.put_log_group_deletion_protection,
                logGroupIdentifier=name,
                deletionProtectionEnabled=True,
            )
            record("turned on deletion protection of log group %s" % name)
        if "logs:TagResource" in steps and group_arn(group):
            tags_added = self._add_missing_tags(group_arn(group))
            if tags_added:
                record(
                    "added tags %s to log group %s (its other tags kept)"
                    % (tag_list(tags_added), name)
                )
        return tags_added

    def _made_with(self):
        """What a created group was made with beyond its name and tags, as its note says."""
        return "".join(
            text
            for wanted, text in (
                (self.log_group_class != STANDARD, " of class %s" % self.log_group_class),
                (self.deletion_protection, " with deletion protection"),
                (self.kms_key_id, " encrypted with KMS key %s" % self.kms_key_id),
            )
            if wanted
        )

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
        if self.log_group_class != STANDARD:  # AWS's default when absent
            params["logGroupClass"] = self.log_group_class
        if self.deletion_protection:
            params["deletionProtectionEnabled"] = True
        try:
            self.retry(self.client.create_log_group, **params)
        except ClientError as e:
            if e.response["Error"]["Code"] != "ResourceAlreadyExistsException":
                raise
            groups = paginate(
                self.client, "describe_log_groups", "logGroups", self.retry, logGroupNamePrefix=name
            )
            found = [g for g in groups if g["logGroupName"] == name]
            if found:
                return found[0], False
            raise
        return {
            "logGroupName": name,
            "kmsKeyId": self.kms_key_id,
            "logGroupClass": self.log_group_class,
            "deletionProtectionEnabled": self.deletion_protection,
        }, True
