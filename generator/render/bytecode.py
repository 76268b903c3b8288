"""Where compiled templates come from: compiled when oagen is set up, else the content cache.

Compiling the built-in templates takes about a tenth of a second per run. Like Python modules,
which are compiled when a package is installed, they are compiled ahead: `python -m
generator.render.bytecode` (run by `make`) writes each template's bytecode into
`compiled_templates/<fingerprint>/` beside this module. A run reads it through Jinja2's
bytecode cache interface, which checks each entry against its template's source and Jinja2's
and Python's versions and compiles as usual when an entry is missing or stale. The folder is
named by oagen's fingerprint (its code, templates and environment options, Python, the
installed libraries), so bytecode made by another version or setup is never read. Templates
compiled during a run go to the signed content cache (`cache.py`), as before.
"""

from __future__ import annotations

import base64
import contextlib
import io
import os
import sys
from pathlib import Path

import jinja2
import jinja2.bccache

from generator import cache, fingerprint

COMPILED_DIR = Path(__file__).parent / "compiled_templates"


def compiled_folder() -> Path:
    return COMPILED_DIR / fingerprint.tool()[:32]


class TemplateBytecode(jinja2.BytecodeCache):
    """Bytecode compiled ahead (`ahead`), then the signed content cache (`store`, if caching
    is on). With `write_ahead`, what is compiled is written ahead (only when setting up)."""

    def __init__(self, ahead: Path, store: Path | None, *, write_ahead: bool = False) -> None:
        self.ahead = ahead
        self.store = store
        self.write_ahead = write_ahead

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            bucket.load_bytecode(io.BytesIO((self.ahead / f"{bucket.key}.bin").read_bytes()))
            if bucket.code is not None:
                return
        if self.store is None:
            return
        text = cache.read(self.store, bucket.key)
        if text is not None:
            with contextlib.suppress(ValueError):
                bucket.bytecode_from_string(base64.b64decode(text, validate=True))

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if self.write_ahead:
            self.ahead.mkdir(parents=True, exist_ok=True)
            staged = self.ahead / f".{bucket.key}.{os.getpid()}"
            staged.write_bytes(bucket.bytecode_to_string())
            os.replace(staged, self.ahead / f"{bucket.key}.bin")
        elif self.store is not None:
            cache.write(
                self.store, bucket.key, base64.b64encode(bucket.bytecode_to_string()).decode()
            )


def compile_ahead() -> int:
    """Compile every built-in template into `compiled_folder()`; the number compiled."""
    from generator.render.package import new_environment, template_dirs

    env = new_environment((), TemplateBytecode(compiled_folder(), None, write_ahead=True))
    names = sorted(
        {
            path.relative_to(root).as_posix()
            for root in template_dirs()
            for path in root.rglob("*.j2")
        }
    )
    for name in names:
        env.get_template(name)
    # Folders of earlier fingerprints are of no use any more.
    current = compiled_folder()
    for folder in COMPILED_DIR.iterdir():
        if folder != current and folder.is_dir() and not folder.is_symlink():
            for entry in folder.iterdir():
                entry.unlink()
            folder.rmdir()
    return len(names)


if __name__ == "__main__":
    count = compile_ahead()
    print(f"oagen: {count} templates compiled into {os.path.relpath(compiled_folder())}")
    sys.exit(0)
