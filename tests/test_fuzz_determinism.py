"""The property-based tests draw the same examples on every CI run (CI=true, as .ci/run
sets it), so CI cannot fail by chance; local runs draw anew each time."""

import os
import subprocess
import sys

import test_fuzzed_configuration

from support.constants import ROOT

FUZZ_TEST = (
    test_fuzzed_configuration.test_every_policy_is_refused_naming_a_key_or_validates_and_plans
)


def derandomized_under(environ):
    """hypothesis' default settings.derandomize once conftest is loaded with `environ`."""
    probe = (
        "import sys; sys.path[:0] = %r; import conftest, hypothesis; "
        "print(hypothesis.settings.default.derandomize)" % [os.path.join(ROOT, "tests"), ROOT]
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], env=environ, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip() == "True"


def test_the_fuzz_test_is_derandomized_exactly_when_ci_is_true():
    in_ci = os.environ.get("CI") == "true"
    assert FUZZ_TEST._hypothesis_internal_use_settings.derandomize is in_ci


def test_conftest_derandomizes_with_ci_true_and_not_without():
    environ = {k: v for k, v in os.environ.items() if k != "CI"}
    assert derandomized_under(dict(environ, CI="true")) is True
    assert derandomized_under(environ) is False
