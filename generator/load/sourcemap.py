"""Where each JSON pointer of a spec file sits in its text (line, column), built on first use:
from PyYAML's node tree for YAML, from a small scanner for JSON."""

from __future__ import annotations

import json
import re

import yaml

from generator import pointers
from generator.load.readers import SpecLoader

__all__ = ["index_positions"]


def index_positions(text: str, is_json: bool) -> dict[str, tuple[int, int]]:
    if is_json:
        try:
            return _JsonIndexer(text).run()
        except (IndexError, ValueError):
            return {}
    try:
        node = yaml.compose(text, Loader=SpecLoader)
    except yaml.YAMLError:
        return {}
    out: dict[str, tuple[int, int]] = {}
    if node is not None:
        _index_yaml(node, "", out)
    return out


def _index_yaml(node: yaml.Node, pointer: str, out: dict[str, tuple[int, int]]) -> None:
    out.setdefault(pointer, (node.start_mark.line + 1, node.start_mark.column + 1))
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = pointer + "/" + pointers.escape(str(key.value))
            # Point at the key: that is where an editor should put the cursor.
            out[child] = (key.start_mark.line + 1, key.start_mark.column + 1)
            _index_yaml(value, child, out)
    elif isinstance(node, yaml.SequenceNode):
        for index, value in enumerate(node.value):
            _index_yaml(value, f"{pointer}/{index}", out)


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_SCALAR = re.compile(r"[^\s,\]\}]+")


class _JsonIndexer:
    """A small JSON scanner that records where each value starts, keyed by JSON pointer."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.out: dict[str, tuple[int, int]] = {}
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def run(self) -> dict[str, tuple[int, int]]:
        self._value("")
        return self.out

    def _where(self, pos: int) -> tuple[int, int]:
        import bisect

        line = bisect.bisect_right(self.line_starts, pos) - 1
        return line + 1, pos - self.line_starts[line] + 1

    def _skip(self) -> None:
        text = self.text
        while self.pos < len(text) and text[self.pos] in " \t\r\n":
            self.pos += 1

    def _value(self, pointer: str, key_pos: int | None = None) -> None:
        self._skip()
        self.out[pointer] = self._where(key_pos if key_pos is not None else self.pos)
        char = self.text[self.pos]
        if char == "{":
            self.pos += 1
            while True:
                self._skip()
                if self.text[self.pos] == "}":
                    self.pos += 1
                    return
                start = self.pos
                match = _STRING.match(self.text, self.pos)
                if match is None:
                    raise ValueError("expected a key")
                key = json.loads(match.group())
                self.pos = match.end()
                self._skip()
                self.pos += 1  # the colon
                self._value(pointer + "/" + pointers.escape(key), start)
                self._skip()
                if self.text[self.pos] == ",":
                    self.pos += 1
        elif char == "[":
            self.pos += 1
            index = 0
            while True:
                self._skip()
                if self.text[self.pos] == "]":
                    self.pos += 1
                    return
                self._value(f"{pointer}/{index}")
                index += 1
                self._skip()
                if self.text[self.pos] == ",":
                    self.pos += 1
        elif char == '"':
            match = _STRING.match(self.text, self.pos)
            if match is None:
                raise ValueError("unterminated string")
            self.pos = match.end()
        else:
            match = _SCALAR.match(self.text, self.pos)
            if match is None:
                raise ValueError("expected a value")
            self.pos = match.end()
