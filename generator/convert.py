"""Convert: Swagger 2.0 documents into the OpenAPI 3 shape the builder reads.

Only the structure changes (definitions, body/formData parameters, produces/consumes,
securityDefinitions); JSON pointers inside `$ref`s are rewritten so references still resolve.
"""

from __future__ import annotations

from typing import Any

from .diagnostics import Diagnostics


def swagger_to_openapi(document: dict[str, Any], file: str, diagnostics: Diagnostics
                       ) -> dict[str, Any]:
    raise NotImplementedError("Swagger 2.0 conversion")
