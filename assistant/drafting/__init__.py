"""Drafting: LLM backends, prompt rendering, the cited draft composer, citation checks, guardrails."""
