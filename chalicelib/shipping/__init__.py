"""Shipping: courier shipments, AWB numbers (nomor resi), address labels, tracking."""
