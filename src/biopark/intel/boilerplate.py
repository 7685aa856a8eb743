"""Line rules that tell page furniture (menus, share bars, footers) from article text.

No library handles plain-text snapshots of Chinese news pages (trafilatura needs
the HTML tree), so these rules are ours; they look at one line at a time.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Lines that are never article text, whatever their length. Chinese rules and the rules
# with Latin letters are two patterns: the Chinese one needs no case folding (several
# times faster on long lines), the other runs only on lines with a Latin letter or ©.
_ALWAYS = re.compile(
    r"概不负责|概不負責|不发表任何声明|保证本公告内容不存在|二维码|扫一扫|扫码关注|长按识别|微信号[:：(（]|版权所有|"
    r"未经.{0,8}授权|不得转载|禁止转载|公网安备|互联网新闻信息服务|违法和不良信息|"
    r"^(?:地址|邮编|电话|传真|邮箱|技术支持|主办|承办|协办|运营|制作|联系我们|网站地图|"
    r"责任编辑|编辑|校对|审核|终审|值班编辑|作者|记者|通讯员|摄影|图片|排版)\s*[:：]|"
    r"上一篇|下一篇|上一版|下一版|返回顶部|打印本页|关闭窗口|【打印】|【关闭】|放大\s*缩小|"
    r"点击(?:查看|进入|下载|阅读)|阅读原文|阅读全文|展开全文|收起全文|"
    r"(?:本文|本站|文章)(?:来源|转载|仅供)|免责声明|投稿邮箱|举报电话|"
    r"^(?:分享|分享到|转发|收藏|点赞|评论|打印|关闭|取消|确定|登录|注册|首页|搜索)\s*[:：]?\s*$"
)
_ALWAYS_LATIN = re.compile(
    r"take no responsibility for the contents|make no representation as to its accuracy|"
    r"Copyright|©|All Rights Reserved|ICP备|ICP证|^E-?mail\s*[:：]|"
    r"^(?:Share|Share this|Print|Email|Subscribe|Sign up|Log in|Advertisement)\b",
    re.I,
)
_LATIN = re.compile(r"[A-Za-z©\u0130\u0131\u017f\u212a]")
# Weak signals: only short lines carrying them are dropped.
_SHORT = re.compile(
    r"广告|推广|赞助|客户端|APP|下载|关注|留言|意见|建议|微博|微信|QQ|抖音|头条号|"
    r"举报|纠错|字号|默认|大\s*中\s*小|当前位置|您的位置|所在位置|>|^[^《]*》|»|\|"
)
# Headings after which the article is over (related news, recommendations).
_TAIL = re.compile(
    r"^(?:#+\s*)?(?:【\s*)?(?:相关新闻|相关阅读|相关推荐|相关文章|相关链接|相关报道|相关栏目|推荐阅读|延伸阅读|"
    r"热门推荐|热点推荐|热点新闻|热门文章|热门新闻|猜你喜欢|更多阅读|往期回顾|往期推荐|精彩推荐|"
    r"关键词阅读|今日推荐|编辑推荐|图片新闻|新闻排行|排行榜|网友评论|最新评论|"
    r"Related(?: Articles| News| Stories| Content)?|Read more|More from|Recommended|"
    r"About (?:the Company|[A-Z][\w.,& -]{1,60})|Media Contacts?|Contacts?|Forward-Looking Statements)"
    r"(?:\s*】)?\s*[:：]?\s*$",
    re.I,
)
_SENTENCE_PUNCT = re.compile(r"[，。；！？：、,;]")
_CJK = re.compile(r"[\u4e00-\u9fff]")


# Pages repeat the same lines (menus, footers) and each line is asked about more than once.
@lru_cache(maxsize=65536)
def is_furniture(*, line: str) -> bool:
    """True for a line that belongs to the page frame rather than to the article."""
    if _ALWAYS.search(line) or (_LATIN.search(line) and _ALWAYS_LATIN.search(line)):
        return True
    return len(line) <= 30 and bool(_SHORT.search(line))


def ends_article(*, line: str) -> bool:
    """True for a heading that starts a related-news list or other after-matter."""
    return bool(_TAIL.match(line))


# Pages repeat the same lines (menus, footers) and each line is asked about more than once.
@lru_cache(maxsize=65536)
def is_content(*, line: str) -> bool:
    """True for a line that reads as running text (a sentence, not a menu item)."""
    if is_furniture(line=line):
        return False
    cjk = len(_CJK.findall(line))
    if cjk >= 20:
        return bool(_SENTENCE_PUNCT.search(line)) or cjk >= 60
    words = line.split()
    # Headlines carry commas and abbreviations too ("to U.S. startup"); body lines end a sentence.
    return len(words) >= 10 and (
        bool(re.search(r"[.!?]['\"”’)]?$", line))
        or (len(line) >= 120 and bool(re.search(r"[.,;] ", line)))
    )
