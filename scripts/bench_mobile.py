#!/usr/bin/env python3
"""Figures of the staff's mobile app (edaftar_mobile, built into
var/mobile/ by scripts/setup --sao), as a phone sees them.

The app is a client: its costs are bytes, round trips and RPC calls, not
the server's queries (those are scripts/bench dak, summary, ...). So this
part serves the demo government (every module, scripts/load-demo) on
SQLite with trytond, as the browser tests do — the database of
test_browser's cache (.cache/demo-db/) when there is one, else built in a
temporary folder (about a minute) — and drives Debian's chromium through
Playwright on a 390x844 phone:

  - the compressed JavaScript and CSS of the first load (build.json: the
    bytes, gzip -9 and brotli -11 as var/mobile holds them beside the
    files, and what the server actually sent: it serves the .br or .gz);
  - the time to a usable inbox (Home with the counts of the five tabs) on
    Chrome's "Slow 3G" profile through the DevTools Protocol
    (Network.emulateNetworkConditions: 400 kbit/s down and up, 2,000 ms
    latency): cold — the session remembered (cookie, profile) but no HTTP
    cache, no service worker, nothing stored — and from cache — the
    service worker serving the app's files and the last counts shown from
    IndexedDB at once (then read again from the server: also timed);
    targets 3 s cold, 1 s from cache; the median of --runs runs;
  - the RPC calls per screen (POSTs to /<db>/rpc/, counted in the page):
    log in, Home, open a receipt, forward it, register a receipt with one
    photo; each with its bytes and wall time on the unthrottled loopback.

    scripts/bench mobile [--runs 3] [--login addlsec.sgad]
"""
import argparse
import contextlib
import datetime as dt
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import LOGGING, step, table  # noqa: E402
# The browser tests' trytond (tests/test_browser.py)
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / 'tests'))
from test_browser import (  # noqa: E402
    CHROMIUM_ARGS, serve as browser_serve)

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / 'var' / 'mobile'
CONFIG = ROOT / 'config' / 'trytond.conf'
LOAD_DEMO = ROOT / 'scripts' / 'load-demo'
TEST_CACHE = ROOT / '.cache' / 'demo-db'
DB = 'edaftar'
PASSWORD = json.loads((ROOT / 'data' / 'demo.json').read_text())['password']
PHONE = {
    'viewport': {'width': 390, 'height': 844},
    'is_mobile': True,
    'has_touch': True,
    'device_scale_factor': 2,
}
# Chrome DevTools' "Slow 3G": 500 kbit/s x 0.8, 400 ms RTT x 5
SLOW_3G = {
    'offline': False,
    'latency': 2000,
    'downloadThroughput': 400 * 1000 / 8,
    'uploadThroughput': 400 * 1000 / 8,
}
TARGETS = {'cold': 3.0, 'cache': 1.0}
TIMEOUT = 120_000
# Home is usable when the five tabs show their counts
INBOX_READY = """() => {
    const counts = [...document.querySelectorAll('#tabs .tile-count')];
    return counts.length === 5
        && counts.every((c) => /^[0-9]+$/.test(c.textContent.trim()));
}"""
# ... and read from the server (not the stored copy)
INBOX_FRESH = INBOX_READY.replace(
    'return counts.length',
    """return document.querySelector('#tabs[data-fresh="true"]') !== null
        && counts.length""")


def sources_hash():
    "test_browser's key of the cached demo database (tests/test_browser.py)"
    digest = hashlib.sha1()
    files = [LOAD_DEMO, *sorted((ROOT / 'data').rglob('*'))]
    for path in sorted((ROOT / 'addons').rglob('*')):
        parts = set(path.relative_to(ROOT).parts)
        if not (parts & {'tests', '__pycache__'}
                or any(p.endswith('.egg-info') for p in parts)):
            files.append(path)
    for path in files:
        if path.is_file():
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def modules():
    return sorted(
        p.parent.name for p in (ROOT / 'addons').glob('*/tryton.cfg'))


