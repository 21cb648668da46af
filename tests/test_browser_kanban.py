# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The Kanban board of one's tasks (edaftar_task), in a real browser.

A SQLite database with edaftar_task and the small government of the module
tests (edaftar_base tests/tools.py setup_government) is served by trytond,
with the sao client; it is cached under .cache/kanban-db/, keyed like the
demo database of test_browser. Its name is not the demo's: the menu's URL
must name the database it is in. The Additional Secretary (Admin) gives
the Section Officer (Admin-I) an activity's tasks over XML-RPC (proteus),
as his client would; then each of them moves cards on the board, and the
server is asked over JSON-RPC what it recorded.
"""
import contextlib
import datetime as dt
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from proteus import Model
from proteus.config import set_xmlrpc_session

from test_browser import (  # noqa: F401 (fixtures)
    ARTIFACTS, CONFIG, ROOT, TIMEOUT, PlaywrightTimeoutError, browser,
    expand, expect, row, sources_hash)
from test_browser import serve as browser_serve
from trytond.modules.edaftar_base.tests.tools import (
    PASSWORD, JsonRpc, message_text, setup_government)

DB = 'kanban_board'
CACHE = ROOT / '.cache' / 'kanban-db'
ASSIGNER, ASSIGNEE = 'as.admin', 'so.admin1'
ACTIVITY = "Annual Confidential Reports 2026"
# name: days from today to the start and due dates
TASKS = {
    'collect': ("Collect the ACR forms of Admin-I", 0, 7),
    'seniority': ("Verify the seniority list", 0, 10),
    'policy': ("Draft the transfer policy", 0, 14),
    'leave': ("Return the leave register", -10, -1),
    'markup': ('<img src=x id=injected> Check the <b>attendance</b> & '
        '"late" register', 0, 5),
    }


def serve(path):
    "Run trytond on the database in path, with sao; yield its URL"
    return browser_serve(path, DB)


@contextlib.contextmanager
def rpc(url, login):
    "A proteus configuration logged in over XML-RPC as login"
    with set_xmlrpc_session(
            f'{url}/{DB}/rpc/', username=login, password=PASSWORD) as config:
        yield config


def build_database(path):
    """Create <path>/DB.sqlite with edaftar_task and the small government
    of the module tests"""
    (path / f'{DB}.sqlite').touch()
    passfile = path / 'admin-password'
    passfile.write_text(PASSWORD)
    subprocess.run([
            Path(sys.executable).parent / 'trytond-admin', '-c', CONFIG,
            '-d', DB, '--email', 'admin@example.gov.pk',
            '-u', 'edaftar_task', '--activate-dependencies'],
        env=dict(os.environ, TRYTOND_DATABASE__PATH=str(path),
            TRYTONPASSFILE=str(passfile)),
        check=True, capture_output=True)
    with serve(path) as url, rpc(url, 'admin') as config:
        setup_government(config)


@pytest.fixture(scope='module')
def database(tmp_path_factory):
    "Directory holding a copy of the database"
    cached = CACHE / sources_hash() / f'{DB}.sqlite'
    if not cached.exists():
        build = tmp_path_factory.mktemp('kanban-build')
        build_database(build)
        shutil.rmtree(CACHE, ignore_errors=True)  # older versions
        cached.parent.mkdir(parents=True)
        copy_database(build / f'{DB}.sqlite', cached)
    path = tmp_path_factory.mktemp('kanban-db')
    copy_database(cached, path / f'{DB}.sqlite')
    return path


def copy_database(source, target):
    """Copy an SQLite database with what its write-ahead log still holds
    (a copy of the file alone loses the last transactions)"""
    with contextlib.closing(sqlite3.connect(source)) as src, \
            contextlib.closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


@pytest.fixture(scope='module')
def server(database):
    "URL (no trailing slash) of trytond serving the database and sao"
    with serve(database) as url:
        yield url


@pytest.fixture(scope='module')
def tasks(server):
    """The activity of the Additional Secretary (Admin) and its tasks,
    given to the Section Officer (Admin-I): {key: id}"""
    today = dt.date.today()
    with rpc(server, ASSIGNER) as config:
        Group = Model.get('edaftar.task.group', config=config)
        Task = Model.get('edaftar.task', config=config)
        Employee = Model.get('company.employee', config=config)
        assignee, = Employee.find([('user.login', '=', ASSIGNEE)])
        group = Group(name=ACTIVITY)
        group.save()
        ids = {}
        for key, (name, start, due) in TASKS.items():
            task = Task(group=group, name=name, assignee=assignee,
                start_date=today + dt.timedelta(days=start),
                due_date=today + dt.timedelta(days=due))
            task.save()
            ids[key] = task.id
    return ids


def names(server):
    "The rec_name of the tasks and of the two officers, as the server has it"
    with rpc(server, 'admin') as config:
        Task = Model.get('edaftar.task', config=config)
        Employee = Model.get('company.employee', config=config)
        result = {t.id: t.rec_name for t in Task.find([])}
        for employee in Employee.find([
                    ('user.login', 'in', [ASSIGNER, ASSIGNEE])]):
            result[employee.user.login] = employee.rec_name
        return result


def message(server, msg_id, **params):
    "The text of the ir.message msg_id as the server renders it"
    with rpc(server, 'admin') as config:
        return message_text(config, f'edaftar_task.{msg_id}', **params)


def state(server, task_id, login=ASSIGNEE):
    "The state of the task, read over JSON-RPC as login"
    client = JsonRpc(server, DB)
    client.login(login, PASSWORD)
    record, = client.model('edaftar.task', 'read', [task_id], ['state'])
    return record['state']


def board_url(server):
    return f'{server}/{DB}/edaftar_task/board'


@pytest.fixture
def page(browser, request):
    "A fresh browser page (no session); its last state is saved"
    context = browser.new_context(viewport={'width': 1280, 'height': 900})
    context.set_default_timeout(TIMEOUT)
    page = context.new_page()
    yield page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / f'{request.node.name}.png',
        full_page=True)
    context.close()


def board_login(page, server, login):
    "Open the board and log in with its own form"
    page.goto(board_url(server))
    form = page.locator('#login')
    expect(form).to_be_visible()
    form.locator('#login-name').fill(login)
    form.locator('#login-password').fill(PASSWORD)
    form.locator('#login-submit').click()
    expect(page.locator('#board')).to_be_visible()
    expect(form).to_be_hidden()
    page.wait_for_load_state('networkidle')


def column(page, state):
    return page.locator(f'#board .column[data-state="{state}"]')


def card(page, task_id):
    return page.locator(f'#board .card[data-id="{task_id}"]')


def settled(page, task_id):
    "Wait until the card's move is answered (the server, then the reload)"
    expect(page.locator(f'#board .card.pending[data-id="{task_id}"]')
        ).to_have_count(0)
    page.wait_for_load_state('networkidle')


def get(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_page_is_static_and_locked_down(server, tasks):
    """The page, its script and its style sheet are served with a strict
    policy, carry no data and are revalidated; no board for a database
    that does not exist"""
    status, headers, body = get(board_url(server))
    assert status == 200
    assert headers['Content-Type'] == 'text/html; charset=utf-8'
    policy = {d.split()[0]: d.split()[1:] for d in (
            p.strip() for p in headers['Content-Security-Policy'].split(';'))}
    assert policy['default-src'] == ["'none'"]
    assert policy['script-src'] == ["'self'"]
    assert policy['style-src'] == ["'self'"]
    assert policy['connect-src'] == ["'self'"]
    assert policy['frame-ancestors'] == ["'none'"]
    assert policy['require-trusted-types-for'] == ["'script'"]
    assert 'unsafe-inline' not in headers['Content-Security-Policy']
    assert headers['X-Content-Type-Options'] == 'nosniff'
    assert 'no-cache' in headers['Cache-Control']
    html = body.decode()
    # No inline script or style, no data
    assert not re.search(r'<script(?![^>]*\bsrc=)', html)
    assert not re.search(r'<style|\sstyle=|\son[a-z]+=', html)
    for name, *_ in TASKS.values():
        assert name not in html
    assert ACTIVITY not in html

    status, _, _ = get(board_url(server),
        headers={'If-None-Match': headers['ETag']})
    assert status == 304

    for name, content_type in [
            ('board.js', 'text/javascript'), ('board.css', 'text/css')]:
        status, headers, _ = get(f'{server}/{DB}/edaftar_task/{name}')
        assert status == 200, name
        assert headers['Content-Type'].startswith(content_type), name
        assert headers['X-Content-Type-Options'] == 'nosniff', name
    status, _, _ = get(f'{server}/no_such_database/edaftar_task/board')
    assert status == 404


def test_assignee_moves_cards(page, server, tasks):
    """The Section Officer logs in on the board: his tasks are in To Do,
    the overdue one marked; he starts one by dragging it to In Progress and
    completes it with its button; he may not cancel one (only who gave it
    may): the card comes back with the server's message"""
    expect.set_options(timeout=TIMEOUT)
    errors = []
    page.on('pageerror', lambda error: errors.append(error))
    board_login(page, server, ASSIGNEE)
    todo = column(page, 'todo')
    for key, (name, *_) in TASKS.items():
        expect(todo.locator(f'.card[data-id="{tasks[key]}"] .card-name')
            ).to_have_text(name)
    expect(todo.locator('.count')).to_have_text(str(len(TASKS)))
    expect(card(page, tasks['leave'])).to_have_class(
        re.compile(r'\boverdue\b'))
    expect(card(page, tasks['leave']).locator('.card-overdue')).to_be_visible()
    expect(card(page, tasks['collect'])).not_to_have_class(
        re.compile(r'\boverdue\b'))
    due = dt.date.today() + dt.timedelta(days=TASKS['collect'][2])
    expect(card(page, tasks['collect']).locator('time.card-due')
        ).to_have_attribute('datetime', due.isoformat())
    officers = names(server)
    expect(card(page, tasks['collect']).locator('.card-assignee')
        ).to_have_text(officers[ASSIGNEE])
    expect(card(page, tasks['collect']).locator('.card-assigner')
        ).to_have_text(officers[ASSIGNER])
    expect(card(page, tasks['collect']).locator('.card-progress-text')
        ).to_have_text('0%')
    # Text is text: the markup in a task's name is shown, not run.
    assert page.locator('#board img').count() == 0
    assert page.locator('#injected').count() == 0
    page.screenshot(path=ARTIFACTS / 'kanban-assignee.png', full_page=True)

    # Drag To Do -> In Progress: start
    collect = card(page, tasks['collect'])
    collect.drag_to(column(page, 'in_progress').locator('.cards'))
    settled(page, tasks['collect'])
    expect(column(page, 'in_progress').locator(
            f'.card[data-id="{tasks["collect"]}"]')).to_be_visible()
    expect(page.locator('#message')).to_be_hidden()
    assert state(server, tasks['collect']) == 'in_progress'

    # The buttons do the same without a mouse: Complete, from the keyboard
    complete = card(page, tasks['collect']).get_by_role(
        'button', name='Complete')
    complete.focus()
    page.keyboard.press('Enter')
    settled(page, tasks['collect'])
    expect(column(page, 'done').locator(
            f'.card[data-id="{tasks["collect"]}"]')).to_be_visible()
    assert state(server, tasks['collect']) == 'done'

    # Drag To Do -> Cancelled: only who gave the task cancels it
    seniority = card(page, tasks['seniority'])
    seniority.drag_to(column(page, 'cancelled').locator('.cards'))
    settled(page, tasks['seniority'])
    refusal = message(server, 'msg_task_not_assigner',
        task=officers[tasks['seniority']], assigner=officers[ASSIGNER])
    expect(page.locator('#message')).to_be_visible()
    expect(page.locator('#message-text')).to_have_text(refusal)
    expect(todo.locator(f'.card[data-id="{tasks["seniority"]}"]')
        ).to_be_visible()
    expect(column(page, 'cancelled').locator('.card')).to_have_count(0)
    page.screenshot(path=ARTIFACTS / 'kanban-refused.png', full_page=True)
    assert state(server, tasks['seniority']) == 'todo'
    assert not errors, errors


