"""조선일보 (news.chosun.com) 2011-2020 templates: `#news_body_id` / `#article_2011` with `div.par`."""

from .base import Profile, register

PROFILE = register(
    Profile(
        name="chosun",
        url_pattern=r"://(?:news|biz|sports|m)\.chosun\.com/(?:site/data/html_dir|svc)/",
        markers=("#news_body_id", "#article_2011", "#news_title_text_id"),
        title=("#news_title_text_id", "h1.news_title_text", "#title_text"),
        byline=("#j1", ".news_title_author li", "#j1 a", ".byline"),
        date=("#date_text", ".news_date", ".date_ctrl_2011"),
        body=("#news_body_id", "#article_2011", ".article_body"),
        subtitle=("h3.news_subtitle", "#article_2011 > h3", ".news_subtitle"),
        drop=(
            ".news_date",
            ".date_ctrl_2011",
            "#adBox",
            ".txt_ad",
            ".news_like",
            ".news_body_ad",
            ".news_imgslider",
            ".center_img_ad",
            "iframe",
            ".art_ad",
            ".relate_news",
            ".rel_art_list",
            "#rel_art_list_id",
            ".copy_2011",
            ".news_keyword",
            ".sponsor",
            "#news_like_box",
        ),
    )
)
