# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The staff's mobile app (edaftar_mobile, built into var/mobile/) on a
phone-sized Chromium: 390x844, mobile, touch.

The database, the server and the browser are test_browser's fixtures (its
cached demo database, copied for this module alone). The demo people use
the app at /<db>/mobile/ as they would on their phones; what the server
recorded is asked over JSON-RPC. Every page of the module is watched for
Content-Security-Policy violations (the app runs under the route's strict
policy), page errors and console errors.

Installability (the manifest, the icons, the service worker) is checked
through the Chrome DevTools Protocol in a persistent (not incognito)
context: Playwright's ordinary contexts are incognito, and Chromium does
not offer to install from those ('in-incognito').
"""
import base64
import datetime as dt
import re
import shutil
import struct
import zlib

import pytest

from test_browser import (  # noqa: F401 (fixtures)
    ARTIFACTS, CHROMIUM_ARGS, DB, PASSWORD, ROOT, TIMEOUT, browser,
    database, expect, server)
from trytond.modules.edaftar_base.tests.tools import JsonRpc, RPCError

BUILD = ROOT / 'var' / 'mobile'
if not (BUILD / 'index.html').exists():
    pytest.skip(
        "the mobile app is not built (scripts/setup --sao builds it into "
        "var/mobile)", allow_module_level=True)

PHONE = {
    'viewport': {'width': 390, 'height': 844},
    'is_mobile': True,
    'has_touch': True,
    'device_scale_factor': 2,
}
ASSEMBLY_QUESTION = "Assembly Question No. 1187 on vacant posts in S&GAD"
ACS_FILE = "Postings of Assistant Commissioners 2026"
DRAFT_SUBJECT = "Posting orders of three Assistant Commissioners"
# Tracks every page: CSP violations, as the browser reports them
WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (event) => {
    window.__csp.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""
# Console errors the browser prints for requests the tests make fail on
# purpose (the network cut off)
EXPECTED_CONSOLE = re.compile(r'net::ERR_INTERNET_DISCONNECTED')


def app_url(server):
    return f'{server}{DB}/mobile/'


def client(server, login):
    "A JSON-RPC client logged in as login"
    rpc = JsonRpc(server.rstrip('/'), DB)
    rpc.login(login, PASSWORD)
    return rpc


def employee_id(rpc, login):
    [employee] = rpc.model('company.employee', 'search_read',
        [['user.login', '=', login]], 0, 1, None, ['rec_name'])
    return employee['id'], employee['rec_name']


def new_receipt(server, subject, to_login, priority='normal'):
    """A receipt registered by the S&GAD registrar and marked to to_login;
    return its id"""
    registrar = client(server, 'registrar.sgad')
    [receipt_id] = registrar.model('edaftar.receipt', 'create', [{
                'subject': subject, 'sender_name': "Deputy Secretary (Admin)",
                'sender_organisation': "S&GAD", 'priority': priority,
                'category': 'letter', 'mode': 'hand'}])
    registrar.model('edaftar.receipt', 'register', [receipt_id])
    to, _ = employee_id(registrar, to_login)
    registrar.model('edaftar.movement', 'create', [{
                'document': f'edaftar.receipt,{receipt_id}', 'action': 'mark',
                'to_employee': to,
                'instructions': "Please process."}])
    return receipt_id


def holder(server, model, record_id, login='admin'):
    rpc = client(server, login)
    [record] = rpc.model(model, 'read', [record_id], ['holder.rec_name'])
    return record['holder.']['rec_name'] if record['holder.'] else None


def photo_png(width, height):
    "A PNG photo of width x height (a grey page with dark lines)"
    rows = []
    for y in range(height):
        line = 40 if (y // 40) % 3 == 0 else 235
        rows.append(b'\x00' + bytes([line, line, line]) * width)
    raw = zlib.compress(b''.join(rows), 6)

    def chunk(kind, data):
        return (struct.pack('>I', len(data)) + kind + data
            + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff))
    return (b'\x89PNG\r\n\x1a\n'
        + chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0,
                0))
        + chunk(b'IDAT', raw) + chunk(b'IEND', b''))


def jpeg_size(data):
    "(width, height) of a JPEG from its SOF marker"
    assert data[:2] == b'\xff\xd8', "not a JPEG"
    i = 2
    while i < len(data):
        marker, length = data[i + 1], struct.unpack('>H', data[i + 2:i + 4])[0]
        if marker in {0xc0, 0xc1, 0xc2}:
            height, width = struct.unpack('>HH', data[i + 5:i + 9])
            return width, height
        i += 2 + length
    raise AssertionError("no SOF marker")


class Watch:
    "What went wrong on the pages of a context"

    def __init__(self):
        self.console = []
        self.errors = []
        self.pages = []
        self.expected = [EXPECTED_CONSOLE]

    def allow(self, pattern):
        "Console errors matching pattern are expected by the test"
        self.expected.append(re.compile(pattern))

    def attach(self, page):
        self.pages.append(page)
        page.on('console', lambda m: m.type == 'error'
            and not any(p.search(m.text) for p in self.expected)
            and self.console.append(m.text))
        page.on('pageerror', lambda e: self.errors.append(str(e)))

    def csp(self):
        violations = []
        for page in self.pages:
            if not page.is_closed():
                violations += page.evaluate('window.__csp || []')
        return violations

    def check(self):
        assert not self.csp(), self.csp()
        assert not self.errors, self.errors
        assert not self.console, self.console


@pytest.fixture
def phone(browser, request):
    """A new phone (browser context); phone.open(login) logs in and returns
    the page. CSP violations, page and console errors fail the test."""
    context = browser.new_context(**PHONE)
    context.set_default_timeout(TIMEOUT)
    context.add_init_script(WATCH)
    watch = Watch()

    class Phone:
        def __init__(self):
            self.context = context
            self.watch = watch
            self.page = None

        def open(self, login, server):
            page = context.new_page()
            watch.attach(page)
            self.page = page
            page.goto(app_url(server))
            log_in(page, login)
            return page
    yield Phone()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        for index, page in enumerate(context.pages):
            page.screenshot(
                path=ARTIFACTS / f'mobile-{request.node.name}-{index}.png')
        violations = watch.csp()
    finally:
        context.close()
    assert not violations, violations
    assert not watch.errors, watch.errors
    assert not watch.console, watch.console


def log_in(page, login):
    form = page.locator('#login')
    expect(form).to_be_visible()
    page.fill('#login-name', login)
    page.fill('#login-password', PASSWORD)
    page.click('#login-submit')
    expect(page.locator('#home')).to_be_visible()
    expect(form).to_have_count(0)


def tile_count(page, tab):
    count = page.locator(f'[data-tab="{tab}"] .tile-count')
    expect(count).not_to_have_text('…')
    return int(count.inner_text())


def wait_worker(page):
    "The service worker of the app, registered and activated"
    return page.evaluate("""async () => {
        const registration = await navigator.serviceWorker.ready;
        const worker = registration.active;
        if (worker.state !== 'activated') {
            await new Promise((resolve) => worker.addEventListener(
                'statechange', () => worker.state === 'activated'
                    && resolve()));
        }
        return {scope: registration.scope, state: worker.state,
            script: worker.scriptURL};
    }""")


# The domains of the inbox tabs (the web client's, src/lib/inbox.js)
TABS = {
    'overdue': ([('held_by_me', '=', True), ('overdue', '=', True)],
        [('held_by_me', '=', True), ('overdue', '=', True)]),
    'received': ([('held_by_me', '=', True), ('unread_by_me', '=', True)],
        [('held_by_me', '=', True), ('unread_by_me', '=', True),
            ('state', '=', 'open')]),
    'pending': ([('held_by_me', '=', True),
            ('state', 'in', ['draft', 'registered', 'in_process'])],
        [('held_by_me', '=', True), ('state', '=', 'open')]),
    'flagged': ([('flagged_by_me', '=', True)],
        [('flagged_by_me', '=', True)]),
    'information': ([('for_my_information', '=', True)],
        [('for_my_information', '=', True)]),
    }


def server_counts(rpc):
    return {tab: rpc.model('edaftar.receipt', 'search_count', receipts)
        + rpc.model('edaftar.file', 'search_count', files)
        for tab, (receipts, files) in TABS.items()}


def test_counts_open_and_forward(phone, server):
    """The Additional Secretary sees her inbox counts as the server counts
    them, opens the Assembly question (the server marks it read), forwards
    it to the Section Officer, and it leaves her inbox"""
    page = phone.open('addlsec.sgad', server)
    rpc = client(server, 'addlsec.sgad')
    expected = server_counts(rpc)
    assert expected['received'] >= 1
    for tab, count in expected.items():
        assert tile_count(page, tab) == count, tab
    # Most pressing first
    assert page.locator('#tabs .tile').evaluate_all(
        'tiles => tiles.map(t => t.dataset.tab)') == [
        'overdue', 'received', 'pending', 'flagged', 'information']
    expect(page.locator('#unread-badge')).to_be_visible()

    page.click('[data-tab="pending"] a')
    letter = page.locator('.item', has_text=ASSEMBLY_QUESTION)
    expect(letter).to_be_visible()
    expect(letter.locator('.chip-immediate')).to_be_visible()
    letter.locator('a').click()
    expect(page.locator('#doc-subject')).to_have_text(ASSEMBLY_QUESTION)
    expect(page.locator('.facts')).to_contain_text('PAB/Q/2026/1187')
    page.click('#tab-trail')
    expect(page.locator('.trail .move')).to_have_count(1)
    expect(page.locator('.trail')).to_contain_text(
        'Reply to reach the Assembly within two days.')
    [receipt] = rpc.model('edaftar.receipt', 'search_read',
        [('subject', '=', ASSEMBLY_QUESTION)], 0, 1, None,
        ['unread_by_me'])
    assert not receipt['unread_by_me'], "opening it marks it read"

    page.click('#act-forward')
    expect(page.locator('#act-form')).to_be_visible()
    page.fill('#recipient', 'Zahid')
    choice = page.locator('.choice', has_text='Zahid Hussain Lehri')
    choice.click()
    expect(page.locator('#recipient-picked')).to_contain_text(
        'Zahid Hussain Lehri')
    page.fill('#instructions', "Prepare the reply for the Assembly today.")
    page.fill('#due-date', (dt.date.today() + dt.timedelta(days=1))
        .isoformat())
    page.click('#act-submit')
    # Back in the inbox it came from, without it
    expect(page.locator('#inbox')).to_be_visible()
    expect(page.locator('.toast-success')).to_be_visible()
    expect(page.locator('.item', has_text=ASSEMBLY_QUESTION)).to_have_count(0)
    assert holder(server, 'edaftar.receipt', receipt['id']) == (
        'Zahid Hussain Lehri (Section Officer)')
    page.goto(app_url(server) + '#/')
    expect(page.locator('#home')).to_be_visible()
    expect(page.locator('[data-tab="pending"] .tile-count')).to_have_text(
        str(expected['pending'] - 1))


def test_register_receipt_with_photo(phone, server):
    """The S&GAD diary clerk registers a letter with a photo of it taken
    with the phone's camera: the photo is sent as a JPEG of at most
    1600 px, the receipt gets the next number of the register"""
    page = phone.open('registrar.sgad', server)
    page.click('[data-tab="register"] a')
    expect(page.locator('#register-form')).to_be_visible()
    expect(page.locator('#department')).not_to_have_value('')
    subject = "Request for the allotment of official residence"
    page.fill('#sender_name', "Ghulam Rasool")
    page.fill('#sender_designation', "Superintendent")
    page.fill('#sender_organisation', "Directorate of Estates")
    page.fill('#letter_ref', "DE/Allot/2026/77")
    page.fill('#letter_date', (dt.date.today() - dt.timedelta(days=2))
        .isoformat())
    page.fill('#subject', subject)
    page.select_option('#priority', 'urgent')
    page.select_option('#mode', 'post')
    # The camera's photo: 2400 x 1800 px
    page.set_input_files('#photo', {
        'name': 'IMG_20260301_101500.png', 'mimeType': 'image/png',
        'buffer': photo_png(2400, 1800)})
    expect(page.locator('.thumb img')).to_have_count(1)
    page.click('#register-submit')
    expect(page.locator('#document')).to_be_visible()
    expect(page.locator('#doc-subject')).to_have_text(subject)
    expect(page.locator('.bar-title')).to_have_text(
        re.compile(r'^SGAD-\d{4}-\d{6}$'))

    rpc = client(server, 'registrar.sgad')
    [receipt] = rpc.model('edaftar.receipt', 'search_read',
        [('subject', '=', subject)], 0, None, None,
        ['number', 'state', 'priority', 'mode', 'letter_ref'])
    assert receipt['state'] == 'registered'
    assert receipt['priority'] == 'urgent' and receipt['mode'] == 'post'
    assert page.locator('.bar-title').inner_text() == receipt['number']
    [attachment] = rpc.model('ir.attachment', 'search_read',
        [('resource', '=', f"edaftar.receipt,{receipt['id']}")], 0, None,
        None, ['name', 'data'])
    assert attachment['name'] == 'page-1.jpg'
    data = base64.b64decode(attachment['data']['base64'])
    assert jpeg_size(data) == (1600, 1200)
    assert len(data) < 400_000

    # The photo is shown in the app from the data read over RPC
    page.click('#tab-attachments')
    page.click('.attachment-open')
    image = page.locator('.viewer-image')
    expect(image).to_be_visible()
    assert image.get_attribute('src').startswith('blob:')
    assert image.evaluate('img => img.naturalWidth') == 1600


@pytest.fixture(scope='module')
def draft_for_approval(server):
    """A draft for approval written and submitted by the Section Officer on
    the Assistant Commissioners' file, the file forwarded to the
    Additional Secretary (a wing head, who may approve): its id"""
    officer = client(server, 'so.sgad')
    [file] = officer.model('edaftar.file', 'search_read',
        [('subject', '=', ACS_FILE)], 0, 1, None, ['id'])
    [draft_id] = officer.model('edaftar.draft', 'create', [{
                'file': file['id'], 'kind': 'letter',
                'subject': DRAFT_SUBJECT,
                'body': "The following officers are posted as Assistant "
                "Commissioners with immediate effect.",
                'addressee_name': "Commissioner Quetta Division"}])
    officer.model('edaftar.draft', 'submit', [draft_id])
    to, _ = employee_id(officer, 'addlsec.sgad')
    officer.model('edaftar.movement', 'create', [{
                'document': f"edaftar.file,{file['id']}",
                'action': 'forward', 'to_employee': to,
                'instructions': "Draft placed below for approval."}])
    return draft_id


def test_approve_draft(phone, server, draft_for_approval):
    """The Additional Secretary finds the draft awaiting her, reads it and
    approves it with remarks: the server records her decision"""
    page = phone.open('addlsec.sgad', server)
    approvals = page.locator('[data-tab="approvals"]')
    expect(approvals.locator('.tile-count')).to_have_text('1')
    approvals.locator('a').click()
    item = page.locator('.item', has_text=DRAFT_SUBJECT)
    expect(item).to_be_visible()
    item.locator('a').click()
    expect(page.locator('#paper-subject')).to_have_text(DRAFT_SUBJECT)
    expect(page.locator('.paper-body')).to_contain_text(
        'posted as Assistant Commissioners')
    page.fill('#remarks', "Approved. Issue today.")
    page.click('#paper-approve')
    expect(page.locator('#approvals')).to_be_visible()
    expect(page.locator('.toast-success')).to_contain_text(DRAFT_SUBJECT)
    expect(page.locator('.item', has_text=DRAFT_SUBJECT)).to_have_count(0)

    rpc = client(server, 'addlsec.sgad')
    [draft] = rpc.model('edaftar.draft', 'read', [draft_for_approval],
        ['state', 'approved_by.rec_name', 'steps'])
    assert draft['state'] == 'approved'
    assert draft['approved_by.']['rec_name'].startswith('Saima Noor Baloch')
    steps = rpc.model('edaftar.draft.step', 'read', draft['steps'],
        ['decision', 'remarks'])
    assert [(s['decision'], s['remarks']) for s in steps] == [
        ('approved', "Approved. Issue today.")]


def test_offline_inbox_and_queued_actions(phone, server):
    """Offline, the Section Officer's inbox and letter open from the phone
    (marked stale); a flag and a forward wait in the outbox; approving is
    refused offline. Back online they are sent: the flag is recorded, the
    forward is refused by the server (the letter was moved meanwhile from
    another device) and its message is shown."""
    flagged = new_receipt(server, "Leave roster of the GA section",
        'so.sgad')
    moved = new_receipt(server, "Verification of service record",
        'so.sgad')
    page = phone.open('so.sgad', server)
    wait_worker(page)
    page.click('[data-tab="pending"] a')
    expect(page.locator('.item', has_text="Leave roster")).to_be_visible()
    for receipt_id in [flagged, moved]:
        page.goto(app_url(server) + f'#/doc/edaftar.receipt/{receipt_id}')
        expect(page.locator('#doc-subject')).to_be_visible()
    # He looked his assistant up once (the picker keeps whom it found)
    page.goto(app_url(server) + f'#/doc/edaftar.receipt/{moved}/forward')
    page.fill('#recipient', 'Shazia')
    expect(page.locator('.choice', has_text='Shazia')).to_be_visible()
    page.goto(app_url(server) + '#/inbox/pending')
    expect(page.locator('.item', has_text="Leave roster")).to_be_visible()

    phone.context.set_offline(True)
    page.reload()  # the app's shell from the service worker
    expect(page.locator('.offline-bar')).to_be_visible()
    expect(page.locator('.stale')).to_contain_text('Offline — shown as of')
    expect(page.locator('.item', has_text="Leave roster")).to_be_visible()

    # A flag, queued
    page.locator('.item', has_text="Leave roster").locator('a').click()
    expect(page.locator('.stale')).to_be_visible()
    page.click('#act-flag')
    expect(page.locator('.offline-hint')).to_contain_text('will wait')
    page.fill('#flag-note', "Check the roster with the Deputy Secretary.")
    page.click('#act-submit')
    expect(page.locator('.toast').first).to_contain_text('waits to be sent')

    # A forward, queued: the recipient is found among the people looked
    # up on this phone before
    page.goto(app_url(server) + f'#/doc/edaftar.receipt/{moved}/forward')
    page.fill('#recipient', 'Shazia')
    expect(page.locator('#recipient-note')).to_contain_text('Offline')
    page.locator('.choice', has_text='Shazia Bibi Achakzai').click()
    page.click('#act-submit')
    expect(page.locator('.offline-bar')).to_contain_text('2 waiting to send')

    page.goto(app_url(server) + '#/outbox')
    expect(page.locator('.outbox-item[data-state="waiting"]')).to_have_count(2)

    # Meanwhile, from his desktop, he forwards that letter himself
    desk = client(server, 'so.sgad')
    to, _ = employee_id(desk, 'officer.sgad')
    desk.model('edaftar.movement', 'create', [{
                'document': f'edaftar.receipt,{moved}', 'action': 'forward',
                'to_employee': to}])

    phone.context.set_offline(False)
    expect(page.locator('.outbox-item[data-state="sent"]')).to_have_count(1)
    refused = page.locator('.outbox-item[data-state="refused"]')
    expect(refused).to_have_count(1)
    expect(refused.locator('.outbox-message')).not_to_be_empty()
    flags = desk.model('edaftar.flag', 'search_read',
        [('receipt', '=', flagged)], 0, None, None, ['note', 'user'])
    assert [f['note'] for f in flags] == [
        "Check the roster with the Deputy Secretary."]
    assert holder(server, 'edaftar.receipt', moved) == (
        'Shazia Bibi Achakzai (Assistant)')
    refused.get_by_role('button', name='Dismiss').click()
    expect(refused).to_have_count(0)


def test_offline_refusals(phone, server, draft_for_approval):
    """What cannot be queued is refused offline with a clear message:
    registering a letter and deciding a paper"""
    page = phone.open('registrar.sgad', server)
    wait_worker(page)
    page.goto(app_url(server) + '#/register')
    expect(page.locator('#register-form')).to_be_visible()
    phone.context.set_offline(True)
    expect(page.locator('.offline-hint')).to_contain_text(
        'Registering needs the server')
    page.fill('#sender_name', "A. Sender")
    page.fill('#subject', "Kept while offline")
    page.click('#register-submit')
    expect(page.locator('.message')).to_contain_text(
        'Registering needs the server')
    expect(page.locator('#subject')).to_have_value("Kept while offline")
    phone.context.set_offline(False)


def test_not_holder_cannot_forward(phone, server):
    """An officer of the section reads a letter the Section Officer holds
    but cannot forward it: the server's refusal is shown as it says it"""
    receipt_id = new_receipt(server, "Annual inspection of the GA section",
        'so.sgad')
    page = phone.open('officer.sgad', server)
    page.goto(app_url(server) + f'#/doc/edaftar.receipt/{receipt_id}')
    expect(page.locator('#doc-subject')).to_have_text(
        "Annual inspection of the GA section")
    expect(page.locator('.chip-mine')).to_have_count(0)
    page.click('#act-forward')
    page.fill('#recipient', 'Saima')
    page.locator('.choice', has_text='Saima Noor Baloch').click()
    page.click('#act-submit')
    # The server's own words
    officer = client(server, 'officer.sgad')
    _, so_name = employee_id(officer, 'so.sgad')
    with pytest.raises(RPCError) as refusal:
        to, _ = employee_id(officer, 'addlsec.sgad')
        officer.model('edaftar.movement', 'create', [{
                    'document': f'edaftar.receipt,{receipt_id}',
                    'action': 'forward', 'to_employee': to}])
    message = refusal.value.args[1][0]
    expect(page.locator('.message-text')).to_have_text(message)
    expect(page.locator('#act-form')).to_be_visible()
    assert holder(server, 'edaftar.receipt', receipt_id) == so_name


