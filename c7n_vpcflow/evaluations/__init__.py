"""What an AWS Config evaluation of a VPC says, in one grammar both sides share: records (one
evaluation per VPC, from the flow-log-compliance filter's annotations) and annotation (the
text of each, written for an auditor, and parsed back). Pure: no AWS call, no Custodian. So
the Config rule mode (config) writes with it and the report reads an aggregator's
evaluations back with it (`c7n-vpcflow report --from-config`), and the two cannot drift
apart. May import only the top-level vocabulary.
"""
