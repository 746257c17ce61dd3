"""The fakes (a Salesforce org, an Alcméon environment) and the harness that composes them with the connector."""

# One copy only: the distribution maps this folder to `alcsim.simulators` (pyproject.toml, package-dir).
if __name__ != "alcsim.simulators":
    raise ImportError(f"import alcsim.simulators, not {__name__}: alcsim installs one top-level package")
