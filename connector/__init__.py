"""The connector core: sync rules, engine and durable store, gateways, widget and engagement backends."""

# One copy only: the distribution maps this folder to `alcsim.connector` (pyproject.toml, package-dir).
if __name__ != "alcsim.connector":
    raise ImportError(f"import alcsim.connector, not {__name__}: alcsim installs one top-level package")
