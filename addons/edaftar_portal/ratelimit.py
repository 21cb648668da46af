# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Rate limits per client address on what the public may call: signing
up, logging in, tracking, filing through Open311.

The counts are kept in each server process (a sliding window), so they
cost nothing on the tracking page's hot path; with N worker processes a
client gets at most N times the limit, and the reverse proxy in front
limits the whole. Logins are further throttled per e-mail address by
web.user in the database. Limits are read from the configuration:

    [edaftar_portal]
    rate_<kind> = <requests>/<seconds>     e.g. rate_track = 120/60
"""
import threading
import time
from collections import defaultdict, deque

import trytond.config as config

# kind: (requests, seconds)
DEFAULTS = {
    'signup': (5, 3600),
    'login': (20, 300),
    'reset': (5, 3600),
    'track': (120, 60),
    'apply': (10, 3600),
    'reply': (30, 3600),
    'open311_post': (30, 3600),
    'open311_get': (600, 60),
    }
_hits = defaultdict(deque)
_lock = threading.Lock()


def limit(kind):
    "The (requests, seconds) allowed for kind"
    value = config.get('edaftar_portal', f'rate_{kind}', default=None)
    if value:
        count, _, seconds = value.partition('/')
        return int(count), float(seconds or 60)
    return DEFAULTS[kind]


def allow(kind, address, now=None):
    """Count one request of kind from address; return False when it is
    beyond the limit (the request is then not counted)"""
    count, seconds = limit(kind)
    now = time.monotonic() if now is None else now
    key = (kind, address or '-')
    with _lock:
        hits = _hits[key]
        while hits and hits[0] <= now - seconds:
            hits.popleft()
        if len(hits) >= count:
            return False
        hits.append(now)
        if len(_hits) > 100_000:
            # A flood of addresses: forget the idle ones.
            for other in [k for k, h in _hits.items()
                    if not h or h[-1] <= now - seconds]:
                del _hits[other]
        return True


def retry_after(kind, address, now=None):
    "Seconds until address may call kind again"
    count, seconds = limit(kind)
    now = time.monotonic() if now is None else now
    with _lock:
        hits = _hits.get((kind, address or '-'))
        if not hits or len(hits) < count:
            return 0
        return max(1, int(hits[0] + seconds - now) + 1)


def reset():
    "Forget every count (tests)"
    with _lock:
        _hits.clear()
