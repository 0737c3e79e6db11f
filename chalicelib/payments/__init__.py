"""Payments: QRIS codec, gateway adapters, callbacks and payment status."""
