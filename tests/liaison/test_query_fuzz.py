"""Bad query strings get a page (the bad value ignored, or a 400 that says why), never a 500
(#15 item 5). Every GET page of the platform is fed every parameter name the platform reads,
each with values a hand or a script might send."""

import pytest

from tests.liaison.test_permissions import PATTERNS, POST_ONLY, objects_in, url_for

PARAMETERS = ("parent", "unit", "year", "as_of", "metric", "category", "page", "export",
              "cadre", "topic", "q", "start_date", "end_date", "start_after", "start_before",
              "format", "kind", "status", "community", "is_poor", "organization", "type",
              "place_type", "table", "download", "next", "household")
BAD_VALUES = ("abc", "99999999999999999999", "-1", "\x00", "2021-13-45", "٣")

GET_PAGES = [p for p in PATTERNS if p.name not in POST_ONLY]


@pytest.mark.parametrize("pattern", GET_PAGES, ids=lambda p: p.name)
def test_no_page_fails_on_a_bad_query_string(client, users, tree, pattern):
    client.force_login(users.sysadmin)
    client.raise_request_exception = False  # collect every failure, not the first
    url = url_for(pattern, objects_in(tree))
    failures = []
    # Pages of one record read no parameters of their own: every name at once suffices there.
    one_at_a_time = "<int:pk>" not in str(pattern.pattern)
    for value in BAD_VALUES:
        queries = [{name: value} for name in PARAMETERS] if one_at_a_time else [
            dict.fromkeys(PARAMETERS, value)]
        for query in queries:
            if client.get(url, query).status_code >= 500:
                failures.append(query)
    assert not failures, failures
