"""docs/configuration.md, rendered from the config schemas so the document and the checks cannot drift apart."""

# Regenerate with `python -m alcsim.simulators.topology.config_reference`; tests/unit/config/test_config_doc.py
# fails when the file differs from what the schemas render.

from __future__ import annotations

import sys
from pathlib import Path

from alcsim.simulators.alcmeon.config import ENVIRONMENT_CONFIG
from alcsim.simulators.common.config_schema import markdown
from alcsim.simulators.salesforce.config import ORG_CONFIG
from alcsim.simulators.topology.files import TOPOLOGY

DOC = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"

INTRO = """# Configuration

<!-- Generated from the schemas by `python -m alcsim.simulators.topology.config_reference`; do not edit. -->

alcsim reads three kinds of configuration, each against one schema: topology files, org configs and
environment configs. A fixture's argument (`sf_org_factory(config)`, `alcmeon_env_factory(config)`,
`topology_factory(name)`) is read against the same schema as the file. Every problem of a file is reported at
once, with the file, the line, the path of the key and what to write instead; a command exits with status 2:

```
scenarios/mine.yaml:12: orgs[0].persn_accounts: unknown key; did you mean person_accounts? valid keys: name, ...
scenarios/mine.yaml:20: environments[0].social_accounts[0].type: whatsap is not a channel; did you mean \
whatsapp? write one of: twitter, facebook, ...
org.yaml:3: person_accounts: expected true or false, got 'yes'; write person_accounts: true
sf_org_factory(config): package_version: '5.32' is not a released package version; write one of: ...
```

A key that is left out takes its default (— : none, the key is simply absent); `null` is accepted only where
the type says "or null".
"""

SECTIONS = (
    (
        "Topology files",
        "`scenarios/*.yaml`, or any file: `alcsim topology validate|show NAME_OR_FILE`, `alcsim simulate"
        " --topology NAME_OR_FILE`, `alcsim serve connector --topology NAME_OR_FILE`, `topology_factory(name)`."
        " Besides each key's own check, a topology is refused when names repeat, when an account, a team or a"
        " link names an org or a queue the file does not have, when two environments share a scoped-id prefix"
        " (TOPO-03) or when two parts share a port.",
        TOPOLOGY,
    ),
    (
        "Org configs",
        "One Salesforce org: `alcsim serve salesforce --config org.yaml`, `sf_org_factory(config)`."
        " Usernames that a queue, a connected app or a callout names must be users of the org.",
        ORG_CONFIG,
    ),
    (
        "Environment configs",
        "One Alcméon environment: `alcsim serve alcmeon --config env.yaml` (YAML or JSON),"
        " `alcmeon_env_factory(config)`. Teams that accounts and agents name must be teams of the environment.",
        ENVIRONMENT_CONFIG,
    ),
)


def render() -> str:
    """The whole reference document."""
    parts = [INTRO]
    for title, about, schema in SECTIONS:
        table = markdown(schema, title)
        heading, _, rest = table.partition("\n\n")
        parts.append(f"{heading}\n\n{about}\n\n{rest}")
    return "\n".join(parts)


def main(argv: list[str]) -> None:
    target = Path(argv[0]) if argv else DOC
    target.write_text(render(), encoding="utf-8")
    print(f"wrote {target}")


if __name__ == "__main__":
    main(sys.argv[1:])
