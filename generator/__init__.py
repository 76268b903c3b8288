"""oagen: generate production-grade Python clients from OpenAPI descriptions."""

__version__ = "0.1.0"
