"""Demo data for `make run`: organisations, people, achievements and demands (never in production)."""
