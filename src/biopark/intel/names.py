"""Word lists and boundary rules for reading Chinese organisation and drug names.

jieba-style segmenters split unknown brand names into odd pieces, so a name is
found from its suffix (有限公司, 生物, 注射液 ...) and grown leftwards over the
segmenter's tokens until a verb, preposition or punctuation mark stops it.
"""

from __future__ import annotations

import re

import rjieba

from biopark.intel.segment import ensure_dictionary

COMPANY_SUFFIX = (
    r"(?:集团)?股份有限公司|有限责任公司|有限公司|股份公司|公司|集团|控股|药业|制药|医药|生物科技|生物技术|"
    r"生物医药|生物|科技|医疗|医科|银行|资本|创投|股份"
)
DRUG_SUFFIX = (
    r"单抗注射液|细胞注射液|注射液|注射剂|单克隆抗体|单抗|双抗|疫苗|缓释片|控释片|肠溶片|分散片|"
    r"咀嚼片|(?<=[酸钠钾胺平汀坦唑醇酯素林定尼啶嗪酮])片|胶囊|颗粒|口服液|口服溶液|滴眼液|软膏|乳膏|凝胶|喷雾剂|气雾剂|吸入剂|贴剂|混悬液|滴剂|"
    r"胰岛素|替尼|沙坦|他汀|格列汀|霉素|西林|鲁肽|肽"
)
# Tokens that end a name when walking leftwards from its suffix.
STOP_WORDS = frozenset(
    [
        "的",
        "和",
        "与",
        "及",
        "或",
        "等",
        "由",
        "对",
        "向",
        "在",
        "为",
        "是",
        "将",
        "把",
        "被",
        "让",
        "使",
        "给",
        "跟",
        "同",
        "以",
        "于",
        "从",
        "其",
        "该",
        "此",
        "这",
        "那",
        "各",
        "每",
        "会同",
        "协调",
        "推动",
        "促成",
        "支持",
        "发挥",
        "充分发挥",
        "依托",
        "引进",
        "引入",
        "吸引",
        "协助",
        "帮助",
        "旗下",
        "联合",
        "携手",
        "包括",
        "如",
        "拿下",
        "落户",
        "入驻",
        "签约",
        "签署",
        "获得",
        "成为",
        "作为",
        "通过",
        "围绕",
        "针对",
        "带动",
        "牵头",
        "组织",
        "指导",
        "举办",
        "共建",
        "合作",
        "全资",
        "控股子",
        "子公司",
        "母公司",
        "下属",
        "所属",
        "位于",
        "来自",
        "其中",
        "同时",
        "以及",
        "并",
        "且",
        "而",
        "也",
        "还",
        "都",
        "已",
        "正",
        "曾",
        "将",
        "首家",
        "首个",
        "首款",
        "一家",
        "一款",
        "另一款",
        "多家",
        "多个",
        "众多",
        "一批",
        "国产",
        "全球",
        "国内",
        "国际上",
        "本土",
        "知名",
        "领先",
        "建设",
        "加快",
        "推动",
        "打造",
        "建成",
        "推进",
        "开展",
        "实施",
        "完成",
        "实现",
        "启动",
        "加强",
        "提升",
        "涵盖",
        "覆盖",
        "聚焦",
        "丰富",
        "助推",
        "助力",
        "健全",
        "优化",
        "精心",
        "绘制",
        "了",
        "起",
        "跑出",
        "构建",
        "搭建",
        "形成",
        "项目",
        "对接",
        "拥有",
        "培育",
        "储备",
        "洽谈",
        "拜访",
        "考察",
        "服务",
    ]
)
STOP_POS = frozenset(
    [
        "v",
        "p",
        "c",
        "u",
        "uj",
        "ul",
        "uz",
        "ug",
        "ud",
        "d",
        "ad",
        "r",
        "m",
        "q",
        "f",
        "i",
        "l",
        "y",
        "e",
        "zg",
        "vd",
        "t",
    ]
)
GENERIC = frozenset(
    [
        "生物",
        "医药",
        "制药",
        "药业",
        "科技",
        "医疗",
        "医科",
        "股份",
        "集团",
        "公司",
        "控股",
        "资本",
        "银行",
        "药品",
        "创新",
        "产业",
        "国际",
        "中国",
        "全球",
        "国内",
        "现代",
        "龙头",
        "头部",
        "本地",
        "知名",
        "领军",
        "相关",
        "上市",
        "企业",
        "药企",
        "大型",
        "中小",
        "高端",
        "新兴",
        "重点",
        "优质",
        "民营",
        "国有",
        "外资",
        "该",
        "本",
        "子",
        "母",
        "投资",
        "合资",
        "独资",
        "全资",
        "新",
        "老",
        "大",
        "小",
        "中",
        "一家",
        "多家",
        "其他",
        "其它",
        "同类",
        "细胞",
        "基因",
        "抗体",
        "化学",
        "中药",
        "原料",
        "制剂",
        "疫苗",
        "器械",
        "健康",
        "精准医疗",
        "数字",
        "智慧",
        "合成",
        "结构",
        "分子",
        "临床",
        "研发",
        "生命",
        "工业",
        "商业",
        "城市",
        "西部",
        "东部",
        "南部",
        "北部",
        "中部",
        "省",
        "市",
        "区",
        "县",
        "本市",
        "我市",
        "全市",
        "全省",
        "头部企业",
        "跨国",
        "医药企业",
        "生物医药",
        "重组蛋白",
        "重组",
        "蛋白",
        "腺病毒",
        "载体",
        "核酸",
        "灭活",
        "减毒",
        "多肽",
        "国家级",
        "省级",
        "市级",
        "新型",
        "新冠",
        "流感",
        "治疗性",
        "预防性",
        "单克隆",
        "部分",
        "信息技术",
        "产业化",
        "对接",
        "长江经济带",
    ]
)
_LEAD_CHARS = frozenset("以与和及的了在对向为将把被由从于是等")
# Places that may open a company name without being its distinctive part.
PLACES = frozenset(
    [
        "中国",
        "北京",
        "上海",
        "天津",
        "重庆",
        "河北",
        "山西",
        "辽宁",
        "吉林",
        "黑龙江",
        "江苏",
        "浙江",
        "安徽",
        "福建",
        "江西",
        "山东",
        "河南",
        "湖北",
        "湖南",
        "广东",
        "海南",
        "四川",
        "贵州",
        "云南",
        "陕西",
        "甘肃",
        "青海",
        "台湾",
        "内蒙古",
        "广西",
        "西藏",
        "宁夏",
        "新疆",
        "香港",
        "澳门",
        "深圳",
        "广州",
        "杭州",
        "南京",
        "苏州",
        "武汉",
        "成都",
        "西安",
        "长沙",
        "郑州",
        "济南",
        "青岛",
        "大连",
        "沈阳",
        "厦门",
        "宁波",
        "无锡",
        "合肥",
        "福州",
        "昆明",
        "南宁",
        "石家庄",
        "哈尔滨",
        "长春",
        "泰州",
        "珠海",
        "东莞",
        "佛山",
        "常州",
        "南通",
        "烟台",
        "美国",
        "日本",
        "韩国",
        "德国",
        "法国",
        "英国",
        "瑞士",
        "欧洲",
        "亚洲",
        "巴南",
        "两江",
        "渝北",
        "江北",
    ]
)
_CJK_OR_CODE = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")


