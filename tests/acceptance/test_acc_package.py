"""Acceptance: the features of features/package/."""

from pytest_bdd import scenarios

scenarios("../../features/package")
