#!/usr/bin/env python3
"""Benchmark of the e-Daftar user scope on PostgreSQL (DESIGN.md §5).

Creates the database edaftar_bench (dropped first if it exists), activates
edaftar_base with trytond-admin, loads a province-scale hierarchy and staff
with plain SQL (COPY), then measures in a fresh process:
  1. the time to build every user's scope (res.user.edaftar_scope);
  2. the cost the scope adds to the record rule context of ir.rule,
     in-process (warm and cold caches) and over JSON-RPC against two trytond
     servers started here: one as shipped and one with the edaftar_base
     extension of ir.rule bypassed.
The database is dropped at the end unless --keep.

    scripts/bench scope            # full size: ~4,000 units, 10,000 users
    scripts/bench scope --quick    # ~1/10 size, to check the script works
    EDAFTAR_BENCH_DSN=postgresql://user@host:5432/ scripts/bench scope --keep
"""
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_PYTHON = ROOT / '.venv' / 'bin' / 'python'
# Run with the project's virtualenv whatever python started the script.
if Path(sys.prefix).resolve() != VENV_PYTHON.parent.parent.resolve():
    os.execv(VENV_PYTHON, [str(VENV_PYTHON), __file__, *sys.argv[1:]])

import argparse  # noqa: E402
import base64  # noqa: E402
import datetime as dt  # noqa: E402
import gzip  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import defaultdict  # noqa: E402
from contextlib import contextmanager  # noqa: E402

import psycopg  # noqa: E402

from benchlib import (  # noqa: E402
    LOCALHOST, LOGGING, conninfo, copy_rows, create_database,
    drop_database, free_port, next_id, pct, set_passwords,
    settle_caches, step, table, timed)

CONFIG = ROOT / 'config' / 'trytond-postgresql.conf'
DB = 'edaftar_bench'
PASSWORD = 'bench-Passw0rd'

# Started as `python -c SERVE <trytond options>`: the trytond server, with
# the edaftar_base extension of ir.rule replaced by the base behaviour when
# EDAFTAR_BENCH_BYPASS is set (before the pool builds its classes).
SERVE = '''
import os, sys
if os.environ.get('EDAFTAR_BENCH_BYPASS'):
    from trytond.modules.edaftar_base import ir
    ir.Rule._get_cache_key = classmethod(
        lambda cls, names: super(ir.Rule, cls)._get_cache_key(names))
    ir.Rule._get_context = classmethod(
        lambda cls, name: super(ir.Rule, cls)._get_context(name))
from trytond.cli import main
sys.argv[0] = 'trytond'
sys.exit(main())
'''

# Warnings and errors only: werkzeug logs every request at INFO otherwise.
def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--users', type=int, default=10_000,
        help="number of staff users (default: %(default)s)")
    parser.add_argument('--units', type=float, default=1.0,
        help="scale factor of the hierarchy, 1.0 = 60 departments, "
        "~4,000 units (default: %(default)s)")
    parser.add_argument('--quick', action='store_true',
        help="small run (1,000 users, --units 0.1, 50 calls)")
    parser.add_argument('--calls', type=int, default=200,
        help="JSON-RPC calls per measure (default: %(default)s)")
    parser.add_argument('--repeat', type=int, default=1000,
        help="in-process repetitions per measure (default: %(default)s)")
    parser.add_argument('--keep', action='store_true',
        help=f"keep the database {DB} at the end")
    args = parser.parse_args()
    if args.quick:
        args.users, args.units, args.calls = 1000, 0.1, 50
    return args


# --- statistics and printing -------------------------------------------

def ms(seconds):
    return f'{seconds * 1e3:.2f}'


def us(seconds):
    return f'{seconds * 1e6:.1f}'


# --- database ----------------------------------------------------------

def activate(env, tmp):
    passfile = Path(tmp, 'admin-password')
    passfile.write_text(PASSWORD)
    result = subprocess.run([
            VENV_PYTHON.parent / 'trytond-admin', '-c', CONFIG, '-d', DB,
            '--email', 'admin@example.com', '-u', 'edaftar_base',
            '--activate-dependencies'],
        env={**env, 'TRYTONPASSFILE': str(passfile)},
        capture_output=True, text=True)
    if result.returncode:
        sys.exit(f'trytond-admin failed:\n{result.stderr}')


# --- data set ----------------------------------------------------------

