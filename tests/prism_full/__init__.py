"""Helpers of tests/test_prism_openrouter_full.py: request values synthesised from a spec."""
