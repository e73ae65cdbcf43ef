"""Every article a refusal, a rule or a document of the cases app cites exists in the law library: a refusal
that cites a wrong article would mislead the officer and, later, a court."""
import re
from pathlib import Path

import pytest

from fazhi.laws.citations import find_citations
from fazhi.laws.links import provision_for

CASES = Path(__file__).resolve().parent.parent
SOURCES = ("status.py", "services.py", "reviews.py", "rules.py", "clocks.py", "applicable_law.py", "discretion.py",
           "documents.py", "publication.py")
LAWS = ("行政处罚法", "行政强制法", "行政复议法", "行政诉讼法")


def cited(source: str):
    text = (CASES / source).read_text(encoding="utf-8")
    # A bare 第X条 in a refusal refers to the law named last before it in the same string.
    for literal in re.findall(r'"([^"\n]*第[零一二三四五六七八九十百]+条[^"\n]*)"', text):
        yield from (c for _, _, c in find_citations(literal, LAWS))


@pytest.mark.django_db
@pytest.mark.parametrize("source", SOURCES)
def test_every_cited_article_exists_in_the_library(source):
    citations = list(cited(source))
    assert citations, f"{source} cites no article in its messages: drop it from SOURCES or check the pattern"
    missing = [c for c in citations if provision_for(c) is None]
    assert not missing, f"{source} cites articles the library does not hold: {missing}"


@pytest.mark.django_db
def test_the_refusals_do_cite_articles():
    assert len(list(cited("status.py"))) >= 30