DESIGNATIONS = {
    # key: (name, grade)
    'cm': ("Chief Minister", 22),
    'cs': ("Chief Secretary", 22),
    'secretary': ("Secretary", 20),
    'commissioner': ("Commissioner", 20),
    'additional_secretary': ("Additional Secretary", 19),
    'deputy_commissioner': ("Deputy Commissioner", 19),
    'section_officer': ("Section Officer", 17),
    'pa': ("PA/PS", 16),
    'officer': ("Assistant", 14),
    'dak_clerk': ("Dak Clerk", 11),
    }


class Unit:
    __slots__ = ('id', 'parent', 'kind', 'code', 'name', 'head')

    def __init__(self, id, parent, kind, code, name):
        self.id, self.parent, self.kind = id, parent, kind
        self.code, self.name, self.head = code, name, None


class Post:
    "A staff user: the employee's posting, role group and designation"
    __slots__ = ('unit', 'role', 'designation', 'heads', 'principal', 'id')

    def __init__(self, unit, role, designation, heads=False, principal=None):
        self.unit, self.role, self.designation = unit, role, designation
        self.heads, self.principal, self.id = heads, principal, None


def province(scale, n_users):
    """Return the units (parents first) and the posts (most senior first,
    cut at n_users) of a province; scale 1.0 gives 60 departments of 10
    wings of 5 or 6 sections, 8 divisions and 35 districts."""
    units = []

    def unit(kind, code, name, parent=None):
        units.append(Unit(len(units) + 1, parent, kind, code, name))
        return units[-1]

    n_departments = max(1, round(60 * scale))
    n_divisions = max(1, round(8 * scale))
    n_districts = max(1, round(35 * scale))
    gov = unit('government', 'GOV', "Government of the Province")
    offices = [
        unit('executive', 'CMO', "Chief Minister's Office", gov),
        unit('executive', 'CSO', "Chief Secretary's Office", gov),
        ]
    sections = [unit('section', f'S{i}', f"{o.name} Section {i}", o)
        for o in offices for i in (1, 2)]
    departments, wings, first_sections = [], [], []
    for d in range(1, n_departments + 1):
        dept = unit('department', f'D{d:02}', f"Department {d}", gov)
        departments.append(dept)
        for w in range(1, 11):
            wing = unit('wing', f'W{w}', f"Wing {d}.{w}", dept)
            wings.append(wing)
            for s in range(1, 6 + w % 2):
                sections.append(unit(
                        'section', f'S{s}', f"Section {d}.{w}.{s}", wing))
                if w == s == 1:
                    first_sections.append(sections[-1])
    divisions = [unit('division', f'V{v}', f"Division {v}", gov)
        for v in range(1, n_divisions + 1)]
    districts = [unit('district', f'T{t}', f"District {t}",
            divisions[t % n_divisions]) for t in range(1, n_districts + 1)]

    posts = [
        Post(offices[0], 'group_chief_minister', 'cm', heads=True),
        Post(offices[1], 'group_chief_secretary', 'cs', heads=True)]
    posts += [Post(u, 'group_department_head', 'secretary', heads=True)
        for u in departments]
    posts += [Post(u, 'group_department_head', 'commissioner', heads=True)
        for u in divisions]
    posts += [Post(u, 'group_wing_head', 'additional_secretary', heads=True)
        for u in wings]
    posts += [Post(u, 'group_wing_head', 'deputy_commissioner', heads=True)
        for u in districts]
    posts += [Post(u, 'group_section_officer', 'section_officer', heads=True)
        for u in sections]
    # A PA/PS for the CM, the CS and every department or division head.
    posts += [Post(p.unit, 'group_pa', 'pa', principal=p) for p in posts
        if p.role in {'group_chief_minister', 'group_chief_secretary',
            'group_department_head'}]
    posts += [Post(u, 'group_registrar', 'dak_clerk')
        for u in first_sections]
    desks = sections + districts
    posts += [Post(desks[i % len(desks)], 'group_officer', 'officer')
        for i in range(max(0, n_users - len(posts)))]
    return units, posts[:n_users]


