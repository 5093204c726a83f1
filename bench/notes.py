"""The method section of bench/RESULTS.md."""

METHOD = """\
## How to read it

- **Estate**: N VPCs in one account-region (us-east-1), the default VPC included, none with
  a flow log, seeded straight into the emulator before every run (moto 5.2 enforces no
  VPC quota, so 1,000 VPCs fit in one region; AWS's default quota is 5 per region).
  The org suite spreads its N VPCs evenly over 20 accounts × 2 regions (us-east-1,
  eu-west-1); each account is reached by c7n-org's AssumeRole of its runner role.
- **Scenarios**: (a) `policies/vpc-flow-logs-audit.yml` and (b)
  `policies/vpc-flow-logs-enable.yml` with the stock `custodian run --cache-period 0`;
  (c) the same command with Custodian's built-in `flow-logs` filter (`count: 0`) and
  `set-flow-log` into one shared log group (no retention, no tags, role not created);
  (d) `bench/plain_boto3.py`, one VPC after another: CreateLogGroup (tags),
  PutRetentionPolicy, CreateFlowLogs (tags), after one listing of VPCs, flow logs and log
  groups and a GetRole/CreateRole/PutRolePolicy; (e) `policies/vpc-flow-logs-enable.yml`
  and (f) Custodian's `flow-logs` filter alone (`count: 0`, no action) with the stock
  `c7n-org run --cache-period 0` over a generated accounts file (`bench/org.py`); (g) the
  archive `custodian run` uploads for `policies/vpc-flow-logs-periodic.yml` (deployed to
  the emulator and captured from its recorder before the estate is seeded), its handler
  run on a scheduled event by `python -I -S` seeing only the extracted archive, the
  Lambda runtime's packages (boto3, botocore, ...) and the standard library
  (`bench/lambda_archive.py`). Every child runs with botocore's defaults (legacy retry
  mode, 5 attempts; no `AWS_MAX_ATTEMPTS`); Custodian and the plugin add c7n's own retry
  on top.
- **API calls**: requests that reached the emulator, counted by moto's request recorder
  (never estimated), median per operation; in realistic mode a throttled call never
  reaches the emulator, so it is only in **throttled**, counted by the proxy per
  operation. Custodian's `GetCallerIdentity` (one per run) is included.
- **Failed VPCs**: VPCs without a working flow log (ACTIVE, delivery not FAILED) after the
  run, asked of the emulator directly; n/a for the audit, which changes nothing.
- **Wall**: the child process, start to exit (Python start-up included). **Peak RSS**:
  `ru_maxrss` of that child from `wait4` (for c7n-org: its largest process, parent or
  worker, not their sum). **CPU** (every-run table): user + system seconds of the child
  and its descendants (c7n-org's workers included).
- **× floor**: wall time divided by the quota floor, N / %(floor_rule)s rate
  (N / %(floor_rate)g s): the least time any remediation creating one log group per VPC
  can take on real AWS. Quotas are per account-region, so for the org suite N is the VPCs
  of one account-region: all account-regions could go at once (c7n-org's worker count
  puts its own floor above that; see item 5). The bare emulator has no quota, but the
  plugin paces its CloudWatch Logs writes at 5/s wherever it runs, so (b) and (g) stay
  at about 1 there too, while (d), which does not pace, is only bound by the emulator; in
  realistic mode (b) and (d) cannot go below about 1 (the proxy's burst of 5 tokens
  allows (N - 5) / 5 s); (a), (c) and (f) create at most one group and are not bound by it.
- **Reports at organisation scale** (issue 20, `bench/report_org.py`; not in the table
  above, which is about VPCs): the estate is an evidence bucket, one stock audit run
  copied to every account-region; requests are those that reached the emulator (moto's
  recorder, by S3 operation); **mean requests in flight** is the summed time requests
  spent at the proxy over the child's wall time (Little's law), **peak** the most at once;
  **CPU** the report's own (`wait4`), which bounds it whatever the latency.
"""
