"""tracker publish: the record as a static site a newsroom hosts (the reading
pages of tracker serve, ClaimReview in each reviewed claim's page, a sitemap,
Atom feeds of its contests)."""
