"""Acceptance: the features of features/update/."""

from pytest_bdd import scenarios

scenarios("../../features/update")
