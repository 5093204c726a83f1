"""Where the exemption register is read from (issue 23, item 1): a local path or an s3://
URL (its policy variables filled in by Custodian; ?versionId= pins a version), read through
the client the caller passes, bounded in size, and recorded by SHA-256 and S3 version."""

import hashlib

import pytest
from c7n.credentials import SessionFactory
from c7n.utils import local_session
from test_exemption_register import ISSUE_EXAMPLE, TODAY

from c7n_vpcflow.audit.register import RegisterError
from c7n_vpcflow.audit.register_source import MAX_REGISTER_BYTES, load_register
from support.aws import RecordingSession
from support.constants import REGION

BUCKET = "org-exemptions"
KEY = "cis/exemptions.yml"
URL = "s3://%s/%s" % (BUCKET, KEY)


def refused(location, **options):
    with pytest.raises(RegisterError) as raised:
        load_register(location, TODAY, **options)
    message = str(raised.value)
    assert "\n" not in message
    return message


@pytest.fixture
def bucket(emulator):
    """A versioned bucket in the emulator; put(body) stores the register and returns the
    version id S3 gave it."""
    s3 = emulator.client("s3", REGION)
    s3.create_bucket(Bucket=BUCKET)
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})

    def put(body, key=KEY):
        return s3.put_object(Bucket=BUCKET, Key=key, Body=body)["VersionId"]

    return put


def custodians_s3_client():
    """The client the filter builds: Custodian's session, pointed at the emulator by the
    environment."""
    return local_session(SessionFactory(REGION)).client("s3")


def test_a_local_register_is_read_and_recorded_by_its_sha256(tmp_path):
    path = tmp_path / "exemptions.yml"
    path.write_text(ISSUE_EXAMPLE)
    register = load_register(str(path), TODAY)
    assert [e.vpc_id for e in register.exemptions] == ["vpc-0a1b2c3d4e5f67890"]
    assert register.location == str(path)
    assert register.sha256 == hashlib.sha256(ISSUE_EXAMPLE.encode()).hexdigest()
    assert register.version_id is None


def test_a_local_register_that_cannot_be_read_is_one_line(tmp_path):
    missing = str(tmp_path / "nowhere.yml")
    assert (
        refused(missing) == "exemption register %s: cannot read it: No such file or "
        "directory" % missing
    )


def test_a_register_over_1_mib_is_refused_having_read_no_more(tmp_path):
    path = tmp_path / "exemptions.yml"
    path.write_text("exemptions: []\n" + "#" * MAX_REGISTER_BYTES)
    assert (
        refused(str(path)) == "exemption register %s: more than 1048576 bytes: at most "
        "1048576 are read" % path
    )


@pytest.mark.parametrize(
    "content,problem",
    [
        (b"", "empty: write exemptions: [] for a register without exemptions"),
        (b"\n  \n", "empty: write exemptions: [] for a register without exemptions"),
        (b"exemptions: []\n# caf\xe9\n", "not UTF-8 text (byte 20)"),
    ],
    ids=["empty", "blank", "latin-1"],
)
def test_a_register_that_is_no_text_says_so(tmp_path, content, problem):
    path = tmp_path / "exemptions.yml"
    path.write_bytes(content)
    assert refused(str(path)) == "exemption register %s: %s" % (path, problem)


@pytest.mark.parametrize(
    "location,problem",
    [
        (
            "s3://org-exemptions/{team}/exemptions.yml",
            "uses {team}, left unfilled: Custodian fills a string only when it knows every name in "
            "it (give each a value with --vars-file or in c7n-org's vars)",
        ),
        (
            "s3://org-exemptions/{account_id/exemptions.yml",
            "is not a valid template (expected '}' before end of string)",
        ),
        ("s3://org-exemptions", "not an S3 object: write s3://bucket/key"),
        ("s3://org-exemptions/cis/", "not an S3 object: write s3://bucket/key"),
        (
            "s3://org-exemptions/cis/exemptions.yml?region=eu-west-1",
            "only ?versionId=... may follow the key",
        ),
        (
            "s3://org-exemptions/cis/exemptions.yml?versionId=",
            "?versionId= names no version: write the version reviewed, or no ?versionId",
        ),
    ],
    ids=[
        "unfilled-variable",
        "unpaired-brace",
        "no-key",
        "a-folder",
        "unknown-query",
        "empty-version",
    ],
)
def test_a_location_that_cannot_be_read_is_refused_before_any_call(location, problem):
    session = RecordingSession(REGION)
    assert refused(location, s3_client=session().client("s3")) == "exemption register %s: %s" % (
        location,
        problem,
    )
    assert session.operations() == []


def test_an_s3_register_is_read_through_custodians_client_with_its_version(bucket):
    version_id = bucket(ISSUE_EXAMPLE)
    register = load_register(URL, TODAY, s3_client=custodians_s3_client())
    assert [e.approved_by for e in register.exemptions] == ["jane.doe@example.com"]
    assert (register.location, register.version_id) == (URL, version_id)
    assert register.sha256 == hashlib.sha256(ISSUE_EXAMPLE.encode()).hexdigest()


def test_an_s3_register_costs_one_get_object_asking_for_at_most_the_limit(bucket):
    bucket(ISSUE_EXAMPLE)
    session = RecordingSession(REGION)
    load_register(URL, TODAY, s3_client=session().client("s3"))
    assert session.operations() == ["s3.GetObject"]
    [params] = session.params("s3.GetObject")
    assert (params["Bucket"], params["Key"], params["Range"]) == (
        BUCKET,
        KEY,
        "bytes=0-%d" % MAX_REGISTER_BYTES,
    )


def test_a_version_id_in_the_url_reads_that_version(bucket):
    reviewed = bucket(ISSUE_EXAMPLE)
    bucket(ISSUE_EXAMPLE.replace("jane.doe", "someone.else"))
    register = load_register(
        URL + "?versionId=" + reviewed, TODAY, s3_client=custodians_s3_client()
    )
    assert [e.approved_by for e in register.exemptions] == ["jane.doe@example.com"]
    assert register.version_id == reviewed


def test_an_s3_register_over_the_limit_is_refused_with_its_size(bucket):
    bucket(ISSUE_EXAMPLE)
    assert refused(
        URL, s3_client=custodians_s3_client(), max_bytes=64
    ) == "exemption register %s: %d bytes: at most 64 are read" % (URL, len(ISSUE_EXAMPLE))


def test_an_empty_s3_register_is_refused(bucket):
    bucket(b"")
    assert (
        refused(URL, s3_client=custodians_s3_client())
        == "exemption register %s: empty: write exemptions: [] for a register without "
        "exemptions" % URL
    )


def test_a_missing_s3_register_names_the_call_and_the_error(bucket):
    assert (
        refused(URL, s3_client=custodians_s3_client())
        == "exemption register %s: cannot read it: s3:GetObject in us-east-1: NoSuchKey: The "
        "specified key does not exist." % URL
    )


def test_a_malformed_s3_register_names_the_url_and_the_entry(bucket):
    bucket(ISSUE_EXAMPLE.replace("2027-03-31", "2027-02-30"))
    assert refused(URL, s3_client=custodians_s3_client()).startswith(
        "exemption register %s: entry 1 (vpc-0a1b2c3d4e5f67890, line 2): expires: "
        "'2027-02-30': expected " % URL
    )
