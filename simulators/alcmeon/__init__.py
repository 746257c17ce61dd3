"""A fake Alcméon environment: the published API, simulator extensions, signed webhooks and traffic."""

from __future__ import annotations

from importlib import import_module

# The names load on first use (PEP 562): importing a submodule (the pytest fixtures, the content, the
# page texts) then costs that module, not the whole fake with Flask and its TLS set-up.
_EXPORTS = {
    "ApplicationConfig": "alcsim.simulators.alcmeon.config",
    "EnvironmentConfig": "alcsim.simulators.alcmeon.config",
    "AlcmeonEnvironment": "alcsim.simulators.alcmeon.environment",
    "create_environment": "alcsim.simulators.alcmeon.environment",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name]), name)