def test_session_expiry(phone, server):
    """When the session ends, the login is shown over the screen with a
    message; logging in again goes on where the user was"""
    page = phone.open('so.sgad', server)
    page.click('[data-tab="pending"] a')
    expect(page.locator('#inbox .item').first).to_be_visible()
    phone.watch.allow(r'status of 401')
    phone.context.clear_cookies()  # as the server's timeout would
    page.click('.bar [aria-label="Refresh"]')
    overlay = page.locator('.login-overlay')
    expect(overlay).to_be_visible()
    expect(overlay.locator('.login-notice')).to_contain_text(
        'Your session has ended')
    expect(page.locator('#login-name')).to_have_value('so.sgad')
    page.fill('#login-password', PASSWORD)
    page.click('#login-submit')
    expect(overlay).to_have_count(0)
    assert page.evaluate('location.hash') == '#/inbox/pending'
    expect(page.locator('#inbox .item').first).to_be_visible()


def test_installable(browser, server, tmp_path):
    """The manifest has no error and the page is installable (the Chrome
    DevTools Protocol, in a persistent profile); the service worker is
    registered for the app's path and activated; the app works on a page
    it has never seen offline afterwards"""
    context = browser.browser_type.launch_persistent_context(
        str(tmp_path / 'profile'), executable_path=shutil.which('chromium'),
        args=CHROMIUM_ARGS, **PHONE)
    try:
        context.set_default_timeout(TIMEOUT)
        context.add_init_script(WATCH)
        watch = Watch()
        page = context.new_page()
        watch.attach(page)
        page.goto(app_url(server))
        worker = wait_worker(page)
        assert worker['scope'] == app_url(server)
        assert worker['script'] == app_url(server) + 'sw.js'
        assert worker['state'] == 'activated'
        page.reload()  # controlled by the worker from now on
        assert page.evaluate('Boolean(navigator.serviceWorker.controller)')
        cdp = context.new_cdp_session(page)
        manifest = cdp.send('Page.getAppManifest')
        assert manifest['url'] == app_url(server) + 'manifest.webmanifest'
        assert manifest['errors'] == [], manifest['errors']
        parsed = manifest.get('parsed') or {}
        if 'scope' in parsed:
            assert parsed['scope'] == app_url(server)
        errors = [e['errorId'] for e in cdp.send(
                'Page.getInstallabilityErrors')['installabilityErrors']]
        assert errors == [], errors
        for size in ['192', '512']:
            response = page.request.get(
                app_url(server) + f'icons/maskable-{size}.png')
            assert response.ok
            assert response.headers['content-type'] == 'image/png'
        watch.check()
    finally:
        context.close()


