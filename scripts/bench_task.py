#!/usr/bin/env python3
"""Benchmark of the tasks (edaftar_task) on PostgreSQL at DESIGN.md §5
scale, beside the Dak data set.

Works in the database edaftar_bench_task (dropped first if it exists): a
copy of the directive database edaftar_bench_directive kept by
`scripts/bench directive --keep` when there is one of the same --scale and
nobody is connected to it (that one is left as it was: it has the Dak data
set and the offices of the Chief Minister and the Chief Secretary with
their PS), else a Dak data set made as scripts/bench_directive.py makes it
(a copy of a kept edaftar_bench_dak, or loaded with COPY) and those
offices added as it adds them. Adds the field administration the Dak's
province lacks (8 divisions with their Commissioner, 36 districts with
their Deputy Commissioner, 3 Assistant Commissioners and 6 assistants in
each district), activates edaftar_task there and loads with COPY (not the
ORM) 200,000 tasks: activities of the CM, the CS, the department
secretaries and the Commissioners started over the last year, their
top-level tasks (from the CM and the CS to secretaries, Commissioners and
DCs; from a secretary to the wings and sections of the department; from a
Commissioner to the DCs and ACs of the division), broken down 1 to 3
levels into subtasks for people in the scope of each assignee; every
state, done on time and late with completed_on, on_time and delay_days as
the Complete button sets them, due dates from a year ago to four months
ahead; progress updates; then VACUUM ANALYZE, and measures over JSON-RPC:
  - reads (p50/p95, one trytond process) beside the raw SQL floor of the
    same result and the bare RPC floor (res.user.search_read): my tasks
    (a section officer, a department secretary; the action's domain, first
    page) and the tab counts of that action, the Kanban board's load (its
    4 columns as kanban/board.js reads them: the user's tasks in each
    state, the fields a card shows), task performance per unit over a
    year (the CS: departments; a department secretary: every unit of the
    department);
  - writes (start + complete a task: the Start then the Complete button;
    ops/s from client threads against gunicorn with 2 worker processes;
    thousands of users in turn, then a few users over and over) beside a
    raw SQL floor;
  - the daily digest: res.user.edaftar_digest_content (and the e-mail
    message) composed in-process for a sample of the 10,000 users,
    extrapolated to all of them unless --digest-users covers them all;
  - the SQL Tryton runs for each read (traced in-process), with EXPLAIN
    ANALYZE plans of the slow statements.
The database is dropped at the end unless --keep.

    scripts/bench task                      # full scale
    scripts/bench task --quick              # scale 0.02, 50 calls
    scripts/bench task --keep               # then --reuse: no reload
    scripts/bench task --fresh              # build the Dak set, no copy
    scripts/bench task --pg-tuned           # jit off, custom plans only
    scripts/bench task --digest-users 10000  # every user's digest
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
from concurrent.futures import ThreadPoolExecutor  # noqa: E402

import psycopg  # noqa: E402

import bench_dak as dak  # noqa: E402
import bench_directive as directive  # noqa: E402
from bench_dak import (  # noqa: E402
    Client, Exhausted, Measure, RPCError, Server, User, ms, set_sequences)
from bench_directive import (  # noqa: E402
    OFFICE_PEOPLE, Period, count_units, run_sql)
from benchlib import (  # noqa: E402
    LOCALHOST, conninfo, copy_rows, drop_database, next_id, pct,
    settle_caches, step, table, timed)

DB = 'edaftar_bench_task'
DIRECTIVE_DB = directive.DB
# bench_directive named the Dak's database after its own when imported.
dak.use_database(DB)
BIN = VENV_PYTHON.parent
MODULES = ('edaftar_dak', 'edaftar_task')

OPEN = ['todo', 'in_progress']
# The fields the clients ask for: the list view of tasks (task_list.xml),
# the cards of the Kanban board and the list of the performance
# (performance_list.xml); many2one shown by their rec_name.
TASK_LIST_FIELDS = [
    'name', 'group', 'group.rec_name', 'assignee', 'assignee.rec_name',
    'assigned_by', 'assigned_by.rec_name', 'unit', 'unit.rec_name',
    'start_date', 'due_date', 'progress', 'completed_on', 'on_time',
    'state', 'overdue', 'rec_name', '_timestamp']
# The Kanban board (kanban/board.js, loadBoard): one search_read per
# column, with the column's order and limit, and the fields of a card.
BOARD_FIELDS = [
    'name', 'state', 'due_date', 'overdue', 'progress',
    'assignee.rec_name', 'assigned_by.rec_name', 'group.rec_name']
BOARD_COLUMNS = [
    ('todo', [('due_date', 'ASC'), ('id', 'ASC')], 200),
    ('in_progress', [('due_date', 'ASC'), ('id', 'ASC')], 200),
    ('done', [('completed_at', 'DESC'), ('id', 'DESC')], 50),
    ('cancelled', [('write_date', 'DESC'), ('id', 'DESC')], 50),
    ]
BOARD_VIEWS = {'mine': ('assigned_to_me', 'assignee'),
    'given': ('given_by_me', 'assigned_by')}
PERFORMANCE_FIELDS = [
    'name', 'level', 'posting', 'posting.rec_name', 'assigned', 'done',
    'done_on_time', 'done_late', 'open_overdue', 'on_time_rate',
    'average_delay_days', 'employee', 'unit', 'rec_name', '_timestamp']
# The action My Tasks (act_task_form) and its tabs.
MY_TASKS = [('assigned_to_me', '=', True), ('state', 'in', OPEN)]
MY_TABS = [[('state', '=', 'todo')], [('state', '=', 'in_progress')],
    [('overdue', '=', True)], [('state', '=', 'done')], []]

# What --pg-tuned sets in the database.
PG_TUNED = directive.PG_TUNED
# Targets (ms, p95; ops/s). DESIGN.md §5 sets the performance's (200 ms);
# the lists borrow the Dak's: a user's inbox (25 ms) for my tasks, a
# department's inbox (40 ms) for the board and the tab counts, the write
# paths' 100 operations/s.
TARGETS = {'my_tasks': 25, 'tabs': 40, 'board': 40, 'performance': 200,
    'write': 100}
BORROWED = {'my_tasks', 'tabs', 'board', 'write'}


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--scale', type=float, default=1.0,
        help="1.0 = the Dak's 60 departments, 10,000 users, 1,000,000 "
        "receipts, 8 divisions, 36 districts and 200,000 tasks "
        "(default: %(default)s)")
    parser.add_argument('--quick', action='store_true',
        help="--scale 0.02, 50 calls, 5 s per write path, 200 digests")
    parser.add_argument('--calls', type=int, default=200,
        help="JSON-RPC calls per read measure (default: %(default)s)")
    parser.add_argument('--max-seconds', type=float, default=30,
        help="stop a read measure after this time (default: %(default)s)")
    parser.add_argument('--threads', type=int, default=4,
        help="client threads for the write path (default: %(default)s)")
    parser.add_argument('--worker-threads', type=int, default=16,
        help="threads in each of the 2 gunicorn worker processes, as "
        "docker-compose.yml serves (gthread); 0: sync workers "
        "(default: %(default)s)")
    parser.add_argument('--write-seconds', type=float, default=15,
        help="duration of the write path (default: %(default)s)")
    parser.add_argument('--digest-users', type=int, default=1000,
        help="users whose digest is composed in-process, spread over all "
        "the users; the time for every user is extrapolated from them "
        "when they are fewer (default: %(default)s)")
    parser.add_argument('--keep', action='store_true',
        help=f"keep the database {DB} at the end")
    parser.add_argument('--reuse', action='store_true',
        help=f"measure again a database {DB} kept by --keep (same --scale)"
        ", without creating and loading it")
    parser.add_argument('--fresh', action='store_true',
        help=f"build the Dak data set even if {DIRECTIVE_DB} or "
        f"{directive.DAK_DB} could be copied")
    parser.add_argument('--pg-tuned', action='store_true',
        help=f"measure with jit = off and plan_cache_mode = "
        f"force_custom_plan in {DB} (ALTER DATABASE): no JIT compilation "
        "of the plans PostgreSQL costs high, no generic plans for the "
        "statements psycopg prepares after 5 runs on a connection")
    parser.add_argument('--seed', type=int, default=20251214)
    args = parser.parse_args()
    if args.quick:
        args.scale, args.calls, args.write_seconds = 0.02, 50, 5
        args.digest_users = min(args.digest_users, 200)
    return args


# --- the Dak data set, the offices and the field under our name ------------

def office_people(dsn):
    "{login: (user id, employee id)} of the offices in DB"
    with psycopg.connect(conninfo(dsn, DB)) as conn:
        rows = conn.execute('SELECT login, id, employee FROM res_user '
            'WHERE login = ANY(%s)', (list(OFFICE_PEOPLE),)).fetchall()
    return {login: (u, e) for login, u, e in rows}


def base_data_set(dsn, config, tmp, province, args):
    """Create DB with the Dak data set and the offices of the CM and the CS:
    a copy of the kept directive database when it fits, else as
    bench_directive makes its own; return (how, seconds)"""
    start = time.perf_counter()
    if (not args.fresh
            and count_units(dsn, DIRECTIVE_DB) == len(province.units)):
        with step(f"copying the kept {DIRECTIVE_DB} to {DB}"):
            copied = directive.copy_database(dsn, DIRECTIVE_DB, DB)
        if copied:
            return (f"copied from {DIRECTIVE_DB}",
                time.perf_counter() - start)
    how, _ = directive.dak_data_set(dsn, config, tmp, province, args)
    return how, time.perf_counter() - start


def add_offices(conn, bases):
    """The offices of the CM and the CS with their PS, as bench_directive
    adds them, unless they are there (a copy of its database); return
    whether they were added"""
    logins = [login for login, in conn.execute(
            'SELECT login FROM res_user WHERE login = ANY(%s)',
            (list(OFFICE_PEOPLE),))]
    if len(logins) == len(OFFICE_PEOPLE):
        return False
    if logins:
        sys.exit(f"{DB} has only some of the offices' people: "
            f"{', '.join(sorted(logins))}")
    directive.load_offices(conn, bases)
    return True


# The province's divisions (a Commissioner each) and their districts (a
# Deputy Commissioner each); in each district, AC_PER_DISTRICT Assistant
# Commissioners (a section each) with ASSISTANTS_PER_AC assistants.
DIVISIONS = [('Quetta', 5), ('Kalat', 4), ('Makran', 5), ('Nasirabad', 4),
    ('Sibi', 5), ('Zhob', 4), ('Loralai', 5), ('Rakhshan', 4)]
AC_PER_DISTRICT, ASSISTANTS_PER_AC = 3, 2
# role: (designation, code, grade, role group)
FIELD_ROLES = {
    'commissioner': ("Commissioner", 'commissioner', 20,
        'group_department_head'),
    'dc': ("Deputy Commissioner", 'deputy_commissioner', 19,
        'group_wing_head'),
    'ac': ("Assistant Commissioner", 'assistant_commissioner', 17,
        'group_section_officer'),
    'assistant': (None, 'officer', 14, 'group_officer'),
    }


def load_field(conn, bases, scale):
    """The divisions, districts and AC offices with their people, with
    COPY (as bench_directive loads the offices), unless there; return
    whether they were added"""
    cur = conn.cursor()
    if cur.execute("SELECT 1 FROM edaftar_org_unit WHERE kind = 'division' "
            'LIMIT 1').fetchone():
        return False
    now = dt.datetime.now()
    audit = (0, now)
    groups = dict(cur.execute("SELECT fs_id, db_id FROM ir_model_data "
            "WHERE module = 'edaftar_base' AND model = 'res.group'"))
    menu, = cur.execute(
        "SELECT menu FROM res_user WHERE login = 'admin'").fetchone()
    designations = dict(cur.execute(
            'SELECT code, id FROM edaftar_designation WHERE code = ANY(%s)',
            ([c for _, c, _, _ in FIELD_ROLES.values()],)))
    new_designations = []
    designation0 = next_id(cur, 'edaftar_designation')
    for name, code, grade, _ in FIELD_ROLES.values():
        if code not in designations:
            designations[code] = designation0 + len(new_designations)
            new_designations.append((designations[code], name, code, grade,
                    True, *audit))
    copy_rows(cur, 'edaftar_designation',
        ['id', 'name', 'code', 'grade', 'active', 'create_uid',
            'create_date'], new_designations)
    unit0 = next_id(cur, 'edaftar_org_unit')
    units, people, heads = [], [], {}

    def unit(parent, kind, code, name):
        units.append((unit0 + len(units), parent, kind, code, name, True,
                *audit))
        return units[-1][0]

    def person(unit_id, role, head=False):
        people.append((unit_id, role))
        if head:
            heads[unit_id] = len(people) - 1

    n_divisions = max(1, round(len(DIVISIONS) * scale))
    for v in range(n_divisions):
        name, n_districts = DIVISIONS[v % len(DIVISIONS)]
        division = unit(bases['unit'], 'division', f'DIV{v + 1}',
            f"{name} Division")
        person(division, 'commissioner', head=True)
        for d in range(n_districts if scale >= 0.5 else 2):
            place = dak.PLACES[(v * 5 + d) % len(dak.PLACES)]
            district = unit(division, 'district', f'DIS{v + 1}.{d + 1}',
                f"District {place} ({v + 1}.{d + 1})")
            person(district, 'dc', head=True)
            for a in range(AC_PER_DISTRICT):
                office = unit(district, 'section', f'AC{a + 1}',
                    f"Assistant Commissioner {place} {a + 1}")
                person(office, 'ac', head=True)
                for _ in range(ASSISTANTS_PER_AC):
                    person(office, 'assistant')
    copy_rows(cur, 'edaftar_org_unit',
        ['id', 'parent', 'kind', 'code', 'name', 'active', 'create_uid',
            'create_date'], units)
    party0 = next_id(cur, 'party_party')
    user0 = next_id(cur, 'res_user')
    employee0 = next_id(cur, 'company_employee')
    names = [f"{dak.FIRST[(i + 7) % 20]} {dak.LAST[(i // 20 + 3) % 20]} "
        f"F{i}" for i in range(len(people))]
    copy_rows(cur, 'party_party',
        ['id', 'code', 'name', 'active', 'create_uid', 'create_date'],
        [(party0 + i, f'BENCHTSK{i:05}', names[i], True, *audit)
            for i in range(len(people))])
    copy_rows(cur, 'res_user',
        ['id', 'login', 'name', 'active', 'menu', 'company',
            'company_filter', 'create_uid', 'create_date'],
        [(user0 + i, f'tsk{i:05}', names[i], True, menu, bases['company'],
                'one', *audit) for i in range(len(people))])
    copy_rows(cur, 'company_employee',
        ['id', 'party', 'company', 'user', 'edaftar_unit', 'designation',
            'start_date', 'create_uid', 'create_date'],
        [(employee0 + i, party0 + i, bases['company'], user0 + i, u,
                designations[FIELD_ROLES[role][1]], dt.date(2020, 1, 1),
                *audit)
            for i, (u, role) in enumerate(people)])
    cur.execute('UPDATE res_user u SET employee = e.id '
        'FROM company_employee e WHERE e."user" = u.id AND u.id >= %s',
        (user0,))
    copy_rows(cur, 'res_user-company_employee',
        ['user', 'employee', 'create_uid', 'create_date'],
        [(user0 + i, employee0 + i, *audit) for i in range(len(people))])
    copy_rows(cur, 'res_user-company_company',
        ['user', 'company', 'create_uid', 'create_date'],
        [(user0 + i, bases['company'], *audit) for i in range(len(people))])
    copy_rows(cur, 'res_user-res_group',
        ['user', 'group', 'create_uid', 'create_date'],
        [(user0 + i, groups[FIELD_ROLES[role][3]], *audit)
            for i, (_, role) in enumerate(people)])
    for unit_id, i in heads.items():
        cur.execute('UPDATE edaftar_org_unit SET head = %s WHERE id = %s',
            (employee0 + i, unit_id))
    set_sequences(cur, ['edaftar_designation', 'edaftar_org_unit',
            'party_party', 'res_user', 'company_employee',
            'res_user-company_employee', 'res_user-company_company',
            'res_user-res_group'])
    return True


def bases_from_db(conn, province):
    """The id bases of the Dak's province in DB: bench_dak's check, but
    the divisions, districts and their AC offices added here are not the
    Dak's"""
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
    units = one('SELECT count(*) FROM edaftar_org_unit u WHERE id >= %s '
        "AND kind NOT IN ('executive', 'division', 'district') AND NOT "
        "EXISTS (SELECT 1 FROM edaftar_org_unit p WHERE p.id = u.parent "
        "AND p.kind = 'district')", unit0)
    if units != len(province.units):
        sys.exit(f"{DB} has {units} units, --scale gives "
            f"{len(province.units)}: give the --scale of the load")
    return {'unit': unit0, 'user': user0, 'employee': employee0,
        'company': company}


