"""Acceptance: the features of features/sync/."""

from pytest_bdd import scenarios

scenarios("../../features/sync")
