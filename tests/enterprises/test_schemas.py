from __future__ import annotations

import pytest
from pydantic import ValidationError

from biopark.enterprises.schemas import EnterpriseCreate, check_credit_code

# Codes built for the tests; the last character is the GB 32100 check character.
VALID = "91500113MA5U5YQ432"


def test_valid_credit_code_is_normalised() -> None:
    assert check_credit_code(" " + VALID.lower() + " ") == VALID


@pytest.mark.parametrize("bad", ["91500113MA5U5YQ433", "123", "91500113MA5U5YQ43I", "X" * 18])
def test_bad_credit_codes_are_refused_in_chinese(bad: str) -> None:
    with pytest.raises(ValidationError) as err:
        EnterpriseCreate(name="重庆某生物有限公司", credit_code=bad)
    assert "统一社会信用代码无效" in str(err.value)


def test_unknown_tags_and_clusters_are_refused() -> None:
    with pytest.raises(ValidationError):
        EnterpriseCreate(name="重庆某生物有限公司", tags=["独角兽"])
    with pytest.raises(ValidationError):
        EnterpriseCreate(name="重庆某生物有限公司", cluster="芯片")


def test_tags_are_deduplicated_in_canonical_order() -> None:
    ent = EnterpriseCreate(name="重庆某生物有限公司", tags=["上市", "高新技术企业", "上市"])
    assert ent.tags == ["高新技术企业", "上市"]
