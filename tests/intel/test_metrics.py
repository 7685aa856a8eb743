from decimal import Decimal

from biopark.intel.metrics import find_metrics


def _by_value(text: str, pub_year: int | None = 2025, subjects=()):
    return {
        (m.value, m.unit): m for m in find_metrics(text=text, pub_year=pub_year, subjects=subjects)
    }


def test_money_counts_period_and_labels_from_the_same_clause() -> None:
    text = "今年1—11月，某某生物城累计签约入库项目21个，协议投资额102亿元，到位资金38.33亿元。"
    got = _by_value(text, subjects=["某某生物城"])
    assert got[(Decimal(21), "count")].label == "签约入库项目"
    invest = got[(Decimal(10200000000), "CNY")]
    assert invest.label == "协议投资额"
    assert invest.period == "2025-01/2025-11"
    assert invest.subject == "某某生物城"
    assert not invest.forecast
    assert got[(Decimal(3833000000), "CNY")].label == "到位资金"
    assert text[invest.start : invest.end] == invest.quote


def test_forecast_and_qualifiers() -> None:
    text = "预计全年可实现签约项目超过50个，到位资金突破30亿元，研发投入约2亿元，不足5%来自外部。"
    got = _by_value(text)
    assert got[(Decimal(50), "count")].qualifier == "over"
    money = got[(Decimal(3000000000), "CNY")]
    assert money.forecast and money.qualifier == "over" and money.period == "2025"
    assert got[(Decimal(200000000), "CNY")].qualifier == "approx"
    assert got[(Decimal(5), "percent")].qualifier == "under"


def test_area_units_and_after_nouns() -> None:
    text = "加快建设50万平方米的创新生态圈；4.3平方公里示范区内新增300亩产业用地，积极协调银行发放3亿元贷款。"
    got = _by_value(text)
    assert "生态圈" in got[(Decimal(500000), "m2")].label
    assert "示范区" in got[(Decimal("4.3"), "km2")].label
    assert "用地" in got[(Decimal(300), "mu")].label
    assert "贷款" in got[(Decimal(300000000), "CNY")].label


def test_percent_growth_and_quarter() -> None:
    got = _by_value("一季度，园区规上工业产值同比增长37.55%。", pub_year=2024)
    m = got[(Decimal("37.55"), "percent")]
    assert "产值" in m.label and m.period == "2024-01/2024-03"


def test_dates_codes_and_ordinals_are_not_metrics() -> None:
    text = "2025年12月15日，GR1803注射液在第1眼TV报道，“十四五”期间24小时服务，9价疫苗。"
    measured = [m for m in find_metrics(text=text, pub_year=2025) if m.unit != "count"]
    assert measured == []


def test_english_money_and_percent() -> None:
    text = "The company will receive an upfront payment of $45 million. Total deal value is up to US$1.2 billion. Revenue grew 37.5% last year. It raised RMB 3.8bn."
    got = _by_value(text)
    assert got[(Decimal(45000000), "USD")].label == "upfront payment"
    assert got[(Decimal(1200000000), "USD")].qualifier == "under"
    assert got[(Decimal("37.5"), "percent")].label == "Revenue"
    assert (Decimal(3800000000), "CNY") in got


def test_dollar_amount_in_chinese_text() -> None:
    got = _by_value("交易总额达7.12亿美元，首付款5000万美元。")
    assert got[(Decimal(712000000), "USD")].label == "交易总额"
    assert (Decimal(50000000), "USD") in got
