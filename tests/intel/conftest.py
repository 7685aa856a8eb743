from pathlib import Path

import pytest

from biopark.intel.types import RawDocument

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fixture_doc():
    def load(name: str) -> RawDocument:
        path = FIXTURES / name
        return RawDocument(path=str(path), data=path.read_bytes())

    return load
