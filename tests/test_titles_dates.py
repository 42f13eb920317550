"""Headline and dateline patterns of pages no profile knows (pass 4): which <title> piece is the
site, which heading is the story's, and the date the page prints beside its headline."""

from __future__ import annotations

from datetime import date

from scrapers.extract import extract_article

STORY = "".join(
    f"<p>Paragraph {k} of the report tells, in plain words, how the harbour council spent the "
    f"grant money and what the auditors said about the ferry contract in year {k}.</p>"
    for k in range(1, 6)
)


def _page(head: str, body: str) -> str:
    return f"<html lang=en><head>{head}</head><body>{body}</body></html>"


def test_outlet_first_title_keeps_the_headline_piece():
    # "Outlet | Headline" with the headline as the page's <h1>: the outlet is the short piece.
    html = _page(
        "<title>Harbourview | Ferry Contract Audit Finds Missing Funds</title>",
        f"<h1>Ferry Contract Audit Finds Missing Funds</h1>{STORY}",
    )
    assert extract_article(html).title == "Ferry Contract Audit Finds Missing Funds"


def test_site_name_in_og_is_not_taken_for_the_headline():
    html = _page(
        "<title>Which ferry pass suits a weekly commuter? | Harbourview</title>"
        '<meta property="og:title" content="Harbourview">'
        '<meta property="og:site_name" content="Harbourview">',
        f"<h1>Which ferry pass suits a weekly commuter?</h1>{STORY}",
    )
    assert extract_article(html).title == "Which ferry pass suits a weekly commuter?"


def test_teaser_h2_never_beats_the_page_title():
    # No <h1>: title-classed <h2>s are related-post teasers, the metadata names the story.
    html = _page(
        '<title>The Ferry Audit, Explained – Harbourview</title><meta property="og:site_name" '
        'content="Harbourview">',
        '<h1 class="site-title">Harbourview</h1>'
        f"<article>{STORY}</article>"
        '<div class="related-titles"><h2>Ten cheap day trips around the bay this summer</h2></div>',
    )
    assert extract_article(html).title == "The Ferry Audit, Explained"


def test_headline_printed_in_the_banner_box_counts_when_the_metadata_names_it():
    html = _page(
        "<title>How to Appeal a Parking Fine – Citizens Advice Desk | Harbourview</title>",
        '<div class="site-title"><h1>How to Appeal a Parking Fine</h1></div>'
        '<h2 class="sow-headline">QUICK LINKS</h2>'
        f"{STORY}",
    )
    assert extract_article(html).title == "How to Appeal a Parking Fine"


def test_heading_case_and_labels_yield_to_the_metadata_spelling():
    cased = _page(
        '<meta property="og:title" content="How Much Should I Pay For a Ferry Pass?">',
        f"<h1>How much should I pay for a ferry pass?</h1>{STORY}",
    )
    assert extract_article(cased).title == "How Much Should I Pay For a Ferry Pass?"
    labelled = _page(
        '<meta property="og:title" content="Preparing the winter timetable">',
        f"<h1>Blog: Preparing the winter timetable</h1>{STORY}",
    )
    assert extract_article(labelled).title == "Preparing the winter timetable"
    piped = _page(
        "<title>Best Ferry Passes for Commuters | Top 9 Picks | Harbourview</title>",
        f"<h1>Best Ferry Passes for Commuters | Top 9 Picks</h1>{STORY}",
    )
    assert extract_article(piped).title == "Best Ferry Passes for Commuters"


def test_the_dateline_beside_the_headline_dates_a_page_without_metadata():
    html = _page(
        "<title>Ferry Audit</title>",
        '<header><h1>Ferry Contract Audit</h1><div class="w-embed"><b>By Ann Lee</b> - Mar 27, 2024'
        f"</div></header>{STORY}<footer>Newsletter of April 2, 2025</footer>",
    )
    assert extract_article(html).published.date() == date(2024, 3, 27)
    dotted = _page("", f"<h1>Ferry Contract Audit</h1><p><span>23.07.2025</span></p>{STORY}")
    assert extract_article(dotted).published.date() == date(2025, 7, 23)
    # Month or day first cannot be told apart: no date rather than a wrong one.
    ambiguous = _page("", f"<h1>Ferry Contract Audit</h1><p><span>09.10.2024</span></p>{STORY}")
    assert extract_article(ambiguous).published is None


def test_the_printed_dateline_wins_over_a_stale_metadata_time():
    html = _page(
        '<meta property="article:published_time" content="2012-09-12T16:45:28+00:00">',
        f'<h1>Ferry Contract Audit</h1><p class="meta"><time>September 8, 2021</time></p>{STORY}',
    )
    assert extract_article(html).published.date() == date(2021, 9, 8)


def test_metadata_time_stands_when_the_dateline_prints_its_day_or_only_an_update():
    both = _page(
        '<meta property="article:published_time" content="2025-04-24T16:12:49+00:00">',
        f"<header><h1>Ferry Contract Audit</h1><p>May 21, 2025</p><p>April 24, 2025 by Ann</p>"
        f"</header>{STORY}",
    )
    assert extract_article(both).published.isoformat() == "2025-04-24T16:12:49+00:00"
    updated = _page(
        '<meta property="article:published_time" content="2024-10-15T18:50:03+00:00">',
        f"<h1>Ferry Contract Audit</h1><p>By Ann Lee Updated on June 18, 2025</p>{STORY}",
    )
    assert extract_article(updated).published.date() == date(2024, 10, 15)
    # A day apart is the page's own zone: the metadata keeps its time.
    zoned = _page(
        '<meta property="article:published_time" content="2025-12-02T23:00:55+00:00">',
        f"<h1>Ferry Contract Audit</h1><p>December 3, 2025</p>{STORY}",
    )
    assert extract_article(zoned).published.date() == date(2025, 12, 2)


