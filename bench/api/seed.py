#!/usr/bin/env python3
"""Helpers for bench/api/run.sh, on one keep-alive connection (standard library only).

  seed.py token BASE            dev login of the service account `bench-service`; creates a
                                personal access token and prints `<id> <secret>`
  seed.py topics BASE TOKEN N   opens N topics in category `allgemein` and prints their ids,
                                one a line (the token must be trusted: no throttles)
"""

import http.client
import json
import sys
import urllib.parse


class Api:
    def __init__(self, base):
        url = urllib.parse.urlsplit(base)
        self.prefix = url.path.rstrip("/")
        self.conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)

    def call(self, method, path, token=None, body=None, expect=(200, 201)):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = json.dumps(body).encode() if body is not None else None
        self.conn.request(method, self.prefix + path, body=data, headers=headers)
        res = self.conn.getresponse()
        text = res.read().decode()
        if res.status not in expect:
            sys.exit(f"{method} {path}: {res.status} {text}")
        return json.loads(text) if text else None


def token(base):
    api = Api(base)
    # Verified staff: a service account of a public body, not held for pre-moderation.
    login = api.call("POST", "/dev/login", body={"username": "bench-service", "role": "member", "verified": True})
    created = api.call(
        "POST",
        "/me/tokens",
        token=login["token"],
        body={"name": "load benchmark", "scopes": ["read", "forum:write"], "expires_in_days": 1},
    )
    print(created["id"], created["token"])


def topics(base, secret, n):
    api = Api(base)
    for i in range(n):
        t = api.call(
            "POST",
            "/categories/allgemein/topics",
            token=secret,
            body={
                "title": f"Erfahrungen mit Fachverfahren {i}",
                "body": f"Wer betreibt Verfahren {i} schon produktiv? Welche Schnittstellen nutzt ihr?",
            },
        )
        print(t["id"])


if __name__ == "__main__":
    match sys.argv[1:]:
        case ["token", base]:
            token(base)
        case ["topics", base, secret, n]:
            topics(base, secret, int(n))
        case _:
            sys.exit(__doc__)
