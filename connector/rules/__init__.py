"""Sync rules, one module per direction; plain functions over plain data."""
