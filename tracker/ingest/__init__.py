"""Data in: data files and typed input, checked, anchored and written."""
