"""SNAP BI (Bank Indonesia's open API standard) for bank statements: :mod:`.signing` (the three
signatures, byte for byte) and :mod:`.client` (token, Balance Inquiry, Bank Statement with paging,
retries and the standard's response codes). Rows fetched go through the same import as uploaded
files (:mod:`..parsers.snap_json`, :mod:`..feeds`)."""
