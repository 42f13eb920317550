"""Issue 17 end to end: two cities' articles over three real crawls of the local test site move
one city from 추진 to 신청 and the other from 추진 through 심사 to 선정; the bid.stage_changed
alerts are exactly those moves, none repeated; the board page and `monitor board --json` agree."""

from __future__ import annotations

import asyncio
import html
import json
import re

from monitor.cli import main
from monitor.config import load_settings
from monitor.runner import run_crawl

from .conftest import demo_config
from .webutil import serve

PAGE = """<html><head><meta charset="utf-8"><title>{title}</title></head>
<body><table width="100%"><tr><td class="logo">경북타임즈</td></tr><tr><td><table>
<tr><td class="headline"><font size="4"><b>{title}</b></font></td></tr>
<tr><td class="info">입력 {day} 09:00 | 김철수 기자</td></tr>
<tr><td class="content">{body}</td></tr></table></td></tr></table></body></html>"""
FILLER = (
    "<p>지역 경제계는 전력 공급과 부지 확보 여건을 꼼꼼히 살피고 있다.</p>"
    "<p>관계자들은 지역 대학과 연구기관, 기업이 함께 준비해 온 과정을 소개했다.</p>"
    "<p>이번 사업은 정부가 2조원 규모로 추진하는 인공지능 인프라 사업이다.</p>"
)
# (crawl, number, day, title, the sentence that states the stage)
ARTICLES = [
    (
        1,
        1,
        "2025.03.04",
        "구미시, 국가 AI 컴퓨팅센터 유치 추진위원회 출범",
        "구미시는 국가 AI 컴퓨팅센터 유치를 위해 범시민 추진위원회를 출범시켰다.",
    ),
    (
        1,
        2,
        "2025.03.05",
        "해남군, 국가 AI 컴퓨팅센터 유치 도전",
        "전남 해남군이 솔라시도 기업도시를 앞세워 국가 AI 컴퓨팅센터 유치에 나섰다.",
    ),
    (
        2,
        3,
        "2025.03.27",
        "구미시, 국가 AI 컴퓨팅센터 참여 의향서 제출",
        "구미시는 지난 25일 국가 AI 컴퓨팅센터 참여 의향서를 과학기술정보통신부에 제출했다.",
    ),
    (
        2,
        4,
        "2025.05.20",
        "해남 솔라시도, 국가 AI 컴퓨팅센터 현장 실사",
        "해남군은 19일 국가 AI 컴퓨팅센터 후보 부지에 대한 현장 실사를 받았다.",
    ),
    (
        3,
        5,
        "2025.06.20",
        "해남군, 국가 AI 컴퓨팅센터 최종 선정",
        "전남 해남군이 국가 AI 컴퓨팅센터 부지로 최종 선정됐다.",
    ),
    # the same stage again, in another article: no alert
    (
        3,
        6,
        "2025.06.21",
        "구미시, 국가 AI 컴퓨팅센터 결과 기다려",
        "앞서 구미시는 국가 AI 컴퓨팅센터 참여 의향서를 제출했다.",
    ),
]


def _publish(site, upto: int) -> None:
    items = []
    for crawl, no, day, title, sentence in ARTICLES:
        if crawl > upto:
            continue
        path = f"/bd/news/read.php?no={no}"
        body = (
            f"<p>{sentence}</p>{FILLER}<p>{title.split(',')[0]} 관계자는 {no}차 설명회를 열었다고 말했다.</p>"
        )
        site.add(path, PAGE.format(title=title, day=day, body=body).encode(), "text/html")
        y, m, d = day.split(".")
        items.append(
            f"<item><title>{title}</title><link>{site.base}{path}</link>"
            f"<pubDate>{_rfc822(int(y), int(m), int(d))}</pubDate></item>"
        )
    feed = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>경북타임즈</title>'
        + "".join(items)
        + "</channel></rss>"
    )
    site.add("/bd/rss.xml", feed.encode(), "application/rss+xml")


def _rfc822(y: int, m: int, d: int) -> str:
    from datetime import datetime
    from email.utils import format_datetime
    from zoneinfo import ZoneInfo

    return format_datetime(datetime(y, m, d, 9, 0, tzinfo=ZoneInfo("Asia/Seoul")))


def _bid_alerts(receiver) -> list[tuple]:
    out = []
    for r in receiver.delivered():
        body = json.loads(r["body"])
        if body["type"] == "bid.stage_changed":
            bid = body["data"]["bid"]
            out.append((bid["bidder"], bid["program"], bid["from"], bid["to"]))
    return out


def test_three_crawls_move_two_cities_and_alert_each_move_once(site, receiver, tmp_path, capsys):
    extra = f'[[sources]]\nname = "bidnews"\nkind = "feed"\nurl = "{site.base}/bd/rss.xml"\ninterval = "2s"\n'
    config = demo_config(site, tmp_path, receiver, extra=extra, hook_extra="board = true")
    settings = load_settings(config)
    program = "국가 AI 컴퓨팅센터"
    expected = [
        [("구미시", program, None, "추진"), ("해남군", program, None, "추진")],
        [("구미시", program, "추진", "신청"), ("해남군", program, "추진", "심사")],
        [("해남군", program, "심사", "선정")],
    ]
    seen = 0
    for crawl in (1, 2, 3):
        _publish(site, crawl)
        asyncio.run(run_crawl(settings, only=["bidnews"]))
        alerts = _bid_alerts(receiver)
        assert sorted(alerts[seen:]) == sorted(expected[crawl - 1]), f"crawl {crawl}"
        seen = len(alerts)
    # a fourth crawl with nothing new, and a rematch: nothing is announced again
    asyncio.run(run_crawl(settings, only=["bidnews"]))
    assert main(["rematch", "--config", str(config), "--json"]) == 0
    capsys.readouterr()
    alerts = _bid_alerts(receiver)
    assert len(alerts) == 5 and len(set(alerts)) == 5

    assert main(["board", "--config", str(config), "--json"]) == 0
    cli = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    by_bidder = {r["bidder"]: r for r in cli}
    assert {b: r["stage"] for b, r in by_bidder.items()} == {"구미시": "신청", "해남군": "선정"}
    assert by_bidder["구미시"]["since"] == "2025-03-25"  # the date the sentence states
    assert by_bidder["구미시"]["articles"] == 3 and "의향서" in by_bidder["구미시"]["evidence"]
    assert by_bidder["해남군"]["url"].endswith("no=5")
    assert set(cli[0]) >= {"program", "bidder", "stage", "since", "evidence", "url", "articles", "outlets"}

    served = serve(settings)
    try:
        assert served.get("/api/board").json() == cli
        page = served.get("/board").text
    finally:
        served.close()
    rows = re.findall(r'<tr data-bidder="([^"]+)" data-stage="([^"]+)">(.*?)</tr>', page, re.S)
    assert {(b, s) for b, s, _ in rows} == {(r["bidder"], r["stage"]) for r in cli}
    for bidder, _, cells in rows:
        links = set(re.findall(r'<a href="([^"]+)"', cells))
        assert links == {by_bidder[html.unescape(bidder)]["url"]}  # every cell links to its evidence
    assert "유치 현황" in page and program in page
