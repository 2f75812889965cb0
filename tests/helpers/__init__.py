"""Helpers the test folders share (no tests here)."""
