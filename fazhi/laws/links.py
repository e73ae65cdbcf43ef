"""Links from citations in free text (an inspection item's legal basis, a document's grounds) to the library."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from .citations import find_citations, provision_label, resolve_one
from .models import Law


def provision_for(citation, on: dt.date | None = None):
    """The provision a citation points at: in the version in force on `on` (default today), else — a text
    superseded with no successor loaded — in the latest version, whose page says it is superseded. None
    when the library does not hold it."""
    try:
        return resolve_one(citation, on)
    except ValidationError:
        try:
            return resolve_one(citation, latest=True)
        except ValidationError:
            return None


def link_citations(text: str, on: dt.date | None = None) -> SafeString:
    """`text` escaped, with each citation that resolves turned into a link to its provision's page."""
    text = "" if text is None else str(text)
    titles = [name for pair in Law.objects.values_list("title", "short_title") for name in pair]
    spans = find_citations(text, titles)
    if not spans:
        return escape(text)
    out, last = [], 0
    for start, end, citation in spans:
        out.append(escape(text[last:start]))
        provision = provision_for(citation, on)
        if provision is None:
            out.append(escape(text[start:end]))
        else:
            out.append(format_html('<a class="citation" href="{}" title="{}">{}</a>',
                                   reverse("laws:provision", args=[provision.pk]), provision_label(provision),
                                   text[start:end]))
        last = end
    out.append(escape(text[last:]))
    return mark_safe("".join(out))


def broken_citations(text: str) -> list[str]:
    """Citations in `text` of a law the library holds whose provision it does not hold (a wrong or repealed
    article). Citations of texts not yet imported are not broken: the page shows them unlinked."""
    from .citations import find_law, format_citation

    titles = [name for pair in Law.objects.values_list("title", "short_title") for name in pair]
    broken = []
    for _start, _end, citation in find_citations(text or "", titles):
        try:
            find_law(citation.short_title)
        except ValidationError:
            continue
        if provision_for(citation) is None:
            broken.append(format_citation(citation))
    return broken
