#!/usr/bin/env python3
"""Benchmark of the citizen portal (edaftar_portal) on PostgreSQL at
DESIGN.md §5 scale, beside the Dak data set.

Works in the database edaftar_bench_portal (dropped first if it exists):
a copy of the Dak database edaftar_bench_dak kept by `scripts/bench dak
--keep` when there is one of the same --scale and nobody is connected to
it (that one is left as it was), else a Dak data set built as
scripts/bench_dak.py builds it. Activates edaftar_portal there and loads
with COPY (not the ORM): 5 categories in each department (Open311
services, some received by the head, some by a section officer as focal
person), 3 Open311 API keys, the portal accounts of the citizens who apply
through the portal, and 500,000 applications and complaints submitted over
two years (more of them lately), each with its receipt (mode portal,
numbered in its department's register, registered into the focal
person's hands), the receipt's movements (mark, escalate past the
response time, close, reopen on an appeal) and participants: new, in
progress and done as the receipts moved, ratings on some of those done,
places around Quetta and the district towns, numbers BCP-<year>-<7
digits> from the module's sequence (which continues after them); then
ANALYZE, and measures over HTTP against gunicorn (2 worker processes,
threaded as docker-compose.yml serves; the portal's rate limits raised,
e-mail sent to an SMTP sink in this process):
  - the public tracking page by number (GET /<db>/portal/track?number=):
    p50/p95 from one client, then requests/s from several client threads
    (keep-alive), beside the raw SQL floor (the SELECT by number), the
    bare RPC floor (res.user.search_read over JSON-RPC, same server) and
    a bare route's (Open311 discovery.json: no transaction, no SQL);
  - Open311 GET requests.json over a 90-day window (and with status=open,
    and with a service_code): p50/p95 beside the raw SQL of the same
    answer;
  - Open311 POST requests.json with an API key (form-encoded, and
    multipart with a small PNG as media) from client threads: submissions
    per second, errors, the e-mails the sink received, beside a raw SQL
    floor (a receipt and an application inserted, one commit each);
  - the SQL each route runs (traced in-process through the WSGI app),
    with EXPLAIN ANALYZE plans of the slow statements.
The database is dropped at the end unless --keep.

    scripts/bench portal                    # full scale
    scripts/bench portal --quick            # scale 0.02, 5,000 applications
    scripts/bench portal --keep             # then --reuse: no reload
    scripts/bench portal --fresh            # build the Dak set, no copy
    scripts/bench portal --pg-tuned         # jit off, custom plans only
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
import datetime as dt  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import random  # noqa: E402
import secrets  # noqa: E402
import shutil  # noqa: E402
import struct  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import urllib.parse  # noqa: E402
import uuid  # noqa: E402
import zlib  # noqa: E402

import psycopg  # noqa: E402

import bench_dak as dak  # noqa: E402
import bench_directive as directive  # noqa: E402
from bench_dak import Measure, RPCError, Server, User, ms  # noqa: E402
from benchlib import (  # noqa: E402
    LOCALHOST, conninfo, copy_rows, drop_database, explain_statements,
    free_port, next_id, pct, settle_caches, step, table, timed)

DB = 'edaftar_bench_portal'
DAK_DB = directive.DAK_DB
# bench_directive named the Dak's database after its own when imported.
dak.use_database(DB)
BIN = VENV_PYTHON.parent
MODULES = ('edaftar_dak', 'edaftar_portal')
PG_TUNED = directive.PG_TUNED
# DESIGN.md §5: ms (p95), requests/s, submissions/s.
TARGETS = {'track': 20, 'track_rate': 300, 'open311_get': 150, 'submit': 50}
# The portal's rate limits (ratelimit.py, per process and client address)
# raised for the benchmark: every request comes from 127.0.0.1.
RATE_KINDS = ['signup', 'login', 'reset', 'track', 'apply', 'reply',
    'open311_post', 'open311_get']
BENCH_RATE = '1000000/60'
# The paths of the routes (routes.py, open311.py).
TRACK = f'/{DB}/portal/track'
REQUESTS = f'/{DB}/open311/v2/requests.json'
DISCOVERY = f'/{DB}/open311/v2/discovery.json'
USER_AGENT = 'edaftar-bench/1.0'


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--scale', type=float, default=1.0,
        help="1.0 = the Dak's 60 departments, 10,000 users, 1,000,000 "
        "receipts and 500,000 applications (default: %(default)s)")
    parser.add_argument('--applications', type=int, default=None,
        help="applications to load (default: 500,000 x --scale)")
    parser.add_argument('--quick', action='store_true',
        help="--scale 0.02, 5,000 applications, 50 calls, 5 s per rate")
    parser.add_argument('--calls', type=int, default=300,
        help="requests per latency measure (default: %(default)s)")
    parser.add_argument('--max-seconds', type=float, default=30,
        help="stop a latency measure after this time (default: "
        "%(default)s)")
    parser.add_argument('--clients', type=int, default=8,
        help="client threads for the tracking page's rate (default: "
        "%(default)s)")
    parser.add_argument('--threads', type=int, default=4,
        help="client threads for the submissions (default: %(default)s)")
    parser.add_argument('--rate-seconds', type=float, default=15,
        help="duration of each rate measure (default: %(default)s)")
    parser.add_argument('--worker-threads', type=int, default=16,
        help="threads in each of the 2 gunicorn worker processes, as "
        "docker-compose.yml serves (gthread); 0: sync workers "
        "(default: %(default)s)")
    parser.add_argument('--keep', action='store_true',
        help=f"keep the database {DB} at the end")
    parser.add_argument('--reuse', action='store_true',
        help=f"measure again a database {DB} kept by --keep (same --scale)"
        ", without creating and loading it")
    parser.add_argument('--fresh', action='store_true',
        help=f"build the Dak data set even if {DAK_DB} could be copied")
    parser.add_argument('--pg-tuned', action='store_true',
        help=f"measure with jit = off and plan_cache_mode = "
        f"force_custom_plan in {DB} (ALTER DATABASE): no JIT compilation "
        "of the plans PostgreSQL costs high, no generic plans for the "
        "statements psycopg prepares after 5 runs on a connection")
    parser.add_argument('--seed', type=int, default=20251206)
    args = parser.parse_args()
    if args.quick:
        args.scale, args.calls, args.rate_seconds = 0.02, 50, 5
        if args.applications is None:
            args.applications = 5_000
    if args.applications is None:
        args.applications = max(1_000, round(500_000 * args.scale))
    return args


# --- the portal's data set ---------------------------------------------------

# Services offered in each department (5 of them, in turn): code, name,
# kind, response time (days), Open311 group.
SERVICES = [
    ('WATER', "Water supply", 'complaint', 7, "Water and sanitation"),
    ('DOMICILE', "Domicile certificate", 'application', 15,
        "Certificates"),
    ('GARBAGE', "Garbage collection", 'complaint', 5, "Municipal services"),
    ('ROAD', "Roads and streets", 'complaint', 21, "Works"),
    ('PENSION', "Pension case", 'application', 30, "Services"),
    ('SEWER', "Drainage and sewerage", 'complaint', 7,
        "Water and sanitation"),
    ('LIGHT', "Street lights", 'complaint', 10, "Municipal services"),
    ('SCHOOL', "School and teachers", 'complaint', 14, "Education"),
    ('HEALTH', "Health facility", 'complaint', 10, "Health"),
    ('SCHOLAR', "Scholarship", 'application', 30, "Education"),
    ]
SERVICES_PER_DEPARTMENT = 5
# How often each of a department's services is used.
SERVICE_WEIGHTS = [40, 25, 15, 12, 8]
DESCRIPTIONS = {
    'WATER': "No water in our street for {n} days; the supply line near "
    "{area} is broken.",
    'DOMICILE': "Request for a domicile certificate for my son, resident "
    "of {area} since {year}.",
    'GARBAGE': "Garbage has not been collected in {area} for {n} days; it "
    "is burnt in the street.",
    'ROAD': "The road from {area} to the main bazaar has potholes; {n} "
    "accidents this month.",
    'PENSION': "My pension case is pending for {n} months; retired in "
    "{year} from the district office.",
    'SEWER': "The sewerage line in {area} is blocked and overflowing "
    "since {n} days.",
    'LIGHT': "{n} street lights are off on the main road of {area}.",
    'SCHOOL': "The teachers of the girls' school in {area} are absent "
    "for {n} days.",
    'HEALTH': "No doctor at the basic health unit of {area}; medicines "
    "out of stock for {n} weeks.",
    'SCHOLAR': "Application for the scholarship of {year}; my result "
    "card is attached.",
    }
FEEDBACK = ["Thank you, the work is done.", "Solved quickly.",
    "Took too long but done.", "Nothing was done on the ground.",
    "The officer did not visit.", "Very good service."]
# Towns of the province (latitude, longitude, weight): half the cases in
# Quetta.
TOWNS = [('Quetta', 30.1798, 66.9750, 50), ('Turbat', 26.0031, 63.0544, 6),
    ('Khuzdar', 27.8119, 66.6108, 6), ('Hub', 25.0490, 66.8960, 6),
    ('Gwadar', 25.1264, 62.3225, 5), ('Chaman', 30.9210, 66.4597, 5),
    ('Sibi', 29.5430, 67.8773, 5), ('Zhob', 31.3414, 69.4494, 4),
    ('Loralai', 30.3705, 68.5980, 4), ('Dera Murad Jamali', 28.5467,
        68.2231, 4), ('Mastung', 29.7997, 66.8455, 3),
    ('Nushki', 29.5518, 66.0212, 2)]
AREAS = ['Satellite Town', 'Jinnah Town', 'Samungli Road', 'Brewery Road',
    'Sariab Road', 'Airport Road', 'Model Town', 'Killi Ismail',
    'Hazara Town', 'Pashtunabad', 'Main Bazaar', 'Civil Lines']
API_KEYS = [("Balochistan Citizen App (PITB)", 70),
    ("1122 Helpline integration", 20), ("Municipal Corporation Quetta", 10)]
# Who applies: through a portal account, or through an Open311 client.
PORTAL_SHARE = 0.65
ACCOUNTS_PER_APPLICATION = 0.3
RATINGS = (['1', '2', '3', '4', '5'], [8, 7, 15, 30, 40])
APP_TABLES = ['edaftar_portal_application', 'edaftar_portal_category',
    'edaftar_portal_api_key', 'web_user']
DAYS = 730


def person(rng, i):
    "A citizen: name, CNIC (Balochistan), mobile, e-mail, language"
    first = dak.FIRST[rng.randrange(20)]
    last = dak.LAST[rng.randrange(20)]
    return (f'{first} {last}',
        f'5{rng.randrange(1000, 10000)}-{rng.randrange(10 ** 7):07d}-'
        f'{rng.randrange(1, 10)}',
        f'+923{rng.randrange(10 ** 9):09d}',
        f'{first}.{last}.{i}@mail.example.pk'.lower(),
        'ur' if rng.random() < 0.12 else 'en')


class Hierarchy:
    "Who is above and below whom in each department of the Dak's province"

    def __init__(self, province, bases):
        self.unit = {i: bases['unit'] + u
            for i, (u, _) in enumerate(province.employees)}
        self.user = {i: bases['user'] + i
            for i in range(len(province.employees))}
        self.above, self.below, self.head = {}, {}, {}
        for info in province.departments:
            head = info['head']
            self.head[head] = head
            self.below[head] = []
            for _, wh, sections in info['wings']:
                self.above[wh] = head
                self.head[wh] = head
                self.below[head].append(wh)
                self.below[wh] = []
                for _, so, officers in sections:
                    self.above[so] = wh
                    self.head[so] = head
                    self.below[wh].append(so)
                    self.below[so] = list(officers)
                    for o in officers:
                        self.above[o] = so
                        self.head[o] = head


def load_portal_base(conn, province, bases, n_applications, rng):
    """Categories, API keys and portal accounts with COPY; return the
    categories [(id, code, name, kind, sla, department index, receiver
    employee index)], the keys [(id, key)] and the accounts [(id,
    person)]"""
    cur = conn.cursor()
    now = dt.datetime.now()
    audit = (0, now)
    categories = []
    category0 = next_id(cur, 'edaftar_portal_category')
    for d, info in enumerate(province.departments):
        for k in range(SERVICES_PER_DEPARTMENT):
            code, name, kind, sla, group = SERVICES[
                (d * 3 + k) % len(SERVICES)]
            # The first two go to the head; the others to a section
            # officer of a wing as focal person.
            receiver = (None if k < 2 else
                info['wings'][k - 2][2][0][1])
            categories.append((category0 + len(categories),
                    f"{info['code']}-{code}", f"{name} ({info['code']})",
                    kind, sla, d, receiver, group))
    copy_rows(cur, 'edaftar_portal_category',
        ['id', 'code', 'name', 'kind', 'description', 'group',
            'department', 'receiver', 'sla_days', 'active', 'create_uid',
            'create_date'],
        [(c, code, name, kind, f"{name}: applications and complaints "
                "to the department.", group,
                bases['unit'] + province.departments[d]['unit'],
                None if r is None else bases['employee'] + r, sla, True,
                *audit)
            for c, code, name, kind, sla, d, r, group in categories])
    key0 = next_id(cur, 'edaftar_portal_api_key')
    keys = [(key0 + i, secrets.token_urlsafe(32))
        for i in range(len(API_KEYS))]
    copy_rows(cur, 'edaftar_portal_api_key',
        ['id', 'name', 'key', 'active', 'create_uid', 'create_date'],
        [(k, name, key, True, *audit)
            for (k, key), (name, _) in zip(keys, API_KEYS)])
    account0 = next_id(cur, 'web_user')
    accounts = [(account0 + i, person(rng, i))
        for i in range(max(10, round(n_applications
                        * ACCOUNTS_PER_APPLICATION)))]
    copy_rows(cur, 'web_user',
        ['id', 'email', 'email_valid', 'active', 'edaftar_name',
            'edaftar_cnic', 'edaftar_phone', 'edaftar_language',
            'create_uid', 'create_date'],
        [(a, p[3], True, True, p[0], p[1], p[2], p[4], *audit)
            for a, p in accounts])
    dak.set_sequences(cur, ['edaftar_portal_category',
            'edaftar_portal_api_key', 'web_user'])
    return [c[:7] for c in categories], keys, accounts


def receipt_registers(conn, province, bases, years):
    """{(department index, year): [sequence id, prefix, padding, next]} of
    the departments' receipt registers, made for the years without one"""
    cur = conn.cursor()
    units = {bases['unit'] + info['unit']: d
        for d, info in enumerate(province.departments)}
    registers = {}
    for unit, year, sequence, prefix, padding, next_ in cur.execute(
            'SELECT ds.department, ds.year, s.id, s.prefix, s.padding, '
            's.number_next_internal FROM edaftar_document_sequence ds JOIN '
            'ir_sequence_strict s ON s.id = ds.sequence WHERE ds.kind = '
            "'receipt'").fetchall():
        if unit in units:
            registers[units[unit], year] = [sequence, prefix, padding, next_]
    missing = [(d, y) for d in range(len(province.departments))
        for y in years if (d, y) not in registers]
    if missing:
        sequence_type, = cur.execute("SELECT db_id FROM ir_model_data "
            "WHERE module = 'edaftar_dak' AND fs_id = "
            "'sequence_type_receipt'").fetchone()
        now = dt.datetime.now()
        sequence0 = next_id(cur, 'ir_sequence_strict')
        rows, links = [], []
        for i, (d, year) in enumerate(missing):
            code = province.departments[d]['code']
            rows.append((sequence0 + i, f'{code} receipt {year}',
                    sequence_type, f'{code}-{year}-', 6, 'incremental', 1,
                    1, 1.0, 946681200.0, 0, True, 0, now))
            links.append((bases['unit'] + province.departments[d]['unit'],
                    year, 'receipt', sequence0 + i, 0, now))
            registers[d, year] = [sequence0 + i, f'{code}-{year}-', 6, 1]
        copy_rows(cur, 'ir_sequence_strict',
            ['id', 'name', 'sequence_type', 'prefix', 'padding', 'type',
                'number_next_internal', 'number_increment',
                'timestamp_rounding', 'timestamp_offset', 'last_timestamp',
                'active', 'create_uid', 'create_date'], rows)
        copy_rows(cur, 'edaftar_document_sequence',
            ['department', 'year', 'kind', 'sequence', 'create_uid',
                'create_date'], links)
        dak.set_sequences(cur, ['ir_sequence_strict',
                'edaftar_document_sequence'])
    return registers


