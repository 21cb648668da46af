# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The citizen portal (edaftar_portal) in a real browser.

A SQLite database with edaftar_portal, the small government of the module
tests (edaftar_base tests/tools.py setup_government) and the portal's
categories with the Urdu translations (edaftar_portal tests/tools.py
setup_portal) is served by trytond, its e-mail going to an SMTP server run
here (Mailbox). The database is cached under .cache/portal-db/, keyed by
what it is built from. Debian's chromium, driven by Playwright, is the
citizen: signs up, opens the link of the e-mail received, logs in, applies
with a photo; the Section Officer (Admin-I), focal person of the water
complaints, answers in the case's chat and closes the receipt over JSON-RPC
as his client would; the citizen reads the answer, rates it 1 and the case
comes back escalated to the Additional Secretary. Once on a desktop, once
on a 360 px phone (nothing scrolls sideways), once shorter in Urdu (right
to left, Nastaliq). No page may log an error or break its content security
policy; nothing but the map's tiles (answered here) is asked of another
site.
"""
import contextlib
import datetime as dt
import hashlib
import os
import re
import shutil
import sqlite3
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest
from proteus.config import set_xmlrpc_session

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / 'config' / 'trytond.conf'
ARTIFACTS = ROOT / 'var' / 'test-artifacts'
CACHE = ROOT / '.cache' / 'portal-db'
LEAFLET = ROOT / 'var' / 'leaflet' / 'package' / 'dist'
DB = 'portal_browser'
TIMEOUT = 20_000  # ms, for the server to answer on a busy 2-core machine
FROM = 'portal@gob.example'
CITIZEN_PASSWORD = 'citizen-password-1'
CNIC = '34201-0891231-8'
PHONE = '0312-5556667'
DESCRIPTION = "No water in our street since Monday.\nThe tank is empty."
ADDRESS = "Sariab Road, Quetta"
PUBLIC_REPLY = "A team is on its way."
INTERNAL_NOTE = "Internal: check the valve."
CITIZEN_REPLY = "The tanker did not come either."
DISPOSAL = "The main was repaired."
FEEDBACK = "Still no water."
# Typed places, more than 50 m from each other and from the map's centre
# (tapped on the phone): no run's complaint is another's duplicate.
SARIAB = ('30.158400', '66.996100')
BREWERY_ROAD = ('30.195000', '66.990000')
SATELLITE_TOWN = ('30.210000', '67.020000')
URDU = {
    'home_title': 'شہری خدمات',
    'state_new': 'نئی',
    'apply_title': 'نئی درخواست یا شکایت',
    'subject_new': 'آپ کی درخواست',
    }
NASTALIQ = 'Noto Nastaliq Urdu'

if not shutil.which('chromium'):
    pytest.skip(
        "chromium is missing (scripts/setup --browser)",
        allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402
from test_browser import (  # noqa: E402
    CHROMIUM_ARGS, serve as browser_serve)

from trytond.modules.edaftar_base.tests.tools import (  # noqa: E402
    PASSWORD, JsonRpc, Mailbox, setup_government)
from trytond.modules.edaftar_portal.tests.tools import (  # noqa: E402
    setup_portal)


def png(width=8, height=8):
    "A small, valid PNG image"
    def chunk(kind, data):
        return (struct.pack('>I', len(data)) + kind + data
            + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff))
    raw = b''.join(b'\x00' + b'\x20\x80\xc0' * width for _ in range(height))
    return (b'\x89PNG\r\n\x1a\n'
        + chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0))
        + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))


# -- the database and its server ------------------------------------------

def modules(name='edaftar_portal'):
    "name and the modules of addons/ it depends on, directly or not"
    found, todo = set(), [name]
    while todo:
        module = todo.pop()
        cfg = ROOT / 'addons' / module / 'tryton.cfg'
        if module in found or not cfg.exists():
            continue
        found.add(module)
        depends = re.search(r'(?ms)^depends:\s*\n((?:[ \t]+\S+\s*\n)+)',
            cfg.read_text())
        if depends:
            todo.extend(depends.group(1).split())
    return sorted(found)


def sources_hash():
    """Hash of what the database is built from: the modules it has (their
    tests excluded, but for the two setup tools)"""
    digest = hashlib.sha1()
    tools = {ROOT / 'addons' / m / 'tests' / 'tools.py'
        for m in ['edaftar_base', 'edaftar_portal']}
    for module in modules():
        for path in sorted((ROOT / 'addons' / module).rglob('*')):
            parts = set(path.relative_to(ROOT).parts)
            if path in tools or not (parts & {'tests', '__pycache__'}
                    or any(p.endswith('.egg-info') for p in parts)):
                if path.is_file():
                    digest.update(str(path.relative_to(ROOT)).encode())
                    digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def serve(path, email_uri=None):
    """Run trytond on the SQLite database DB in path, its e-mail sent to
    email_uri; yield its URL (no trailing slash)"""
    return browser_serve(path, DB,
        config=f'[email]\nuri = {email_uri or "smtp://127.0.0.1:1"}\n'
        f'from = {FROM}\n',
        ready=f'/{DB}/portal/static/portal.css')


def build_database(path):
    """Create <path>/DB.sqlite with edaftar_portal, the government of the
    module tests and the portal's categories, Urdu loaded"""
    (path / f'{DB}.sqlite').touch()
    passfile = path / 'admin-password'
    passfile.write_text(PASSWORD)
    env = {k: v for k, v in os.environ.items()
        if not k.startswith('TRYTOND_')}
    subprocess.run([
            Path(sys.executable).parent / 'trytond-admin', '-c', CONFIG,
            '-d', DB, '--email', 'admin@example.gov.pk',
            '-u', 'edaftar_portal', '--activate-dependencies'],
        env=dict(env, TRYTOND_DATABASE__PATH=str(path),
            TRYTONPASSFILE=str(passfile)),
        check=True, capture_output=True)
    with serve(path) as url, set_xmlrpc_session(
            f'{url}/{DB}/rpc/', username='admin',
            password=PASSWORD) as config:
        setup_government(config)
        setup_portal(config)


