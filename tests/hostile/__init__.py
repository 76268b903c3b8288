"""Helpers of tests/test_hostile.py: spec strategies, the generate-and-import harness, the
probe."""
