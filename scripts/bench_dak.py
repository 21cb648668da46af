#!/usr/bin/env python3
"""Benchmark of the Dak (edaftar_dak) on PostgreSQL at DESIGN.md §5 scale.

Creates the database edaftar_bench_dak (dropped first if it exists),
activates edaftar_dak with trytond-admin, loads with COPY (not the ORM) a
province: 60 departments, 600 wings, 3,000 sections, 10,000 staff users
and employees, 1,000,000 receipts, ~5,000,000 movements and their
participants, and the receipt registers; then measures over JSON-RPC:
  - reads (p50/p95, one trytond process) beside the raw SQL floor of the
    same result and the bare RPC floor (res.user.search_read);
  - writes (register, mark, forward: ops/s from client threads against
    gunicorn with 2 worker processes) beside a raw SQL floor;
  - a mixed workload: 1,000 logged-in users each acting every 30 s on
    average (inbox, open, search, find, forward), p50/p95 and errors;
  - the SQL Tryton runs for each read (traced in-process), with EXPLAIN
    ANALYZE plans of the slow statements.
The database is dropped at the end unless --keep.

    scripts/bench dak                    # full scale
    scripts/bench dak --quick            # scale 0.02, 50 calls
    scripts/bench dak --scale 0.2 --keep  # then --reuse: no reload
    EDAFTAR_BENCH_DSN=postgresql://user@host:5432/ scripts/bench dak
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
import logging  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402
from contextlib import contextmanager  # noqa: E402

import psycopg  # noqa: E402

from benchlib import (  # noqa: E402
    LOCALHOST, LOGGING, conninfo, copy_rows, create_database,
    drop_database, free_port, next_id, pct, set_passwords,
    settle_caches, step, table, timed)

DB = 'edaftar_bench_dak'
PASSWORD = 'bench-Dak-Passw0rd'
BIN = VENV_PYTHON.parent

OPEN_STATES = ['registered', 'in_process', 'actioned']
# The fields the clients ask for: the list and form views of receipts and
# the list view of movements (many2one shown by their rec_name).
RECEIPT_LIST_FIELDS = [
    'number', 'received_date', 'subject', 'sender_name', 'priority',
    'holder', 'holder.rec_name', 'due_date', 'state', 'confidentiality',
    'department', 'department.rec_name', 'rec_name', '_timestamp']
RECEIPT_FORM_FIELDS = [
    'number', 'department', 'department.rec_name', 'state', 'subject',
    'priority', 'confidentiality', 'category', 'holder', 'holder.rec_name',
    'due_date', 'file', 'file.rec_name', 'sender_name', 'sender_designation',
    'sender_organisation', 'letter_ref', 'letter_date', 'received_date',
    'mode', 'sender_address', 'movements', 'disposal_remark',
    'reopen_reason', 'registered_by', 'registered_by.rec_name',
    'registered_at', 'holder_unit', 'holder_unit.rec_name', 'participants',
    'rec_name', '_timestamp']
MOVEMENT_LIST_FIELDS = [
    'sent_at', 'document', 'document.rec_name', 'action', 'purpose',
    'from_employee', 'from_employee.rec_name', 'to_employee',
    'to_employee.rec_name', 'instructions', 'due_date', 'read_at',
    'on_behalf_of', 'on_behalf_of.rec_name', 'rec_name', '_timestamp']

# Targets of DESIGN.md §5 (ms, p95) and ops/s.
TARGETS = {
    'inbox': 25, 'dept_inbox': 40, 'open': 30, 'number': 15,
    'keywords': 100, 'write': 100, 'mixed': 100,
    }


def use_database(name):
    """Make this module's functions work on the database name instead of
    edaftar_bench_dak: scripts/bench_directive.py loads the Dak data set
    (or a copy of the kept one) under a name of its own."""
    global DB
    DB = name


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--scale', type=float, default=1.0,
        help="1.0 = 60 departments, 10,000 users, 1,000,000 receipts "
        "(default: %(default)s)")
    parser.add_argument('--quick', action='store_true',
        help="--scale 0.02, 50 calls, 5 s per write path")
    parser.add_argument('--calls', type=int, default=200,
        help="JSON-RPC calls per read measure (default: %(default)s)")
    parser.add_argument('--max-seconds', type=float, default=30,
        help="stop a read measure after this time (default: %(default)s)")
    parser.add_argument('--threads', type=int, default=4,
        help="client threads for the write paths (default: %(default)s)")
    parser.add_argument('--worker-threads', type=int, default=16,
        help="threads in each of the 2 gunicorn worker processes, as "
        "docker-compose.yml serves (gthread); 0: sync workers "
        "(default: %(default)s)")
    parser.add_argument('--write-seconds', type=float, default=15,
        help="duration of each write path (default: %(default)s)")
    parser.add_argument('--keep', action='store_true',
        help=f"keep the database {DB} at the end")
    parser.add_argument('--reuse', action='store_true',
        help=f"measure again a database {DB} kept by --keep (same --scale)"
        ", without creating and loading it")
    parser.add_argument('--mixed-users', type=int, default=1000,
        help="users of the mixed workload, each acting every 30 s on "
        "average (default: %(default)s)")
    parser.add_argument('--mixed-seconds', type=float, default=60,
        help="duration of the mixed workload, measured (default: "
        "%(default)s)")
    parser.add_argument('--mixed-warmup', type=float, default=30,
        help="seconds of the mixed workload run first and not measured: "
        "every user acts once on average (default: %(default)s)")
    parser.add_argument('--seed', type=int, default=20251123)
    args = parser.parse_args()
    if args.quick:
        args.scale, args.calls, args.write_seconds = 0.02, 50, 5
        args.mixed_users, args.mixed_seconds, args.mixed_warmup = 100, 10, 5
    return args


# --- statistics and printing -------------------------------------------

def ms(seconds):
    return f'{seconds * 1e3:.1f}'


# --- database ----------------------------------------------------------

def write_config(tmp, dsn, port=None):
    """A trytond configuration of our own: its values override the
    TRYTOND_* environment variables."""
    path = Path(tmp, f'trytond-{port or "base"}.conf')
    text = f'''[database]
uri = {dsn}
path = {tmp}/filestore
language = en
[session]
timeout = 28800
[cache]
clean_timeout = 0
default = 1024
res.user.edaftar_scope = 20000
ir_rule.domain_get = 40000
[bus]
allow_subscribe = True
'''
    if port:
        text += f'[web]\nlisten = {LOCALHOST}:{port}\n'
    path.write_text(text)
    return path


def activate(config, tmp, modules=('edaftar_dak',)):
    "Activate (or update) modules and their dependencies in DB"
    passfile = Path(tmp, 'admin-password')
    passfile.write_text(PASSWORD)
    result = subprocess.run([
            BIN / 'trytond-admin', '-c', config, '-d', DB,
            '--email', 'admin@example.com', '-u', *modules,
            '--activate-dependencies'],
        env={**os.environ, 'TRYTONPASSFILE': str(passfile)},
        capture_output=True, text=True)
    if result.returncode:
        sys.exit(f'trytond-admin failed:\n{result.stderr[-5000:]}')


# --- the province --------------------------------------------------------

ACTIONS_W = ['Release', 'Approval', 'Sanction', 'Revision', 'Payment',
    'Verification', 'Extension', 'Cancellation', 'Allocation',
    'Clarification', 'Inquiry', 'Request']
TOPICS = ['salary', 'pension', 'transfer', 'posting', 'leave', 'budget',
    'tender', 'promotion', 'audit', 'grant', 'land', 'road', 'school',
    'hospital', 'water', 'electricity', 'recruitment', 'vehicle',
    'training', 'scholarship']
SECONDS = ['arrears', 'funds', 'case', 'orders', 'dues', 'file', 'scheme',
    'contract', 'report', 'claim']
PLACES = ['Quetta', 'Gwadar', 'Turbat', 'Khuzdar', 'Sibi', 'Zhob',
    'Loralai', 'Chaman', 'Kalat', 'Mastung', 'Nushki', 'Panjgur', 'Kharan',
    'Dera Bugti', 'Jaffarabad', 'Naseerabad', 'Lasbela', 'Awaran', 'Washuk',
    'Ziarat']
FIRST = ['Muhammad', 'Abdul', 'Ghulam', 'Nazir', 'Akbar', 'Saima', 'Bibi',
    'Zahid', 'Naseem', 'Rashid', 'Farzana', 'Imran', 'Sajid', 'Shahida',
    'Jamal', 'Kaleem', 'Rubina', 'Tariq', 'Yasmin', 'Asghar']
LAST = ['Khan', 'Baloch', 'Kakar', 'Mengal', 'Bugti', 'Marri', 'Raisani',
    'Jamali', 'Achakzai', 'Mandokhail', 'Zehri', 'Lehri', 'Rind', 'Magsi',
    'Shah', 'Ahmed', 'Hussain', 'Ali', 'Iqbal', 'Butt']
ORGS = ['District Education Office', 'Deputy Commissioner Office',
    'Accountant General', 'Finance Department', 'Civil Hospital',
    'Municipal Committee', 'Irrigation Circle', 'Police Station',
    'Provincial Assembly Secretariat', 'High Court Registry']
INSTRUCTIONS = ['Please examine and put up.', 'For necessary action.',
    'Discuss.', 'Put up draft reply.', 'Seen. File.',
    'Please expedite.', 'Comments please.', 'As proposed.']
MODES = ['hand', 'post', 'courier', 'email', 'fax', 'portal']
CATEGORIES = ['letter', 'application', 'complaint', 'notification', 'order',
    'summary', 'court', 'assembly', 'other']
DUE_DAYS = {'normal': 7, 'urgent': 3, 'immediate': 1}
DESIGNATIONS = {  # role: (designation, grade)
    'group_department_head': ("Secretary", 20),
    'group_wing_head': ("Additional Secretary", 19),
    'group_section_officer': ("Section Officer", 17),
    'group_officer': ("Assistant", 14),
    'group_registrar': ("Dak Clerk", 11),
    }
# The two common words of the keyword search (one word of each list).
KEYWORDS = 'salary arrears'


class Province:
    """The organisation: unit and employee ids (as loaded) and who is
    where; employee i has user user0 + i and party party0 + 1 + i."""

    def __init__(self, scale, n_users):
        self.n_departments = max(2, round(60 * scale))
        self.units = []       # (id, parent, kind, code, name)
        self.employees = []   # (unit, role)
        self.heads = {}       # unit -> employee index
        self.departments = []  # per department: dict
        gov = self._unit(None, 'government', 'GOV', "Government")
        for d in range(self.n_departments):
            code = f'D{d + 1:02}'
            dept = self._unit(gov, 'department', code, f"Department {d + 1}")
            info = {'unit': dept, 'code': code, 'wings': []}
            info['head'] = self._employee(dept, 'group_department_head',
                heads=True)
            for w in range(10):
                wing = self._unit(dept, 'wing', f'W{w + 1}',
                    f"Wing {d + 1}.{w + 1}")
                wing_head = self._employee(wing, 'group_wing_head',
                    heads=True)
                sections = []
                for s in range(5):
                    section = self._unit(wing, 'section', f'S{s + 1}',
                        f"Section {d + 1}.{w + 1}.{s + 1}")
                    so = self._employee(section, 'group_section_officer',
                        heads=True)
                    sections.append([section, so, []])
                info['wings'].append((wing, wing_head, sections))
            self.departments.append(info)
        for info in self.departments:
            section, _, officers = info['wings'][0][2][0]
            info['registrar'] = self._employee(section, 'group_registrar')
        all_sections = [s for info in self.departments
            for _, _, sections in info['wings'] for s in sections]
        for i in range(max(0, n_users - len(self.employees))):
            section = all_sections[i % len(all_sections)]
            section[2].append(self._employee(section[0], 'group_officer'))
        for info in self.departments:
            info['busy_so'] = info['wings'][0][2][1][1]

    def _unit(self, parent, kind, code, name):
        self.units.append((len(self.units), parent, kind, code, name))
        return len(self.units) - 1

    def _employee(self, unit, role, heads=False):
        self.employees.append((unit, role))
        index = len(self.employees) - 1
        if heads:
            self.heads[unit] = index
        return index


def set_sequences(cursor, tables):
    "Tryton takes ids from the identity of each table"
    for name in tables:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
            f'(SELECT COALESCE(MAX(id), 1) FROM "{name}"))')


def load_organisation(conn, province):
    """Units, parties, users, employees, groups with COPY; return the
    id bases."""
    now = dt.datetime.now()
    audit = (0, now)
    cur = conn.cursor()
    cur.execute("SELECT db_id, fs_id FROM ir_model_data "
        "WHERE module = 'edaftar_base' AND model = 'res.group'")
    groups = {fs_id: db_id for db_id, fs_id in cur}
    cur.execute("SELECT menu FROM res_user WHERE login = 'admin'")
    menu, = cur.fetchone()
    currency = next_id(cur, 'currency_currency')
    cur.execute('INSERT INTO currency_currency (id, name, code, symbol, '
        'digits, rounding, active, create_uid, create_date) '
        "VALUES (%s, 'Pakistani Rupee', 'PKR', 'Rs', 2, 0.01, true, %s, %s)",
        (currency, *audit))
    employees = province.employees
    party0 = next_id(cur, 'party_party')
    copy_rows(cur, 'party_party',
        ['id', 'code', 'name', 'active', 'create_uid', 'create_date'],
        [(party0 + i, f'BENCH{i:06}',
                "Government of the Province" if not i else
                f"{FIRST[i % 20]} {LAST[(i // 20) % 20]} {i}",
                True, *audit)
            for i in range(len(employees) + 1)])
    company = next_id(cur, 'company_company')
    cur.execute('INSERT INTO company_company (id, party, currency, timezone, '
        "create_uid, create_date) VALUES (%s, %s, %s, 'Asia/Karachi', %s, %s)",
        (company, party0, currency, *audit))
    designation0 = next_id(cur, 'edaftar_designation')
    designations = {role: designation0 + i
        for i, role in enumerate(DESIGNATIONS)}
    copy_rows(cur, 'edaftar_designation',
        ['id', 'name', 'code', 'grade', 'active', 'create_uid',
            'create_date'],
        [(designations[role], name, role.removeprefix('group_'), grade,
                True, *audit)
            for role, (name, grade) in DESIGNATIONS.items()])
    unit0 = next_id(cur, 'edaftar_org_unit')
    copy_rows(cur, 'edaftar_org_unit',
        ['id', 'parent', 'kind', 'code', 'name', 'active', 'create_uid',
            'create_date'],
        [(unit0 + u, None if p is None else unit0 + p, kind, code, name,
                True, *audit)
            for u, p, kind, code, name in province.units])
    user0 = next_id(cur, 'res_user')
    employee0 = next_id(cur, 'company_employee')
    copy_rows(cur, 'res_user',
        ['id', 'login', 'name', 'active', 'menu', 'company',
            'company_filter', 'employee', 'create_uid', 'create_date'],
        [(user0 + i, f'dak{i:05}',
                f"{FIRST[(i + 1) % 20]} {LAST[((i + 1) // 20) % 20]} {i + 1}",
                True, menu, company, 'one', None, *audit)
            for i in range(len(employees))])
    copy_rows(cur, 'company_employee',
        ['id', 'party', 'company', 'user', 'edaftar_unit', 'designation',
            'start_date', 'create_uid', 'create_date'],
        [(employee0 + i, party0 + 1 + i, company, user0 + i, unit0 + u,
                designations[role], dt.date(2020, 1, 1), *audit)
            for i, (u, role) in enumerate(employees)])
    cur.execute('UPDATE res_user u SET employee = e.id '
        'FROM company_employee e WHERE e."user" = u.id AND u.id >= %s',
        (user0,))
    copy_rows(cur, 'res_user-company_employee',
        ['user', 'employee', 'create_uid', 'create_date'],
        [(user0 + i, employee0 + i, *audit) for i in range(len(employees))])
    copy_rows(cur, 'res_user-company_company',
        ['user', 'company', 'create_uid', 'create_date'],
        [(user0 + i, company, *audit) for i in range(len(employees))])
    copy_rows(cur, 'res_user-res_group',
        ['user', 'group', 'create_uid', 'create_date'],
        [(user0 + i, groups[role], *audit)
            for i, (_, role) in enumerate(employees)])
    cur.execute('CREATE TEMP TABLE bench_head (unit int, head int)')
    copy_rows(cur, 'bench_head', ['unit', 'head'],
        [(unit0 + u, employee0 + e) for u, e in province.heads.items()])
    cur.execute('UPDATE edaftar_org_unit u SET head = h.head '
        'FROM bench_head h WHERE h.unit = u.id')
    set_sequences(cur, ['currency_currency', 'party_party',
            'edaftar_designation',
            'company_company', 'edaftar_org_unit', 'res_user',
            'company_employee', 'res_user-company_employee',
            'res_user-company_company', 'res_user-res_group'])
    return {'unit': unit0, 'user': user0, 'employee': employee0,
        'company': company}


BIG_TABLES = ['edaftar_receipt', 'edaftar_movement',
    'edaftar_receipt-company_employee']


def drop_indexes(conn):
    "Drop the secondary indexes of the big tables; return their definitions"
    cur = conn.cursor()
    cur.execute("SELECT i.indexname, i.indexdef FROM pg_indexes i "
        "WHERE i.tablename = ANY(%s) AND NOT EXISTS ("
        "SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
        (BIG_TABLES,))
    definitions = cur.fetchall()
    for name, _ in definitions:
        cur.execute(f'DROP INDEX "{name}"')
    return [d for _, d in definitions]


def create_indexes(dsn, definitions):
    "Create the indexes again, two at a time (two cores)"
    def create(definition):
        with psycopg.connect(conninfo(dsn, DB), autocommit=True) as conn:
            conn.execute("SET maintenance_work_mem = '256MB'")
            conn.execute('SET max_parallel_maintenance_workers = 0')
            conn.execute(definition)
    # Biggest first: movements, then receipts (GIN last), participants.
    order = {t: i for i, t in enumerate(
            ['edaftar_movement', 'edaftar_receipt',
                'edaftar_receipt-company_employee'])}
    definitions = sorted(definitions, key=lambda d: (
            order.get(re.search(r' ON public\.("?)([\w-]+)\1', d).group(2),
                9), 'gin' in d))
    with ThreadPoolExecutor(2) as executor:
        list(executor.map(create, definitions))


class Fixtures:
    "What the generation tells the measures"

    def __init__(self):
        self.busy = {}            # department -> [receipt ids held, open]
        self.busy_unread = []     # (department, receipt id)
        self.dept_sample = []     # receipt ids of department 0
        self.numbers = []         # receipt numbers of department 0
        self.registers = {}       # (department, year) -> last number


def generate(dsn, province, bases, n_receipts, seed):
    """Stream receipts, movements and participants into three COPYs at
    once (one connection each); return Fixtures and row counts."""
    rng = random.Random(seed)
    rand, randrange, randint = rng.random, rng.randrange, rng.randint
    fx = Fixtures()
    unit0, user0, emp0 = bases['unit'], bases['user'], bases['employee']
    deps = province.departments
    nd = len(deps)
    emp_unit = [unit0 + u for u, _ in province.employees]
    today = dt.date.today()
    now = dt.datetime.now().replace(microsecond=0)
    now_ts = int((now - dt.datetime(1970, 1, 1)).total_seconds()) - 120
    days = 730
    first_day = today - dt.timedelta(days=days - 1)
    epoch = dt.datetime(1970, 1, 1)
    one_day = dt.timedelta(days=1)
    # Per department: levels to draw chains from.
    chains = []
    for info in deps:
        wings = [(wh, [(so, officers or [so])
                    for _, so, officers in sections])
            for _, wh, sections in info['wings']]
        chains.append((info['head'], info['registrar'], wings,
                [wh for wh, _ in wings]))
    counters = {}
    sample_every = max(1, n_receipts // nd // 2000)

    def ts(seconds):
        return str(epoch + dt.timedelta(seconds=seconds))

    conns = [psycopg.connect(conninfo(dsn, DB)) for _ in range(3)]
    for conn in conns:
        conn.execute('SET session_replication_role = replica')
        conn.execute('SET synchronous_commit = off')
    receipt_columns = ['id', 'number', 'department', 'received_date', 'mode',
        'sender_name', 'sender_organisation', 'letter_ref', 'letter_date',
        'subject', 'category', 'priority', 'confidentiality', 'state',
        'holder', 'holder_unit', 'due_date', 'registered_by',
        'registered_at', 'disposal_remark', 'create_uid', 'create_date']
    movement_columns = ['id', 'document', 'receipt', 'action', 'purpose',
        'from_employee', 'from_unit', 'to_employee', 'to_unit',
        'instructions', 'sent_at', 'read_at', 'due_date', 'actor',
        'create_uid', 'create_date']
    participant_columns = ['id', 'receipt', 'employee', 'create_uid',
        'create_date']

    def copy_sql(table, columns):
        names = ', '.join(f'"{c}"' for c in columns)
        return f'COPY "{table}" ({names}) FROM STDIN'

    n_moves = n_parts = 0
    with conns[0].cursor().copy(copy_sql(
                'edaftar_receipt', receipt_columns)) as c_receipt, \
            conns[1].cursor().copy(copy_sql(
                'edaftar_movement', movement_columns)) as c_move, \
            conns[2].cursor().copy(copy_sql(
                'edaftar_receipt-company_employee',
                participant_columns)) as c_part:
        b_receipt, b_move, b_part = [], [], []
        day_cache = {}
        for i in range(n_receipts):
            rid = i + 1
            day = first_day + one_day * (i * days // n_receipts)
            age = (today - day).days
            d = randrange(nd)
            head, registrar, wings, wing_heads = chains[d]
            info = deps[d]
            year = day.year
            key = (d, year)
            seq = counters[key] = counters.get(key, 0) + 1
            number = f'{info["code"]}-{year}-{seq:06d}'
            # State: most recent receipts are still open (~5% overall).
            r = rand()
            open_ = r < (0.25 if age < 90 else 0.023)
            if open_:
                r = rand()
                state = ('registered' if r < 0.15 else
                    'in_process' if r < 0.9 else 'actioned')
            else:
                state = 'closed' if rand() < 0.4 else 'archived'
            r = rand()
            priority = ('normal' if r < 0.85 else
                'urgent' if r < 0.97 else 'immediate')
            r = rand()
            confidentiality = ('normal' if r < 0.98 else
                'confidential' if r < 0.998 else 'secret')
            busy = open_ and rand() < 0.1
            if busy:
                wi, si = 0, 1
            else:
                wi, si = randrange(10), randrange(5)
            wh, sections = wings[wi]
            so, officers = sections[si]
            officer = officers[randrange(len(officers))]
            levels = (head, wh, so, officer)
            top = 3 if officer != so else 2
            r = rand()
            pos = 0 if r < 0.5 else (1 if r < 0.8 else 2)
            k = randint(1, 9)
            if not open_ and k < 2:
                k = 2
            day_str = day_cache.get(day)
            if day_str is None:
                day_str = day_cache[day] = str(day)
            base = (day - dt.date(1970, 1, 1)).days * 86400 + 9 * 3600
            t = base
            registered_at = ts(base)
            holder = registrar
            direction = 1
            moves = []
            for m in range(k):
                t += randint(1800, 36000)
                purpose = 'action'
                if m == 0:
                    to, action = levels[pos], 'mark'
                elif not open_ and m == k - 1:
                    to, action = holder, 'close'
                elif rand() < 0.1:
                    to = wing_heads[randrange(10)]
                    action, purpose = 'forward', 'information'
                else:
                    new = pos + direction
                    if new > top:
                        direction, new = -1, pos - 1
                    elif new < 0:
                        direction, new = 1, 1
                    action = 'mark' if new > pos else 'forward'
                    pos = new
                    to = levels[pos]
                moves.append([action, purpose, holder, to, t])
                if purpose == 'action':
                    holder = to
            if busy and holder != so:
                t += randint(1800, 36000)
                moves.append(['mark', 'action', holder, so, t])
                holder = so
            due = day + dt.timedelta(days=DUE_DAYS[priority])
            due_str = str(due)
            last_action = max(j for j, mv in enumerate(moves)
                if mv[1] == 'action')
            participants = set()
            for j, (action, purpose, frm, to, t) in enumerate(moves):
                if t > now_ts:
                    t = now_ts - (len(moves) - j) * 60
                if open_ and j == last_action and rand() < 0.5:
                    read = r'\N'
                    if holder == info['busy_so']:
                        fx.busy_unread.append((d, rid))
                elif purpose == 'information' and rand() < 0.3:
                    read = r'\N'
                else:
                    read = ts(min(t + randint(300, 14400), now_ts))
                sent = ts(t)
                n_moves += 1
                instructions = (INSTRUCTIONS[randrange(8)]
                    if rand() < 0.3 else r'\N')
                b_move.append(
                    f'{n_moves}\tedaftar.receipt,{rid}\t{rid}\t{action}\t'
                    f'{purpose}\t{emp0 + frm}\t{emp_unit[frm]}\t{emp0 + to}'
                    f'\t{emp_unit[to]}\t{instructions}\t{sent}\t{read}\t'
                    f'{due_str if action == "mark" else chr(92) + "N"}\t'
                    f'{user0 + frm}\t{user0 + frm}\t{sent}\n')
                participants.add(frm)
                participants.add(to)
            for e in participants:
                n_parts += 1
                b_part.append(f'{n_parts}\t{rid}\t{emp0 + e}\t'
                    f'{user0 + registrar}\t{registered_at}\n')
            a = ACTIONS_W[randrange(12)]
            topic = TOPICS[randrange(20)]
            second = SECONDS[randrange(10)]
            place = PLACES[randrange(20)]
            subject = (f'{a} of {topic} {second} for {place} district, '
                f'ref {randrange(100000)}')
            if rand() < 0.6:
                sender = (f'{FIRST[randrange(20)]} {LAST[randrange(20)]}')
                organisation = r'\N'
            else:
                sender = 'The Section Officer'
                organisation = f'{ORGS[randrange(10)]} {place}'
            letter_day = str(day - dt.timedelta(days=randrange(1, 15)))
            b_receipt.append(
                f'{rid}\t{number}\t{unit0 + info["unit"]}\t{day_str}\t'
                f'{MODES[randrange(6)]}\t{sender}\t{organisation}\t'
                f'No. {info["code"]}/{randrange(1, 9999)}/{year}\t'
                f'{letter_day}\t{subject}\t{CATEGORIES[randrange(9)]}\t'
                f'{priority}\t{confidentiality}\t{state}\t{emp0 + holder}\t'
                f'{emp_unit[holder]}\t{due_str}\t{emp0 + registrar}\t'
                f'{registered_at}\t'
                f'{"Disposed of." if not open_ else chr(92) + "N"}\t'
                f'{user0 + registrar}\t{registered_at}\n')
            if open_ and holder == info['busy_so']:
                fx.busy.setdefault(d, []).append(rid)
            if (d == 0 and i % sample_every == 0
                    and confidentiality == 'normal'):
                fx.dept_sample.append(rid)
                fx.numbers.append(number)
            if i % 2000 == 1999:
                c_receipt.write(''.join(b_receipt))
                c_move.write(''.join(b_move))
                c_part.write(''.join(b_part))
                b_receipt, b_move, b_part = [], [], []
        c_receipt.write(''.join(b_receipt))
        c_move.write(''.join(b_move))
        c_part.write(''.join(b_part))
    for conn in conns:
        conn.commit()
        conn.close()
    fx.registers = counters
    return fx, {'receipts': n_receipts, 'movements': n_moves,
        'participants': n_parts}


def load_registers(conn, province, bases, registers):
    "One strict sequence per department and year, continuing the numbers"
    cur = conn.cursor()
    cur.execute("SELECT db_id FROM ir_model_data WHERE module = "
        "'edaftar_dak' AND fs_id = 'sequence_type_receipt'")
    sequence_type, = cur.fetchone()
    year = dt.date.today().year
    for d in range(len(province.departments)):
        registers.setdefault((d, year), 0)
    now = dt.datetime.now()
    sequence0 = next_id(cur, 'ir_sequence_strict')
    rows, links = [], []
    for i, ((d, year), last) in enumerate(sorted(registers.items())):
        code = province.departments[d]['code']
        rows.append((sequence0 + i, f'{code} receipt {year}', sequence_type,
                f'{code}-{year}-', 6, 'incremental', last + 1, 1, 1.0,
                946681200.0, 0, True, 0, now))
        links.append((bases['unit'] + province.departments[d]['unit'], year,
                'receipt', sequence0 + i, 0, now))
    copy_rows(cur, 'ir_sequence_strict',
        ['id', 'name', 'sequence_type', 'prefix', 'padding', 'type',
            'number_next_internal', 'number_increment', 'timestamp_rounding',
            'timestamp_offset', 'last_timestamp', 'active', 'create_uid',
            'create_date'], rows)
    copy_rows(cur, 'edaftar_document_sequence',
        ['department', 'year', 'kind', 'sequence', 'create_uid',
            'create_date'], links)
    set_sequences(cur, ['ir_sequence_strict', 'edaftar_document_sequence'])


def bases_from_db(conn, province):
    """Return the id bases of the province loaded in the database of conn
    (exit when it was not loaded by this script at the same scale)"""
    def one(sql, *params):
        row = conn.execute(sql, params).fetchone()
        if not row or row[0] is None:
            sys.exit(f"{DB} was not loaded by this script: {sql}")
        return row[0]
    unit0 = one("SELECT id FROM edaftar_org_unit WHERE code = 'GOV' "
        "AND parent IS NULL")
    user0 = one("SELECT id FROM res_user WHERE login = 'dak00000'")
    employee0 = one('SELECT id FROM company_employee WHERE "user" = %s',
        user0)
    company = one('SELECT company FROM company_employee WHERE id = %s',
        employee0)
    # The executive offices are not the Dak's (bench_directive.py adds them).
    units = one('SELECT count(*) FROM edaftar_org_unit WHERE id >= %s '
        "AND kind != 'executive'", unit0)
    if units != len(province.units):
        sys.exit(f"{DB} has {units} units, --scale gives "
            f"{len(province.units)}: give the --scale of the load")
    return {'unit': unit0, 'user': user0, 'employee': employee0,
        'company': company}


def fixtures_from_db(dsn, province):
    """Find the id bases and the fixtures in a database loaded before
    (--reuse)"""
    fx = Fixtures()
    with psycopg.connect(conninfo(dsn, DB)) as conn:
        bases = bases_from_db(conn, province)
        employee0 = bases['employee']
        for d, info in enumerate(province.departments):
            section = info['wings'][0][2][1]
            other = section[2][0] if section[2] else section[1]
            holders = [employee0 + info['busy_so'], employee0 + other]
            fx.busy[d] = [r for r, in conn.execute(
                    'SELECT id FROM edaftar_receipt WHERE holder = ANY(%s) '
                    'AND state = ANY(%s) ORDER BY id',
                    (holders, OPEN_STATES))]
            fx.busy_unread += [(d, r) for r, in conn.execute(
                    'SELECT r.id FROM edaftar_receipt r WHERE r.holder = %s '
                    'AND r.state = ANY(%s) AND EXISTS (SELECT 1 FROM '
                    'edaftar_movement m WHERE m.receipt = r.id AND '
                    'm.to_employee = r.holder AND m.read_at IS NULL) '
                    'ORDER BY r.id', (holders[0], OPEN_STATES))]
        rows = conn.execute('SELECT id, number FROM edaftar_receipt '
            "WHERE department = %s AND confidentiality = 'normal' "
            "AND number IS NOT NULL ORDER BY id DESC LIMIT 2000",
            (bases['unit'] + province.departments[0]['unit'],)).fetchall()
        random.Random(1).shuffle(rows)
        fx.dept_sample = [r for r, _ in rows]
        fx.numbers = [n for _, n in rows]
    # Interleave the departments, as the generation does.
    fx.busy_unread.sort(key=lambda x: (x[1], x[0]))
    return bases, fx


def load(dsn, province, n_receipts, seed):
    "Load everything; return the id bases, fixtures, counts and timings"
    timings = {}
    start = time.perf_counter()
    with psycopg.connect(conninfo(dsn, DB)) as conn:
        conn.execute('SET session_replication_role = replica')
        bases = load_organisation(conn, province)
        definitions = drop_indexes(conn)
    timings['organisation'] = time.perf_counter() - start
    start = time.perf_counter()
    fx, counts = generate(dsn, province, bases, n_receipts, seed)
    with psycopg.connect(conninfo(dsn, DB)) as conn:
        set_sequences(conn.cursor(), BIG_TABLES)
        load_registers(conn, province, bases, fx.registers)
    timings['copy'] = time.perf_counter() - start
    start = time.perf_counter()
    create_indexes(dsn, definitions)
    timings['indexes'] = time.perf_counter() - start
    start = time.perf_counter()

    def vacuum(tables):
        with psycopg.connect(conninfo(dsn, DB), autocommit=True) as conn:
            for name in tables:
                conn.execute(f'VACUUM (ANALYZE) "{name}"')
    with ThreadPoolExecutor(2) as executor:
        list(executor.map(vacuum, [['edaftar_movement'],
                    ['edaftar_receipt', 'edaftar_receipt-company_employee']]))
    with psycopg.connect(conninfo(dsn, DB), autocommit=True) as conn:
        conn.execute('ANALYZE')
    timings['vacuum_analyze'] = time.perf_counter() - start
    return bases, fx, counts, timings


# --- in-process Tryton ---------------------------------------------------

def new_sessions(pool, user_ids):
    """Return {user id: (login, user id, key)}: sessions opened in the
    database (as common.db.login does), for the many users of the
    measures; a handful of users log in over JSON-RPC too."""
    from trytond.transaction import Transaction
    sessions = {}
    with Transaction().start(DB, 0) as transaction:
        User = pool.get('res.user')
        Session = pool.get('ir.session')
        for user in User.browse(sorted(set(user_ids))):
            with transaction.set_user(user.id):
                sessions[user.id] = (
                    user.login, user.id, Session.new({
                            'ip_address': LOCALHOST}))
        transaction.commit()
    return sessions


def scope_of(pool, user_id):
    from trytond.transaction import Transaction
    with Transaction().start(DB, user_id, readonly=True):
        return pool.get('res.user').get_edaftar_scope()


class SQLCapture(logging.Handler):
    "Collect the SQL of trytond's LoggingCursor (mogrified)"

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.statements = []

    def emit(self, record):
        self.statements.append(record.getMessage())


@contextmanager
def capture_sql():
    logger = logging.getLogger('trytond.backend.postgresql.database')
    handler = SQLCapture()
    level, propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    try:
        yield handler.statements
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate


def trace(pool, dsn, user_id, context, calls):
    """Run calls (model, method, args) in-process as user_id, with the
    access checks of RPC; return [(ms, statement, plan)] of their SELECTs,
    timed with EXPLAIN ANALYZE, slowest first, and the in-process time."""
    from trytond.transaction import Transaction
    context = {k: v for k, v in context.items() if not k.startswith('_')}
    context['_check_access'] = True

    def run():
        # A fresh transaction, as each RPC call has (empty record cache).
        with Transaction().start(DB, user_id, readonly=True,
                context=context):
            for model, method, args in calls:
                getattr(pool.get(model), method)(*args)
    for _ in range(3):
        run()  # warm the caches of the process
    with capture_sql() as statements:
        duration, _ = timed(run)
    results = []
    with psycopg.connect(conninfo(dsn, DB), autocommit=True) as conn:
        for sql in statements:
            head = sql.lstrip()[:20].upper()
            if not (head.startswith('SELECT') or head.startswith('WITH')) \
                    or 'FOR UPDATE' in sql.upper():
                continue
            best = None
            for _ in range(2):  # the second one with warm catalog caches
                plan = [r[0] for r in conn.execute(
                        'EXPLAIN (ANALYZE, BUFFERS) ' + sql)]
                total = sum(float(m.group(1)) for line in plan
                    for m in [re.search(r'(?:Planning|Execution) Time: '
                            r'([\d.]+) ms', line)] if m)
                if best is None or total < best[0]:
                    best = (total, sql, plan)
            results.append(best)
    results.sort(key=lambda r: -r[0])
    return results, duration, len(statements)


def trace_write(pool, user_id, context, func):
    """Run func() in-process as user_id the way the RPC dispatcher does
    (restarting on TransactionError); return (statements, attempts,
    seconds)"""
    from trytond.transaction import Transaction, TransactionError
    context = {k: v for k, v in context.items() if not k.startswith('_')}
    context['_check_access'] = True
    extras, attempts = {}, 0
    with capture_sql() as statements:
        start = time.perf_counter()
        while True:
            attempts += 1
            with Transaction().start(DB, user_id, context=context,
                    **extras) as transaction:
                try:
                    func(pool)
                except TransactionError as e:
                    transaction.rollback()
                    e.fix(extras)
                    continue
                transaction.commit()
                break
        duration = time.perf_counter() - start
    return len(statements), attempts, duration


# --- JSON-RPC ------------------------------------------------------------

class RPCError(RuntimeError):
    pass


class Exhausted(Exception):
    "Raised by a write operation that has nothing left to act on"


def encode(value):
    if isinstance(value, dt.date):
        return {'__class__': 'date', 'year': value.year,
            'month': value.month, 'day': value.day}
    raise TypeError(repr(value))


class Client:
    "A JSON-RPC client on a kept-alive connection (one per thread)"

    def __init__(self, port):
        self.port = port
        self.connection = None

    def call(self, method, params, session=None, path=None):
        path = path or f'/{DB}/rpc/'
        # Compressed answers, as browsers ask: trytond otherwise streams
        # bigger answers in small chunks that TCP delays.
        headers = {
            'Content-Type': 'application/json', 'Accept-Encoding': 'gzip'}
        if session:
            token = base64.b64encode(':'.join(map(str, session)).encode())
            headers['Authorization'] = f'Session {token.decode()}'
        body = json.dumps(
            {'id': 0, 'method': method, 'params': params}, default=encode)
        for attempt in range(3):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    LOCALHOST, self.port, timeout=120)
            try:
                self.connection.request('POST', path, body, headers)
                response = self.connection.getresponse()
                data = response.read()
                if response.getheader('Connection', '').lower() == 'close':
                    self.connection.close()
                    self.connection = None
                break
            except (http.client.HTTPException, ConnectionError):
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
        if response.status != 200:
            raise RPCError(f'{method}: HTTP {response.status} {data[:300]!r}')
        if response.getheader('Content-Encoding') == 'gzip':
            data = gzip.decompress(data)
        data = json.loads(data)
        if data.get('error'):
            raise RPCError(f'{method}: {str(data["error"])[:500]}')
        return data['result']


class Server:
    "trytond (one process) or gunicorn (workers) in a subprocess"

    def __init__(self, tmp, dsn, gunicorn=False, workers=2, threads=0):
        self.port = free_port()
        self.log = Path(tmp, f'server-{self.port}.log')
        logconf = Path(tmp, 'logging.conf')
        logconf.write_text(LOGGING)
        env = {**os.environ, 'TRYTOND_DATABASE_NAMES': DB}
        if gunicorn:
            config = write_config(tmp, dsn)
            env.update(TRYTOND_CONFIG=str(config),
                TRYTOND_LOGGING_LEVEL=str(logging.WARNING))
            command = [BIN / 'gunicorn', '--workers', str(workers),
                '--bind', f'{LOCALHOST}:{self.port}', '--timeout', '120',
                '--log-level', 'warning', 'trytond.application:app']
            if threads:
                # As docker-compose.yml serves: threads in each process.
                command[1:1] = ['--worker-class', 'gthread',
                    '--threads', str(threads)]
        else:
            config = write_config(tmp, dsn, self.port)
            command = [BIN / 'trytond', '-c', config, '-d', DB,
                '--logconf', logconf]
        with open(self.log, 'w') as log:
            self.process = subprocess.Popen(command, env=env,
                stdout=subprocess.DEVNULL, stderr=log, cwd=tmp)
        self.client = Client(self.port)

    def wait(self, timeout=180):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f'server on port {self.port} exited:\n'
                    + self.log.read_text()[-3000:])
            try:
                self.client.call('common.server.version', [], path='/rpc/')
                return
            except (OSError, http.client.HTTPException, RPCError):
                self.client.connection = None
                time.sleep(0.3)
        sys.exit(f'server on port {self.port} did not start')

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def login(self, login):
        user_id, key, *_ = self.client.call(
            'common.db.login', [login, {'password': PASSWORD}, 'en'])
        return (login, user_id, key)


class User:
    "A session and its context, as the web client keeps them"

    def __init__(self, client, session):
        self.client, self.session = client, session
        self.id = session[1]
        self.context = client.call(
            'model.res.user.get_preferences', [True, {}], session)

    def __call__(self, model, method, *args):
        return self.client.call(f'model.{model}.{method}',
            [*args, self.context], self.session)


# --- read measures -------------------------------------------------------

SQL_RECEIPT_LIST = '''
SELECT r.id, r.number, r.received_date, r.subject, r.sender_name,
    r.priority, r.holder, hp.name, r.due_date, r.state, r.confidentiality,
    r.department, d.name
FROM edaftar_receipt r
JOIN company_employee he ON he.id = r.holder
JOIN party_party hp ON hp.id = he.party
JOIN edaftar_org_unit d ON d.id = r.department
WHERE {where}
ORDER BY r.received_date DESC, r.id DESC LIMIT 50'''
SQL_SCOPE = ('''(r.confidentiality = 'normal'
        AND r.holder_unit = ANY(%(units)s)
    OR r.holder = ANY(%(employees)s)
    OR EXISTS (SELECT 1 FROM "edaftar_receipt-company_employee" p
        WHERE p.receipt = r.id AND p.employee = ANY(%(employees)s)))''')
SQL_SUBTREE = '''ARRAY(WITH RECURSIVE t(id) AS (
    SELECT id FROM edaftar_org_unit WHERE id = %(dept)s
    UNION ALL SELECT u.id FROM edaftar_org_unit u JOIN t ON u.parent = t.id)
    SELECT id FROM t)'''
SQL_OPEN = ['''
SELECT r.*, d.name, hp.name, hu.name, rp.name,
    ARRAY(SELECT m.id FROM edaftar_movement m WHERE m.receipt = r.id
        ORDER BY m.sent_at, m.id) AS movements,
    ARRAY(SELECT p.employee FROM "edaftar_receipt-company_employee" p
        WHERE p.receipt = r.id) AS participants
FROM edaftar_receipt r
JOIN edaftar_org_unit d ON d.id = r.department
LEFT JOIN company_employee he ON he.id = r.holder
LEFT JOIN party_party hp ON hp.id = he.party
LEFT JOIN edaftar_org_unit hu ON hu.id = r.holder_unit
LEFT JOIN company_employee re ON re.id = r.registered_by
LEFT JOIN party_party rp ON rp.id = re.party
WHERE r.id = %(id)s''', '''
SELECT m.*, r.number, fp.name, tp.name
FROM edaftar_movement m
JOIN edaftar_receipt r ON r.id = m.receipt
LEFT JOIN company_employee fe ON fe.id = m.from_employee
LEFT JOIN party_party fp ON fp.id = fe.party
LEFT JOIN company_employee te ON te.id = m.to_employee
LEFT JOIN party_party tp ON tp.id = te.party
WHERE m.receipt = %(id)s ORDER BY m.sent_at, m.id''']
# The receipt's own words as edaftar_dak indexes them (keyword_text).
SQL_FTS_WORD = ("""to_tsvector('simple', regexp_replace(
    COALESCE(r.subject, '') || ' ' || COALESCE(r.sender_name, '') || ' '
    || COALESCE(r.sender_organisation, '') || ' '
    || COALESCE(r.letter_ref, ''), '[[:punct:]]+', ' ', 'g')) @@ {q}""")


def keyword_where(words):
    return ' AND '.join(SQL_FTS_WORD.format(
            q=f"phraseto_tsquery('simple', %(w{i})s)")
        for i in range(len(words)))


class Measure:
    "One read measure: RPC calls and their SQL floor, interleaved"

    def __init__(self, key, label, target, rpc, sql, trace_calls=None,
            user=None):
        self.key, self.label, self.target = key, label, target
        self.rpc, self.sql = rpc, sql
        self.trace_calls, self.user = trace_calls, user
        self.rpc_times, self.sql_times = [], []
        self.rows = None
        self.errors = []

    def run(self, conn, calls, warmup=5, max_seconds=45):
        deadline = time.monotonic() + max_seconds
        for i in range(calls + warmup):
            if i > warmup + 4 and time.monotonic() > deadline:
                break
            try:
                duration, result = timed(self.rpc, i)
            except RPCError as e:
                self.errors.append(str(e))
                if len(self.errors) > 20:
                    break
                continue
            sql_duration, _ = timed(self.sql, conn, i)
            if i >= warmup:
                self.rpc_times.append(duration)
                self.sql_times.append(sql_duration)
            if self.rows is None:
                self.rows = len(result) if isinstance(result, list) else 1


def run_sql(conn, queries, params):
    for query in queries:
        with conn.cursor() as cur:
            cur.execute(query, params, prepare=True)
            cur.fetchall()


def read_measures(server, sessions, province, bases, fx, dsn, args, pool,
        scopes):
    "Build the read measures; return them with the bare RPC times"
    client = server.client
    unit0, emp0 = bases['unit'], bases['employee']
    dept = province.departments[0]
    so = User(client, sessions['so'])
    head = User(client, sessions['head'])
    so_emp = emp0 + dept['busy_so']
    dept_id = unit0 + dept['unit']
    head_scope = scopes['head']
    open_domain = [('state', 'in', OPEN_STATES)]
    measures = []

    # A user's inbox.
    inbox = [('held_by_me', '=', True)] + open_domain
    measures.append(Measure('inbox',
        "user's inbox: section officer, held_by_me + open, limit 50",
        TARGETS['inbox'],
        lambda i: so('edaftar.receipt', 'search_read', inbox, 0, 50, None,
            RECEIPT_LIST_FIELDS),
        lambda conn, i: run_sql(conn, [SQL_RECEIPT_LIST.format(
                    where="r.holder = %(e)s AND r.state IN "
                    "('registered', 'in_process', 'actioned')")],
            {'e': so_emp}),
        [('edaftar.receipt', 'search_read',
                (inbox, 0, 50, None, RECEIPT_LIST_FIELDS))], so))

    # A department head's inbox, two ways.
    scope_params = {'units': list(head_scope['units']),
        'employees': list(head_scope['acting_for']), 'dept': dept_id}
    dept_sql = SQL_RECEIPT_LIST.format(
        where="r.holder_unit = ANY(" + SQL_SUBTREE + ") AND r.state IN "
        "('registered', 'in_process', 'actioned') AND " + SQL_SCOPE)
    for label, domain in [
            ("child_of dept", [('holder_unit', 'child_of', [dept_id],
                        'parent')] + open_domain),
            (f"in scope ({len(head_scope['units'])} units)",
                [('holder_unit', 'in', list(head_scope['units']))]
                + open_domain)]:
        measures.append(Measure('dept_inbox',
            f"department head's inbox: holder_unit {label}, open, limit 50",
            TARGETS['dept_inbox'],
            lambda i, domain=domain: head('edaftar.receipt', 'search_read',
                domain, 0, 50, None, RECEIPT_LIST_FIELDS),
            lambda conn, i: run_sql(conn, [dept_sql], scope_params),
            [('edaftar.receipt', 'search_read',
                    (domain, 0, 50, None, RECEIPT_LIST_FIELDS))], head))

    # Open a receipt with its movement history.
    def open_receipt(user, receipt_id):
        receipt, = user('edaftar.receipt', 'read', [receipt_id],
            RECEIPT_FORM_FIELDS)
        return user('edaftar.movement', 'read', receipt['movements'],
            MOVEMENT_LIST_FIELDS)

    sample = fx.dept_sample or [1]
    measures.append(Measure('open',
        "open a receipt + read its movements, department head "
        "(not the recipient)", TARGETS['open'],
        lambda i: open_receipt(head, sample[i % len(sample)]),
        lambda conn, i: run_sql(
            conn, SQL_OPEN, {'id': sample[i % len(sample)]}),
        [('edaftar.receipt', 'read', ([sample[0]], RECEIPT_FORM_FIELDS))],
        head))
    # As the holder, on receipts with an unread move to them: the read
    # marks them read in a transaction of its own.
    unread = fx.busy_unread[:args.calls + 5]
    holders = {d: User(client, sessions[('busy', d)])
        for d in {d for d, _ in unread}}
    if unread:
        def open_as_holder(i):
            d, receipt_id = unread[i % len(unread)]
            return open_receipt(holders[d], receipt_id)
        measures.append(Measure('open',
            f"open as the holder, unread move (marks read; "
            f"{len(holders)} users, {len(unread)} receipts)",
            TARGETS['open'], open_as_holder,
            lambda conn, i: run_sql(conn, SQL_OPEN,
                {'id': unread[i % len(unread)][1]})))

    # Find by number.
    numbers = fx.numbers or ['-']
    measures.append(Measure('number',
        "find by number: department head, number = X",
        TARGETS['number'],
        lambda i: head('edaftar.receipt', 'search_read',
            [('number', '=', numbers[i % len(numbers)])], 0, None, None,
            RECEIPT_LIST_FIELDS),
        lambda conn, i: run_sql(conn, [SQL_RECEIPT_LIST.format(
                    where="r.number = %(n)s AND " + SQL_SCOPE)],
            {**scope_params, 'n': numbers[i % len(numbers)]}),
        [('edaftar.receipt', 'search_read',
                ([('number', '=', numbers[0])], 0, None, None,
                    RECEIPT_LIST_FIELDS))], head))

    # Keyword search over the archive.
    fields = head('edaftar.receipt', 'fields_get', ['keywords'])
    words = KEYWORDS.split()
    if 'keywords' in fields:
        domain = [('keywords', 'ilike', KEYWORDS)]
        label = f"keyword search: keywords ilike '{KEYWORDS}'"
    else:
        domain = [('subject', 'ilike', f'%{words[0]}%')]
        label = (f"keyword search: NO keywords field, subject ilike "
            f"'%{words[0]}%'")
    measures.append(Measure('keywords',
        label + ", department head, limit 50", TARGETS['keywords'],
        lambda i: head('edaftar.receipt', 'search_read', domain, 0, 50, None,
            RECEIPT_LIST_FIELDS),
        lambda conn, i: run_sql(conn, [SQL_RECEIPT_LIST.format(
                    where=keyword_where(words) + ' AND ' + SQL_SCOPE)],
            {**scope_params, **{f'w{i}': w for i, w in enumerate(words)}}),
        [('edaftar.receipt', 'search_read',
                (domain, 0, 50, None, RECEIPT_LIST_FIELDS))], head))
    return measures, so, head


def measure_reads(server, measures, dsn, args):
    bare_user = measures[0].user
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
    return bare


# --- write measures ------------------------------------------------------

def run_writers(port, workers, seconds):
    """Run each worker(client, stop) in its thread for seconds; return the
    durations of all operations and the errors"""
    stop = threading.Event()
    results = [[] for _ in workers]
    errors = [[] for _ in workers]

    def loop(index, worker):
        client = Client(port)
        op = worker(client)
        while not stop.is_set():
            try:
                duration, _ = timed(op)
                results[index].append(duration)
            except Exhausted:
                break
            except Exception as e:  # noqa: BLE001
                errors[index].append(str(e)[:300])
                if len(errors[index]) > 20:
                    break
    threads = [threading.Thread(target=loop, args=(i, w))
        for i, w in enumerate(workers)]
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


def write_measures(server, sessions, province, bases, fx, args, dsn):
    """Register, mark and forward from args.threads client threads; return
    rows for the table"""
    emp0 = bases['employee']
    nd = len(province.departments)
    port = server.port
    rows = []
    today = dt.date.today()

    # Register: a registrar of a different department in each thread.
    def registerer(t):
        d = t % nd
        dept_id = bases['unit'] + province.departments[d]['unit']

        def make(client):
            user = User(client, sessions[('registrar', d)])
            counter = iter(range(10 ** 9))

            def op():
                n = next(counter)
                ids = user('edaftar.receipt', 'create', [{
                            'department': dept_id,
                            'received_date': today,
                            'mode': 'post',
                            'sender_name': 'Bench Sender',
                            'subject': f'Bench receipt {t}.{n} salary arrears',
                            'category': 'letter',
                            'priority': 'normal',
                            'confidentiality': 'normal',
                            }])
                user('edaftar.receipt', 'register', ids)
            return op
        return make

    # Mark / forward: ping-pong between the busy section officer of a
    # department and an officer of the same section; each thread has its
    # own receipts (open, held by the busy section officer).
    state = {}

    def mover(t, action):
        d = t % nd
        info = province.departments[d]
        so = info['busy_so']
        section = info['wings'][0][2][1]
        other = section[2][0] if section[2] else info['wings'][0][2][0][1]
        sharing = [x for x in range(args.threads) if x % nd == d]
        receipts = fx.busy.get(d, [])[sharing.index(t)::len(sharing)]

        def make(client):
            users = {so: User(client, sessions[('busy', d)]),
                other: User(client, sessions[('other', d)])}
            i = iter(range(10 ** 9))

            def op():
                rid = receipts[next(i) % len(receipts)]
                holder = state.get(rid, so)
                to = other if holder == so else so
                users[holder]('edaftar.movement', 'create', [{
                            'document': f'edaftar.receipt,{rid}',
                            'action': action,
                            'purpose': 'action',
                            'to_employee': emp0 + to,
                            }])
                state[rid] = to
            return op
        return make

    plans = [
        # One register per department: clerks of one department queue on
        # its register (a NOWAIT lock).
        ("register (create + register button)",
            [registerer(t) for t in range(min(args.threads, nd))], 2),
        ("mark (create edaftar.movement, action 'mark')",
            [mover(t, 'mark') for t in range(args.threads)], 1),
        ("forward (create edaftar.movement, action 'forward')",
            [mover(t, 'forward') for t in range(args.threads)], 1),
        ]
    floors = sql_write_floors(dsn, province, bases, fx)
    with psycopg.connect(conninfo(dsn, DB)) as conn:
        ids = [r for rs in fx.busy.values() for r in rs]
        state.update((r, h - emp0) for r, h in conn.execute(
                'SELECT id, holder FROM edaftar_receipt WHERE id = ANY(%s)',
                (ids,)))
    for (label, workers, rpcs), floor in zip(plans, floors):
        with step(f"  {label}"):
            times, errors, elapsed = run_writers(
                port, workers, args.write_seconds)
        ops = len(times) / elapsed
        rows.append([label, len(workers), len(times), len(errors),
                f'{ops:.1f}', f'{ops * rpcs:.1f}', ms(pct(times, 50)),
                ms(pct(times, 95)), f'{floor:.0f}',
                f">= {TARGETS['write']}",
                'ok' if ops >= TARGETS['write'] and not errors else 'MISSED'])
        for error in sorted(set(errors))[:3]:
            print(f"    error: {error}", file=sys.stderr)
        rows[-1].append(sorted(set(errors))[:1])
    return rows


# What a user of the mixed workload does, with its weight.
MIXED_ACTIONS = [
    ('open the inbox', 40), ('open a receipt with its history', 30),
    ('keyword search', 10), ('find by number', 10),
    ('forward a receipt to a colleague', 10)]


def mixed_workload(port, pool, dsn, bases, args):
    """DESIGN.md §5: args.mixed_users logged-in users, each acting every 30 s
    on average (Poisson arrivals, so acts of different users overlap as they
    would), against gunicorn with 2 workers. Each user holds open receipts
    and forwards them to a colleague of the same unit. The time of an act is
    taken from when it was due, so waiting for the server counts. Return
    the table rows and the first errors."""
    emp0, user0 = bases['employee'], bases['user']
    rng = random.Random(args.seed)
    with psycopg.connect(conninfo(dsn, DB)) as conn:
        holders = conn.execute("""
            SELECT r.holder, array_agg(r.id ORDER BY r.id)
            FROM edaftar_receipt r
            JOIN company_employee e ON e.id = r.holder
            JOIN res_user u ON u.id = e.user AND u.active
            WHERE r.state IN ('registered', 'in_process', 'actioned')
                AND r.confidentiality = 'normal'
            GROUP BY r.holder ORDER BY r.holder LIMIT %s""",
            (args.mixed_users,)).fetchall()
        colleague = dict(conn.execute("""
            SELECT DISTINCT ON (h.id) h.id, c.id
            FROM company_employee h
            JOIN company_employee c
                ON c.edaftar_unit = h.edaftar_unit AND c.id != h.id
            JOIN res_user u ON u.id = c.user AND u.active
            WHERE h.id = ANY(%s) ORDER BY h.id, c.id""",
            ([h for h, _ in holders],)).fetchall())
        numbers = dict(conn.execute(
                "SELECT id, number FROM edaftar_receipt WHERE id = ANY(%s)",
                ([i for _, ids in holders for i in ids[:20]],)).fetchall())
    employees = [h for h, _ in holders]
    holdings = {h: list(ids) for h, ids in holders}
    holdings_lock = threading.Lock()
    sessions = new_sessions(pool, [user0 + e - emp0 for e in employees])
    local = threading.local()

    def client():
        if not hasattr(local, 'client'):
            local.client = Client(port)
        return local.client

    contexts = {}

    def user_of(employee):
        session = sessions[user0 + employee - emp0]
        if employee not in contexts:
            contexts[employee] = client().call(
                'model.res.user.get_preferences', [True, {}], session)
        return lambda model, method, *a: client().call(
            f'model.{model}.{method}', [*a, contexts[employee]], session)

    with ThreadPoolExecutor(8) as executor:
        list(executor.map(user_of, employees))

    def act(kind, employee):
        user = user_of(employee)
        with holdings_lock:
            held = holdings[employee]
            receipt = rng.choice(held) if held else None
            if kind == 4 and receipt and employee in colleague:
                held.remove(receipt)
            elif kind == 4:
                kind = 0
        if kind in {1, 3} and not receipt:
            kind = 0
        if kind == 0:
            user('edaftar.receipt', 'search_read',
                [('held_by_me', '=', True), ('state', 'in', OPEN_STATES)],
                0, 50, None, RECEIPT_LIST_FIELDS)
        elif kind == 1:
            form, = user('edaftar.receipt', 'read', [receipt],
                RECEIPT_FORM_FIELDS)
            user('edaftar.movement', 'read', form['movements'],
                MOVEMENT_LIST_FIELDS)
        elif kind == 2:
            words = f'{rng.choice(TOPICS)} {rng.choice(SECONDS)}'
            user('edaftar.receipt', 'search_read',
                [('keywords', 'ilike', words)], 0, 50, None,
                RECEIPT_LIST_FIELDS)
        elif kind == 3:
            user('edaftar.receipt', 'search_read',
                [('number', '=', numbers.get(receipt, '-'))], 0, None, None,
                RECEIPT_LIST_FIELDS)
        else:
            to = colleague[employee]
            user('edaftar.movement', 'create', [{
                        'document': f'edaftar.receipt,{receipt}',
                        'action': 'forward', 'purpose': 'action',
                        'to_employee': to}])
            with holdings_lock:
                if to in holdings:
                    holdings[to].append(receipt)
        return kind

    rate = len(employees) / 30
    weights = [w for _, w in MIXED_ACTIONS]
    schedule, t = [], rng.expovariate(rate)
    while t < args.mixed_warmup + args.mixed_seconds:
        schedule.append((t, rng.choices(range(len(weights)), weights)[0],
                rng.choice(employees)))
        t += rng.expovariate(rate)
    results, errors = [], []

    def run(due, kind, employee, measured):
        try:
            kind = act(kind, employee)
            if measured:
                results.append((kind, time.perf_counter() - due))
        except Exception as e:  # noqa: BLE001
            errors.append(f'{MIXED_ACTIONS[kind][0]}: {str(e)[:300]}')
    with ThreadPoolExecutor(32) as executor:
        start = time.perf_counter()
        for offset, kind, employee in schedule:
            due = start + offset
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            executor.submit(run, due, kind, employee,
                offset >= args.mixed_warmup)
    elapsed = time.perf_counter() - start - args.mixed_warmup
    rows = []
    for kind, (label, _) in enumerate(MIXED_ACTIONS):
        times = [d for k, d in results if k == kind]
        rows.append([label, len(times), ms(pct(times, 50)),
                ms(pct(times, 95)), '', ''])
    every = [d for _, d in results]
    p95 = pct(every, 95) * 1e3
    rows.append([f"all acts ({len(every) / elapsed:.1f}/s over "
            f"{elapsed:.0f} s)", len(every), ms(pct(every, 50)),
            ms(pct(every, 95)), f"<= {TARGETS['mixed']}, no errors",
            'ok' if p95 <= TARGETS['mixed'] and not errors else 'MISSED'])
    return rows, len(employees), errors


def sql_write_floors(dsn, province, bases, fx, n=200):
    """ops/s of the same writes in raw SQL from one client (commit each):
    register, then a move (twice: mark and forward are the same SQL)"""
    emp0, unit0 = bases['employee'], bases['unit']
    d = 0
    info = province.departments[d]
    dept_id = unit0 + info['unit']
    registrar = emp0 + info['registrar']
    registrar_unit = unit0 + province.employees[info['registrar']][0]
    floors = []
    with psycopg.connect(conninfo(dsn, DB)) as conn:
        cur = conn.cursor()
        cur.execute('SELECT s.id FROM edaftar_document_sequence ds '
            'JOIN ir_sequence_strict s ON s.id = ds.sequence '
            'WHERE ds.department = %s AND ds.year = %s '
            "AND ds.kind = 'receipt'",
            (dept_id, dt.date.today().year))
        sequence, = cur.fetchone()
        conn.commit()
        start = time.perf_counter()
        for i in range(n):
            cur.execute('INSERT INTO edaftar_receipt (department, '
                'received_date, mode, sender_name, subject, category, '
                'priority, confidentiality, state, holder, holder_unit, '
                'create_uid, create_date) VALUES (%s, CURRENT_DATE, '
                "'post', 'Bench', 'Bench floor', 'letter', 'normal', "
                "'normal', 'draft', %s, %s, 0, now()) RETURNING id",
                (dept_id, registrar, registrar_unit), prepare=True)
            rid, = cur.fetchone()
            cur.execute('SELECT prefix, number_next_internal, padding '
                'FROM ir_sequence_strict WHERE id = %s FOR UPDATE',
                (sequence,), prepare=True)
            prefix, number, padding = cur.fetchone()
            cur.execute('UPDATE ir_sequence_strict SET '
                'number_next_internal = %s WHERE id = %s',
                (number + 1, sequence), prepare=True)
            cur.execute("UPDATE edaftar_receipt SET number = %s, "
                "state = 'registered', registered_by = %s, "
                'registered_at = now() WHERE id = %s',
                (f'{prefix}{number:0{padding}d}', registrar, rid),
                prepare=True)
            cur.execute('INSERT INTO "edaftar_receipt-company_employee" '
                '(receipt, employee) VALUES (%s, %s)', (rid, registrar),
                prepare=True)
            cur.execute('INSERT INTO edaftar_audit_log (timestamp, model, '
                "record_id, action) VALUES (now(), 'edaftar.receipt', %s, "
                "'register')", (rid,), prepare=True)
            conn.commit()
        floors.append(n / (time.perf_counter() - start))
        # A move: lock, insert the movement, hand over, participant, audit.
        receipts = fx.busy.get(0, [])[:20] or [1]
        a, b = emp0 + info['busy_so'], emp0 + info['registrar']
        cur.execute('SELECT id, holder FROM edaftar_receipt '
            'WHERE id = ANY(%s)', (receipts,))
        holders = cur.fetchall()
        start = time.perf_counter()
        for i in range(n):
            rid = receipts[i % len(receipts)]
            cur.execute('SELECT holder, holder_unit FROM edaftar_receipt '
                'WHERE id = %s FOR UPDATE', (rid,), prepare=True)
            holder, holder_unit = cur.fetchone()
            to = b if holder == a else a
            cur.execute('INSERT INTO edaftar_movement (document, receipt, '
                'action, purpose, from_employee, from_unit, to_employee, '
                'to_unit, sent_at, actor) VALUES (%s, %s, %s, %s, %s, %s, '
                '%s, %s, now(), 0)', (f'edaftar.receipt,{rid}', rid, 'mark',
                    'action', holder, holder_unit, to, holder_unit),
                prepare=True)
            cur.execute('UPDATE edaftar_receipt SET holder = %s, '
                'write_date = now() WHERE id = %s', (to, rid), prepare=True)
            cur.execute('INSERT INTO "edaftar_receipt-company_employee" '
                '(receipt, employee) SELECT %s, %s WHERE NOT EXISTS (SELECT 1 '
                'FROM "edaftar_receipt-company_employee" WHERE receipt = %s '
                'AND employee = %s)', (rid, to, rid, to), prepare=True)
            cur.execute('INSERT INTO edaftar_audit_log (timestamp, model, '
                "record_id, action) VALUES (now(), 'edaftar.receipt', %s, "
                "'mark')", (rid,), prepare=True)
            conn.commit()
        floor = n / (time.perf_counter() - start)
        floors += [floor, floor]
        # Give the receipts back to their holders.
        cur.executemany('UPDATE edaftar_receipt SET holder = %s '
            'WHERE id = %s', [(h, r) for r, h in holders])
        conn.commit()
    return floors


def trace_writes(pool, dsn, province, bases, fx):
    """Count the SQL statements and transaction attempts of one mark and
    one register, in-process"""
    emp0, user0, unit0 = bases['employee'], bases['user'], bases['unit']
    d = len(province.departments) - 1
    info = province.departments[d]
    context = {'language': 'en', 'company': bases['company']}
    rows = []
    receipts = fx.busy.get(d)
    if receipts:
        rid = receipts[-1]
        with psycopg.connect(conninfo(dsn, DB)) as conn:
            holder, = conn.execute('SELECT holder FROM edaftar_receipt '
                'WHERE id = %s', (rid,)).fetchone()
        so = emp0 + info['busy_so']
        section = info['wings'][0][2][1]
        other = emp0 + (section[2][0] if section[2] else section[1])
        to = other if holder == so else so

        def mark(pool):
            pool.get('edaftar.movement').create([{
                        'document': f'edaftar.receipt,{rid}',
                        'action': 'mark', 'purpose': 'action',
                        'to_employee': to}])
        rows.append(["mark", *trace_write(
                    pool, user0 + holder - emp0, context, mark)])

    def register(pool):
        Receipt = pool.get('edaftar.receipt')
        receipt, = Receipt.create([{
                    'department': unit0 + info['unit'],
                    'received_date': dt.date.today(), 'mode': 'post',
                    'sender_name': 'Bench Sender', 'subject': 'Bench trace',
                    'category': 'letter', 'priority': 'normal',
                    'confidentiality': 'normal'}])
        Receipt.register([receipt])
    rows.append(["register (create, then register button)", *trace_write(
                pool, user0 + info['registrar'], context, register)])
    table("One write in-process, as the RPC dispatcher runs it",
        ["operation", "SQL statements", "transaction attempts",
            "in-process ms"],
        [[label, n, attempts, ms(duration)]
            for label, n, attempts, duration in rows],
        ["attempts > 1: the transaction was restarted (a TransactionError, "
            "e.g. ModelSQL.lock) and the request run again."]
        if any(attempts > 1 for _, _, attempts, _ in rows) else [])


# --- main --------------------------------------------------------------

def print_trace(measure, results, duration, n_statements, plans_file,
        always=False):
    total = sum(r[0] for r in results)
    slow = measure.rpc_times and pct(measure.rpc_times, 95) * 1e3 > (
        measure.target)
    print(f"\n* {measure.label}:\n  {n_statements} statements "
        f"({len(results)} SELECTs: {total:.1f} ms in PostgreSQL by EXPLAIN "
        f"ANALYZE); {duration * 1e3:.1f} ms in-process in all")
    for t, sql, plan in results[:3]:
        print(f"    {t:7.2f} ms  {' '.join(sql.split())[:150]}")
    with open(plans_file, 'a') as f:
        f.write(f'\n===== {measure.label}\n')
        for t, sql, plan in results:
            f.write(f'\n-- {t:.2f} ms\n{sql}\n' + '\n'.join(plan) + '\n')
    if (slow or always) and results:
        t, sql, plan = results[0]
        print(f"  plan of the slowest statement ({t:.1f} ms):")
        for line in plan:
            print(f"    {line}")


def main():
    args = parse_args()
    dsn = os.environ.get(
        'EDAFTAR_BENCH_DSN', f'postgresql://postgres@{LOCALHOST}:5432/')
    tmp = tempfile.mkdtemp(prefix='edaftar-bench-dak-')
    config = write_config(tmp, dsn)
    # trytond reads its configuration when first imported.
    os.environ['TRYTOND_CONFIG'] = str(config)
    plans_file = Path(tmp, 'plans.txt')

    n_users = max(1, round(10_000 * args.scale))
    n_receipts = max(100, round(1_000_000 * args.scale))
    province = Province(args.scale, n_users)
    print(f"e-Daftar Dak benchmark, scale {args.scale}: "
        f"{province.n_departments} departments, {len(province.units):,} "
        f"units, {len(province.employees):,} users, {n_receipts:,} receipts; "
        f"PostgreSQL {dsn}")
    print("Load average at start: %.2f %.2f %.2f (%d CPUs)" % (
            *os.getloadavg(), os.cpu_count()))
    servers = []
    pool = None
    try:
        if args.reuse:
            with step(f"updating edaftar_dak in the kept {DB}"):
                activate(config, tmp)
            bases, fx = fixtures_from_db(dsn, province)
        else:
            with step(f"creating {DB} and activating edaftar_dak"):
                create_database(dsn, DB)
                activate(config, tmp)
            start = time.perf_counter()
            with step("loading the data set with COPY"):
                bases, fx, counts, timings = load(
                    dsn, province, n_receipts, args.seed)
            load_time = time.perf_counter() - start
        with psycopg.connect(conninfo(dsn, DB)) as conn:
            sizes = dict(conn.execute(
                    "SELECT relname, pg_size_pretty(pg_total_relation_size("
                    "oid)) FROM pg_class WHERE relname = ANY(%s)",
                    (BIG_TABLES,)).fetchall())
            open_count, = conn.execute("SELECT count(*) FROM edaftar_receipt "
                "WHERE state = ANY(%s)", (OPEN_STATES,)).fetchone()
            if args.reuse:
                counts = {t: conn.execute(f'SELECT count(*) FROM "{t}"'
                        ).fetchone()[0] for t in ['edaftar_receipt',
                        'edaftar_movement',
                        'edaftar_receipt-company_employee']}
                counts = dict(zip(['receipts', 'movements', 'participants'],
                        counts.values()))
                load_time, timings = 0, None
        table(f"Data set loaded with COPY in {load_time:.1f} s "
            "(target <= 600 s at full scale)" if not args.reuse else
            f"Data set of {DB} (--reuse: not loaded in this run)",
            ["table / step", "rows", "size / time"],
            [["edaftar_receipt", f"{counts['receipts']:,}",
                    sizes.get('edaftar_receipt')],
                ["  of which open", f"{open_count:,}", ''],
                ["edaftar_movement", f"{counts['movements']:,}",
                    sizes.get('edaftar_movement')],
                ["edaftar_receipt-company_employee",
                    f"{counts['participants']:,}",
                    sizes.get('edaftar_receipt-company_employee')],
                ["units / users+employees", f"{len(province.units):,} / "
                    f"{len(province.employees):,}", ''],
                ] + ([["step: organisation (COPY)", '',
                    f"{timings['organisation']:.1f} s"],
                ["step: receipts+movements+participants (3 COPYs)", '',
                    f"{timings['copy']:.1f} s"],
                ["step: secondary indexes (2 at a time)", '',
                    f"{timings['indexes']:.1f} s"],
                ["step: VACUUM ANALYZE", '',
                    f"{timings['vacuum_analyze']:.1f} s"]] if timings else []))

        from trytond.pool import Pool
        pool = Pool(DB)
        with step("starting the pool in-process"):
            pool.init()
            settle_caches(DB)
        user0 = bases['user']
        deps = province.departments
        nd = len(deps)
        user_of = {('busy', d): user0 + deps[d]['busy_so'] for d in range(nd)}
        user_of.update({('registrar', d): user0 + deps[d]['registrar']
                for d in range(nd)})
        for d in range(nd):
            section = deps[d]['wings'][0][2][1]
            other = section[2][0] if section[2] else \
                deps[d]['wings'][0][2][0][1]
            user_of[('other', d)] = user0 + other
        user_of['so'] = user0 + deps[0]['busy_so']
        user_of['head'] = user0 + deps[0]['head']
        # A handful log in over JSON-RPC with a password.
        named = ['so', 'head', ('registrar', 0), ('other', 0)]
        with step("setting passwords and opening sessions"):
            set_passwords(pool, DB, [user_of[k] for k in named], PASSWORD)
            db_sessions = new_sessions(pool, user_of.values())
            scopes = {'head': scope_of(pool, user_of['head']),
                'so': scope_of(pool, user_of['so'])}

        with step("starting trytond (one process)"):
            server = Server(tmp, dsn)
            servers.append(server)
            server.wait()
        sessions = {k: db_sessions[u] for k, u in user_of.items()}
        with step("logging in over JSON-RPC"):
            for key in named:
                sessions[key] = server.login(db_sessions[user_of[key]][0])
        print("measuring reads over JSON-RPC:", file=sys.stderr)
        measures, so, head = read_measures(server, sessions, province, bases,
            fx, dsn, args, pool, scopes)
        bare = measure_reads(server, measures, dsn, args)
        rows = [["bare RPC floor: res.user.search_read own login", '1',
                len(bare), ms(pct(bare, 50)), ms(pct(bare, 95)), '', '', '',
                '1.0', '', '']]
        for m in measures:
            p95 = pct(m.rpc_times, 95) * 1e3
            rows.append([m.label, m.rows,
                    f'{len(m.rpc_times)}' + (
                        f' ({len(m.errors)} errors)' if m.errors else ''),
                    ms(pct(m.rpc_times, 50)),
                    ms(pct(m.rpc_times, 95)), ms(pct(m.sql_times, 50)),
                    ms(pct(m.sql_times, 95)), ms(pct(bare, 95)),
                    f'{p95 / (pct(bare, 95) * 1e3):.1f}',
                    f'<= {m.target}', 'ok' if p95 <= m.target else 'MISSED'])
        table("Reads over JSON-RPC against trytond (werkzeug, one process), "
            "in ms",
            ["operation", "rows", "N", "p50", "p95", "SQL p50", "SQL p95",
                "bare p95", "p95/bare", "target", ""], rows,
            ["SQL = raw psycopg query for the same result (same run, "
                "interleaved); bare = trivial RPC (p95/bare: load-independent "
                "cost ratio); N = calls measured "
                f"(at most {args.calls}, or as many as fit in "
                f"{args.max_seconds:.0f} s)."]
            + [f"first error of '{m.label}': {m.errors[0][:300]}"
                for m in measures if m.errors])

        server.stop()
        servers.remove(server)
        print("tracing the SQL of each read in-process (EXPLAIN ANALYZE):",
            file=sys.stderr)
        print("\nSQL that Tryton runs for each read (in-process, as the same "
            f"user; all plans in {plans_file}):")
        for m in measures:
            if not m.trace_calls:
                continue
            results, duration, n_statements = trace(
                pool, dsn, m.user.id, m.user.context, m.trace_calls)
            print_trace(m, results, duration, n_statements, plans_file,
                always=m.key in {'inbox', 'dept_inbox'})

        gunicorn = BIN / 'gunicorn'
        workers_label = (f"2 worker processes x {args.worker_threads} threads"
            if args.worker_threads else "2 sync worker processes")
        if gunicorn.exists():
            with step(f"starting gunicorn ({workers_label})"):
                server = Server(tmp, dsn, gunicorn=True, workers=2,
                    threads=args.worker_threads)
                servers.append(server)
                server.wait()
                # Let both workers load their pool.
                for _ in range(6):
                    Client(server.port).call(
                        'common.server.version', [], path='/rpc/')
            print("measuring writes over JSON-RPC:", file=sys.stderr)
            rows = write_measures(server, sessions, province, bases, fx,
                args, dsn)
            table(f"Writes over JSON-RPC, gunicorn {workers_label}, "
                f"{args.threads} client threads, {args.write_seconds:.0f} s "
                "each",
                ["operation", "threads", "ops", "errors", "ops/s", "RPC/s",
                    "p50 ms", "p95 ms", "SQL ops/s", "target", ""],
                [r[:-1] for r in rows],
                ["SQL ops/s = the same rows written with raw SQL from one "
                    "client, one commit per operation."]
                + [f"first error of '{r[0]}': {r[-1][0]}" for r in rows
                    if r[-1]])
            with step(f"mixed workload: {args.mixed_users} users, "
                    f"{args.mixed_warmup:.0f} s warm-up, "
                    f"{args.mixed_seconds:.0f} s measured"):
                rows, n_users, errors = mixed_workload(
                    server.port, pool, dsn, bases, args)
            table(f"Mixed workload over JSON-RPC, gunicorn {workers_label}: "
                f"{n_users} logged-in users each acting every 30 s on "
                f"average, in ms from when the act was due (after "
                f"{args.mixed_warmup:.0f} s of warm-up)",
                ["act (weight: " + ', '.join(
                        str(w) for _, w in MIXED_ACTIONS) + ")", "acts",
                    "p50", "p95", "target", ""], rows,
                [f"errors: {len(errors)}"]
                + [f"  {e}" for e in sorted(set(errors))[:3]])
            server.stop()
            servers.remove(server)
            trace_writes(pool, dsn, province, bases, fx)
        else:
            print("\ngunicorn is not installed in .venv: write throughput "
                "not measured with 2 worker processes.")
        print("\nLoad average at end: %.2f %.2f %.2f" % os.getloadavg())
    finally:
        for server in servers:
            server.stop()
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
