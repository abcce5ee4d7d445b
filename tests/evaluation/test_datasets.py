"""Readers of the development corpora, on small files written here in their formats."""

from __future__ import annotations

from pathlib import Path

from retold.evaluation.datasets import news_articles, reuters_articles

SGML = """<!DOCTYPE lewis SYSTEM "lewis.dtd">
<REUTERS TOPICS="YES" LEWISSPLIT="TRAIN" NEWID="11">
<DATE>26-FEB-1987 15:01:01.79</DATE>
<TEXT>&#2;
<TITLE>COCOA &amp; COFFEE REVIEW</TITLE>
<BODY>Showers continued in the cocoa zone &lt;east&gt;, traders said.
Arrivals rose to 155,221 bags.
 Reuter
&#3;</BODY></TEXT>
</REUTERS>
<REUTERS TOPICS="NO" NEWID="12">
<DATE>26-FEB-1987 15:02:20.00</DATE>
<TEXT TYPE="BRIEF">&#2;
<TITLE>NO BODY HERE</TITLE>
&#3;</TEXT>
</REUTERS>
"""


def test_reuters_stories_with_a_body_become_documents(tmp_path: Path) -> None:
    (tmp_path / "reut2-000.sgm").write_text(SGML, encoding="latin-1")
    (doc,) = reuters_articles(tmp_path)
    assert doc.id == "reuters-11"
    assert (
        doc.text
        == "Showers continued in the cocoa zone <east>, traders said.\nArrivals rose to 155,221 bags."
    )
    assert doc.metadata == {"title": "COCOA & COFFEE REVIEW", "date": "26-FEB-1987 15:01:01.79"}


def test_news_articles_keep_title_date_and_link(tmp_path: Path) -> None:
    path = tmp_path / "NewsArticles.csv"
    path.write_text(
        "article_id,publish_date,article_source_link,title,subtitle,text\n"
        '1,2017/2/7,http://example.org/a,"Vote, at last",,"The Senate voted. It was close."\n'
        "2,2017/2/8,http://example.org/b,Empty,,\n",
        encoding="utf-8",
    )
    (doc,) = news_articles(path)
    assert (doc.id, doc.text) == ("na2017-1", "The Senate voted. It was close.")
    assert doc.metadata == {"title": "Vote, at last", "date": "2017/2/7", "url": "http://example.org/a"}