@pytest.fixture(scope='module')
def database(tmp_path_factory):
    "Directory holding a copy of the database"
    cached = CACHE / sources_hash() / f'{DB}.sqlite'
    if not cached.exists():
        build = tmp_path_factory.mktemp('portal-build')
        build_database(build)
        shutil.rmtree(CACHE, ignore_errors=True)  # older versions
        cached.parent.mkdir(parents=True)
        # Through SQLite: the stopped server leaves its last transactions
        # in the write-ahead log (-wal) beside the file.
        source = sqlite3.connect(build / f'{DB}.sqlite')
        target = sqlite3.connect(cached.with_suffix('.tmp'))
        with contextlib.closing(source), contextlib.closing(target):
            source.backup(target)
        cached.with_suffix('.tmp').rename(cached)
    path = tmp_path_factory.mktemp('portal-db')
    shutil.copyfile(cached, path / f'{DB}.sqlite')
    return path


@pytest.fixture(scope='module')
def mailbox():
    mailbox = Mailbox()
    mailbox.start()
    yield mailbox
    mailbox.stop()


@pytest.fixture(scope='module')
def server(database, mailbox):
    "URL (no trailing slash) of trytond serving the database"
    with serve(database, mailbox.uri) as url:
        yield url


@pytest.fixture(scope='module')
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which('chromium'), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# -- what the browser reports ---------------------------------------------

class Watch:
    """The errors of a browser context: console errors, page errors,
    content security policy violations, requests to other sites"""

    def __init__(self, context, server):
        self.errors, self.violations, self.elsewhere = [], [], []
        context.expose_function(
            'edaftarViolation', lambda text: self.violations.append(text))
        # Run before the page's scripts (and not subject to its policy)
        context.add_init_script('''
            document.addEventListener('securitypolicyviolation', (e) => {
                window.edaftarViolation([e.violatedDirective, e.blockedURI,
                    e.sourceFile, e.lineNumber].join(' '));
            });''')
        context.on('page', self.watch)
        tile = png(256, 256)

        def answer_tile(route):
            # The map's tiles, from here: no network in the tests
            route.fulfill(status=200, content_type='image/png', body=tile)
        context.route('https://tile.openstreetmap.org/**', answer_tile)

        def other(route):
            self.elsewhere.append(route.request.url)
            route.abort()
        origin = re.escape(server)
        context.route(
            re.compile(rf'^(?!{origin}/|https://tile\.openstreetmap\.org/)'
                r'[a-z]+:'), other)

    def watch(self, page):
        page.on('console', lambda message: message.type == 'error'
            and self.errors.append(f'console: {message.text}'))
        page.on('pageerror', lambda error: self.errors.append(
                f'page: {error}'))

    def check(self):
        assert not self.errors, self.errors
        assert not self.violations, self.violations
        assert not self.elsewhere, self.elsewhere


