"""Sambung server code: everything Chalice packages beside app.py."""