def grow_left(*, text: str, end: int, suffix_len: int, max_chars: int = 16) -> str:
    """Extend a name leftwards from text[end - suffix_len:end] until a stop token."""
    ensure_dictionary()
    lo = max(0, end - suffix_len - max_chars)
    window = text[lo : end - suffix_len]
    # Cut at the last punctuation mark: names never span one.
    marks = list(re.finditer(r"[^\u4e00-\u9fffA-Za-z0-9（）()·\-]", window))
    if marks:
        window = window[marks[-1].end() :]
    tokens = rjieba.tag(window) if window else []
    kept: list[str] = []
    for word, pos in reversed(tokens):
        if word in STOP_WORDS:
            break
        if len(word) >= 2 and pos in STOP_POS:
            break
        if not _CJK_OR_CODE.match(word):
            break
        kept.append(word)
    name = "".join(reversed(kept))
    # The segmenter sometimes glues a preposition onto an unknown name ("以智睿").
    while len(name) > 2 and name[0] in _LEAD_CHARS:
        name = name[1:]
    return name + text[end - suffix_len : end]


_NAME_POS = frozenset(["nr", "nz", "nrt", "nrfg", "x", "eng", "j", "ns", "nt", "g"])


def looks_like_brand(*, stem: str) -> bool:
    """True when a stem reads as a proper name (unknown or name-tagged words), not a phrase."""
    ensure_dictionary()
    tags = rjieba.tag(stem)
    if not tags or all(pos == "ns" for _, pos in tags):
        return False
    return all(len(w) == 1 or pos in _NAME_POS for w, pos in tags)


_GENERIC_RE = re.compile(
    "|".join(sorted((w for w in GENERIC if len(w) > 1), key=len, reverse=True))
)


def is_generic(*, stem: str) -> bool:
    """True when a name's stem is made only of common words (生物医药, 上市公司)."""
    if len(stem) < 2:
        return True
    ensure_dictionary()
    rest = _GENERIC_RE.sub("", stem)
    if rest:
        rest = "".join(w for w, _ in rjieba.tag(rest) if not (w in GENERIC or w in PLACES))
    return len(rest) < 1 or (len(rest) == 1 and len(stem) <= 3)


def trim_left(*, text: str) -> str:
    """Drop leading verbs, prepositions and particles ("协助百亚股份" -> "百亚股份")."""
    ensure_dictionary()
    tags = rjieba.tag(text)
    i = 0
    while i < len(tags) and (
        tags[i][0] in STOP_WORDS or (len(tags[i][0]) >= 2 and tags[i][1] in STOP_POS)
    ):
        i += 1
    return "".join(w for w, _ in tags[i:])
