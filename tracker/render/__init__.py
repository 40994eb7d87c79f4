"""Data out: JSON and table shapes, terminal layouts, Markdown reports."""
