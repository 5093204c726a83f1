"""Old home of the request parser and canned answers, now localaws.wire (one parser for the
proxy, the tests and the bench); kept for the importers that have not moved yet."""
from localaws.wire import (  # noqa: F401
    Call, create_flow_logs_unsuccessful, error, not_implemented, parse_request, rest_json,
    throttle)
