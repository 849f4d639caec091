"""Write services of the accounts context (organisations, staff, people, API tokens)."""
