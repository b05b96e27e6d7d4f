"""The generic step engine (engine.py), the flows built on it, and their routes."""