def state_weights(age):
    """(new, in progress) probabilities of a case age days old: most
    recent ones wait, a few old ones were never touched"""
    new = 0.12 + 0.85 * math.exp(-age / 40)
    in_progress = 0.15 + 0.20 * math.exp(-age / 90)
    return new, min(in_progress, 1 - new)


def line(values):
    return '\t'.join([r'\N' if v is None else str(v) for v in values]) + '\n'


APPLICATION_COLUMNS = ['id', 'number', 'web_user', 'api_key', 'name',
    'cnic', 'phone', 'email', 'language', 'category', 'kind', 'department',
    'description', 'latitude', 'longitude', 'address', 'receipt',
    'public_state', 'submitted_at', 'started_at', 'done_at',
    'expected_date', 'escalated', 'escalation_level', 'escalated_at',
    'rating', 'feedback', 'rated_at', 'reopened', 'appeal_rating',
    'appeal_feedback', 'token', 'create_uid', 'create_date']
RECEIPT_COLUMNS = ['id', 'number', 'department', 'received_date', 'mode',
    'sender_name', 'sender_address', 'letter_ref', 'subject', 'category',
    'priority', 'confidentiality', 'state', 'holder', 'holder_unit',
    'due_date', 'registered_at', 'disposal_remark', 'reopen_reason',
    'create_uid', 'create_date']
