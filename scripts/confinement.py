"""Generate every corpus entry under an audit hook: sockets opened and files read outside its root.

    python scripts/confinement.py [-j N] [--only NAME ...]

For each entry of `../shared/corpus/INDEX.tsv`, `oagen generate` runs in a fresh interpreter under
a `sys.audit` hook (`tests/support/audited.py`) with the entry's corpus folder as `--root`, as
`scripts/corpus.py` runs it. The table lists, per entry, the exit status, any traceback, the socket
events (connects and name lookups, the forked validator's included) and the files opened outside
the entry's folder, the output, the repository and Python's own. Exit status 1 when any entry
opened a socket, read outside or crashed.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from scripts.corpus import CORPUS, Entry, corpus_available, load_index  # noqa: E402
from tests.support.audited import run_oagen  # noqa: E402


def audit(entry: Entry, work: Path) -> tuple[str, int | None, bool, int, list[str]]:
    root = CORPUS / Path(entry.path).parts[0]
    out = work / entry.name
    config = work / "oagen-empty.toml"
    config.write_text("[tool.oagen]\n", encoding="utf-8")
    run = run_oagen(
        [
            "generate",
            str(entry.spec),
            "-o",
            str(out),
            "--package",
            entry.package,
            "--config",
            str(config),
            "--root",
            str(root),
        ],
        work,
        timeout=600,
    )
    outside = run.opened_outside([root, root.resolve(), work])
    return entry.name, run.returncode, "Traceback" in run.output, len(run.network), outside


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-j", type=int, default=2)
    parser.add_argument("--only", nargs="*", default=None)
    args = parser.parse_args()
    if not corpus_available():
        print("the shared corpus is not at ../shared/corpus beside the repository")
        return 2
    entries = [e for e in load_index() if args.only is None or e.name in args.only]
    failed = 0
    sockets = 0
    with (
        tempfile.TemporaryDirectory(prefix="oagen-confinement-") as scratch,
        concurrent.futures.ThreadPoolExecutor(args.j) as pool,
    ):
        results = list(pool.map(lambda e: audit(e, Path(scratch)), entries))
    print("| entry | exit | traceback | socket events | files read outside |")
    print("|---|---|---|---|---|")
    for name, code, crashed, network, outside in results:
        sockets += network
        bad = crashed or network > 0 or bool(outside) or code is None
        failed += bad
        print(
            f"| {name} | {code if code is not None else 'timeout'} | {'yes' if crashed else 'no'}"
            f" | {network} | {', '.join(outside) or '-'} |"
        )
    print(
        f"\n{len(results)} entries; {failed} with a socket, an outside read, a traceback or a "
        f"timeout; {sockets} socket events in all"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
