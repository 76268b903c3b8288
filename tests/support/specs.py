"""Spec documents the tests write on the fly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# The smallest useful description: one tagged operation without a body.
PETS_SPEC = """\
openapi: 3.1.0
info:
  title: Pet Store
  version: 1.0.0
paths:
  /pets:
    get:
      operationId: listPets
      tags: [pets]
      responses:
        "200":
          description: ok
"""


def write_schemas_spec(path: Path, schemas: dict[str, Any], returned: str) -> Path:
    """An OpenAPI 3.1 JSON document at `path` with `schemas` and one operation returning the
    schema named `returned`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(
            {
                "openapi": "3.1.0",
                "info": {"title": "Large", "version": "1"},
                "paths": {
                    "/m": {
                        "get": {
                            "operationId": "getM",
                            "responses": {
                                "200": {
                                    "description": "ok",
                                    "content": {
                                        "application/json": {
                                            "schema": {"$ref": f"#/components/schemas/{returned}"}
                                        }
                                    },
                                }
                            },
                        }
                    }
                },
                "components": {"schemas": schemas},
            }
        ),
        encoding="utf-8",
    )
    return path
