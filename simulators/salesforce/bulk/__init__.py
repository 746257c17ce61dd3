"""Bulk APIs of the fake org: Bulk API 2.0 (this package) and Bulk API 1.0 (`v1`)."""
