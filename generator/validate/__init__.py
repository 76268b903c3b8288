"""Validate: check the loaded document against the OpenAPI specification."""
