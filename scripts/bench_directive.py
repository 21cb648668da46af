#!/usr/bin/env python3
"""Benchmark of the directives (edaftar_directive) on PostgreSQL at
DESIGN.md §5 scale, beside the Dak data set.

Works in the database edaftar_bench_directive (dropped first if it
exists): a copy of the Dak database edaftar_bench_dak kept by
`scripts/bench dak --keep` when there is one of the same --scale and
nobody is connected to it (that one is left as it was), else a Dak data
set built as scripts/bench_dak.py builds it. Activates edaftar_directive
there, adds the offices of the Chief Minister and the Chief Secretary
with their PS, and loads with COPY (not the ORM) 20,000 orders (CMD-/CSD-
year-nnnn) issued over a year to 1-10 departments each, their 60,000
lines in every state with deadlines spread over the year (some overdue),
150,000 action reports, the lines' movements (edaftar_movement.
directive_line) and participants, and the registers; then measures over
JSON-RPC:
  - reads (p50/p95, one trytond process) beside the raw SQL floor of the
    same result and the bare RPC floor (res.user.search_read): a unit's
    directive inbox, the CM's open CM orders, compliance by department and
    issuer over a year;
  - writes (reply: an action report and the Reply button; accept: the
    Accept button of the CM's or CS's office; ops/s from client threads
    against gunicorn with 2 worker processes) beside a raw SQL floor;
  - the SQL Tryton runs for each read (traced in-process), with EXPLAIN
    ANALYZE plans of the slow statements.
The database is dropped at the end unless --keep.

    scripts/bench directive                 # full scale
    scripts/bench directive --quick         # scale 0.02, 50 calls
    scripts/bench directive --keep          # then --reuse: no reload
    scripts/bench directive --fresh         # build the Dak set, no copy
    scripts/bench directive --pg-tuned      # jit off, custom plans only
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
import random  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import psycopg  # noqa: E402

import bench_dak as dak  # noqa: E402
from bench_dak import (  # noqa: E402
    Client, Exhausted, Measure, RPCError, Server, User, ms, set_sequences)
from benchlib import (  # noqa: E402
    LOCALHOST, conninfo, copy_rows, create_database, drop_database,
    next_id, pct, settle_caches, step, table, timed)

DB = 'edaftar_bench_directive'
DAK_DB = dak.DB
dak.use_database(DB)
BIN = VENV_PYTHON.parent
MODULES = ('edaftar_dak', 'edaftar_directive')

LINE_OPEN = ['waiting', 'in_progress']          # movable: "With Me"
LINE_UNANSWERED = ['waiting', 'in_progress', 'replied']  # the Open tab
# The fields the clients ask for: the list views of lines, orders and
# compliance (many2one shown by their rec_name).
LINE_LIST_FIELDS = [
    'number', 'issuer', 'priority', 'subject', 'department',
    'department.rec_name', 'holder', 'holder.rec_name', 'deadline',
    'overdue', 'state', 'rec_name', '_timestamp']
DIRECTIVE_LIST_FIELDS = [
    'number', 'issuer', 'priority', 'date', 'subject', 'deadline', 'state',
    'rec_name', '_timestamp']
COMPLIANCE_FIELDS = [
    'department', 'department.rec_name', 'issuer', 'total', 'waiting',
    'in_progress', 'replied', 'done', 'regretted', 'overdue', 'on_time',
    'on_time_rate', 'average_days', 'rec_name', '_timestamp']

# What --pg-tuned sets in the database.
PG_TUNED = {'jit': 'off', 'plan_cache_mode': 'force_custom_plan'}
# Targets of DESIGN.md §5 (ms, p95) and ops/s.
TARGETS = {'inbox': 25, 'cm_orders': 25, 'compliance': 100, 'write': 100}


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--scale', type=float, default=1.0,
        help="1.0 = the Dak's 60 departments, 10,000 users, 1,000,000 "
        "receipts and 20,000 orders, 60,000 lines, 150,000 reports "
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
    parser.add_argument('--fresh', action='store_true',
        help=f"build the Dak data set even if {DAK_DB} could be copied")
    parser.add_argument('--pg-tuned', action='store_true',
        help=f"measure with jit = off and plan_cache_mode = "
        f"force_custom_plan in {DB} (ALTER DATABASE): no JIT compilation "
        "of the plans PostgreSQL costs high, no generic plans for the "
        "statements psycopg prepares after 5 runs on a connection")
    parser.add_argument('--seed', type=int, default=20251130)
    args = parser.parse_args()
    if args.quick:
        args.scale, args.calls, args.write_seconds = 0.02, 50, 5
    return args


# --- the Dak data set under our name --------------------------------------

def count_units(dsn, dbname):
    "Units of the Dak's province in dbname, or None without such a database"
    with psycopg.connect(conninfo(dsn, 'postgres')) as conn:
        if not conn.execute('SELECT 1 FROM pg_database WHERE datname = %s',
                (dbname,)).fetchone():
            return None
    try:
        with psycopg.connect(conninfo(dsn, dbname)) as conn:
            return conn.execute("SELECT count(*) FROM edaftar_org_unit "
                "WHERE kind != 'executive'").fetchone()[0]
    except psycopg.Error:
        return None


def copy_database(dsn, template, target):
    """Create target as a file copy of the database template (dropping
    target first); return False when PostgreSQL refuses (someone is
    connected to template)"""
    drop_database(dsn, target)
    with psycopg.connect(conninfo(dsn, 'postgres'), autocommit=True) as conn:
        try:
            conn.execute(f'CREATE DATABASE {target} TEMPLATE {template} '
                'STRATEGY FILE_COPY')
        except psycopg.errors.ObjectInUse as e:
            print(f"\n  {template} cannot be copied: {e}".rstrip(),
                file=sys.stderr)
            return False
    return True


def dak_data_set(dsn, config, tmp, province, args):
    """Create the database bench_dak works on (DB here; the name another
    benchmark gave dak.use_database) with the Dak data set: a copy of the
    kept Dak database when it fits, else loaded with COPY; return (how,
    seconds)"""
    db = dak.DB
    n_receipts = max(100, round(1_000_000 * args.scale))
    start = time.perf_counter()
    if (not args.fresh
            and count_units(dsn, DAK_DB) == len(province.units)):
        with step(f"copying the kept {DAK_DB} to {db}"):
            copied = copy_database(dsn, DAK_DB, db)
        if copied:
            return f"copied from {DAK_DB}", time.perf_counter() - start
    with step(f"creating {db} and activating edaftar_dak"):
        create_database(dsn, db)
        dak.activate(config, tmp)
    with step(f"loading the Dak data set with COPY ({n_receipts:,} "
            "receipts)"):
        dak.load(dsn, province, n_receipts, args.seed)
    return "built with COPY", time.perf_counter() - start


# --- the directives ----------------------------------------------------------

# login: (name, office, role group, designation, principal's login)
OFFICE_PEOPLE = {
    'dir_cm': ("Chief Minister", 'CMO', 'group_chief_minister',
        ("Chief Minister", 'bench_cm', 22), None),
    'dir_cm_ps': ("Principal Secretary to CM", 'CMO', 'group_pa',
        ("Principal Secretary", 'bench_ps', 21), 'dir_cm'),
    'dir_cs': ("Chief Secretary", 'CSO', 'group_chief_secretary',
        ("Chief Secretary", 'bench_cs', 22), None),
    'dir_cs_ps': ("Staff Officer to CS", 'CSO', 'group_pa',
        ("Staff Officer", 'bench_so_cs', 19), 'dir_cs'),
    }
OFFICES = {
    'CMO': ("Chief Minister's Office", 'cm', 'CMD'),
    'CSO': ("Chief Secretary's Office", 'cs', 'CSD'),
    }
ISSUER_LOGINS = {'cm': ('dir_cm', 'dir_cm_ps'), 'cs': ('dir_cs', 'dir_cs_ps')}
# Share of the orders and their priorities, by issuer.
CM_SHARE = 0.35
PRIORITY_WEIGHTS = {
    'cm': (['immediate', 'urgent'], [70, 30]),
    'cs': (['immediate', 'urgent', 'normal'], [10, 50, 40]),
    }
DEADLINE_DAYS = {'immediate': [3, 7], 'urgent': [7, 15],
    'normal': [15, 30, 60]}
# Targets per order: (count, weight); about 3 on average.
TARGET_WEIGHTS = [(1, 30), (2, 20), (3, 15), (4, 15), (5, 10), (6, 5),
    (10, 5)]
# States of the lines: (state, weight) by where the deadline is.
LINE_STATES = {
    'future': [('waiting', 30), ('in_progress', 40), ('replied', 15),
        ('done', 12), ('regretted', 3)],
    'past': [('waiting', 8), ('in_progress', 18), ('replied', 10),
        ('done', 60), ('regretted', 4)],
    'long_past': [('waiting', 3), ('in_progress', 5), ('replied', 2),
        ('done', 85), ('regretted', 5)],
    }
ORDER_VERBS = ['Ensure', 'Expedite', 'Submit a report on', 'Review',
    'Complete', 'Resolve', 'Monitor', 'Release']
REPORT_TEXTS = ['Meeting held with the stakeholders; minutes attached.',
    'Instructions issued to the field offices.',
    'Funds released; utilisation report awaited.',
    'Inquiry committee constituted; report due next week.',
    'Work started on site; 40% completed.',
    'Case referred to the Finance Department for concurrence.',
    'Summary moved to the competent authority.',
    'Compliance report received from the districts; compiled.']


def write_departments(n_departments, threads):
    "The department of each reply thread: from the last, so not 0's"
    return [n_departments - 1 - (t % n_departments) for t in range(threads)]


def load_offices(conn, bases):
    """The offices of the CM and the CS (executive units), the CM, the CS
    and their PS, with COPY; return {login: (user id, employee id)} and
    {office code: unit id}"""
    now = dt.datetime.now()
    audit = (0, now)
    cur = conn.cursor()
    cur.execute("SELECT fs_id, db_id FROM ir_model_data "
        "WHERE module = 'edaftar_base' AND model = 'res.group'")
    groups = dict(cur.fetchall())
    cur.execute("SELECT menu FROM res_user WHERE login = 'admin'")
    menu, = cur.fetchone()
    unit0 = next_id(cur, 'edaftar_org_unit')
    units = {code: unit0 + i for i, code in enumerate(OFFICES)}
    copy_rows(cur, 'edaftar_org_unit',
        ['id', 'parent', 'kind', 'code', 'name', 'active', 'create_uid',
            'create_date'],
        [(units[code], bases['unit'], 'executive', code, name, True, *audit)
            for code, (name, _, _) in OFFICES.items()])
    logins = list(OFFICE_PEOPLE)
    designation0 = next_id(cur, 'edaftar_designation')
    copy_rows(cur, 'edaftar_designation',
        ['id', 'name', 'code', 'grade', 'active', 'create_uid',
            'create_date'],
        [(designation0 + i, *OFFICE_PEOPLE[login][3], True, *audit)
            for i, login in enumerate(logins)])
    party0 = next_id(cur, 'party_party')
    user0 = next_id(cur, 'res_user')
    employee0 = next_id(cur, 'company_employee')
    people = {login: (user0 + i, employee0 + i)
        for i, login in enumerate(logins)}
    copy_rows(cur, 'party_party',
        ['id', 'code', 'name', 'active', 'create_uid', 'create_date'],
        [(party0 + i, f'BENCHDIR{i}', OFFICE_PEOPLE[login][0], True, *audit)
            for i, login in enumerate(logins)])
    copy_rows(cur, 'res_user',
        ['id', 'login', 'name', 'active', 'menu', 'company',
            'company_filter', 'create_uid', 'create_date'],
        [(user0 + i, login, OFFICE_PEOPLE[login][0], True, menu,
                bases['company'], 'one', *audit)
            for i, login in enumerate(logins)])
    copy_rows(cur, 'company_employee',
        ['id', 'party', 'company', 'user', 'edaftar_unit', 'designation',
            'principal', 'start_date', 'create_uid', 'create_date'],
        [(employee0 + i, party0 + i, bases['company'], user0 + i,
                units[OFFICE_PEOPLE[login][1]], designation0 + i,
                people[OFFICE_PEOPLE[login][4]][1]
                if OFFICE_PEOPLE[login][4] else None,
                dt.date(2020, 1, 1), *audit)
            for i, login in enumerate(logins)])
    cur.execute('UPDATE res_user u SET employee = e.id '
        'FROM company_employee e WHERE e."user" = u.id AND u.id >= %s',
        (user0,))
    copy_rows(cur, 'res_user-company_employee',
        ['user', 'employee', 'create_uid', 'create_date'],
        [(u, e, *audit) for u, e in people.values()])
    copy_rows(cur, 'res_user-company_company',
        ['user', 'company', 'create_uid', 'create_date'],
        [(u, bases['company'], *audit) for u, _ in people.values()])
    copy_rows(cur, 'res_user-res_group',
        ['user', 'group', 'create_uid', 'create_date'],
        [(people[login][0], groups[OFFICE_PEOPLE[login][2]], *audit)
            for login in logins])
    for code, (_, issuer, _) in OFFICES.items():
        cur.execute('UPDATE edaftar_org_unit SET head = %s WHERE id = %s',
            (people[ISSUER_LOGINS[issuer][0]][1], units[code]))
    set_sequences(cur, ['edaftar_org_unit', 'edaftar_designation',
            'party_party', 'res_user', 'company_employee',
            'res_user-company_employee', 'res_user-company_company',
            'res_user-res_group'])
    return people, units


def generate(conn, province, bases, people, offices, sizes, threads, seed):
    """Orders, targets, lines, movements, participants and reports, with
    COPY on conn; return the row counts and the registers"""
    n_directives, n_lines, n_reports = sizes
    rng = random.Random(seed)
    rand, randrange, randint = rng.random, rng.randrange, rng.randint
    uniform = rng.uniform
    unit0, user0, emp0 = bases['unit'], bases['user'], bases['employee']
    deps = province.departments
    nd = len(deps)
    emp_unit = {emp0 + i: unit0 + u
        for i, (u, _) in enumerate(province.employees)}
    emp_user = {emp0 + i: user0 + i for i in range(len(province.employees))}
    for login, (u, e) in people.items():
        emp_unit[e] = offices[OFFICE_PEOPLE[login][1]]
        emp_user[e] = u
    issuers = {}
    for code, (_, issuer, prefix) in OFFICES.items():
        principal, ps = (people[login][1] for login in ISSUER_LOGINS[issuer])
        issuers[issuer] = (offices[code], prefix, principal, ps)
    # Per department: the head and, per wing, its head and sections.
    chains = []
    for info in deps:
        chains.append((emp0 + info['head'], [
                    (emp0 + wh, [(emp0 + so, [emp0 + o for o in officers]
                                or [emp0 + so])
                            for _, so, officers in sections])
                    for _, wh, sections in info['wings']]))
    busy = set(write_departments(nd, threads))
    weights = [3 if d in busy and len(busy) < nd else 1 for d in range(nd)]

    today = dt.date.today()
    now = dt.datetime.now().replace(microsecond=0)
    days = 365
    first_day = today - dt.timedelta(days=days - 1)
    n_drafts = max(1, n_directives // 200)
    n_issued = n_directives - n_drafts
    # Targets per order, then nudged to give n_lines lines in all.
    counts, count_weights = zip(*TARGET_WEIGHTS)
    ks = [min(nd, k) for k in rng.choices(counts, count_weights, k=n_issued)]
    diff = n_lines - sum(ks)
    for _ in range(50 * n_issued):
        if not diff:
            break
        i = randrange(n_issued)
        if diff > 0 and ks[i] < nd:
            ks[i] += 1
            diff -= 1
        elif diff < 0 and ks[i] > 1:
            ks[i] -= 1
            diff += 1

    directive0 = next_id(conn.cursor(), 'edaftar_directive')
    line0 = next_id(conn.cursor(), 'edaftar_directive_line')
    target0 = next_id(conn.cursor(), 'edaftar_directive-edaftar_org_unit')
    move0 = next_id(conn.cursor(), 'edaftar_movement')
    part0 = next_id(conn.cursor(), 'edaftar_directive_line-company_employee')
    report0 = next_id(conn.cursor(), 'edaftar_directive_report')
    directives, targets, lines, moves, parts = [], [], [], [], []
    eligible = []  # lines that may have reports: (id, author, from, to, n)
    registers = {}
    line_id = line0 - 1

    def subject_of():
        return (f"{ORDER_VERBS[randrange(8)]} {dak.TOPICS[randrange(20)]} "
            f"{dak.SECONDS[randrange(10)]} in "
            f"{dak.PLACES[randrange(20)]} district")

    def between(start, end, n):
        "n ordered times between start and end"
        span = max(60, (end - start).total_seconds())
        return sorted(start + dt.timedelta(seconds=uniform(0, span))
            for _ in range(n))

    for i in range(n_issued):
        did = directive0 + i
        day = first_day + dt.timedelta(days=i * days // n_issued)
        issuer = 'cm' if rand() < CM_SHARE else 'cs'
        office, prefix, principal, ps = issuers[issuer]
        priority = rng.choices(*PRIORITY_WEIGHTS[issuer])[0]
        deadline = day + dt.timedelta(
            days=rng.choice(DEADLINE_DAYS[priority]))
        issued_by = principal if rand() < 0.3 else ps
        on_behalf_of = principal if issued_by != principal else None
        issued_at = min(dt.datetime.combine(day, dt.time(10))
            + dt.timedelta(seconds=randrange(8 * 3600)),
            now - dt.timedelta(minutes=30))
        seq = registers[(issuer, day.year)] = registers.get(
            (issuer, day.year), 0) + 1
        number = f'{prefix}-{day.year}-{seq:04d}'
        subject = subject_of()
        chosen = []
        while len(chosen) < ks[i]:
            d = rng.choices(range(nd), weights)[0]
            if d not in chosen:
                chosen.append(d)
        lag = (today - deadline).days
        kind = ('future' if lag <= 0 else 'past' if lag <= 90
            else 'long_past')
        states, state_weights = zip(*LINE_STATES[kind])
        all_closed = True
        for d in chosen:
            line_id += 1
            targets.append((target0 + len(targets), did, unit0
                    + deps[d]['unit'], emp_user[issued_by], issued_at))
            state = rng.choices(states, state_weights)[0]
            answered = state in {'replied', 'done', 'regretted'}
            all_closed &= state in {'done', 'regretted'}
            replied_at = done_at = on_time = None
            if answered:
                if kind == 'future' or rand() < 0.65:
                    latest = min(now - dt.timedelta(minutes=10),
                        dt.datetime.combine(deadline, dt.time(17)))
                else:
                    latest = min(now - dt.timedelta(minutes=10),
                        dt.datetime.combine(deadline, dt.time(17))
                        + dt.timedelta(days=randint(1, 30)))
                replied_at = issued_at + (latest - issued_at) * uniform(
                    0.3, 1)
                on_time = replied_at.date() <= deadline
                if state == 'regretted':
                    done_at = replied_at
                elif state == 'done':
                    done_at = min(now - dt.timedelta(minutes=5),
                        replied_at + dt.timedelta(hours=uniform(2, 240)))
            end = replied_at or now - dt.timedelta(minutes=5)
            # Who moves it: the head marks it down a wing to a section.
            head, wings = chains[d]
            if d in busy:
                wi, si = 0, 1
            else:
                wi, si = randrange(10), randrange(5)
            wing_head, sections = wings[wi]
            so, officers = sections[si]
            levels = [head, wing_head, so, officers[randrange(len(officers))]]
            path = [head]
            if state == 'in_progress' and d in busy:
                path += [wing_head, so]
            elif state != 'waiting':
                depth = rng.choices([1, 2, 3], [40, 40, 20])[0]
                path += levels[1:depth + 1]
                if answered and rand() < 0.5:
                    # Put up again one or two levels, who replies.
                    path += path[-2::-1][:randint(1, 2)]
            path = [e for k, e in enumerate(path)
                if not k or e != path[k - 1]]
            times = [issued_at] + between(issued_at, end, len(path) - 1)
            holder = issued_by
            participants = {issued_by}
            if on_behalf_of:
                participants.add(on_behalf_of)
            for j, (to, sent) in enumerate(zip(path, times)):
                first = j == 0
                last = j == len(path) - 1
                if last and state in LINE_OPEN and rand() < 0.4:
                    read = None
                else:
                    read = min(end, sent + dt.timedelta(
                            seconds=randint(300, 4 * 3600)))
                if to == holder:
                    continue
                down = first or levels.index(to) > levels.index(holder)
                moves.append((move0 + len(moves),
                        f'edaftar.directive.line,{line_id}', line_id,
                        'mark' if down else 'forward', 'action', holder,
                        emp_unit[holder], to, emp_unit[to],
                        subject if first else None, sent, read,
                        deadline if down else None, emp_user[
                            issued_by if first else holder],
                        on_behalf_of if first else None,
                        emp_user[issued_by if first else holder], sent))
                participants.add(to)
                holder = to
            for e in sorted(participants):
                parts.append((part0 + len(parts), line_id, e,
                        emp_user[issued_by], issued_at))
            lines.append((line_id, f'{number}/{deps[d]["code"]}', did,
                    unit0 + deps[d]['unit'], issuer, deadline, priority,
                    'normal', state, holder, emp_unit[holder], deadline,
                    replied_at, holder if answered else None, done_at,
                    on_time, day, issued_at, emp_user[issued_by],
                    issued_at))
            if state != 'waiting':
                eligible.append([line_id, holder, times[-1], end,
                        1 if answered else 0])
        state = 'closed' if all_closed and rand() < 0.85 else 'issued'
        directives.append((did, number, issuer, office, day, subject,
                f"{subject}. Report compliance by {deadline:%d %B %Y}.",
                deadline, priority, ps, issued_by, on_behalf_of, issued_at,
                state, emp_user[issued_by], issued_at))
    for i in range(n_drafts):
        did = directive0 + n_issued + i
        issuer = 'cm' if rand() < CM_SHARE else 'cs'
        office, _, principal, ps = issuers[issuer]
        priority = rng.choices(*PRIORITY_WEIGHTS[issuer])[0]
        subject = subject_of()
        directives.append((did, None, issuer, office, None, subject,
                f"{subject}.", today + dt.timedelta(days=30), priority, ps,
                None, None, None, 'draft', emp_user[ps], now))
        for d in rng.sample(range(nd), min(nd, randint(1, 3))):
            targets.append((target0 + len(targets), did,
                    unit0 + deps[d]['unit'], emp_user[ps], now))
    # Reports: one on each answered line at least, the rest anywhere.
    for _ in range(n_reports - sum(e[4] for e in eligible)
            if eligible else 0):
        eligible[randrange(len(eligible))][4] += 1
    reports = []
    for line_id, author, start, end, n in eligible:
        for submitted in between(start, end, n):
            reports.append((report0 + len(reports), line_id,
                    f"{REPORT_TEXTS[randrange(8)]} (ref {randrange(10000)})",
                    author, submitted, emp_user[author], submitted))

    cur = conn.cursor()
    copy_rows(cur, 'edaftar_directive',
        ['id', 'number', 'issuer', 'office', 'date', 'subject', 'text',
            'deadline', 'priority', 'drafted_by', 'issued_by',
            'on_behalf_of', 'issued_at', 'state', 'create_uid',
            'create_date'], directives)
    copy_rows(cur, 'edaftar_directive-edaftar_org_unit',
        ['id', 'directive', 'unit', 'create_uid', 'create_date'], targets)
    copy_rows(cur, 'edaftar_directive_line',
        ['id', 'number', 'directive', 'department', 'issuer', 'deadline',
            'priority', 'confidentiality', 'state', 'holder', 'holder_unit',
            'due_date', 'replied_at', 'replied_by', 'done_at', 'on_time',
            'issued_on', 'issued_at', 'create_uid', 'create_date'], lines)
    copy_rows(cur, 'edaftar_directive_line-company_employee',
        ['id', 'line', 'employee', 'create_uid', 'create_date'], parts)
    copy_rows(cur, 'edaftar_directive_report',
        ['id', 'line', 'text', 'author', 'submitted_at', 'create_uid',
            'create_date'], reports)
    copy_rows(cur, 'edaftar_movement',
        ['id', 'document', 'directive_line', 'action', 'purpose',
            'from_employee', 'from_unit', 'to_employee', 'to_unit',
            'instructions', 'sent_at', 'read_at', 'due_date', 'actor',
            'on_behalf_of', 'create_uid', 'create_date'], moves)
    set_sequences(cur, ['edaftar_directive',
            'edaftar_directive-edaftar_org_unit', 'edaftar_directive_line',
            'edaftar_directive_line-company_employee',
            'edaftar_directive_report', 'edaftar_movement'])
    return {'directives': len(directives), 'targets': len(targets),
        'lines': len(lines), 'reports': len(reports), 'movements': len(moves),
        'participants': len(parts)}, registers


def load_registers(conn, offices, registers):
    "The registers of the CM's and the CS's orders, continuing the numbers"
    cur = conn.cursor()
    now = dt.datetime.now()
    year = dt.date.today().year
    for code, (_, issuer, _) in OFFICES.items():
        registers.setdefault((issuer, year), 0)
    types = {}
    for issuer in ISSUER_LOGINS:
        cur.execute("SELECT db_id FROM ir_model_data WHERE module = "
            "'edaftar_directive' AND fs_id = %s",
            (f'sequence_type_{issuer}_directive',))
        types[issuer], = cur.fetchone()
    by_issuer = {issuer: (offices[code], prefix)
        for code, (_, issuer, prefix) in OFFICES.items()}
    code_of = {issuer: code for code, (_, issuer, _) in OFFICES.items()}
    sequence0 = next_id(cur, 'ir_sequence_strict')
    rows, links = [], []
    for i, ((issuer, year), last) in enumerate(sorted(registers.items())):
        office, prefix = by_issuer[issuer]
        rows.append((sequence0 + i,
                f'{code_of[issuer]} {issuer}_directive {year}',
                types[issuer], f'{prefix}-{year}-', 4, 'incremental',
                last + 1, 1, 1.0, 946681200.0, 0, True, 0, now))
        links.append((office, year, f'{issuer}_directive', sequence0 + i, 0,
                now))
    copy_rows(cur, 'ir_sequence_strict',
        ['id', 'name', 'sequence_type', 'prefix', 'padding', 'type',
            'number_next_internal', 'number_increment', 'timestamp_rounding',
            'timestamp_offset', 'last_timestamp', 'active', 'create_uid',
            'create_date'], rows)
    copy_rows(cur, 'edaftar_document_sequence',
        ['department', 'year', 'kind', 'sequence', 'create_uid',
            'create_date'], links)
    set_sequences(cur, ['ir_sequence_strict', 'edaftar_document_sequence'])


DIRECTIVE_TABLES = ['edaftar_directive', 'edaftar_directive-edaftar_org_unit',
    'edaftar_directive_line', 'edaftar_directive_line-company_employee',
    'edaftar_directive_report']


def load(dsn, province, bases, sizes, threads, seed):
    "Load the offices and the directives; return counts and timings"
    timings = {}
    start = time.perf_counter()
    with psycopg.connect(conninfo(dsn, DB)) as conn:
        conn.execute('SET session_replication_role = replica')
        conn.execute('SET synchronous_commit = off')
        people, offices = load_offices(conn, bases)
        counts, registers = generate(conn, province, bases, people, offices,
            sizes, threads, seed)
        load_registers(conn, offices, registers)
    timings['copy'] = time.perf_counter() - start
    start = time.perf_counter()
    with psycopg.connect(conninfo(dsn, DB), autocommit=True) as conn:
        for name in DIRECTIVE_TABLES + ['edaftar_movement']:
            conn.execute(f'VACUUM (ANALYZE) "{name}"')
        conn.execute('ANALYZE')
    timings['vacuum_analyze'] = time.perf_counter() - start
    return counts, timings


# --- who acts, on what -----------------------------------------------------

class Fixtures:
    "What the measures need, found in the database"

    def __init__(self, dsn, province, bases, threads):
        unit0, user0, emp0 = bases['unit'], bases['user'], bases['employee']
        deps = province.departments
        self.company = bases['company']
        with psycopg.connect(conninfo(dsn, DB)) as conn:
            rows = conn.execute('SELECT u.login, u.id, u.employee '
                'FROM res_user u WHERE u.login = ANY(%s)',
                (list(OFFICE_PEOPLE),)).fetchall()
        if len(rows) != len(OFFICE_PEOPLE):
            sys.exit(f"{DB} has no directives loaded by this script")
        self.people = {login: (u, e) for login, u, e in rows}
        info = deps[0]
        self.dept = unit0 + info['unit']
        self.head = (user0 + info['head'], emp0 + info['head'])
        # Reply threads: the lines open in their department held by its
        # head or its busy section officer.
        self.write_depts = write_departments(len(deps), threads)
        self.repliers = []
        for d in self.write_depts:
            info = deps[d]
            self.repliers.append({emp0 + e: user0 + e
                    for e in (info['head'], info['busy_so'])})

    def reply_pools(self, dsn, threads, exclude=()):
        """[(line id, holder's user)] for each reply thread: the open lines
        of its department held by its head or busy section officer,
        shared with the other threads of the same department"""
        pools = []
        with psycopg.connect(conninfo(dsn, DB)) as conn:
            for t, d in enumerate(self.write_depts):
                holders = self.repliers[t]
                sharing = [x for x in range(threads)
                    if self.write_depts[x] == d]
                rows = conn.execute('SELECT id, holder FROM '
                    'edaftar_directive_line WHERE holder = ANY(%s) AND '
                    'state = ANY(%s) ORDER BY id',
                    (list(holders), LINE_OPEN)).fetchall()
                rows = [(i, holders[h]) for i, h in rows if i not in exclude]
                pools.append(rows[sharing.index(t)::len(sharing)])
        return pools

    def accept_pools(self, dsn, threads):
        """(login, [line id]) for each accept thread: the lines replied to
        the office of the thread's issuer, the PS first, then the CM or
        CS themselves, shared with the other threads of that issuer"""
        plan = [('cm', 1), ('cs', 1), ('cm', 0), ('cs', 0)]
        plan = [plan[t % len(plan)] for t in range(threads)]
        pools = []
        with psycopg.connect(conninfo(dsn, DB)) as conn:
            replied = {issuer: [i for i, in conn.execute(
                        'SELECT id FROM edaftar_directive_line WHERE '
                        "state = 'replied' AND issuer = %s ORDER BY id",
                        (issuer,))] for issuer in ISSUER_LOGINS}
        for t, (issuer, who) in enumerate(plan):
            sharing = [x for x in range(threads) if plan[x][0] == issuer]
            pools.append((ISSUER_LOGINS[issuer][who],
                    replied[issuer][sharing.index(t)::len(sharing)]))
        return pools


# --- read measures -----------------------------------------------------------

PRIORITY_ORDER = ("CASE {t}.priority WHEN 'immediate' THEN 0 "
    "WHEN 'urgent' THEN 1 ELSE 2 END")
# The first page, then its names: the best the indexes allow.
SQL_LINE_LIST = '''
WITH page AS (
    SELECT l.id FROM edaftar_directive_line l
    WHERE {where}
    ORDER BY l.issuer, ''' + PRIORITY_ORDER.format(t='l') + ''', l.deadline, l.id
    LIMIT 50)
SELECT l.id, l.number, l.issuer, l.priority, d.subject, l.department, u.name,
    l.holder, hp.name, l.deadline,
    l.state IN ('waiting', 'in_progress') AND l.deadline < CURRENT_DATE,
    l.state, d.number
FROM page
JOIN edaftar_directive_line l ON l.id = page.id
JOIN edaftar_directive d ON d.id = l.directive
JOIN edaftar_org_unit u ON u.id = l.department
LEFT JOIN company_employee he ON he.id = l.holder
LEFT JOIN party_party hp ON hp.id = he.party
ORDER BY l.issuer, ''' + PRIORITY_ORDER.format(t='l') + ''', l.deadline, l.id'''
# edaftar_directive.rule_line_scope for the lines in states, one index
# scan for each term (an OR of them would scan every open line).
SQL_LINE_SCOPE = '''l.id IN (
    SELECT id FROM edaftar_directive_line WHERE confidentiality = 'normal'
        AND holder_unit = ANY(%(units)s) AND state IN {states}
    UNION SELECT id FROM edaftar_directive_line
        WHERE holder = ANY(%(employees)s) AND state IN {states}
    UNION SELECT p.line FROM "edaftar_directive_line-company_employee" p
        WHERE p.employee = ANY(%(employees)s)
    UNION SELECT x.id FROM edaftar_directive_line x
        JOIN edaftar_directive y ON y.id = x.directive
        WHERE y.office = ANY(%(units)s) AND x.state IN {states})'''
SQL_DIRECTIVE_LIST = '''
SELECT d.id, d.number, d.issuer, d.priority, d.date, d.subject, d.deadline,
    d.state
FROM edaftar_directive d
WHERE d.issuer = 'cm' AND d.state = 'issued'
    AND (d.office = ANY(%(units)s) OR EXISTS (
        SELECT 1 FROM edaftar_directive_line l WHERE l.directive = d.id
            AND (l.confidentiality = 'normal'
                    AND l.holder_unit = ANY(%(units)s)
                OR l.holder = ANY(%(employees)s)
                OR EXISTS (SELECT 1
                    FROM "edaftar_directive_line-company_employee" p
                    WHERE p.line = l.id
                        AND p.employee = ANY(%(employees)s)))))
ORDER BY d.issuer, ''' + PRIORITY_ORDER.format(t='d') + ''', d.date DESC,
    d.id DESC
LIMIT 50'''
SQL_COMPLIANCE = '''
SELECT l.department * 2 + CASE WHEN l.issuer = 'cm' THEN 0 ELSE 1 END AS id,
    l.department, u.name, l.issuer, count(*) AS total,
    count(*) FILTER (WHERE l.state = 'waiting'),
    count(*) FILTER (WHERE l.state = 'in_progress'),
    count(*) FILTER (WHERE l.state = 'replied'),
    count(*) FILTER (WHERE l.state = 'done'),
    count(*) FILTER (WHERE l.state = 'regretted'),
    count(*) FILTER (WHERE l.state IN ('waiting', 'in_progress')
        AND l.deadline < CURRENT_DATE),
    count(*) FILTER (WHERE l.on_time) AS on_time,
    count(*) FILTER (WHERE l.on_time)::float * 100.0
        / NULLIF(count(l.replied_at), 0) AS on_time_rate,
    avg(EXTRACT(EPOCH FROM l.replied_at - l.issued_at) / 86400.0)
FROM edaftar_directive_line l
JOIN edaftar_org_unit u ON u.id = l.department
WHERE l.issued_on >= %(from)s AND l.issued_on <= %(to)s
    {where}
GROUP BY l.department, u.name, l.issuer
ORDER BY on_time_rate DESC NULLS LAST, total DESC, id'''


def run_sql(conn, queries, params):
    """Run the floor's queries unprepared: planned for their values each
    time (a prepared statement gets a generic plan after 5 runs)"""
    for query in queries:
        with conn.cursor() as cur:
            cur.execute(query, params, prepare=False)
            cur.fetchall()


class Period:
    "A User whose calls carry a period in their context (compliance)"

    def __init__(self, user, **context):
        self.client, self.session, self.id = user.client, user.session, user.id
        self.context = {**user.context, **context}

    __call__ = User.__call__


def read_measures(sessions, fx, scopes, server):
    "Build the read measures"
    client = server.client
    head = User(client, sessions[fx.head[0]])
    cm = User(client, sessions[fx.people['dir_cm'][0]])
    head_params = {'units': list(scopes['head']['units']),
        'employees': list(scopes['head']['acting_for'])}
    cm_params = {'units': list(scopes['cm']['units']),
        'employees': list(scopes['cm']['acting_for'])}
    measures = []

    def line_measure(label, domain, where, params):
        measures.append(Measure('inbox', label, TARGETS['inbox'],
            lambda i: head('edaftar.directive.line', 'search_read', domain,
                0, 50, None, LINE_LIST_FIELDS),
            lambda conn, i: run_sql(conn, [SQL_LINE_LIST.format(
                        where=where)], params),
            [('edaftar.directive.line', 'search_read',
                    (domain, 0, 50, None, LINE_LIST_FIELDS))], head))

    # A unit's directive inbox, as its head sees its tabs.
    line_measure("unit's directive inbox, With Me: department head, "
        "held_by_me + waiting/in progress, limit 50",
        [('held_by_me', '=', True), ('state', 'in', LINE_OPEN)],
        "l.holder = ANY(%(employees)s) "
        "AND l.state IN ('waiting', 'in_progress')", head_params)
    line_measure("unit's directive inbox, Open: department head, the "
        "department's open lines (rules), limit 50",
        [('state', 'in', LINE_UNANSWERED)],
        "l.state IN ('waiting', 'in_progress', 'replied') AND "
        + SQL_LINE_SCOPE.format(
            states="('waiting', 'in_progress', 'replied')"), head_params)
    line_measure("unit's directive inbox, Overdue: department head, "
        "overdue = True (rules), limit 50",
        [('overdue', '=', True)],
        "l.state IN ('waiting', 'in_progress') AND l.deadline < "
        "CURRENT_DATE AND " + SQL_LINE_SCOPE.format(
            states="('waiting', 'in_progress')"), head_params)

    # The CM's open CM orders.
    domain = [('issuer', '=', 'cm'), ('state', '=', 'issued')]
    measures.append(Measure('cm_orders',
        "the CM's open CM orders: issuer = cm, state = issued, limit 50",
        TARGETS['cm_orders'],
        lambda i: cm('edaftar.directive', 'search_read', domain, 0, 50,
            None, DIRECTIVE_LIST_FIELDS),
        lambda conn, i: run_sql(conn, [SQL_DIRECTIVE_LIST], cm_params),
        [('edaftar.directive', 'search_read',
                (domain, 0, 50, None, DIRECTIVE_LIST_FIELDS))], cm))

    # Compliance by department and issuer over the last year.
    today = dt.date.today()
    period = {'from_date': today - dt.timedelta(days=365), 'to_date': today}
    period_params = {'from': period['from_date'], 'to': period['to_date']}
    for label, user, where, params in [
            ("CM: every department", Period(cm, **period), '',
                period_params),
            ("department head: rules", Period(head, **period),
                "AND l.department = ANY(%(units)s)",
                {**period_params, **head_params})]:
        measures.append(Measure('compliance',
            f"compliance by department and issuer over a year, {label}",
            TARGETS['compliance'],
            lambda i, user=user: user('edaftar.directive.compliance',
                'search_read', [], 0, None, None, COMPLIANCE_FIELDS),
            lambda conn, i, where=where, params=params: run_sql(
                conn, [SQL_COMPLIANCE.format(where=where)], params),
            [('edaftar.directive.compliance', 'search_read',
                    ([], 0, None, None, COMPLIANCE_FIELDS))], user))
    return measures


# --- write measures ----------------------------------------------------------

def sql_write_floors(dsn, fx, line_ids):
    """ops/s of the same writes in raw SQL from one client (commit each):
    a reply (report, read mark, state, audit, notifications) on each of
    line_ids, then an accept of each"""
    if not line_ids:
        return [float('nan')] * 2
    floors = []
    with psycopg.connect(conninfo(dsn, DB)) as conn:
        cur = conn.cursor()
        office_users = [u for u, _ in fx.people.values()]
        start = time.perf_counter()
        for line in line_ids:
            cur.execute('SELECT holder, deadline FROM edaftar_directive_line '
                'WHERE id = %s FOR UPDATE', (line,), prepare=True)
            holder, deadline = cur.fetchone()
            cur.execute('INSERT INTO edaftar_directive_report (line, text, '
                'author, submitted_at, create_uid, create_date) VALUES '
                "(%s, 'Bench floor report', %s, now(), 0, now())",
                (line, holder), prepare=True)
            cur.execute('INSERT INTO edaftar_audit_log (timestamp, model, '
                "record_id, action) VALUES (now(), 'edaftar.directive.line', "
                "%s, 'report_create')", (line,), prepare=True)
            cur.execute('UPDATE edaftar_movement SET read_at = now() '
                'WHERE directive_line = %s AND to_employee = %s '
                'AND read_at IS NULL', (line, holder), prepare=True)
            cur.execute("UPDATE edaftar_directive_line SET state = 'replied'"
                ', replied_at = now(), replied_by = %s, on_time = '
                'CURRENT_DATE <= %s, write_uid = 0, write_date = now() '
                'WHERE id = %s', (holder, deadline, line), prepare=True)
            cur.execute('INSERT INTO edaftar_audit_log (timestamp, model, '
                "record_id, action) VALUES (now(), 'edaftar.directive.line', "
                "%s, 'reply')", (line,), prepare=True)
            cur.executemany('INSERT INTO res_notification ("user", label, '
                'model, records, unread, create_uid, create_date) VALUES '
                "(%s, 'Bench floor reply', 'edaftar.directive.line', %s, "
                'true, 0, now())',
                [(u, f'[{line}]') for u in office_users[:2]])
            conn.commit()
        floors.append(len(line_ids) / (time.perf_counter() - start))
        start = time.perf_counter()
        for line in line_ids:
            cur.execute('SELECT state, replied_by FROM edaftar_directive_line '
                'WHERE id = %s FOR UPDATE', (line,), prepare=True)
            cur.fetchone()
            cur.execute("UPDATE edaftar_directive_line SET state = 'done', "
                'done_at = now(), write_uid = 0, write_date = now() '
                'WHERE id = %s', (line,), prepare=True)
            cur.execute('INSERT INTO edaftar_audit_log (timestamp, model, '
                "record_id, action) VALUES (now(), 'edaftar.directive.line', "
                "%s, 'accept')", (line,), prepare=True)
            conn.commit()
        floors.append(len(line_ids) / (time.perf_counter() - start))
    return floors


def write_measures(server, sessions, fx, args, dsn):
    """Reply (report + Reply button) then accept (Accept button) from
    args.threads client threads; return the rows for the table and the
    lines left to trace"""
    port = server.port
    rows = []
    # The floor replies to and accepts lines of its own, first.
    floor_lines = [line for pool in fx.reply_pools(dsn, args.threads)
        for line, _ in pool[len(pool) - min(25, len(pool) // 4):]]
    floors = sql_write_floors(dsn, fx, floor_lines)
    pools = fx.reply_pools(dsn, args.threads)
    exhausted = set()

    def replier(t):
        pool = pools[t]

        def make(client):
            users = {u: User(client, sessions[u])
                for u in {u for _, u in pool}}
            lines = iter(pool)

            def op():
                try:
                    line, user = next(lines)
                except StopIteration:
                    exhausted.add('reply')
                    raise Exhausted
                users[user]('edaftar.directive.report', 'create', [{
                            'line': line,
                            'text': f'Bench report on line {line}: '
                            'compliance ensured.'}])
                users[user]('edaftar.directive.line', 'reply', [line])
            return op
        return make

    def accepter(login, pool):
        def make(client):
            user = User(client, sessions[fx.people[login][0]])
            lines = iter(pool)

            def op():
                try:
                    line = next(lines)
                except StopIteration:
                    exhausted.add('accept')
                    raise Exhausted
                user('edaftar.directive.line', 'accept', [line])
            return op
        return make

    def run(label, workers, rpcs, floor, available):
        with step(f"  {label}"):
            times, errors, elapsed = dak.run_writers(
                port, workers, args.write_seconds)
        ops = len(times) / elapsed
        rows.append([label, len(workers), len(times), len(errors),
                f'{ops:.1f}', f'{ops * rpcs:.1f}', ms(pct(times, 50)),
                ms(pct(times, 95)), f'{floor:.0f}', f'{available:,}',
                f">= {TARGETS['write']}",
                'ok' if ops >= TARGETS['write'] and not errors else 'MISSED',
                sorted(set(errors))[:1]])
        for error in sorted(set(errors))[:3]:
            print(f"    error: {error}", file=sys.stderr)

    run("reply (create an action report + Reply button)",
        [replier(t) for t in range(args.threads)], 2, floors[0],
        sum(map(len, pools)))
    # The lines just replied to can be accepted too.
    accept_pools = fx.accept_pools(dsn, args.threads)
    run("accept (Accept button, the office's PS or the CM/CS)",
        [accepter(login, pool) for login, pool in accept_pools], 1,
        floors[1], sum(len(p) for _, p in accept_pools))
    # Two lines of one user for each trace: the first warms the caches.
    left = {'reply': next((pool[:2] for pool in fx.reply_pools(
                    dsn, args.threads)
                if len(pool) > 1 and pool[0][1] == pool[1][1]), None),
        'accept': next(((login, pool[-2:])
                for login, pool in fx.accept_pools(dsn, args.threads)
                if len(pool) > 1), None)}
    return rows, exhausted, len(floor_lines), left


def trace_writes(pool, fx, left):
    """Count the SQL statements and transaction attempts of one reply and
    one accept, in-process, after one of each to warm the caches"""
    context = {'language': 'en', 'company': fx.company}
    rows = []
    if left['reply']:
        lines = [line for line, _ in left['reply']]
        user_id = left['reply'][0][1]

        def reply(pool):
            Line = pool.get('edaftar.directive.line')
            line_id = lines.pop(0)
            pool.get('edaftar.directive.report').create([{
                        'line': line_id, 'text': 'Bench trace report.'}])
            Line.reply([Line(line_id)])
        dak.trace_write(pool, user_id, context, reply)
        rows.append(["reply (report + Reply button)", *dak.trace_write(
                    pool, user_id, context, reply)])
    if left['accept']:
        login, lines = left['accept']

        def accept(pool):
            Line = pool.get('edaftar.directive.line')
            Line.accept([Line(lines.pop(0))])
        dak.trace_write(pool, fx.people[login][0], context, accept)
        rows.append([f"accept (Accept button, {login})", *dak.trace_write(
                    pool, fx.people[login][0], context, accept)])
    if not rows:
        print("\nNo write traced in-process: no lines left to act on.")
        return
    table("One write in-process, as the RPC dispatcher runs it, after "
        "one to warm the caches",
        ["operation", "SQL statements", "transaction attempts",
            "in-process ms"],
        [[label, n, attempts, ms(duration)]
            for label, n, attempts, duration in rows])


# --- main ------------------------------------------------------------------

def main():
    args = parse_args()
    dsn = os.environ.get(
        'EDAFTAR_BENCH_DSN', f'postgresql://postgres@{LOCALHOST}:5432/')
    tmp = tempfile.mkdtemp(prefix='edaftar-bench-directive-')
    config = dak.write_config(tmp, dsn)
    # trytond reads its configuration when first imported.
    os.environ['TRYTOND_CONFIG'] = str(config)
    plans_file = Path(tmp, 'plans.txt')

    n_users = max(1, round(10_000 * args.scale))
    province = dak.Province(args.scale, n_users)
    sizes = (max(20, round(20_000 * args.scale)),
        max(30, round(60_000 * args.scale)),
        max(60, round(150_000 * args.scale)))
    print(f"e-Daftar directive benchmark, scale {args.scale}: "
        f"{sizes[0]:,} orders, {sizes[1]:,} lines, {sizes[2]:,} reports "
        f"beside the Dak's {province.n_departments} departments, "
        f"{len(province.units):,} units, {len(province.employees):,} users; "
        f"PostgreSQL {dsn}")
    print("Load average at start: %.2f %.2f %.2f (%d CPUs)" % (
            *os.getloadavg(), os.cpu_count()))
    servers = []
    pool = None
    try:
        timings = None
        if args.reuse:
            with step(f"updating {', '.join(MODULES)} in the kept {DB}"):
                dak.activate(config, tmp, MODULES)
            how = f"kept {DB} (--reuse: not loaded in this run)"
        else:
            how, dak_time = dak_data_set(dsn, config, tmp, province, args)
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
            with step("loading the directives with COPY"):
                counts, timings = load(dsn, province, bases, sizes,
                    args.threads, args.seed)
        with psycopg.connect(conninfo(dsn, DB)) as conn:
            tables = DIRECTIVE_TABLES + ['edaftar_movement',
                'edaftar_receipt']
            info = {name: conn.execute(
                    'SELECT pg_size_pretty(pg_total_relation_size(%s)), '
                    f'(SELECT count(*) FROM "{name}")',
                    (f'"{name}"',)).fetchone() for name in tables}
            states = conn.execute('SELECT state, count(*), count(*) FILTER ('
                "WHERE state IN ('waiting', 'in_progress') "
                'AND deadline < CURRENT_DATE) FROM edaftar_directive_line '
                'GROUP BY state ORDER BY 2 DESC').fetchall()
            orders = conn.execute('SELECT issuer, state, count(*) '
                'FROM edaftar_directive GROUP BY 1, 2 ORDER BY 1, 2'
                ).fetchall()
            line_moves, = conn.execute('SELECT count(*) FROM edaftar_movement '
                'WHERE directive_line IS NOT NULL').fetchone()
        rows = [[name, f'{info[name][1]:,}', info[name][0]]
            for name in tables]
        rows.insert(len(DIRECTIVE_TABLES) + 1,
            ["  of which lines' movements", f'{line_moves:,}', ''])
        rows += [[f"  lines {s}" + (f" ({o:,} overdue)" if o else ''),
                f'{n:,}', ''] for s, n, o in states]
        rows += [[f"  orders {i} {s}", f'{n:,}', ''] for i, s, n in orders]
        if not args.reuse:
            rows += [
                [f"step: the Dak data set, {how}", '', f"{dak_time:.1f} s"],
                [f"step: trytond-admin -u {' '.join(MODULES)}", '',
                    f"{activate_time:.1f} s"],
                ["step: offices + directives (COPY)", '',
                    f"{timings['copy']:.1f} s"],
                ["step: VACUUM ANALYZE", '',
                    f"{timings['vacuum_analyze']:.1f} s"]]
            title = (f"Directive data set loaded with COPY in "
                f"{timings['copy'] + timings['vacuum_analyze']:.1f} s, "
                f"beside the Dak data set ({how})")
        else:
            title = f"Data set of {how}"
        table(title, ["table / step", "rows", "size / time"], rows)

        fx = Fixtures(dsn, province, bases, args.threads)
        from trytond.pool import Pool
        pool = Pool(DB)
        with step("starting the pool in-process"):
            pool.init()
            settle_caches(DB)
        users = {fx.head[0]} | {u for u, _ in fx.people.values()} | {
            u for holders in fx.repliers for u in holders.values()}
        with step("opening sessions"):
            sessions = dak.new_sessions(pool, users)
            scopes = {'head': dak.scope_of(pool, fx.head[0]),
                'cm': dak.scope_of(pool, fx.people['dir_cm'][0])}

        with step("starting trytond (one process)"):
            server = Server(tmp, dsn)
            servers.append(server)
            server.wait()
        print("measuring reads over JSON-RPC:", file=sys.stderr)
        measures = read_measures(sessions, fx, scopes, server)
        bare = dak.measure_reads(server, measures, dsn, args)
        with psycopg.connect(conninfo(dsn, DB), autocommit=True) as conn:
            for m in measures:
                if not m.rpc_times:
                    # The call fails: the floor alone, to know what to reach.
                    m.sql_times = [timed(m.sql, conn, i)[0]
                        for i in range(args.calls)]
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
            try:
                results, duration, n_statements = dak.trace(
                    pool, dsn, m.user.id, m.user.context, m.trace_calls)
            except Exception as e:  # noqa: BLE001
                print(f"\n* {m.label}:\n  fails in-process too: "
                    f"{type(e).__name__}: {str(e).strip()[:300]}")
                continue
            dak.print_trace(m, results, duration, n_statements, plans_file)

        workers_label = (f"2 worker processes x {args.worker_threads} threads"
            if args.worker_threads else "2 sync worker processes")
        if (BIN / 'gunicorn').exists():
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
            rows, exhausted, n_floor, left = write_measures(
                server, sessions, fx, args, dsn)
            table(f"Writes over JSON-RPC, gunicorn {workers_label}, "
                f"{args.threads} client threads, {args.write_seconds:.0f} s "
                "each",
                ["operation", "threads", "ops", "errors", "ops/s", "RPC/s",
                    "p50 ms", "p95 ms", "SQL ops/s", "lines", "target", ""],
                [r[:-1] for r in rows],
                [f"SQL ops/s = the same rows written with raw SQL from one "
                    f"client, one commit per operation ({n_floor} lines); "
                    "lines = lines the threads could act on."]
                + [f"{kind}: the threads ran out of lines before the end: "
                    "ops/s is low by that much" for kind in sorted(exhausted)]
                + [f"first error of '{r[0]}': {r[-1][0]}" for r in rows
                    if r[-1]])
            server.stop()
            servers.remove(server)
            trace_writes(pool, fx, left)
        else:
            print("\ngunicorn is not installed in .venv: write throughput "
                "not measured with 2 worker processes.")
        print("\nLoad average at end: %.2f %.2f %.2f" % os.getloadavg())
    except RPCError as e:
        sys.exit(f"JSON-RPC error: {e}")
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
