"""What Custodian's custodian-run.log says about why a run judged nothing."""

import re

RUN_LOG = "custodian-run.log"
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ - (\S+) - (\w+) - (.*)$")
COUNTED = re.compile(r"^policy:\S+ resource:\S+ region:\S* count:\d+")


def first_error(folder):
    """The first error logged since the last run that got as far as counting resources.

    custodian-run.log is appended to by every run into the directory. A traceback's last
    line (the exception) is added to an error line that says no more than that it failed.
    """
    if RUN_LOG not in folder.files:
        return None
    try:
        lines = folder.read(RUN_LOG).decode("utf-8", errors="replace").splitlines()
    except OSError:
        return None
    parsed = [LOG_LINE.match(line) for line in lines]
    counted = [i for i, m in enumerate(parsed) if m and COUNTED.match(m.group(3))]
    start = counted[-1] + 1 if counted else 0
    for i in range(start, len(lines)):
        if parsed[i] and parsed[i].group(2) in ("ERROR", "CRITICAL"):
            message = parsed[i].group(3)
            following = []
            for line, match in zip(lines[i + 1 :], parsed[i + 1 :]):
                if match:
                    break
                if line.strip():
                    following.append(line.strip())
            return "%s: %s" % (message, following[-1]) if following else message
    return None