def load(dsn, units, posts):
    """Insert the data set with COPY, as Tryton would have stored it.
    Return {role: [user ids]} and {user id: login}."""
    now = dt.datetime.now()
    audit = (0, now)  # create_uid, create_date
    with psycopg.connect(conninfo(dsn, DB)) as conn, conn.cursor() as cur:
        cur.execute("SELECT db_id, fs_id FROM ir_model_data "
            "WHERE module = 'edaftar_base' AND model = 'res.group'")
        groups = {fs_id: db_id for db_id, fs_id in cur}
        cur.execute("SELECT menu FROM res_user WHERE login = 'admin'")
        menu, = cur.fetchone()

        # The company: its currency and party.
        currency = next_id(cur, 'currency_currency')
        cur.execute('INSERT INTO currency_currency (id, name, code, symbol, '
            'digits, rounding, active, create_uid, create_date) '
            "VALUES (%s, 'Pakistani Rupee', 'PKR', 'Rs', 2, 0.01, true, "
            '%s, %s)', (currency, *audit))
        party = next_id(cur, 'party_party')
        company = next_id(cur, 'company_company')
        copy_rows(cur, 'party_party',
            ['id', 'code', 'code_alnum', 'code_digit', 'name', 'active',
                'create_uid', 'create_date'],
            [(party + i, f'P{i:06}', f'P{i:06}', i,
                    "Government of the Province" if not i
                    else f"Employee {i}", True, *audit)
                for i in range(len(posts) + 1)])
        cur.execute('INSERT INTO company_company (id, party, currency, '
            "timezone, create_uid, create_date) "
            "VALUES (%s, %s, %s, 'Asia/Karachi', %s, %s)",
            (company, party, currency, *audit))

        designation = next_id(cur, 'edaftar_designation')
        designations = {}
        for key, (name, grade) in DESIGNATIONS.items():
            designations[key] = designation + len(designations)
        copy_rows(cur, 'edaftar_designation',
            ['id', 'name', 'code', 'grade', 'active', 'create_uid',
                'create_date'],
            [(designations[k], name, k, grade, True, *audit)
                for k, (name, grade) in DESIGNATIONS.items()])

        unit_base = next_id(cur, 'edaftar_org_unit') - 1
        copy_rows(cur, 'edaftar_org_unit',
            ['id', 'parent', 'kind', 'code', 'name', 'active', 'create_uid',
                'create_date'],
            [(unit_base + u.id, u.parent and unit_base + u.parent.id,
                    u.kind, u.code, u.name, True, *audit) for u in units])

        user_base = next_id(cur, 'res_user')
        employee_base = next_id(cur, 'company_employee')
        for i, post in enumerate(posts):
            post.id = i
        copy_rows(cur, 'res_user',
            ['id', 'login', 'name', 'active', 'menu', 'company',
                'company_filter', 'create_uid', 'create_date'],
            [(user_base + p.id, f'user{p.id:05}', f"Employee {p.id + 1}",
                    True, menu, company, 'one', *audit) for p in posts])
        copy_rows(cur, 'company_employee',
            ['id', 'party', 'company', 'user', 'edaftar_unit', 'designation',
                'principal', 'start_date', 'create_uid', 'create_date'],
            [(employee_base + p.id, party + 1 + p.id, company,
                    user_base + p.id, unit_base + p.unit.id,
                    designations[p.designation],
                    p.principal and employee_base + p.principal.id,
                    dt.date(2020, 1, 1), *audit) for p in posts])
        # What employee.Employee._link_users keeps for each user.
        cur.execute('UPDATE res_user u SET employee = e.id '
            'FROM company_employee e WHERE e."user" = u.id')
        copy_rows(cur, 'res_user-company_employee',
            ['user', 'employee', 'create_uid', 'create_date'],
            [(user_base + p.id, employee_base + p.id, *audit)
                for p in posts])
        copy_rows(cur, 'res_user-company_company',
            ['user', 'company', 'create_uid', 'create_date'],
            [(user_base + p.id, company, *audit) for p in posts])
        copy_rows(cur, 'res_user-res_group',
            ['user', 'group', 'create_uid', 'create_date'],
            [(user_base + p.id, groups[p.role], *audit) for p in posts])
        cur.execute('CREATE TEMP TABLE bench_head (unit int, head int)')
        copy_rows(cur, 'bench_head', ['unit', 'head'],
            [(unit_base + p.unit.id, employee_base + p.id)
                for p in posts if p.heads])
        cur.execute('UPDATE edaftar_org_unit u SET head = h.head '
            'FROM bench_head h WHERE h.unit = u.id')

        # Tryton takes ids from <table>_id_seq.
        for name in ['currency_currency', 'party_party', 'company_company',
                'edaftar_designation', 'edaftar_org_unit', 'res_user',
                'company_employee', 'res_user-company_employee',
                'res_user-company_company', 'res_user-res_group']:
            cur.execute(f'SELECT setval(\'"{name}_id_seq"\', '
                f'(SELECT MAX(id) FROM "{name}"))')
    with psycopg.connect(conninfo(dsn, DB), autocommit=True) as conn:
        conn.execute('VACUUM ANALYZE')
    users, logins = defaultdict(list), {}
    for post in posts:
        users[post.role].append(user_base + post.id)
        logins[user_base + post.id] = f'user{post.id:05}'
    return users, logins


