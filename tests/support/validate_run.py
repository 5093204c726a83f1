"""One stock `custodian validate` over many policy files, each file's report read apart.

c7n validates each file and logs "Configuration invalid: <file>" followed by that file's
errors, or "Configuration valid: <file>". The run happens in the hermetic environment."""

import os
import re

from support.cli import Cli
from support.hermetic import hermetic_environ

# "...custodian.commands:ERROR Configuration invalid: <file>" (INFO ... valid: <file>)
REPORT_HEADER = re.compile(r"^.*\bConfiguration (valid|invalid): (\S.*?)\s*$", re.M)


def reports_by_file(output):
    """{file: [(verdict, text up to the next file's header)]} from validate's log."""
    headers = list(REPORT_HEADER.finditer(output))
    reports = {}
    for i, header in enumerate(headers):
        end = headers[i + 1].start() if i + 1 < len(headers) else len(output)
        reports.setdefault(header.group(2), []).append(
            (header.group(1), output[header.end() : end])
        )
    return reports


class ValidateRun:
    def __init__(self, result):
        self.result = result
        self.output = result.stdout + result.stderr
        self.reports = reports_by_file(self.output)

    def report(self, filename):
        reports = self.reports.get(filename)
        assert reports, "custodian validate did not report on %s; output:\n%s" % (
            filename,
            self.output[-4000:],
        )
        assert len(reports) == 1, "%s reported %d times" % (filename, len(reports))
        return reports[0]


def validate_all(workdir, files):
    with hermetic_environ(os.path.join(str(workdir), "home")):
        return ValidateRun(Cli(workdir)("custodian", "validate", *files))
