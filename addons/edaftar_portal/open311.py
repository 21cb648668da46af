# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Open311 GeoReport v2 (see doc/open311.rst): the portal's services and
requests as JSON under /<database>/open311/v2/, for the applications that
file complaints for citizens and for anybody who follows them.

The routes run as the server (user 0, no rules): they decide themselves
what a caller may know. The public answers carry no personal data — never
the citizen's name, CNIC, mobile number or e-mail, nor what the citizen
typed (description, address), and a complaint's place only rounded to
about 100 m; the application (API key) that filed a request reads its
description, address and exact place too. A list is one SQL query: the
application table over its indexes on the submission time and on the
category, joined by key to the category and the department for their
names."""
import datetime as dt
import json
import logging
import math
import urllib.parse
from functools import wraps

from sql import Null
from sql.conditionals import Case

import trytond.config as config
from trytond import backend
from trytond.exceptions import UserError, UserWarning
from trytond.i18n import gettext
from trytond.protocols.wrappers import (
    Response, exceptions, with_pool, with_transaction)
from trytond.transaction import Transaction
from trytond.wsgi import app

from . import ratelimit
from .application import LANGUAGES

logger = logging.getLogger(__name__)

PREFIX = '/<database_name>/open311/v2/'
SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2'
# When this API last changed (discovery.json)
CHANGESET = '2025-06-01T00:00:00Z'
JSON = 'application/json; charset=utf-8'
GEOJSON = 'application/geo+json; charset=utf-8'
# The longest window of requests.json and requests.geojson, and the default
# one (the last 90 days), as the specification says
WINDOW = dt.timedelta(days=90)
# Requests per page: the default and the most (also the most numbers in
# one service_request_id)
PAGE_SIZE = 1000
MAX_PAGE = 10000
# A public place is rounded to 3 decimals: 0.001° is 111 m of latitude and
# 96 m of longitude at Quetta; the filer reads the place as stored.
PUBLIC_DECIMALS = 3
EXACT_DECIMALS = 6
# What the public may cache of an answer (seconds)
PUBLIC_MAX_AGE = 60
# The body of a POST beyond its files (form fields)
FORM_MARGIN = 1024 * 1024
# The Open311 status of the portal's public states
STATUS = {'new': 'open', 'in_progress': 'open', 'done': 'closed'}
STATES = {'open': ['new', 'in_progress'], 'closed': ['done']}
# The portal needs the citizen's CNIC: the one attribute of every service
CNIC = 'cnic'
CNIC_FIELD = f'attribute[{CNIC}]'
# The columns of a request in the lists (never name, cnic, phone, email,
# description, address: those of the filer are selected apart)
COLUMNS = [
    'id', 'number', 'kind', 'public_state', 'category', 'department',
    'submitted_at', 'started_at', 'done_at', 'escalated_at',
    'expected_date', 'latitude', 'longitude', 'api_key']

# The API's refusals are the module's translated messages
# (msg_open311_<key>, in the request's locale); those answered where there
# is no database transaction (before or after it) are these, in English.
OUTSIDE = {
    'method': '%(method)s is not allowed here: use %(allowed)s.',
    'server': 'The server could not answer: please try again later.',
    'busy': 'The server is busy: please send the request again.',
    'not_found': 'Not found.',
    'rate_limited': (
        'Too many requests from your address: try again in %(seconds)s '
        'seconds.'),
    }


def _message(key, **params):
    if key in OUTSIDE or not Transaction().database:
        text = OUTSIDE.get(key) or OUTSIDE['server']
        return text % params if params else text
    return gettext(f'edaftar_portal.msg_open311_{key}', **params)


def _shown(value, size=64):
    "A value sent by the client, as echoed in an error"
    value = str(value)
    return value if len(value) <= size else value[:size] + '…'


# -- responses ---------------------------------------------------------

def _response(data, status=200, public=False, content_type=JSON,
        headers=None):
    """A JSON answer. public: the same for anyone, which shared caches may
    keep a minute"""
    response = Response(
        json.dumps(data, ensure_ascii=False, separators=(',', ':')),
        status=status, content_type=content_type, headers=headers)
    response.headers['X-Content-Type-Options'] = 'nosniff'
    if public:
        response.headers['Cache-Control'] = (
            f'public, max-age={PUBLIC_MAX_AGE}')
    else:
        response.headers['Cache-Control'] = 'no-store'
    return response


def _cors(request, response):
    """Let any site read what anybody may read: the answers to a GET
    without api_key (the filer's answers and the POST stay same-origin)"""
    if request.method in {'GET', 'HEAD'} and 'api_key' not in request.args:
        response.headers['Access-Control-Allow-Origin'] = '*'
    return response


class Open311Error(exceptions.HTTPException):
    """An error as the specification answers it: an array of one
    {code, description}. Raised, so that the transaction rolls back."""

    def __init__(self, code, description, headers=None):
        super().__init__(
            description=description,
            response=_response([{'code': code, 'description': description}],
                status=code, headers=headers))
        self.code = code


def _from_http(error):
    "The JSON answer of an HTTP error raised by trytond or werkzeug"
    if isinstance(error, Open311Error):
        return error.response
    code = error.code or 500
    if isinstance(error.description, (UserError, UserWarning)):
        description = error.description.message
    elif code >= 500:
        # with_pool made it of the exception being handled
        logger.error("Open311 %s: %s", code, error.description,
            exc_info=error.__context__)
        description = _message('server')
    elif code == 404:
        description = _message('not_found')
    elif isinstance(error, exceptions.RequestEntityTooLarge):
        description = error.description
    else:
        description = str(error.description or error.name)
    response = _response(
        [{'code': code, 'description': description}], status=code)
    return response


def route(path, methods=('GET',)):
    """Register an Open311 endpoint at PREFIX + path: func(request, pool,
    **view_args) as with_pool calls it; every error is answered in JSON"""
    allowed = set(methods) | ({'HEAD'} if 'GET' in methods else set())

    def decorator(func):
        pooled = with_pool(func)

        @app.route(PREFIX + path)
        @wraps(func)
        def endpoint(request, database_name, **kwargs):
            try:
                if request.method not in allowed:
                    raise Open311Error(405, _message('method',
                            method=_shown(request.method, 16),
                            allowed=', '.join(sorted(methods))),
                        headers={'Allow': ', '.join(sorted(allowed))})
                response = pooled(request, database_name, **kwargs)
            except exceptions.HTTPException as error:
                response = _from_http(error)
            except backend.DatabaseOperationalError:
                # Still locked out after the retries (submissions queue on
                # their department's register): ask to come back.
                response = _response(
                    [{'code': 503, 'description': _message('busy')}],
                    status=503, headers={'Retry-After': '1'})
            return _cors(request, response)
        return func
    return decorator


def _rate(request, kind):
    "Refuse (429) a client past its rate of kind"
    address = request.remote_addr
    if not ratelimit.allow(kind, address):
        seconds = ratelimit.retry_after(kind, address)
        raise Open311Error(429, _message('rate_limited', seconds=seconds),
            headers={'Retry-After': str(seconds)})


def _language(request, form=None):
    "The language of the answer: the locale parameter (en, ur), or English"
    value = request.args.get('locale') or (form or {}).get('locale') or ''
    code = value.replace('-', '_').split('_')[0].lower()
    return code if code in dict(LANGUAGES) else 'en'


def _base_url(request):
    "The address of the API's root, as the request came in"
    return request.base_url.rsplit('/open311/v2/', 1)[0] + '/open311/v2/'


# -- values --------------------------------------------------------------

def _datetime(value):
    "A timestamp of the database (naive UTC; a string on SQLite)"
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value


def _iso(value):
    "A stored timestamp (naive, UTC) as ISO 8601 with its time zone"
    value = _datetime(value)
    if value is None:
        return None
    return value.isoformat(timespec='seconds') + 'Z'


def _iso_end_of(value):
    "The end of a stored date (a UTC day: ir.date's today) as ISO 8601"
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return f'{value.isoformat()}T23:59:59Z'


def _parse_datetime(name, value):
    """A date and time sent by the client (ISO 8601, with or without its
    time zone: UTC if none) as a naive UTC timestamp; 400 if it is not"""
    text = value.strip()
    candidates = [text]
    if ' ' in text:
        # "+05:00" sent unencoded in a query string arrives as " 05:00"
        head, _, tail = text.rpartition(' ')
        candidates.append(f'{head}+{tail}')
    for candidate in candidates:
        try:
            parsed = dt.datetime.fromisoformat(candidate)
            if parsed.tzinfo is not None:
                parsed = parsed.astimezone(dt.timezone.utc).replace(
                    tzinfo=None)
        except (ValueError, OverflowError):
            continue
        return parsed
    raise Open311Error(400, _message(
            'date_invalid', name=name, value=_shown(value)))


def _positive(request, name, default, limit):
    value = request.args.get(name)
    if value in (None, ''):
        return default
    try:
        number = int(value)
    except ValueError:
        number = 0
    if not 1 <= number <= limit:
        raise Open311Error(400, _message('number_invalid',
                name=name, value=_shown(value), limit=limit))
    return number


def _codes(value):
    "The items of a comma-separated parameter, in order, once each"
    items = [v.strip() for v in (value or '').split(',')]
    return list(dict.fromkeys(v for v in items if v))


def _exact(value):
    """A coordinate sent by a client, rounded to what is stored (a GPS
    gives more decimals than the 6 kept, 0.1 m); as sent when it is not a
    number, for the portal to refuse"""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return value
    return round(number, EXACT_DECIMALS) if math.isfinite(number) else value


def _coordinate(value, decimals):
    if value is None:
        return None
    value = float(value)
    if not math.isfinite(value):
        return None
    return round(value, decimals)


# -- the filters of the lists --------------------------------------------

class Query:
    """What requests.json (and requests.geojson) were asked: the
    conditions on the application table, the page, the filer's key"""

    def __init__(self, pool, request, numbers=None):
        """numbers: the numbers of the requests asked (the other filters
        do not apply then, as the specification says of
        service_request_id)"""
        self.pool = pool
        self.request = request
        self.numbers = numbers
        self.page_size, self.page = PAGE_SIZE, 1
        if numbers is None:
            args = request.args
            self.categories = self._categories(
                _codes(args.get('service_code')))
            self.states = self._states(
                _codes((args.get('status') or '').lower()))
            self.start, self.end = self._window(
                args.get('start_date'), args.get('end_date'))
            self.page_size = _positive(
                request, 'page_size', PAGE_SIZE, PAGE_SIZE)
            self.page = _positive(request, 'page', 1, MAX_PAGE)

    @staticmethod
    def numbers_of(value):
        """The numbers of a service_request_id parameter (comma-separated),
        or None if there is none"""
        numbers = _codes(value)
        if not numbers:
            return None
        if len(numbers) > PAGE_SIZE:
            raise Open311Error(400, _message('too_many_ids', limit=PAGE_SIZE))
        return [n.upper() for n in numbers if len(n) <= 32]

    def _categories(self, codes):
        "The ids of the categories of codes (active or not); 400 if unknown"
        if not codes:
            return None
        Category = self.pool.get('edaftar.portal.category')
        table = Category.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.id, table.code,
                where=table.code.in_(codes)))
        found = dict((code, id_) for id_, code in cursor)
        for code in codes:
            if code not in found:
                raise Open311Error(400, _message(
                        'service_code_unknown', code=_shown(code)))
        return sorted(found.values())

    def _states(self, statuses):
        for status in statuses:
            if status not in STATES:
                raise Open311Error(400, _message(
                        'status_invalid', value=_shown(status)))
        if not statuses or set(statuses) == set(STATES):
            return None
        return [s for status in statuses for s in STATES[status]]

    def _window(self, start, end):
        try:
            start = _parse_datetime('start_date', start) if start else None
            end = _parse_datetime('end_date', end) if end else None
            if start is None and end is None:
                end = dt.datetime.now()
            if start is None:
                start = end - WINDOW
            elif end is None:
                end = start + WINDOW
        except OverflowError:
            raise Open311Error(400, _message('window_long'))
        if start > end:
            raise Open311Error(400, _message('window_order'))
        if end - start > WINDOW:
            raise Open311Error(400, _message('window_long'))
        return start, end

    def where(self, table):
        "The condition on the application table"
        if self.numbers is not None:
            return table.number.in_(self.numbers or [''])
        condition = ((table.submitted_at >= self.start)
            & (table.submitted_at <= self.end))
        if self.categories:
            condition &= table.category.in_(self.categories)
        if self.states:
            condition &= table.public_state.in_(self.states)
        return condition

    def rows(self, where=None, key=None):
        """The page of applications newest first, as dicts of COLUMNS with
        the code and name of their category and the name of their
        department, and 'description' and 'address' of those filed with
        key when it is given; and whether there are more. One query: the
        window's index read backwards, the category and the department
        by their keys."""
        pool = self.pool
        Application = pool.get('edaftar.portal.application')
        Category = pool.get('edaftar.portal.category')
        Unit = pool.get('edaftar.org.unit')
        table = Application.__table__()
        category = Category.__table__()
        unit = Unit.__table__()
        condition = self.where(table)
        if where is not None:
            condition &= where(table)
        columns = [getattr(table, c) for c in COLUMNS] + [
            category.code, category.name, unit.name]
        names = COLUMNS + ['service_code', 'service_name', 'agency']
        if key is not None:
            own = table.api_key == key.id
            columns += [
                Case((own, table.description), else_=Null),
                Case((own, table.address), else_=Null)]
            names = names + ['description', 'address']
        cursor = Transaction().connection.cursor()
        cursor.execute(*table
            .join(category, condition=category.id == table.category)
            .join(unit, 'LEFT', condition=unit.id == table.department)
            .select(*columns,
                where=condition,
                order_by=[table.submitted_at.desc, table.id.desc],
                limit=self.page_size + 1,
                offset=(self.page - 1) * self.page_size or None))
        rows = [dict(zip(names, r)) for r in cursor]
        more = len(rows) > self.page_size
        rows = rows[:self.page_size]
        key_id = key.id if key is not None else None
        for row in rows:
            row['own'] = key_id is not None and row['api_key'] == key_id
        _translate(pool, rows)
        return rows, more

    def next_link(self):
        "The Link header of the next page"
        args = [(k, v) for k, v in self.request.args.items(multi=True)
            if k != 'page']
        args.append(('page', str(self.page + 1)))
        url = self.request.base_url + '?' + urllib.parse.urlencode(args)
        return f'<{url}>; rel="next"'


