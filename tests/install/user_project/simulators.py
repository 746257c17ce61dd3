"""The user's own `simulators` module: its name must not collide with alcsim's."""

NAME = "user simulators"
