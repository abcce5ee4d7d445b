"""One typed, immutable configuration, built at the edge and passed down by section.

Examples:
    >>> cfg = load_config(overrides={"align.link_threshold": "0.55"})
    >>> cfg.align.link_threshold
    0.55
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from retold.align import AlignConfig
from retold.encoders import DEFAULT_MODEL
from retold.errors import ConfigError
from retold.evaluation.pan import PanConfig
from retold.text import SegmentConfig

__all__ = ["LimitsConfig", "PipelineConfig", "load_config", "user_calibration_dir"]


@dataclass(frozen=True, slots=True)
class LimitsConfig:
    """Input limits.

    Attributes:
        max_chars: the longest document accepted, in characters (about 160,000 words,
            a long novel). Two documents at the limit compare in tens of seconds and a
            few GB of memory (the aligner's matrices are sentences × sentences).
    """

    max_chars: int = 1_000_000


@dataclass(frozen=True, slots=True)
class PipelineConfig:
    """Everything ``compare`` needs, one frozen section per stage."""

    model: str = DEFAULT_MODEL
    threads: int = 0
    segment: SegmentConfig = field(default_factory=SegmentConfig)
    align: AlignConfig = field(default_factory=AlignConfig)
    limits: LimitsConfig = field(default_factory=LimitsConfig)
    pan: PanConfig = field(default_factory=PanConfig)


def _coerce(value: str, target: type[Any] | str, key: str) -> Any:
    kind = target if isinstance(target, str) else target.__name__
    try:
        if kind == "bool":
            if value.lower() in ("1", "true", "yes", "on"):
                return True
            if value.lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError(value)
        if kind == "int":
            return int(value)
        if kind == "float":
            return float(value)
        return value
    except ValueError:
        raise ConfigError(f"{key}: expected {kind}, got {value!r}") from None


def _apply(section: Any, path: list[str], value: Any, key: str) -> Any:
    names = {f.name: f for f in dataclasses.fields(section)}
    head = path[0]
    if head not in names:
        raise ConfigError(f"unknown setting '{key}' (known here: {', '.join(sorted(names))})")
    current = getattr(section, head)
    if len(path) > 1:
        if not dataclasses.is_dataclass(current):
            raise ConfigError(f"unknown setting '{key}': '{head}' has no sub-settings")
        return dataclasses.replace(section, **{head: _apply(current, path[1:], value, key)})
    if dataclasses.is_dataclass(current):
        raise ConfigError(f"'{key}' is a section; set one of its fields, e.g. {key}.<name>=...")
    if isinstance(value, str):
        value = _coerce(value, type(current), key)
    elif type(current) is float and isinstance(value, int):
        value = float(value)
    elif not isinstance(value, type(current)):
        raise ConfigError(f"{key}: expected {type(current).__name__}, got {value!r}")
    return dataclasses.replace(section, **{head: value})


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for k, v in table.items():
        if isinstance(v, Mapping):
            flat.update(_flatten(v, f"{prefix}{k}."))
        else:
            flat[f"{prefix}{k}"] = v
    return flat


def load_config(path: str | Path | None = None, overrides: Mapping[str, str] | None = None) -> PipelineConfig:
    """Build the configuration from defaults, an optional TOML file, then ``key=value`` overrides.

    Raises:
        ConfigError: the file cannot be read or a key or value is invalid.
    """
    config = PipelineConfig()
    if path is not None:
        try:
            table = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read the configuration file {path}: {exc}") from exc
        for key, value in _flatten(table).items():
            config = _apply(config, key.split("."), value, key)
    for key, value in (overrides or {}).items():
        config = _apply(config, key.split("."), value, key)
    return config


def user_calibration_dir() -> Path:
    """Where ``retold calibrate`` stores calibrations: ``$RETOLD_HOME/calibrations``.

    ``RETOLD_HOME`` defaults to ``$XDG_DATA_HOME/retold`` (``~/.local/share/retold``).
    """
    home = os.environ.get("RETOLD_HOME")
    if not home:
        data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        home = str(Path(data) / "retold")
    return Path(home) / "calibrations"
