"""동아일보 (news.donga.com) 2013-2016 templates: `.article_txt` with a leading <strong> deck."""

from .base import Profile, register

PROFILE = register(
    Profile(
        name="donga",
        url_pattern=r"://(?:news\.)?donga\.com/",
        markers=("div.article_txt", "p.title_foot"),
        title=(".article_title h1", ".article_title02 h1", "h1.title", "h2.title"),
        byline=("p.repoter", ".repoter", ".report"),
        date=("p.title_foot .date", ".title_foot", ".date01"),
        body=("div.article_txt", "#articleBody", ".article_body"),
        subtitle=(".article_txt > strong:first-child",),
        drop=(
            ".articlePhotoC img",
            "#divBox",
            ".ad",
            ".article_relation",
            ".article_keyword",
            ".tag_list",
            ".title_foot",
            ".repoter",
            ".btn_page",
            ".txt_ban",
            ".sub_bn",
            "iframe",
        ),
    )
)