def test_trusted_types(phone, server):
    """Under Trusted Types (no string may reach an HTML or script sink but
    through the app's policy) the app logs in, registers its service
    worker and shows a letter without a violation"""
    # The server enforces them
    response = phone.context.request.get(app_url(server))
    policy = response.headers['content-security-policy']
    assert "require-trusted-types-for 'script'" in policy
    assert 'trusted-types edaftar-mobile' in policy
    page = phone.open('addlsec.sgad', server)
    # Enforced: a string into innerHTML throws (the probe's own violation
    # is forgotten)
    phone.watch.allow(r'TrustedHTML')
    assert page.evaluate("""() => {
        try {
            document.createElement('div').innerHTML = '<b>x</b>';
            return 'allowed';
        } catch (error) {
            return error.name;
        } finally {
            setTimeout(() => { window.__csp = []; }, 0);
        }
    }""") == 'TypeError'
    page.wait_for_function('window.__csp.length === 0')
    wait_worker(page)
    page.click('[data-tab="pending"] a')
    page.locator('#inbox .item a').first.click()
    expect(page.locator('#doc-subject')).to_be_visible()
    page.click('#tab-trail')
    expect(page.locator('.trail .move').first).to_be_visible()


def test_urdu_right_to_left(phone, server):
    "A user whose language is Urdu gets the app in Urdu, right to left"
    health = client(server, 'secretary.health')
    health.call('model.res.user.set_preferences', {'language': 'ur'},
        health.context)
    page = phone.open('secretary.health', server)
    expect(page.locator('html')).to_have_attribute('dir', 'rtl')
    expect(page.locator('html')).to_have_attribute('lang', 'ur')
    expect(page.locator('.bar-title')).to_have_text('ای دفتر')
    expect(page.locator('[data-tab="received"] .tile-label')).to_have_text(
        'موصول شدہ')
    font = page.evaluate('getComputedStyle(document.body).fontFamily')
    assert 'Nastaliq' in font
