"""`make demo`: CIS AWS 3.7 end to end against a local moto server, never real AWS.

`python -m demo` starts the emulator on a free 127.0.0.1 port, seeds three accounts x two
regions with about twenty VPCs (a few whose flow log an organization's CloudWatch telemetry
rule made), and runs the stock `c7n-org` and `c7n-vpcflow report`: audit, report, enable
(which leaves the telemetry rule's flow logs alone), audit again with what the flow logs
cost (policies/vpc-flow-logs-cost.yml over a month of IncomingBytes put on the emulator);
then shows one remediated VPC as the emulator holds it. Every policy names the demo's
exemption register: one VPC exempt (left alone, listed as expiring and unused, and the gate
still passes), one whose exemption expired (fixed like the others).

    estate.py        the seeded accounts, regions and VPCs
    exemptions.py    the exemption register, and the policies that name it
    cost.py          the IncomingBytes of their log groups; the report's cost section, shown
    commands.py      the stock c7n-org and c7n-vpcflow commands, output captured
    showcase.py      one remediated VPC: flow log, log group, delivery role trust; the
                     telemetry rule's flow logs and log groups
    __main__.py      the steps, their output, interruption

The hermetic environment, child processes and the moto server are localaws's (shared with
the tests and the bench).
"""
