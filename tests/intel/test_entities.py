from biopark.intel.entities import find_entities


def _names(text: str, kind: str, known=()) -> set[str]:
    return {e.name for e in find_entities(text=text, known_names=known) if e.type == kind}


def test_full_legal_names_and_short_names_in_lists() -> None:
    text = (
        "会同青山创投有限公司共同出资10亿元。协助晨曦股份、远帆钛业等重点企业拓市场。"
        "以宁和生物、拓界医疗为代表的企业集群加快成长。"
    )
    companies = _names(text, "company")
    assert {"青山创投有限公司", "晨曦股份", "远帆钛业", "宁和生物", "拓界医疗"} <= companies


def test_generic_industry_words_are_not_companies() -> None:
    text = "聚焦生物医药产业，推动上市公司、医药企业和创新医药发展，部分生物技术企业落户。"
    assert _names(text, "company") == set()


def test_drug_names_and_code_names() -> None:
    text = (
        "其自主研发的青蒿伦赛注射液获批上市；另一款双抗药物AB-1234注射液获批临床；"
        "推动缬沙坦缓释片、甘精胰岛素等5个品种落地。研发重组蛋白疫苗、核酸疫苗。"
    )
    drugs = _names(text, "drug")
    assert {"青蒿伦赛注射液", "AB-1234注射液", "缬沙坦缓释片", "甘精胰岛素"} <= drugs
    assert not any("重组蛋白" in d or "核酸" in d for d in drugs)


def test_company_named_by_what_it_does() -> None:
    text = "近日，银杉泽康宣布完成新一轮融资。银杉泽康是一家专注抗体药物的创新药企业。"
    assert "银杉泽康" in _names(text, "company")


def test_known_names_are_linked_and_counted() -> None:
    text = "远山药业有限公司发布公告。远山药业有限公司表示将扩产。"
    found = {e.name: e for e in find_entities(text=text, known_names=["远山药业有限公司"])}
    assert found["远山药业有限公司"].type == "company"
    assert found["远山药业有限公司"].mentions == 2


def test_english_company_and_inn_drug() -> None:
    text = "Lumen Biotherapeutics, Inc. licensed tislelizumab rights to Northway Pharma."
    assert "Northway Pharma" in _names(text, "company")
    assert "tislelizumab" in _names(text, "drug")


def test_other_types_for_parks_governments_and_institutions() -> None:
    text = "市经济信息委与华西大学在松岭药谷共建平台，总经理王晓明表示将加快推进。"
    found = {e.name: e.type for e in find_entities(text=text)}
    assert found.get("松岭药谷") == "park"
    assert found.get("华西大学") == "institution"
    assert found.get("王晓明") == "person"
