"""Model: build the intermediate representation (IR) of schemas and operations."""
