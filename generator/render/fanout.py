"""The models and resources modules rendered, laid out and compiled in two child processes, with
the API reference's signatures and examples laid out there too, while this one renders the other
files: on a machine with a second core, that work no longer waits behind the rest.

The children are forked once their templates are compiled here, so they inherit the compiled
templates and the IR instead of receiving copies; only the finished texts come back. A child
that fails (or a platform without fork) leaves the work to this process, which then does
exactly what it would have done alone.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from generator import workers
from generator.model import ir
from generator.render import pysource
from generator.render.format import finish_share
from generator.render.package import Printer, Unit

# Below this many modules, starting the children costs more than they save.
MIN_UNITS = 64
_SHARES = 16


@dataclass(frozen=True, slots=True)
class Delivered:
    modules: dict[str, str]  # finished text by path
    invalid: list[tuple[str, str]]  # (path, error) of modules that are not valid Python
    statements: list[str]  # the reference's statements, laid out, in their order


class Fanout:
    """`units` (modules of built-in templates) being rendered and finished in children, and the
    API reference's `statements` laid out there too (on a large API they are as much work)."""

    def __init__(
        self, api: ir.Api, units: list[Unit], extra_dirs: tuple[Path, ...], statements: list[str]
    ) -> None:
        self.units = units
        self.statements = statements
        self.printer = Printer(api, extra_dirs)
        for template in sorted({unit.template for unit in units}):
            self.printer.load(template)  # compiled once, here, before the fork
        # Interleaved shares even out large and small modules; the pool hands them out.
        indexes = range(len(statements))
        shares = [(units[n::_SHARES], list(indexes[n::_SHARES])) for n in range(_SHARES)]
        self.shared: workers.Shared | None = None
        with contextlib.suppress(Exception):  # no child could start: the work stays here
            self.shared = workers.Shared(self._share, [s for s in shares if s[0] or s[1]], 2)

    def _share(
        self, share: tuple[list[Unit], list[int]]
    ) -> tuple[dict[str, str], list[tuple[str, str]], bool, dict[int, str]]:
        """Runs in a child: the units rendered and finished, the files that are not valid
        Python, whether every unit was laid out by a built-in template, and the statements
        laid out by their index."""
        from generator.render.format import cached_black

        units, indexes = share
        files: dict[str, str] = {}
        all_laid_out = True
        for unit in units:
            files[unit.path], laid_out = self.printer.render(unit)
            all_laid_out = all_laid_out and laid_out
        finished, invalid = finish_share(files)
        laid = pysource.lay_out_statements([self.statements[i] for i in indexes], cached_black)
        return finished, invalid, all_laid_out, dict(zip(indexes, laid, strict=True))

    def results(self) -> Delivered | None:
        """What the children made, or None when they did not deliver (the caller then does
        the work itself)."""
        if self.shared is None:
            return None
        try:
            shares = self.shared.results()
        except Exception:
            return None
        modules: dict[str, str] = {}
        invalid: list[tuple[str, str]] = []
        statements: dict[int, str] = {}
        for done, bad, all_laid_out, laid in shares:
            if not all_laid_out:  # a template outside the built-in ones: not for children
                return None
            modules.update(done)
            invalid.extend(bad)
            statements.update(laid)
        if len(statements) != len(self.statements):
            return None
        return Delivered(modules, invalid, [statements[i] for i in range(len(self.statements))])


def worthwhile(units: list[Unit], extra_dirs: tuple[Path, ...]) -> bool:
    """Whether `start` would start children: enough modules of built-in templates, a second
    core, and fork (without it, a child would need the IR and the templates sent to it)."""
    return not extra_dirs and len(units) >= MIN_UNITS and workers.parallel() and workers.forks()


def start(
    api: ir.Api, units: list[Unit], extra_dirs: tuple[Path, ...], statements: list[str]
) -> Fanout | None:
    """Children for `units` and `statements` when `worthwhile`, else None."""
    return Fanout(api, units, extra_dirs, statements) if worthwhile(units, extra_dirs) else None
