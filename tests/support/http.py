"""The tests' one-shot HTTP requests: httpx's own functions (a client for each request, nothing
kept between requests) with the TLS context of :data:`bench.loopback.TLS`, so the few thousand
requests of a run do not each load the CA bundle (20 ms of CPU apiece)."""

from __future__ import annotations

from functools import partial

import httpx

from bench.loopback import TLS

get = partial(httpx.get, verify=TLS)
head = partial(httpx.head, verify=TLS)
options = partial(httpx.options, verify=TLS)
post = partial(httpx.post, verify=TLS)
put = partial(httpx.put, verify=TLS)
stream = partial(httpx.stream, verify=TLS)
