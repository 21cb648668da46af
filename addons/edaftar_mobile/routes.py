# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The staff's mobile app: the files of its build (scripts/setup runs npm
in app/ into var/mobile), served under the database's path so that the app,
its service worker and the JSON-RPC share one origin and one scope.

The files carry no data and need no transaction: what the user sees and
may do is decided by the RPC calls the app makes, as for any client."""
import hashlib
import re
from pathlib import Path

import trytond.config as config
from trytond.protocols.wrappers import HTTPStatus, Response, abort, with_pool
from trytond.wsgi import app

SECTION = 'edaftar_mobile'
# <repository>/var/mobile, beside the checkout's other built assets
DEFAULT_ROOT = Path(__file__).resolve().parents[2] / 'var' / 'mobile'
INDEX = 'index.html'

CONTENT_TYPES = {
    '.html': 'text/html; charset=utf-8',
    '.js': 'text/javascript; charset=utf-8',
    '.mjs': 'text/javascript; charset=utf-8',
    '.css': 'text/css; charset=utf-8',
    '.webmanifest': 'application/manifest+json; charset=utf-8',
    '.json': 'application/json; charset=utf-8',
    '.map': 'application/json; charset=utf-8',
    '.txt': 'text/plain; charset=utf-8',
    '.png': 'image/png',
    '.jpg': 'image/jpeg',
    '.jpeg': 'image/jpeg',
    '.gif': 'image/gif',
    '.webp': 'image/webp',
    '.svg': 'image/svg+xml',
    '.ico': 'image/x-icon',
    '.woff2': 'font/woff2',
    '.woff': 'font/woff',
    '.wasm': 'application/wasm',
    }
# Precompressed siblings (app.js.br, app.js.gz) a build may add, best first
ENCODINGS = [('br', '.br'), ('gzip', '.gz')]
# A name carrying its content's hash (app.3f2a9c1b.js, esbuild's
# app-5FQ3K2ZB.js): its content never changes under that name.
HASHED = re.compile(r'[.-](?=[0-9A-Za-z]*[0-9])([0-9a-f]{8,}|[0-9A-Z]{8,})\.')
# Whatever their names, these must be asked for again each time: the page
# that names the hashed files, the service worker, the manifest.
ALWAYS_FRESH = {INDEX, 'sw.js', 'manifest.webmanifest'}

# The app's own scripts and styles only; pictures also from data: and
# blob: URLs (photos taken before upload, thumbnails); attachments are
# shown from blob: URLs in a frame (PDFs) or as media; RPC, bus and
# service worker on this origin; no plug-ins (object-src: the app never
# uses <object>/<embed>); forms post here only; framed by no one; Trusted
# Types enforced.
CONTENT_SECURITY_POLICY = '; '.join([
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        "connect-src 'self'",
        "font-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "frame-src 'self' blob:",
        "object-src 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        # No string reaches an HTML or script sink but through the app's
        # one policy (the service worker's URL)
        "require-trusted-types-for 'script'",
        "trusted-types edaftar-mobile",
        ])
HEADERS = {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    }
# Shared caches may keep the files (no data in them); the ones that name
# others are checked again each time (ETag), so that an upgrade never
# mixes an old page with new scripts.
FRESH = 'public, no-cache'
IMMUTABLE = 'public, max-age=31536000, immutable'

NOT_BUILT = b"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>e-Daftar mobile: not built</title></head>
<body><h1>The app is not built</h1>
<p>The e-Daftar mobile app is not built on this server: run
<code>scripts/setup</code> (it builds the app into <code>var/mobile</code>),
then reload this page.</p></body></html>
"""


def build_folder():
    "The folder of the built app: [edaftar_mobile] root or var/mobile"
    folder = config.get(SECTION, 'root', default=None)
    return Path(folder) if folder else DEFAULT_ROOT


def _check_module(pool):
    "A database without the module has no app"
    try:
        pool.get('edaftar.push.subscription')
    except KeyError:
        abort(HTTPStatus.NOT_FOUND)


def _not_built():
    return Response(NOT_BUILT, status=HTTPStatus.SERVICE_UNAVAILABLE,
        content_type='text/html; charset=utf-8',
        headers={**HEADERS, 'Cache-Control': 'no-store'})


def _resolve(root, name):
    """The file of the build named name, or None: no parent, hidden or
    empty segment, nothing outside the build (links included)"""
    parts = name.split('/')
    if any(not p or p.startswith('.') or '\\' in p or '\0' in p
            for p in parts):
        return None
    try:
        root = root.resolve(strict=True)
        path = root.joinpath(*parts).resolve(strict=True)
    except (OSError, RuntimeError, ValueError):
        return None
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path


def _serve(request, pool, name):
    _check_module(pool)
    root = build_folder()
    if not (root / INDEX).is_file():
        return _not_built()
    path = _resolve(root, name)
    content_type = CONTENT_TYPES.get(path.suffix.lower()) if path else None
    if not content_type:
        abort(HTTPStatus.NOT_FOUND)
    headers = dict(HEADERS)
    if path.name not in ALWAYS_FRESH and HASHED.search(path.name):
        headers['Cache-Control'] = IMMUTABLE
    else:
        headers['Cache-Control'] = FRESH
    headers['Vary'] = 'Accept-Encoding'
    encoding = None
    for coding, suffix in ENCODINGS:
        if request.accept_encodings[coding] > 0:
            compressed = path.with_name(path.name + suffix)
            if compressed.is_file():
                path, encoding = compressed, coding
                break
    content = path.read_bytes()
    response = Response(content, content_type=content_type, headers=headers)
    if encoding:
        response.headers['Content-Encoding'] = encoding
    response.set_etag(hashlib.sha256(content).hexdigest()[:32])
    return response.make_conditional(request)


@app.route('/<database_name>/mobile/', methods=['GET'])
@with_pool
def index(request, pool):
    "The page of the app"
    return _serve(request, pool, INDEX)


@app.route('/<database_name>/mobile/<path:name>', methods=['GET'])
@with_pool
def asset(request, pool, name):
    "The files of the app: scripts, styles, manifest, service worker, icons"
    return _serve(request, pool, name)
