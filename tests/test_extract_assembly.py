"""Generic extraction: how the article is assembled from blocks spread over the page (pass 5)."""

from __future__ import annotations

from scrapers.extract import extract_article

from .pages import page as _page

PROSE = [
    f"Part {k} of the report describes, with some care, how the river changed its course, "
    f"why the town moved its market{', once more' * k}, and what the survey found later."
    for k in range(1, 9)
]
TEASERS = "".join(
    f'<div class="card"><a href="/s{k}">Teaser headline number {k}</a><p>A short, one-line summary of another story {k}.</p></div>'
    for k in range(6)
)


def test_paragraph_per_nested_wrapper_credits_the_story_container():
    # Each paragraph is a span three wrappers deep: the container sees its text only through
    # those levels, and a note beside the story scores more than any one paragraph.
    lines = [f"Line {k}, in which the narrator, tired, walks on. " * 2 for k in range(40)]
    story = "".join(f"<div><div><div><span>{line}</span></div></div></div>" for line in lines)
    note = f'<div class="note"><p>{PROSE[0]} {PROSE[1]} {PROSE[2]}</p></div>'
    html = _page(
        f'<div class="page"><div class="chapter">{story}</div><div class="aside-box">{note}</div></div>'
    )
    body = extract_article(html).body
    for line in lines:
        assert line.strip() in body


def test_review_holding_a_product_list_is_taken_whole():
    # A product's description, four wrappers deep, outscores the review's own paragraphs; the
    # review scores nearly as well through those paragraphs and holds it: the review wins.
    product = "".join(f"<p>{PROSE[7]}</p>" for _ in range(3))
    products = f'<div class="product"><div class="wrap"><div class="detail"><div class="desc">{product}</div></div></div></div>'
    intro = "".join(f"<p>{p}</p>" for p in PROSE[2:5])
    html = _page(f'<div class="entry">{intro}{products}</div>{TEASERS}')
    body = extract_article(html).body
    for p in [*PROSE[2:5], PROSE[7]]:
        assert p in body
    assert "Teaser headline" not in body


def test_story_split_into_sections_each_in_its_own_grid_row():
    # A block per section, each in a cell of a grid in a row wrapper: the blocks are cousins
    # four levels apart, and their shared ancestor is the article.
    rows = "".join(
        f'<div class="row"><div class="grid"><div class="cell"><div class="text">'
        f"<p>{PROSE[2 * k]}</p><p>{PROSE[2 * k + 1]}</p></div></div></div></div>"
        for k in range(4)
    )
    html = _page(f'<div class="article">{rows}</div><div class="more">{TEASERS}</div>')
    body = extract_article(html).body
    for p in PROSE:
        assert p in body
    assert "Teaser headline" not in body


def test_one_teaser_box_does_not_pull_in_the_page():
    # A single strong block elsewhere on the page, far up the tree, is not a second section.
    story = "".join(f"<p>{p}</p>" for p in PROSE[:6])
    other = f"<p>{PROSE[6]}</p><p>{PROSE[7]}</p>"
    html = _page(
        f'<div class="layout"><div class="a"><div class="b"><div class="c"><div class="story">{story}</div></div></div></div>'
        f'<div class="x"><div class="y"><div class="z"><div class="promo-text">{other}</div></div></div></div></div>'
    )
    body = extract_article(html).body
    assert PROSE[0] in body and PROSE[7] not in body


def test_sections_of_one_template_are_joined_however_little_each_scores():
    # One long text component, then short ones between image components, each in its own
    # section wrapper: they share the best block's tag and class, so the article holds them all.
    def text(p: str) -> str:
        return f'<div class="body-text section"><div class="component-text">{p}</div></div>'

    image = '<div class="body-image section"><figure><img src="a.jpg"><figcaption>A view</figcaption></figure></div>'
    lead = "".join(f"<p>{p}</p>" for p in PROSE[:5])
    rest = "".join(image + text(f"<p>{p}</p>") for p in PROSE[5:])
    html = _page(f"<article>{text(lead)}{rest}</article>{TEASERS}")
    body = extract_article(html).body
    for p in PROSE:
        assert p in body
    assert "Teaser headline" not in body


def test_responsive_copies_of_the_story_are_not_sections():
    # The template prints the story once per breakpoint, in blocks of one generated class.
    story = "".join(f"<p>{p}</p>" for p in PROSE)
    copies = "".join(f'<div class="bp-{k}"><div class="framer-x1">{story}</div></div>' for k in range(3))
    body = extract_article(_page(f"<main>{copies}</main>")).body
    assert body.count(PROSE[0]) == 1


def test_intro_printed_outside_the_read_more_box_is_kept():
    # The story's first paragraphs sit in its body block, the rest in a "read more" box two
    # levels down: the body block scores more than the level below it, so it is the article.
    intro = "".join(f"<p>{p}</p>" for p in PROSE[:2])
    more = "".join(f"<p>{p}</p>" for p in PROSE[2:5])
    html = _page(
        f'<div class="story"><div class="story-body">{intro}<div id="rm"><div id="rm-content">{more}</div></div>'
        f"</div></div>{TEASERS}"
    )
    body = extract_article(html).body
    for p in PROSE[:5]:
        assert p in body
    assert "Teaser headline" not in body


def test_numbered_blocks_of_one_component_are_joined():
    # The lead and the rest of the story are "story-body story-body-1" and "-2", each in its own
    # wrapper; the lead scores far less than the rest, but its first class names the same component.
    lead = f'<div class="wrap"><div class="story-body story-body-1"><p>{PROSE[0]}</p></div></div>'
    rest = "".join(f"<p>{p}</p>" for p in PROSE[1:])
    main = f'<div class="wrap"><div class="story-body story-body-2">{rest}</div></div>'
    html = _page(f"<article>{lead}<figure><img src=a.jpg></figure>{main}</article>{TEASERS}")
    body = extract_article(html).body
    for p in PROSE:
        assert p in body


def test_a_stream_of_teaser_cards_does_not_outscore_a_short_article():
    # Each card is a list item headed by a linked heading with a summary under it; together
    # they hold three times the article's text.
    cards = "".join(
        f'<li class="stream-item"><div><h3><a href="/s{k}">Another story, number {k}, in the stream</a></h3>'
        f"<div>A summary of that other story, with a comma, a second clause, and a full stop {k}.</div>"
        f"</div></li>"
        for k in range(16)
    )
    story = "".join(f"<p>{p}</p>" for p in PROSE[:4])
    html = _page(
        f'<div class="art"><div class="art-body">{story}</div></div><div class="stream"><ul>{cards}</ul></div>'
    )
    body = extract_article(html).body
    for p in PROSE[:4]:
        assert p in body
    assert "Another story" not in body and "A summary of that other story" not in body
