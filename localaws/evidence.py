"""An evidence bucket at organisation scale on the emulator: one real audit run's files,
copied to many account-regions and hours (the bench's report-org suites, the scale tests).

`audit_run` runs the stock `custodian run` of policies/vpc-flow-logs-audit.yml once
against the emulator (one account-region: a healthy VPC, one without a flow log, the
default one) and returns the files it wrote. `as_run` makes those files the run of another
account-region at another time: new execution id, start time, account and region in
Custodian's metadata.json and in our flow-log-compliance.json, the rest unchanged.
`seed_evidence` uploads such runs gzipped into the layout of the central evidence bucket
(`<prefix>/<account id>/<region>/<policy>/YYYY/MM/DD/HH/`, as the Lambda policies and
`c7n-org run -s s3://...` write it), straight to the emulator.
"""

import gzip
import json
import os
import subprocess
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor

from botocore.config import Config

from .environment import child_environment
from .estate import Row, clients, seed

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
AUDIT_POLICY = os.path.join(REPO, "policies", "vpc-flow-logs-audit.yml")
POLICY = "vpc-flow-logs-audit"
PREFIX = "vpc-flow-logs"
SEED_ROLE = "arn:aws:iam::%s:role/seeded-flow-logs"
METADATA, VERDICTS = "metadata.json", "flow-log-compliance.json"
UPLOADS = Config(retries={"max_attempts": 3, "mode": "standard"}, max_pool_connections=16)


def audit_run(endpoint, workdir, region="us-east-1"):
    """{file name: bytes} of one stock `custodian run` of our audit policy."""
    seed(
        endpoint,
        [
            Row(None, region, None, "default"),
            Row(None, region, None, "bare", "10.1.0.0/16"),
            Row(None, region, None, "healthy", "10.2.0.0/16", "/seeded/healthy"),
        ],
        SEED_ROLE,
    )
    home, out = os.path.join(workdir, "home"), os.path.join(workdir, "out")
    os.makedirs(home, exist_ok=True)
    ran = subprocess.run(
        [
            os.path.join(os.path.dirname(sys.executable), "custodian"),
            "run",
            "-s",
            out,
            "-r",
            region,
            "--cache-period",
            "0",
            AUDIT_POLICY,
        ],
        env=child_environment(endpoint, home),
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if ran.returncode:
        raise RuntimeError("custodian run failed: %s" % ran.stderr[-2000:])
    directory = os.path.join(out, POLICY)
    files = {}
    for name in sorted(os.listdir(directory)):
        with open(os.path.join(directory, name), "rb") as f:
            files[name] = f.read()
    return files


def as_run(files, account_id, region, moment):
    """The files as the run of `account_id` in `region` started at `moment` (aware)."""
    execution_id = str(
        uuid.uuid5(uuid.NAMESPACE_URL, "%s/%s/%s" % (account_id, region, moment.isoformat()))
    )
    copied = dict(files)
    metadata = json.loads(files[METADATA])
    metadata["execution"].update(id=execution_id, start=moment.timestamp())
    metadata["config"].update(account_id=account_id, region=region)
    copied[METADATA] = json.dumps(metadata).encode()
    verdicts = json.loads(files[VERDICTS])
    verdicts.update(
        {
            "execution-id": execution_id,
            "started": moment.isoformat(),
            "account-id": account_id,
            "region": region,
        }
    )
    copied[VERDICTS] = json.dumps(verdicts).encode()
    return copied


def run_folder(account_id, region, moment, prefix=PREFIX):
    return "%s/%s/%s/%s/%s/" % (prefix, account_id, region, POLICY, moment.strftime("%Y/%m/%d/%H"))


def seed_evidence(
    endpoint, bucket, files, places, moments, workers=8, lock_days=None, lock_mode="COMPLIANCE"
):
    """Creates the bucket (with `lock_days`, every version locked that long, in compliance
    mode unless told, as iam/evidence-bucket.yml makes it) and uploads a run of every
    (account id, region) of `places` at every one of `moments`; the keys made."""
    (s3,) = clients(endpoint, None, "us-east-1", "s3", config=UPLOADS)
    s3.create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=bool(lock_days))
    if lock_days:
        s3.put_object_lock_configuration(
            Bucket=bucket,
            ObjectLockConfiguration={
                "ObjectLockEnabled": "Enabled",
                "Rule": {"DefaultRetention": {"Mode": lock_mode, "Days": lock_days}},
            },
        )
    uploads = []
    for account_id, region in places:
        for moment in moments:
            folder = run_folder(account_id, region, moment)
            uploads += [
                (folder + name + ".gz", data)
                for name, data in as_run(files, account_id, region, moment).items()
            ]

    def put(upload):
        key, data = upload
        s3.put_object(Bucket=bucket, Key=key, Body=gzip.compress(data, mtime=0))
        return key

    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(put, uploads))
