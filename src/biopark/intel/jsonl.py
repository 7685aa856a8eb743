"""`biopark extract`: JSON Lines of extracted facts, one line per input file.

Kept apart from intel/cli.py so that the command imports the extractor and nothing
of the database, the search index or the web app.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from biopark.intel.types import Extraction, RawDocument


def _read(path: Path) -> RawDocument | str:
    try:
        return RawDocument(path=str(path), data=path.read_bytes())
    except FileNotFoundError:
        return f"file not found: {path}"
    except IsADirectoryError:
        return f"is a directory, not a file: {path}"
    except OSError as exc:
        return f"cannot read {path}: {exc.strerror or exc}"


def extract_command(paths: list[Path]) -> None:
    """Print one JSON object per input file, in input order (bad files get an "error")."""
    from biopark.intel.extract import extract_document, to_json

    out = sys.stdout
    for path in paths:
        raw = _read(path)
        if isinstance(raw, str):
            result = to_json(Extraction(path=str(path), document=None, error=raw))
        else:
            result = to_json(extract_document(raw))
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
        out.flush()
