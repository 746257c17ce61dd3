"""The topology drawn as SVG geometry: environments (teams, accounts), the connector, orgs (queues), links."""

# Plain data for the template: boxes, rows and lines with coordinates. Team rows join the queue they are
# mapped to (TOPO-05); account rows join the org they are linked to (SYNC-09); every environment and
# org joins the connector in the middle.

from __future__ import annotations

from dataclasses import dataclass, field

from alcsim.simulators.topology.sentences import channel_name

ROW, HEAD, TOP, GAP, PAD = 22, 30, 54, 24, 8  # TOP: head and subtitle, above the first row
LEFT_X, MID_X, RIGHT_X, BOX_W, MID_W = 20, 390, 620, 300, 160


@dataclass
class Row:
    key: str
    label: str
    kind: str  # team, alcmeon-team, account, unlinked-account, queue
    y: int


@dataclass
class Box:
    key: str
    title: str
    subtitle: str
    kind: str  # environment, org, connector
    x: int
    y: int
    width: int
    height: int
    rows: list[Row] = field(default_factory=list)
    counter: str = ""  # the data-counter shown in the box's corner


@dataclass
class Line:
    x1: int
    y1: int
    x2: int
    y2: int
    kind: str  # mapping, link, feed

    @property
    def path(self) -> str:
        middle = (self.x1 + self.x2) // 2
        return f"M{self.x1},{self.y1} C{middle},{self.y1} {middle},{self.y2} {self.x2},{self.y2}"


def _box(key, title, subtitle, kind, x, y, width, labels, counter="") -> Box:
    """Row `y` is the row's middle, where lines join it; its text sits on the same line."""
    rows = [
        Row(k, label, row_kind, y + TOP + i * ROW + ROW // 2) for i, (k, label, row_kind) in enumerate(labels)
    ]
    return Box(key, title, subtitle, kind, x, y, width, TOP + ROW * max(len(labels), 1) + PAD, rows, counter)


def layout(topology) -> dict:
    """Boxes and lines for `topology` (connector/topology.py), and the drawing's size."""
    envs, orgs, y = [], [], GAP
    for env in topology.environments:
        labels = [
            (
                f"team:{env.name}:{t.name}",
                t.name + (f" → {t.queue}" if t.org else ""),
                "team" if t.org else "alcmeon-team",
            )
            for t in env.teams
        ]
        labels += [
            (
                f"account:{env.name}:{a.name}",
                f"{a.name} ({channel_name(a.type)})",  # the product's own spelling: WhatsApp, X
                "account" if a.org else "unlinked-account",
            )
            for a in env.social_accounts
        ]
        box = _box(
            f"env:{env.name}",
            env.name,
            f"Alcméon · instance {env.instance_id}",
            "environment",
            LEFT_X,
            y,
            BOX_W,
            labels,
            f"env.{env.name}.conversations",
        )
        envs.append(box)
        y += box.height + GAP
    left_height, y = y, GAP
    for org in topology.orgs:
        labels = [(f"queue:{org.name}:{q.developer_name}", q.name, "queue") for q in org.queues]
        subtitle = f"Salesforce · package {org.package_version}" + (" · sandbox" if org.sandbox else "")
        box = _box(
            f"org:{org.name}", org.name, subtitle, "org", RIGHT_X, y, BOX_W, labels, f"org.{org.name}.records"
        )
        orgs.append(box)
        y += box.height + GAP
    height = max(left_height, y, 3 * GAP + 120)
    connector = Box(
        "connector",
        "connector",
        topology.name,
        "connector",
        MID_X,
        height // 2 - 60,
        MID_W,
        120,
        counter="connector.done",
    )
    lines = [Line(b.x + b.width, b.y + HEAD // 2, connector.x, connector.y + 40, "feed") for b in envs]
    lines += [
        Line(connector.x + connector.width, connector.y + 80, b.x, b.y + HEAD // 2, "feed") for b in orgs
    ]
    rows = {r.key: (b, r) for b in envs + orgs for r in b.rows}
    heads = {b.key: b for b in orgs}
    for env in topology.environments:
        for team in env.teams:
            if team.org and f"queue:{team.org}:{team.queue}" in rows:
                (eb, er), (qb, qr) = (
                    rows[f"team:{env.name}:{team.name}"],
                    rows[f"queue:{team.org}:{team.queue}"],
                )
                lines.append(Line(eb.x + eb.width, er.y, qb.x, qr.y, "mapping"))
        for account in env.social_accounts:
            if account.org and f"org:{account.org}" in heads:
                (eb, er), ob = rows[f"account:{env.name}:{account.name}"], heads[f"org:{account.org}"]
                lines.append(Line(eb.x + eb.width, er.y, ob.x, ob.y + HEAD // 2, "link"))
    return {
        "boxes": [*envs, connector, *orgs],
        "lines": lines,
        "width": RIGHT_X + BOX_W + 20,
        "height": height,
    }