# --- in-process measures -----------------------------------------------

def measure_scopes(pool, users):
    "Build every user's scope three ways; print the figures"
    from trytond.transaction import Transaction
    User = pool.get('res.user')
    role_of = {u: role for role, ids in users.items() for u in ids}
    all_users = sorted(role_of)
    rows, sizes, compute = [], {}, {}

    with Transaction().start(DB, 0, readonly=True) as transaction:
        start = time.perf_counter()
        for user_id in all_users:
            compute[user_id], scope = timed(
                User._compute_edaftar_scope, user_id)
            sizes[user_id] = len(scope['units'])
        rows.append(["_compute_edaftar_scope(user_id), one transaction",
                time.perf_counter() - start, list(compute.values())])
        transaction.rollback()

    def get_scope(user_id):
        with Transaction().set_user(user_id):
            return User.get_edaftar_scope()

    for label in ["cold", "warm"]:
        with Transaction().start(DB, 0, readonly=True) as transaction:
            start = time.perf_counter()
            times = [timed(get_scope, u)[0] for u in all_users]
            rows.append([f"get_edaftar_scope() via set_user, cache {label}",
                    time.perf_counter() - start, times])
            transaction.rollback()

    table(f"Scope of {len(all_users):,} users", [
            "how", "total s", "mean ms", "p50 ms", "p95 ms", "max ms"],
        [[label, f'{total:.2f}', ms(statistics.mean(times)),
                ms(pct(times, 50)), ms(pct(times, 95)), ms(max(times))]
            for label, total, times in rows])
    by_role = []
    for role, ids in sorted(users.items(), key=lambda i: -max(
                sizes[u] for u in i[1])):
        by_role.append([role.removeprefix('group_'), f'{len(ids):,}',
                f'{statistics.mean(sizes[u] for u in ids):.0f}',
                max(sizes[u] for u in ids),
                ms(statistics.mean(compute[u] for u in ids)),
                ms(pct([compute[u] for u in ids], 95))])
    table("Scope by role (size in units; compute time as in the first row)",
        ["role", "users", "mean size", "max size", "mean ms", "p95 ms"],
        by_role)
    return sizes


@contextmanager
def extension_bypassed(pool):
    """Make ir.rule behave as if edaftar_base did not extend
    _get_cache_key and _get_context."""
    from trytond.modules.edaftar_base import ir
    Rule = pool.get('ir.rule')
    Rule._get_cache_key = classmethod(
        lambda cls, names: super(ir.Rule, cls)._get_cache_key(names))
    Rule._get_context = classmethod(
        lambda cls, name: super(ir.Rule, cls)._get_context(name))
    try:
        yield
    finally:
        del Rule._get_cache_key, Rule._get_context