MOVEMENT_COLUMNS = ['id', 'document', 'receipt', 'action', 'purpose',
    'from_employee', 'from_unit', 'to_employee', 'to_unit', 'instructions',
    'sent_at', 'read_at', 'due_date', 'actor', 'create_uid', 'create_date']
PARTICIPANT_COLUMNS = ['id', 'receipt', 'employee', 'create_uid',
    'create_date']


def generate(dsn, province, bases, base, n_applications, seed):
    """Stream applications, receipts, movements and participants into four
    COPYs at once (one connection each); return the row counts and the
    last application number"""
    categories, keys, accounts = base
    rng = random.Random(seed)
    rand, randrange = rng.random, rng.randrange
    choices, gauss, expo = rng.choices, rng.gauss, rng.expovariate
    h = Hierarchy(province, bases)
    emp0 = bases['employee']
    today = dt.date.today()
    now = dt.datetime.now().replace(microsecond=0) - dt.timedelta(minutes=2)
    first_day = today - dt.timedelta(days=DAYS - 1)
    one_day = dt.timedelta(days=1)
    nd = len(province.departments)
    department_weights = [3] + [1] * (nd - 1)
    by_department = [[c for c in categories if c[5] == d]
        for d in range(nd)]
    towns = [(lat, lon, 0.04 if name == 'Quetta' else 0.015)
        for name, lat, lon, _ in TOWNS]
    town_weights = [w for *_, w in TOWNS]
    key_ids = [k for k, _ in keys]
    key_weights = [w for _, w in API_KEYS]
    with psycopg.connect(conninfo(dsn, DB)) as conn:
        registers = receipt_registers(conn, province, bases,
            sorted({(first_day + one_day * d).year for d in range(DAYS)}))
        conn.commit()
        app0 = next_id(conn.cursor(), 'edaftar_portal_application')
        receipt0 = next_id(conn.cursor(), 'edaftar_receipt')
        move0 = next_id(conn.cursor(), 'edaftar_movement')
        part0 = next_id(conn.cursor(), 'edaftar_receipt-company_employee')
        # The module's sequence numbers applications from 1 each run of
        # the portal's life: continue after what is there.
        counter0, = conn.execute("SELECT count(*) FROM "
            "edaftar_portal_application").fetchone()
    conns = [psycopg.connect(conninfo(dsn, DB)) for _ in range(4)]
    for conn in conns:
        conn.execute('SET session_replication_role = replica')
        conn.execute('SET synchronous_commit = off')

    def copy_sql(name, columns):
        names = ', '.join(f'"{c}"' for c in columns)
        return f'COPY "{name}" ({names}) FROM STDIN'

    def after(t, seconds_min, seconds_max):
        return t + dt.timedelta(seconds=randrange(seconds_min, seconds_max))

    counts = {'moves': 0, 'participants': 0}
    states = {}
    with conns[0].cursor().copy(copy_sql('edaftar_portal_application',
                APPLICATION_COLUMNS)) as c_app, \
            conns[1].cursor().copy(copy_sql('edaftar_receipt',
                RECEIPT_COLUMNS)) as c_receipt, \
            conns[2].cursor().copy(copy_sql('edaftar_movement',
                MOVEMENT_COLUMNS)) as c_move, \
            conns[3].cursor().copy(copy_sql(
                'edaftar_receipt-company_employee',
                PARTICIPANT_COLUMNS)) as c_part:
        b_app, b_receipt, b_move, b_part = [], [], [], []
        for i in range(n_applications):
            aid, rid = app0 + i, receipt0 + i
            # More cases lately: the density grows with time.
            day = first_day + one_day * min(DAYS - 1,
                int(DAYS * math.sqrt((i + 0.5) / n_applications)))
            submitted = min(now - dt.timedelta(minutes=30),
                dt.datetime.combine(day, dt.time(3))
                + dt.timedelta(seconds=randrange(14 * 3600)))
            day = submitted.date()
            age = (today - day).days
            d = choices(range(nd), department_weights)[0]
            cid, code, cname, kind, sla, _, receiver = choices(
                by_department[d], SERVICE_WEIGHTS)[0]
            service = code.split('-', 1)[1]
            receiver = province.departments[d]['head'] \
                if receiver is None else receiver
            if rand() < PORTAL_SHARE:
                account, who = accounts[randrange(len(accounts))]
                key = None
            else:
                account = None
                key = choices(key_ids, key_weights)[0]
                who = person(rng, f'o{i}')
            name, cnic, phone, email, language = who
            counter = counter0 + i + 1
            number = f'BCP-{day.year}-{counter:07d}'
            area = AREAS[randrange(len(AREAS))]
            description = DESCRIPTIONS[service].format(
                n=randrange(2, 20), area=area, year=randrange(1995, 2024))
            if kind == 'complaint' or rand() < 0.2:
                lat, lon, spread = choices(towns, town_weights)[0]
                latitude = f'{lat + gauss(0, spread):.6f}'
                longitude = f'{lon + gauss(0, spread):.6f}'
            else:
                latitude = longitude = None
            town = TOWNS[randrange(len(TOWNS))][0]
            address = (f'House {randrange(1, 400)}, Street '
                f'{randrange(1, 40)}, {area}, {town}'
                if rand() < 0.7 or latitude is None else None)
            expected = day + one_day * sla
            p_new, p_progress = state_weights(age)
            r = rand()
            state = ('new' if r < p_new else
                'in_progress' if r < p_new + p_progress else 'done')
            started = done = None
            if state != 'new':
                started = after(submitted, 600, 3 * 86400)
                if started >= now:
                    state, started = 'new', None
            if state == 'done':
                done = started + dt.timedelta(
                    days=expo(1 / (0.7 * sla)), hours=1)
                if done >= now:
                    state, done = 'in_progress', None
            # The events of the receipt, in time order: marks down from
            # the focal person, escalations past the response time, close,
            # reopen on an appeal.
            end = done or now
            events = []
            if started:
                events.append((started, 'mark'))
                if rand() < 0.5:
                    second = after(started, 3600, 3 * 86400)
                    if second < end:
                        events.append((second, 'mark'))
            grace = max(1, sla // 2)
            first_escalation = dt.datetime.combine(expected + one_day,
                dt.time(0, 5))
            second_escalation = first_escalation + grace * one_day
            level = 0
            for when, lvl in [(first_escalation, 1),
                    (second_escalation, 2)]:
                if when < end:
                    events.append((when, f'escalate{lvl}'))
                    level = lvl
            rating = feedback = rated_at = None
            appeal = None
            if state == 'done':
                events.append((done, 'close'))
                if rand() < 0.45:
                    rated_at = after(done, 3600, 3 * 86400)
                    if rated_at < now:
                        rating = choices(*RATINGS)[0]
                        feedback = (FEEDBACK[randrange(len(FEEDBACK))]
                            if rand() < 0.3 else None)
                        if rating in {'1', '2'} and rand() < 0.6:
                            appeal = rated_at + dt.timedelta(minutes=5)
                            events.append((appeal, 'reopen'))
                    else:
                        rated_at = None
            events.sort()
            holder = receiver
            participants = {receiver}
            moves = []
            escalated_at = None
            for when, event in events:
                purpose = 'action'
                if event == 'mark':
                    to = (h.below[holder][randrange(len(h.below[holder]))]
                        if h.below.get(holder) else h.above.get(holder))
                    action = 'mark'
                elif event == 'escalate1':
                    to, action = h.above.get(holder), 'escalate'
                    escalated_at = when
                elif event == 'escalate2':
                    to = h.head[holder]
                    to = None if to == holder else to
                    action = 'escalate'
                    escalated_at = when
                elif event == 'close':
                    to, action = holder, 'close'
                else:  # reopen, then escalate to the officer above
                    moves.append((when, 'reopen', holder, holder))
                    to, action = h.above.get(holder), 'escalate'
                    escalated_at = when
                if to is None:
                    continue
                moves.append((when, action, holder, to))
                holder = to
                participants.add(to)
            if appeal:
                state, done = 'in_progress', None
                level += 1
            if state == 'new' and moves:
                # Any move makes a new case in progress (receipt_moved).
                state, started = 'in_progress', moves[0][0]
            if state == 'new':
                receipt_state = 'registered'
            elif state == 'in_progress':
                receipt_state = 'in_process' if rand() < 0.9 else 'actioned'
            else:
                receipt_state = ('archived' if age > 60 and rand() < 0.5
                    else 'closed')
            states[state] = states.get(state, 0) + 1
            last = len(moves) - 1
            for j, (when, action, frm, to) in enumerate(moves):
                counts['moves'] += 1
                if action in {'close', 'reopen'}:
                    read = when
                elif j == last and state != 'done' and rand() < 0.4:
                    read = None
                else:
                    read = min(now, after(when, 600, 8 * 3600))
                server_move = action in {'escalate', 'reopen'}
                b_move.append(line((move0 + counts['moves'] - 1,
                            f'edaftar.receipt,{rid}', rid, action, purpose,
                            emp0 + frm, h.unit[frm], emp0 + to, h.unit[to],
                            f'Escalated: {number} past its response time.'
                            if action == 'escalate' else None,
                            when, read,
                            when.date() + 7 * one_day
                            if action in {'mark', 'escalate'} else None,
                            None if server_move else h.user[frm],
                            0 if server_move else h.user[frm], when)))
            for e in participants:
                counts['participants'] += 1
                b_part.append(f'{part0 + counts["participants"] - 1}\t'
                    f'{rid}\t{emp0 + e}\t0\t{submitted}\n')
            register = registers[d, day.year]
            receipt_number = f'{register[1]}{register[3]:0{register[2]}d}'
            register[3] += 1
            subject = f'{cname}: {description}'[:200]
            b_receipt.append(line((rid, receipt_number,
                        bases['unit'] + province.departments[d]['unit'],
                        day, 'portal', name, address, number, subject, kind,
                        'normal', 'normal', receipt_state, emp0 + holder,
                        h.unit[holder], day + 7 * one_day, submitted,
                        "Disposed of; the citizen informed."
                        if state == 'done' else None,
                        f'Appeal of the citizen (rating {rating}).'
                        if appeal else None, 0, submitted)))
            b_app.append(line((aid, number, account, key, name, cnic, phone,
                        email, language, cid, kind,
                        bases['unit'] + province.departments[d]['unit'],
                        description, latitude, longitude, address, rid,
                        state, submitted, started, done, expected,
                        bool(level), level, escalated_at,
                        None if appeal else rating,
                        None if appeal else feedback,
                        None if appeal else rated_at, bool(appeal),
                        rating if appeal else None,
                        feedback if appeal else None,
                        secrets.token_urlsafe(16), 0, submitted)))
            if i % 2000 == 1999:
                c_app.write(''.join(b_app))
                c_receipt.write(''.join(b_receipt))
                c_move.write(''.join(b_move))
                c_part.write(''.join(b_part))
                b_app, b_receipt, b_move, b_part = [], [], [], []
        c_app.write(''.join(b_app))
        c_receipt.write(''.join(b_receipt))
        c_move.write(''.join(b_move))
        c_part.write(''.join(b_part))
    for conn in conns:
        conn.commit()
        conn.close()
    with psycopg.connect(conninfo(dsn, DB)) as conn:
        cur = conn.cursor()
        for sequence, _, _, next_ in registers.values():
            cur.execute('UPDATE ir_sequence_strict SET number_next_internal '
                '= %s WHERE id = %s', (next_, sequence))
        # The module's sequence (an SQL sequence: ir_sequence_<id>).
        sequence, = cur.execute("SELECT db_id FROM ir_model_data WHERE "
            "module = 'edaftar_portal' AND fs_id = 'sequence_application'"
            ).fetchone()
        cur.execute(f'ALTER SEQUENCE ir_sequence_{sequence} RESTART WITH '
            f'{counter0 + n_applications + 1}')
        cur.execute('UPDATE ir_sequence SET number_next_internal = %s '
            'WHERE id = %s', (counter0 + n_applications + 1, sequence))
        dak.set_sequences(cur, ['edaftar_portal_application',
                'edaftar_receipt', 'edaftar_movement',
                'edaftar_receipt-company_employee'])
    return {'applications': n_applications, 'states': states, **counts}


def drop_indexes(conn, tables):
    "Drop the secondary indexes of tables; return their definitions"
    rows = conn.execute("SELECT i.indexname, i.indexdef FROM pg_indexes i "
        "WHERE i.tablename = ANY(%s) AND NOT EXISTS ("
        "SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
        (tables,)).fetchall()
    for name, _ in rows:
        conn.execute(f'DROP INDEX "{name}"')
    return [d for _, d in rows]


def load(dsn, province, bases, n_applications, seed):
    """Load the categories, keys, accounts and the applications with their
    receipts; return counts and timings"""
    timings = {}
    start = time.perf_counter()
    with psycopg.connect(conninfo(dsn, DB)) as conn:
        conn.execute('SET session_replication_role = replica')
        base = load_portal_base(conn, province, bases, n_applications,
            random.Random(seed + 1))
        # The applications' table is empty: index it after the COPY. The
        # receipts' tables keep theirs (a third more rows).
        definitions = drop_indexes(conn, ['edaftar_portal_application'])
    timings['base'] = time.perf_counter() - start
    start = time.perf_counter()
    counts = generate(dsn, province, bases, base, n_applications, seed)
    timings['copy'] = time.perf_counter() - start
    start = time.perf_counter()
    with psycopg.connect(conninfo(dsn, DB), autocommit=True) as conn:
        conn.execute("SET maintenance_work_mem = '256MB'")
        for definition in definitions:
            conn.execute(definition)
    timings['indexes'] = time.perf_counter() - start
    start = time.perf_counter()
    with psycopg.connect(conninfo(dsn, DB), autocommit=True) as conn:
        for name in ['edaftar_portal_application', 'web_user']:
            conn.execute(f'VACUUM (ANALYZE) "{name}"')
        # The receipts' tables grew by a third: their statistics again.
        conn.execute('ANALYZE')
    timings['analyze'] = time.perf_counter() - start
    counts['categories'] = len(base[0])
    counts['accounts'] = len(base[2])
    return counts, timings, base[1][0][1]


def check_data_set(conn):
    "Rows breaking what the module keeps: [(what, count)]"
    checks = [
        ("applications without their portal receipt, or its number "
            "elsewhere",
            'SELECT count(*) FROM edaftar_portal_application a LEFT JOIN '
            'edaftar_receipt r ON r.id = a.receipt WHERE r.id IS NULL OR '
            "r.mode != 'portal' OR r.letter_ref IS DISTINCT FROM a.number "
            'OR r.department != a.department'),
        ("public state not following the receipt (new: registered, done: "
            "closed/archived)",
            'SELECT count(*) FROM edaftar_portal_application a JOIN '
            'edaftar_receipt r ON r.id = a.receipt WHERE '
            "(a.public_state = 'new') != (r.state = 'registered') OR "
            "(a.public_state = 'done') != (r.state IN ('closed', "
            "'archived'))"),
        ("new cases with a movement, cases in progress or done without",
            'SELECT count(*) FROM edaftar_portal_application a WHERE '
            "(a.public_state = 'new') = EXISTS (SELECT 1 FROM "
            'edaftar_movement m WHERE m.receipt = a.receipt)'),
        ("dates out of order (submitted, started, done, rated)",
            'SELECT count(*) FROM edaftar_portal_application WHERE '
            'started_at < submitted_at OR done_at < started_at OR '
            "rated_at < done_at OR (public_state = 'done') != "
            '(done_at IS NOT NULL) OR submitted_at > now()'),
        ("ratings on cases not done",
            'SELECT count(*) FROM edaftar_portal_application WHERE rating '
            "IS NOT NULL AND public_state != 'done'"),
        ("receipt holders not the last movement's recipient",
            'SELECT count(*) FROM edaftar_receipt r JOIN LATERAL (SELECT '
            'm.to_employee FROM edaftar_movement m WHERE m.receipt = r.id '
            "AND m.purpose = 'action' ORDER BY m.sent_at DESC, m.id DESC "
            "LIMIT 1) m ON true WHERE r.mode = 'portal' AND r.holder != "
            'm.to_employee'),
        ("receipt numbers used twice",
            'SELECT count(*) FROM (SELECT number FROM edaftar_receipt '
            'GROUP BY number HAVING count(*) > 1) n'),
        ]
    return [(label, conn.execute(sql).fetchone()[0]) for label, sql in checks]


# --- HTTP ---------------------------------------------------------------------

class HTTPError(RPCError):
    "An answer the measure did not expect"


class HTTP:
    "An HTTP/1.1 client on a kept-alive connection (one per thread)"

    def __init__(self, port):
        self.port = port
        self.connection = None

    def request(self, method, path, body=None, headers=None):
        headers = {'User-Agent': USER_AGENT, **(headers or {})}
        for attempt in range(3):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    LOCALHOST, self.port, timeout=120)
            try:
                self.connection.request(method, path, body, headers)
                response = self.connection.getresponse()
                data = response.read()
                if response.getheader('Connection', '').lower() == 'close':
                    self.connection.close()
                    self.connection = None
                return response.status, response, data
            except (http.client.HTTPException, ConnectionError):
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise

    def get(self, path, expect=(200,)):
        status, response, data = self.request('GET', path)
        if status not in expect:
            raise HTTPError(f'GET {path[:120]}: HTTP {status} '
                f'{data[:300]!r}')
        return status, data


