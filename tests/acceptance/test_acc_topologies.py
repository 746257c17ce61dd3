"""Acceptance: the features of features/topologies/."""

from pytest_bdd import scenarios

scenarios("../../features/topologies")