# --- who gives tasks to whom -------------------------------------------------

class Org:
    """The people of DB who give and get tasks, as ids: for each employee
    their user, their (unit, wing, department) as edaftar_task records
    them and their direct reports (to whom they break down a task)"""

    def __init__(self, conn, province, bases):
        unit0, user0, emp0 = bases['unit'], bases['user'], bases['employee']
        self.user, self.units, self.reports = {}, {}, {}
        # The Dak's province: department -> wings -> sections.
        kinds = {u: kind for u, _, kind, _, _ in province.units}
        parents = {u: p for u, p, _, _, _ in province.units}

        def ancestor(u, wanted):
            while u is not None and kinds[u] not in wanted:
                u = parents[u]
            return None if u is None else unit0 + u
        for i, (u, _) in enumerate(province.employees):
            self.user[emp0 + i] = user0 + i
            self.units[emp0 + i] = (unit0 + u, ancestor(u, {'wing'}),
                ancestor(u, {'department'}))
        self.secretaries, self.department_of = [], {}
        self.wing_heads, self.officers = [], []
        self.sections = []   # (head, [officers]) of the Dak's sections
        for d, info in enumerate(province.departments):
            head = emp0 + info['head']
            self.secretaries.append(head)
            self.department_of[head] = d
            self.reports[head] = []
            for _, wh, sections in info['wings']:
                self.reports[head].append(emp0 + wh)
                self.wing_heads.append(emp0 + wh)
                self.reports[emp0 + wh] = [emp0 + so for _, so, _ in sections]
                for _, so, officers in sections:
                    self.reports[emp0 + so] = [emp0 + o for o in officers]
                    self.sections.append(
                        (emp0 + so, [emp0 + o for o in officers]))
        # The field: division -> districts -> AC offices.
        rows = conn.execute('SELECT u.id, u.kind, u.parent, u.head, '
            "p.kind FROM edaftar_org_unit u LEFT JOIN edaftar_org_unit p "
            "ON p.id = u.parent WHERE u.kind IN ('division', 'district') "
            "OR p.kind = 'district' ORDER BY u.id").fetchall()
        head_of = {u: h for u, _, _, h, _ in rows}
        self.commissioners, self.dcs = [], []
        for u, kind, parent, head, parent_kind in rows:
            if kind == 'division':
                self.commissioners.append(head)
                self.units[head] = (u, None, u)
                self.reports[head] = []
            elif kind == 'district':
                self.dcs.append(head)
                self.units[head] = (u, u, parent)
                self.reports[head_of[parent]].append(head)
                self.reports[head] = []
            else:
                division = next(p for x, _, p, _, _ in rows if x == parent)
                self.units[head] = (u, parent, division)
                self.reports[head_of[parent]].append(head)
                self.reports[head] = []
        field_units = [u for u, _, _, _, _ in rows]
        for e, u, user, unit_head in conn.execute(
                'SELECT e.id, e.edaftar_unit, e."user", u.head FROM '
                'company_employee e JOIN edaftar_org_unit u ON u.id = '
                'e.edaftar_unit WHERE e.edaftar_unit = ANY(%s) ORDER BY e.id',
                (field_units,)):
            self.user[e] = user
            if e != unit_head:
                self.units[e] = self.units[unit_head]
                self.reports[unit_head].append(e)
        # The offices of the CM and the CS.
        self.offices = {login: (u, e) for login, u, e in conn.execute(
                'SELECT login, id, employee FROM res_user '
                'WHERE login = ANY(%s)', (list(OFFICE_PEOPLE),))}
        for e, u, unit in conn.execute('SELECT e.id, e."user", '
                'e.edaftar_unit FROM company_employee e JOIN res_user u ON '
                'u.id = e."user" WHERE u.login = ANY(%s)',
                (list(OFFICE_PEOPLE),)):
            self.user[e] = u
            self.units[e] = (unit, None, unit)
        self.cm = self.offices['dir_cm'][1]
        self.cs = self.offices['dir_cs'][1]


