"""Flight data held against botocore's service models: the answers must be what AWS sends."""
import json
import os

import botocore.session

SCALARS = {"string": str, "integer": int, "long": int, "boolean": bool,
           "float": (int, float), "double": (int, float), "timestamp": (str, int)}


def shape_errors(shape, value, path):
    """Where `value` departs from botocore's `shape` (unknown keys, wrong types, enums)."""
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            return [path]
        return [e for key, item in value.items() for e in (
            shape_errors(shape.members[key], item, path + "." + key)
            if key in shape.members else [path + "." + key + ": unknown"])]
    if kind == "list":
        return [e for n, item in enumerate(value)
                for e in shape_errors(shape.member, item, "%s[%d]" % (path, n))] \
            if isinstance(value, list) else [path]
    if kind == "map":
        return [e for key, item in value.items()
                for e in shape_errors(shape.value, item, "%s[%s]" % (path, key))] \
            if isinstance(value, dict) else [path]
    ok = isinstance(value, SCALARS[kind]) and (kind == "boolean" or not isinstance(value, bool))
    enum = getattr(shape, "enum", None)
    return [] if ok and (not enum or value in enum) else [path + ": %r" % (value,)]


def flight_data_errors(folder):
    """shape_errors of every answer in a flight-data folder (<service>.<Operation>_<n>.json);
    a file that is not a success (status 200) is an error too."""
    errors, models = [], {}
    for filename in sorted(os.listdir(folder)):
        service, operation = filename.rsplit("_", 1)[0].split(".")
        if service not in models:
            models[service] = botocore.session.get_session().get_service_model(service)
        with open(os.path.join(folder, filename)) as f:
            response = json.load(f)
        if response["status_code"] != 200:
            errors.append("%s: status %s" % (filename, response["status_code"]))
            continue
        output = models[service].operation_model(operation).output_shape
        errors += shape_errors(output, response["data"], filename)
    return errors
