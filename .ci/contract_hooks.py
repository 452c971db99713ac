"""schemathesis hooks for .ci/contract: what JSON Schema cannot say about the Verbatim API.

A year range's first year may not come after its last (`2019..2015` is refused with a hint to
swap them). The schema cannot compare two values, so drawn ranges are put in order.
"""

import re

import schemathesis

YEARS = re.compile(r"^(\s*)([+-]?\d+)(\s*\.\.\s*)([+-]?\d+)(\s*)$")


def ordered_text(text):
    match = YEARS.match(text) if isinstance(text, str) else None
    if match is None:
        return text
    first, last = int(match.group(2)), int(match.group(4))
    if first <= last:
        return text
    return f"{match.group(1)}{match.group(4)}{match.group(3)}{match.group(2)}{match.group(5)}"


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def ordered(year):
    if isinstance(year, dict):
        first, last = year.get("from"), year.get("to")
        if is_number(first) and is_number(last) and first > last:
            return {**year, "from": last, "to": first}
        return year
    return ordered_text(year)


@schemathesis.hook
def map_case(ctx, case):
    if isinstance(case.query, dict) and "year" in case.query:
        case.query["year"] = ordered(case.query["year"])
    body = case.body
    if isinstance(body, dict):
        # Filters sit in `filters` (search, crosstab), `search.filters` (kwic), `target` and
        # `reference` (keyness).
        search = body.get("search")
        groups = [body.get("filters"), body.get("target"), body.get("reference")]
        groups.append(search.get("filters") if isinstance(search, dict) else None)
        for filters in groups:
            if isinstance(filters, dict) and "year" in filters:
                filters["year"] = ordered(filters["year"])
    return case
