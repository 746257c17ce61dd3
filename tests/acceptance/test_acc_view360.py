"""Acceptance: the features of features/view360/."""

from pytest_bdd import scenarios

scenarios("../../features/view360")
