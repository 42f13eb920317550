"""한겨레 (hani.co.kr) 2016 template: `.article-text .text` with a `div.subtitle` deck."""

from .base import Profile, register

PROFILE = register(
    Profile(
        name="hani",
        url_pattern=r"://(?:www\.)?hani\.co\.kr/arti/",
        markers=("div.article-text-font-size", "#a-left-scroll-in"),
        title=("#article_view_headline .title", "h4 .title", "h1.title"),
        byline=(".kisa-name", ".reporter"),
        date=(".date-time span", ".date-time"),
        body=(".article-text .text", ".article-text-font-size", "div.article-text"),
        subtitle=("div.subtitle",),
        drop=(".relation2", ".relation", ".article-ad", ".ad", "#ad_tag", "iframe"),
    )
)