def demo_database(folder):
    "Put the demo database in folder (from the tests' cache, or built)"
    target = folder / f'{DB}.sqlite'
    cached = TEST_CACHE / sources_hash() / f'{DB}.sqlite'
    if cached.exists():
        shutil.copyfile(cached, target)
        return 'the browser tests\' cache'
    env = dict(os.environ, TRYTOND_DATABASE__PATH=str(folder))
    target.touch()
    passfile = folder / 'admin-password'
    passfile.write_text(PASSWORD)
    bin_ = Path(sys.executable).parent
    subprocess.run([bin_ / 'trytond-admin', '-c', CONFIG, '-d', DB,
            '--email', 'admin@example.gov.pk', '-u', *modules(),
            '--activate-dependencies'],
        env=dict(env, TRYTONPASSFILE=str(passfile)), check=True,
        capture_output=True)
    subprocess.run([sys.executable, LOAD_DEMO, '-c', CONFIG, '-d', DB,
            '--path', folder], env=env, check=True, capture_output=True)
    return 'built'


@contextlib.contextmanager
def serve(folder):
    "trytond on the database in folder; yield its URL (trailing slash)"
    logging = folder / 'logging.conf'
    logging.write_text(LOGGING)
    with browser_serve(folder, DB, args=['--logconf', logging]) as url:
        yield url + '/'



def kb(n):
    return f'{n / 1024:.1f} KB'


def sizes_table(build, sent):
    files = build['files']
    rows = []
    total = {'bytes': 0, 'gzip': 0, 'brotli': 0, 'sent': 0}
    for label, name in [('JavaScript', build['script']),
            ('CSS', build['style']), ('page (index.html)', 'index.html'),
            ('service worker (sw.js)', 'sw.js')]:
        entry = files[name]
        got = sent.get(name)
        rows.append([label, kb(entry['bytes']), kb(entry['gzip']),
            kb(entry['brotli']),
            f"{kb(got['bytes'])} {got['encoding'] or 'identity'}"
            if got else '-'])
        if label in {'JavaScript', 'CSS'}:
            for key in ['bytes', 'gzip', 'brotli']:
                total[key] += entry[key]
            total['sent'] += got['bytes'] if got else 0
    rows.append(['JavaScript + CSS', kb(total['bytes']), kb(total['gzip']),
        kb(total['brotli']), kb(total['sent'])])
    table('First load of the app (var/mobile, version '
        f"{build['version']})",
        ['file', 'bytes', 'gzip -9', 'brotli -11', 'sent by trytond'], rows,
        ["The English catalogue is in the script; Urdu users also fetch "
         f"i18n/ur.json ({kb(files['i18n/ur.json']['brotli'])} brotli)."])


def log_in(page, url, login):
    page.goto(url)
    page.fill('#login-name', login)
    page.fill('#login-password', PASSWORD)
    page.click('#login-submit')
    page.wait_for_function(INBOX_READY, timeout=TIMEOUT)


def clear_storage(context, page, url, keep_session=True):
    """Forget the HTTP cache, the service worker, Cache Storage and
    IndexedDB of the app (and the session too unless keep_session)"""
    cdp = context.new_cdp_session(page)
    cdp.send('Network.enable')
    cdp.send('Network.clearBrowserCache')
    origin = url.rstrip('/').rsplit('/', 2)[0]
    types = 'cache_storage,service_workers,indexeddb'
    if not keep_session:
        types += ',local_storage,cookies'
    cdp.send('Storage.clearDataForOrigin',
        {'origin': origin, 'storageTypes': types})
    cdp.detach()


def throttled_load(context, url, mode):
    """Open the app on Slow 3G: seconds to a usable inbox, to a fresh
    one, and the bytes of the transfer"""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send('Network.enable')
    cdp.send('Network.setCacheDisabled', {'cacheDisabled': mode == 'cold'})
    cdp.send('Network.emulateNetworkConditions', SLOW_3G)
    received = []
    cdp.on('Network.loadingFinished',
        lambda e: received.append(e.get('encodedDataLength', 0)))
    start = time.perf_counter()
    page.goto(url, wait_until='commit', timeout=TIMEOUT)
    page.wait_for_function(INBOX_READY, timeout=TIMEOUT, polling=50)
    usable = time.perf_counter() - start
    page.wait_for_function(INBOX_FRESH, timeout=TIMEOUT, polling=50)
    fresh = time.perf_counter() - start
    cdp.send('Network.emulateNetworkConditions', {
        'offline': False, 'latency': 0, 'downloadThroughput': -1,
        'uploadThroughput': -1})
    page.close()
    return usable, fresh, sum(received)