def png():
    "A small PNG (a 16 x 16 grey square), as a phone camera would not send"
    def chunk(kind, data):
        return (struct.pack('>I', len(data)) + kind + data
            + struct.pack('>I', zlib.crc32(kind + data)))
    raw = b''.join(b'\x00' + b'\x80' * 16 for _ in range(16))
    return (b'\x89PNG\r\n\x1a\n'
        + chunk(b'IHDR', struct.pack('>IIBBBBB', 16, 16, 8, 0, 0, 0, 0))
        + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))


def multipart(fields, files):
    "The body and content type of a multipart/form-data POST"
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; '
            f'name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content_type, data) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; '
            f'name="{name}"; filename="{filename}"\r\nContent-Type: '
            f'{content_type}\r\n\r\n'.encode() + data + b'\r\n')
    parts.append(f'--{boundary}--\r\n'.encode())
    return b''.join(parts), f'multipart/form-data; boundary={boundary}'


class Sink:
    "An SMTP server in this process that counts the messages it is given"

    def __init__(self):
        from aiosmtpd.controller import Controller
        self.count = 0
        self.lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(self, hostname=LOCALHOST,
            port=self.port)
        self.controller.start()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
        return '250 OK'

    def stop(self):
        self.controller.stop()


def configure_server_environment(sink_port):
    """What the servers started after this read besides the benchmark's
    configuration file (trytond takes TRYTOND_<SECTION>__<OPTION> from the
    environment where the file is silent): the rate limits and the SMTP
    sink"""
    for kind in RATE_KINDS:
        os.environ[f'TRYTOND_EDAFTAR_PORTAL__RATE_{kind.upper()}'] = \
            BENCH_RATE
    os.environ['TRYTOND_EMAIL__URI'] = f'smtp://{LOCALHOST}:{sink_port}'
    os.environ['TRYTOND_EMAIL__FROM'] = 'e-Daftar <no-reply@bench.example>'