def test_assigner_cannot_complete(page, server, tasks):
    """The Additional Secretary sees the tasks he gave; he may not complete
    one in place of the Section Officer: refused, back in To Do"""
    expect.set_options(timeout=TIMEOUT)
    errors = []
    page.on('pageerror', lambda error: errors.append(error))
    board_login(page, server, ASSIGNER)
    # Nothing is given to him
    for state_ in ['todo', 'in_progress', 'done', 'cancelled']:
        expect(column(page, state_).locator('.card')).to_have_count(0)
    page.get_by_role('button', name='Given by me').click()
    expect(page.get_by_role('button', name='Given by me')).to_have_attribute(
        'aria-pressed', 'true')
    policy = card(page, tasks['policy'])
    expect(column(page, 'todo').locator(
            f'.card[data-id="{tasks["policy"]}"]')).to_be_visible()
    page.wait_for_load_state('networkidle')
    policy.drag_to(column(page, 'done').locator('.cards'))
    settled(page, tasks['policy'])
    officers = names(server)
    refusal = message(server, 'msg_task_not_assignee',
        task=officers[tasks['policy']], assignee=officers[ASSIGNEE])
    expect(page.locator('#message-text')).to_have_text(refusal)
    expect(column(page, 'todo').locator(
            f'.card[data-id="{tasks["policy"]}"]')).to_be_visible()
    assert state(server, tasks['policy'], login=ASSIGNER) == 'todo'
    assert not errors, errors


