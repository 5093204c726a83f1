"""AWS Config: the ``vpc-flow-log-config-rule`` execution mode (mode), which puts the
flow-log-compliance filter's verdict on every VPC into AWS Config as a custom rule, one
evaluation per VPC (evaluations), annotated in one grammar (annotation).

mode may import the top-level modules and audit; evaluations and annotation are pure and
import only vocabulary, so the report may read annotations back with them without
importing Custodian. This __init__ imports nothing: importing the mode registers it.
"""