def _translate(pool, rows):
    """Name the categories and departments of rows in the language of the
    transaction when it is not the database's (the names stored are in
    that one): one read of the few categories and departments"""
    language = Transaction().language
    if not rows or language == config.get(
            'database', 'language', default='en'):
        return
    Category = pool.get('edaftar.portal.category')
    Unit = pool.get('edaftar.org.unit')
    with Transaction().set_context(active_test=False):
        categories = {c['id']: c['name'] for c in Category.read(
                sorted({r['category'] for r in rows}), ['name'])}
        units = {u['id']: u['name'] for u in Unit.read(
                sorted({r['department'] for r in rows if r['department']}),
                ['name'])}
    for row in rows:
        row['service_name'] = categories.get(
            row['category'], row['service_name'])
        row['agency'] = units.get(row['department'], row['agency'])


def _request(row):
    "A service request of the lists, from a row of Query.rows"
    own = row['own']
    decimals = EXACT_DECIMALS if own else PUBLIC_DECIMALS
    latitude = _coordinate(row['latitude'], decimals)
    longitude = _coordinate(row['longitude'], decimals)
    if latitude is None or longitude is None or (
            row['kind'] == 'application' and not own):
        # An application (a pension, a certificate) concerns a person, not
        # a place: where it was made is nobody else's business.
        latitude = longitude = None
    submitted = _datetime(row['submitted_at'])
    updated = submitted
    for name in ['started_at', 'done_at', 'escalated_at']:
        value = row[name]
        if value is not None:
            value = _datetime(value)
            if value > updated:
                updated = value
    return {
        'service_request_id': row['number'],
        'status': STATUS.get(row['public_state'], 'open'),
        'status_notes': None,
        'service_name': row['service_name'],
        'service_code': row['service_code'],
        'description': row.get('description') if own else None,
        'agency_responsible': row['agency'],
        'service_notice': None,
        'requested_datetime': _iso(submitted),
        'updated_datetime': _iso(updated),
        'expected_datetime': _iso_end_of(row['expected_date']),
        'address': row.get('address') if own else None,
        'address_id': None,
        'zipcode': None,
        'lat': latitude,
        'long': longitude,
        'media_url': None,
        }