def test_board_needs_a_session(page, server, tasks):
    """Without a session the board shows only its login form; the JSON-RPC
    refuses a request without the session, and nothing can write HTML
    into the page"""
    expect.set_options(timeout=TIMEOUT)
    page.goto(board_url(server))
    expect(page.locator('#login')).to_be_visible()
    expect(page.locator('#board')).to_be_hidden()
    assert page.locator('.card').count() == 0

    # A wrong password: refused, still no board (another officer's login:
    # failures slow down the next logins of the one tried)
    page.locator('#login-name').fill('so.admin2')
    page.locator('#login-password').fill('not-the-password')
    page.locator('#login-submit').click()
    expect(page.locator('#login-error')).to_have_text(
        'Wrong user name or password.')
    expect(page.locator('#board')).to_be_hidden()

    call = '''async ([url, credentials]) => {
        const response = await fetch(url, {
            method: 'POST', credentials: credentials,
            headers: {'Content-Type': 'application/json',
                'X-Requested-With': 'XMLHttpRequest'},
            body: JSON.stringify({id: 1,
                method: 'model.edaftar.task.search_read',
                params: [[], 0, null, null, ['name'], {}]})});
        return [response.status, await response.text()];
    }'''
    rpc_url = f'{server}/{DB}/rpc/'
    status, body = page.evaluate(call, [rpc_url, 'same-origin'])
    assert status == 401
    for name, *_ in TASKS.values():
        assert name not in body

    # Logged in, the page's session reads; the same call without it is
    # refused.
    board_login(page, server, ASSIGNEE)
    status, body = page.evaluate(call, [rpc_url, 'same-origin'])
    assert status == 200, body
    assert TASKS['policy'][0] in [
        r['name'] for r in json.loads(body)['result']]
    status, _ = page.evaluate(call, [rpc_url, 'omit'])
    assert status == 401

    # The page's policy (Trusted Types): no HTML from a string.
    sink = page.evaluate('''() => {
        try {
            document.body.insertAdjacentHTML('beforeend', '<b>x</b>');
            return 'written';
        } catch (error) {
            return error.name;
        }
    }''')
    assert sink == 'TypeError'

    # Logging out ends the session: the board asks to log in again.
    page.get_by_role('button', name='Log out').click()
    expect(page.locator('#login')).to_be_visible()
    status, _ = page.evaluate(call, [rpc_url, 'same-origin'])
    assert status == 401


