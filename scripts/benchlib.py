"""What scripts/bench_scope.py and scripts/bench_dak.py share: tables of
figures, percentiles, timing, throwaway PostgreSQL databases, COPY, and
the in-process trytond helpers. Not a script; the two benchmarks import
it from their own folder."""
import math
import re
import socket
import sys
import time
import urllib.parse
from contextlib import contextmanager

import psycopg

LOCALHOST = '127.0.0.1'
# trytond's logging for the servers the benchmarks start: warnings only
# (werkzeug sets INFO on its logger unless a level is given).
LOGGING = '''
[formatters]
keys = simple
[formatter_simple]
format = %(asctime)s %(levelname)s %(name)s %(message)s
[handlers]
keys = stderr
[handler_stderr]
class = StreamHandler
formatter = simple
args = (sys.stderr,)
[loggers]
keys = root, werkzeug
[logger_root]
level = WARNING
handlers = stderr
[logger_werkzeug]
level = WARNING
handlers =
qualname = werkzeug
'''


def pct(values, p):
    "Nearest-rank percentile"
    values = sorted(values)
    if not values:
        return float('nan')
    return values[max(0, math.ceil(p / 100 * len(values)) - 1)]


def table(title, header, rows, notes=()):
    "Print rows under title, the first column left-aligned, then notes"
    rows = [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in [header, *rows])
        for i in range(len(header))]

    def line(row):
        return '  '.join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths))).rstrip()
    print(f'\n{title}')
    print(line(header))
    print('  '.join('-' * w for w in widths))
    for row in rows:
        print(line(row))
    for note in notes:
        print(note)
    sys.stdout.flush()


@contextmanager
def step(label):
    "Say on stderr what is being done and how long it took"
    print(f'{label} ...', end=' ', flush=True, file=sys.stderr)
    start = time.perf_counter()
    yield
    print(f'{time.perf_counter() - start:.1f} s', file=sys.stderr)


def timed(func, *args):
    "Return the seconds func(*args) took and its result"
    start = time.perf_counter()
    result = func(*args)
    return time.perf_counter() - start, result


def conninfo(dsn, dbname):
    return urllib.parse.urlparse(dsn)._replace(path='/' + dbname).geturl()


def drop_database(dsn, dbname):
    with psycopg.connect(conninfo(dsn, 'postgres'), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS {dbname} WITH (FORCE)')


def create_database(dsn, dbname):
    "Create dbname empty, dropping it first if it exists"
    drop_database(dsn, dbname)
    with psycopg.connect(conninfo(dsn, 'postgres'), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE {dbname}')


def copy_rows(cursor, table, columns, rows):
    names = ', '.join(f'"{c}"' for c in columns)
    with cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row)


def next_id(cursor, table):
    cursor.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{table}"')
    return cursor.fetchone()[0]


def free_port():
    with socket.socket() as sock:
        sock.bind((LOCALHOST, 0))
        return sock.getsockname()[1]


def settle_caches(dbname):
    """Let this process' cache listener start (clean_timeout = 0) before
    caching anything: it starts with the second transaction and then
    clears every cache, which would silently drop what a transaction
    running meanwhile cached."""
    from trytond.cache import MemoryCache
    from trytond.transaction import Transaction
    for _ in range(2):
        with Transaction().start(dbname, 0, readonly=True):
            pass
    listener = MemoryCache._local.listeners.get(dbname)
    deadline = time.monotonic() + 10
    while (listener and not getattr(listener, 'listening', False)
            and time.monotonic() < deadline):
        time.sleep(0.01)


def set_passwords(pool, dbname, user_ids, password):
    from trytond.transaction import Transaction
    with Transaction().start(dbname, 0) as transaction:
        User = pool.get('res.user')
        User.write(User.browse(user_ids), {'password': password})
        transaction.commit()


def explain_statements(conn, statements):
    """EXPLAIN (ANALYZE, BUFFERS) on conn the SELECTs among statements
    (not those FOR UPDATE), twice each, keeping the faster (the second
    with warm catalog caches); return [(ms, statement, plan lines)],
    slowest first"""
    results = []
    for sql in statements:
        head = sql.lstrip()[:20].upper()
        if not (head.startswith('SELECT') or head.startswith('WITH')) \
                or 'FOR UPDATE' in sql.upper():
            continue
        best = None
        for _ in range(2):
            plan = [r[0] for r in conn.execute(
                    'EXPLAIN (ANALYZE, BUFFERS) ' + sql)]
            total = sum(float(m.group(1)) for text in plan
                for m in [re.search(r'(?:Planning|Execution) Time: '
                        r'([\d.]+) ms', text)] if m)
            if best is None or total < best[0]:
                best = (total, sql, plan)
        results.append(best)
    results.sort(key=lambda r: -r[0])
    return results
