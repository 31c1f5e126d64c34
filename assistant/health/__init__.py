"""Readiness: whether this instance's dependencies answer, for load balancers and operators."""