@contextlib.contextmanager
def citizen_page(browser, server, name, phone=False, locale='en-US'):
    "A fresh browser (desktop or phone) on one page; its errors watched"
    if phone:
        options = dict(viewport={'width': 360, 'height': 740},
            device_scale_factor=2, is_mobile=True, has_touch=True)
    else:
        options = dict(viewport={'width': 1280, 'height': 900})
    context = browser.new_context(locale=locale, **options)
    context.set_default_timeout(TIMEOUT)
    watch = Watch(context, server)
    page = context.new_page()
    try:
        yield page, watch
    finally:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=ARTIFACTS / f'portal-{name}.png', full_page=True)
        context.close()


# -- helpers --------------------------------------------------------------

def portal(server, path=''):
    return f'{server}/{DB}/portal/{path}'


def loaded(page, phone):
    """The page is loaded; on a phone nothing scrolls sideways"""
    page.wait_for_load_state('load')
    if phone:
        width = page.evaluate('document.documentElement.scrollWidth')
        assert width <= 360, (page.url, width)


def mails_to(mailbox, address, count=1, timeout=20):
    """The next count e-mails to address (waiting for them); any other
    e-mail received meanwhile is dropped"""
    found = []
    deadline = time.monotonic() + timeout
    while True:
        found += [m for _, to, m in mailbox.take() if address in to]
        if len(found) >= count:
            assert len(found) == count, [m['Subject'] for m in found]
            return found
        if time.monotonic() > deadline:
            pytest.fail(f"{count} e-mail(s) to {address} expected, got "
                f"{[m['Subject'] for m in found]}")
        time.sleep(0.05)


def text_of(message):
    "The headers and the decoded text of every part of an e-mail"
    return '\n'.join([f'{k}: {v}' for k, v in message.items()] + [
            part.get_content() for part in message.walk()
            if not part.is_multipart()])


def dates_today(fmt):
    "Today's date in the server's time zone (UTC) as fmt, and tomorrow's"
    today = dt.datetime.now(dt.timezone.utc).date()
    return [d.strftime(fmt) for d in [today, today + dt.timedelta(days=1)]]


def expect_step(page, step, reached, fmt='%m/%d/%Y'):
    """The timeline's step is reached today (its date shown), or pending"""
    item = page.locator(f'#timeline #step-{step}')
    expect(item).to_have_class(
        re.compile(r'\breached\b' if reached else r'\bpending\b'))
    if reached:
        dates = '|'.join(re.escape(d) for d in dates_today(fmt))
        expect(item.locator('.step-date')).to_have_text(
            re.compile(rf'^\s*({dates})\s\d\d:\d\d\s*$'))


def sign_up(page, server, mailbox, email, name, phone):
    "Sign up from the home page; open the link of the e-mail received"
    page.goto(portal(server))
    loaded(page, phone)
    page.locator('#nav-signup').click()
    page.wait_for_url(re.compile(r'/portal/signup$'))
    loaded(page, phone)
    form = page.locator('#signup-form')
    form.locator('[name=name]').fill(name)
    form.locator('[name=cnic]').fill(CNIC)
    form.locator('[name=phone]').fill(PHONE)
    form.locator('[name=email]').fill(email)
    form.locator('[name=password]').fill(CITIZEN_PASSWORD)
    form.locator('[name=password2]').fill(CITIZEN_PASSWORD)
    page.locator('#signup-submit').click()
    expect(page.locator('#main')).to_contain_text(email)
    expect(page.locator('#signup-form')).to_have_count(0)
    loaded(page, phone)
    mail, = mails_to(mailbox, email)
    link = re.search(r'https?://[^\s"<>]+/validate\?token=[\w-]+',
        text_of(mail)).group(0)
    # The address the browser came in on
    assert link.startswith(portal(server, 'validate?token=')), link
    response = page.goto(link)
    assert response.status == 200
    loaded(page, phone)


