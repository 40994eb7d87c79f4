"""The record: the database, its schema, and what its rows mean (sides, status, names)."""
