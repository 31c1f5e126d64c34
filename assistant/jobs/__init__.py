"""Durable background jobs: an in-process runner and a Celery worker over the same jobs table."""