def log_in(page, email, phone):
    page.locator('#nav-login').click()
    page.wait_for_url(re.compile(r'/portal/login$'))
    loaded(page, phone)
    page.locator('#login-form [name=email]').fill(email)
    page.locator('#login-form [name=password]').fill(CITIZEN_PASSWORD)
    page.locator('#login-submit').click()
    page.wait_for_url(re.compile(r'/portal/applications$'))
    loaded(page, phone)
    expect(page.locator('#applications-none')).to_be_visible()


def apply(page, phone, account, point=None, tap_map=False, check=None):
    """Fill the application form (the place typed or tapped on the map)
    with a photo and submit it; return the number of the application.
    account: the name and e-mail the form is prefilled with; check: a
    function called on the form's page"""
    page.locator('#applications-apply').click()
    page.wait_for_url(re.compile(r'/portal/apply$'))
    loaded(page, phone)
    if check:
        check()
    form = page.locator('#apply-form')
    # Prefilled from the account
    name, email = account
    expect(form.locator('[name=name]')).to_have_value(name)
    expect(form.locator('[name=cnic]')).to_have_value(CNIC)
    expect(form.locator('[name=phone]')).to_have_value(
        re.compile(r'^(0312-|\+92312)5556667$'))
    expect(form.locator('[name=email]')).to_have_value(email)
    water = form.locator('#category option', has_text='Water supply')
    form.locator('#category').select_option(water.get_attribute('value'))
    form.locator('#description').fill(DESCRIPTION)
    if tap_map:
        # Leaflet shows the map; a tap sets the place
        map_ = page.locator('#map')
        expect(map_).to_be_visible()
        expect(map_.locator('img.leaflet-tile-loaded').first).to_be_visible()
        expect(form.locator('#latitude')).to_have_value('')
        map_.tap()
        expect(form.locator('#latitude')).to_have_value(
            re.compile(r'^30\.\d{6}$'))
        expect(form.locator('#longitude')).to_have_value(
            re.compile(r'^6[67]\.\d{6}$'))
        expect(map_.locator('.leaflet-marker-icon')).to_be_visible()
    else:
        form.locator('#latitude').fill(point[0])
        form.locator('#longitude').fill(point[1])
    form.locator('#address').fill(ADDRESS)
    form.locator('#files').set_input_files([{
                'name': 'street.png', 'mimeType': 'image/png',
                'buffer': png()}])
    page.locator('#apply-submit').click()
    page.wait_for_url(re.compile(
            r'/portal/applications/[A-Z0-9-]+\?submitted=1$'))
    loaded(page, phone)
    return re.search(r'/applications/([A-Z0-9-]+)\?', page.url).group(1)


def officer(server, login='so.admin1'):
    client = JsonRpc(server, DB)
    client.login(login, PASSWORD)
    return client


def case_of(client, number):
    "The id of the application of number and of its receipt"
    case, = client.model('edaftar.portal.application', 'search_read',
        [('number', '=', number)], 0, None, None, ['receipt'])
    return case['id'], case['receipt']


# -- the tests ------------------------------------------------------------

