#!/usr/bin/env python3
"""Benchmark of the CM summaries and CS notes (edaftar_summary) on
PostgreSQL at DESIGN.md §5 scale, beside the Dak data set.

Works in the database edaftar_bench_summary (dropped first if it exists):
a copy of the directive database edaftar_bench_directive kept by
`scripts/bench directive --keep` when there is one of the same --scale and
nobody is connected to it (that one is left as it was: it has the Dak data
set and the offices of the Chief Minister and the Chief Secretary with
their PS), else a Dak data set made as scripts/bench_directive.py makes it
(a copy of a kept edaftar_bench_dak, or loaded with COPY) and those
offices added as it adds them. Activates edaftar_summary there and loads
with COPY (not the ORM) 5,000 summaries (Dnn-SUM-year-nnnn) drafted over a
year in the departments' sections, in every state (draft, sent and
waiting at each step of the route wing head -> department head -> Chief
Secretary -> Chief Minister, returned, approved, dispatched; some sent
again after a return), their steps (decided with decided_by, decided_at
and remarks, the PS deciding for the CS or the CM at times; one current
step reached for each sent summary), vettings by other departments (some
requested, most replied), 10,000 CS notes (Dnn-CSN-year-nnnn) with their
one step (the Chief Secretary), the first saved text of each paper in its
history, and the registers; then measures over JSON-RPC:
  - reads (p50/p95, one trytond process) beside the raw SQL floor of the
    same result and the bare RPC floor (res.user.search_read): summaries
    awaiting me (the CS, the CM, a department secretary) and CS notes
    awaiting the CS, as the list view asks for them;
  - writes (approve: the remarks written, then the Approve button, by the
    CS's and the CM's offices; ops/s from client threads against gunicorn
    with 2 worker processes) beside a raw SQL floor;
  - the SQL Tryton runs for each read (traced in-process), with EXPLAIN
    ANALYZE plans of the slow statements.
The database is dropped at the end unless --keep.

    scripts/bench summary                   # full scale
    scripts/bench summary --quick           # scale 0.02, 50 calls
    scripts/bench summary --keep            # then --reuse: no reload
    scripts/bench summary --fresh           # build the Dak set, no copy
    scripts/bench summary --pg-tuned        # jit off, custom plans only
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
import bench_directive as directive  # noqa: E402
from bench_dak import (  # noqa: E402
    Client, Exhausted, Measure, RPCError, Server, User, ms, set_sequences)
from bench_directive import (  # noqa: E402
    ISSUER_LOGINS, OFFICE_PEOPLE, count_units, run_sql)
from benchlib import (  # noqa: E402
    LOCALHOST, conninfo, copy_rows, drop_database, next_id, pct,
    settle_caches, step, table, timed)

DB = 'edaftar_bench_summary'
DIRECTIVE_DB = directive.DB
# bench_directive named the Dak's database after its own when imported.
dak.use_database(DB)
BIN = VENV_PYTHON.parent
MODULES = ('edaftar_dak', 'edaftar_summary')

# The fields the clients ask for: the list views of summaries and notes
# (summary_list.xml, cs_note_list.xml; many2one shown by their rec_name).
SUMMARY_LIST_FIELDS = [
    'number', 'subject', 'department', 'department.rec_name', 'author',
    'author.rec_name', 'current_approver', 'current_approver.rec_name',
    'sent_at', 'state', 'rec_name', '_timestamp']
NOTE_LIST_FIELDS = SUMMARY_LIST_FIELDS
AWAITING = [('awaiting_me', '=', True)]

# What --pg-tuned sets in the database.
PG_TUNED = directive.PG_TUNED
# Targets of DESIGN.md §5 (ms, p95) and ops/s (the Dak's write paths).
TARGETS = {'awaiting': 25, 'write': 100}


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--scale', type=float, default=1.0,
        help="1.0 = the Dak's 60 departments, 10,000 users, 1,000,000 "
        "receipts and 5,000 summaries, 10,000 CS notes "
        "(default: %(default)s)")
    parser.add_argument('--quick', action='store_true',
        help="--scale 0.02, 50 calls, 5 s per write path")
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
    parser.add_argument('--seed', type=int, default=20251207)
    args = parser.parse_args()
    if args.quick:
        args.scale, args.calls, args.write_seconds = 0.02, 50, 5
    return args


# --- the Dak data set and the offices under our name -----------------------

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


def add_offices(dsn, bases):
    """The offices of the CM and the CS with their PS, as bench_directive
    adds them, unless they are there (a copy of its database); return
    whether they were added"""
    people = office_people(dsn)
    if len(people) == len(OFFICE_PEOPLE):
        return False
    if people:
        sys.exit(f"{DB} has only some of the offices' people: "
            f"{', '.join(sorted(people))}")
    with psycopg.connect(conninfo(dsn, DB)) as conn:
        conn.execute('SET session_replication_role = replica')
        directive.load_offices(conn, bases)
    return True


# --- the summaries and notes -------------------------------------------------

STEP_ROLES = {
    'wing_head': "Wing Head",
    'department_head': "Department Head",
    'chief_secretary': "Chief Secretary",
    'chief_minister': "Chief Minister",
    }
ROUTE = list(STEP_ROLES)
# States of the summaries: (state, weight) by the age of the summary.
SUMMARY_STATES = [
    (60, [('draft', 12), ('sent', 60), ('returned', 8), ('approved', 10),
            ('dispatched', 10)]),
    (180, [('draft', 2), ('sent', 30), ('returned', 6), ('approved', 7),
            ('dispatched', 55)]),
    (None, [('draft', 1), ('sent', 10), ('returned', 5), ('approved', 2),
            ('dispatched', 82)]),
    ]
# Where a sent summary waits, and the step that returned one (weights by
# step of ROUTE).
WAITING_AT = [15, 20, 35, 30]
RETURNED_AT = [20, 30, 30, 20]
# Shares: summaries sent again after a return; drafts reworked after one;
# steps of the CS and of the CM decided by their PS; dispatched by the
# CM's PS; summaries with vettings; vettings still requested where allowed.
RESENT, REDRAFTED, PS_DECIDES, PS_DISPATCHES = 0.10, 0.3, 0.5, 0.7
VETTED, VETTED_DRAFT, STILL_REQUESTED = 0.35, 0.2, 0.3
# States of the CS notes: (state, weight) by age.
NOTE_STATES = [
    (30, [('draft', 8), ('sent', 35), ('under_review', 25), ('approved', 25),
            ('sent_back', 7)]),
    (120, [('draft', 2), ('sent', 8), ('under_review', 8), ('approved', 72),
            ('sent_back', 10)]),
    (None, [('draft', 1), ('sent', 1), ('under_review', 1),
            ('approved', 85), ('sent_back', 12)]),
    ]
SUMMARY_SUBJECTS = ['Approval of', 'Sanction for', 'Release of funds for',
    'Creation of posts for', 'Relaxation of rules for', 'Revision of',
    'Special grant for', 'Policy on']
NOTE_SUBJECTS = ['Progress on', 'Delay in', 'Inquiry into', 'Status of',
    'Coordination on', 'Proposal for', 'Review of', 'Complaints about']
APPROVE_REMARKS = ['Recommended for approval.', 'Agreed.',
    'Approved as proposed.', 'Seen; may be approved.',
    'Recommended; Finance concurs.', 'Submitted for orders, please.',
    'No objection.', 'Recommended subject to availability of funds.']
RETURN_REMARKS = ['Please re-examine in consultation with Finance.',
    'Cost estimates missing; resubmit with them.',
    'Law Department to be consulted first.',
    'Not in line with the policy; revise.',
    'Discuss with the Additional Secretary and put up again.']
DECISIONS = ['Approved as proposed.',
    'Approved subject to the observations of the Finance Department.',
    'Approved for the current financial year only.',
    'Approved; the department to report progress in a month.']
VETTING_COMMENTS = ['No objection, subject to availability of funds.',
    'Concurred.', 'The proposal is in order under the rules.',
    'Concurred with the observations at para 4.',
    'Not concurred: no budget provision this year.']


def weighted(rng, table_, age):
    "A choice from the (limit, [(value, weight)]) rows of table_ by age"
    for limit, choices in table_:
        if limit is None or age <= limit:
            values, weights = zip(*choices)
            return rng.choices(values, weights)[0]


def generate(conn, province, bases, people, sizes, seed):
    """Summaries, steps, vettings, CS notes, their steps and the first
    saved text of each paper, with COPY on conn; return the row counts and
    the registers {(kind, department index, year): last number}"""
    n_summaries, n_notes = sizes
    rng = random.Random(seed)
    rand, randrange, uniform = rng.random, rng.randrange, rng.uniform
    unit0, user0, emp0 = bases['unit'], bases['user'], bases['employee']
    deps = province.departments
    nd = len(deps)
    emp_user = {emp0 + i: user0 + i for i in range(len(province.employees))}
    for u, e in people.values():
        emp_user[e] = u
    cs, cs_ps = (people[login][1] for login in ISSUER_LOGINS['cs'])
    cm, cm_ps = (people[login][1] for login in ISSUER_LOGINS['cm'])
    # Who acts for the CS and the CM (the PS at times).
    deputy = {cs: cs_ps, cm: cm_ps}
    # Per department: its head and, per wing, its head and sections
    # (section unit, the officers who draft: its SO and officers).
    chains = []
    for info in deps:
        chains.append((emp0 + info['head'], [
                    (emp0 + wh, [(unit0 + section, [emp0 + so]
                                + [emp0 + o for o in officers])
                            for section, so, officers in sections])
                    for _, wh, sections in info['wings']]))
    # Department 0 (the secretary of the measures) drafts more; two
    # departments (say Finance and Law) are asked for most vettings.
    weights = [3] + [1] * (nd - 1)
    vetters = [d for d in (1, 2) if d < nd]

    today = dt.date.today()
    now = dt.datetime.now().replace(microsecond=0)
    latest = now - dt.timedelta(minutes=10)
    days = 365
    first_day = today - dt.timedelta(days=days - 1)
    registers = {}

    def between(start, end, n):
        "n ordered times between start and end"
        span = max(60, (end - start).total_seconds())
        return sorted(start + dt.timedelta(seconds=uniform(0, span))
            for _ in range(n))

    def author_of(d):
        "(author, unit) drafting in department d: a section's SO mostly"
        head, wings = chains[d]
        wing_head, sections = wings[randrange(len(wings))]
        section, officers = sections[randrange(len(sections))]
        author = officers[0] if rand() < 0.7 else rng.choice(officers)
        return author, section, wing_head, head

    def number_of(kind, prefix, d, day):
        key = (kind, d, day.year)
        seq = registers[key] = registers.get(key, 0) + 1
        return f'{deps[d]["code"]}-{prefix}-{day.year}-{seq:04d}'

    def subject_of(verbs):
        return (f"{verbs[randrange(len(verbs))]} "
            f"{dak.TOPICS[randrange(20)]} {dak.SECONDS[randrange(10)]} for "
            f"{dak.PLACES[randrange(20)]} district")

    def body_of(subject):
        return (f"{subject}.\n\nThe Department proposes the above at an "
            f"estimated cost of Rs {randrange(5, 900)} million. The "
            "proposal has been examined in the light of the rules and the "
            "budget; the orders of the competent authority are solicited.")

    def decider(approver):
        "(decided_by, on_behalf_of) of a step of approver"
        ps = deputy.get(approver)
        if ps and rand() < PS_DECIDES:
            return ps, approver
        return approver, None

    summary0 = next_id(conn.cursor(), 'edaftar_summary')
    step0 = next_id(conn.cursor(), 'edaftar_summary_step')
    vetting0 = next_id(conn.cursor(), 'edaftar_summary_vetting')
    note0 = next_id(conn.cursor(), 'edaftar_cs_note')
    note_step0 = next_id(conn.cursor(), 'edaftar_cs_note_step')
    summaries, steps, vettings, notes, note_steps = [], [], [], [], []
    history = {'summary': [], 'note': []}

    # --- summaries -----------------------------------------------------------
    for i in range(n_summaries):
        sid = summary0 + i
        day = first_day + dt.timedelta(days=i * days // n_summaries)
        age = (today - day).days
        d = rng.choices(range(nd), weights)[0]
        author, unit, wing_head, head = author_of(d)
        approvers = [wing_head, head, cs, cm]
        created = min(dt.datetime.combine(day, dt.time(10))
            + dt.timedelta(seconds=randrange(7 * 3600)),
            latest - dt.timedelta(hours=2))
        state = weighted(rng, SUMMARY_STATES, age)
        subject = subject_of(SUMMARY_SUBJECTS)
        body = body_of(subject)
        number = number_of('summary', 'SUM', d, day)
        # The rounds on the route: [(outcome, index)], outcome 'returned'
        # at index, 'waiting' at index, or 'approved' (every step).
        rounds = []
        if state == 'draft':
            if rand() < REDRAFTED:
                rounds.append(('returned', rng.choices(
                            range(4), RETURNED_AT)[0]))
        else:
            if state != 'returned' and rand() < RESENT:
                rounds.append(('returned', rng.choices(
                            range(4), RETURNED_AT)[0]))
            if state == 'sent':
                rounds.append(('waiting', rng.choices(
                            range(4), WAITING_AT)[0]))
            elif state == 'returned':
                rounds.append(('returned', rng.choices(
                            range(4), RETURNED_AT)[0]))
            else:
                rounds.append(('approved', 4))
        # The events in order: each round's send and decisions, then the
        # dispatch; spread from a little after the creation to now at most.
        n_events = sum(1 + index + (outcome == 'returned')
            for outcome, index in rounds) + (state == 'dispatched')
        first_sent = created + dt.timedelta(seconds=uniform(3600, 3 * 86400))
        first_sent = min(first_sent, latest - dt.timedelta(hours=1))
        end = min(latest, first_sent + dt.timedelta(
                days=uniform(2, 10) * max(1, n_events)))
        times = iter(between(first_sent, end, n_events))
        sent_at = remarks = approved_by = approved_at = None
        last_time, last_actor = created, author
        cs_decided = None   # when the CS approved in the final round
        for r, (outcome, index) in enumerate(rounds):
            # Each send starts a fresh route (sequences from 1) and clears
            # the remarks, as does each step approved with a step after
            # it: the remarks of the decision that ended a route stay.
            sent_at = reached = next(times)
            if r == 0:
                sent_at = reached = first_sent
            remarks = None
            last_time, last_actor = sent_at, author
            created_by = (emp_user[author], sent_at)
            for k, (kind, approver) in enumerate(zip(ROUTE, approvers)):
                sid_step = step0 + len(steps)
                if outcome == 'approved' or k < index or (
                        outcome == 'returned' and k == index):
                    decision = 'approved'
                    if outcome == 'returned' and k == index:
                        decision = 'returned'
                    decided_at = next(times)
                    by, behalf = decider(approver)
                    remarks = rng.choice(APPROVE_REMARKS
                        if decision == 'approved' else RETURN_REMARKS)
                    steps.append((sid_step, sid, k + 1, STEP_ROLES[kind],
                            kind, approver, decision, False, remarks, by,
                            behalf, decided_at, reached, *created_by,
                            emp_user[by], decided_at))
                    if (kind == 'chief_secretary' and decision == 'approved'
                            and r == len(rounds) - 1):
                        cs_decided = decided_at
                    reached = last_time = decided_at
                    last_actor = by
                    if decision == 'returned':
                        break   # the undecided steps are dropped
                else:   # waiting: the current step, then the pending ones
                    current = k == index
                    steps.append((sid_step, sid, k + 1, STEP_ROLES[kind],
                            kind, approver, 'pending', current, None, None,
                            None, None, reached if current else None,
                            *created_by,
                            *((emp_user[last_actor], reached)
                                if current and k else (None, None))))
            if outcome == 'approved':
                approved_by, approved_at = cm, last_time
            elif outcome == 'waiting':
                remarks = None
        decision = dispatched_by = dispatched_at = None
        if state == 'dispatched':
            decision = rng.choice(DECISIONS)
            dispatched_by = cm_ps if rand() < PS_DISPATCHES else cm
            dispatched_at = last_time = next(times)
            last_actor = dispatched_by
        write = ((emp_user[last_actor], last_time)
            if last_time > created else (None, None))
        summaries.append((sid, number, unit0 + deps[d]['unit'], unit,
                subject, body, sent_at, author, remarks, approved_by,
                approved_at, decision, dispatched_by, dispatched_at, state,
                emp_user[author], created, *write))
        history['summary'].append((sid, number, unit0 + deps[d]['unit'],
                unit, subject, body, author, 'draft', emp_user[author],
                created))
        # Vettings: asked by the author of other departments; answered
        # before the CS approves.
        if rand() < (VETTED_DRAFT if state == 'draft' else VETTED):
            others = [x for x in vetters if x != d]
            asked = set()
            for _ in range(1 if rand() < 0.7 else 2):
                if others and rand() < 0.6:
                    x = rng.choice(others)
                else:
                    x = randrange(nd)
                if x != d:
                    asked.add(x)
            deadline = cs_decided or latest
            for x in sorted(asked):
                requested = created + (deadline - created) * uniform(0, 0.5)
                if cs_decided is None and rand() < STILL_REQUESTED:
                    replied = replied_by = comments = None
                    vstate = 'requested'
                else:
                    replied = requested + (deadline - requested) * uniform(
                        0.1, 0.95)
                    replied_by = emp0 + deps[x]['head']
                    comments = rng.choice(VETTING_COMMENTS)
                    vstate = 'replied'
                vettings.append((vetting0 + len(vettings), sid,
                        unit0 + deps[x]['unit'], author, requested,
                        comments, replied_by, replied, vstate,
                        emp_user[author], requested,
                        emp_user[replied_by] if replied_by else None,
                        replied))

    # --- CS notes: one step, the Chief Secretary ---------------------------
    for i in range(n_notes):
        nid = note0 + i
        day = first_day + dt.timedelta(days=i * days // n_notes)
        age = (today - day).days
        d = rng.choices(range(nd), weights)[0]
        author, unit, _, _ = author_of(d)
        created = min(dt.datetime.combine(day, dt.time(10))
            + dt.timedelta(seconds=randrange(7 * 3600)),
            latest - dt.timedelta(hours=2))
        state = weighted(rng, NOTE_STATES, age)
        subject = subject_of(NOTE_SUBJECTS)
        body = body_of(subject)
        number = number_of('cs_note', 'CSN', d, day)
        sent_at = remarks = approved_by = approved_at = None
        reviewed_by = reviewed_at = None
        write = (None, None)
        # A draft was sent back once at times (its step is kept).
        sent = state != 'draft' or rand() < REDRAFTED
        if sent:
            sent_at = min(latest - dt.timedelta(hours=1), created
                + dt.timedelta(seconds=uniform(3600, 3 * 86400)))
            end = min(latest, sent_at + dt.timedelta(days=uniform(1, 20)))
            review, decided_at = between(sent_at, end, 2)
            step = [note_step0 + len(note_steps), nid, 1,
                STEP_ROLES['chief_secretary'], 'chief_secretary', cs,
                'pending', True, None, None, None, None, sent_at,
                emp_user[author], sent_at, None, None]
            write = (emp_user[author], sent_at)
            if state in {'under_review', 'approved', 'sent_back'} and (
                    state == 'under_review' or rand() < 0.6):
                reviewed_by = cs_ps if rand() < 0.7 else cs
                reviewed_at = review
                write = (emp_user[reviewed_by], review)
            if state in {'approved', 'sent_back', 'draft'}:
                by, behalf = decider(cs)
                remarks = rng.choice(APPROVE_REMARKS if state == 'approved'
                    else RETURN_REMARKS)
                step[6:13] = ['approved' if state == 'approved'
                    else 'returned', False, remarks, by, behalf, decided_at,
                    sent_at]
                step[15:17] = [emp_user[by], decided_at]
                write = (emp_user[by], decided_at)
                if state == 'approved':
                    approved_by, approved_at = cs, decided_at
            note_steps.append(tuple(step))
        notes.append((nid, number, unit0 + deps[d]['unit'], unit, subject,
                body, sent_at, author, remarks, approved_by, approved_at,
                reviewed_by, reviewed_at, state, emp_user[author], created,
                *write))
        history['note'].append((nid, number, unit0 + deps[d]['unit'], unit,
                subject, body, author, 'draft', emp_user[author], created))

    cur = conn.cursor()
    paper = ['id', 'number', 'department', 'unit', 'subject', 'body',
        'sent_at', 'author', 'remarks', 'approved_by', 'approved_at']
    audit = ['create_uid', 'create_date', 'write_uid', 'write_date']
    step_columns = ['id', None, 'sequence', 'role', 'kind', 'approver',
        'decision', 'current', 'remarks', 'decided_by', 'on_behalf_of',
        'decided_at', 'reached_at', *audit]
    first_text = ['id', 'number', 'department', 'unit', 'subject', 'body',
        'author', 'state', 'create_uid', 'create_date']
    copy_rows(cur, 'edaftar_summary', paper + ['decision', 'dispatched_by',
            'dispatched_at', 'state'] + audit, summaries)
    copy_rows(cur, 'edaftar_summary__history', first_text,
        history['summary'])
    copy_rows(cur, 'edaftar_summary_step',
        [c or 'summary' for c in step_columns], steps)
    copy_rows(cur, 'edaftar_summary_vetting',
        ['id', 'summary', 'department', 'requested_by', 'requested_at',
            'comments', 'replied_by', 'replied_at', 'state', *audit],
        vettings)
    copy_rows(cur, 'edaftar_cs_note', paper + ['reviewed_by', 'reviewed_at',
            'state'] + audit, notes)
    copy_rows(cur, 'edaftar_cs_note__history', first_text, history['note'])
    copy_rows(cur, 'edaftar_cs_note_step',
        [c or 'note' for c in step_columns], note_steps)
    set_sequences(cur, PAPER_TABLES)
    for name in ['edaftar_summary__history', 'edaftar_cs_note__history']:
        cur.execute(
            f"SELECT setval(pg_get_serial_sequence('\"{name}\"', '__id'), "
            f'(SELECT COALESCE(MAX("__id"), 1) FROM "{name}"))')
    return {'summaries': len(summaries), 'steps': len(steps),
        'vettings': len(vettings), 'notes': len(notes),
        'note_steps': len(note_steps)}, registers


def load_registers(conn, province, bases, registers):
    """The registers of the summaries and notes of each department and
    year, continuing the numbers (as bench_directive's load_registers)"""
    cur = conn.cursor()
    now = dt.datetime.now()
    year = dt.date.today().year
    prefixes = {'summary': 'SUM', 'cs_note': 'CSN'}
    for kind in prefixes:
        for d in range(len(province.departments)):
            registers.setdefault((kind, d, year), 0)
    types = {}
    for kind in prefixes:
        cur.execute("SELECT db_id FROM ir_model_data WHERE module = "
            "'edaftar_summary' AND fs_id = %s", (f'sequence_type_{kind}',))
        types[kind], = cur.fetchone()
    sequence0 = next_id(cur, 'ir_sequence_strict')
    rows, links = [], []
    for i, ((kind, d, year), last) in enumerate(sorted(registers.items())):
        code = province.departments[d]['code']
        rows.append((sequence0 + i, f'{code} {kind} {year}', types[kind],
                f'{code}-{prefixes[kind]}-{year}-', 4, 'incremental',
                last + 1, 1, 1.0, 946681200.0, 0, True, 0, now))
        links.append((bases['unit'] + province.departments[d]['unit'], year,
                kind, sequence0 + i, 0, now))
    copy_rows(cur, 'ir_sequence_strict',
        ['id', 'name', 'sequence_type', 'prefix', 'padding', 'type',
            'number_next_internal', 'number_increment', 'timestamp_rounding',
            'timestamp_offset', 'last_timestamp', 'active', 'create_uid',
            'create_date'], rows)
    copy_rows(cur, 'edaftar_document_sequence',
        ['department', 'year', 'kind', 'sequence', 'create_uid',
            'create_date'], links)
    set_sequences(cur, ['ir_sequence_strict', 'edaftar_document_sequence'])
    return len(rows)


PAPER_TABLES = ['edaftar_summary', 'edaftar_summary_step',
    'edaftar_summary_vetting', 'edaftar_cs_note', 'edaftar_cs_note_step']


def load(dsn, province, bases, sizes, seed):
    """Load the offices (unless there) and the papers; return counts and
    timings"""
    timings = {}
    start = time.perf_counter()
    offices = add_offices(dsn, bases)
    people = office_people(dsn)
    with psycopg.connect(conninfo(dsn, DB)) as conn:
        conn.execute('SET session_replication_role = replica')
        conn.execute('SET synchronous_commit = off')
        counts, registers = generate(conn, province, bases, people, sizes,
            seed)
        counts['registers'] = load_registers(conn, province, bases,
            registers)
    counts['offices'] = offices
    timings['copy'] = time.perf_counter() - start
    start = time.perf_counter()
    with psycopg.connect(conninfo(dsn, DB), autocommit=True) as conn:
        for name in PAPER_TABLES + ['edaftar_summary__history',
                'edaftar_cs_note__history']:
            conn.execute(f'VACUUM (ANALYZE) "{name}"')
        conn.execute('ANALYZE')
    timings['vacuum_analyze'] = time.perf_counter() - start
    return counts, timings


def check_data_set(conn):
    """Rows breaking the invariants the module keeps: [(what, count)]"""
    checks = [
        ("sent summaries without exactly one current step",
            "SELECT count(*) FROM edaftar_summary s WHERE s.state = 'sent' "
            "AND (SELECT count(*) FROM edaftar_summary_step t "
            "WHERE t.summary = s.id AND t.current) != 1"),
        ("current steps of summaries not sent (or not pending, or not "
            "reached)",
            "SELECT count(*) FROM edaftar_summary_step t JOIN "
            "edaftar_summary s ON s.id = t.summary WHERE t.current AND "
            "(s.state != 'sent' OR t.decision != 'pending' "
            "OR t.reached_at IS NULL)"),
        ("decided steps without decided_by/decided_at/remarks",
            "SELECT count(*) FROM edaftar_summary_step WHERE decision != "
            "'pending' AND (decided_by IS NULL OR decided_at IS NULL "
            "OR remarks IS NULL)"),
        ("summaries past the CS step with a vetting unanswered",
            "SELECT count(*) FROM edaftar_summary s WHERE EXISTS (SELECT 1 "
            "FROM edaftar_summary_step t WHERE t.summary = s.id AND t.kind "
            "= 'chief_secretary' AND t.decision = 'approved' AND NOT EXISTS "
            "(SELECT 1 FROM edaftar_summary_step u WHERE u.summary = s.id "
            "AND u.id > t.id AND u.decision = 'returned')) AND EXISTS "
            "(SELECT 1 FROM edaftar_summary_vetting v WHERE v.summary = s.id "
            "AND v.state = 'requested')"),
        ("notes awaiting the CS without exactly one current step",
            "SELECT count(*) FROM edaftar_cs_note n WHERE n.state IN "
            "('sent', 'under_review') AND (SELECT count(*) FROM "
            "edaftar_cs_note_step t WHERE t.note = n.id AND t.current) != 1"),
        ]
    return [(label, conn.execute(sql).fetchone()[0]) for label, sql in checks]


# --- who acts, on what -----------------------------------------------------

class Fixtures:
    "What the measures need, found in the database"

    def __init__(self, dsn, bases):
        self.company = bases['company']
        self.people = office_people(dsn)
        if len(self.people) != len(OFFICE_PEOPLE):
            sys.exit(f"{DB} has no offices of the CM and the CS")
        with psycopg.connect(conninfo(dsn, DB)) as conn:
            if not conn.execute('SELECT 1 FROM edaftar_summary LIMIT 1'
                    ).fetchone():
                sys.exit(f"{DB} has no summaries loaded by this script")
            # The department head with the most summaries awaiting.
            row = conn.execute('SELECT e."user", t.approver, count(*) '
                'FROM edaftar_summary_step t JOIN company_employee e '
                "ON e.id = t.approver WHERE t.current AND t.kind = "
                "'department_head' GROUP BY 1, 2 ORDER BY 3 DESC, 2 "
                'LIMIT 1').fetchone()
        self.secretary = row[:2] if row else None
        self.secretary_waiting = row[2] if row else 0

    def approve_pools(self, dsn, threads, exclude=()):
        """(login, [summary id]) for each approve thread: the summaries
        sent and waiting at the step of the CS or the CM (for the CS with
        every vetting answered), the PS acting first, then the CS or CM
        themselves, shared with the other threads of that office"""
        plan = [('cs', 1), ('cm', 1), ('cs', 0), ('cm', 0)]
        plan = [plan[t % len(plan)] for t in range(threads)]
        waiting = {}
        with psycopg.connect(conninfo(dsn, DB)) as conn:
            for office, logins in ISSUER_LOGINS.items():
                waiting[office] = [i for i, in conn.execute(
                        'SELECT s.id FROM edaftar_summary s JOIN '
                        'edaftar_summary_step t ON t.summary = s.id '
                        "WHERE t.current AND s.state = 'sent' AND "
                        't.approver = %s AND NOT EXISTS (SELECT 1 FROM '
                        'edaftar_summary_vetting v WHERE v.summary = s.id '
                        "AND v.state = 'requested') ORDER BY s.id",
                        (self.people[logins[0]][1],)) if i not in exclude]
        pools = []
        for t, (office, who) in enumerate(plan):
            sharing = [x for x in range(threads) if plan[x][0] == office]
            pools.append((ISSUER_LOGINS[office][who],
                    waiting[office][sharing.index(t)::len(sharing)]))
        return pools


# --- read measures -----------------------------------------------------------

ORDER = 's.sent_at ASC NULLS LAST, s.id DESC'
# The first page, then its names: the best the indexes allow. Awaiting me
# implies the read rule (a step of mine reached), so the floor has no rule.
SQL_AWAITING = '''
WITH page AS (
    SELECT s.id FROM {paper} s
    WHERE s.id IN (SELECT t.{field} FROM {step} t
        WHERE t.current AND t.approver = ANY(%(employees)s))
    ORDER BY ''' + ORDER + '''
    LIMIT 50)
SELECT s.id, s.number, s.subject, s.department, d.code, d.name, s.author,
    ap.name, ad.name, t.approver, cp.name, cd.name, s.sent_at, s.state
FROM page
JOIN {paper} s ON s.id = page.id
JOIN edaftar_org_unit d ON d.id = s.department
LEFT JOIN company_employee ae ON ae.id = s.author
LEFT JOIN party_party ap ON ap.id = ae.party
LEFT JOIN edaftar_designation ad ON ad.id = ae.designation
LEFT JOIN {step} t ON t.{field} = s.id AND t.current
LEFT JOIN company_employee ce ON ce.id = t.approver
LEFT JOIN party_party cp ON cp.id = ce.party
LEFT JOIN edaftar_designation cd ON cd.id = ce.designation
ORDER BY ''' + ORDER
SQL_SUMMARIES = SQL_AWAITING.format(paper='edaftar_summary',
    step='edaftar_summary_step', field='summary')
SQL_NOTES = SQL_AWAITING.format(paper='edaftar_cs_note',
    step='edaftar_cs_note_step', field='note')


def read_measures(sessions, fx, scopes, server):
    "Build the read measures"
    client = server.client
    users = {'the CS': fx.people['dir_cs'][0],
        'the CM': fx.people['dir_cm'][0]}
    if fx.secretary:
        users[f"a department secretary ({fx.secretary_waiting} awaiting)"] = (
            fx.secretary[0])
    measures = []

    def measure(label, model, sql, who):
        user = User(client, sessions[users[who]])
        params = {'employees': list(scopes[users[who]]['acting_for'])}
        measures.append(Measure('awaiting', f"{label} awaiting me: {who}, "
            "awaiting_me = True (rules), limit 50", TARGETS['awaiting'],
            lambda i: user(model, 'search_read', AWAITING, 0, 50, None,
                SUMMARY_LIST_FIELDS),
            lambda conn, i: run_sql(conn, [sql], params),
            [(model, 'search_read',
                    (AWAITING, 0, 50, None, SUMMARY_LIST_FIELDS))], user))

    for who in users:
        measure("summaries", 'edaftar.summary', SQL_SUMMARIES, who)
    measure("CS notes", 'edaftar.cs_note', SQL_NOTES, 'the CS')
    return measures


# --- write measures ----------------------------------------------------------

def sql_write_floor(dsn, fx, summary_ids):
    """ops/s of the same approvals in raw SQL from one client (commit
    each): the remarks written (and the history row), the current step
    decided, the next one reached and the remarks cleared or the summary
    approved (history again), the audit line and the notifications"""
    if not summary_ids:
        return float('nan')
    assistants = {fx.people[p][1]: fx.people[a][0]
        for p, a in ISSUER_LOGINS.values()}
    office = {e: u for u, e in fx.people.values()}
    history = ('INSERT INTO edaftar_summary__history (id, number, '
        'department, unit, subject, body, sent_at, author, remarks, '
        'approved_by, approved_at, decision, dispatched_by, dispatched_at, '
        'state, create_uid, create_date, write_uid, write_date) SELECT id, '
        'number, department, unit, subject, body, sent_at, author, remarks, '
        'approved_by, approved_at, decision, dispatched_by, dispatched_at, '
        'state, create_uid, create_date, write_uid, write_date FROM '
        'edaftar_summary WHERE id = %s')
    with psycopg.connect(conninfo(dsn, DB)) as conn:
        cur = conn.cursor()
        # The users told, found beforehand: each approver's, their PS's.
        employees = {e: u for e, u in conn.execute(
                'SELECT id, "user" FROM company_employee WHERE id IN ('
                'SELECT approver FROM edaftar_summary_step '
                'WHERE summary = ANY(%s))', (summary_ids,))}
        start = time.perf_counter()
        for sid in summary_ids:
            cur.execute('SELECT id, approver, sequence FROM '
                'edaftar_summary_step WHERE summary = %s AND current '
                'FOR UPDATE', (sid,), prepare=True)
            step_id, approver, sequence = cur.fetchone()
            user = office[approver]
            cur.execute('UPDATE edaftar_summary SET remarks = %s, '
                'write_uid = %s, write_date = now() WHERE id = %s',
                (f'Bench floor remarks {sid}.', user, sid), prepare=True)
            cur.execute(history, (sid,), prepare=True)
            cur.execute("UPDATE edaftar_summary_step SET decision = "
                "'approved', current = false, remarks = %s, decided_by = %s, "
                'decided_at = now(), write_uid = %s, write_date = now() '
                'WHERE id = %s', (f'Bench floor remarks {sid}.', approver,
                    user, step_id), prepare=True)
            cur.execute('UPDATE edaftar_summary_step SET current = true, '
                'reached_at = now(), write_uid = %s, write_date = now() '
                "WHERE summary = %s AND decision = 'pending' AND sequence = "
                '%s RETURNING approver', (user, sid, sequence + 1),
                prepare=True)
            following = cur.fetchone()
            if following:
                # The remarks were this step's: cleared for the next one.
                cur.execute('UPDATE edaftar_summary SET remarks = NULL, '
                    'write_uid = %s, write_date = now() WHERE id = %s',
                    (user, sid), prepare=True)
                cur.execute(history, (sid,), prepare=True)
                told = [employees.get(following[0]),
                    assistants.get(following[0])]
            else:
                cur.execute("UPDATE edaftar_summary SET state = 'approved', "
                    'approved_by = %s, approved_at = now() WHERE id = %s '
                    'RETURNING author', (approver, sid), prepare=True)
                author, = cur.fetchone()
                cur.execute(history, (sid,), prepare=True)
                cur.execute('SELECT "user" FROM company_employee '
                    'WHERE id = %s', (author,), prepare=True)
                told = [cur.fetchone()[0]]
            cur.execute('INSERT INTO edaftar_audit_log (create_uid, '
                'create_date, timestamp, "user", employee, model, '
                "record_id, record_name, action, details) VALUES (%s, now(), "
                "now(), %s, %s, 'edaftar.summary', %s, %s, 'approve', %s)",
                (user, user, approver, sid, f'Summary {sid}',
                    f'Bench floor remarks {sid}.'), prepare=True)
            cur.executemany('INSERT INTO res_notification ("user", label, '
                'description, model, records, icon, unread, create_uid, '
                "create_date) VALUES (%s, 'Bench floor approval', '', "
                "'edaftar.summary', %s, 'tryton-ok', true, %s, now())",
                [(u, f'[{sid}]', user) for u in told if u])
            conn.commit()
        return len(summary_ids) / (time.perf_counter() - start)


def write_measures(server, sessions, fx, args, dsn):
    """Approve (remarks written + Approve button) from args.threads client
    threads; return the row for the table, whether the threads ran out of
    summaries, the floor's size and the summaries left to trace"""
    port = server.port
    # The floor approves summaries of its own, first: the last of each
    # thread's share (those of the CS go on to the CM's step).
    floor_ids = [sid for _, pool in fx.approve_pools(dsn, args.threads)
        for sid in pool[len(pool) - min(25, len(pool) // 4):]]
    floor = sql_write_floor(dsn, fx, floor_ids)
    pools = fx.approve_pools(dsn, args.threads)
    exhausted = []

    def approver(t):
        login, pool = pools[t]

        def make(client):
            user = User(client, sessions[fx.people[login][0]])
            summaries = iter(pool)

            def op():
                try:
                    sid = next(summaries)
                except StopIteration:
                    exhausted.append(t)
                    raise Exhausted
                user('edaftar.summary', 'write', [sid], {
                        'remarks': f'Bench remarks on summary {sid}: '
                        'recommended.'})
                user('edaftar.summary', 'approve', [sid])
            return op
        return make

    label = ("approve (remarks written + Approve button, the CS's and the "
        "CM's offices)")
    with step(f"  {label}"):
        times, errors, elapsed = dak.run_writers(port,
            [approver(t) for t in range(args.threads)], args.write_seconds)
    ops = len(times) / elapsed
    row = [label, args.threads, len(times), len(errors), f'{ops:.1f}',
        f'{ops * 2:.1f}', ms(pct(times, 50)), ms(pct(times, 95)),
        f'{floor:.0f}', f'{sum(len(p) for _, p in pools):,}',
        f">= {TARGETS['write']}",
        'ok' if ops >= TARGETS['write'] and not errors else 'MISSED',
        sorted(set(errors))[:1]]
    for error in sorted(set(errors))[:3]:
        print(f"    error: {error}", file=sys.stderr)
    # Two summaries of one user for the trace: the first warms the caches.
    left = next(((login, pool[-2:]) for login, pool in fx.approve_pools(
                dsn, args.threads) if len(pool) > 1), None)
    return row, bool(exhausted), len(floor_ids), left


def trace_writes(pool, fx, left):
    """Count the SQL statements and transaction attempts of the two calls
    of one approval, in-process, after one approval to warm the caches"""
    if not left:
        print("\nNo write traced in-process: no summaries left to approve.")
        return
    login, summaries = left
    user_id = fx.people[login][0]
    context = {'language': 'en', 'company': fx.company}
    rows = []
    for n, sid in enumerate(summaries):
        def write(pool, sid=sid):
            Summary = pool.get('edaftar.summary')
            Summary.write([Summary(sid)], {
                    'remarks': f'Bench trace remarks {sid}.'})

        def approve(pool, sid=sid):
            Summary = pool.get('edaftar.summary')
            Summary.approve([Summary(sid)])
        for label, func in [("write remarks", write),
                ("Approve button", approve)]:
            result = dak.trace_write(pool, user_id, context, func)
            if n:
                rows.append([f"approve: {label} ({login})", *result])
    table("One approval in-process, as the RPC dispatcher runs its two "
        "calls, after one to warm the caches",
        ["operation", "SQL statements", "transaction attempts",
            "in-process ms"],
        [[label, n, attempts, ms(duration)]
            for label, n, attempts, duration in rows],
        ["attempts > 1: the transaction was restarted (a TransactionError) "
            "and the request run again."]
        if any(attempts > 1 for _, _, attempts, _ in rows) else [])


# --- main ------------------------------------------------------------------

def main():
    args = parse_args()
    dsn = os.environ.get(
        'EDAFTAR_BENCH_DSN', f'postgresql://postgres@{LOCALHOST}:5432/')
    tmp = tempfile.mkdtemp(prefix='edaftar-bench-summary-')
    config = dak.write_config(tmp, dsn)
    # trytond reads its configuration when first imported.
    os.environ['TRYTOND_CONFIG'] = str(config)
    plans_file = Path(tmp, 'plans.txt')

    n_users = max(1, round(10_000 * args.scale))
    province = dak.Province(args.scale, n_users)
    sizes = (max(50, round(5_000 * args.scale)),
        max(100, round(10_000 * args.scale)))
    print(f"e-Daftar summary benchmark, scale {args.scale}: "
        f"{sizes[0]:,} summaries, {sizes[1]:,} CS notes "
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
            with step("loading the summaries and CS notes with COPY"):
                counts, timings = load(dsn, province, bases, sizes,
                    args.seed)
        with psycopg.connect(conninfo(dsn, DB)) as conn:
            tables = PAPER_TABLES + ['edaftar_summary__history',
                'edaftar_cs_note__history', 'edaftar_receipt',
                'edaftar_movement']
            info = {name: conn.execute(
                    'SELECT pg_size_pretty(pg_total_relation_size(%s)), '
                    f'(SELECT count(*) FROM "{name}")',
                    (f'"{name}"',)).fetchone() for name in tables}
            summary_states = conn.execute('SELECT state, count(*) FROM '
                'edaftar_summary GROUP BY 1 ORDER BY 2 DESC').fetchall()
            waiting_at = conn.execute('SELECT t.kind, count(*) FROM '
                'edaftar_summary_step t WHERE t.current GROUP BY 1 '
                'ORDER BY 2 DESC').fetchall()
            decisions = conn.execute('SELECT decision, count(*), count(*) '
                'FILTER (WHERE on_behalf_of IS NOT NULL) FROM '
                'edaftar_summary_step GROUP BY 1 ORDER BY 2 DESC').fetchall()
            vetting_states = conn.execute('SELECT state, count(*) FROM '
                'edaftar_summary_vetting GROUP BY 1 ORDER BY 2 DESC'
                ).fetchall()
            note_states = conn.execute('SELECT state, count(*) FROM '
                'edaftar_cs_note GROUP BY 1 ORDER BY 2 DESC').fetchall()
            resent, = conn.execute('SELECT count(DISTINCT summary) FROM '
                "edaftar_summary_step t WHERE t.decision = 'returned' AND "
                "EXISTS (SELECT 1 FROM edaftar_summary s WHERE s.id = "
                "t.summary AND s.state != 'returned')").fetchone()
            checks = check_data_set(conn)
        sub_rows = {
            'edaftar_summary': [[f"  summaries {s}", f'{n:,}', '']
                for s, n in summary_states] + [
                ["  of which sent back once before (sent again or "
                    "reworked)", f'{resent:,}', '']],
            'edaftar_summary_step': [[f"  current steps at {k}", f'{n:,}',
                    ''] for k, n in waiting_at] + [
                [f"  steps {d}" + (f" ({b:,} by the PS)" if b else ''),
                    f'{n:,}', ''] for d, n, b in decisions],
            'edaftar_summary_vetting': [[f"  vettings {s}", f'{n:,}', '']
                for s, n in vetting_states],
            'edaftar_cs_note': [[f"  notes {s}", f'{n:,}', '']
                for s, n in note_states],
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
                    + f"papers + {counts['registers']} registers (COPY)", '',
                    f"{timings['copy']:.1f} s"],
                ["step: VACUUM ANALYZE", '',
                    f"{timings['vacuum_analyze']:.1f} s"]]
            title = (f"Summary data set loaded with COPY in "
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
        users = {u for u, _ in fx.people.values()}
        if fx.secretary:
            users.add(fx.secretary[0])
        with step("opening sessions"):
            sessions = dak.new_sessions(pool, users)
            scopes = {u: dak.scope_of(pool, u) for u in users}

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
                "interleaved; awaiting me implies the read rule, so it has "
                "none); bare = trivial RPC (p95/bare: load-independent "
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
            dak.print_trace(m, results, duration, n_statements, plans_file,
                always=True)

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
            row, exhausted, n_floor, left = write_measures(
                server, sessions, fx, args, dsn)
            table(f"Writes over JSON-RPC, gunicorn {workers_label}, "
                f"{args.threads} client threads, {args.write_seconds:.0f} s",
                ["operation", "threads", "ops", "errors", "ops/s", "RPC/s",
                    "p50 ms", "p95 ms", "SQL ops/s", "summaries", "target",
                    ""],
                [row[:-1]],
                ["SQL ops/s = the same rows written with raw SQL from one "
                    f"client, one commit per operation ({n_floor} "
                    "summaries); summaries = summaries the threads could "
                    "approve (the PS of the CS and of the CM, then the CS "
                    "and the CM, each on their own share)."]
                + (["the threads ran out of summaries before the end: "
                        "ops/s is low by that much"] if exhausted else [])
                + ([f"first error: {row[-1][0]}"] if row[-1] else []))
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