def _api_key(pool, value):
    """The active key of value; 403 if value is given and is not one,
    None when no value is given"""
    if value is None:
        return None
    ApiKey = pool.get('edaftar.portal.api_key')
    key = ApiKey.find(value)
    if not key:
        raise Open311Error(403, _message('api_key_invalid'))
    return key


# -- endpoints -------------------------------------------------------------

@route('discovery.json')
def discovery(request, pool):
    "Where the API is and what it speaks (an object, as the spec has it)"
    _rate(request, 'open311_get')
    return _response({
            'changeset': CHANGESET,
            'contact': config.get(
                'edaftar_portal', 'open311_contact', default=''),
            'key_service': config.get(
                'edaftar_portal', 'open311_key_service', default=(
                    "API keys are issued by the portal's administrators.")),
            'endpoints': [{
                    'specification': SPECIFICATION,
                    'url': _base_url(request),
                    'changeset': CHANGESET,
                    'type': 'production',
                    'formats': ['application/json'],
                    }],
            }, public=True)


@route('services.json')
def services(request, pool):
    "The active categories"
    _rate(request, 'open311_get')
    return _services(request, pool)


def _service(category):
    return {
        'service_code': category.code,
        'service_name': category.name,
        'description': category.description or '',
        # The CNIC is asked of every service: see services/<code>.json.
        'metadata': True,
        'type': 'realtime',
        'keywords': category.kind,
        'group': category.group or category.department.name,
        }


