"""Settings the server could not work with are refused at start, naming the setting and its
environment variable, instead of a server that crash-loops, hangs or answers 500."""

from __future__ import annotations

import pytest

from beskgraph.api.settings import Settings


@pytest.mark.parametrize(
    ("variable", "value", "problem"),
    [
        ("BESKGRAPH_HTTP_PARSER", "foo", "expected one of auto, h11, httptools"),
        ("BESKGRAPH_HTTP_PARSER", "", "expected one of auto, h11, httptools"),
        ("BESKGRAPH_MAX_DUMP_BUILDS", "0", "expected a number more than 0"),
        ("BESKGRAPH_MAX_CONCURRENT_QUERIES", "0", "expected a number more than 0"),
        ("BESKGRAPH_MAX_CONCURRENT_PAGES", "0", "expected a number more than 0"),
        ("BESKGRAPH_MAX_CONNECTIONS", "-1", "expected 0 or more"),
        ("BESKGRAPH_MAX_HEADER_BYTES", "-1", "expected a number more than 0"),
        ("BESKGRAPH_WORKERS", "-3", "expected 0 or more"),
        ("BESKGRAPH_QUERY_TIMEOUT", "nan", "expected a finite number"),
        ("BESKGRAPH_PAGE_TIMEOUT", "inf", "expected a finite number"),
        ("BESKGRAPH_PUBLIC_URL", "example.org", "expected an absolute http(s) URL"),
        ("BESKGRAPH_PUBLIC_URL", "ftp://example.org", "expected an absolute http(s) URL"),
        ("BESKGRAPH_PUBLIC_URL", "http://[::1", "not a URL (Invalid IPv6 URL)"),
        ("BESKGRAPH_PUBLIC_URL", "http://example.org:99999/", "not a URL (Port out of range"),
        ("BESKGRAPH_GRAPHQL_PATH", "graphql", "expected a path starting with /"),
        ("BESKGRAPH_WORKERS", "100000", "expected 256 or less"),
    ],
)
def test_an_unusable_setting_is_refused_by_name(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, problem: str
) -> None:
    monkeypatch.setenv(variable, value)
    name = variable.removeprefix("BESKGRAPH_").lower()
    with pytest.raises(ValueError) as refused:
        Settings.from_env()
    setting, _, reason = str(refused.value).partition(": ")
    assert setting.startswith(f"setting {name} ({variable}) is ") and reason.startswith(problem)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("BESKGRAPH_BODY_TIMEOUT", "0"),  # no limit
        ("BESKGRAPH_MAX_CONNECTIONS", "0"),  # no limit
        ("BESKGRAPH_WORKERS", "0"),  # one per core
        ("BESKGRAPH_MAX_WAITING_QUERIES", "0"),  # no queue: 503 when every slot is taken
        ("BESKGRAPH_RESPONSE_CACHE_BYTES", "0"),  # no cache
        ("BESKGRAPH_PUBLIC_URL", "https://data.example.org/beskgraph/"),
    ],
)
def test_a_zero_that_means_something_is_accepted(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    name = variable.removeprefix("BESKGRAPH_").lower()
    expected = value.rstrip("/") if name == "public_url" else type(getattr(Settings(), name))(value)
    assert getattr(Settings.from_env(), name) == expected


@pytest.mark.parametrize("name", ["graphql_path", "public_url", "dump_dir"])
def test_an_empty_optional_setting_is_unset(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setenv(f"BESKGRAPH_{name.upper()}", "  ")
    assert getattr(Settings.from_env(), name) is None
