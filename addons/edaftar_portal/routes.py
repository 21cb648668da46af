# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The citizen portal's pages (see doc/portal.rst)

Server-rendered HTML under /<database>/portal/, open to the internet. Every
page runs in a transaction as the server (user 0, no rules): who the visitor
is comes from the session cookie of a web.user, and what they may see or do
is checked here (Application.check_owner). Texts are ir.message records
(page_message.xml) rendered in the visitor's language by Genshi templates,
which escape everything they are given. Every POST carries a signed token
(CSRF); every answer carries the security headers (CSP without inline
script or style); what the public may call is rate limited per address
(ratelimit.py). A refused submission rolls its transaction back and the
form is shown again in a new, read-only one."""
import datetime as dt
import hashlib
import hmac
import logging
import mimetypes
import re
import time
import urllib.parse
from functools import wraps
from pathlib import Path
from secrets import token_urlsafe
from zoneinfo import ZoneInfo

from genshi.template import TemplateLoader

import trytond.config as config
from trytond.exceptions import RateLimitException, UserError
from trytond.i18n import gettext
from trytond.protocols.wrappers import (
    Response, exceptions, set_max_request_size, with_pool, with_transaction)
from trytond.transaction import Transaction
from trytond.wsgi import app

from . import ratelimit
from .application import LANGUAGES, distance

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / 'templates'
STATIC = HERE / 'static'
# Leaflet's dist folder (scripts/setup: npm pack leaflet@1.9.4)
LEAFLET = HERE.parents[1] / 'var' / 'leaflet' / 'package' / 'dist'
OWN_FILES = {'portal.css', 'portal.js'}
LEAFLET_FILES = re.compile(
    r'^(?:leaflet\.js|leaflet\.css|images/[\w-]+\.png)$')

SESSION_COOKIE = 'edaftar_portal_session'
LANG_COOKIE = 'edaftar_portal_lang'
CSRF_COOKIE = 'edaftar_portal_csrf'
CSRF_FIELD = 'csrf_token'
CSRF_MAX_AGE = 2 * 60 * 60
LANG_MAX_AGE = 365 * 24 * 60 * 60
CODES = [code for code, _ in LANGUAGES]
# The form fields beside the files of an application
FORM_MARGIN = 1024 * 1024
# The most any configuration allows (50 MB x 10 files): werkzeug's own
# limit; the configured one is checked first, with the portal's page.
MAX_APPLY_SIZE = 50 * 1024 * 1024 * 10 + FORM_MARGIN
# A relative path inside the portal (the target of the language switch,
# after login): letters, digits and dashes in segments, a plain query
NEXT = re.compile(
    r'^(?:[A-Za-z0-9_-]+(?:/[A-Za-z0-9_-]+)*)?(?:\?[A-Za-z0-9_=&%.+-]*)?$')
DEFAULT_CENTER = (30.1798, 66.9750)  # Quetta

CONTENT_SECURITY_POLICY = '; '.join([
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: https://tile.openstreetmap.org",
        "connect-src 'self'",
        "font-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        ])
HEADERS = {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
    }

loader = TemplateLoader(str(TEMPLATES), auto_reload=False)


def leaflet_folder():
    "Leaflet's dist folder if it is there, else None"
    folder = config.get('edaftar_portal', 'leaflet', default=None)
    folder = Path(folder) if folder else LEAFLET
    return folder if (folder / 'leaflet.js').is_file() else None


class Refused(Exception):
    """What the visitor sent was refused: the transaction rolls back and
    page(portal) renders the answer in a new, read-only one"""

    def __init__(self, page):
        super().__init__()
        self.page = page


class NoSecret(Exception):
    "The portal's secret is not made yet and the transaction is read-only"


class Portal:
    "The visitor of one request, inside its transaction"

    def __init__(self, request, pool):
        pool_db = pool.database_name
        self.request = request
        self.pool = pool
        self.database = pool_db
        quoted = urllib.parse.quote(pool_db, safe=':@')
        # The absolute path of the portal, without the trailing slash
        self.base = f'{request.script_root}/{quoted}/portal'
        self.url = (config.get('edaftar', 'portal_url', default=None)
            or f'{request.url_root}{quoted}/portal').rstrip('/')
        self.cookies = {}
        self._secret = None
        self._anonymous = None
        self._tz = False
        self.session_key = request.cookies.get(SESSION_COOKIE) or None
        self.user = None
        if self.session_key and len(self.session_key) <= 256:
            WebUser = pool.get('web.user')
            self.user = WebUser.get_user(self.session_key)
            if self.user and not self.user.active:
                # A deactivated account's sessions end with it.
                self.user = None
        self.language = self._language()

    # -- who and which language ---------------------------------------

    def _language(self):
        code = self.request.cookies.get(LANG_COOKIE)
        if code in CODES:
            return code
        if self.user and self.user.edaftar_language in CODES:
            return self.user.edaftar_language
        best = self.request.accept_languages.best_match(CODES)
        return best or 'en'

    @property
    def direction(self):
        return 'rtl' if self.language == 'ur' else 'ltr'

    @property
    def secure(self):
        return self.request.is_secure

    # -- tokens -----------------------------------------------------------

    @property
    def secret(self):
        if self._secret is None:
            # Made once and never changed: kept by each process, so that
            # a page (the tracking page too, for its language form) does
            # not read it.
            Configuration = self.pool.get('edaftar.portal.configuration')
            constants = Configuration._page_constants
            secret = constants.get('secret')
            if not secret:
                secret = Configuration(1).secret
                if not secret:
                    if Transaction().readonly:
                        raise NoSecret
                    secret = Configuration.get_secret()
                constants.set('secret', secret)
            self._secret = secret
        return self._secret

    def _binding(self, issue=False):
        """What a token is bound to: the session, or the anonymous
        visitor's random cookie (made when issue is True)"""
        if self.user:
            return 'session:' + self.session_key
        if self._anonymous is None:
            value = self.request.cookies.get(CSRF_COOKIE) or ''
            if not 32 <= len(value) <= 64:
                value = ''
            if not value and issue:
                value = token_urlsafe(32)
                self.set_cookie(CSRF_COOKIE, value)
            self._anonymous = value
        return 'visitor:' + self._anonymous if self._anonymous else None

    def _sign(self, binding, form, issued):
        message = '\x00'.join(
            [self.database, binding, form, issued]).encode('utf-8')
        return hmac.new(
            self.secret.encode('utf-8'), message, hashlib.sha256).hexdigest()

    def csrf(self, form):
        "A token for a POST of form"
        issued = str(int(time.time()))
        return f'{issued}.{self._sign(self._binding(True), form, issued)}'

    def check_csrf(self, form):
        "Whether the POST carries a valid, recent token of form"
        token = self.request.form.get(CSRF_FIELD) or ''
        issued, _, signature = token.partition('.')
        if not issued.isdigit() or len(signature) != 64:
            return False
        age = time.time() - int(issued)
        if not -60 <= age <= CSRF_MAX_AGE:
            return False
        binding = self._binding()
        if not binding:
            return False
        return hmac.compare_digest(
            signature, self._sign(binding, form, issued))

    # -- answers ----------------------------------------------------------

    def set_cookie(self, name, value, max_age=None):
        self.cookies[name] = (value, max_age)

    def finish(self, response):
        "Add the cookies and the security headers to response"
        for name, (value, max_age) in self.cookies.items():
            if value is None:
                response.delete_cookie(
                    name, path=self.base + '/', secure=self.secure,
                    httponly=True, samesite='Lax')
            else:
                response.set_cookie(
                    name, value, max_age=max_age, path=self.base + '/',
                    secure=self.secure, httponly=True, samesite='Lax')
        return secure_headers(response)

    def link(self, path=''):
        "The absolute path of a page of the portal"
        return f'{self.base}/{path}'

    def static(self, name):
        return self.link(f'static/{name}')

    def redirect(self, path=''):
        response = Response(status=303, headers={
                'Location': self.link(path)})
        response.headers['Cache-Control'] = 'no-store'
        return response

    def here(self):
        "The current page as a relative portal path, if it is a plain one"
        path = self.request.path
        prefix = f'/{self.database}/portal/'
        path = path[len(prefix):] if path.startswith(prefix) else ''
        query = self.request.query_string.decode('latin-1')
        # Never the tokens of the links of the e-mails
        if query and not path.startswith(('validate', 'reset')):
            path += '?' + query
        if path.startswith('lang') or path.startswith('static'):
            return ''
        return path if NEXT.match(path) else ''

    def _(self, key, **variables):
        "The text of the page message msg_page_<key>"
        return gettext(f'edaftar_portal.msg_page_{key}', **variables)

    def message(self, message_id, **variables):
        return gettext(f'edaftar_portal.{message_id}', **variables)

    @property
    def lang(self):
        Lang = self.pool.get('ir.lang')
        return Lang.get(self.language)

    def timezone(self):
        if self._tz is False:
            self._tz = None
            constants = self.pool.get(
                'edaftar.portal.configuration')._page_constants
            name = constants.get('timezone')
            if name is None:
                Company = self.pool.get('company.company')
                companies = Company.search(
                    [], limit=1, order=[('id', 'ASC')])
                name = (companies[0].timezone or '') if companies else ''
                constants.set('timezone', name)
            if name:
                try:
                    self._tz = ZoneInfo(name)
                except (KeyError, ValueError):
                    self._tz = None
        return self._tz

    def date(self, value):
        "A date (or the day of a timestamp) in the visitor's language"
        if not value:
            return ''
        if isinstance(value, dt.datetime):
            value = self.local(value).date()
        return self.lang.strftime(value)

    def datetime(self, value):
        "A timestamp (UTC) as the visitor's local date and time"
        if not value:
            return ''
        lang = self.lang
        return lang.strftime(self.local(value), lang.date + ' %H:%M')

    def local(self, value):
        tz = self.timezone()
        if tz and value.tzinfo is None:
            value = value.replace(tzinfo=dt.timezone.utc).astimezone(tz)
        return value

    def render(self, template, status=200, **values):
        "The page of template with values, as a response"
        context = {
            '_': self._,
            'msg': self.message,
            'portal': self,
            'user': self.user,
            'lang': self.language,
            'direction': self.direction,
            'csrf': self.csrf,
            'link': self.link,
            'static': self.static,
            'date': self.date,
            'datetime': self.datetime,
            'here': self.here(),
            'leaflet': False,
            'error': None,
            'notice': None,
            'languages': LANGUAGES,
            }
        context.update(values)
        stream = loader.load(template).generate(**context)
        html = stream.render('html', doctype='html5', encoding='utf-8')
        response = Response(
            html, status=status, content_type='text/html; charset=utf-8')
        response.headers['Cache-Control'] = 'no-store'
        return response

    def page(self, title, text, status=200, **values):
        "A page with a title and a text"
        return self.render(
            'message.html', status=status, title=title, text=text, **values)

    def not_found(self, text=None):
        return self.page(self._('not_found_title'),
            text or self._('not_found'), status=404)

    def bad_request(self, text):
        return self.page(self._('error_title'), text, status=400)

    def csrf_failed(self):
        return self.page(self._('csrf_title'), self._('csrf'), status=400)

    def limited(self, kind):
        """None when the visitor may call kind once more (counted), else
        the 429 page; decided once per request (a retried transaction does
        not count twice)"""
        decided = getattr(self.request, '_edaftar_limits', None)
        if decided is None:
            decided = self.request._edaftar_limits = {}
        address = self.request.remote_addr
        if kind not in decided:
            decided[kind] = ratelimit.allow(kind, address)
        if decided[kind]:
            return None
        seconds = ratelimit.retry_after(kind, address) or 60
        response = self.page(self._('rate_limited_title'),
            self._('rate_limited', minutes=max(1, -(-seconds // 60))),
            status=429)
        response.headers['Retry-After'] = str(seconds)
        return response

    def login_required(self, next_):
        return self.redirect('login?' + urllib.parse.urlencode(
                {'next': next_}))


def secure_headers(response):
    for name, value in HEADERS.items():
        response.headers[name] = value
    return response


def _in_transaction(request, pool, func, readonly):
    "Run func(portal) in a transaction with the visitor's language"

    @with_transaction(readonly=readonly)
    def run(request, pool):
        portal = Portal(request, pool)
        with Transaction().set_context(
                language=portal.language,
                edaftar_portal_url=portal.url):
            return portal.finish(func(portal))
    return run(request, pool)


def _ensure_secret(request, pool):
    Configuration = pool.get('edaftar.portal.configuration')

    @with_transaction(readonly=False)
    def run(request, pool):
        Configuration.get_secret()
    run(request, pool)


def _serve(request, pool, func, readonly):
    for _ in range(2):
        try:
            return _in_transaction(request, pool, func, readonly)
        except NoSecret:
            _ensure_secret(request, pool)
        except Refused as refused:
            return _in_transaction(request, pool, refused.page, True)
        except exceptions.RequestEntityTooLarge:
            return _in_transaction(request, pool, too_large, True)
        except UserError as error:
            message = error.message
            return _in_transaction(request, pool,
                lambda portal: portal.bad_request(message), True)
    return _in_transaction(request, pool, func, readonly)


def page(path, methods=('GET',), writes=None, max_size=None):
    """Register func(portal, **arguments) as the page at path of the
    portal; writes: whether a GET may write (POSTs always may)"""
    def decorator(func):
        @wraps(func)
        def endpoint(request, pool, **arguments):
            readonly = request.method not in {'POST'} and not writes
            return _serve(request, pool,
                lambda portal: func(portal, **arguments), readonly)
        endpoint = with_pool(endpoint)
        if max_size:
            endpoint = set_max_request_size(max_size)(endpoint)
        app.route(f'/<database_name>/portal/{path}',
            methods=list(methods))(endpoint)
        return func
    return decorator


def form_values(portal, names):
    "The stripped text values of names sent by the form"
    form = portal.request.form
    return {n: (form.get(n) or '').strip() for n in names}


def safe_next(value, default='applications'):
    value = (value or '').strip()
    if value and NEXT.match(value) and not value.startswith(
            ('lang', 'logout', 'static')):
        return value
    return default


def too_large(portal):
    Configuration = portal.pool.get('edaftar.portal.configuration')
    config_ = Configuration(1)
    size = Configuration.upload_limit() // (1024 * 1024)
    count = config_.max_uploads
    return portal.page(portal._('too_large_title'),
        portal._('too_large', limit=size * count, count=count, size=size),
        status=413)


# -- home, language, static files -------------------------------------------

@page('')
def home(portal):
    Category = portal.pool.get('edaftar.portal.category')
    categories = Category.search([], order=[('name', 'ASC'), ('id', 'ASC')])
    return portal.render('home.html', categories=categories)


@page('lang', methods=['GET', 'POST'])
def lang(portal):
    """Switch the language: a cookie for a year; for a logged-in citizen
    (POST with a token) the account's language too, for the e-mails"""
    request = portal.request
    source = request.form if request.method == 'POST' else request.args
    code = source.get('code')
    next_ = safe_next(source.get('next'), default='')
    if code not in CODES:
        return portal.bad_request(portal._('language_unknown'))
    if request.method == 'POST':
        if not portal.check_csrf('lang'):
            return portal.csrf_failed()
        if portal.user:
            WebUser = portal.pool.get('web.user')
            WebUser.write([portal.user], {'edaftar_language': code})
    portal.set_cookie(LANG_COOKIE, code, max_age=LANG_MAX_AGE)
    return portal.redirect(next_)


@app.route('/<database_name>/portal/static/<path:name>', methods=['GET'])
@with_pool
def static(request, pool, name):
    "The portal's style sheet and script, and Leaflet's files"
    if name in OWN_FILES:
        path = STATIC / name
    else:
        folder = leaflet_folder()
        if not folder or not LEAFLET_FILES.match(name):
            return secure_headers(Response(
                    'Not Found', status=404, content_type='text/plain'))
        path = folder / name
    if not path.is_file():
        return secure_headers(Response(
                'Not Found', status=404, content_type='text/plain'))
    content = path.read_bytes()
    content_type = {
        '.css': 'text/css; charset=utf-8',
        '.js': 'text/javascript; charset=utf-8',
        }.get(path.suffix) or mimetypes.guess_type(path.name)[0]
    response = Response(content, content_type=content_type)
    # The same for everyone; asked again each time (ETag), so that an
    # upgrade never mixes an old script with a new page.
    response.headers['Cache-Control'] = 'public, no-cache'
    response.set_etag(hashlib.sha256(content).hexdigest()[:32])
    return secure_headers(response.make_conditional(request))


# -- accounts -----------------------------------------------------------------

SIGNUP_FIELDS = ['name', 'cnic', 'phone', 'email', 'password', 'password2']


@page('signup', methods=['GET', 'POST'])
def signup(portal):
    if portal.request.method == 'GET':
        return portal.render('signup.html', values={})
    if limited := portal.limited('signup'):
        return limited
    if not portal.check_csrf('signup'):
        return portal.csrf_failed()
    WebUser = portal.pool.get('web.user')
    values = form_values(portal, SIGNUP_FIELDS)
    values['password'] = portal.request.form.get('password') or ''
    values['password2'] = portal.request.form.get('password2') or ''
    try:
        user = WebUser.sign_up(values, language=portal.language)
    except UserError as error:
        shown = {k: v for k, v in values.items()
            if k not in {'password', 'password2'}}
        message = error.message
        raise Refused(lambda portal: portal.render('signup.html',
                status=400, values=shown, error=message))
    return portal.page(portal._('signup_done_title'),
        portal._('signup_done', email=user.email))


@page('validate', writes=True)
def validate(portal):
    "The link of the validation e-mail"
    WebUser = portal.pool.get('web.user')
    token = (portal.request.args.get('token') or '').strip()
    users = []
    if token and len(token) <= 128:
        users = WebUser.validate_email_token([token])
    if users:
        return portal.page(portal._('validate_title'),
            portal._('validate_ok'))
    return portal.page(portal._('validate_title'),
        portal._('validate_invalid'), status=404)


@page('validate/resend', methods=['POST'])
def resend(portal):
    "Send the validation e-mail again"
    if not portal.user:
        return portal.login_required('apply')
    if limited := portal.limited('signup'):
        return limited
    if not portal.check_csrf('resend'):
        return portal.csrf_failed()
    WebUser = portal.pool.get('web.user')
    if not portal.user.email_valid:
        WebUser.validate_email([portal.user])
    return portal.page(portal._('validate_title'),
        portal._('resent', email=portal.user.email))


@page('login', methods=['GET', 'POST'])
def login(portal):
    request = portal.request
    if request.method == 'GET':
        next_ = safe_next(request.args.get('next'))
        if portal.user:
            return portal.redirect(next_)
        notice = (portal._('login_required')
            if request.args.get('next') else None)
        return portal.render(
            'login.html', email='', next=next_, notice=notice)
    if limited := portal.limited('login'):
        return limited
    if not portal.check_csrf('login'):
        return portal.csrf_failed()
    WebUser = portal.pool.get('web.user')
    email = (request.form.get('email') or '').strip()[:256]
    password = request.form.get('password') or ''
    next_ = safe_next(request.form.get('next'))
    user = None
    if email and password:
        try:
            # Not aborted: the failed attempt must be committed for the
            # throttling per address to grow.
            user = WebUser.authenticate(email, password)
        except RateLimitException:
            response = portal.page(portal._('rate_limited_title'),
                portal._('login_throttled'), status=429)
            response.headers['Retry-After'] = str(
                config.getint('session', 'timeout', default=300))
            return response
    if not user:
        return portal.render('login.html', status=403, email=email,
            next=next_, error=portal._('login_failed'))
    key = user.new_session()
    portal.set_cookie(SESSION_COOKIE, key, max_age=int(
            portal.pool.get('web.user.session').timeout().total_seconds()))
    return portal.redirect(next_)


@page('logout', methods=['POST'])
def logout(portal):
    Session = portal.pool.get('web.user.session')
    if portal.session_key:
        if portal.user and not portal.check_csrf('logout'):
            return portal.csrf_failed()
        Session.remove(portal.session_key)
    portal.set_cookie(SESSION_COOKIE, None)
    return portal.redirect('')


@page('reset', methods=['GET', 'POST'])
def reset(portal):
    "Ask for a link to set a new password; set it from the link"
    request = portal.request
    source = request.form if request.method == 'POST' else request.args
    token = (source.get('token') or '').strip()
    email = (source.get('email') or '').strip()[:256]
    if request.method == 'GET':
        if token:
            return portal.render(
                'reset_password.html', token=token, email=email)
        return portal.render('reset.html', email='')
    if limited := portal.limited('reset'):
        return limited
    WebUser = portal.pool.get('web.user')
    if not token:
        if not portal.check_csrf('reset'):
            return portal.csrf_failed()
        if email:
            users = WebUser.search([('email', '=', email.lower())], limit=1)
            if users:
                WebUser.reset_password(users)
        # The same answer whether there is an account or not
        return portal.page(portal._('reset_title'),
            portal._('reset_sent', email=email))
    if not portal.check_csrf('reset_password'):
        return portal.csrf_failed()
    password = request.form.get('password') or ''
    error = None
    if len(password) < 8:
        error = portal.message('msg_password_short')
    elif password != (request.form.get('password2') or ''):
        error = portal.message('msg_password_mismatch')
    if error:
        return portal.render('reset_password.html', status=400,
            token=token, email=email, error=error)
    if not email or not WebUser.set_password_token(email, token, password):
        return portal.page(portal._('reset_title'),
            portal._('reset_invalid'), status=400,
            links=[('reset', portal._('reset_again'))])
    # The sessions opened with the old password end.
    Session = portal.pool.get('web.user.session')
    users = WebUser.search([('email', '=', email.lower())], limit=1)
    Session.delete(Session.search([('user', 'in', [u.id for u in users])]))
    return portal.page(portal._('reset_title'), portal._('reset_done'),
        links=[('login', portal._('nav_login'))])


# -- applications -------------------------------------------------------------

APPLY_FIELDS = ['category', 'description', 'name', 'cnic', 'phone', 'email',
    'latitude', 'longitude', 'address']


def apply_limits(portal):
    "(bytes per file, files, bytes of the whole form)"
    Configuration = portal.pool.get('edaftar.portal.configuration')
    size = Configuration.upload_limit()
    count = Configuration(1).max_uploads
    return size, count, size * count + FORM_MARGIN


def apply_form(portal, values, status=200, error=None, notice=None,
        dropped=()):
    Category = portal.pool.get('edaftar.portal.category')
    size, count, _ = apply_limits(portal)
    categories = Category.search([], order=[('name', 'ASC'), ('id', 'ASC')])
    return portal.render('apply.html', status=status, values=values,
        categories=categories, error=error, notice=notice,
        dropped=', '.join(dropped),
        files_hint=portal._('apply_files_hint', count=count,
            size=size // (1024 * 1024)),
        leaflet=bool(leaflet_folder()), center=DEFAULT_CENTER)


def _number(value):
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if value == value and abs(value) != float('inf') else None


@page('apply', methods=['GET', 'POST'], max_size=MAX_APPLY_SIZE)
def apply(portal):
    request = portal.request
    if not portal.user:
        return portal.login_required('apply')
    user = portal.user
    if not user.email_valid:
        return portal.render('validate_first.html',
            status=200 if request.method == 'GET' else 403)
    if request.method == 'GET':
        values = {
            'name': user.edaftar_name or '',
            'cnic': user.edaftar_cnic or '',
            'phone': user.edaftar_phone or '',
            'email': user.email or '',
            'category': request.args.get('category', ''),
            }
        return apply_form(portal, values)
    if limited := portal.limited('apply'):
        return limited
    # Before anything of the body is read
    _, _, whole = apply_limits(portal)
    if request.content_length is not None and request.content_length > whole:
        return too_large(portal)
    request.max_content_length = whole
    if not portal.check_csrf('apply'):
        return portal.csrf_failed()
    values = form_values(portal, APPLY_FIELDS)
    # Read once: a transaction run again (locks) gets the same files.
    files = getattr(request, '_edaftar_files', None)
    if files is None:
        files = request._edaftar_files = [(f.filename, f.read())
            for f in request.files.getlist('files') if f.filename]
    names = [n for n, _ in files]
    Application = portal.pool.get('edaftar.portal.application')
    if request.form.get('confirm') != '1':
        latitude = _number(values['latitude'])
        longitude = _number(values['longitude'])
        category = values['category']
        if (latitude is not None and longitude is not None
                and category.isdigit() and len(category) < 10
                and -90 <= latitude <= 90 and -180 <= longitude <= 180):
            near = Application.duplicates(int(category), latitude, longitude)
            if near:
                return portal.render('duplicates.html', values=values,
                    dropped=', '.join(names),
                    duplicates=[(a, distance(latitude, longitude,
                                a.latitude, a.longitude)) for a in near])
    try:
        application = Application.submit(
            values, files=files, web_user=user, language=portal.language)
    except UserError as error:
        message = error.message
        raise Refused(lambda portal: apply_form(
                portal, values, status=400, error=message, dropped=names))
    return portal.redirect(
        f'applications/{application.number}?submitted=1')


@page('applications')
def applications(portal):
    if not portal.user:
        return portal.login_required('applications')
    Application = portal.pool.get('edaftar.portal.application')
    notice = None
    followed = portal.request.args.get('followed', '')
    if followed and len(followed) <= 32:
        notice = portal._('followed', number=followed)
    return portal.render('applications.html',
        mine=Application.of_web_user(portal.user),
        followed=[Application.track(a.number)
            for a in Application.followed_by(portal.user)],
        notice=notice)


def owned(portal, number):
    "The visitor's application of number, or None"
    Application = portal.pool.get('edaftar.portal.application')
    if not portal.user:
        return None
    application = Application.by_number(number)
    if not application:
        return None
    try:
        application.check_owner(portal.user)
    except UserError:
        return None
    return application


def application_page(portal, application, status=200, error=None,
        notice=None, reply='', rating='', feedback=''):
    steps = dict(application.timeline())
    ladder = ['new', 'in_progress']
    if application.escalated or 'escalated' in steps:
        ladder.append('escalated')
    ladder.append('done')
    return portal.render('application.html', status=status,
        application=application, steps=steps, ladder=ladder,
        messages=application.public_messages(),
        can_rate=(application.public_state == 'done'
            and not application.rating),
        error=error, notice=notice, reply=reply, rating=rating,
        feedback=feedback)


@page('applications/<number>')
def application(portal, number):
    if not portal.user:
        return portal.login_required('applications')
    application = owned(portal, number)
    if not application:
        # The same whether the number exists or not
        return portal.not_found(portal._('application_not_found'))
    notice = None
    if portal.request.args.get('submitted'):
        notice = portal._('submitted_notice', number=application.number)
    elif portal.request.args.get('replied'):
        notice = portal._('reply_sent')
    elif portal.request.args.get('rated'):
        notice = portal._('rating_thanks')
    return application_page(portal, application, notice=notice)


@page('applications/<number>/reply', methods=['POST'])
def reply(portal, number):
    if not portal.user:
        return portal.login_required('applications')
    application = owned(portal, number)
    if not application:
        return portal.not_found(portal._('application_not_found'))
    if limited := portal.limited('reply'):
        return limited
    if not portal.check_csrf(f'reply:{application.number}'):
        return portal.csrf_failed()
    text = portal.request.form.get('reply') or ''
    try:
        application.post_reply(portal.user, text)
    except UserError as error:
        message = error.message
        raise Refused(lambda portal: application_page(
                portal, owned(portal, number), status=400, error=message,
                reply=text))
    return portal.redirect(
        f'applications/{application.number}?replied=1#discussion')


@page('applications/<number>/rate', methods=['POST'])
def rate(portal, number):
    if not portal.user:
        return portal.login_required('applications')
    application = owned(portal, number)
    if not application:
        return portal.not_found(portal._('application_not_found'))
    if limited := portal.limited('reply'):
        return limited
    if not portal.check_csrf(f'rate:{application.number}'):
        return portal.csrf_failed()
    rating = portal.request.form.get('rating') or ''
    feedback = portal.request.form.get('feedback') or ''
    try:
        application.rate(portal.user, rating, feedback)
    except UserError as error:
        message = error.message
        raise Refused(lambda portal: application_page(
                portal, owned(portal, number), status=400, error=message,
                rating=rating, feedback=feedback))
    return portal.redirect(f'applications/{application.number}?rated=1')


@page('applications/<number>/follow', methods=['POST'])
def follow(portal, number):
    """Follow another's case instead of filing the same: only a case the
    duplicates page offered (its token names the number)"""
    if not portal.user:
        return portal.login_required('apply')
    Application = portal.pool.get('edaftar.portal.application')
    application = Application.by_number(number)
    if not application:
        return portal.not_found(portal._('application_not_found'))
    if not portal.check_csrf(f'follow:{application.number}'):
        return portal.csrf_failed()
    if application.web_user == portal.user:
        return portal.redirect(f'applications/{application.number}')
    application.follow(portal.user)
    return portal.redirect('applications?' + urllib.parse.urlencode(
            {'followed': application.number}))


@page('track')
def track(portal):
    "Status and dates of a case by its number, for anybody"
    Application = portal.pool.get('edaftar.portal.application')
    number = (portal.request.args.get('number') or '').strip()
    if not number:
        return portal.render('track.html', number='', case=None)
    if limited := portal.limited('track'):
        return limited
    case = Application.track(number)
    if not case:
        return portal.render('track.html', status=404, number=number,
            case=None, error=portal._('track_unknown', number=number[:32]))
    return portal.render('track.html', number=case['number'], case=case)


@page('<path:rest>', methods=['GET', 'POST'])
def nowhere(portal, rest):
    "Any other address under the portal: its own 404 page"
    return portal.not_found()
