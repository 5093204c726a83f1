"""Every scenario, mode and suite of the bench: `scenarios.py`'s registries once each
module that measures an issue has registered its own.

The modules register at import, so whoever needs the registries whole (the runner, the
report, the entry point) reads them here rather than from `scenarios.py`.
"""

# The order they register in is the order `python -m bench` runs the suites.
# isort: off
from . import cost, lambda_archive, org, account_scale, report_org  # noqa: F401

# isort: on
from .scenarios import MODES, SCENARIOS, SUITES

__all__ = ["MODES", "SCENARIOS", "SUITES"]
