"""A fake Alcméon environment: the published API, simulator extensions, signed webhooks and traffic."""

from .config import ApplicationConfig, EnvironmentConfig
from .environment import AlcmeonEnvironment, create_environment

__all__ = ["AlcmeonEnvironment", "ApplicationConfig", "EnvironmentConfig", "create_environment"]
