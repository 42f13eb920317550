"""네이버 뉴스 (news.naver.com, n.news.naver.com): `#dic_area` (2020s) and `#articleBodyContents` (old)."""

from .base import Profile, register

PROFILE = register(
    Profile(
        name="naver",
        url_pattern=r"://(?:n\.|m\.)?news\.naver\.com/",
        markers=("#dic_area", "#articleBodyContents", "#newsct_article"),
        title=("#title_area", "h2.media_end_head_headline", "#articleTitle", "h3#articleTitle"),
        byline=(".media_end_head_journalist_name", ".byline_s", ".byline", ".journalistcard_summary_name"),
        date=("._ARTICLE_DATE_TIME", ".media_end_head_info_datestamp_time", ".t11", ".sponsor .t11"),
        date_attr="data-date-time",
        body=("#dic_area", "#articleBodyContents", "#newsEndContents"),
        subtitle=(
            "strong.media_end_summary",
            "#dic_area > b:first-child",
            "#articleBodyContents > strong:first-child",
        ),
        drop=(
            ".end_photo_org img",
            ".vod_player_wrap",
            "#spiLayer",
            ".link_news",
            ".artical-btm",
            ".byline",
            ".reporter_area",
            ".copyright",
            ".promotion",
            "._VOD_PLAYER_WRAP",
            "a.nclicks",
        ),
    )
)
