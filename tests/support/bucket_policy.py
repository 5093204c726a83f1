"""Evaluating an S3 bucket policy's PutObject decision, for the shapes the docs ship."""

import fnmatch


def as_list(value):
    return value if isinstance(value, list) else [value]


def may_put(policy, principal_arn, org_id, key, acl="bucket-owner-full-control"):
    """Whether the bucket policy lets `principal_arn` PutObject `key` (TLS, with `acl`),
    matching ARNs and conditions the way IAM does for these operators."""
    account = principal_arn.split(":")[4]
    context = {
        "aws:PrincipalOrgID": org_id,
        "s3:x-amz-acl": acl,
        "aws:PrincipalArn": principal_arn,
        "aws:SecureTransport": "true",
    }
    resource = "arn:aws:s3:::%s" % key
    allowed = False
    for statement in policy["Statement"]:
        if not any(fnmatch.fnmatchcase("s3:PutObject", a) for a in as_list(statement["Action"])):
            continue
        patterns = [
            r.replace("${aws:PrincipalAccount}", account) for r in as_list(statement["Resource"])
        ]
        if not any(fnmatch.fnmatchcase(resource, p) for p in patterns):
            continue
        conditions = statement.get("Condition", {})
        holds = all(
            context.get(k)
            in [str(x).lower() if k == "aws:SecureTransport" else x for x in as_list(v)]
            for op in ("StringEquals", "Bool")
            for k, v in conditions.get(op, {}).items()
        )
        holds = holds and all(
            any(fnmatch.fnmatchcase(context[k], p) for p in as_list(v))
            for k, v in conditions.get("ArnLike", {}).items()
        )
        if holds and statement["Effect"] == "Deny":
            return False
        allowed = allowed or (holds and statement["Effect"] == "Allow")
    return allowed
