# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The mobile app's Directives and My Tasks screens, on a phone, against a
real trytond.

A SQLite database with edaftar_mobile, edaftar_directive and edaftar_task
and the small government of the module tests (edaftar_base tests/tools.py
setup_government) is served by trytond, which serves the built app
(var/mobile, `npm run build` in addons/edaftar_mobile/app, done by
scripts/setup) at /<database>/mobile/. The activated database is cached
under .cache/mobile-screens-db/, keyed by the modules' sources. The Chief
Secretary issues an order to S&GAD and the Additional Secretary (Admin)
gives the Section Officer (Admin-I) an activity's tasks, over XML-RPC
(proteus) as their clients would; then the Secretary S&GAD replies from
the app, and the Section Officer starts and completes a task from it.
Chromium (Debian's) is driven by Playwright as a 390x844 touch phone; what
the server recorded is read over JSON-RPC.
"""
import contextlib
import datetime as dt
import hashlib
import os
import shutil
import sqlite3
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / 'config' / 'trytond.conf'
MOBILE = ROOT / 'var' / 'mobile'
ARTIFACTS = ROOT / 'var' / 'test-artifacts'
CACHE = ROOT / '.cache' / 'mobile-screens-db'
DB = 'mobile_screens'
MODULES = ['edaftar_mobile', 'edaftar_directive', 'edaftar_task']
TIMEOUT = 20_000  # ms, for a busy 2-core machine

if not (MOBILE / 'index.html').exists():
    pytest.skip(
        "the mobile app is not built in var/mobile (scripts/setup, or "
        "`npm run build` in addons/edaftar_mobile/app)",
        allow_module_level=True)
if not shutil.which('chromium'):
    pytest.skip(
        "chromium is missing (scripts/setup --browser)",
        allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402
from test_browser import (  # noqa: E402
    CHROMIUM_ARGS, serve as browser_serve)
from proteus import Model  # noqa: E402
from proteus.config import set_xmlrpc_session  # noqa: E402

from trytond.modules.edaftar_base.tests.tools import (  # noqa: E402
    PASSWORD, JsonRpc, message_text, setup_government)

ISSUER, HEAD = 'cs', 'secretary.sgad'
ASSIGNER, ASSIGNEE, OFFICER = 'as.admin', 'so.admin1', 'officer.admin1'
ORDER = "Clear the pending pension cases of retired officials"
ORDER_TEXT = ("Every pension case pending for more than 30 days is to be "
    "decided.\nA list of the cases decided is to be sent.")
REPORT = "84 of the 91 pending cases were decided; 7 await audit."
ACTIVITY = "Annual Confidential Reports 2026"
TASKS = {
    # key: name, due in days, description
    'plain': ("Collect the ACR forms of Admin-I", 5,
        "From every officer of the section, countersigned."),
    'parent': ("Verify the seniority list", 10, "Against the service books."),
    }
SUBTASK = ("Check the service books of the Assistants", 7)
UPDATE = "Forms received from 12 of 15 officers."
# Every page records the Content-Security-Policy violations it meets
WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (event) => {
    window.__csp.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def sources_hash():
    "Hash of what the database is built from (the modules' Python and data)"
    digest = hashlib.sha1()
    skip = {'tests', '__pycache__', 'node_modules', 'app', 'doc', 'kanban'}
    for path in sorted((ROOT / 'addons').rglob('*')):
        parts = path.relative_to(ROOT).parts
        if (set(parts) & skip or any(p.endswith('.egg-info') for p in parts)
                or not path.is_file()):
            continue
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def serve(path):
    """Run trytond on the SQLite database in path; yield its URL (no
    trailing slash). It serves the app from var/mobile, the default of
    [edaftar_mobile] root."""
    return browser_serve(path, DB, ready=f'/{DB}/mobile/manifest.webmanifest')


@contextlib.contextmanager
def rpc(url, login):
    "A proteus configuration logged in over XML-RPC as login"
    with set_xmlrpc_session(
            f'{url}/{DB}/rpc/', username=login, password=PASSWORD) as config:
        yield config


def copy_database(source, target):
    "Copy an SQLite database with what its write-ahead log still holds"
    with contextlib.closing(sqlite3.connect(source)) as src, \
            contextlib.closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def build_database(path):
    "Create <path>/DB.sqlite with the modules and the small government"
    (path / f'{DB}.sqlite').touch()
    passfile = path / 'admin-password'
    passfile.write_text(PASSWORD)
    subprocess.run([
            Path(sys.executable).parent / 'trytond-admin', '-c', CONFIG,
            '-d', DB, '--email', 'admin@example.gov.pk',
            '-u', *MODULES, '--activate-dependencies'],
        env=dict(os.environ, TRYTOND_DATABASE__PATH=str(path),
            TRYTONPASSFILE=str(passfile)),
        check=True, capture_output=True)
    with serve(path) as url, rpc(url, 'admin') as config:
        setup_government(config)


@pytest.fixture(scope='module')
def server(tmp_path_factory):
    "URL of trytond serving a copy of the database and the app"
    cached = CACHE / sources_hash() / f'{DB}.sqlite'
    if not cached.exists():
        build = tmp_path_factory.mktemp('mobile-screens-build')
        build_database(build)
        shutil.rmtree(CACHE, ignore_errors=True)  # older versions
        cached.parent.mkdir(parents=True)
        copy_database(build / f'{DB}.sqlite', cached)
    path = tmp_path_factory.mktemp('mobile-screens-db')
    copy_database(cached, path / f'{DB}.sqlite')
    with serve(path) as url:
        yield url


@pytest.fixture(scope='module')
def line(server):
    """The line of S&GAD of an order of the Chief Secretary, due tomorrow,
    marked to the Secretary S&GAD: its id"""
    with rpc(server, ISSUER) as config:
        Directive = Model.get('edaftar.directive', config=config)
        Unit = Model.get('edaftar.org.unit', config=config)
        sgad, = Unit.find([('code', '=', 'SGAD')])
        directive = Directive(subject=ORDER, text=ORDER_TEXT,
            deadline=dt.date.today() + dt.timedelta(days=1))
        directive.departments.append(Unit(sgad.id))
        directive.save()
        directive.click('issue')
        directive_id = directive.id
    with rpc(server, 'admin') as config:
        Line = Model.get('edaftar.directive.line', config=config)
        found, = Line.find([('directive', '=', directive_id)])
        assert found.holder.user.login == HEAD
        return found.id


@pytest.fixture(scope='module')
def tasks(server):
    """The activity of the Additional Secretary (Admin), its tasks given
    to the Section Officer (Admin-I) and a subtask of 'parent' he gave his
    Assistant: {key: id}"""
    today = dt.date.today()
    ids = {}
    with rpc(server, ASSIGNER) as config:
        Group = Model.get('edaftar.task.group', config=config)
        Task = Model.get('edaftar.task', config=config)
        Employee = Model.get('company.employee', config=config)
        assignee, = Employee.find([('user.login', '=', ASSIGNEE)])
        group = Group(name=ACTIVITY)
        group.save()
        for key, (name, due, description) in TASKS.items():
            task = Task(group=group, name=name, description=description,
                assignee=assignee, start_date=today,
                due_date=today + dt.timedelta(days=due))
            task.save()
            ids[key] = task.id
    with rpc(server, ASSIGNEE) as config:
        Task = Model.get('edaftar.task', config=config)
        Employee = Model.get('company.employee', config=config)
        officer, = Employee.find([('user.login', '=', OFFICER)])
        name, due = SUBTASK
        subtask = Task(parent=Task(ids['parent']), name=name,
            assignee=officer, start_date=today,
            due_date=today + dt.timedelta(days=due))
        subtask.save()
        ids['subtask'] = subtask.id
    return ids


def client(server, login):
    "A JSON-RPC client logged in as login, as integrations call"
    result = JsonRpc(server, DB)
    result.login(login, PASSWORD)
    return result


def png(width=96, height=64):
    "A small PNG image (the photo the phone's camera gives)"
    rows = b''.join(
        b'\x00' + b''.join(bytes((x * 2 % 256, y * 3 % 256, 120))
            for x in range(width))
        for y in range(height))

    def chunk(kind, data):
        return (struct.pack('>I', len(data)) + kind + data
            + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff))
    return (b'\x89PNG\r\n\x1a\n'
        + chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0,
                0))
        + chunk(b'IDAT', zlib.compress(rows))
        + chunk(b'IEND', b''))


@pytest.fixture(scope='module')
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which('chromium'), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser, request):
    "A fresh phone (no session, no cache); its last screen is saved"
    context = browser.new_context(
        viewport={'width': 390, 'height': 844}, is_mobile=True,
        has_touch=True, device_scale_factor=2)
    context.set_default_timeout(TIMEOUT)
    context.add_init_script(WATCH)
    page = context.new_page()
    errors = []
    page.on('pageerror', lambda error: errors.append(error))
    page.errors = errors
    yield page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / f'{request.node.name}.png',
        full_page=True)
    context.close()


def app_login(page, server, login):
    "Open the app and log in with its form; wait for Home"
    page.goto(f'{server}/{DB}/mobile/')
    form = page.locator('#login')
    expect(form).to_be_visible()
    form.locator('#login-name').fill(login)
    form.locator('#login-password').fill(PASSWORD)
    form.locator('#login-submit').click()
    expect(page.locator('#home')).to_be_visible()
    expect(form).to_have_count(0)


def tile(page, screen_id):
    return page.locator(f'#menu .tile[data-tab="{screen_id}"]')


def wait_for(check, what):
    "Wait until check() is true (the server, asked again)"
    deadline = time.monotonic() + TIMEOUT / 1000
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"the server never showed {what}")
        time.sleep(0.3)


def test_head_replies_to_directive(phone, server, line):
    """The Secretary S&GAD finds the Chief Secretary's order on the
    Directives tile, opens it, writes his action report with a photo and
    sends the reply: the line is replied on the server, with his report
    and its photo"""
    expect.set_options(timeout=TIMEOUT)
    page = phone
    app_login(page, server, HEAD)
    directives = tile(page, 'directives')
    expect(directives.locator('.tile-count')).to_have_text('1')
    directives.locator('a').tap()

    expect(page.locator('#directives-tab-mine')).to_have_text('With Me (1)')
    item = page.locator(f'#directives li[data-id="edaftar.directive.line,'
        f'{line}"]')
    expect(item).to_contain_text(ORDER)
    expect(item).to_contain_text('Chief Secretary')
    expect(item).to_contain_text('Due soon')
    page.screenshot(path=ARTIFACTS / 'mobile-directives.png')
    item.locator('a').tap()

    expect(page.locator('#directive-subject')).to_have_text(ORDER)
    expect(page.locator('#directive-state')).to_have_text('Waiting')
    expect(page.locator('#directive-text')).to_contain_text(
        ORDER_TEXT.split('\n')[1])
    expect(page.locator('#directive-line .facts')).to_contain_text(
        'Chief Secretary')
    page.locator('#report-text').fill(REPORT)
    page.locator('#report-photo').set_input_files(files=[{
        'name': 'camera.png', 'mimeType': 'image/png', 'buffer': png()}])
    expect(page.locator('#directive-reply .thumb')).to_have_count(1)
    page.screenshot(path=ARTIFACTS / 'mobile-directive-reply.png',
        full_page=True)
    page.locator('#directive-reply-submit').tap()

    expect(page.locator('#directive-state')).to_have_text('Replied')
    expect(page.locator('#directive-reports')).to_contain_text(REPORT)
    expect(page.locator('#directive-answer')).to_have_count(0)
    expect(page.locator('.message')).to_have_count(0)

    head = client(server, HEAD)
    record, = head.model('edaftar.directive.line', 'read', [line],
        ['state', 'replied_by.rec_name', 'on_time'])
    assert record['state'] == 'replied'
    assert record['on_time']
    assert record['replied_by.']['rec_name'].startswith('Secretary S&GAD')
    reports = head.model('edaftar.directive.report', 'search_read',
        [('line', '=', line)], 0, None, None, ['text', 'final'])
    assert [(r['text'], bool(r['final'])) for r in reports] == [
        (REPORT, True)]
    photos = head.model('ir.attachment', 'search_read',
        [('resource', '=', f'edaftar.directive.report,{reports[0]["id"]}')],
        0, None, None, ['name', 'data_size'])
    assert len(photos) == 1
    assert photos[0]['name'].endswith('.jpg')
    assert photos[0]['data_size'] > 0
    assert not page.errors, page.errors
    assert page.evaluate('window.__csp') == []


def test_assignee_starts_and_completes_task(phone, server, tasks):
    """The Section Officer opens My Tasks: his tasks are To Do, with
    counts; he starts one, reports progress and completes it, and each is
    on the server; completing the task whose subtask is open is refused
    with the server's message"""
    expect.set_options(timeout=TIMEOUT)
    page = phone
    app_login(page, server, ASSIGNEE)
    expect(tile(page, 'tasks').locator('.tile-count')).to_have_text('2')
    tile(page, 'tasks').locator('a').tap()

    expect(page.locator('#tasks-tab-todo')).to_have_text('To Do (2)')
    expect(page.locator('#tasks-tab-in_progress')).to_have_text(
        'In Progress (0)')
    expect(page.locator('#tasks-tab-done')).to_have_text('Done (0)')
    plain = page.locator(f'#tasks li[data-id="edaftar.task,{tasks["plain"]}"]')
    expect(plain).to_contain_text(TASKS['plain'][0])
    expect(plain).to_contain_text(ACTIVITY)
    page.screenshot(path=ARTIFACTS / 'mobile-tasks.png')
    plain.locator('a').tap()

    assignee = client(server, ASSIGNEE)

    def task_state(key):
        record, = assignee.model('edaftar.task', 'read', [tasks[key]],
            ['state', 'progress'])
        return record

    expect(page.locator('#task-name')).to_have_text(TASKS['plain'][0])
    expect(page.locator('#task-description')).to_have_text(TASKS['plain'][2])
    expect(page.locator('#task-state')).to_have_text('To Do')
    page.locator('#task-start').tap()
    expect(page.locator('#task-state')).to_have_text('In Progress')
    assert task_state('plain')['state'] == 'in_progress'

    page.locator('#update-text').fill(UPDATE)
    page.locator('#update-percent').fill('80')
    page.locator('#task-update-submit').tap()
    expect(page.locator('#task-updates .update')).to_have_count(1)
    expect(page.locator('#task-updates')).to_contain_text(UPDATE)
    expect(page.locator('#task-progress')).to_have_text('80%')
    assert task_state('plain')['progress'] == 80

    page.locator('#task-complete').tap()
    expect(page.locator('#task-state')).to_have_text('Done')
    expect(page.locator('#task-complete')).to_have_count(0)
    assert task_state('plain')['state'] == 'done'
    page.screenshot(path=ARTIFACTS / 'mobile-task-done.png', full_page=True)

    # Back to the list: the counts follow
    page.go_back()
    expect(page.locator('#tasks-tab-todo')).to_have_text('To Do (1)')
    expect(page.locator('#tasks-tab-done')).to_have_text('Done (1)')

    # The task with an open subtask: the server refuses, and says why
    parent = page.locator(
        f'#tasks li[data-id="edaftar.task,{tasks["parent"]}"]')
    parent.locator('a').tap()
    expect(page.locator('#task-name')).to_have_text(TASKS['parent'][0])
    expect(page.locator('#task-subtasks')).to_contain_text(SUBTASK[0])
    page.locator('#task-complete').tap()
    with rpc(server, 'admin') as config:
        Task = Model.get('edaftar.task', config=config)
        refusal = message_text(config, 'edaftar_task.msg_task_open_subtasks',
            task=Task(tasks['parent']).rec_name,
            subtasks=Task(tasks['subtask']).rec_name)
    expect(page.locator('.message[role="alert"] .message-text')).to_have_text(
        refusal)
    expect(page.locator('#task-state')).to_have_text('To Do')
    page.screenshot(path=ARTIFACTS / 'mobile-task-refused.png')
    assert task_state('parent')['state'] == 'todo'

    # Offline: the task is read from the phone, marked stale; Complete is
    # refused at once, a progress update waits and is sent back online.
    page.context.set_offline(True)
    page.locator('.message .message-close').tap()
    page.locator('header.bar button[aria-label="Refresh"]').tap()
    expect(page.locator('.stale')).to_be_visible()
    page.locator('#task-complete').tap()
    expect(page.locator('.message .message-text')).to_contain_text(
        'Completing needs the server')
    page.locator('#update-text').fill("Service books called for.")
    page.locator('#update-percent').fill('10')
    page.locator('#task-update-submit').tap()
    expect(page.locator('.offline-bar')).to_contain_text('1 waiting to send')
    page.context.set_offline(False)
    wait_for(lambda: task_state('parent')['progress'] == 10,
        "the progress update sent from the outbox")
    assert task_state('parent')['state'] == 'todo'
    assert not page.errors, page.errors
    assert page.evaluate('window.__csp') == []
