"""Issue 13: the invariant checker reads every conversation, past the extension's 200 a page."""

from alcsim.simulators.topology.observe import conversations_of


def test_every_conversation_is_listed_past_the_first_page(alcmeon_env):
    account = alcmeon_env.account_id("twitter")
    for n in range(450):
        alcmeon_env.env.inbox.customer_writes(account, f"tw-{n}", f"message {n}")
    first = alcmeon_env.ext("GET", "/conversations", params={"account_id": account}).json()
    assert len(first) == 200  # what the checker used to count
    every = conversations_of(alcmeon_env, account)
    assert len(every) == 450 and len({c["id"] for c in every}) == 450
    assert sum(len(c["tasks"]) for c in every) == 450
