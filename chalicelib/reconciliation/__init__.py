"""Bank reconciliation: read mutasi (bank statement) files and match their credits to Book Orders.

``parsers`` turns an uploaded file into a :class:`~.statement.ParsedStatement`. The pure rules
are ``statement`` (canonical rows, accounts, exact amounts), ``fingerprints`` (de-duplication and
PEND settlement), ``validation`` (a file's totals and balance chain) and ``matching`` (the matcher
and its suggestions); none of them imports AWS or Chalice.
"""
