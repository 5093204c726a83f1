"""Every listing the plugin makes: a boto3 paginator whose pages are retried on throttling.

Each page's call goes through c7n's retry, or through the retry given (the action's
counting one), as c7n/query.py's RetryPageIterator does. DescribeQueryDefinitions has no
botocore paginator; one is built from its tokens, as c7n/query.py builds Config's.
"""

from types import MappingProxyType

from botocore.paginate import Paginator
from c7n.query import RetryPageIterator

# Operations botocore has no paginator for: their input token, output token and result key.
UNMODELLED = MappingProxyType(
    {
        "describe_query_definitions": ("nextToken", "nextToken", "queryDefinitions"),
    }
)


def _paginator(client, operation):
    if client.can_paginate(operation):
        return client.get_paginator(operation)
    input_token, output_token, result_key = UNMODELLED[operation]
    return Paginator(
        getattr(client, operation),
        {"input_token": input_token, "output_token": output_token, "result_key": result_key},
        client.meta.service_model.operation_model(client.meta.method_to_api_mapping[operation]),
    )


def pages(client, operation, retry=None, **params):
    """The pages of a listing, each page's call retried (by `retry`, else c7n's way)."""
    paginator = _paginator(client, operation)
    paginator.PAGE_ITERATOR_CLS = (
        RetryPageIterator
        if retry is None
        else type("RetriedPageIterator", (RetryPageIterator,), {"retry": staticmethod(retry)})
    )
    return paginator.paginate(**params)


def paginate(client, operation, result_key, retry=None, **params):
    """Every item of a listing, through all its pages."""
    return [
        item
        for page in pages(client, operation, retry, **params)
        for item in page.get(result_key, ())
    ]