def measure_rule_context(pool, users, sizes, repeat):
    """Time ir.rule's _get_cache_key + _get_context and domain_get,
    with and without the scope, warm and cold."""
    from trytond.transaction import Transaction, check_access
    Rule = pool.get('ir.rule')
    User = pool.get('res.user')
    model = 'ir.ui.menu'  # a model with record rules in every database
    names = {model}
    head = users['group_department_head'][0]
    widest = max(sizes, key=sizes.get)
    sample = sorted(sizes)[::max(1, len(sizes) // repeat)][:repeat]

    def context():
        Rule._get_cache_key(names)
        Rule._get_context(model)

    def run(func, user_ids, before=None):
        times = []
        for user_id in user_ids:
            with Transaction().set_user(user_id):
                if before:
                    before()
                times.append(timed(func)[0])
        return times

    def domain_get():
        Rule.domain_get(model)

    def clear_caches():
        User._edaftar_scope_cache.clear()
        Rule._domain_get_cache.clear()

    cases = [  # label, function, users, before each call
        (f"key + context, warm: department head ({sizes[head]} units)",
            context, [head] * repeat, None),
        (f"key + context, warm: widest scope ({sizes[widest]} units)",
            context, [widest] * repeat, None),
        (f"key + context, scope cache cold: {len(sample)} users",
            context, sample, User._edaftar_scope_cache.clear),
        (f"domain_get('{model}'), warm: department head",
            domain_get, [head] * repeat, None),
        (f"domain_get('{model}'), rule+scope caches cold: "
            f"{len(sample)} users", domain_get, sample, clear_caches),
        ]
    rows = []
    with Transaction().start(DB, 0, readonly=True) as transaction, \
            check_access():
        for label, func, user_ids, before in cases:
            run(func, user_ids[:20], before)  # warm the code paths
            with_scope = run(func, user_ids, before)
            with extension_bypassed(pool):
                run(func, user_ids[:20], before)
                without = run(func, user_ids, before)
            rows.append([label,
                    us(pct(with_scope, 50)), us(pct(with_scope, 95)),
                    us(pct(without, 50)), us(pct(without, 95)),
                    us(pct(with_scope, 50) - pct(without, 50))])
        transaction.rollback()
    table("ir.rule context, in-process (µs; 'bypassed' = without the "
        "edaftar_base extension of ir.rule)\nNo edaftar_base model has a "
        "rule using the scope yet: ir.ui.menu (global rules on groups) "
        "stands in;\n_get_cache_key runs on every read/search of any model, "
        "_get_context only on a rule cache miss.",
        ["measure", "p50", "p95", "bypassed p50", "bypassed p95",
            "added p50"], rows)


def new_sessions(pool, user_ids):
    """Return {user id: (login, session key)} for sessions opened without
    a password (as common.db.login would from 127.0.0.1)."""
    from trytond.transaction import Transaction
    sessions = {}
    with Transaction().start(DB, 0) as transaction:
        User = pool.get('res.user')
        Session = pool.get('ir.session')
        for user in User.browse(user_ids):
            with transaction.set_user(user.id):
                sessions[user.id] = (
                    user.login, Session.new({'ip_address': LOCALHOST}))
        transaction.commit()
    return sessions


# --- JSON-RPC ----------------------------------------------------------

class Server:
    "A trytond server in a subprocess, optionally with the bypass"

    def __init__(self, env, tmp, bypass):
        self.port = free_port()
        listen = Path(tmp, f'listen-{self.port}.conf')
        listen.write_text(f'[web]\nlisten = {LOCALHOST}:{self.port}\n')
        logconf = Path(tmp, 'logging.conf')
        logconf.write_text(LOGGING)
        self.log = Path(tmp, f'server-{self.port}.log')
        with open(self.log, 'w') as log:
            self.process = subprocess.Popen(
                [VENV_PYTHON, '-c', SERVE, '-c', CONFIG, listen, '-d', DB,
                    '--logconf', logconf],
                env={**env,
                    **({'EDAFTAR_BENCH_BYPASS': '1'} if bypass else {})},
                stdout=subprocess.DEVNULL, stderr=log)
        self.connection = None

    def wait(self, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f'trytond on port {self.port} exited:\n'
                    + self.log.read_text()[-3000:])
            try:
                self.call('common.server.version', [], path='/rpc/')
                return
            except OSError:
                self.connection = None
                time.sleep(0.2)
        sys.exit(f'trytond on port {self.port} did not start')

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)

    def call(self, method, params, session=None, path=f'/{DB}/rpc/'):
        "Send a JSON-RPC request on a kept-alive connection"
        # As browsers do: trytond streams bigger answers uncompressed in
        # tiny chunks otherwise, which TCP delays (Nagle, delayed ACK).
        headers = {
            'Content-Type': 'application/json', 'Accept-Encoding': 'gzip'}
        if session:
            token = base64.b64encode(':'.join(map(str, session)).encode())
            headers['Authorization'] = f'Session {token.decode()}'
        body = json.dumps({'id': 0, 'method': method, 'params': params})
        for attempt in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    LOCALHOST, self.port, timeout=60)
            try:
                self.connection.request('POST', path, body, headers)
                response = self.connection.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                self.connection.close()
                self.connection = None
                if attempt:
                    raise
        if response.status != 200:
            raise RuntimeError(f'{method}: HTTP {response.status} {data!r}')
        if response.getheader('Content-Encoding') == 'gzip':
            data = gzip.decompress(data)
        data = json.loads(data)
        if data.get('error'):
            raise RuntimeError(f'{method}: {data["error"]}')
        return data['result']

    def login(self, login):
        user_id, key, _ = self.call(
            'common.db.login', [login, {'password': PASSWORD}, 'en'])
        return (login, user_id, key)


