"""The user's own connector package: its name must not collide with alcsim's."""

NAME = "user"
