"""What flow logs cost: the pricing every side of the plugin shares, pure. prices (the one
reader of data/prices.json and of an override of the same format, a file or a policy's
mapping, checked against schemas/prices.schema.json), model (a log group's monthly cost from
what was measured of it: GB a month, tiered ingestion, the storage its retention implies;
every figure labelled measured or estimated) and choices (the cheaper choices and their
estimated saving). Pure: no AWS call, no Custodian, no boto3; functions of measured volumes
and prices. So both sides use it: audit's flow-log-cost filter prices what it measured, and
the report re-prices the measured bytes an evidence file records (`c7n-vpcflow report
--prices`). May import only the top-level vocabulary and the standard library (and
jsonschema, to check prices).
"""
