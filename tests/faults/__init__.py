"""Fault injection with real processes: Redis restarts, killed servers, database locks."""
