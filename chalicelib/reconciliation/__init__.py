"""Bank reconciliation: read mutasi (bank statement) files and match their credits to Book Orders.

``parsers`` turns an uploaded file into a :class:`~.model.ParsedStatement`; ``model`` holds the
pure rules: row fingerprints, statement validation and the matcher. Neither imports AWS or Chalice.
"""
