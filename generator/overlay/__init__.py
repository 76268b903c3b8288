"""Overlays (OpenAPI Overlay 1.0): targets parsed by an RFC 9535 JSONPath library, then
selected and applied within budgets."""
