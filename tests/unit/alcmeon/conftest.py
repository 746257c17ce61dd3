"""Alcméon environment fixtures for these tests (the lead's pytest plugin registers the same ones)."""

from alcsim.simulators.alcmeon.pytest_fixtures import (  # noqa: F401
    alcmeon_env,
    alcmeon_env_factory,
    alcmeon_webhook_receiver,
)
