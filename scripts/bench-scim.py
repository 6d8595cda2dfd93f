#!/usr/bin/env python3
"""Measures a directory's SCIM server: N users created through POST /Users
(concurrency C), then `GET /Users?filter=userName eq "…"` for random users.
Prints users/s and the lookup latencies (p50, p99). Run with the python of
scripts/install-scim2-tester.sh (it has httpx2); see scripts/bench-scim.sh.

    bench-scim.py BASE_URL TOKEN [USERS] [CONCURRENCY] [LOOKUPS]
"""
import asyncio
import random
import sys
import time
import urllib.parse

import httpx2

USER = "urn:ietf:params:scim:schemas:core:2.0:User"


async def main() -> None:
    base, token = sys.argv[1], sys.argv[2]
    users = int(sys.argv[3]) if len(sys.argv) > 3 else 10_000
    concurrency = int(sys.argv[4]) if len(sys.argv) > 4 else 32
    lookups = int(sys.argv[5]) if len(sys.argv) > 5 else 2_000
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/scim+json"}
    limits = httpx2.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx2.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=60) as client:
        queue = list(range(users))
        failures = 0

        async def worker() -> None:
            nonlocal failures
            while queue:
                n = queue.pop()
                body = {
                    "schemas": [USER],
                    "userName": f"user{n}@bench.test",
                    "name": {"givenName": "User", "familyName": str(n)},
                    "emails": [{"value": f"user{n}@bench.test", "type": "work", "primary": True}],
                    "active": True,
                }
                r = await client.post("/Users", json=body)
                if r.status_code != 201:
                    failures += 1

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - start
        print(f"POST /Users: {users} users in {elapsed:.2f} s = {users / elapsed:.0f}/s ({failures} failed)")

        total = (await client.get("/Users?count=0")).json()["totalResults"]
        latencies = []
        for _ in range(lookups):
            n = random.randrange(users)
            q = urllib.parse.quote(f'userName eq "user{n}@bench.test"')
            t = time.perf_counter()
            r = await client.get(f"/Users?filter={q}")
            latencies.append(time.perf_counter() - t)
            assert r.status_code == 200 and r.json()["totalResults"] == 1, r.text
        latencies.sort()
        p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000
        print(f"GET /Users?filter=userName eq: {lookups} lookups, {total} Users in the directory, p50 {p(0.5):.2f} ms, p99 {p(0.99):.2f} ms")


asyncio.run(main())
