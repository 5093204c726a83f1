"""The method section of bench/RESULTS.md."""

METHOD = """\
## How to read it

- **Estate**: N VPCs in one account-region (us-east-1), the default VPC included, none with
  a flow log, seeded straight into the emulator before every run (moto 5.2 enforces no
  VPC quota, so 1,000 VPCs fit in one region; AWS's default quota is 5 per region).
- **Scenarios**: (a) `policies/vpc-flow-logs-audit.yml` and (b)
  `policies/vpc-flow-logs-enable.yml` with the stock `custodian run --cache-period 0`;
  (c) the same command with Custodian's built-in `flow-logs` filter (`count: 0`) and
  `set-flow-log` into one shared log group (no retention, no tags, role not created);
  (d) `bench/plain_boto3.py`, one VPC after another: CreateLogGroup (tags),
  PutRetentionPolicy, CreateFlowLogs (tags), after one listing of VPCs, flow logs and log
  groups and a GetRole/CreateRole/PutRolePolicy. Every child runs with botocore's
  defaults (legacy retry mode, 5 attempts; no `AWS_MAX_ATTEMPTS`); Custodian and the
  plugin add c7n's own retry on top.
- **API calls**: requests that reached the emulator, counted by moto's request recorder
  (never estimated), median per operation; in realistic mode a throttled call never
  reaches the emulator, so it is only in **throttled**, counted by the proxy per
  operation. Custodian's `GetCallerIdentity` (one per run) is included.
- **Failed VPCs**: VPCs without a working flow log (ACTIVE, delivery not FAILED) after the
  run, asked of the emulator directly; n/a for the audit, which changes nothing.
- **Wall**: the child process, start to exit (Python start-up included). **Peak RSS**:
  `ru_maxrss` of that child from `wait4`.
- **× floor**: wall time divided by the quota floor, N / %(floor_rule)s rate
  (N / %(floor_rate)g s): the least time any remediation creating one log group per VPC
  can take on real AWS. On the bare emulator it only puts the figures on the same scale;
  in realistic mode (b) and (d) cannot go below about 1 (the burst of 5 tokens allows
  (N - 5) / 5 s), while (c), which creates one group, is not bound by it.
"""
