"""Changes as a pull-request comment (Markdown) or as JSON."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from generator.diagnostics import json_text, printable
from generator.review.diff.changes import Change, Impact, suggested_bump


def as_dict(changes: Iterable[Change]) -> dict[str, Any]:
    ordered = sorted(changes, key=Change.sort_key)
    groups: dict[str, list[dict[str, str]]] = {"breaking": [], "non_breaking": [], "docs": []}
    for change in ordered:
        key = change.severity.value.replace("-", "_")
        groups[key].append(
            {"kind": change.kind, "location": change.location, "message": change.message}
        )
    return {**groups, "suggested_bump": suggested_bump(ordered)}


def render_json(changes: Iterable[Change]) -> str:
    """`{"breaking": [...], "non_breaking": [...], "docs": [...], "suggested_bump": ...}`."""
    return json_text(as_dict(changes)) + "\n"


_HEADINGS = (
    (
        Impact.BREAKING,
        "Breaking changes",
        "Code written against the previous client may stop working.",
    ),
    (Impact.NON_BREAKING, "Non-breaking changes", "Additions and compatible changes."),
    (Impact.DOCS, "Documentation only", "Descriptions and summaries; no code changes."),
)


def render_markdown(changes: Iterable[Change], title: str = "API changes") -> str:
    """A pull-request comment: a summary line, then one section per severity."""
    ordered = sorted(changes, key=Change.sort_key)
    bump = suggested_bump(ordered)
    lines = [f"## {title}", ""]
    if not ordered:
        lines += ["No changes to the generated client.", "", "Suggested version bump: **none**"]
        return "\n".join(lines) + "\n"
    counts = {impact: sum(1 for c in ordered if c.severity is impact) for impact, _, _ in _HEADINGS}
    lines.append(
        f"**{counts[Impact.BREAKING]}** breaking, **{counts[Impact.NON_BREAKING]}** "
        f"non-breaking, **{counts[Impact.DOCS]}** documentation-only; suggested version "
        f"bump: **{bump}**"
    )
    for impact, heading, blurb in _HEADINGS:
        group = [c for c in ordered if c.severity is impact]
        if not group:
            continue
        lines += ["", f"### {heading} ({len(group)})", "", blurb, ""]
        for change in group:
            lines.append(
                f"- `{printable(change.location)}` ({change.kind}): "
                f"{printable(_md(change.message))}"
            )
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return " ".join(text.split())