@pytest.mark.parametrize('device', ['desktop', 'phone'])
def test_citizen_journey(browser, server, mailbox, device):
    """Sign up, validate by the e-mail's link, log in, apply with a photo;
    the public tracking shows the status only; the officer answers in the
    chat (shown and e-mailed, his internal note never) and closes the
    receipt; the citizen rates it 1: reopened, escalated to the
    Additional Secretary"""
    phone = device == 'phone'
    expect.set_options(timeout=TIMEOUT)
    name = f"Karim Shah {device.title()}"
    email = f'karim.{device}@citizen.example'
    with citizen_page(browser, server, device, phone=phone) as (page, watch):
        sign_up(page, server, mailbox, email, name, phone)
        expect(page.locator('#main')).to_contain_text(
            "Your e-mail address is confirmed.")
        log_in(page, email, phone)

        # On the phone the place is tapped on the map (if it is there)
        number = apply(page, phone, (name, email),
            point=BREWERY_ROAD if phone else SARIAB,
            tap_map=phone and (LEAFLET / 'leaflet.js').exists())
        expect(page.locator('#notice')).to_contain_text(number)
        expect(page.locator('h1')).to_contain_text(number)
        expect(page.locator('#status')).to_have_text('New')
        expect_step(page, 'new', True)
        expect_step(page, 'in_progress', False)
        expect_step(page, 'done', False)
        expect(page.locator('#step-escalated')).to_have_count(0)
        expect(page.locator('#expected')).not_to_be_empty()
        expect(page.locator('#attachments')).to_have_text('street.png')
        expect(page.locator('#description')).to_have_text(DESCRIPTION)
        expect(page.locator('#particular-name')).to_have_text(name)
        expect(page.locator('#rate-form')).to_have_count(0)
        mail, = mails_to(mailbox, email)
        assert number in mail['Subject']
        assert portal(server, f'applications/{number}') in text_of(mail)

        # Anybody tracks it by its number: the status, not the person
        with citizen_page(browser, server, f'{device}-track',
                phone=phone) as (anonymous, anonymous_watch):
            anonymous.goto(portal(server))
            loaded(anonymous, phone)
            anonymous.locator('#track-form #number').fill(number)
            anonymous.locator('#track-submit').click()
            anonymous.wait_for_url(re.compile(r'/portal/track\?number='))
            loaded(anonymous, phone)
            expect(anonymous.locator('#case-number')).to_have_text(number)
            expect(anonymous.locator('#case-status')).to_have_text('New')
            html = anonymous.content()
            for secret in [name, CNIC, '5556667', email, 'No water',
                    'street.png', ADDRESS, 'Karim']:
                assert secret not in html, secret
            expect(anonymous.locator('#nav-login')).to_be_visible()
            anonymous_watch.check()

        # The citizen writes first
        page.locator('#reply').fill(CITIZEN_REPLY)
        page.locator('#reply-submit').click()
        page.wait_for_url(re.compile(r'\?replied=1#discussion$'))
        loaded(page, phone)
        expect(page.locator('#messages li.citizen .content')).to_have_text(
            CITIZEN_REPLY)

        # The officer answers in public and notes for his colleagues
        so = officer(server)
        case_id, receipt_id = case_of(so, number)
        resource = f'edaftar.portal.application,{case_id}'
        so.model('ir.chat.channel', 'post', resource, PUBLIC_REPLY, 'public')
        so.model('ir.chat.channel', 'post', resource, INTERNAL_NOTE,
            'internal')
        mail, = mails_to(mailbox, email)
        assert PUBLIC_REPLY in text_of(mail)
        assert 'valve' not in text_of(mail)
        page.reload()
        loaded(page, phone)
        answer = page.locator('#messages li.officer')
        expect(answer).to_have_count(1)
        expect(answer.locator('.content')).to_have_text(PUBLIC_REPLY)
        expect(answer.locator('.meta strong')).to_have_text('Officer')
        expect(page.locator('#messages li')).to_have_count(2)
        assert 'valve' not in page.content()
        expect(page.locator('#rate-form')).to_have_count(0)

        # Closed by the officer: done, the citizen asked to rate it
        so.model('edaftar.receipt', 'write', [receipt_id],
            {'disposal_remark': DISPOSAL})
        so.model('edaftar.receipt', 'close', [receipt_id])
        mail, = mails_to(mailbox, email)
        assert number in mail['Subject'] and 'rate' in mail['Subject']
        page.reload()
        loaded(page, phone)
        expect(page.locator('#status')).to_have_text('Done')
        expect_step(page, 'new', True)
        expect_step(page, 'done', True)
        rate = page.locator('#rate-form')
        expect(rate).to_be_visible()

        # Rated 1: reopened, escalated
        if phone:
            rate.locator('label[for=rating-1]').tap()
        else:
            rate.locator('#rating-1').check()
        expect(rate.locator('#rating-1')).to_be_checked()
        rate.locator('#feedback').fill(FEEDBACK)
        page.locator('#rate-submit').click()
        page.wait_for_url(re.compile(rf'/applications/{number}\?rated=1$'))
        loaded(page, phone)
        expect(page.locator('#notice')).to_have_text(
            "Thank you for your rating.")
        expect(page.locator('#rate-form')).to_have_count(0)
        expect(page.locator('#status')).to_have_text('In progress')
        expect(page.locator('.flags .flag.escalated')).to_have_text(
            "Escalated to a senior officer")
        expect(page.locator('.flags .flag.reopened')).to_have_text(
            "Reopened on appeal")
        expect_step(page, 'new', True)
        expect_step(page, 'escalated', True)
        expect_step(page, 'done', False)
        # Closed straight from new: in progress since the appeal
        expect_step(page, 'in_progress', True)
        mail, = mails_to(mailbox, email)
        assert 'reopened' in mail['Subject'], mail['Subject']

        # My applications: the case, flagged
        page.locator('#nav-applications').click()
        page.wait_for_url(re.compile(r'/portal/applications$'))
        loaded(page, phone)
        card = page.locator(f'#application-{number}')
        expect(card.locator('.state')).to_have_text('In progress')
        expect(card.locator('.flag.reopened')).to_be_visible()

        # What the server recorded
        admin = officer(server, 'admin')
        case, = admin.model('edaftar.portal.application', 'read',
            [case_id], ['reopened', 'escalated', 'public_state', 'rating',
                'appeal_rating'])
        assert (case['reopened'], case['escalated'], case['public_state'],
            case['appeal_rating']) == (True, True, 'in_progress', '1')
        receipt, = admin.model('edaftar.receipt', 'read', [receipt_id],
            ['state', 'holder'])
        senior, = admin.model('company.employee', 'search',
            [('user.login', '=', 'as.admin')], 0, None, None)
        assert (receipt['state'], receipt['holder']) == ('in_process', senior)
        watch.check()