# --- the tasks ---------------------------------------------------------------

ACTIVITIES = ['Annual Development Programme', 'Budget proposals',
    'Audit paras', 'Assembly questions', 'Anti-encroachment drive',
    'Polio campaign', 'Flood relief', 'Revenue collection',
    'E-filing rollout', 'Recruitment drive', 'Court cases',
    'Public complaints', 'Monsoon preparedness', 'Price control',
    'School enrolment campaign', 'Health card scheme']
VERBS = ['Prepare', 'Submit', 'Review', 'Compile', 'Verify', 'Finalise',
    'Coordinate', 'Inspect', 'Draft', 'Follow up on', 'Report on',
    'Reconcile']
UPDATES = ['Work started; data being collected.',
    'Meeting held with the field offices.', 'Draft ready for review.',
    'Awaiting comments of the Finance Department.',
    'Half of the districts have reported.', 'Site visited; report drafted.',
    'Reminder issued to the defaulting offices.', 'Completed; submitted.']
# Owners of the activities (weights): the CM, the CS, the department
# secretaries, the Commissioners.
OWNERS = [('cm', 7), ('cs', 13), ('secretary', 70), ('commissioner', 10)]
# Top-level tasks of an activity: (count, weight) by owner.
TOP_TASKS = {
    'cm': ([1, 2, 3, 4, 5, 6, 8, 10], [15, 15, 15, 15, 12, 10, 10, 8]),
    'cs': ([1, 2, 3, 4, 5, 6, 8, 10], [15, 15, 15, 15, 12, 10, 10, 8]),
    'secretary': ([1, 2, 3, 4, 5, 6], [20, 25, 20, 15, 10, 10]),
    'commissioner': ([1, 2, 3, 4, 5], [25, 25, 20, 15, 15]),
    }
# Where the CM's and the CS's tasks go: secretaries, Commissioners, DCs.
GOVERNMENT_TARGETS = [('secretaries', 70), ('commissioners', 10),
    ('dcs', 20)]
# Activities last these days (start to due).
DURATIONS = [14, 21, 30, 45, 60, 90, 120]
# Whether an assignee breaks their task down, by how many levels below
# the top-level task it is (subtasks go at most 3 levels down).
BREAKDOWN = [0.85, 0.6, 0.45]
CHILDREN = ([1, 2, 3], [50, 35, 15])
# States (weights) of a task whose parent is open, by its due date.
STATES = {
    'past': [('done', 82), ('cancelled', 3), ('in_progress', 9),
        ('todo', 6)],
    'future': [('done', 20), ('cancelled', 2), ('in_progress', 45),
        ('todo', 33)],
    }
# Share of the tasks done after their due date (when it has passed), and
# the mean delay of those, in days.
LATE, MEAN_DELAY = 0.28, 7
# Share of top-level tasks about a receipt of the department.
WITH_DOCUMENT = 0.08
TASK_TABLES = ['edaftar_task_group', 'edaftar_task', 'edaftar_task_update']
OFFICE_NAMES = {'cm': "Chief Minister", 'cs': "Chief Secretary",
    'secretary': "department", 'commissioner': "division"}


