"""Acceptance: the features of features/workflows/."""

from pytest_bdd import scenarios

scenarios("../../features/workflows")