def measure_rpc(servers, head, cold_sessions, calls):
    """Time JSON-RPC calls alternately on the servers (as shipped and
    bypassed), so both see the same machine load."""
    requests = {
        "(a) res.user.search_read, own record (bare RPC floor)":
            lambda s: ('model.res.user.search_read',
                [[('id', '=', s[1])], 0, 1, None, ['name'], {}], s),
        "(b) res.notification.search_read (has record rules)":
            lambda s: ('model.res.notification.search_read',
                [[], 0, 10, None, ['id'], {}], s),
        "(c) edaftar.org.unit.search_read, all departments":
            lambda s: ('model.edaftar.org.unit.search_read',
                [[('kind', '=', 'department')], 0, 100, None,
                    ['name', 'code', 'head'], {}], s),
        }

    def row(label, times):
        with_scope, without = times
        return [label, ms(pct(with_scope, 50)), ms(pct(with_scope, 95)),
            ms(pct(without, 50)), ms(pct(without, 95)),
            ms(pct(with_scope, 50) - pct(without, 50))]

    def run(request, sessions_list, warmup=0):
        times = [[] for _ in servers]
        for i, sessions in enumerate(sessions_list):
            for server, session, times_ in zip(servers, sessions, times):
                duration, _ = timed(server.call, *request(session))
                if i >= warmup:
                    times_.append(duration)
        return times

    sessions = [server.login(head) for server in servers]
    rows = [row(f"{label}, warm, as {head} (department head)",
            run(request, [sessions] * (calls + 20), warmup=20))
        for label, request in requests.items()]
    # Sessions opened in the database are valid on both servers.
    cold = [[(login, user_id, key)] * len(servers)
        for user_id, (login, key) in cold_sessions.items()]
    rows.append(row(f"(a) first call of each of {len(cold)} users "
            "(scope, groups, rule caches cold)",
            run(next(iter(requests.values())), cold)))
    table("JSON-RPC against trytond (werkzeug threaded server, one process "
        f"each), {calls} calls per warm row (ms)",
        ["call", "p50", "p95", "bypassed p50", "bypassed p95", "added p50"],
        rows)


# --- main --------------------------------------------------------------

def main():
    args = parse_args()
    dsn = os.environ.get(
        'EDAFTAR_BENCH_DSN', f'postgresql://{LOCALHOST}:5432/')
    tmp = tempfile.mkdtemp(prefix='edaftar-bench-')
    env = {**os.environ,
        'TRYTOND_CONFIG': str(CONFIG),
        'TRYTOND_DATABASE__URI': dsn,
        'TRYTOND_DATABASE__PATH': tmp,
        }
    # trytond reads its configuration when first imported.
    os.environ.update(env)

    units, posts = province(args.units, args.users)
    print(f"e-Daftar scope benchmark: {len(units):,} units, "
        f"{len(posts):,} users, PostgreSQL {dsn}", file=sys.stderr)
    print("Load average at start: %.1f %.1f %.1f (%d CPUs)" % (
            *os.getloadavg(), os.cpu_count()))
    servers = []
    try:
        with step(f"creating {DB} and activating edaftar_base"):
            create_database(dsn, DB)
            activate(env, tmp)
        start = time.perf_counter()
        with step("loading the data set with COPY"):
            users, logins = load(dsn, units, posts)
        load_time = time.perf_counter() - start

        from trytond.pool import Pool
        pool = Pool(DB)
        with step("starting the pool (empty caches)"):
            pool.init()
            settle_caches(DB)
        head = users['group_department_head'][0]
        sizes = measure_scopes(pool, users)
        measure_rule_context(pool, users, sizes, args.repeat)

        with step("starting two trytond servers"):
            set_passwords(pool, DB, [head], PASSWORD)
            cold = sorted(sizes)[1::max(1, len(sizes) // args.calls)]
            cold_sessions = new_sessions(pool, cold[:args.calls])
            servers = [Server(env, tmp, bypass) for bypass in (False, True)]
            for server in servers:
                server.wait()
        measure_rpc(servers, logins[head], cold_sessions, args.calls)
        print(f"\nData set loaded with COPY in {load_time:.1f} s: "
            f"{len(units):,} units, {len(posts):,} users/employees/parties.")
        print("Load average at end: %.1f %.1f %.1f" % os.getloadavg())
    finally:
        for server in servers:
            server.stop()
        if args.keep:
            print(f"Database {DB} kept (filestore {tmp}).", file=sys.stderr)
        else:
            if 'trytond.pool' in sys.modules:
                # Stop this process' cache listener and connections first.
                from trytond import backend
                from trytond.cache import Cache
                Cache.drop(DB)
                backend.Database(DB).close()
            drop_database(dsn, DB)
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    main()