def sao_login(page, server, login):
    "Log in through sao's dialogs (test_browser.login, our password)"
    page.goto(server + '/')
    page.fill('input#login', login)
    password = page.locator('input[type=password]')
    for attempt in range(3):
        page.press('input#login', 'Enter')
        try:
            password.wait_for(timeout=TIMEOUT // 4)
            break
        except PlaywrightTimeoutError:
            if attempt == 2:
                raise
    password.fill(PASSWORD)
    password.press('Enter')


def test_menu_opens_board_with_client_session(page, server, tasks):
    """In the web client, Tasks > Task Board opens the board of this
    database in a new tab, logged in with the client's session"""
    expect.set_options(timeout=TIMEOUT)
    sao_login(page, server, ASSIGNEE)
    menu = page.locator('#menu')
    expand(menu, 'e-Daftar')
    expand(menu, 'Tasks')
    entry = row(menu, 'Task Board')
    expect(entry).to_be_visible()
    page.wait_for_load_state('networkidle')
    with page.context.expect_page() as opened:
        entry.locator('div.column-char').click()
    board = opened.value
    board.wait_for_load_state()
    assert board.url == board_url(server)
    expect(board.locator('#board')).to_be_visible()
    expect(board.locator('#login')).to_be_hidden()
    expect(board.locator(f'.card[data-id="{tasks["policy"]}"]')
        ).to_be_visible()
    officers = names(server)
    expect(board.locator('#user')).to_contain_text(
        officers[ASSIGNEE].split(' (')[0])
    board.screenshot(path=ARTIFACTS / 'kanban-from-menu.png')


def test_board_on_a_phone(browser, server, tasks):
    "On a 360 px wide screen the columns stack and nothing scrolls sideways"
    context = browser.new_context(
        viewport={'width': 360, 'height': 740}, is_mobile=True,
        has_touch=True)
    context.set_default_timeout(TIMEOUT)
    page = context.new_page()
    try:
        expect.set_options(timeout=TIMEOUT)
        board_login(page, server, ASSIGNEE)
        boxes = [column(page, s).bounding_box()
            for s in ['todo', 'in_progress', 'done', 'cancelled']]
        assert len({round(b['x']) for b in boxes}) == 1, boxes
        assert all(b['width'] <= 360 for b in boxes), boxes
        assert [b['y'] for b in boxes] == sorted(b['y'] for b in boxes)
        assert page.evaluate(
            'document.documentElement.scrollWidth') <= 360
        # The cards' buttons are the way to move them on a touch screen.
        expect(card(page, tasks['policy']).get_by_role(
                'button', name='Start')).to_be_visible()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=ARTIFACTS / 'kanban-phone.png', full_page=True)
    finally:
        context.close()
