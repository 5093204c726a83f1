"""What the flow-log-compliance filter does with exemptions and unused VPCs, between judging
the VPCs and writing its verdict.

The register named by the filter's `exemptions` key is checked when the policy is validated
if it is a local file whose name needs no variable still unfilled (`custodian validate`
included), and read again by each run before it judges any VPC (an S3 object only then),
so the run records the bytes it applied.

A Lambda function reads it too, with the same code: the register is parsed by PyYAML's
pure-Python loader and checked by fastjsonschema, which Custodian's archive carries when
the mode lists them (`packages: [c7n_vpcflow, yaml, fastjsonschema]`; it packs c7n and
those packages only). They are imported only where a register is read, so a function
without one loads without them; a Lambda policy that names a register without listing
them, or that names a local file (a function has no checkout), is refused when validated,
before anything is deployed.

Then each judged VPC the register has an entry for is annotated with it
(c7n:flow-log-exemption, see exemptions.exemption_status), an expired one adding the reason
exemption-expired; and, in one DescribeNetworkInterfaces listing per account-region made
only when some VPC is non-compliant (see unused), each non-compliant VPC says whether it is
unused (c7n:vpc-unused). The listing names unused VPCs for their owners; when it fails the
run says so once and records them as not looked up (null), judging the rest as usual.
"""

import logging
from datetime import datetime, timezone

from c7n.exceptions import PolicyValidationError
from c7n.utils import local_session

from c7n_vpcflow.audit.exemptions import exemption_status, is_s3, violations_under
from c7n_vpcflow.audit.templates import TemplateError, names_in
from c7n_vpcflow.audit.unused import InterfaceListingFailed, unused_vpcs
from c7n_vpcflow.audit.variables import deploys_lambda
from c7n_vpcflow.errors import VpcFlowError
from c7n_vpcflow.vocabulary import EXEMPTION, MAX_EXEMPTION_DAYS, UNUSED, VIOLATIONS

log = logging.getLogger("custodian.vpcflow")

EXEMPTIONS_KEY, MAX_DAYS_KEY = "exemptions", "max-exemption-days"
# What a Lambda function needs in its archive to read a register: the plugin, the YAML
# reader and the schema checker that register.py imports.
REGISTER_PACKAGES = ("c7n_vpcflow", "yaml", "fastjsonschema")


class RegisterRefused(VpcFlowError):
    """The exemption register cannot be used: nothing was judged (one line)."""


def run_day(manager):
    """The day (UTC) a run judges exemptions on: that of its start, else today."""
    start = getattr(manager.ctx, "start_time", None)
    moment = datetime.fromtimestamp(start, timezone.utc) if start else datetime.now(timezone.utc)
    return moment.date()


def check_register(manager, data):
    """At validation: PolicyValidationError naming the register's first problem, when it
    can be read here (a local file, its name filled in); a Lambda policy must carry what
    reads it (REGISTER_PACKAGES) and name an S3 object."""
    location = data.get(EXEMPTIONS_KEY)
    if location is None:
        return
    in_lambda = deploys_lambda(manager)
    if in_lambda:
        check_lambda_packages(manager, location)
    from c7n_vpcflow.audit.register import RegisterError
    from c7n_vpcflow.audit.register_source import load_register, s3_object

    try:
        unfilled = names_in(location)
    except TemplateError as e:
        raise PolicyValidationError(str(RegisterError(location, str(e)))) from None
    if is_s3(location):
        if not unfilled:
            try:
                s3_object(location)
            except RegisterError as e:
                raise PolicyValidationError(str(e)) from None
        return
    if unfilled:
        return  # validated without the run's variables: the run reads it
    if in_lambda:
        raise PolicyValidationError(
            str(
                RegisterError(
                    location,
                    (
                        "policy %s runs as a Lambda function, which has no checkout: "
                        "name an S3 object (s3://bucket/key)" % manager.data.get("name")
                    ),
                )
            )
        )
    try:
        load_register(location, run_day(manager), max_days=max_days(data))
    except RegisterError as e:
        raise PolicyValidationError(str(e)) from None


def check_lambda_packages(manager, location):
    """A Lambda policy naming a register: its mode's packages hold what reads it."""
    packages = (manager.data.get("mode") or {}).get("packages") or ()
    missing = [name for name in REGISTER_PACKAGES if name not in packages]
    if missing:
        raise PolicyValidationError(
            "exemption register %s: policy %s runs as a Lambda function whose archive needs "
            "%s to read it: its mode must have packages: [%s]"
            % (location, manager.data.get("name"), ", ".join(missing), ", ".join(REGISTER_PACKAGES))
        )


def register_permissions(location):
    """What reading the register at `location` needs (nothing for a local file)."""
    if not location or not is_s3(location):
        return ()
    return ("s3:GetObject",) + (("s3:GetObjectVersion",) if "versionId=" in location else ())


def max_days(data):
    return data.get(MAX_DAYS_KEY, MAX_EXEMPTION_DAYS)


def read_register(manager, data):
    """The register the run applies, or None; RegisterRefused naming its first problem."""
    location = data.get(EXEMPTIONS_KEY)
    if location is None:
        return None
    from c7n_vpcflow.audit.register import RegisterError
    from c7n_vpcflow.audit.register_source import load_register

    client = local_session(manager.session_factory).client("s3") if is_s3(location) else None
    try:
        return load_register(location, run_day(manager), client, max_days(data))
    except RegisterError as e:
        raise RegisterRefused(str(e)) from None


def register_record(register):
    """The register as the verdict file names it."""
    if register is None:
        return None
    return {
        "location": register.location,
        "sha256": register.sha256,
        "version-id": register.version_id,
        "entries": len(register.exemptions),
    }


def apply_register(vpcs, register, account, day):
    """Annotate each judged VPC the register has an entry for (c7n:flow-log-exemption), and
    add exemption-expired to the violations of one whose entry has expired."""
    if register is None:
        return
    for vpc in vpcs:
        exemption = register.exemption_for(vpc["VpcId"], account.account_id, account.region)
        status = exemption_status(exemption, vpc[VIOLATIONS], day)
        if status is None:
            continue
        vpc[EXEMPTION] = dict(exemption.record(), status=status.value)
        vpc[VIOLATIONS] = violations_under(vpc[VIOLATIONS], status)


def mark_unused(manager, vpcs):
    """Annotate each non-compliant VPC with whether it has no network interface
    (c7n:vpc-unused; None when the listing failed); one listing, none when all comply."""
    non_compliant = [v for v in vpcs if v[VIOLATIONS]]
    if not non_compliant:
        return
    client = local_session(manager.session_factory).client("ec2")
    try:
        unused = unused_vpcs(client, [v["VpcId"] for v in non_compliant])
    except InterfaceListingFailed as e:
        log.warning(
            "%s/%s: which non-compliant VPCs are unused is not known (%s)",
            manager.config.account_id,
            manager.config.region,
            e,
        )
        unused = None
    for vpc in non_compliant:
        vpc[UNUSED] = None if unused is None else vpc["VpcId"] in unused
