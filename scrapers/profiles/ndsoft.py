"""NDSoft CMS (엔디소프트), the most common regional family: `/news/articleView.html?idxno=N`.

Gyeongbuk papers (경북일보, 경북매일, 대구일보 ...) and hundreds of others print the story in
`#article-view-content-div`, the title in `.heading`, and "입력 YYYY.MM.DD HH:MM" in `.infomation`.
"""

from .base import Profile, register

PROFILE = register(
    Profile(
        name="ndsoft",
        url_pattern=r"/news/articleView\.html\?idxno=\d+",
        markers=("#article-view-content-div", "article.article-veiw-body", "#articleViewCon"),
        title=(
            ".article-view-header .heading",
            "h3.heading",
            "header.article-view-header h1",
            ".article-head-title",
        ),
        byline=(".article-view-header .infomation", ".info-text", "article.writer .name", ".byline"),
        date=(".article-view-header .infomation", ".info-text", ".updated"),
        body=("#article-view-content-div", "article.article-veiw-body", "#articleBody"),
        subtitle=(".article-view-header .subheading", "h4.subheading"),
        drop=(
            ".view-editors",
            ".writer",
            ".article-copy",
            ".view-copyright",
            ".view-ad",
            ".ad-template",
            ".IMGFLOATING",
            "#AD",
            ".tag-group",
            ".article-relation",
            "iframe",
            ".social-group",
            ".view-sns",
        ),
    )
)
