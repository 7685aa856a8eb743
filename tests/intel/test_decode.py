import codecs

import pytest

from biopark.intel.decode import DecodeError, decode_bytes
from tests.intel.conftest import FIXTURES


def test_utf8_with_and_without_bom() -> None:
    assert decode_bytes(data="创新药".encode()) == "创新药"
    assert decode_bytes(data=codecs.BOM_UTF8 + "创新药".encode()) == "创新药"


def test_gbk_page_is_read_through_its_declared_charset() -> None:
    text = decode_bytes(data=(FIXTURES / "gbk_page.html").read_bytes())
    assert "丹参酮注射液" in text


def test_undeclared_gb18030_text_is_recognised() -> None:
    data = "重庆国际生物城签约入库项目21个，协议投资额102亿元。".encode("gb18030")
    assert "协议投资额" in decode_bytes(data=data)


def test_binary_file_is_refused() -> None:
    with pytest.raises(DecodeError, match="binary"):
        decode_bytes(data=(FIXTURES / "binary.bin").read_bytes())


def test_truncated_utf8_is_reported() -> None:
    with pytest.raises(DecodeError, match="truncated"):
        decode_bytes(data=(FIXTURES / "truncated.txt").read_bytes())


@pytest.mark.parametrize("data", [b"", b"  \n\t "])
def test_empty_input_is_refused(data: bytes) -> None:
    with pytest.raises(DecodeError, match="empty"):
        decode_bytes(data=data)
