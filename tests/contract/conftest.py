"""The org the contract tests talk to: a fresh fake by default, or any org that ALCSIM_PARITY_* names.

A parity run (ALCSIM_PARITY_INSTANCE_URL set) sends the same tests, unchanged, to that org: `sf_org` and
`sf` come from the target, the tests marked `fake_only` are skipped with their reason, and every record a
test creates through the API is deleted after it. README, "Running the contract tests against a real org".
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from simple_salesforce import Salesforce

# pytest's default import mode puts this folder (no __init__.py) on sys.path to import this conftest.
from targets import PREFIX, OrgTarget, Parity

HERE = Path(__file__).resolve().parent
# The package's main object; a parity org without it skips the tests marked alcmeon_package.
PACKAGE_OBJECT = "alcmeon__Conversation__c"


# What a run learns once: the parity settings, its token, whether the org has the package.
_STASH = pytest.StashKey[dict]()


def _parity(config: pytest.Config) -> Parity | None:
    known = config.stash.setdefault(_STASH, {})
    if "parity" not in known:
        known["parity"] = Parity.from_environment()
    return known["parity"]


def pytest_configure(config: pytest.Config) -> None:
    _parity(config)  # a half-set configuration stops the run here, once (the markers: pyproject.toml)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    parity = _parity(config)
    if parity is None:
        return
    for item in items:
        if HERE not in item.path.parents:
            continue
        fake_only = item.get_closest_marker("fake_only")
        if fake_only is not None:
            reason = fake_only.kwargs.get("reason") or (fake_only.args[0] if fake_only.args else "")
            item.add_marker(pytest.mark.skip(reason=f"fake only{': ' + reason if reason else ''}"))
        elif item.get_closest_marker("empty_org") and not parity.empty_org:
            item.add_marker(
                pytest.mark.skip(
                    reason=f"needs an org without records it did not create: set {PREFIX}EMPTY_ORG=1 "
                    "against a fresh org"
                )
            )


@pytest.hookimpl(tryfirst=True)  # before the fixtures are set up
def pytest_runtest_setup(item: pytest.Item) -> None:
    parity = _parity(item.config)
    if parity is None or item.get_closest_marker("alcmeon_package") is None:
        return
    known = item.config.stash[_STASH]
    if "package" not in known:
        target = parity.target(_session_token(item.config, parity))
        answer = target.session().get(
            f"{target.instance_url}/services/data/v{target.api_version}/sobjects/{PACKAGE_OBJECT}/",
            headers={"Authorization": f"Bearer {target.access_token()}"},
        )
        known["package"] = answer.status_code == 200
    if not known["package"]:
        pytest.skip(f"the org has no Alcméon package ({PACKAGE_OBJECT} is not served)")


def _session_token(config: pytest.Config, parity: Parity) -> Callable[[], str]:
    """One login for the whole run."""

    def token() -> str:
        known = config.stash[_STASH]
        if "token" not in known:
            known["token"] = parity.login()
        return known["token"]

    return token


@pytest.fixture(scope="session")
def parity(pytestconfig) -> Parity | None:
    """The org that ALCSIM_PARITY_* names, or None: then every test gets a fresh fake org."""
    return _parity(pytestconfig)


@pytest.fixture
def org_target(request, parity):
    """The org under test as an OrgTarget; in a parity run it deletes what the test created."""
    if parity is None:
        yield OrgTarget.of_fake(request.getfixturevalue("sf_org"))
        return
    target = parity.target(_session_token(request.config, parity))
    yield target
    target.delete_created()


@pytest.fixture
def sf_org(request, parity):
    """A fresh fake org (the plugin's RunningOrg), or in a parity run the target org."""
    if parity is None:
        return request.getfixturevalue("sf_org_factory")()
    return request.getfixturevalue("org_target")


@pytest.fixture
def sf(org_target) -> Salesforce:
    """A simple-salesforce client on the org under test, fake or real."""
    return org_target.client()


@pytest.fixture
def sf_clock(sf_clock, parity):
    """The plugin's clock, which `sf_org_factory` also takes: a parity run refuses both, so a test that
    moves the clock or starts fake orgs cannot pass unnoticed against a fake instead of the target."""
    if parity is not None:
        pytest.fail("this test moves the fake's clock or starts fake orgs: mark it @pytest.mark.fake_only")
    return sf_clock