def generate(conn, org, n_tasks, seed, receipts):
    """Activities, tasks and progress updates with COPY on conn, until
    n_tasks tasks; return the row counts"""
    rng = random.Random(seed)
    rand, randrange, uniform = rng.random, rng.randrange, rng.uniform
    choices, choice, sample = rng.choices, rng.choice, rng.sample
    today = dt.date.today()
    now = dt.datetime.now().replace(microsecond=0)
    latest = now - dt.timedelta(minutes=5)
    one_day = dt.timedelta(days=1)
    # Activities start from DAYS ago to today, in order; the last ones
    # are due months ahead.
    days = 380
    first_day = today - dt.timedelta(days=days)
    owners, owner_weights = zip(*OWNERS)
    targets, target_weights = zip(*GOVERNMENT_TARGETS)
    secretary_weights = [3] + [1] * (len(org.secretaries) - 1)
    pools = {'secretaries': org.secretaries, 'commissioners':
        org.commissioners, 'dcs': org.dcs}
    group0 = next_id(conn.cursor(), 'edaftar_task_group')
    task0 = next_id(conn.cursor(), 'edaftar_task')
    update0 = next_id(conn.cursor(), 'edaftar_task_update')
    groups, tasks, updates = [], [], []

    def at(day, hour, spread=3600 * 3):
        return (dt.datetime.combine(day, dt.time(hour))
            + dt.timedelta(seconds=randrange(spread)))

    def name_of():
        return (f"{VERBS[randrange(len(VERBS))]} "
            f"{dak.TOPICS[randrange(20)]} {dak.SECONDS[randrange(10)]} "
            f"({dak.PLACES[randrange(20)]})")

    def state_of(start, due, parent_state):
        if start > today or parent_state == 'todo':
            return 'todo'
        if parent_state == 'done':
            return 'done' if rand() < 0.95 else 'cancelled'
        if parent_state == 'cancelled':
            return 'cancelled' if rand() < 0.8 else 'done'
        values, weights = zip(*STATES['past' if due < today else 'future'])
        return choices(values, weights)[0]

    def completion(start, due, cap):
        "The day a task is done: on time, or late when its due date passed"
        if due < today and rand() < LATE:
            day = due + one_day * (1 + int(rng.expovariate(1 / MEAN_DELAY)))
        else:
            end = min(due, today)
            day = start + one_day * round(
                uniform(0.3, 1.0) * (end - start).days)
        return max(start, min(day, cap))

    def add(group_id, parent, assignee, assigned_by, start, due,
            parent_state, cap, level, document=None):
        """Append the task (and its progress updates), then its subtasks;
        return the states of the task and of all below it"""
        tid = task0 + len(tasks)
        state = state_of(start, due, parent_state)
        created = at(start, 8)
        started_at = completed_at = completed_on = on_time = delay = None
        progress, history = 0, []
        if state in {'in_progress', 'done', 'cancelled'}:
            if state == 'done':
                completed_on = completion(start, due, cap)
                end = completed_on
            else:
                end = min(today, cap)
            started_at = at(start + one_day * round(
                    uniform(0, 0.3) * max(0, (end - start).days)), 9)
            if state == 'done':
                completed_at = at(completed_on, 13)
                on_time = completed_on <= due
                delay = max(0, (completed_on - due).days)
            stop = completed_at or latest
            # Progress updates, the last one giving the progress.
            if state == 'in_progress':
                n = choices([1, 2, 3], [50, 35, 15])[0]
                progress = 10 * randrange(1, 10)
            elif state == 'done':
                n = choices([0, 1, 2], [30, 45, 25])[0]
                progress = 100 if rand() < 0.8 else 10 * randrange(6, 10)
            else:
                n = 1 if rand() < 0.3 else 0
                progress = 10 * randrange(1, 6)
            if not n:
                progress = 0
            percents = sorted({progress} | {10 * randrange(1, 10)
                    for _ in range(n - 1)})
            percents = [p for p in percents if p <= progress][-n:] if n else []
            times = sorted(started_at + (stop - started_at) * uniform(0, 1)
                for _ in percents)
            for percent, when in zip(percents, times):
                when = min(when, latest)
                history.append((update0 + len(updates) + len(history), tid,
                        assignee, None, UPDATES[min(7, percent // 13)],
                        percent, when, org.user[assignee], when))
        # The times in order, up to now.
        if completed_at:
            completed_at = min(completed_at, latest)
        if started_at:
            started_at = min(started_at, (completed_at or latest)
                - dt.timedelta(seconds=60))
        if history:
            started_at = min(started_at, history[0][6])
        created = min(created, (started_at or latest)
            - dt.timedelta(seconds=60))
        last = max([t for t in [completed_at, started_at] if t]
            + [h[6] for h in history] + [created])
        reminded = due - 2 * one_day <= min(today, completed_on or today)
        unit, wing, department = org.units[assignee]
        tasks.append((tid, group_id, parent, name_of(), None, assignee,
                assigned_by, unit, wing, department, start, due, state,
                started_at, completed_at, completed_on, on_time, delay,
                progress, document, reminded and state != 'cancelled',
                org.user[assigned_by], created,
                org.user[assignee] if last > created else None,
                last if last > created else None))
        updates.extend(history)
        states = [state]
        reports = org.reports.get(assignee) or []
        if (level < len(BREAKDOWN) and reports and state != 'todo'
                and rand() < BREAKDOWN[level]) or (
                level < len(BREAKDOWN) and reports and state == 'todo'
                and rand() < BREAKDOWN[level] / 4):
            k = min(len(reports), choices(*CHILDREN)[0])
            child_cap = completed_on or min(today, cap)
            for child in sample(reports, k):
                span = max(0, (due - start).days)
                child_start = start + one_day * round(uniform(0, 0.25) * span)
                if state in {'done', 'cancelled'} or child_start > today:
                    child_start = min(child_start, max(start, child_cap))
                child_due = child_start + one_day * round(
                    uniform(0.5, 1.0) * (due - child_start).days)
                states += add(group_id, tid, child, assignee, child_start,
                    child_due, state, child_cap, level + 1)
        return states

    while len(tasks) < n_tasks:
        gid = group0 + len(groups)
        day = first_day + one_day * int(len(tasks) * days / n_tasks)
        kind = choices(owners, owner_weights)[0]
        if kind == 'cm':
            owner = org.cm
        elif kind == 'cs':
            owner = org.cs
        elif kind == 'secretary':
            owner = choices(org.secretaries, secretary_weights)[0]
        else:
            owner = choice(org.commissioners)
        due = day + one_day * choice(DURATIONS)
        counts, weights = TOP_TASKS[kind]
        if kind in {'cm', 'cs'}:
            assignees = []
            for _ in range(choices(counts, weights)[0]):
                pool = pools[choices(targets, target_weights)[0]]
                assignees.append(pool[randrange(len(pool))])
            assignees = list(dict.fromkeys(assignees))
        else:
            reports = org.reports[owner]
            if kind == 'secretary' and rand() < 0.3:
                # Now and then straight to a section of a wing.
                reports = org.reports[choice(reports)]
            assignees = sample(reports,
                min(len(reports), choices(counts, weights)[0]))
        states = []
        for assignee in assignees:
            start = day + one_day * randrange(0, 3)
            task_due = start + one_day * round(
                uniform(0.6, 1.0) * (due - start).days)
            document = None
            if (kind == 'secretary' and rand() < WITH_DOCUMENT
                    and receipts.get(org.units[owner][2])):
                document = ('edaftar.receipt,'
                    f'{choice(receipts[org.units[owner][2]])}')
            states += add(gid, None, assignee, owner, start, max(start,
                    task_due), None, today, 0, document)
        closed = (due < today - 7 * one_day and rand() < 0.85
            and not set(states) & set(OPEN))
        created = at(day, 8)
        activity = ACTIVITIES[randrange(len(ACTIVITIES))]
        groups.append((gid, f"{activity} {day.year}-{day.month:02}",
                owner, org.units[owner][0],
                f"{activity}: the tasks of the {OFFICE_NAMES[kind]}, with "
                "their deadlines.", day, due,
                'closed' if closed else 'open', org.user[owner], created,
                *((org.user[owner], min(latest, at(due + one_day, 10)))
                    if closed else (None, None))))

    cur = conn.cursor()
    audit = ['create_uid', 'create_date', 'write_uid', 'write_date']
    copy_rows(cur, 'edaftar_task_group',
        ['id', 'name', 'owner', 'unit', 'description', 'start_date',
            'due_date', 'state', *audit], groups)
    copy_rows(cur, 'edaftar_task',
        ['id', 'group', 'parent', 'name', 'description', 'assignee',
            'assigned_by', 'unit', 'wing', 'department', 'start_date',
            'due_date', 'state', 'started_at', 'completed_at',
            'completed_on', 'on_time', 'delay_days', 'progress',
            'document', 'due_reminded', *audit], tasks)
    copy_rows(cur, 'edaftar_task_update',
        ['id', 'task', 'author', 'on_behalf_of', 'text', 'percent', 'time',
            'create_uid', 'create_date'], updates)
    set_sequences(cur, TASK_TABLES)
    return {'groups': len(groups), 'tasks': len(tasks),
        'updates': len(updates)}


def load(dsn, province, bases, n_tasks, scale, seed):
    """Load the offices and the field (unless there) and the tasks; return
    counts and timings"""
    timings = {}
    start = time.perf_counter()
    with psycopg.connect(conninfo(dsn, DB)) as conn:
        conn.execute('SET session_replication_role = replica')
        conn.execute('SET synchronous_commit = off')
        counts = {'offices': add_offices(conn, bases),
            'field': load_field(conn, bases, scale)}
        conn.commit()
        org = Org(conn, province, bases)
        # Receipts of each department that tasks may be about.
        receipts = {d: ids for d, ids in conn.execute(
                'SELECT department, (array_agg(id ORDER BY id DESC))[1:200] '
                'FROM edaftar_receipt WHERE id > (SELECT max(id) - 100000 '
                'FROM edaftar_receipt) GROUP BY department')}
        counts.update(generate(conn, org, n_tasks, seed, receipts))
    timings['copy'] = time.perf_counter() - start
    start = time.perf_counter()
    with psycopg.connect(conninfo(dsn, DB), autocommit=True) as conn:
        for name in TASK_TABLES:
            conn.execute(f'VACUUM (ANALYZE) "{name}"')
        conn.execute('ANALYZE')
    timings['vacuum_analyze'] = time.perf_counter() - start
    return counts, timings


def check_data_set(conn):
    """Rows breaking the invariants the module keeps: [(what, count)]"""
    checks = [
        ("done tasks whose completed_on/on_time/delay_days disagree",
            "SELECT count(*) FROM edaftar_task WHERE state = 'done' AND "
            "(completed_on IS NULL OR completed_at IS NULL OR started_at IS "
            "NULL OR on_time IS DISTINCT FROM (completed_on <= due_date) OR "
            "delay_days IS DISTINCT FROM GREATEST(0, completed_on - "
            "due_date))"),
        ("tasks not done with a completion",
            "SELECT count(*) FROM edaftar_task WHERE state != 'done' AND "
            "(completed_on IS NOT NULL OR completed_at IS NOT NULL OR "
            "on_time IS NOT NULL OR delay_days IS NOT NULL)"),
        ("tasks due before their start, or completed before started",
            "SELECT count(*) FROM edaftar_task WHERE due_date < start_date "
            "OR completed_at < started_at"),
        ("subtasks due after their parent, or of another activity",
            "SELECT count(*) FROM edaftar_task c JOIN edaftar_task p ON "
            'p.id = c.parent WHERE c.due_date > p.due_date OR c."group" != '
            'p."group"'),
        ("tasks due after their activity",
            "SELECT count(*) FROM edaftar_task t JOIN edaftar_task_group g "
            'ON g.id = t."group" WHERE t.due_date > g.due_date'),
        ("tasks not given by the parent's assignee or the activity's owner",
            "SELECT count(*) FROM edaftar_task t JOIN edaftar_task_group g "
            'ON g.id = t."group" LEFT JOIN edaftar_task p ON p.id = '
            't.parent WHERE t.assigned_by != COALESCE(p.assignee, g.owner)'),
        ("done or cancelled tasks with an open subtask",
            "SELECT count(*) FROM edaftar_task p WHERE p.state IN ('done', "
            "'cancelled') AND EXISTS (SELECT 1 FROM edaftar_task c WHERE "
            "c.parent = p.id AND c.state IN ('todo', 'in_progress'))"),
        ("done tasks completed before a subtask",
            "SELECT count(*) FROM edaftar_task p JOIN edaftar_task c ON "
            "c.parent = p.id WHERE p.state = 'done' AND c.state = 'done' "
            "AND c.completed_on > p.completed_on"),
        ("subtasks outside the unit of their giver's scope (not the CM/CS)",
            "SELECT count(*) FROM edaftar_task c JOIN edaftar_task p ON "
            "p.id = c.parent WHERE NOT (c.unit = p.unit OR c.wing = p.unit "
            "OR c.department = p.unit OR EXISTS (SELECT 1 FROM "
            "edaftar_org_unit u WHERE u.id = c.unit AND u.parent = p.unit))"),
        ("closed activities with an open task",
            "SELECT count(*) FROM edaftar_task_group g WHERE g.state = "
            "'closed' AND EXISTS (SELECT 1 FROM edaftar_task t WHERE "
            "t.\"group\" = g.id AND t.state IN ('todo', 'in_progress'))"),
        ]
    return [(label, conn.execute(sql).fetchone()[0]) for label, sql in checks]


# --- who acts, on what -------------------------------------------------------

class Fixtures:
    "What the measures need, found in the database"

    def __init__(self, dsn, bases):
        self.company = bases['company']
        self.people = office_people(dsn)
        if len(self.people) != len(OFFICE_PEOPLE):
            sys.exit(f"{DB} has no offices of the CM and the CS")
        with psycopg.connect(conninfo(dsn, DB)) as conn:
            if not conn.execute('SELECT 1 FROM edaftar_task LIMIT 1'
                    ).fetchone():
                sys.exit(f"{DB} has no tasks loaded by this script")

            def busiest(code):
                "(user, employee, open tasks) of the busiest of a post"
                return conn.execute('SELECT e."user", t.assignee, '
                    'count(*) FROM edaftar_task t JOIN company_employee e '
                    'ON e.id = t.assignee JOIN edaftar_designation d ON '
                    'd.id = e.designation WHERE d.code = %s AND t.state IN '
                    "('todo', 'in_progress') GROUP BY 1, 2 ORDER BY 3 DESC, "
                    '2 LIMIT 1', (code,)).fetchone()
            self.so = busiest('section_officer')
            self.secretary = busiest('department_head')
            self.all_tasks = {e: n for e, n in conn.execute(
                    'SELECT assignee, count(*) FROM edaftar_task WHERE '
                    'assignee = ANY(%s) GROUP BY 1',
                    ([self.so[1], self.secretary[1]],))}
            # The users of the digest: the staff of the province, the
            # field and the offices.
            self.users = [u for u, in conn.execute(
                    'SELECT u.id FROM res_user u JOIN company_employee e ON '
                    'e."user" = u.id WHERE u.active ORDER BY u.id')]

    def write_pools(self, dsn, threads, size, repeat=False):
        """[[(task, user)]] for each write thread, size at most: the leaf
        tasks to do (no subtask) that have started, which their assignee's
        user starts and completes. Spread: the users in turn, one task
        each mostly (as thousands of users act). Repeat: the REPEAT_USERS
        users with the most of them, each thread cycling through its
        share, so that the workers' caches know them after a round."""
        with psycopg.connect(conninfo(dsn, DB)) as conn:
            rows = conn.execute('SELECT t.id, e."user" FROM edaftar_task t '
                'JOIN company_employee e ON e.id = t.assignee WHERE t.state '
                "= 'todo' AND t.start_date <= CURRENT_DATE AND NOT EXISTS ("
                'SELECT 1 FROM edaftar_task c WHERE c.parent = t.id) '
                'ORDER BY t.due_date DESC, t.id').fetchall()
        if not repeat:
            return [rows[t::threads][:size] for t in range(threads)]
        tasks = {}
        for task, user in rows:
            tasks.setdefault(user, []).append(task)
        users = sorted(tasks, key=lambda u: (-len(tasks[u]), u))[
            :REPEAT_USERS]
        pools = []
        for t in range(threads):
            mine = [(u, iter(tasks[u])) for u in users[t::threads]]
            pool = []
            while mine and len(pool) < size:
                for u, it in list(mine):
                    task = next(it, None)
                    if task is None:
                        mine.remove((u, it))
                    else:
                        pool.append((task, u))
            pools.append(pool[:size])
        return pools


# Users of the repeat write measure (a few each thread).
REPEAT_USERS = 24


# --- read measures -----------------------------------------------------------

ORDER = 't.due_date ASC, t.id ASC'
OVERDUE = "(t.state IN ('todo', 'in_progress') AND t.due_date < CURRENT_DATE)"
# The first page, then its names: the best the indexes allow. Assigned to
# me implies the read rule (assignee in edaftar_employees), so the floors
# have none.
SQL_MY_TASKS = '''
WITH page AS (
    SELECT t.id FROM edaftar_task t
    WHERE t.assignee = ANY(%(employees)s) {where}
    ORDER BY ''' + ORDER + '''
    LIMIT {limit})
SELECT t.id, t.name, {columns}, t.due_date, t.progress, t.state,
    ''' + OVERDUE + '''
FROM page
JOIN edaftar_task t ON t.id = page.id
JOIN company_employee ae ON ae.id = t.assignee
JOIN party_party ap ON ap.id = ae.party
LEFT JOIN edaftar_designation ad ON ad.id = ae.designation
{joins}
ORDER BY ''' + ORDER
SQL_LIST = SQL_MY_TASKS.format(
    where="AND t.state IN ('todo', 'in_progress')", limit=50,
    columns='t."group", g.name, t.assignee, ap.name, ad.name, '
    't.assigned_by, bp.name, bd.name, t.unit, u.code, u.name, '
    't.start_date, t.completed_on, t.on_time',
    joins='''JOIN edaftar_task_group g ON g.id = t."group"
JOIN company_employee be ON be.id = t.assigned_by
JOIN party_party bp ON bp.id = be.party
LEFT JOIN edaftar_designation bd ON bd.id = be.designation
LEFT JOIN edaftar_org_unit u ON u.id = t.unit''')
# A column of the board: its page, then the names on the cards.
SQL_BOARD_COLUMN = '''
WITH page AS (
    SELECT t.id FROM edaftar_task t
    WHERE t.{field} = ANY(%(employees)s) AND t.state = '{state}'
    ORDER BY {order}
    LIMIT {limit})
SELECT t.id, t.name, t.state, t.due_date, ''' + OVERDUE + ''', t.progress,
    ap.name, ad.name, bp.name, bd.name, g.name
FROM page
JOIN edaftar_task t ON t.id = page.id
JOIN company_employee ae ON ae.id = t.assignee
JOIN party_party ap ON ap.id = ae.party
LEFT JOIN edaftar_designation ad ON ad.id = ae.designation
JOIN company_employee be ON be.id = t.assigned_by
JOIN party_party bp ON bp.id = be.party
LEFT JOIN edaftar_designation bd ON bd.id = be.designation
JOIN edaftar_task_group g ON g.id = t."group"
ORDER BY {order}'''


def sql_board(field):
    "The floor's queries of the board's columns on field"
    return [SQL_BOARD_COLUMN.format(field=field, state=state, limit=limit,
            order=', '.join(f't.{f} {d}' for f, d in order))
        for state, order, limit in BOARD_COLUMNS]
SQL_TABS = [f'''SELECT count(*) FROM edaftar_task t
WHERE t.assignee = ANY(%(employees)s) AND {where}''' for where in [
        "t.state = 'todo'", "t.state = 'in_progress'", OVERDUE,
        "t.state = 'done'", 'true']]
# The performance: one aggregate per level, as the units' rows count the
# tasks at their level (edaftar_task.performance).
SQL_PERFORMANCE_LEVEL = '''
SELECT t.{column} * 4 + {offset} AS id, '{level}' AS level, t.{column},
    u.code, u.name, count(*) AS assigned,
    count(*) FILTER (WHERE t.state = 'done'),
    count(*) FILTER (WHERE t.state = 'done' AND t.on_time),
    count(*) FILTER (WHERE t.state = 'done' AND NOT t.on_time),
    count(*) FILTER (WHERE t.state IN ('todo', 'in_progress')
        AND t.due_date < CURRENT_DATE),
    count(*) FILTER (WHERE t.state = 'done' AND t.on_time)::float * 100.0
        / NULLIF(count(*) FILTER (WHERE t.state = 'done'), 0) AS rate,
    avg(t.delay_days) FILTER (WHERE t.state = 'done' AND NOT t.on_time)
        AS delay
FROM edaftar_task t
JOIN edaftar_org_unit u ON u.id = t.{column}
WHERE t.state != 'cancelled' AND t.due_date >= %(from)s
    AND t.due_date <= %(to)s AND {where}
GROUP BY t.{column}, u.code, u.name'''
PERFORMANCE_ORDER = ' ORDER BY rate DESC NULLS LAST, delay ASC NULLS FIRST, '\
    'assigned DESC, id'
SQL_PERFORMANCE_DEPARTMENTS = SQL_PERFORMANCE_LEVEL.format(
    column='department', offset=3, level='department',
    where='t.department IS NOT NULL') + PERFORMANCE_ORDER
SQL_PERFORMANCE_UNITS = 'SELECT * FROM (' + ' UNION ALL '.join(
    SQL_PERFORMANCE_LEVEL.format(column=column, offset=offset, level=level,
        where=where) for column, offset, level, where in [
        ('unit', 1, 'section', 't.unit = ANY(%(units)s) AND t.unit IS '
            'DISTINCT FROM t.wing AND t.unit IS DISTINCT FROM t.department'),
        ('wing', 2, 'wing', 't.wing = ANY(%(units)s)'),
        ('department', 3, 'department', 't.department = ANY(%(units)s)')]
    ) + ') p' + PERFORMANCE_ORDER


def read_measures(sessions, fx, scopes, server):
    "Build the read measures"
    client = server.client
    so_user, so_employee, so_open = fx.so
    sec_user, sec_employee, sec_open = fx.secretary
    cs_user = fx.people['dir_cs'][0]
    users = {u: User(client, sessions[u]) for u in [so_user, sec_user,
            cs_user]}
    who = {so_user: f"a section officer ({so_open} open, "
        f"{fx.all_tasks.get(so_employee, 0)} in all)",
        sec_user: f"a department secretary ({sec_open} open, "
        f"{fx.all_tasks.get(sec_employee, 0)} in all)",
        cs_user: "the CS"}

    def params(u):
        return {'employees': list(scopes[u]['acting_for']),
            'units': list(scopes[u]['units'])}
    measures = []
    for u in [so_user, sec_user]:
        user = users[u]
        measures.append(Measure('my_tasks',
            f"my tasks: {who[u]}, assigned_to_me + todo/in progress, "
            "limit 50", TARGETS['my_tasks'],
            lambda i, user=user: user('edaftar.task', 'search_read',
                MY_TASKS, 0, 50, None, TASK_LIST_FIELDS),
            lambda conn, i, u=u: run_sql(conn, [SQL_LIST], params(u)),
            [('edaftar.task', 'search_read',
                    (MY_TASKS, 0, 50, None, TASK_LIST_FIELDS))], user))
    # The tabs of My Tasks, as the web client counts them on opening it.
    user = users[so_user]
    tab_domains = [[('assigned_to_me', '=', True), *tab] for tab in MY_TABS]
    measures.append(Measure('tabs',
        f"my tasks' 5 tab counts (search_count each): {who[so_user]}",
        TARGETS['tabs'],
        lambda i: [user('edaftar.task', 'search_count', d, 0, 1000)
            for d in tab_domains],
        lambda conn, i: run_sql(conn, SQL_TABS, params(so_user)),
        [('edaftar.task', 'search_count', (d, 0, 1000))
            for d in tab_domains],
        user))
    # The board's load: the 4 columns, one after the other.
    for u, view in [(so_user, 'mine'), (sec_user, 'mine'),
            (sec_user, 'given')]:
        user = users[u]
        clause, field = BOARD_VIEWS[view]
        calls = [('edaftar.task', 'search_read', ([(clause, '=', True),
                        ('state', '=', state)], 0, limit, order,
                    BOARD_FIELDS)) for state, order, limit in BOARD_COLUMNS]
        measures.append(Measure('board',
            f"Kanban board's load: {who[u]}, {clause}, 4 columns "
            "(search_read each, limit 200/200/50/50)", TARGETS['board'],
            lambda i, user=user, calls=calls: [
                row for _, method, args in calls
                for row in user('edaftar.task', method, *args)],
            lambda conn, i, u=u, field=field: run_sql(conn,
                sql_board(field), params(u)),
            calls, user))
    # Performance per unit over the last year.
    today = dt.date.today()
    period = {'from_date': today - dt.timedelta(days=365), 'to_date': today}
    period_params = {'from': period['from_date'], 'to': period['to_date']}
    for u, domain, sql, label in [
            (cs_user, [('level', '=', 'department')],
                SQL_PERFORMANCE_DEPARTMENTS, "level = department"),
            (sec_user, [('level', '!=', 'person')], SQL_PERFORMANCE_UNITS,
                "level != person (rules)")]:
        user = Period(users[u], **period)
        measures.append(Measure('performance',
            f"performance per unit over a year: {who[u]}, {label}",
            TARGETS['performance'],
            lambda i, user=user, domain=domain: user(
                'edaftar.task.performance', 'search_read', domain, 0, None,
                None, PERFORMANCE_FIELDS),
            lambda conn, i, sql=sql, u=u: run_sql(conn, [sql],
                {**period_params, **params(u)}),
            [('edaftar.task.performance', 'search_read',
                    (domain, 0, None, None, PERFORMANCE_FIELDS))], user))
    return measures


# --- write measures ----------------------------------------------------------

def sql_write_floor(dsn, task_ids):
    """ops/s of the same writes in raw SQL from one client: start (a
    commit), then complete (the subtasks checked, the completion, the
    notification of who gave it; a commit)"""
    if not task_ids:
        return float('nan')
    with psycopg.connect(conninfo(dsn, DB)) as conn:
        cur = conn.cursor()
        start = time.perf_counter()
        for task in task_ids:
            cur.execute('SELECT state, assignee FROM edaftar_task '
                'WHERE id = %s FOR UPDATE', (task,), prepare=True)
            cur.fetchone()
            cur.execute("UPDATE edaftar_task SET state = 'in_progress', "
                'started_at = now(), write_uid = 0, write_date = now() '
                'WHERE id = %s', (task,), prepare=True)
            conn.commit()
            cur.execute('SELECT state, assigned_by FROM edaftar_task '
                'WHERE id = %s FOR UPDATE', (task,), prepare=True)
            _, assigned_by = cur.fetchone()
            cur.execute('SELECT 1 FROM edaftar_task WHERE parent = %s AND '
                "state IN ('todo', 'in_progress') LIMIT 1", (task,),
                prepare=True)
            cur.fetchall()
            cur.execute("UPDATE edaftar_task SET state = 'done', "
                'completed_at = now(), completed_on = CURRENT_DATE, '
                'on_time = CURRENT_DATE <= due_date, delay_days = '
                'GREATEST(0, CURRENT_DATE - due_date), write_uid = 0, '
                'write_date = now() WHERE id = %s', (task,), prepare=True)
            cur.execute('INSERT INTO res_notification ("user", label, '
                'description, model, records, icon, unread, create_uid, '
                "create_date) SELECT e.\"user\", 'Bench floor completion', "
                "'', 'edaftar.task', %s, 'tryton-ok', true, 0, now() FROM "
                'company_employee e WHERE (e.id = %s OR e.principal = %s) '
                'AND e."user" IS NOT NULL', (f'[{task}]', assigned_by,
                    assigned_by), prepare=True)
            conn.commit()
        return len(task_ids) / (time.perf_counter() - start)


def pool_size(args):
    "Tasks per write thread: enough for 40 operations/s each"
    return max(20, round(args.write_seconds * 40))


class Acting:
    "A User whose context was read before, calling through client"

    def __init__(self, client, session, context):
        self.client, self.session, self.id = client, session, session[1]
        self.context = context

    __call__ = User.__call__


def write_measures(server, sessions, fx, args, dsn):
    """Start + complete from args.threads client threads, the users spread
    then repeated; return the rows for the table, whether the threads ran
    out of tasks, the floor's size and two tasks of one user to trace"""
    port = server.port
    # The floor starts and completes tasks of its own, first.
    size = pool_size(args)
    floor_ids = [task for pool in fx.write_pools(dsn, args.threads, size)
        for task, _ in pool[len(pool) - min(25, len(pool) // 4):]]
    floor = sql_write_floor(dsn, floor_ids)
    rows, exhausted = [], []
    # Each user's context, as their client holds it since they logged in
    # (model.res.user.get_preferences), asked before the measure.
    contexts = {}

    def preferences(user_ids):
        client = Client(port)
        for user_id in user_ids:
            contexts[user_id] = User(client, sessions[user_id]).context

    def worker(pool, t):
        def make(client):
            users = {}
            tasks = iter(pool)

            def op():
                try:
                    task, user_id = next(tasks)
                except StopIteration:
                    exhausted.append(t)
                    raise Exhausted
                user = users.get(user_id)
                if user is None:
                    user = users[user_id] = Acting(client,
                        sessions[user_id], contexts[user_id])
                user('edaftar.task', 'start', [task])
                user('edaftar.task', 'complete', [task])
            return op
        return make

    for repeat in [False, True]:
        # Only the users with a session (opened for the pools at start).
        pools = [[(task, u) for task, u in p if u in sessions]
            for p in fx.write_pools(dsn, args.threads, size, repeat)]
        everyone = sorted({u for p in pools for _, u in p} - set(contexts))
        with step(f"  the preferences of {len(everyone):,} users"):
            with ThreadPoolExecutor(args.threads) as executor:
                list(executor.map(preferences, [everyone[t::args.threads]
                            for t in range(args.threads)]))
        users = len({u for p in pools for _, u in p})
        label = ("start + complete (Start, then Complete button): "
            + (f"{users} users, each thread cycling through its share"
                if repeat else f"{users:,} users in turn (~1 task each)"))
        with step(f"  {label}"):
            times, errors, elapsed = dak.run_writers(port,
                [worker(p, t) for t, p in enumerate(pools)],
                args.write_seconds)
        ops = len(times) / elapsed
        rows.append([label, args.threads, len(times), len(errors),
                f'{ops:.1f}', f'{ops * 2:.1f}', ms(pct(times, 50)),
                ms(pct(times, 95)), f'{floor:.0f}',
                f'{sum(map(len, pools)):,}', f">= {TARGETS['write']}",
                'ok' if ops >= TARGETS['write'] and not errors
                else 'MISSED', sorted(set(errors))[:1]])
        for error in sorted(set(errors))[:3]:
            print(f"    error: {error}", file=sys.stderr)
    # Two tasks of one user for the trace: the first warms the caches.
    left = next(((p[0][1], [t for t, u in p if u == p[0][1]][:2])
            for p in fx.write_pools(dsn, args.threads, size, True)
            if len([t for t, u in p if u == p[0][1]]) > 1), None)
    return rows, bool(exhausted), len(floor_ids), left


def trace_writes(pool, fx, left):
    """Count the SQL statements and transaction attempts of the two calls
    of one start + complete, in-process, after one to warm the caches"""
    if not left:
        print("\nNo write traced in-process: no user with two tasks left.")
        return
    user_id, tasks = left
    context = {'language': 'en', 'company': fx.company}
    rows = []
    for n, task in enumerate(tasks):
        def start(pool, task=task):
            Task = pool.get('edaftar.task')
            Task.start([Task(task)])

        def complete(pool, task=task):
            Task = pool.get('edaftar.task')
            Task.complete([Task(task)])
        for label, func in [("Start button", start),
                ("Complete button", complete)]:
            result = dak.trace_write(pool, user_id, context, func)
            if n:
                rows.append([f"start + complete: {label}", *result])
    table("One start + complete in-process, as the RPC dispatcher runs its "
        "two calls, after one to warm the caches",
        ["operation", "SQL statements", "transaction attempts",
            "in-process ms"],
        [[label, n, attempts, ms(duration)]
            for label, n, attempts, duration in rows],
        ["attempts > 1: the transaction was restarted (a TransactionError) "
            "and the request run again."]
        if any(attempts > 1 for _, _, attempts, _ in rows) else [])


# --- the daily digest --------------------------------------------------------

DIGEST_BATCH = 100   # users per transaction, as the queue's tasks


def measure_digest(pool, fx, args):
    """Compose the digest of a sample of the users in-process, as the
    queue's tasks do (res.user.edaftar_send_digest: a transaction per
    batch of users, the content then the e-mail of those with something
    to list; nothing sent); return the rows of the table and its notes.

    The hook for the digest: it times res.user.edaftar_digest_content
    (and _edaftar_digest_message) when edaftar_task has them."""
    from trytond.transaction import Transaction
    User = pool.get('res.user')
    if not hasattr(User, 'edaftar_digest_content'):
        return None, ["res.user.edaftar_digest_content does not exist in "
            "edaftar_task: the digest is not measured (hook: "
            "bench_task.measure_digest)."]
    every = max(1, len(fx.users) // max(1, args.digest_users))
    sample = fx.users[::every][:args.digest_users]
    has_message = hasattr(User, '_edaftar_digest_message')
    content_times, message_times, batch_times = [], [], []
    sections = {}
    errors = []
    # One batch first to warm the caches of the process (not counted).
    warm = fx.users[1::every][:10]
    batches = [warm] + [sample[i:i + DIGEST_BATCH]
        for i in range(0, len(sample), DIGEST_BATCH)]
    for b, batch in enumerate(batches):
        start = time.perf_counter()
        with Transaction().start(DB, 0, readonly=True,
                context={'language': 'en'}):
            for user in User.browse(batch):
                try:
                    duration, content = timed(User.edaftar_digest_content,
                        user)
                except Exception as e:  # noqa: BLE001
                    errors.append(f'{type(e).__name__}: {e}'[:300])
                    continue
                if not b:
                    continue
                content_times.append(duration)
                for name, section in content.items():
                    sections.setdefault(name, []).append(section['total'])
                if has_message and any(
                        s['total'] for s in content.values()):
                    duration, _ = timed(user._edaftar_digest_message,
                        content)
                    message_times.append(duration)
        if b:
            batch_times.append(time.perf_counter() - start)
    total = sum(batch_times)
    n = len(content_times)
    if not n:
        return None, [f"the digest failed for every user: {errors[:1]}"]
    everyone = len(fx.users)
    extrapolated = total * everyone / n
    rows = [
        ["content (edaftar_digest_content), per user", n,
            ms(pct(content_times, 50)), ms(pct(content_times, 95)),
            ms(max(content_times)), ''],
        ["e-mail message (_edaftar_digest_message), per user with "
            "something", len(message_times),
            ms(pct(message_times, 50)) if message_times else '',
            ms(pct(message_times, 95)) if message_times else '',
            ms(max(message_times)) if message_times else '', ''],
        [f"{n:,} users composed (batches of {DIGEST_BATCH}, one "
            "transaction each)", n, '', '', '', f'{total:.1f} s'],
        [f"all {everyone:,} users, one process"
            + (" (EXTRAPOLATED from the sample)" if n < everyone else
                " (measured)"), everyone, '', '', '',
            f'{extrapolated:.0f} s'
            + (f' = {extrapolated / 60:.1f} min' if extrapolated > 90
                else '')],
        ]
    notes = [f"sections: " + ', '.join(
            f"{name} {sum(1 for t in totals if t):,} users with some "
            f"(mean {sum(totals) / len(totals):.1f})"
            for name, totals in sections.items()),
        "Composed in-process as user 0 switching to each user "
        "(edaftar_digest_content sets the user and its rules), nothing "
        "sent; the users are spread over all of them (every "
        f"{every}th by id)."]
    if n < everyone:
        notes.append(f"EXTRAPOLATED: {n:,} of the {everyone:,} users "
            "composed; --digest-users "
            f"{everyone} composes them all.")
    if errors:
        notes.append(f"{len(errors)} users failed; first: {errors[0]}")
    return rows, notes


# --- main --------------------------------------------------------------------

def main():
    args = parse_args()
    dsn = os.environ.get(
        'EDAFTAR_BENCH_DSN', f'postgresql://postgres@{LOCALHOST}:5432/')
    tmp = tempfile.mkdtemp(prefix='edaftar-bench-task-')
    config = dak.write_config(tmp, dsn)
    # trytond reads its configuration when first imported.
    os.environ['TRYTOND_CONFIG'] = str(config)
    plans_file = Path(tmp, 'plans.txt')

    n_users = max(1, round(10_000 * args.scale))
    province = dak.Province(args.scale, n_users)
    n_tasks = max(500, round(200_000 * args.scale))
    print(f"e-Daftar task benchmark, scale {args.scale}: {n_tasks:,} tasks "
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
            how, base_time = base_data_set(dsn, config, tmp, province, args)
            start = time.perf_counter()
            with step(f"activating {', '.join(MODULES)} in {DB}"):
                dak.activate(config, tmp, MODULES)
            activate_time = time.perf_counter() - start
        with psycopg.connect(conninfo(dsn, DB), autocommit=True) as conn:
            bases = bases_from_db(conn, province)
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
            with step(f"loading the field and {n_tasks:,} tasks with COPY"):
                counts, timings = load(dsn, province, bases, n_tasks,
                    args.scale, args.seed)
        with psycopg.connect(conninfo(dsn, DB)) as conn:
            tables = TASK_TABLES + ['res_user', 'edaftar_receipt',
                'edaftar_movement']
            info = {name: conn.execute(
                    'SELECT pg_size_pretty(pg_total_relation_size(%s)), '
                    f'(SELECT count(*) FROM "{name}")',
                    (f'"{name}"',)).fetchone() for name in tables}
            group_states = conn.execute('SELECT g.state, o.kind, count(*) '
                'FROM edaftar_task_group g JOIN edaftar_org_unit o ON o.id '
                '= g.unit GROUP BY 1, 2 ORDER BY 3 DESC').fetchall()
            task_states = conn.execute('SELECT state, count(*), count(*) '
                'FILTER (WHERE on_time), count(*) FILTER (WHERE NOT '
                "on_time), round(avg(delay_days) FILTER (WHERE NOT on_time)"
                ", 1), count(*) FILTER (WHERE state IN ('todo', "
                "'in_progress') AND due_date < CURRENT_DATE) FROM "
                'edaftar_task GROUP BY 1 ORDER BY 2 DESC').fetchall()
            depths = conn.execute('WITH RECURSIVE d(id, depth) AS (SELECT '
                'id, 0 FROM edaftar_task WHERE parent IS NULL UNION ALL '
                'SELECT t.id, d.depth + 1 FROM edaftar_task t JOIN d ON '
                't.parent = d.id) SELECT depth, count(*) FROM d GROUP BY 1 '
                'ORDER BY 1').fetchall()
            givers = conn.execute('SELECT COALESCE(x.code, '
                "'(' || o.kind || ')'), count(*) FROM edaftar_task t JOIN "
                'company_employee e ON e.id = t.assigned_by LEFT JOIN '
                'edaftar_designation x ON x.id = e.designation JOIN '
                'edaftar_org_unit o ON o.id = e.edaftar_unit WHERE t.parent '
                'IS NULL GROUP BY 1 ORDER BY 2 DESC').fetchall()
            due_range = conn.execute('SELECT min(due_date), max(due_date), '
                'count(*) FILTER (WHERE due_date > CURRENT_DATE), count(*) '
                'FILTER (WHERE document IS NOT NULL) FROM edaftar_task'
                ).fetchone()
            checks = check_data_set(conn)
        sub_rows = {
            'edaftar_task_group': [[f"  activities {s} of a {k} unit",
                    f'{n:,}', ''] for s, k, n in group_states],
            'edaftar_task': [[f"  tasks {s}" + (
                        f" ({on:,} on time, {late:,} late, {delay} days "
                        "late on average)" if s == 'done' else
                        f" ({overdue:,} overdue)" if overdue else ''),
                    f'{n:,}', ''] for s, n, on, late, delay, overdue
                in task_states]
            + [[f"  depth {d} ({'top-level' if not d else 'subtasks'})",
                    f'{n:,}', ''] for d, n in depths]
            + [[f"  top-level tasks given by {g}", f'{n:,}', '']
                for g, n in givers]
            + [[f"  due from {due_range[0]} to {due_range[1]}; due after "
                    "today", f'{due_range[2]:,}', ''],
                ["  about a receipt", f'{due_range[3]:,}', '']],
            }
        rows = []
        for name in tables:
            rows.append([name, f'{info[name][1]:,}', info[name][0]])
            rows += sub_rows.get(name, [])
        rows += [[f"check: {label}", f'{n:,}', 'ok' if not n else 'WRONG']
            for label, n in checks]
        if not args.reuse:
            rows += [
                [f"step: the Dak data set and the offices, {how}", '',
                    f"{base_time:.1f} s"],
                [f"step: trytond-admin -u {' '.join(MODULES)}", '',
                    f"{activate_time:.1f} s"],
                ["step: " + ("offices + " if counts['offices'] else '')
                    + ("field + " if counts['field'] else '')
                    + "activities, tasks, updates (COPY)", '',
                    f"{timings['copy']:.1f} s"],
                ["step: VACUUM ANALYZE", '',
                    f"{timings['vacuum_analyze']:.1f} s"]]
            title = (f"Task data set loaded with COPY in "
                f"{timings['copy'] + timings['vacuum_analyze']:.1f} s, "
                f"beside the Dak data set ({how})")
        else:
            title = f"Data set of {how}"
        table(title, ["table / step", "rows", "size / time"], rows)

        fx = Fixtures(dsn, bases)
        from trytond.pool import Pool
        pool = Pool(DB)
        with step("starting the pool in-process"):
            pool.init()
            settle_caches(DB)
        writers = {u for repeat in [False, True]
            for p in fx.write_pools(dsn, args.threads, pool_size(args),
                repeat) for _, u in p}
        readers = {fx.so[0], fx.secretary[0], fx.people['dir_cs'][0]}
        with step(f"opening sessions ({len(readers | writers):,} users)"):
            sessions = dak.new_sessions(pool, readers | writers)
            scopes = {u: dak.scope_of(pool, u) for u in readers}

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
                    f'<= {m.target}' + ('*' if m.key in BORROWED else ''),
                    'ok' if p95 <= m.target else 'MISSED'])
        table("Reads over JSON-RPC against trytond (werkzeug, one process), "
            "in ms",
            ["operation", "rows", "N", "p50", "p95", "SQL p50", "SQL p95",
                "bare p95", "p95/bare", "target", ""], rows,
            ["SQL = raw psycopg query for the same result (same run, "
                "interleaved; assigned to me implies the read rule, so it "
                "has none; the performance's floor aggregates the tasks of "
                "its level only); bare = trivial RPC (p95/bare: "
                "load-independent cost ratio); N = calls measured "
                f"(at most {args.calls}, or as many as fit in "
                f"{args.max_seconds:.0f} s); rows = rows of the first "
                "answer (the tab counts: the 5 counts).",
                "* no target of its own in DESIGN.md §5: the Dak's (a "
                "user's inbox 25 ms, a department's 40 ms) borrowed."]
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
            dak.print_trace(m, results, duration, n_statements, plans_file,
                always=m.key == 'performance')

        with step("composing digests in-process"):
            digest_rows, digest_notes = measure_digest(pool, fx, args)
        if digest_rows:
            table("Daily digest composed in-process (one process), in ms",
                ["operation", "users", "p50", "p95", "max", "total"],
                digest_rows, digest_notes)
        else:
            print('\nDaily digest: ' + ' '.join(digest_notes))

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
            write_rows, exhausted, n_floor, left = write_measures(
                server, sessions, fx, args, dsn)
            errors = [r[-1][0] for r in write_rows if r[-1]]
            table(f"Writes over JSON-RPC, gunicorn {workers_label}, "
                f"{args.threads} client threads, {args.write_seconds:.0f} s "
                "each",
                ["operation", "threads", "ops", "errors", "ops/s", "RPC/s",
                    "p50 ms", "p95 ms", "SQL ops/s", "tasks", "target", ""],
                [r[:-1] for r in write_rows],
                ["SQL ops/s = the same rows written with raw SQL from one "
                    f"client, two commits per operation ({n_floor} tasks); "
                    "tasks = the leaf tasks to do (started) the threads "
                    "could start and complete, each as its assignee's user; "
                    "users in turn: each worker meets most users for the "
                    "first time (their scope, rules and groups not cached "
                    "yet), as when thousands of users act; target borrowed "
                    "from the Dak's write paths."]
                + (["the threads ran out of tasks before the end: ops/s is "
                        "low by that much"] if exhausted else [])
                + [f"first error: {e}" for e in errors[:1]])
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
