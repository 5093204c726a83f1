"""moto's server, plus the CloudWatch Logs query-definition calls moto lacks.

The demo shows the Logs Insights queries enable-flow-logs saves, and the emulator tests
of flow-log-analytics save and list them; this launcher (of every emulator: tests, demo,
bench; the tests of the queries' content replay recorded responses) keeps query
definitions in memory, per account and region, the way the CloudWatch Logs API describes
them.
"""

import json
import sys
import time
import uuid

from moto.logs.responses import LogsResponse
from moto.server import main

DEFINITIONS = {}  # (account, region) -> {id: definition}


def _store(response):
    return DEFINITIONS.setdefault((response.current_account, response.region), {})


def put_query_definition(self):
    store = _store(self)
    definition_id = self._get_param("queryDefinitionId") or str(uuid.uuid4())
    store[definition_id] = {
        "queryDefinitionId": definition_id,
        "name": self._get_param("name"),
        "queryString": self._get_param("queryString"),
        "logGroupNames": self._get_param("logGroupNames") or [],
        "lastModified": int(time.time() * 1000),
    }
    return json.dumps({"queryDefinitionId": definition_id})


def describe_query_definitions(self):
    prefix = self._get_param("queryDefinitionNamePrefix") or ""
    found = [d for d in _store(self).values() if d["name"].startswith(prefix)]
    return json.dumps({"queryDefinitions": sorted(found, key=lambda d: d["name"])})


def delete_query_definition(self):
    removed = _store(self).pop(self._get_param("queryDefinitionId"), None)
    return json.dumps({"success": removed is not None})


# A monkeypatch of the emulator, on purpose: moto 5.2.6 (the version installed with
# moto[server]>=5.1 as of this writing) implements none of PutQueryDefinition,
# DescribeQueryDefinitions and DeleteQueryDefinition (LogsResponse has no such method, so
# its server answers HTTP 500), and moto's server offers no other way to add a handler to
# a service it serves. Drop these lines when moto implements them.
LogsResponse.put_query_definition = put_query_definition
LogsResponse.describe_query_definitions = describe_query_definitions
LogsResponse.delete_query_definition = delete_query_definition

if __name__ == "__main__":
    main(sys.argv[1:])
