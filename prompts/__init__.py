"""Versioned prompt templates as files, and the small loader that renders them."""
