"""Probe tests for test_harness's marker test: collected only when named on the command
line (the name matches no test file pattern), never run."""

import pytest


@pytest.fixture
def seeded(emulator):
    return emulator


def test_on_the_emulator(emulator):
    pass


def test_behind_the_fault_proxy(fault_proxy):
    pass


def test_through_a_fixture_built_on_the_emulator(seeded):
    pass


def test_without_aws(tmp_path):
    pass
