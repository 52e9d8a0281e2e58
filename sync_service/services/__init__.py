"""Use cases of the sync service: what reviewers, applicants and the worker do."""
