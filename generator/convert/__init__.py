"""Convert: a Swagger 2.0 description to the OpenAPI 3 document the rest of the pipeline reads."""
