"""Accounts: models (EPSG:25832 where spatial)."""
