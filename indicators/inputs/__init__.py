"""Readers for the files of the data directory (contract.md). No Dagster here."""
