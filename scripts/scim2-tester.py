#!/usr/bin/env python3
"""Runs scim2-tester (https://pypi.org/project/scim2-tester/) against a SCIM
server: every check, then one line per check that did not succeed and a
result line. Exit status 0 only when every check succeeded.

    scim2-tester.py BASE_URL TOKEN
"""
import sys
from collections import Counter

from httpx2 import Client
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server


def main() -> int:
    base_url, token = sys.argv[1], sys.argv[2]
    http = Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    client = SyncSCIMClient(http)
    results = check_server(client)
    counts = Counter(r.status.name for r in results)
    bad = [r for r in results if r.status not in (Status.SUCCESS,)]
    for r in bad:
        where = f" [{r.resource_type}]" if getattr(r, "resource_type", None) else ""
        print(f"{r.status.name} {r.title}{where}: {r.reason}")
    summary = ", ".join(f"{n} {s.lower()}" for s, n in sorted(counts.items()))
    print(f"scim2-tester: {counts.get('SUCCESS', 0)}/{len(results)} checks passed ({summary})")
    return 0 if not bad else 1


if __name__ == "__main__":
    sys.exit(main())
