"""Exchange formats: the export document and its views (JSON, YAML, CSV, ClaimReview)."""