@with_transaction()
def _services(request, pool):
    Category = pool.get('edaftar.portal.category')
    with Transaction().set_context(language=_language(request)):
        categories = Category.search([])
        return _response([_service(c) for c in categories], public=True)


@route('services/<code>.json')
def service_definition(request, pool, code):
    "What a service asks beyond the standard fields: the CNIC"
    _rate(request, 'open311_get')
    return _service_definition(request, pool, code)


@with_transaction()
def _service_definition(request, pool, code):
    Category = pool.get('edaftar.portal.category')
    with Transaction().set_context(language=_language(request)):
        if not Category.search([('code', '=', code)], limit=1):
            raise Open311Error(404, _message(
                    'service_unknown', code=_shown(code)))
        return _response({
                'service_code': code,
                'attributes': [{
                        'variable': True,
                        'code': CNIC,
                        'datatype': 'string',
                        'required': True,
                        'datatype_description': (
                            "13 digits, as 12345-1234567-1"),
                        'order': 1,
                        'description': gettext(
                            'edaftar_portal.msg_label_cnic'),
                        }],
                }, public=True)


@route('requests.json', methods=('GET', 'POST'))
def service_requests(request, pool):
    "The requests (GET), or a new one (POST)"
    if request.method == 'POST':
        _rate(request, 'open311_post')
        return _create(request, pool)
    _rate(request, 'open311_get')
    return _requests(request, pool)


