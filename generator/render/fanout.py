"""The models and resources modules rendered, laid out and compiled in two child processes while
this one renders the files that read the whole API (README, api.md, the client): on a machine
with a second core, the modules' share of rendering no longer waits behind the rest.

The children are forked once their templates are compiled here, so they inherit the compiled
templates and the IR instead of receiving copies; only the finished texts come back. A child
that fails (or a platform without fork) leaves the work to this process, which then does
exactly what it would have done alone.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from generator import workers
from generator.model import ir
from generator.render.format import finish_share
from generator.render.package import Printer, Unit

# Below this many modules, starting the children costs more than they save.
MIN_UNITS = 64
_SHARES = 16


class Fanout:
    """`units` (modules of built-in templates) being rendered and finished in children."""

    def __init__(self, api: ir.Api, units: list[Unit], extra_dirs: tuple[Path, ...]) -> None:
        self.units = units
        self.printer = Printer(api, extra_dirs)
        for template in sorted({unit.template for unit in units}):
            self.printer.load(template)  # compiled once, here, before the fork
        # Interleaved shares even out large and small modules; the pool hands them out.
        shares = [units[index::_SHARES] for index in range(_SHARES) if units[index::_SHARES]]
        self.shared: workers.Shared | None = None
        with contextlib.suppress(Exception):  # no child could start: the work stays here
            self.shared = workers.Shared(self._share, shares, 2)

    def _share(self, units: list[Unit]) -> tuple[dict[str, str], list[tuple[str, str]], bool]:
        """Runs in a child: the units rendered and finished, the files that are not valid
        Python, and whether every unit was laid out by a built-in template."""
        files: dict[str, str] = {}
        all_laid_out = True
        for unit in units:
            files[unit.path], laid_out = self.printer.render(unit)
            all_laid_out = all_laid_out and laid_out
        finished, invalid = finish_share(files)
        return finished, invalid, all_laid_out

    def results(self) -> tuple[dict[str, str], list[tuple[str, str]]] | None:
        """The finished modules and the invalid ones, or None when the children did not
        deliver (the caller renders the units itself)."""
        if self.shared is None:
            return None
        try:
            shares = self.shared.results()
        except Exception:
            return None
        finished: dict[str, str] = {}
        invalid: list[tuple[str, str]] = []
        for done, bad, all_laid_out in shares:
            if not all_laid_out:  # a template outside the built-in ones: not for children
                return None
            finished.update(done)
            invalid.extend(bad)
        return finished, invalid


def start(api: ir.Api, units: list[Unit], extra_dirs: tuple[Path, ...]) -> Fanout | None:
    """Children for `units` when there are enough of them and a second core, else None."""
    if extra_dirs or len(units) < MIN_UNITS or not workers.parallel():
        return None
    return Fanout(api, units, extra_dirs)
