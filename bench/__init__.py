"""Benchmarks: figures printed by scripts, not timed tests (`python -m bench.<name>`)."""
