"""Acceptance: the features of features/matching/."""

from pytest_bdd import scenarios

scenarios("../../features/matching")
