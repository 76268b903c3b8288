"""Config: the `[tool.oagen]` table of pyproject.toml (or a `--config` TOML file), read
(`reader.py`), checked table by table (`checks.py`, `webhooks.py`) into a `Config`
(`settings.py`)."""

from generator.config.checks import CONFIG_FILE_CODE, name_problem
from generator.config.reader import find_pyproject, load_config, locate_in_toml
from generator.config.settings import Config, RetryTable, with_overrides

__all__ = [
    "CONFIG_FILE_CODE",
    "Config",
    "RetryTable",
    "find_pyproject",
    "load_config",
    "locate_in_toml",
    "name_problem",
    "with_overrides",
]
