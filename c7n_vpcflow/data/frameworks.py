"""The frameworks that map the control this project enforces, read from frameworks.json.

The file is Prowler's mapping with its source (repository, files, commit, date, check), and
the one place it is kept: the HTML report shows it and flow-log-finding names its CIS rows
in each finding's RelatedRequirements, both through `load()`, so they cannot disagree.
"""

import json
from importlib.resources import files

CIS = "CIS Amazon Web Services Foundations Benchmark "
# How Security Hub's own CIS standards write a requirement in RelatedRequirements.
CIS_REQUIREMENT = "CIS AWS Foundations Benchmark %s/%s"


def load():
    """{"source": {...}, "frameworks": [{"name", "version", "requirements": [{"id", "name"}]}]}."""
    return json.loads((files(__package__) / "frameworks.json").read_text("utf-8"))


def cis_numbering(frameworks):
    """[(CIS benchmark version, requirement id)] in the file's order, e.g. ("v3.0.0", "3.7")."""
    return [
        (framework["name"][len(CIS) :], requirement["id"])
        for framework in frameworks
        if framework["name"].startswith(CIS)
        for requirement in framework["requirements"]
    ]


def cis_requirements(frameworks):
    """The control in every CIS version, as Security Hub findings name requirements."""
    return [CIS_REQUIREMENT % pair for pair in cis_numbering(frameworks)]
