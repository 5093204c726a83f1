"""The errors that end a run (unfixed VPCs, the wrong account, refused findings), and the
rule by which our actions fail a policy.

Custodian has no failure path without a traceback: `custodian run` logs the exception a
policy raises with its traceback (c7n/commands.py run), c7n-org logs one line. So each
failure is said first, as one ERROR line of our own logger (custodian.vpcflow) with the
VPC id, and the policy ends with one exception, raised without chained causes, whose
message names every failure; Custodian prints it its own way. Its loggers are left as they
are.

An action that raises stops the policy (Custodian runs no later action). So an action whose
failures are annotated on the VPCs (AnnotatesFailures: c7n:flow-log-result,
c7n:flow-log-analytics) raises only when it is the last such action of the policy, naming
every failure annotated by it and by those before it (fail_if_last): a failure on one VPC
stops no other action, and no action calls another.
"""

from botocore.exceptions import ClientError

from c7n_vpcflow.vocabulary import Status


class VpcFlowError(Exception):
    """An error whose message says all there is to say."""


class FlowLogRemediationError(VpcFlowError):
    """Raised after every VPC was attempted, when at least one could not be fixed."""


class RunRefused(VpcFlowError):
    """The run cannot start in its account-region (a key it cannot use there); nothing was
    changed."""


class AnnotatesFailures:
    """An action of ours whose result on each VPC is annotated under `failure_key`: a record
    whose status is failed, with its error, when the action failed for that VPC; said as
    `<type> <failure_verb> N of M VPCs`."""

    failure_key = None
    failure_verb = None


def fail_if_last(action, resources, account):
    """When `action` is the policy's last AnnotatesFailures action: raise one
    FlowLogRemediationError naming every VPC that it, or one before it, failed for."""
    ours = [a for a in action.manager.actions if isinstance(a, AnnotatesFailures)]
    if ours[-1] is not action:
        return
    messages = []
    for acted_by in ours:
        acted_on = [r for r in resources if acted_by.failure_key in r]
        failed = sorted(
            (r["VpcId"], r[acted_by.failure_key]["error"])
            for r in acted_on
            if r[acted_by.failure_key]["status"] == Status.FAILED
        )
        if failed:
            messages.append(
                failed_vpcs(acted_by.type, acted_by.failure_verb, failed, len(acted_on), account)
            )
    if messages:
        raise FlowLogRemediationError("\n".join(messages))


def failed_vpcs(action, verb, failed, total, account):
    """The message naming each VPC (id, error) `action` could not finish in `account`."""
    return "%s %s %d of %d VPCs in %s/%s:\n%s" % (
        action,
        verb,
        len(failed),
        total,
        account.account_id,
        account.region,
        "\n".join("  %s: %s" % (vpc_id, error) for vpc_id, error in failed),
    )


def failed_call(client, method, error, when_denied=""):
    """One line on a failed call: the call as IAM names it (e.g.
    observabilityadmin:CreateTelemetryRule), its region and AWS's error code and message,
    then `when_denied` if the code says access was denied.

    An answer without an AWS error in it (botocore then takes the HTTP status for the code)
    came from an endpoint that does not support the call, such as an emulator lacking the
    service: said so, instead of the page it sent.
    """
    call = "%s:%s in %s" % (
        client.meta.service_model.service_name,
        client.meta.method_to_api_mapping.get(method, method),
        client.meta.region_name,
    )
    if not isinstance(error, ClientError):
        return "%s: %s" % (call, one_line(str(error)))
    err = error.response.get("Error", {})
    code = str(err.get("Code", ""))
    if code.isdigit():
        return "%s: HTTP %s and no AWS error from %s: it does not support this call" % (
            call,
            code,
            client.meta.endpoint_url,
        )
    return "%s: %s: %s%s" % (
        call,
        code,
        one_line(err.get("Message", "")),
        when_denied if "AccessDenied" in code else "",
    )


def one_line(text):
    return " ".join(str(text).split())
