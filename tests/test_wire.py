"""One request parser and one set of canned answers (localaws.wire) for the proxy, the tests'
recordings and the bench: requests as botocore signs them, named as AWS routes them; answers
botocore reads as it reads AWS's own."""

import base64
import json

import botocore.parsers
import botocore.session

from localaws.wire import (
    Call,
    create_flow_logs_unsuccessful,
    error,
    error_code,
    parse_recorded,
    parse_request,
    throttle,
)
from support.aws import signed_request

SIGV4 = (
    "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20260101/%s/%s/aws4_request, "
    "SignedHeaders=host;x-amz-date, Signature=abc"
)


def parsed(service, operation, **params):
    headers, body, method, url = signed_request(service, operation, **params)
    return parse_request(headers, body, method, url)


def test_identify_names_json_query_and_internal_calls():
    logs = parse_request(
        {
            "X-Amz-Target": "Logs_20140328.CreateLogGroup",
            "Authorization": SIGV4 % ("eu-west-1", "logs"),
        },
        b"{}",
        "POST",
        "/",
    )
    assert (logs.name, logs.protocol, logs.region, logs.access_key) == (
        "logs:CreateLogGroup",
        "json",
        "eu-west-1",
        "AKIAEXAMPLE",
    )
    form = {
        "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
        "Authorization": SIGV4 % ("us-east-1", "ec2"),
    }
    ec2 = parse_request(form, b"Action=CreateFlowLogs&Version=2016-11-15&ResourceId.1=v")
    assert (ec2.name, ec2.protocol, ec2.mutating) == ("ec2:CreateFlowLogs", "ec2", True)
    iam = parse_request(
        dict(form, Authorization=SIGV4 % ("us-east-1", "iam")),
        b"Action=GetRole&RoleName=x&Version=2010-05-08",
    )
    assert (iam.name, iam.protocol, iam.mutating) == ("iam:GetRole", "query", False)
    assert (
        parse_request(
            {"Authorization": SIGV4 % ("us-east-1", "ec2")}, b"", "GET", "/?Action=DescribeVpcs"
        ).name
        == "ec2:DescribeVpcs"
    )
    assert parse_request({}, b"", "POST", "/moto-api/reset").protocol == "internal"
    assert (
        parse_request(
            {"Authorization": SIGV4 % ("us-east-1", "lambda")}, b"", "GET", "/2015-03-31/functions"
        ).protocol
        == "rest"
    )


def test_each_protocol_as_botocore_sends_it_is_named_with_its_parameters_and_signer():
    logs = parsed("logs", "create_log_group", logGroupName="/flow-logs/a")
    assert (logs.name, logs.protocol, logs.params) == (
        "logs:CreateLogGroup",
        "json",
        {"logGroupName": "/flow-logs/a"},
    )
    ec2 = parsed(
        "ec2",
        "create_flow_logs",
        ResourceIds=["vpc-1"],
        ResourceType="VPC",
        TrafficType="REJECT",
        LogGroupName="/g",
        DeliverLogsPermissionArn="arn:r",
    )
    assert (ec2.name, ec2.protocol, ec2.mutating) == ("ec2:CreateFlowLogs", "ec2", True)
    assert ec2.params["ResourceId.1"] == "vpc-1" and ec2.mentions("vpc-1")
    sts = parsed("sts", "get_caller_identity")
    assert (sts.name, sts.protocol, sts.mutating) == ("sts:GetCallerIdentity", "query", False)
    assert (sts.region, sts.access_key, sts.token) == ("eu-west-1", "AKIAWIRETEST", "session-token")
    findings = parsed("securityhub", "get_findings", MaxResults=1)
    assert (findings.name, findings.protocol, findings.params) == (
        "securityhub:GetFindings",
        "rest",
        {"MaxResults": 1},
    )


def test_rest_calls_are_named_by_path_and_the_query_they_require():
    assert (
        parsed(
            "s3",
            "put_object",
            Bucket="b",
            Key="vpc-flow-logs/a/b.json.gz",
            Body=b"\x1f\x8b binary=",
        ).operation
        == "PutObject"
    )
    assert (
        parsed("s3", "put_object_acl", Bucket="b", Key="a/b", ACL="private").operation
        == "PutObjectAcl"
    )
    assert parsed("s3", "list_objects_v2", Bucket="b", Prefix="a/").operation == "ListObjectsV2"
    assert parsed("s3", "get_bucket_tagging", Bucket="b").operation == "GetBucketTagging"
    head = parsed("s3", "head_object", Bucket="b", Key="k")
    assert (head.operation, head.mutating) == ("HeadObject", False)
    assert (
        parse_request(
            {"Authorization": SIGV4 % ("us-east-1", "s3")}, b"", "PATCH", "/nothing/routes/here"
        ).operation
        == "?"
    )


