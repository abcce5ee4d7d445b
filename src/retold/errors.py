"""The one exception tree of retold.

Every error retold raises on purpose derives from :class:`RetoldError`, and
each subclass carries the exit code that the command line maps it to::

    RetoldError                     exit 1
    ├── ConfigError                 exit 2  (bad option, bad --set, bad config file)
    ├── InputError                  exit 3  (missing, empty, binary, undecodable, too large)
    │   └── PairsFileError          exit 3  (a malformed line in a --pairs file)
    ├── ModelError                  exit 4  (bundled model missing or corrupt, unknown model)
    │   └── MissingDependencyError  exit 4  (an optional extra is not installed; also an ImportError)
    ├── CalibrationError            exit 4  (no calibration for the active model)
    └── IndexFileError              exit 5  (not an index, corrupt, or built with other parameters)
        └── IndexBusyError          exit 5  (another process is adding to the index)

Third-party errors (onnxruntime, tokenizers, trafilatura) are translated into
this tree where they are caught, keeping the original as ``__cause__``.
"""

from __future__ import annotations

import importlib
from types import ModuleType


class RetoldError(Exception):
    """Base class of every error retold raises on purpose."""

    exit_code = 1


class ConfigError(RetoldError):
    """An option or configuration value is invalid."""

    exit_code = 2


class InputError(RetoldError):
    """An input document cannot be used: missing, empty, binary, undecodable or too large."""

    exit_code = 3


class PairsFileError(InputError):
    """A line of a ``--pairs`` file is malformed."""


class ModelError(RetoldError):
    """A sentence encoder cannot be loaded or run."""

    exit_code = 4


class MissingDependencyError(ModelError, ImportError):
    """An optional dependency is not installed; the message names the extra."""


class CalibrationError(ModelError):
    """No usable calibration exists for the active model."""


class IndexFileError(RetoldError):
    """An index directory that cannot be used: foreign, corrupt, or built with other parameters."""

    exit_code = 5


class IndexBusyError(IndexFileError):
    """Another process holds the index's write lock."""


def require(module: str, extra: str, feature: str) -> ModuleType:
    """Import an optional dependency or raise an error that says how to install it.

    Examples:
        >>> require("json", "core", "Reading JSON").__name__
        'json'
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingDependencyError(
            f"{feature} needs '{module}'. Install it with: pip install 'retold[{extra}]'"
        ) from None