def test_metadata_dates_written_in_words_or_us_numbers_are_read():
    ld = '<script type="application/ld+json">{"@type": "BlogPosting", "datePublished": "Dec 03, 2025"}</script>'
    assert extract_article(_page(ld, f"<h1>Ferry Audit</h1>{STORY}")).published.date() == date(2025, 12, 3)
    meta = '<meta name="published" content="July 17, 2025">'
    assert extract_article(_page(meta, f"<h1>Ferry Audit</h1>{STORY}")).published.date() == date(2025, 7, 17)
    us = '<meta property="article:published_time" content="03-09-2026">'
    assert extract_article(_page(us, f"<h1>Ferry Audit</h1>{STORY}")).published.date() == date(2026, 3, 9)


def test_a_labelled_date_far_from_the_headline_dates_a_page_without_metadata():
    # The label and the date are split by markup (an icon between them) and printed after the lead.
    lead = "<p>" + "A long lead paragraph about the ferry. " * 12 + "</p>"
    icon = '<svg aria-hidden="true"><use href="/icons.svg#clock"></use></svg>'
    html = _page(
        "<title>Ferry Audit</title>",
        f'<h1>Ferry Audit</h1>{lead}<span>Posted on</span><div class="row">{icon}<span>Nov 21, 2018</span></div>{STORY}',
    )
    assert extract_article(html).published.date() == date(2018, 11, 21)
    european = _page("", f"<h1>Ferry Audit</h1>{lead}<div>Posted on the 15/12/2025 at 19:00</div>{STORY}")
    assert extract_article(european).published.date() == date(2025, 12, 15)
    # Printed with month and day both 12 or under: no date rather than a guess.
    ambiguous = _page("", f"<h1>Ferry Audit</h1>{lead}<div>Posted on 03/09/2025</div>{STORY}")
    assert extract_article(ambiguous).published is None


def test_the_date_beside_the_author_name_dates_a_page_without_a_headline_heading():
    html = _page(
        "<title>Ferry Audit</title>",
        f'<div class="resource-author"><p>Ann Lee</p><small>December 17, 2025</small></div>{STORY}',
    )
    assert extract_article(html).published.date() == date(2025, 12, 17)


def test_the_dateline_date_called_an_update_is_not_the_publication():
    # A box names the update time first; the dateline prints the publication and the update.
    html = _page(
        "<title>Ferry Audit</title>",
        '<div class="post-date">Updated July 9, 2025</div><h1>Ferry Contract Audit</h1>'
        f"<p><span>August 16, 2019</span> <span>- Updated July 9, 2025</span></p>{STORY}",
    )
    assert extract_article(html).published.date() == date(2019, 8, 16)


def test_a_schema_date_in_app_data_and_a_meta_name_of_any_spelling_date_a_page():
    # App data in an attribute, quotes escaped; no JSON-LD script, no dateline.
    data = '<div data-props="{&quot;headline&quot;:&quot;Ferry&quot;,&quot;datePublished&quot;:&quot;2025-11-17T09:00:00-05:00&quot;}"></div>'
    html = _page("<title>Ferry Audit</title>", f"{data}<h1>Ferry Audit</h1>{STORY}")
    assert extract_article(html).published.isoformat() == "2025-11-17T09:00:00-05:00"
    meta = '<meta name="w-published-date" content="2025-05-27T06:03:43Z">'
    assert extract_article(_page(meta, f"<h1>Ferry Audit</h1>{STORY}")).published.date() == date(2025, 5, 27)


def test_a_json_ld_headline_cut_at_110_characters_yields_to_the_whole_one():
    whole = (
        "Harbour Council Audit: Where the Ferry Grant Went, Who Signed Off, and What the Auditors "
        "Want Changed Before the Next Budget"
    )
    cut = whole[:110].rstrip()
    ld = f'{{"@context": "https://schema.org", "@type": "Article", "headline": "{cut}"}}'
    html = _page(
        f'<title>{whole} - Harbourview</title><meta property="og:title" content="{whole} - Harbourview">'
        f'<script type="application/ld+json">{ld}</script>',
        STORY,
    )
    assert extract_article(html).title == whole


def test_a_bullet_separates_the_site_name_in_the_title():
    html = _page(
        "<title>Ferry Contract Audit Finds Missing Funds • Harbourview</title>"
        '<meta property="og:site_name" content="Harbourview">',
        STORY,
    )
    assert extract_article(html).title == "Ferry Contract Audit Finds Missing Funds"


def test_a_cut_json_ld_headline_ending_in_an_ellipsis_yields_too():
    whole = (
        "Harbour Council Audit: Where the Ferry Grant Went, Who Signed Off, and What the Auditors "
        "Want Changed Before the Next Budget"
    )
    cut = whole[:105].rstrip() + "…"
    ld = f'{{"@context": "https://schema.org", "@type": "Article", "headline": "{cut}"}}'
    html = _page(
        f'<meta property="og:title" content="{whole} - Harbourview"><script type="application/ld+json">{ld}</script>',
        STORY,
    )
    assert extract_article(html).title == whole
