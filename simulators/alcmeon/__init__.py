"""A fake Alcméon environment: the published API, simulator extensions, signed webhooks and traffic."""

from alcsim.simulators.alcmeon.config import ApplicationConfig, EnvironmentConfig
from alcsim.simulators.alcmeon.environment import AlcmeonEnvironment, create_environment

__all__ = ["AlcmeonEnvironment", "ApplicationConfig", "EnvironmentConfig", "create_environment"]
