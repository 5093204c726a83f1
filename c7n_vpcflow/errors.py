"""The errors that end a run (unfixed VPCs, the wrong account, refused findings), and how
Custodian logs them.

Raising is the only way for an action to make `custodian run` exit non-zero; Custodian
then logs the exception with its traceback, twice (c7n/output.py and c7n/commands.py).
For these errors the traceback says nothing the message does not (it lists every VPC and
why), so those two log records carry the message instead.
"""
import logging

from botocore.exceptions import ClientError

CUSTODIAN_LOGGERS = ("custodian.output", "custodian.commands")


class VpcFlowError(Exception):
    """An error whose message says all there is to say: logged without a traceback.

    Custodian's loggers learn that only when such an error is first made (never at import:
    importing the plugin leaves Custodian's logging as it is).
    """

    def __init__(self, *args):
        super().__init__(*args)
        quiet_custodian_tracebacks()


class FlowLogRemediationError(VpcFlowError):
    """Raised after every VPC was attempted, when at least one could not be fixed."""


class RunRefused(VpcFlowError):
    """The run cannot start in its account-region (a key it cannot use there); nothing was
    changed."""


class MessageInsteadOfTraceback(logging.Filter):
    def filter(self, record):
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, VpcFlowError):
            record.msg = "%s: %s" % (record.getMessage(), error)
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True


def quiet_custodian_tracebacks():
    for name in CUSTODIAN_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, MessageInsteadOfTraceback) for f in logger.filters):
            logger.addFilter(MessageInsteadOfTraceback())


def failed_vpcs(action, verb, failed, total, account):
    """The message naming each VPC (id, error) `action` could not finish in `account`."""
    return "%s %s %d of %d VPCs in %s/%s:\n%s" % (
        action, verb, len(failed), total, account.account_id, account.region,
        "\n".join("  %s: %s" % (vpc_id, error) for vpc_id, error in failed))


def failed_call(client, method, error, when_denied=""):
    """One line on a failed call: the call as IAM names it (e.g.
    observabilityadmin:CreateTelemetryRule), its region and AWS's error code and message,
    then `when_denied` if the code says access was denied.

    An answer without an AWS error in it (botocore then takes the HTTP status for the code)
    came from an endpoint that does not support the call, such as an emulator lacking the
    service: said so, instead of the page it sent.
    """
    call = "%s:%s in %s" % (client.meta.service_model.service_name,
                            client.meta.method_to_api_mapping.get(method, method),
                            client.meta.region_name)
    if not isinstance(error, ClientError):
        return "%s: %s" % (call, one_line(str(error)))
    err = error.response.get("Error", {})
    code = str(err.get("Code", ""))
    if code.isdigit():
        return "%s: HTTP %s and no AWS error from %s: it does not support this call" % (
            call, code, client.meta.endpoint_url)
    return "%s: %s: %s%s" % (call, code, one_line(err.get("Message", "")),
                             when_denied if "AccessDenied" in code else "")


def one_line(text):
    return " ".join(str(text).split())
