from __future__ import annotations

import subprocess
import sys

import retold


def test_public_names_are_pinned() -> None:
    assert sorted(retold.__all__) == sorted(
        [
            "CalibrationError",
            "Comparison",
            "ConfigError",
            "Difference",
            "Document",
            "Index",
            "IndexBusyError",
            "IndexFileError",
            "InputError",
            "Link",
            "MissingDependencyError",
            "ModelError",
            "PairsFileError",
            "Passage",
            "Pipeline",
            "PipelineConfig",
            "RetoldError",
            "Sentence",
            "SentenceKind",
            "Side",
            "__version__",
            "compare",
            "load_config",
        ]
    )


def test_import_loads_no_heavy_dependency() -> None:
    code = (
        "import sys, retold; heavy = {'torch', 'sentence_transformers', 'sklearn', 'trafilatura', "
        "'onnxruntime', 'pyspark', 'fastapi', 'usearch', "
        "'datasketch', 'pyarrow', 'warcio'}; print(sorted(heavy & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_python_dash_m_runs_the_cli() -> None:
    out = subprocess.run([sys.executable, "-m", "retold", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and "retold" in out.stdout
