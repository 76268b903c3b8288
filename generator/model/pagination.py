"""Pagination: decide how a list operation pages, as data (`ir.Pagination`).

What the description says comes first: `x-oagen-pagination` (ours, see docs/pagination.md), then
`x-speakeasy-pagination`, `x-ms-pageable` and `x-fern-pagination`. Without any, a few common
conventions are recognised from the parameters and the response schema, conservatively: a list
that pages wrongly is worse than one that does not page, so every inference needs both a request
parameter and a response field (or declared `Link` header) that name the same convention.
"""

from __future__ import annotations

from typing import Any

from generator.diagnostics import Diagnostics, Location
from generator.model import ir
from generator.model.paging_extensions import AZURE, FERN, OURS, SPEAKEASY, ExtensionReader
from generator.model.paging_inference import infer
from generator.model.paging_shapes import OperationShape, ResponseStructure


class PaginationBuilder:
    def __init__(self, definitions: dict[str, ir.Definition], diagnostics: Diagnostics) -> None:
        self.structure = ResponseStructure(definitions)
        self.extensions = ExtensionReader(self.structure, diagnostics)

    def detect(
        self, operation: dict[str, Any], shape: OperationShape, where: Location
    ) -> ir.Pagination | None:
        for key, read in (
            (OURS, self.extensions.ours),
            (SPEAKEASY, self.extensions.speakeasy),
            (AZURE, self.extensions.azure),
            (FERN, self.extensions.fern),
        ):
            if key in operation:
                value = operation[key]
                if value is False or value is None:
                    return None  # the description says this list does not page
                return read(value, shape, where.child(key))
        if shape.http_method != "GET":
            return None
        return infer(self.structure, shape)
