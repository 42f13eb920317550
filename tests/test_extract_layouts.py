"""Generic extraction on layout patterns that name or hide their content oddly (pass 3)."""

from __future__ import annotations

from scrapers.boilerplate import is_junk_value
from scrapers.cleanup import is_boilerplate_paragraph
from scrapers.extract import extract_article

from .pages import page as _page

PROSE = [
    f"Section {k} explains, in plain words, how the measured quantity changed over the years, "
    f"why the committee revised its estimate{', again' * k}, and what readers should expect next."
    for k in range(1, 7)
]


def test_page_builder_widgets_holding_the_story_are_kept():
    # Elementor prints every block of the story as a "widget". (A promo widget among them is
    # kept too: the price of not losing sections; see boilerplate._PREFIXES.)
    sections = "".join(
        f'<div class="elementor-element elementor-widget elementor-widget-text-editor">'
        f'<div class="elementor-widget-container"><p>{p}</p></div></div>'
        for p in PROSE
    )
    promo = '<div class="elementor-widget elementor-widget-promo"><p>Get a loan today</p></div>'
    nav = '<nav><a href="/">Home</a><a href="/a">About</a></nav>'
    html = _page(f'{nav}<div class="elementor-widget-wrap">{sections}{promo}</div>')
    body = extract_article(html).body
    for p in PROSE:
        assert p in body


def test_react_streamed_segments_are_content_but_hidden_boxes_are_not():
    segments = "".join(f'<div hidden id="S:{k}"><p>{p}</p></div>' for k, p in enumerate(PROSE))
    html = _page(
        f'<main><div id="P:0"></div></main>{segments}'
        "<div hidden><p>Subscribe to our newsletter for more news like this, every single morning.</p></div>"
    )
    body = extract_article(html).body
    for p in PROSE:
        assert p in body
    assert "newsletter" not in body


def test_story_printed_as_one_junk_named_box_per_section_is_not_emptied():
    # Each section is under half of the container, and each is named like a skip link.
    sections = "".join(f'<div class="skip-item" id="topic{k}"><p>{p}</p></div>' for k, p in enumerate(PROSE))
    html = _page(f'<div class="blog-single-content">{sections}</div><footer>Contact us</footer>')
    article = extract_article(html)
    assert article.extractor == "generic"
    for p in PROSE:
        assert p in article.body


def test_junk_names_are_anchored_tokens():
    assert is_junk_value("comment-list") and is_junk_value("relatedPosts", layout=False)
    assert not is_junk_value("address") and not is_junk_value("headline")
    assert is_junk_value("ad") and not is_junk_value("ad", layout=False)
    assert not is_junk_value("elementor-widget-container")
    assert not is_junk_value("textwidget")


def test_ascii_paragraph_rules_match_the_full_rules():
    for line in ("Copyright (c) 2024 Foo Media", "All rights reserved.", "john@example.com", "Advertisement"):
        assert is_boilerplate_paragraph(line), line
    for line in ("He said the rights of tenants were at stake.", "Read the report at example.com today."):
        assert not is_boilerplate_paragraph(line), line


def test_inline_hidden_copy_of_the_story_is_not_output():
    # A schema.org microdata block hidden with an inline style repeats the story (here its first
    # half: a hidden box holding over half of the page's text would be kept, as any box is).
    visible = "".join(f"<p>{p}</p>" for p in PROSE)
    hidden = (
        f'<div style="display:none;" itemscope><div itemprop="articleBody">{" ".join(PROSE[:3])}</div></div>'
    )
    body = extract_article(_page(f"<article>{visible}</article>{hidden}")).body
    assert body.count(PROSE[0]) == 1


def test_a_page_where_no_block_scores_falls_back_to_the_body():
    html = _page("<div><span>Short line one.</span> <span>Another short line.</span></div>")
    assert extract_article(html).body == "Short line one. Another short line."


def test_section_ids_made_from_their_headings_are_not_junk_names():
    # Documentation generators id each section by its heading's slug: "Sharing with ..." is
    # not a share bar, "Related work" not a related-posts box.
    sections = "".join(
        f'<div class="section" id="{slug}"><h2>{head}</h2><p>{p}</p></div>'
        for (slug, head), p in zip(
            [
                ("sharing-with-a-single-developer", "Sharing with a single developer"),
                ("related-work", "Related work"),
            ],
            PROSE,
            strict=False,
        )
    )
    rest = "".join(f"<p>{p}</p>" for p in PROSE[2:])
    html = _page(f'<div class="body">{rest}{sections}</div><div id="share-bar"><p>Share this</p></div>')
    body = extract_article(html).body
    for p in PROSE:
        assert p in body
    assert "Share this" not in body


