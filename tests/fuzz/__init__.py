"""Fuzzing corpuskit's extraction: shared mutations and invariants, an atheris entry point,
and the crashers found so far (replayed by tests/test_robustness.py)."""
