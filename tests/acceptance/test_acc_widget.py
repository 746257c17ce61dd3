"""Acceptance: the features of features/widget/."""

from pytest_bdd import scenarios

scenarios("../../features/widget")