@with_transaction()
def _requests(request, pool):
    key = _api_key(pool, request.args.get('api_key'))
    with Transaction().set_context(language=_language(request)):
        query = Query(pool, request,
            Query.numbers_of(request.args.get('service_request_id')))
        rows, more = query.rows(key=key)
        response = _response([_request(r) for r in rows],
            public=key is None)
    if more:
        response.headers['Link'] = query.next_link()
    return response


@route('requests/<number>.json')
def request_by_id(request, pool, number):
    "One request, as a one-element array"
    _rate(request, 'open311_get')
    return _request_by_id(request, pool, number)


@with_transaction()
def _request_by_id(request, pool, number):
    key = _api_key(pool, request.args.get('api_key'))
    number = number.strip().upper()
    with Transaction().set_context(language=_language(request)):
        query = Query(pool, request, [number] if len(number) <= 32 else [])
        rows, _ = query.rows(key=key)
        if not rows:
            raise Open311Error(404, _message(
                    'request_unknown', id=_shown(number)))
        return _response([_request(r) for r in rows], public=key is None)


@route('tokens/<token>.json')
def by_token(request, pool, token):
    "The request of a token given on creation"
    _rate(request, 'open311_get')
    return _token(request, pool, token)


@with_transaction()
def _token(request, pool, token):
    Application = pool.get('edaftar.portal.application')
    table = Application.__table__()
    cursor = Transaction().connection.cursor()
    row = None
    if len(token) <= 64:
        cursor.execute(*table.select(table.number,
                where=table.token == token, limit=1))
        row = cursor.fetchone()
    if not row:
        raise Open311Error(404, _message('token_unknown', token=_shown(token)))
    return _response([{'token': token, 'service_request_id': row[0]}],
        public=True)


