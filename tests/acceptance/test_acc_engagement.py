"""Acceptance: the features of features/engagement/."""

from pytest_bdd import scenarios

scenarios("../../features/engagement")
