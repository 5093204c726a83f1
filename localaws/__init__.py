"""Local AWS for the tests, the demo and the bench: one moto server and what runs beside it.
Not part of the plugin (the wheel ships c7n_vpcflow only).

    server.py        the moto server's lifecycle on 127.0.0.1; reading its request recording
    moto_server.py   the launcher: moto plus the query-definition calls it lacks
    estate.py        seeding: an estate as a table of VPC rows (one vocabulary of kinds),
                     made through the API; clients acting in an account, VPCs, flow logs
    environment.py   the hermetic environment (dummy credentials, our endpoint, no profile)
    processes.py     child processes in their own process group, stopped as a group
    wire.py          a request parsed into a Call (as AWS routes it); AWS's canned answers
    quotas.py        token buckets and quota rules (the bench's realistic mode)
    proxy.py         the one proxy in front of the server: faults, latency, quotas
    lambda_boot.py   a Lambda archive's handler run in a bare interpreter; the evidence bucket
"""