def test_urdu_citizen(browser, server, mailbox):
    """On a phone, the citizen switches to Urdu on the home page: the
    pages read right to left in a Nastaliq font, in Urdu; signs up, applies
    and gets the e-mails in Urdu"""
    expect.set_options(timeout=TIMEOUT)
    email = 'nasreen.urdu@citizen.example'
    name = "نسرین بی بی"
    with citizen_page(browser, server, 'urdu', phone=True) as (page, watch):
        page.goto(portal(server))
        loaded(page, True)
        expect(page.locator('html')).to_have_attribute('lang', 'en')
        page.locator('#lang-ur').tap()
        expect(page.locator('html')).to_have_attribute('dir', 'rtl')
        loaded(page, True)

        def check_urdu():
            expect(page.locator('html')).to_have_attribute('lang', 'ur')
            expect(page.locator('html')).to_have_attribute('dir', 'rtl')
            expect(page.locator('#lang-ur')).to_have_attribute(
                'aria-pressed', 'true')
            style = page.locator('#main').evaluate('''(main) => {
                const style = getComputedStyle(main);
                return [style.direction, style.fontFamily];
            }''')
            assert style[0] == 'rtl', style
            assert NASTALIQ in style[1], style
            # The heading's text starts at the right of the column
            heading, text = page.locator('#main h1').evaluate('''(h1) => {
                const range = document.createRange();
                range.selectNodeContents(h1);
                const text = range.getBoundingClientRect();
                const box = h1.getBoundingClientRect();
                return [[box.left, box.right], [text.left, text.right]];
            }''')
            assert abs(text[1] - heading[1]) < 2, (heading, text)
            assert text[0] > heading[0] + 10, (heading, text)
        check_urdu()
        expect(page.locator('h1')).to_have_text(URDU['home_title'])
        expect(page.locator('h1')).to_be_visible()
        cookies = {c['name']: c for c in page.context.cookies()}
        assert cookies['edaftar_portal_lang']['value'] == 'ur'

        sign_up(page, server, mailbox, email, name, True)
        check_urdu()
        log_in(page, email, True)
        check_urdu()

        def check_form():
            check_urdu()
            expect(page.locator('h1')).to_have_text(URDU['apply_title'])
            expect(page.locator('h1')).to_be_visible()
            # Coordinates stay left to right
            assert page.locator('#latitude').evaluate(
                'input => getComputedStyle(input).direction') == 'ltr'
        number = apply(page, True, (name, email), point=SATELLITE_TOWN,
            check=check_form)
        check_urdu()
        expect(page.locator('#status')).to_have_text(URDU['state_new'])
        expect_step(page, 'new', True, fmt='%d/%m/%Y')
        expect(page.locator('#particular-name')).to_have_text(name)
        mail, = mails_to(mailbox, email)
        assert URDU['subject_new'] in mail['Subject'], mail['Subject']
        assert number in mail['Subject']
        watch.check()