# --- what the measures need ----------------------------------------------------

class Fixtures:
    "Numbers, services and keys found in the database"

    def __init__(self, dsn, seed, n=2000):
        rng = random.Random(seed)
        with psycopg.connect(conninfo(dsn, DB)) as conn:
            total, = conn.execute('SELECT count(*) FROM '
                'edaftar_portal_application').fetchone()
            if not total:
                sys.exit(f"{DB} has no applications loaded by this script")
            self.total = total
            # Random existing numbers (a sample of the pages), then some
            # unknown ones: one in ten.
            numbers = [n for n, in conn.execute('SELECT number FROM '
                    'edaftar_portal_application TABLESAMPLE SYSTEM (%s) '
                    'WHERE number IS NOT NULL',
                    (min(100, max(0.5, 100 * 3 * n / total)),))]
            rng.shuffle(numbers)
            numbers = numbers[:n]
            year = dt.date.today().year
            unknown = [f'BCP-{year}-9{rng.randrange(10 ** 6):06d}'
                for _ in range(len(numbers) // 9 + 1)]
            self.numbers = [(x, True) for x in numbers] + [
                (x, False) for x in unknown]
            rng.shuffle(self.numbers)
            # The busiest service (Open311 service_code) and a complaint
            # service of each department for the submissions.
            self.busiest, = conn.execute('SELECT c.code FROM '
                'edaftar_portal_application a JOIN edaftar_portal_category '
                'c ON c.id = a.category GROUP BY c.code ORDER BY count(*) '
                'DESC LIMIT 1').fetchone()
            # The complaint services, weighted by their use over the last
            # 90 days: the submissions go where citizens go.
            self.complaints, self.weights = zip(*conn.execute(
                    'SELECT c.code, count(a.id) + 1 FROM '
                    'edaftar_portal_category c LEFT JOIN '
                    'edaftar_portal_application a ON a.category = c.id AND '
                    "a.submitted_at >= now() - interval '90 days' WHERE "
                    "c.kind = 'complaint' AND c.active GROUP BY c.id, c.code "
                    'ORDER BY c.id'))
            self.key, = conn.execute('SELECT key FROM edaftar_portal_api_key '
                'WHERE active ORDER BY id LIMIT 1').fetchone()
            self.latest, = conn.execute('SELECT max(submitted_at) FROM '
                'edaftar_portal_application').fetchone()
            # A department head for the bare RPC floor.
            self.head, = conn.execute('SELECT e."user" FROM '
                'edaftar_org_unit u JOIN company_employee e ON e.id = '
                "u.head WHERE u.kind = 'department' ORDER BY u.id LIMIT 1"
                ).fetchone()


# --- the tracking page ---------------------------------------------------------

# The model's track (application.py): the row by number.
SQL_TRACK = ('SELECT number, public_state, kind, submitted_at, started_at, '
    'done_at, expected_date, escalated, reopened FROM '
    'edaftar_portal_application WHERE number = %(number)s LIMIT 1')


def track_path(number):
    return f'{TRACK}?' + urllib.parse.urlencode({'number': number})


def track_measure(fx, http):
    numbers = fx.numbers

    def rpc(i):
        number, known = numbers[i % len(numbers)]
        # An unknown number: a page that says so (200) or 404.
        http.get(track_path(number), (200,) if known else (200, 404))
        return 1
    return Measure('track', "tracking page: GET portal/track?number= "
        "(9 known numbers in 10, random)", TARGETS['track'], rpc,
        lambda conn, i: dak.run_sql(conn, [SQL_TRACK],
            {'number': numbers[i % len(numbers)][0]}))


def run_clients(port, make, clients, seconds):
    """Run make(http, index) -> op in clients threads for seconds; return
    the durations, the errors and the time"""
    stop = threading.Event()
    results = [[] for _ in range(clients)]
    errors = [[] for _ in range(clients)]

    def loop(index):
        http = HTTP(port)
        op = make(http, index)
        while not stop.is_set():
            try:
                duration, _ = timed(op)
                results[index].append(duration)
            except Exception as e:  # noqa: BLE001
                errors[index].append(f'{type(e).__name__}: {e}'[:300])
                if len(errors[index]) > 50:
                    break
    threads = [threading.Thread(target=loop, args=(i,))
        for i in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    return ([d for r in results for d in r], [e for r in errors for e in r],
        elapsed)


def track_rate(port, fx, clients, seconds):
    numbers = fx.numbers

    def make(http, index):
        it = iter(range(index * 7919, 10 ** 9))

        def op():
            number, known = numbers[next(it) % len(numbers)]
            http.get(track_path(number), (200,) if known else (200, 404))
        return op
    return run_clients(port, make, clients, seconds)


def sql_track_rate(dsn, fx, seconds=3):
    "SELECTs by number per second from one client"
    with psycopg.connect(conninfo(dsn, DB), autocommit=True) as conn:
        n, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            dak.run_sql(conn, [SQL_TRACK],
                {'number': fx.numbers[n % len(fx.numbers)][0]})
            n += 1
        return n / (time.perf_counter() - start)


# --- Open311 GET requests.json ---------------------------------------------------

OPEN311_LIMIT = 1000
# The answer of requests.json (open311.py): the window's first page of
# applications newest first (one more row: is there a next page?) with
# the public columns, their service and department.
SQL_REQUESTS = '''
SELECT a.id, a.number, a.kind, a.public_state, a.submitted_at,
    a.started_at, a.done_at, a.escalated_at, a.expected_date, a.latitude,
    a.longitude, a.api_key, c.code, c.name, u.name
FROM edaftar_portal_application a
JOIN edaftar_portal_category c ON c.id = a.category
LEFT JOIN edaftar_org_unit u ON u.id = a.department
WHERE a.submitted_at >= %(start)s AND a.submitted_at <= %(end)s {where}
ORDER BY a.submitted_at DESC, a.id DESC
LIMIT %(limit)s'''


def w3c(value):
    "A timestamp as Open311 writes them (W3C, UTC)"
    return value.strftime('%Y-%m-%dT%H:%M:%SZ')


def open311_measures(fx, http):
    """Requests.json over 90-day windows ending from the latest submission
    back over the last 9 months (a different window each call)"""
    rng = random.Random(7)
    ends = [fx.latest - dt.timedelta(days=rng.randrange(0, 270),
            seconds=rng.randrange(86400)) for _ in range(500)]
    ends[0] = fx.latest

    def window(i):
        end = ends[i % len(ends)].replace(microsecond=0)
        return end - dt.timedelta(days=90), end

    measures = []
    for label, query, where in [
            ("90-day window", {}, ''),
            ("90-day window, status=open", {'status': 'open'},
                "AND a.public_state IN ('new', 'in_progress')"),
            (f"90-day window, service_code={fx.busiest}",
                {'service_code': fx.busiest}, 'AND c.code = %(code)s')]:
        sql = SQL_REQUESTS.format(where=where)

        def rpc(i, query=query):
            start, end = window(i)
            _, data = http.get(f'{REQUESTS}?' + urllib.parse.urlencode({
                        'start_date': w3c(start), 'end_date': w3c(end),
                        **query}))
            result = json.loads(data)
            if not isinstance(result, list):
                raise HTTPError(f'not a list: {data[:300]!r}')
            return result

        def floor(conn, i):
            start, end = window(i)
            dak.run_sql(conn, [sql], {'start': start, 'end': end,
                    'code': fx.busiest, 'limit': OPEN311_LIMIT + 1})
        measures.append(Measure('open311_get',
            f"Open311 GET requests.json: {label}", TARGETS['open311_get'],
            rpc, floor))
    return measures, window


# --- submissions ---------------------------------------------------------------

def submission(rng, fx, n, media):
    "The form of an Open311 POST: a complaint with its place"
    first = dak.FIRST[rng.randrange(20)]
    last = dak.LAST[rng.randrange(20)]
    name, lat, lon, _ = TOWNS[rng.randrange(len(TOWNS))]
    fields = {
        'api_key': fx.key,
        'service_code': rng.choices(fx.complaints, fx.weights)[0],
        'description': f"Bench complaint {n}: the street light in front "
        f"of house {rng.randrange(1, 400)} has been off for a week.",
        'lat': f'{lat + rng.gauss(0, 0.02):.6f}',
        'long': f'{lon + rng.gauss(0, 0.02):.6f}',
        'address_string': f"Street {rng.randrange(1, 40)}, {name}",
        'first_name': first, 'last_name': last,
        'email': f'bench.{first}.{n}@mail.example.pk'.lower(),
        'phone': f'+923{rng.randrange(10 ** 9):09d}',
        'attribute[cnic]': f'5{rng.randrange(1000, 10000)}-'
        f'{rng.randrange(10 ** 7):07d}-{rng.randrange(1, 10)}',
        }
    if media:
        return multipart(fields, {'media': ('photo.png', 'image/png',
                    media)})
    return (urllib.parse.urlencode(fields).encode(),
        'application/x-www-form-urlencoded')


def submit_rate(port, fx, threads, seconds, media, created):
    image = png() if media else None

    def make(http, index):
        rng = random.Random(1000 + index)
        counter = iter(range(index, 10 ** 9, threads))

        def op():
            body, content_type = submission(rng, fx, next(counter), image)
            status, _, data = http.request('POST', REQUESTS, body,
                {'Content-Type': content_type})
            if status not in (200, 201):
                raise HTTPError(f'POST requests.json: HTTP {status} '
                    f'{data[:300]!r}')
            answer = json.loads(data)
            if not (isinstance(answer, list) and answer
                    and answer[0].get('service_request_id')):
                raise HTTPError(f'POST requests.json: {data[:300]!r}')
            created.append(answer[0]['service_request_id'])
        return op
    return run_clients(port, make, threads, seconds)


def rollbacks(dsn):
    "Transactions rolled back in DB so far (PostgreSQL's statistics)"
    with psycopg.connect(conninfo(dsn, 'postgres'), autocommit=True) as conn:
        return conn.execute('SELECT xact_rollback FROM pg_stat_database '
            'WHERE datname = %s', (DB,)).fetchone()[0]


def sql_submit_floor(dsn, fx, n=200):
    """Submissions per second in raw SQL from one client, one commit each:
    the category, the register's next number (locked), the receipt, its
    participant, the application's number, the application"""
    with psycopg.connect(conninfo(dsn, DB)) as conn:
        cur = conn.cursor()
        sequence, = cur.execute("SELECT db_id FROM ir_model_data WHERE "
            "module = 'edaftar_portal' AND fs_id = 'sequence_application'"
            ).fetchone()
        rows = cur.execute('SELECT c.id, c.department, c.kind, c.sla_days, '
            'COALESCE(c.receiver, u.head), e.edaftar_unit, s.id FROM '
            'edaftar_portal_category c JOIN edaftar_org_unit u ON u.id = '
            'c.department JOIN company_employee e ON e.id = '
            'COALESCE(c.receiver, u.head) JOIN edaftar_document_sequence ds '
            "ON ds.department = c.department AND ds.kind = 'receipt' AND "
            'ds.year = %s JOIN ir_sequence_strict s ON s.id = ds.sequence '
            "WHERE c.kind = 'complaint' ORDER BY c.id",
            (dt.date.today().year,)).fetchall()
        conn.commit()
        if not rows:
            return float('nan')
        ids = []
        start = time.perf_counter()
        for i in range(n):
            category, department, kind, sla, holder, unit, register = rows[
                i % len(rows)]
            cur.execute('SELECT id, kind FROM edaftar_portal_category WHERE '
                'id = %s AND active', (category,), prepare=True)
            cur.fetchone()
            cur.execute('UPDATE ir_sequence_strict SET number_next_internal '
                '= number_next_internal + 1 WHERE id = %s RETURNING prefix, '
                'number_next_internal - 1', (register,), prepare=True)
            prefix, number = cur.fetchone()
            cur.execute("SELECT 'BCP-' || extract(year FROM now()) || '-' "
                f"|| lpad(nextval('ir_sequence_{sequence}')::text, 7, '0')",
                prepare=True)
            app_number, = cur.fetchone()
            cur.execute('INSERT INTO edaftar_receipt (number, department, '
                'received_date, mode, sender_name, sender_address, '
                'letter_ref, subject, category, priority, confidentiality, '
                'state, holder, holder_unit, due_date, registered_at, '
                "create_uid, create_date) VALUES (%s, %s, CURRENT_DATE, "
                "'portal', 'Bench Floor', 'Street 1, Quetta', %s, %s, %s, "
                "'normal', 'normal', 'registered', %s, %s, CURRENT_DATE + 7, "
                'now(), 0, now()) RETURNING id',
                (f'{prefix}{number:06d}x', department, app_number,
                    'Bench floor complaint', kind, holder, unit),
                prepare=True)
            receipt, = cur.fetchone()
            cur.execute('INSERT INTO "edaftar_receipt-company_employee" '
                '(receipt, employee, create_uid, create_date) VALUES (%s, '
                '%s, 0, now())', (receipt, holder), prepare=True)
            cur.execute('INSERT INTO edaftar_portal_application (number, '
                'token, name, cnic, phone, email, language, category, kind, '
                'department, description, latitude, longitude, address, '
                'receipt, public_state, submitted_at, expected_date, '
                'escalated, escalation_level, reopened, create_uid, '
                "create_date) VALUES (%s, %s, 'Bench Floor', "
                "'54201-1234567-1', '+923001234567', 'floor@mail.example.pk'"
                ", 'en', %s, %s, %s, 'Bench floor complaint', 30.18, 66.97, "
                "'Street 1, Quetta', %s, 'new', now(), CURRENT_DATE + %s, "
                'false, 0, false, 0, now()) RETURNING id',
                (app_number, secrets.token_urlsafe(16), category, kind,
                    department, receipt, sla), prepare=True)
            ids.append((cur.fetchone()[0], receipt))
            conn.commit()
        rate = n / (time.perf_counter() - start)
        # Not the module's rows: away with them (the registers keep their
        # numbers).
        cur.execute('DELETE FROM edaftar_portal_application WHERE id = '
            'ANY(%s)', ([a for a, _ in ids],))
        cur.execute('DELETE FROM "edaftar_receipt-company_employee" WHERE '
            'receipt = ANY(%s)', ([r for _, r in ids],))
        cur.execute('DELETE FROM edaftar_receipt WHERE id = ANY(%s)',
            ([r for _, r in ids],))
        conn.commit()
        return rate


# --- tracing the routes in-process ------------------------------------------------

def trace_route(dsn, label, method, path, data=None, content_type=None,
        plans_file=None, always=False, target=None):
    """Run one request through trytond's WSGI app in this process, twice
    to warm the caches; print the SQL it ran with the EXPLAIN ANALYZE
    times of its SELECTs"""
    from werkzeug.test import Client as WSGIClient

    # The routes registered when the pool imported the modules
    # (trytond.application would start the pools again).
    from trytond.wsgi import app
    client = WSGIClient(app)

    def run():
        response = client.open(path, method=method, data=data,
            content_type=content_type,
            environ_base={'REMOTE_ADDR': LOCALHOST},
            headers={'User-Agent': USER_AGENT})
        return response.status_code
    for _ in range(2):
        run()
    with dak.capture_sql() as statements:
        duration, status = timed(run)
    with psycopg.connect(conninfo(dsn, DB), autocommit=True) as conn:
        results = explain_statements(conn, statements)
    total = sum(r[0] for r in results)
    print(f"\n* {label}: HTTP {status}\n  {len(statements)} statements "
        f"({len(results)} SELECTs: {total:.1f} ms in PostgreSQL by EXPLAIN "
        f"ANALYZE); {duration * 1e3:.1f} ms in-process in all")
    for t, sql, _ in results[:3]:
        print(f"    {t:7.2f} ms  {' '.join(sql.split())[:150]}")
    if plans_file:
        with open(plans_file, 'a') as f:
            f.write(f'\n===== {label}\n')
            for t, sql, plan in results:
                f.write(f'\n-- {t:.2f} ms\n{sql}\n' + '\n'.join(plan) + '\n')
    if results and (always or (target and results[0][0] > target / 4)):
        t, sql, plan = results[0]
        print(f"  plan of the slowest statement ({t:.1f} ms):")
        for text in plan:
            print(f"    {text}")


# --- routes present? ------------------------------------------------------------

def routes_present(port):
    """Which of the measured routes answer (a stub module has none): the
    router's 404 (or 405) means the route does not exist; each probe
    gets 200 or 403 from a route that does"""
    http = HTTP(port)
    present = {}
    for key, method, path in [
            ('track', 'GET', TRACK),
            ('open311_get', 'GET', f'{REQUESTS}?start_date=2000-01-01T00:00'
                ':00Z&end_date=2000-01-02T00:00:00Z'),
            ('open311_post', 'POST', REQUESTS)]:
        status, _, _ = http.request(method, path,
            b'' if method == 'POST' else None,
            {'Content-Type': 'application/x-www-form-urlencoded'}
            if method == 'POST' else None)
        present[key] = (status not in {404, 405}, status)
    return present


# --- main ------------------------------------------------------------------------

def main():
    args = parse_args()
    dsn = os.environ.get(
        'EDAFTAR_BENCH_DSN', f'postgresql://postgres@{LOCALHOST}:5432/')
    tmp = tempfile.mkdtemp(prefix='edaftar-bench-portal-')
    config = dak.write_config(tmp, dsn)
    # trytond reads its configuration when first imported.
    os.environ['TRYTOND_CONFIG'] = str(config)
    plans_file = Path(tmp, 'plans.txt')
    sink = Sink()
    configure_server_environment(sink.port)

    n_users = max(1, round(10_000 * args.scale))
    province = dak.Province(args.scale, n_users)
    print(f"e-Daftar portal benchmark, scale {args.scale}: "
        f"{args.applications:,} applications beside the Dak's "
        f"{province.n_departments} departments, {len(province.units):,} "
        f"units, {len(province.employees):,} users; PostgreSQL {dsn}")
    print("Load average at start: %.2f %.2f %.2f (%d CPUs)" % (
            *os.getloadavg(), os.cpu_count()))
    servers = []
    pool = None
    try:
        if args.reuse:
            with step(f"updating {', '.join(MODULES)} in the kept {DB}"):
                dak.activate(config, tmp, MODULES)
            how = f"kept {DB} (--reuse: not loaded in this run)"
        else:
            how, dak_time = directive.dak_data_set(dsn, config, tmp,
                province, args)
            start = time.perf_counter()
            with step(f"activating {', '.join(MODULES)} in {DB}"):
                dak.activate(config, tmp, MODULES)
            activate_time = time.perf_counter() - start
        with psycopg.connect(conninfo(dsn, DB), autocommit=True) as conn:
            bases = dak.bases_from_db(conn, province)
            for name, tuned in PG_TUNED.items():
                conn.execute(f"ALTER DATABASE {DB} SET {name} = "
                    f"{tuned if args.pg_tuned else 'DEFAULT'}")
        with psycopg.connect(conninfo(dsn, DB)) as conn:
            settings = ', '.join(f'{n} = {v}' for n, v in conn.execute(
                    "SELECT name, setting FROM pg_settings WHERE name = "
                    "ANY(%s) ORDER BY name", (list(PG_TUNED),)))
        print(f"PostgreSQL: {settings}"
            + (" (--pg-tuned)" if args.pg_tuned else ''))
        if not args.reuse:
            with step(f"loading {args.applications:,} applications with "
                    "their receipts with COPY"):
                counts, timings, _ = load(dsn, province, bases,
                    args.applications, args.seed)
        with psycopg.connect(conninfo(dsn, DB)) as conn:
            tables = APP_TABLES + dak.BIG_TABLES
            info = {name: conn.execute(
                    'SELECT pg_size_pretty(pg_total_relation_size(%s)), '
                    f'(SELECT count(*) FROM "{name}")',
                    (f'"{name}"',)).fetchone() for name in tables}
            app_states = conn.execute('SELECT public_state, count(*), '
                'count(*) FILTER (WHERE escalated), count(*) FILTER (WHERE '
                'rating IS NOT NULL), count(*) FILTER (WHERE reopened), '
                'count(*) FILTER (WHERE web_user IS NOT NULL), count(*) '
                'FILTER (WHERE api_key IS NOT NULL) FROM '
                'edaftar_portal_application GROUP BY 1 ORDER BY 2 DESC'
                ).fetchall()
            span = conn.execute('SELECT min(submitted_at)::date, '
                'max(submitted_at)::date, count(*) FILTER (WHERE '
                "submitted_at >= now() - interval '90 days'), count(*) "
                'FILTER (WHERE latitude IS NOT NULL), min(number), '
                'max(number) FROM edaftar_portal_application').fetchone()
            portal_receipts = conn.execute('SELECT count(*) FROM '
                "edaftar_receipt WHERE mode = 'portal' AND id IN (SELECT "
                'receipt FROM edaftar_portal_application)').fetchone()[0]
            checks = check_data_set(conn)
        total = sum(n for _, n, *_ in app_states) or 1
        sub_rows = {'edaftar_portal_application': [
                [f"  {s} ({100 * n / total:.0f}%; {esc:,} escalated, "
                    f"{rated:,} rated, {reop:,} reopened on appeal; "
                    f"{web:,} by portal accounts, {key:,} by Open311)",
                    f'{n:,}', ''] for s, n, esc, rated, reop, web, key
                in app_states]
            + [[f"  submitted {span[0]} to {span[1]}; in the last 90 days",
                    f'{span[2]:,}', ''],
                ["  with a place (latitude, longitude)", f'{span[3]:,}', ''],
                [f"  numbers {span[4]} to {span[5]}", '', '']],
            'edaftar_receipt': [["  of mode portal, an application's",
                    f'{portal_receipts:,}', '']]}
        rows = []
        for name in tables:
            rows.append([name, f'{info[name][1]:,}', info[name][0]])
            rows += sub_rows.get(name, [])
        rows += [[f"check: {label}", f'{n:,}', 'ok' if not n else 'WRONG']
            for label, n in checks]
        if not args.reuse:
            portal_time = sum(timings.values())
            rows += [
                [f"step: the Dak data set, {how}", '', f"{dak_time:.1f} s"],
                [f"step: trytond-admin -u {' '.join(MODULES)}", '',
                    f"{activate_time:.1f} s"],
                ["step: categories, API keys, portal accounts (COPY)",
                    f"{counts['accounts']:,}", f"{timings['base']:.1f} s"],
                ["step: applications, receipts, movements, participants "
                    "(COPY)", f"{counts['applications']:,}",
                    f"{timings['copy']:.1f} s"],
                ["step: the applications' indexes", '',
                    f"{timings['indexes']:.1f} s"],
                ["step: VACUUM ANALYZE / ANALYZE", '',
                    f"{timings['analyze']:.1f} s"],
                ["whole data set (Dak + module + portal)", '',
                    f"{dak_time + activate_time + portal_time:.1f} s"],
                ]
            title = (f"Portal data set loaded with COPY in "
                f"{portal_time:.1f} s, beside the Dak data set ({how}); "
                "target for the whole: <= 600 s")
        else:
            title = f"Data set of {how}"
        table(title, ["table / step", "rows", "size / time"], rows)

        fx = Fixtures(dsn, args.seed)
        from trytond.pool import Pool
        pool = Pool(DB)
        with step("starting the pool in-process"):
            pool.init()
            settle_caches(DB)
        with step("opening a session"):
            sessions = dak.new_sessions(pool, [fx.head])

        if not (BIN / 'gunicorn').exists():
            sys.exit("gunicorn is not installed in .venv: nothing measured "
                "(the portal is measured on 2 worker processes)")
        workers_label = (f"2 worker processes x {args.worker_threads} threads"
            if args.worker_threads else "2 sync worker processes")
        with step(f"starting gunicorn ({workers_label})"):
            server = Server(tmp, dsn, gunicorn=True, workers=2,
                threads=args.worker_threads)
            servers.append(server)
            server.wait()
            # Let both workers load their pool.
            for _ in range(6):
                dak.Client(server.port).call(
                    'common.server.version', [], path='/rpc/')
        present = routes_present(server.port)
        missing = [k for k, (ok, _) in present.items() if not ok]
        if missing:
            print("\nRoutes not there (404/405 from the router): "
                + ', '.join(f"{k} (HTTP {present[k][1]})" for k in missing))
        http = HTTP(server.port)
        bare_user = User(server.client, sessions[fx.head])
        measures = [Measure('bare_route', "bare route floor: Open311 GET "
                "discovery.json (no transaction, no SQL)", None,
                lambda i: http.get(DISCOVERY) and 1,
                lambda conn, i: None)]
        if present['track'][0]:
            measures.append(track_measure(fx, http))
        if present['open311_get'][0]:
            open311, window = open311_measures(fx, http)
            measures += open311
        print("measuring latencies over HTTP (one client):", file=sys.stderr)
        bare = []
        with psycopg.connect(conninfo(dsn, DB), autocommit=True) as conn:
            for i in range(args.calls + 10):
                duration, _ = timed(bare_user, 'res.user', 'search_read',
                    [('id', '=', bare_user.id)], 0, 1, None, ['login'])
                if i >= 10:
                    bare.append(duration)
            for measure in measures:
                with step(f"  {measure.label}"):
                    measure.run(conn, args.calls,
                        max_seconds=args.max_seconds)
                if not measure.rpc_times:
                    measure.sql_times = [timed(measure.sql, conn, i)[0]
                        for i in range(args.calls)]
        load_avg = "%.2f %.2f %.2f" % os.getloadavg()
        rows = [["bare RPC floor: res.user.search_read own login "
                "(JSON-RPC, same server)", '1', len(bare), ms(pct(bare, 50)),
                ms(pct(bare, 95)), '', '', '', '1.0', '', '']]
        for m in measures:
            p95 = pct(m.rpc_times, 95) * 1e3
            if m.target is None:
                rows.append([m.label, m.rows or '', len(m.rpc_times),
                        ms(pct(m.rpc_times, 50)), ms(pct(m.rpc_times, 95)),
                        '', '', '', '', '', ''])
                continue
            rows.append([m.label, m.rows if m.rows is not None else '',
                    f'{len(m.rpc_times)}' + (
                        f' ({len(m.errors)} errors)' if m.errors else ''),
                    ms(pct(m.rpc_times, 50)),
                    ms(pct(m.rpc_times, 95)), ms(pct(m.sql_times, 50)),
                    ms(pct(m.sql_times, 95)), ms(pct(bare, 95)),
                    f'{p95 / (pct(bare, 95) * 1e3):.1f}',
                    f'<= {m.target}',
                    'ok' if p95 <= m.target and not m.errors else 'MISSED'])
        for key in missing:
            if key != 'open311_post':
                rows.append([f"{key}: NOT MEASURED, the route does not "
                        "exist", '', '', '', '', '', '', '', '',
                        f"<= {TARGETS[key]}", ''])
        table(f"Reads over HTTP, gunicorn {workers_label}, one client "
            "(keep-alive), in ms",
            ["operation", "rows", "N", "p50", "p95", "SQL p50", "SQL p95",
                "bare p95", "p95/bare", "target", ""], rows,
            ["SQL = raw psycopg query for the same answer (same run, "
                "interleaved: the SELECT by number; the window's page of "
                f"{OPEN311_LIMIT} applications, newest first, with their "
                "service and department); bare = trivial JSON-RPC call on "
                "the same server (p95/bare: load-independent cost ratio); "
                f"N = requests measured (at most {args.calls}, or as many "
                f"as fit in {args.max_seconds:.0f} s); rows = items of the "
                "first answer (Open311: requests in the JSON array).",
                f"Load average after the measures: {load_avg}."]
            + [f"first error of '{m.label}': {m.errors[0][:300]}"
                for m in measures if m.errors])

        rate_rows = []
        if present['track'][0]:
            with step(f"  tracking page, {args.clients} clients"):
                times, errors, elapsed = track_rate(server.port, fx,
                    args.clients, args.rate_seconds)
            floor = sql_track_rate(dsn, fx)
            rps = len(times) / elapsed
            rate_rows.append(["tracking page: GET portal/track?number=",
                    args.clients, len(times), f'{len(errors)}', f'{rps:.0f}',
                    ms(pct(times, 50)), ms(pct(times, 95)), f'{floor:.0f}',
                    "%.2f" % os.getloadavg()[0],
                    f">= {TARGETS['track_rate']}/s",
                    'ok' if rps >= TARGETS['track_rate'] and not errors
                    else 'MISSED', sorted(set(errors))[:1]])
        if present['open311_post'][0]:
            floor = sql_submit_floor(dsn, fx)
            for media in [False, True]:
                created = []
                sent_before = sink.count
                rolled_back = rollbacks(dsn)
                label = ("submit: Open311 POST requests.json, api_key, "
                    + ("multipart with a 16x16 PNG media" if media
                        else "form-encoded"))
                with step(f"  {label}, {args.threads} clients"):
                    times, errors, elapsed = submit_rate(server.port, fx,
                        args.threads, args.rate_seconds, media, created)
                    # The e-mails go at each commit: let the last ones in
                    # (and PostgreSQL its statistics).
                    time.sleep(1.5)
                rps = len(times) / elapsed
                mails = sink.count - sent_before
                retries = rollbacks(dsn) - rolled_back
                rate_rows.append([label + f" ({mails:,} e-mails to the "
                        f"sink, {len(created):,} numbers)", args.threads,
                        len(times), f'{len(errors)} / {retries}',
                        f'{rps:.1f}', ms(pct(times, 50)), ms(pct(times, 95)),
                        f'{floor:.0f}', "%.2f" % os.getloadavg()[0],
                        f">= {TARGETS['submit']}/s",
                        'ok' if rps >= TARGETS['submit'] and not errors
                        else 'MISSED', sorted(set(errors))[:1]])
        if rate_rows:
            log = server.log.read_text(errors='replace')
            mail_errors = log.count('fail to send email') + log.count(
                'fail to connect to')
            table(f"Rates over HTTP, gunicorn {workers_label}, "
                f"{args.rate_seconds:.0f} s each",
                ["operation", "clients", "requests", "errors / retries",
                    "per s",
                    "p50 ms", "p95 ms", "SQL per s", "load", "target", ""],
                [r[:-1] for r in rate_rows],
                ["SQL per s = from one client: the SELECT by number; a "
                    "submission's rows (receipt numbered in its register, "
                    "participant, application; one commit each); load = "
                    "1-minute load average after the measure (2 cores: "
                    "client threads, 2 workers and PostgreSQL share them); "
                    "retries = transactions PostgreSQL rolled back meanwhile "
                    "(a submission that lost the race for its department's "
                    "register is run again, up to [database] retry = 5 "
                    "times, then answered 500).",
                    f"e-mails the servers failed to send (server log): "
                    f"{mail_errors}."]
                + [f"first error of '{r[0]}': {r[-1][0]}" for r in rate_rows
                    if r[-1]])
        server.stop()
        servers.remove(server)

        print("tracing the routes' SQL in-process (EXPLAIN ANALYZE):",
            file=sys.stderr)
        print("\nSQL that each route runs (in-process through the WSGI app; "
            f"all plans in {plans_file}):")
        traces = []
        if present['track'][0]:
            traces.append(("tracking page, a known number", 'GET',
                    track_path(fx.numbers[0][0] if fx.numbers[0][1]
                        else fx.numbers[1][0]), None, None,
                    TARGETS['track']))
        if present['open311_get'][0]:
            start, end = window(0)
            for label, extra in [("", {}), (", status=open",
                        {'status': 'open'}),
                    (f", service_code={fx.busiest}",
                        {'service_code': fx.busiest})]:
                traces.append(("Open311 GET requests.json, latest 90 days"
                        + label, 'GET', f'{REQUESTS}?' + urllib.parse
                        .urlencode({'start_date': w3c(start),
                                'end_date': w3c(end), **extra}), None, None,
                        TARGETS['open311_get']))
        if present['open311_post'][0]:
            body, content_type = submission(random.Random(5), fx, 10 ** 6,
                None)
            traces.append(("Open311 POST requests.json, form-encoded",
                    'POST', REQUESTS, body, content_type, None))
        for label, method, path, data, content_type, target in traces:
            try:
                trace_route(dsn, label, method, path, data, content_type,
                    plans_file, always=label.endswith('latest 90 days'),
                    target=target)
            except Exception as e:  # noqa: BLE001
                print(f"\n* {label}:\n  fails in-process: "
                    f"{type(e).__name__}: {str(e).strip()[:300]}")
        if missing:
            print(f"\nNOT MEASURED (route missing): {', '.join(missing)}")
        print("\nLoad average at end: %.2f %.2f %.2f" % os.getloadavg())
    except RPCError as e:
        sys.exit(f"HTTP or JSON-RPC error: {e}")
    finally:
        for server in servers:
            server.stop()
        sink.stop()
        if pool is not None:
            from trytond import backend
            from trytond.cache import Cache
            Cache.drop(DB)
            backend.Database(DB).close()
        if args.keep:
            print(f"Database {DB} kept (files in {tmp}).", file=sys.stderr)
        else:
            drop_database(dsn, DB)
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    main()