def slow_3g(browser, url, login, runs):
    results = {'cold': [], 'cache': []}
    for _ in range(runs):
        context = browser.new_context(**PHONE)
        page = context.new_page()
        log_in(page, url, login)
        page.wait_for_load_state('networkidle')
        # Cold: the session and profile remembered, nothing else
        clear_storage(context, page, url)
        page.close()
        results['cold'].append(throttled_load(context, url, 'cold'))
        # From cache: the service worker installed (by the cold load)
        warm = context.new_page()
        warm.goto(url)
        warm.wait_for_function(
            'navigator.serviceWorker.ready.then(r => r.active'
            " && r.active.state === 'activated')", timeout=TIMEOUT)
        warm.reload()
        warm.wait_for_function(INBOX_FRESH, timeout=TIMEOUT)
        warm.wait_for_load_state('networkidle')
        assert warm.evaluate('Boolean(navigator.serviceWorker.controller)')
        warm.close()
        results['cache'].append(throttled_load(context, url, 'cache'))
        context.close()
    rows = []
    for mode, label in [('cold', 'cold (no cache, no service worker)'),
            ('cache', 'from cache (service worker + IndexedDB)')]:
        usable = statistics.median(r[0] for r in results[mode])
        fresh = statistics.median(r[1] for r in results[mode])
        size = statistics.median(r[2] for r in results[mode])
        rows.append([label, f'{usable:.2f} s', f'{fresh:.2f} s', kb(size),
            f'{TARGETS[mode]:.0f} s',
            'yes' if usable <= TARGETS[mode] else 'NO'])
    table(f'Time to a usable inbox on Slow 3G (400 kbit/s, 2,000 ms '
        f'latency), median of {runs}, as {login}',
        ['load', 'usable', 'counts fresh', 'transferred', 'target',
            'met'], rows,
        ['usable: Home shows the five tabs with counts (from IndexedDB '
         'when stored); counts fresh: read again from the server.',
         'Each request costs at least the 2,000 ms latency: the cold load '
         'is page, then script and style, then the RPC calls (6 '
         'connections at a time).'])
    return results


class RpcCounter:
    "The RPC calls the page makes, counted between marks"

    def __init__(self, page):
        self.calls = []
        page.on('requestfinished', self.finished)

    def finished(self, request):
        if request.method == 'POST' and (
                '/rpc/' in request.url or '/session/' in request.url):
            body = request.post_data_json or {}
            try:
                sizes = request.sizes()
                size = sizes['requestBodySize'] + sizes['responseBodySize']
            except Exception:  # the page closed meanwhile
                size = 0
            self.calls.append((body.get('method', request.url), size))

    def mark(self):
        return len(self.calls)

    def since(self, mark):
        return self.calls[mark:]


def rpc_per_screen(browser, url, login):
    "The calls of each screen, unthrottled"
    context = browser.new_context(**PHONE)
    page = context.new_page()
    counter = RpcCounter(page)
    rows = []

    def measure(label, action, done):
        mark = counter.mark()
        start = time.perf_counter()
        action()
        done()
        seconds = time.perf_counter() - start
        # The screen's calls made after it showed (a same-page navigation
        # has no load state to wait for): until 1 s without a new one
        while True:
            seen = counter.mark()
            page.wait_for_timeout(1000)
            if counter.mark() == seen:
                break
        calls = counter.since(mark)
        methods = sorted({m.rsplit('.', 1)[-1] if m.startswith('model.')
            else m for m, _ in calls})
        rows.append([label, len(calls), kb(sum(s for _, s in calls)),
            f'{seconds * 1000:.0f} ms', ', '.join(methods)])
        page.wait_for_timeout(200)

    page.goto(url)
    page.wait_for_selector('#login')

    def submit_login():
        page.fill('#login-name', login)
        page.fill('#login-password', PASSWORD)
        page.click('#login-submit')
    measure('log in (to Home with counts)', submit_login,
        lambda: page.wait_for_function(INBOX_FRESH, timeout=TIMEOUT))
    page.wait_for_timeout(500)
    measure('Home (reopened)', page.reload,
        lambda: page.wait_for_function(INBOX_FRESH, timeout=TIMEOUT))
    measure('an inbox tab (Pending Action)',
        lambda: page.click('[data-tab="pending"] a'),
        lambda: page.wait_for_selector('#inbox .item'))
    measure('open a receipt',
        lambda: page.locator('#inbox .item a').first.click(),
        lambda: page.wait_for_selector('#doc-subject'))
    page.click('#act-forward')
    page.wait_for_selector('#act-form')
    page.fill('#recipient', 'Zahid')
    page.locator('.choice').first.click()
    page.fill('#instructions', 'For necessary action.')
    measure('forward (to the inbox without it)',
        lambda: page.click('#act-submit'),
        lambda: page.wait_for_selector('#inbox'))
    context.close()

    # Registering is the diary clerk's
    context = browser.new_context(**PHONE)
    page = context.new_page()
    counter = RpcCounter(page)
    log_in(page, url, 'registrar.sgad')
    page.goto(url + '#/register')
    page.wait_for_selector('#register-form')
    page.wait_for_load_state('networkidle')
    page.fill('#sender_name', 'Bench Sender')
    page.fill('#subject', f'Bench letter {dt.datetime.now():%H%M%S}')
    page.set_input_files('#photo', {'name': 'photo.png',
        'mimeType': 'image/png', 'buffer': photo_png()})
    page.wait_for_selector('.thumb img')
    measure('register a receipt (1 photo)',
        lambda: page.click('#register-submit'),
        lambda: page.wait_for_selector('#document'))
    context.close()
    table(f'RPC calls per screen (as {login}; registering as '
        'registrar.sgad), loopback, unthrottled',
        ['screen', 'RPC calls', 'bytes', 'time', 'methods'], rows,
        ['time: until the screen shows what it is for (the counts, the '
         'list, the letter); the calls: all the screen made, counted until '
         'none came for 1 s.',
         'Log in: the login, the device cookie, the preferences (2), the '
         'models, the access rights, then Home.',
         'Home: one search_count per tab and model (6 tabs x receipts and '
         'files), the unread movements, then the counts of the other '
         "screens' tiles, then the profile read again (preferences, models, "
         'rights).',
         'After a move or a registration, the screen shown next reads its '
         'list and the counts again.'])