@route('requests.geojson')
def requests_geojson(request, pool):
    """The complaints with a place, for maps: a GeoJSON FeatureCollection
    (RFC 7946), public only"""
    _rate(request, 'open311_get')
    return _requests_geojson(request, pool)


@with_transaction()
def _requests_geojson(request, pool):
    with Transaction().set_context(language=_language(request)):
        query = Query(pool, request)
        rows, more = query.rows(where=lambda t: (
                (t.kind == 'complaint')
                & (t.latitude != Null) & (t.longitude != Null)))
        features = []
        for row in rows:
            answer = _request(row)
            if answer['lat'] is None or answer['long'] is None:
                continue
            features.append({
                    'type': 'Feature',
                    'geometry': {
                        'type': 'Point',
                        'coordinates': [answer['long'], answer['lat']],
                        },
                    'properties': {
                        'number': answer['service_request_id'],
                        'status': answer['status'],
                        'service_code': answer['service_code'],
                        'service_name': answer['service_name'],
                        'agency': answer['agency_responsible'],
                        'requested_datetime': answer['requested_datetime'],
                        'updated_datetime': answer['updated_datetime'],
                        },
                    })
    response = _response({
            'type': 'FeatureCollection',
            'features': features,
            }, public=True, content_type=GEOJSON)
    if more:
        response.headers['Link'] = query.next_link()
    return response


def _form(request):
    "The form of a POST; 413 beyond its limit"
    try:
        return request.form, request.files
    except exceptions.RequestEntityTooLarge:
        raise Open311Error(413, _message('too_large',
                limit=max(1, request.max_content_length // (1024 * 1024))))


@with_transaction()
def _create(request, pool):
    """File a request for a citizen: the portal's submission (checked,
    numbered, registered as a receipt of the category's department),
    with the key that filed it"""
    Application = pool.get('edaftar.portal.application')
    Category = pool.get('edaftar.portal.category')
    Configuration = pool.get('edaftar.portal.configuration')
    config_ = Configuration(1)
    request.max_content_length = (
        Configuration.upload_limit() * (config_.max_uploads or 1)
        + FORM_MARGIN)
    value = request.args.get('api_key')
    if value is None:
        form, _ = _form(request)
        value = form.get('api_key')
    if not value:
        raise Open311Error(403, _message('api_key_missing'))
    key = _api_key(pool, value)
    form, files = _form(request)
    language = _language(request, form)

    def text(name):
        return (form.get(name) or '').strip()

    # The citizen's e-mails link to the portal's tracking page.
    portal_url = f'{request.host_url}{pool.database_name}/portal'
    with Transaction().set_context(
            language=language, edaftar_portal_url=portal_url):
        code = text('service_code')
        if not code:
            raise Open311Error(400, _message('service_code_missing'))
        categories = Category.search([('code', '=', code)], limit=1)
        if not categories:
            raise Open311Error(400, _message(
                    'service_code_unknown', code=_shown(code)))
        category, = categories
        name = ' '.join(filter(None, [text('first_name'), text('last_name')]))
        if not name:
            raise Open311Error(400, _message('name_missing'))
        if not text(CNIC_FIELD):
            raise Open311Error(400, _message('cnic_missing'))
        if text('media_url'):
            raise Open311Error(400, _message('media_url'))
        uploads = []
        for storage in files.getlist('media'):
            # Read from the start: the transaction may be tried again.
            storage.stream.seek(0)
            uploads.append((storage.filename or 'media', storage.read()))
        values = {
            'category': category.id,
            'description': form.get('description'),
            'name': name,
            'cnic': form.get(CNIC_FIELD),
            'phone': form.get('phone'),
            'email': form.get('email'),
            'latitude': _exact(form.get('lat')),
            'longitude': _exact(form.get('long')),
            'address': form.get('address_string'),
            }
        try:
            application = Application.submit(
                values, files=uploads, api_key=key, language=language)
        except (UserError, UserWarning) as error:
            raise Open311Error(400, error.message)
        notice = gettext('edaftar_portal.msg_email_subject_new',
            number=application.number)
    return _response([{
                'service_request_id': application.number,
                'token': application.token,
                'service_notice': notice,
                'account_id': None,
                }])