def test_a_box_hidden_by_a_css_framework_class_is_not_the_story():
    # class="hidden" hides a box (Bootstrap, Tailwind); "hidden md:block" shows it again.
    partners = ", ".join(f"partner {k}" for k in range(20))
    hidden = f'<div class="partner-list hidden"><p>Our partners: {partners}.</p></div>'
    shown = (
        '<div class="hidden md:block"><p>Shown on wide screens, a caption, with commas, and more.</p></div>'
    )
    story = "".join(f'<div class="text-body"><p>{p}</p></div>' for p in PROSE[:3])
    html = _page(f'{hidden}<div class="article">{story}{shown}</div>')
    body = extract_article(html).body
    for p in PROSE[:3]:
        assert p in body
    assert "partner 3" not in body and "Shown on wide screens" in body


def test_story_opened_in_a_modal_layer_over_a_teaser_stream_is_the_article():
    # An app shell prints the home page's stream (more text than the story) and opens the
    # article in a layer named "modal": the <article> holding most of that layer is the story.
    teasers = "".join(
        f'<li class="stream-item"><div class="card"><div class="card-body">'
        f'<h3><a href="/news/{k}">Another story, number {k}</a></h3>'
        f"<p>Its summary, a line or two long, says what happened, where, and to whom, "
        f"and then it stops.</p></div></div></li>"
        for k in range(24)
    )
    story = "".join(f"<p>{p.replace('Section', 'Paragraph')}</p>" for p in PROSE[:4])
    html = _page(
        f'<div id="stream"><ul>{teasers}</ul></div>'
        f'<div class="render-target-modal"><article><h1>Cargo ship lost</h1>{story}</article>'
        '<div class="modal-close">Close</div></div>'
    )
    body = extract_article(html).body
    assert "Paragraph 1 explains" in body and "Paragraph 4 explains" in body
    assert "Another story" not in body and "summary" not in body


def test_a_junk_named_box_of_several_article_teasers_stays_junk():
    story = "".join(f"<p>{p}</p>" for p in PROSE)
    cards = "".join(f"<article><h3>Related {k}</h3><p>{PROSE[k]}</p></article>" for k in range(4))
    html = _page(
        f'<main><article class="post">{story}</article></main><div class="related-posts">{cards}</div>'
    )
    body = extract_article(html).body
    assert "Section 6 explains" in body and "Related 1" not in body


def test_a_list_article_printed_as_a_data_table_beats_its_reference_list():
    rows = "".join(
        f"<tr><td><a href='/film/{k}'>Film {k}</a></td><td>19{60 + k}</td><td>{PROSE[k % 6]}</td></tr>"
        for k in range(12)
    )
    refs = "".join(
        f"<li>Author {k}, A. ({2000 + k}). Book title, volume {k}, pages 1-{k}. Publisher, city.</li>"
        for k in range(40)
    )
    html = _page(
        f"<div id=content><h1>List of films</h1><p>Films in which a day repeats, by year.</p>"
        f"<table class=wikitable><tbody><tr><th>Film</th><th>Year</th><th>Description</th></tr>"
        f"{rows}</tbody></table><h2>References</h2><div class=reflist><ol>{refs}</ol></div></div>"
    )
    body = extract_article(html).body
    assert "Section 1 explains" in body and "Section 6 explains" in body


def test_a_next_story_card_holding_one_long_article_stays_out():
    # Infinite-scroll templates print the next story as an <article> in a "recommend" box: it is
    # most of that box, but the box names other content, not a layer over the page.
    story = "".join(f"<p>{p}</p>" for p in PROSE[:4])
    following = "".join(
        f"<p>Next story, part {k}: the ferry company answered the audit at length.</p>" for k in range(8)
    )
    html = _page(
        f'<div class="entry-content">{story}<div class="recommend"><article>{following}</article></div></div>'
    )
    body = extract_article(html).body
    assert "Section 4 explains" in body and "Next story" not in body


def test_a_comment_table_beside_a_story_is_not_a_data_table():
    story = "".join(f"<p>{p}</p>" for p in PROSE[:4])
    rows = "".join(
        f"<tr><td>reader{k}</td><td>I read this twice, and I still think the committee, as usual, "
        f"should have asked us first. Comment number {k}.</td></tr>"
        for k in range(12)
    )
    html = _page(
        f'<div class="wrap"><div class="story">{story}</div><table id="replies">{rows}</table></div>'
    )
    body = extract_article(html).body
    assert "Section 4 explains" in body and "Comment number" not in body
