# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The app's files under /<database>/mobile/: the page and the service
worker with their content types, the Content-Security-Policy and the
other headers, caching by name, nothing outside the build whatever the
path says, and a clear answer when the app is not built"""
import gzip
import os
import tempfile
import unittest
from pathlib import Path

from werkzeug.test import Client

from trytond.modules.edaftar_base.tests.tools import setup_government
from trytond.modules.edaftar_mobile import routes
from trytond.protocols.wrappers import Response
from trytond.tests.test_tryton import DB_NAME, drop_db
from trytond.tests.tools import activate_modules
from trytond.wsgi import app

from .tools import configured

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data: blob:; media-src 'self' blob:; "
    "connect-src 'self'; font-src 'self'; manifest-src 'self'; "
    "worker-src 'self'; frame-src 'self' blob:; object-src 'none'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "require-trusted-types-for 'script'; trusted-types edaftar-mobile")
INDEX = b'<!DOCTYPE html><script src="app.3f2a9c1b.js"></script>'
SCRIPT = b'console.log("e-Daftar");\n' * 40
FILES = {
    'index.html': INDEX,
    'app.3f2a9c1b.js': SCRIPT,
    'chunk-5FQ3K2ZB.js': b'export default 1;',
    'app.css': b'body{margin:0}',
    'sw.js': b'self.addEventListener("push", () => {});',
    'manifest.webmanifest': b'{"name": "e-Daftar"}',
    'icons/icon-192.png': b'\x89PNG\r\n\x1a\n',
    '.env': b'SECRET=1',
    'server.py': b'print("not served")',
    }


class RoutesTestCase(unittest.TestCase):
    "The mobile app's files"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_modules('edaftar_mobile', setup_government)
        cls.tmp = tempfile.TemporaryDirectory()
        base = Path(cls.tmp.name)
        cls.root = base / 'mobile'
        for name, content in FILES.items():
            path = cls.root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        (cls.root / 'app.3f2a9c1b.js.gz').write_bytes(gzip.compress(SCRIPT))
        # Beside the build, not in it
        (base / 'secret.txt').write_bytes(b'outside the build')
        (base / 'trytond.conf').write_bytes(b'[database]\n')
        os.symlink(base / 'secret.txt', cls.root / 'linked.txt')
        cls.settings = configured(root=cls.root)
        cls.settings.__enter__()
        cls.client = Client(app, Response)

    @classmethod
    def tearDownClass(cls):
        cls.settings.__exit__(None, None, None)
        cls.tmp.cleanup()
        drop_db()
        super().tearDownClass()

    def get(self, name, **kwargs):
        return self.client.get(f'/{DB_NAME}/mobile/{name}', **kwargs)

    def assertHeaders(self, response):
        headers = response.headers
        self.assertEqual(headers['Content-Security-Policy'], CSP)
        self.assertEqual(headers['X-Content-Type-Options'], 'nosniff')
        self.assertEqual(headers['X-Frame-Options'], 'DENY')
        self.assertEqual(headers['Referrer-Policy'], 'no-referrer')

    def test_index(self):
        "The page, with its policy, fresh each time (ETag)"
        response = self.get('')
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.data, INDEX)
        self.assertEqual(response.mimetype, 'text/html')
        self.assertHeaders(response)
        self.assertEqual(response.headers['Cache-Control'], 'public, no-cache')
        etag = response.headers['ETag']
        self.assertTrue(etag)
        again = self.get('', headers={'If-None-Match': etag})
        self.assertEqual(again.status_code, 304)
        self.assertEqual(self.get('index.html').data, INDEX)

    def test_without_slash(self):
        "/<db>/mobile leads to the app's path (relative URLs, SW scope)"
        response = self.client.get(f'/{DB_NAME}/mobile')
        self.assertIn(response.status_code, {301, 308})
        self.assertTrue(
            response.headers['Location'].endswith(f'/{DB_NAME}/mobile/'))

    def test_service_worker_and_manifest(self):
        "sw.js from the app's path as JavaScript; the manifest as such"
        response = self.get('sw.js')
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers['Content-Type'],
            'text/javascript; charset=utf-8')
        self.assertEqual(response.headers['Cache-Control'], 'public, no-cache')
        self.assertHeaders(response)
        response = self.get('manifest.webmanifest')
        self.assertEqual(response.mimetype, 'application/manifest+json')
        self.assertEqual(response.headers['Cache-Control'], 'public, no-cache')
        response = self.get('app.css')
        self.assertEqual(response.mimetype, 'text/css')
        response = self.get('icons/icon-192.png')
        self.assertEqual(response.mimetype, 'image/png')
        self.assertEqual(response.headers['Cache-Control'], 'public, no-cache')

    def test_hashed_immutable(self):
        "Files named by their content's hash are cached for good"
        for name in ['app.3f2a9c1b.js', 'chunk-5FQ3K2ZB.js']:
            with self.subTest(name=name):
                response = self.get(name)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.mimetype, 'text/javascript')
                self.assertEqual(response.headers['Cache-Control'],
                    'public, max-age=31536000, immutable')

    def test_precompressed(self):
        "A precompressed file is sent to a client that accepts it"
        response = self.get('app.3f2a9c1b.js',
            headers={'Accept-Encoding': 'gzip, deflate'})
        self.assertEqual(response.headers['Content-Encoding'], 'gzip')
        self.assertEqual(gzip.decompress(response.data), SCRIPT)
        self.assertEqual(response.mimetype, 'text/javascript')
        self.assertIn('Accept-Encoding', response.headers['Vary'])
        plain = self.get('app.3f2a9c1b.js')
        self.assertNotIn('Content-Encoding', plain.headers)
        self.assertEqual(plain.data, SCRIPT)

    def test_nothing_outside_the_build(self):
        "Parent paths, encoded or not, links, hidden and unknown files: 404"
        for name in [
                '..%2fsecret.txt', '%2e%2e%2fsecret.txt', '%2E%2E/secret.txt',
                '..%2f..%2f..%2fetc%2fpasswd', 'icons/..%2f..%2fsecret.txt',
                'icons/%2e%2e/%2e%2e/trytond.conf', '..%5csecret.txt',
                '%2fetc%2fpasswd', '/etc/passwd', 'linked.txt', '.env',
                'icons/.', 'icons', 'icons/', 'server.py', 'missing.js',
                'app.3f2a9c1b.js.gz', 'index.html%00.js', 'sw.js/',
                ]:
            with self.subTest(name=name):
                response = self.get(name)
                if response.status_code == 308:
                    # werkzeug merges the slashes of mobile//etc/passwd:
                    # still inside the app, where there is no such file
                    location = response.headers['Location']
                    self.assertIn(f'/{DB_NAME}/mobile/etc/', location)
                    response = self.client.get(location)
                self.assertEqual(response.status_code, 404, response.data)
                self.assertNotIn(b'outside', response.data)

    def test_not_built(self):
        "No build: 503, saying how to build it"
        with tempfile.TemporaryDirectory() as empty:
            for root in [Path(empty), Path(empty) / 'missing']:
                with self.subTest(root=root), configured(root=root):
                    for name in ['', 'sw.js']:
                        response = self.get(name)
                        self.assertEqual(response.status_code, 503)
                        self.assertIn(b'scripts/setup', response.data)
                        self.assertEqual(response.mimetype, 'text/html')
                        self.assertHeaders(response)

    def test_default_root(self):
        "Without configuration, var/mobile of the checkout"
        with configured(root=''):
            self.assertEqual(routes.build_folder(),
                Path(routes.__file__).resolve().parents[2] / 'var' / 'mobile')

    def test_unknown_database(self):
        "A database that does not exist has no app"
        response = self.client.get('/no-such-database/mobile/')
        self.assertEqual(response.status_code, 404)

    def test_database_without_module(self):
        "A database without the module has no app"
        class Pool:
            "The pool of a database where the module is not activated"
            def get(self, name):
                raise KeyError(name)
        from werkzeug.exceptions import NotFound
        from werkzeug.test import EnvironBuilder

        from trytond.protocols.wrappers import Request
        request = Request(EnvironBuilder(path='/x/mobile/').get_environ())
        with self.assertRaises(NotFound):
            routes._serve(request, Pool(), 'index.html')
