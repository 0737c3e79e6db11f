"""Bank reconciliation: read mutasi (bank statement) files and match their credits to Book Orders.

``parsers`` turns an uploaded file into a :class:`~.statement.ParsedStatement`. The pure rules
are ``statement`` (canonical rows, accounts, exact amounts), ``fingerprints`` (de-duplication and
PEND settlement), ``validation`` (a file's totals and balance chain), ``continuity`` (a file's
opening balance against the balance stored for its account), ``matching`` (the matcher and its
suggestions) and ``approval`` (when a match needs an admin's PIN, and whose); none of them imports
AWS or Chalice.
"""