def photo_png(width=2400, height=1800):
    import struct
    import zlib
    row = b'\x00' + bytes([200, 200, 200]) * width
    raw = zlib.compress(row * height, 6)

    def chunk(kind, data):
        return (struct.pack('>I', len(data)) + kind + data
            + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff))
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack(
                '>IIBBBBB', width, height, 8, 2, 0, 0, 0))
        + chunk(b'IDAT', raw) + chunk(b'IEND', b''))


def first_load_bytes(browser, url, build):
    "What the server sent for the first load's files (encodings)"
    context = browser.new_context(**PHONE)
    page = context.new_page()
    sent = {}

    def finished(request):
        name = request.url.split('/mobile/', 1)[-1].split('?')[0] or \
            'index.html'
        try:
            response = request.response()
            size = request.sizes()['responseBodySize']
        except Exception:  # the page closed meanwhile
            return
        if response is not None:
            sent[name] = {'bytes': size,
                'encoding': response.headers.get('content-encoding')}
    page.on('requestfinished', finished)
    page.goto(url)
    page.wait_for_selector('#login')
    page.wait_for_load_state('networkidle')
    page.evaluate('navigator.serviceWorker.ready')
    context.close()
    return sent


def main():
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--runs', type=int, default=3,
        help="loads on Slow 3G of each kind (median; default 3)")
    parser.add_argument('--login', default='addlsec.sgad',
        help="the demo user whose inbox is timed (default addlsec.sgad)")
    parser.add_argument('--quick', action='store_true',
        help="one run of each load")
    args, _ = parser.parse_known_args()  # the other parts' options
    if args.quick:
        args.runs = 1
    if not (BUILD / 'build.json').exists() or not shutil.which('chromium'):
        # scripts/bench sets up the Python side only: the app and the
        # browser come with these options (a no-op once there).
        subprocess.run([ROOT / 'scripts' / 'setup', '--sao', '--browser'],
            check=True)
    from playwright.sync_api import sync_playwright
    build = json.loads((BUILD / 'build.json').read_text())
    with tempfile.TemporaryDirectory(prefix='edaftar-bench-mobile-') as tmp:
        folder = Path(tmp)
        with step('demo database'):
            origin = demo_database(folder)
        print(f'bench mobile: demo database from {origin}', file=sys.stderr)
        with serve(folder) as server, sync_playwright() as playwright:
            url = f'{server}{DB}/mobile/'
            browser = playwright.chromium.launch(
                executable_path=shutil.which('chromium'),
                args=CHROMIUM_ARGS)
            try:
                with step('first load'):
                    sent = first_load_bytes(browser, url, build)
                sizes_table(build, sent)
                with step(f'Slow 3G, {args.runs} run(s) of each load'):
                    slow_3g(browser, url, args.login, args.runs)
                with step('RPC calls per screen'):
                    rpc_per_screen(browser, url, args.login)
            finally:
                browser.close()


if __name__ == '__main__':
    main()
