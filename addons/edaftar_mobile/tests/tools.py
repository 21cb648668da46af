# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Fixtures of the mobile module's tests: a push service (RFC 8030) on a
free localhost port, a browser's push keys, a JSON-RPC client over the
server's own WSGI application, and the module's configuration"""
import base64
import contextlib
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    encode_dss_signature)

import trytond.config as config

SECTION = 'edaftar_mobile'
# The value that means "not set" of each option the tests change
UNSET = {
    'root': '',
    'vapid_private_key': '',
    'vapid_subject': '',
    'push_hosts': ' '.join([
            'fcm.googleapis.com', 'android.googleapis.com',
            'updates.push.services.mozilla.com', 'push.apple.com',
            'notify.windows.com']),
    'allow_insecure_push_endpoints': 'False',
    'push_ttl': '86400',
    'push_timeout': '10',
    }


def b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b'=').decode('ascii')


def b64url_decode(value):
    return base64.urlsafe_b64decode(value + '=' * (-len(value) % 4))


@contextlib.contextmanager
def configured(**options):
    "Set options of [edaftar_mobile] for the block"
    if not config.has_section(SECTION):
        config.add_section(SECTION)
    saved = {o: config.get(SECTION, o) for o in options}
    for option, value in options.items():
        config.set(SECTION, option, str(value))
    try:
        yield
    finally:
        for option, value in saved.items():
            config.set(SECTION, option,
                UNSET[option] if value is None else value)


def raw_public_key(key):
    "The uncompressed point of the public key of a private EC key"
    return key.public_key().public_bytes(
        serialization.Encoding.X962,
        serialization.PublicFormat.UncompressedPoint)


class Browser:
    "The push keys of one browser: a P-256 key pair and an auth secret"

    def __init__(self):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)

    def subscription(self, endpoint, expiration=None):
        "What PushSubscription.toJSON() gives"
        return {
            'endpoint': endpoint,
            'expirationTime': expiration,
            'keys': {
                'p256dh': b64url(raw_public_key(self.key)),
                'auth': b64url(self.auth),
                },
            }

    def decrypt(self, body):
        "The JSON payload of a push message body (aes128gcm)"
        return json.loads(http_ece.decrypt(
                body, private_key=self.key, auth_secret=self.auth,
                version='aes128gcm'))


class VapidError(Exception):
    pass


def verify_vapid(authorization, audience):
    """Check the VAPID Authorization header (RFC 8292: vapid t=<JWT>,
    k=<public key>) for audience: the ES256 signature with k, the claims;
    return (k, claims)"""
    scheme, _, params = (authorization or '').partition(' ')
    if scheme.lower() != 'vapid':
        raise VapidError(f"scheme {scheme!r}")
    parts = dict(
        p.strip().split('=', 1) for p in params.split(',') if '=' in p)
    token, key = parts.get('t', ''), parts.get('k', '')
    try:
        header64, claims64, signature64 = token.split('.')
    except ValueError:
        raise VapidError("not a JWT")
    header = json.loads(b64url_decode(header64))
    if header.get('alg') != 'ES256' or header.get('typ', 'JWT') != 'JWT':
        raise VapidError(f"header {header}")
    claims = json.loads(b64url_decode(claims64))
    signature = b64url_decode(signature64)
    if len(signature) != 64:
        raise VapidError("signature length")
    public = ec.EllipticCurvePublicKey.from_encoded_point(
        ec.SECP256R1(), b64url_decode(key))
    try:
        public.verify(
            encode_dss_signature(
                int.from_bytes(signature[:32], 'big'),
                int.from_bytes(signature[32:], 'big')),
            f'{header64}.{claims64}'.encode('ascii'),
            ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise VapidError("bad signature")
    now = time.time()
    if claims.get('aud') != audience:
        raise VapidError(f"audience {claims.get('aud')}")
    if not now < claims.get('exp', 0) <= now + 24 * 60 * 60:
        raise VapidError(f"expiry {claims.get('exp')}")
    if not str(claims.get('sub', '')).startswith(('mailto:', 'https:')):
        raise VapidError(f"subject {claims.get('sub')}")
    return key, claims


class PushService:
    """A push service (RFC 8030) on a free localhost port: a push resource
    per subscription at /push/<token>; each POST is checked (aes128gcm,
    TTL, Urgency, VAPID signature) and kept. answers: {token: status} for
    subscriptions the service answers otherwise than 201."""

    def __init__(self):
        self.received = []
        self.answers = {}
        self.lock = threading.Lock()
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                service._post(self)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.port = self.server.server_address[1]
        self.origin = f'http://127.0.0.1:{self.port}'
        self.thread = threading.Thread(
            target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def endpoint(self, token):
        return f'{self.origin}/push/{token}'

    def take(self):
        "The messages received since the last call"
        with self.lock:
            received, self.received = self.received, []
        return received

    def _post(self, request):
        token = request.path.rsplit('/', 1)[-1]
        body = request.rfile.read(int(request.headers.get(
                    'Content-Length', 0)))
        message = {
            'token': token,
            # (an email.message.Message: names in any case)
            'headers': request.headers,
            'body': body,
            'error': None,
            }
        status = self.answers.get(token, 201)
        try:
            if not request.path.startswith('/push/'):
                raise VapidError(f"no push resource at {request.path}")
            if request.headers.get('Content-Encoding') != 'aes128gcm':
                raise VapidError("Content-Encoding")
            ttl = request.headers.get('TTL', '')
            if not ttl.isdigit():
                raise VapidError("TTL")
            if request.headers.get('Urgency', 'normal') not in {
                    'very-low', 'low', 'normal', 'high'}:
                raise VapidError("Urgency")
            message['vapid_key'], message['claims'] = verify_vapid(
                request.headers.get('Authorization'), self.origin)
        except (VapidError, ValueError, KeyError) as error:
            message['error'] = str(error)
            status = 401
        with self.lock:
            self.received.append(message)
        request.send_response(status)
        if status == 201:
            request.send_header(
                'Location', f'{self.origin}/message/{len(self.received)}')
            request.send_header('TTL', request.headers.get('TTL', '0'))
        request.send_header('Content-Length', '0')
        request.end_headers()


class Rpc:
    """A JSON-RPC client of the server's WSGI application (the dispatcher
    commits, then runs the queued tasks, as trytond does without a
    worker), logged in as one user"""

    def __init__(self, database):
        from werkzeug.test import Client

        import trytond.protocols.dispatcher  # noqa: F401 (the routes)
        from trytond.protocols.wrappers import Response
        from trytond.wsgi import app
        self.client = Client(app, Response)
        self.url = f'/{database}/rpc/'
        self.auth = None
        self.context = {}

    def login(self, login, password):
        user_id, session, *_ = self.call(
            'common.db.login', login, {'password': password})
        self.auth = 'Session ' + base64.b64encode(
            f'{login}:{user_id}:{session}'.encode()).decode()
        self.user_id = user_id
        self.context = self.call('model.res.user.get_preferences', True, {})
        return self

    def call(self, method, *params):
        headers = {'Authorization': self.auth} if self.auth else {}
        response = self.client.post(self.url, headers=headers,
            content_type='application/json', data=json.dumps({
                    'id': 1, 'method': method, 'params': list(params)}))
        if response.status_code != 200:
            raise RpcError('HTTPError', response.status_code)
        answer = json.loads(response.data)
        if answer.get('error'):
            raise RpcError(*answer['error'])
        return answer['result']

    def model(self, model, method, *args):
        return self.call(f'model.{model}.{method}', *args, self.context)


class RpcError(Exception):
    "An error answered by the server: args are (kind, message, ...)"