def test_a_recorded_entry_is_parsed_like_the_request_it_records():
    headers, body, method, url = signed_request("ec2", "describe_vpcs")
    entry = {
        "headers": headers,
        "body": base64.b64encode(body).decode(),
        "body_encoded": True,
        "method": method,
        "url": url,
    }
    assert parse_recorded(entry) == parse_request(headers, body, method, url)
    assert (
        parse_recorded(
            {
                "headers": {},
                "body": "",
                "method": "POST",
                "url": "http://127.0.0.1:5000/moto-api/reset",
            }
        ).protocol
        == "internal"
    )


def botocore_reads(service, operation, answer):
    """The error code botocore's own parser reads from a canned (status, headers, body)."""
    model = botocore.session.get_session().get_service_model(service)
    status, headers, body = answer
    response = botocore.parsers.create_parser(model.metadata["protocol"]).parse(
        {"status_code": status, "headers": headers, "body": body},
        model.operation_model(operation).output_shape,
    )
    return response.get("Error", {}).get("Code"), response["ResponseMetadata"]["HTTPStatusCode"]


def test_throttle_bodies_have_the_aws_shapes():
    status, headers, body = throttle(Call("logs", "CreateLogGroup", "json"))
    assert status == 400 and json.loads(body)["__type"] == "ThrottlingException"
    assert headers["Content-Type"] == "application/x-amz-json-1.1"
    status, _, body = throttle(Call("ec2", "CreateFlowLogs", "ec2"))
    assert status == 503 and b"<Code>RequestLimitExceeded</Code>" in body
    status, _, body = throttle(Call("iam", "CreateRole", "query"))
    assert status == 400 and b"<Code>Throttling</Code>" in body


def test_botocore_reads_each_canned_answer_as_aws_would_send_it():
    logs, ec2, iam = (
        Call("logs", "CreateLogGroup", "json"),
        Call("ec2", "CreateFlowLogs", "ec2"),
        Call("iam", "CreateRole", "query"),
    )
    assert botocore_reads("logs", "CreateLogGroup", throttle(logs)) == ("ThrottlingException", 400)
    assert botocore_reads("ec2", "CreateFlowLogs", throttle(ec2)) == ("RequestLimitExceeded", 503)
    assert botocore_reads("iam", "CreateRole", throttle(iam)) == ("Throttling", 400)
    assert botocore_reads("logs", "CreateLogGroup", error(logs, "AccessDeniedException", "no")) == (
        "AccessDeniedException",
        400,
    )
    assert botocore_reads("iam", "CreateRole", error(iam, "LimitExceeded", "too many", 409)) == (
        "LimitExceeded",
        409,
    )
    assert error_code(error(ec2, "UnauthorizedOperation", "no")[2]) == "UnauthorizedOperation"
    assert error_code(error(logs, "ThrottlingException", "no")[2]) == "ThrottlingException"


def test_an_unsuccessful_create_flow_logs_answer_names_every_vpc_asked_for():
    call = parse_request(
        {
            "Authorization": SIGV4 % ("us-east-1", "ec2"),
            "Content-Type": "application/x-www-form-urlencoded",
        },
        b"Action=CreateFlowLogs&ResourceId.1=vpc-a&ResourceId.2=vpc-b",
    )
    model = botocore.session.get_session().get_service_model("ec2")
    status, headers, body = create_flow_logs_unsuccessful(call, "AccessDenied", "no")
    parsed_answer = botocore.parsers.create_parser("ec2").parse(
        {"status_code": status, "headers": headers, "body": body},
        model.operation_model("CreateFlowLogs").output_shape,
    )
    assert [(u["ResourceId"], u["Error"]["Code"]) for u in parsed_answer["Unsuccessful"]] == [
        ("vpc-a", "AccessDenied"),
        ("vpc-b", "AccessDenied"),
    ]
    assert error_code(body) == "AccessDenied"
