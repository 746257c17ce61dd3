"""Bulk API 1.0 (`/services/async/{version}/job`): jobs and batches in XML, JSON and CSV, processed in the background."""
