"""How a change of paging reaches callers: a method that starts or stops paging returns another
kind of value; a change of how it pages leaves the loop over its items as it was."""

from __future__ import annotations

from generator.model import ir
from generator.review.diff.changes import Impact

PagingChange = tuple[str, Impact, str]  # kind, impact, message


def describe(pagination: ir.Pagination) -> str:
    """`next_url` paging (inferred), `cursor` paging on `starting_after` (x-oagen-pagination)."""
    on = f" on `{pagination.parameter}`" if pagination.parameter else ""
    return f"`{pagination.strategy}` paging{on} ({pagination.source})"


def paging_changes(
    old: ir.Pagination | None, new: ir.Pagination | None, new_item: str
) -> list[PagingChange]:
    """The changes between two operations' paging; `new_item`: the new item type as printed.
    A changed item type is not repeated here: it is a change of the response's schema, which
    the return value's comparison reports."""
    if old is None and new is None:
        return []
    if old is None and new is not None:
        return [
            (
                "paging-added",
                Impact.BREAKING,
                f"the method now pages ({describe(new)}): it returns a page iterating over "
                f"every `{new_item}` instead of the response itself, whose fields are now on "
                "`.body`",
            )
        ]
    if old is not None and new is None:
        return [
            (
                "paging-removed",
                Impact.BREAKING,
                f"the method no longer pages (was {describe(old)}): it returns the response "
                "itself, so loops over its items and `.body`, `.items`, `.get_next_page()` fail",
            )
        ]
    assert old is not None and new is not None
    changes: list[PagingChange] = []
    if _how(old) != _how(new):
        changes.append(
            (
                "paging-changed",
                Impact.NON_BREAKING,
                f"the method now uses {describe(new)} instead of {describe(old)}; "
                "iterating over its items is unchanged",
            )
        )
    return changes


def _how(pagination: ir.Pagination) -> tuple[object, ...]:
    """Everything about paging but its source and the item type."""
    return (
        pagination.strategy,
        pagination.items,
        pagination.parameter,
        pagination.parameter_in,
        pagination.limit_parameter,
        pagination.next,
        pagination.item_cursor,
        pagination.has_more,
        pagination.first,
    )
