"""Shared building blocks used by every business area."""
