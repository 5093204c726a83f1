"""Flight data held against botocore's service models: the answers must be what AWS sends."""

import base64
import binascii
import json
import os

import botocore.session

SCALARS = {
    "string": str,
    "integer": int,
    "long": int,
    "boolean": bool,
    "float": (int, float),
    "double": (int, float),
    "timestamp": (str, int),
}
# A timestamp in placebo's own encoding, which it hands over as the datetime (UTC) botocore
# parses: for code that reads the time, not just passes it on.
PLACEBO_DATETIME = {"__class__", "year", "month", "day", "hour", "minute", "second", "microsecond"}


def shape_errors(shape, value, path):
    """Where `value` departs from botocore's `shape` (unknown keys, wrong types, enums)."""
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            return [path]
        return [
            e
            for key, item in value.items()
            for e in (
                shape_errors(shape.members[key], item, path + "." + key)
                if key in shape.members
                else [path + "." + key + ": unknown"]
            )
        ]
    if kind == "list":
        return (
            [
                e
                for n, item in enumerate(value)
                for e in shape_errors(shape.member, item, "%s[%d]" % (path, n))
            ]
            if isinstance(value, list)
            else [path]
        )
    if kind == "map":
        return (
            [
                e
                for key, item in value.items()
                for e in shape_errors(shape.value, item, "%s[%s]" % (path, key))
            ]
            if isinstance(value, dict)
            else [path]
        )
    if kind == "timestamp" and isinstance(value, dict):
        return (
            []
            if set(value) == PLACEBO_DATETIME
            and value["__class__"] == "datetime"
            and all(isinstance(value[k], int) for k in PLACEBO_DATETIME - {"__class__"})
            else [path + ": %r" % (value,)]
        )
    if kind == "blob":
        return [] if placebo_body(shape, value) else [path + ": %r" % (value,)]
    ok = isinstance(value, SCALARS[kind]) and (kind == "boolean" or not isinstance(value, bool))
    enum = getattr(shape, "enum", None)
    return [] if ok and (not enum or value in enum) else [path + ": %r" % (value,)]


def placebo_body(shape, value):
    """A streaming blob (an S3 object's Body) as placebo hands it over: its bytes, base64."""
    if not shape.serialization.get("streaming") or not isinstance(value, dict):
        return False
    if set(value) != {"__class__", "body"} or value["__class__"] != "StreamingBody":
        return False
    try:
        base64.b64decode(value["body"], validate=True)
    except (binascii.Error, TypeError):
        return False
    return True


# Placebo names a file by the endpoint prefix where it differs from botocore's service name.
SERVICE_OF_PREFIX = {"monitoring": "cloudwatch"}


def flight_data_errors(folder):
    """shape_errors of every success answer in a flight-data folder and its subfolders
    (<service>.<Operation>_<n>.json), and every error answer's Error.Code and .Message;
    placebo's ResponseMetadata is botocore's own."""
    errors, models = [], {}
    paths = sorted(
        os.path.relpath(os.path.join(top, name), folder)
        for top, _dirs, names in os.walk(folder)
        for name in names
    )
    for filename in paths:
        prefix, operation = os.path.basename(filename).rsplit("_", 1)[0].split(".")
        service = SERVICE_OF_PREFIX.get(prefix, prefix)
        if service not in models:
            models[service] = botocore.session.get_session().get_service_model(service)
        with open(os.path.join(folder, filename)) as f:
            response = json.load(f)
        output = models[service].operation_model(operation).output_shape
        if response["status_code"] != 200:
            error = response["data"].get("Error") or {}
            if not (isinstance(error.get("Code"), str) and isinstance(error.get("Message"), str)):
                errors.append("%s: an error answer without Error.Code and Error.Message" % filename)
            continue
        if output is None:
            continue
        data = {k: v for k, v in response["data"].items() if k != "ResponseMetadata"}
        errors += shape_errors(output, data, filename)
    return errors
