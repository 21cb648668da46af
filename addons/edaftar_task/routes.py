# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The Kanban board of one's tasks: a static page under the database's path,
which reads and moves the tasks over the same JSON-RPC as the web client,
with the user's own session (see doc/kanban.rst)

The page carries no data and needs no transaction: what the user sees and
may do is decided by the RPC calls it makes, as for any client."""
import hashlib
from pathlib import Path

from trytond.protocols.wrappers import HTTPStatus, Response, abort, with_pool
from trytond.wsgi import app

KANBAN = Path(__file__).resolve().parent / 'kanban'
# The files served, by the name of the route, with their content type
FILES = {
    'board': ('board.html', 'text/html; charset=utf-8'),
    'js': ('board.js', 'text/javascript; charset=utf-8'),
    'css': ('board.css', 'text/css; charset=utf-8'),
    }
# Only the page's own files run and style it; it talks to its own origin
# only (the JSON-RPC), is framed by no one, and no string ever reaches an
# HTML sink (Trusted Types with no policy: innerHTML and the like throw).
CONTENT_SECURITY_POLICY = '; '.join([
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "connect-src 'self'",
        "form-action 'none'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "require-trusted-types-for 'script'",
        "trusted-types 'none'",
        ])
HEADERS = {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    # The same for everyone (no data): shared caches may keep it, but ask
    # each time whether it changed (ETag), so that an upgrade of the module
    # never mixes an old script with a new page.
    'Cache-Control': 'public, no-cache',
    }


def _serve(request, pool, name):
    # A database without the module has no board.
    try:
        pool.get('edaftar.task')
    except KeyError:
        abort(HTTPStatus.NOT_FOUND)
    filename, content_type = FILES[name]
    content = (KANBAN / filename).read_bytes()
    response = Response(content, content_type=content_type, headers=HEADERS)
    response.set_etag(hashlib.sha256(content).hexdigest()[:32])
    return response.make_conditional(request)


@app.route('/<database_name>/edaftar_task/board', methods=['GET'])
@with_pool
def board(request, pool):
    "The page of the board"
    return _serve(request, pool, 'board')


@app.route(
    '/<database_name>/edaftar_task/board.<any(js, css):kind>',
    methods=['GET'])
@with_pool
def board_asset(request, pool, kind):
    "The script and the style sheet of the board"
    return _serve(request, pool, kind)
