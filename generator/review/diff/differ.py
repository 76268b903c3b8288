"""The differ: both versions built, then compared part by part (client, security schemes,
operations, definitions) into a sorted list of changes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.config import Config
from generator.model import ir
from generator.pipeline import Run, analyse
from generator.review.diff.changes import Change, Impact
from generator.review.diff.models import ModelsDiff
from generator.review.diff.operations import OperationsDiff


@dataclass(slots=True)
class DiffResult:
    """Both runs (for their diagnostics) and the changes; `changes` is empty when a side failed."""

    old_run: Run
    new_run: Run
    old: ir.Api | None
    new: ir.Api | None
    changes: list[Change] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Both sides were read without errors: a refused `$ref` (E005) would otherwise be
        compared as Any, and the diff would say less changed than did."""
        return (
            self.old is not None
            and self.new is not None
            and not (self.old_run.diagnostics.has_errors or self.new_run.diagnostics.has_errors)
        )


def diff_specs(
    old: Path, new: Path, config: Config, old_config: Config | None = None
) -> DiffResult:
    """Build both specs (without schema validation) with the same config (or `old_config` for
    the old one: its `root` where the old spec is a copy from git) and compare them."""
    old_run, new_run = Run(old_config or config), Run(config)
    old_api = analyse(old_run, old, validate=False)
    new_api = analyse(new_run, new, validate=False)
    result = DiffResult(old_run, new_run, old_api, new_api)
    if old_api is not None and new_api is not None:
        result.changes = diff_apis(old_api, new_api)
    return result


def diff_apis(old: ir.Api, new: ir.Api) -> list[Change]:
    """Every client-visible difference between `old` and `new`, in a stable order."""
    changes = Differ(old, new).run()
    unique: dict[tuple[int, str, str, str], Change] = {}
    for change in changes:
        unique.setdefault(change.sort_key(), change)
    return [unique[key] for key in sorted(unique)]


class Differ(OperationsDiff, ModelsDiff):
    """The whole comparison: the client itself and its security schemes here, operations and
    definitions in their parts."""

    def run(self) -> list[Change]:
        self._client()
        self._security_schemes()
        self._operations()
        self._models()
        return self.changes

    # --- the client itself ------------------------------------------------------------------

    def _client(self) -> None:
        old, new = self.old, self.new
        if old.base_url != new.base_url:
            self.add(
                "server-changed",
                Impact.BREAKING,
                "client.base_url",
                f"the default server changed from `{old.base_url or '(none)'}` to "
                f"`{new.base_url or '(none)'}`: every call made without an explicit "
                "`base_url` now goes to the new server",
            )
        for label, before, after in (
            ("sync client class", old.client_class, new.client_class),
            ("async client class", old.async_client_class, new.async_client_class),
            ("package", old.package, new.package),
            ("environment variable prefix", old.env_prefix, new.env_prefix),
        ):
            if before != after:
                self.add(
                    "client-renamed",
                    Impact.BREAKING,
                    "client",
                    f"the {label} changed from `{before}` to `{after}`: imports and "
                    "environment variables using the old name stop working",
                )
        if old.title != new.title:
            self.add(
                "title-changed",
                Impact.DOCS,
                "client",
                f"the API title changed from {old.title!r} to {new.title!r}",
            )
        if old.version != new.version:
            self.add(
                "api-version-changed",
                Impact.DOCS,
                "client",
                f"the API description's version changed from {old.version!r} to {new.version!r}",
            )
        if old.description != new.description:
            self.add("description-changed", Impact.DOCS, "client", "the API description changed")
        if old.license != new.license:
            self.add(
                "license-changed",
                Impact.DOCS,
                "client",
                f"the license changed from {old.license!r} to {new.license!r}",
            )

    def _security_schemes(self) -> None:
        old = {s.key: s for s in self.old.security_schemes}
        new = {s.key: s for s in self.new.security_schemes}
        for key in sorted(old.keys() - new.keys()):
            scheme = old[key]
            self.add(
                "auth-scheme-removed",
                Impact.BREAKING,
                f"client({scheme.argument}=)",
                f"security scheme `{key}` was removed: the client no longer takes "
                f"`{scheme.argument}`"
                + (f" nor reads `{scheme.env_var}`" if scheme.env_var else ""),
            )
        for key in sorted(new.keys() - old.keys()):
            scheme = new[key]
            self.add(
                "auth-scheme-added",
                Impact.NON_BREAKING,
                f"client({scheme.argument}=)",
                f"new security scheme `{key}` ({_scheme_text(scheme)}): the client takes "
                f"an optional `{scheme.argument}`"
                + (f" (or `{scheme.env_var}`)" if scheme.env_var else ""),
            )
        for key in sorted(old.keys() & new.keys()):
            a, b = old[key], new[key]
            where = f"client({b.argument}=)"
            if a.argument != b.argument:
                self.add(
                    "auth-changed",
                    Impact.BREAKING,
                    where,
                    f"the credential of `{key}` is now passed as `{b.argument}` instead of "
                    f"`{a.argument}`",
                )
            if a.env_var != b.env_var:
                self.add(
                    "auth-changed",
                    Impact.BREAKING,
                    where,
                    f"the credential of `{key}` is now read from `{b.env_var}` instead of "
                    f"`{a.env_var}`",
                )
            if _scheme_text(a) != _scheme_text(b):
                self.add(
                    "auth-changed",
                    Impact.BREAKING,
                    where,
                    f"security scheme `{key}` changed from {_scheme_text(a)} to "
                    f"{_scheme_text(b)}: credentials are sent differently",
                )
            if a.description != b.description:
                self.add(
                    "description-changed",
                    Impact.DOCS,
                    where,
                    f"the description of security scheme `{key}` changed",
                )


def _scheme_text(scheme: ir.SecurityScheme) -> str:
    if scheme.kind == "http":
        return f"HTTP {scheme.scheme or 'auth'}"
    if scheme.kind == "apiKey":
        return f"API key in {scheme.location_in} `{scheme.param_name}`"
    return scheme.kind
