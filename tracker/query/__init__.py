"""The questions users ask of the record: listings, threads, search."""
