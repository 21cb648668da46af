# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The Open311 GeoReport v2 API through HTTP (the WSGI application of
trytond, in process): services, filing a request with an API key and a
photo, finding it by number, by dates, by status and by token, the map's
GeoJSON; the refusals (403, 400, 404, 429) as JSON arrays that change
nothing; no personal data in what the public reads."""
import contextlib
import datetime as dt
import json
import re
import struct
import sys
import unittest
import urllib.parse
import zlib
from io import BytesIO

from proteus import Model
from werkzeug.test import Client

import trytond.config as config
from trytond.modules.edaftar_base.tests.tools import (
    Mailbox, message_pattern, message_text, setup_government)
from trytond.pool import Pool
from trytond.protocols.wrappers import Response
from trytond.tests.test_tryton import DB_NAME, drop_db
from trytond.tests.tools import activate_modules, set_user
from trytond.transaction import Transaction
from trytond.wsgi import app

from .tools import CATEGORIES, VALID_CNIC, setup_portal

BASE = f'/{urllib.parse.quote(DB_NAME)}/open311/v2/'
JSON = 'application/json; charset=utf-8'
FROM = 'portal@balochistan.gov.pk'
SGAD = "Services & General Administration"
FINANCE = "Finance"
# A citizen whose every detail is distinctive, to look for in the answers
CITIZEN = {
    'first_name': "Zarghuna",
    'last_name': "Achakzai",
    'email': 'zarghuna.achakzai@example.pk',
    'phone': '0300-1234567',
    'attribute[cnic]': VALID_CNIC,
    }
PERSONAL = [
    "Zarghuna", "Achakzai", 'zarghuna.achakzai', '3001234567',
    '0300-1234567', VALID_CNIC, VALID_CNIC.replace('-', '')]
DESCRIPTION = (
    "No water for three days near the house of Zarghuna, call 0300-1234567")
ADDRESS = "House 12, Street 4, Satellite Town, Quetta"
# As a phone's GPS gives them; stored with 6 decimals
LAT, LONG = 30.1834567, 66.9987654
EXACT = (round(LAT, 6), round(LONG, 6))


def make_png():
    "A 1×1 grey PNG"
    def chunk(kind, data):
        return (struct.pack('>I', len(data)) + kind + data
            + struct.pack('>I', zlib.crc32(kind + data)))
    return (b'\x89PNG\r\n\x1a\n'
        + chunk(b'IHDR', struct.pack('>IIBBBBB', 1, 1, 8, 0, 0, 0, 0))
        + chunk(b'IDAT', zlib.compress(b'\x00\x80'))
        + chunk(b'IEND', b''))


PNG = make_png()
# A Windows program: MZ header pointing at its PE header
EXE = (b'MZ\x90\x00\x03' + bytes(55) + struct.pack('<I', 64) + b'PE\x00\x00'
    + bytes(100))


def reset_rates():
    """Forget the counts of the rate limits, in every copy of the module:
    pytest run on the file imports the package as edaftar_portal too, and
    the routes of the first import serve"""
    for name, module in list(sys.modules.items()):
        if name.endswith('edaftar_portal.ratelimit'):
            module.reset()


def iso(value):
    "A naive UTC datetime as a client sends it, with its offset"
    return value.replace(tzinfo=dt.timezone.utc).isoformat()


def parse(value):
    "A datetime of an answer (ISO 8601, with its time zone)"
    parsed = dt.datetime.fromisoformat(value)
    assert parsed.tzinfo is not None, value
    return parsed.astimezone(dt.timezone.utc).replace(tzinfo=None)


class Open311TestCase(unittest.TestCase):
    "Open311 GeoReport v2"
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.saved = {o: config.get('email', o) for o in ['uri', 'from']}
        cls.mailbox = Mailbox()
        cls.mailbox.start()
        config.set('email', 'uri', cls.mailbox.uri)
        config.set('email', 'from', FROM)
        cls.config = activate_modules(
            'edaftar_portal', setup_government, setup_portal)
        User = Model.get('res.user')
        cls.admin = User(cls.config.user)
        with Transaction().start(DB_NAME, 0):
            ApiKey = Pool().get('edaftar.portal.api_key')
            key, = ApiKey.search([('name', '=', "Test app")])
            cls.key = key.key
            cls.key_id = key.id
        cls.client = Client(app, Response)

    @classmethod
    def tearDownClass(cls):
        cls.mailbox.stop()
        for option, value in cls.saved.items():
            config.set('email', option, value)
        reset_rates()
        drop_db()
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        reset_rates()
        self.mailbox.take()

    def tearDown(self):
        set_user(self.admin)
        if config.has_section('edaftar_portal'):
            for kind in ['open311_post', 'open311_get']:
                config.set('edaftar_portal', f'rate_{kind}', '')
        super().tearDown()

    # -- HTTP ------------------------------------------------------------

    def get(self, path, expect=200, **params):
        "GET path with params; assert the status and JSON; return it"
        response = self.client.get(BASE + path, query_string=params)
        self.assertEqual(response.status_code, expect, response.data)
        self.assertTrue(response.headers['Content-Type'].startswith(
                'application/'), response.headers['Content-Type'])
        return response

    def data(self, response):
        return json.loads(response.get_data(as_text=True))

    def post(self, expect=200, key='query', media=None, **fields):
        """POST a request for a citizen (the CITIZEN, WATER, the place)
        with fields over them (None removes one); key: in the 'query'
        string, the 'form', or a value of api_key in the query"""
        form = {
            'service_code': 'WATER',
            'description': DESCRIPTION,
            'lat': str(LAT), 'long': str(LONG),
            'address_string': ADDRESS,
            **CITIZEN,
            }
        form.update(fields)
        form = {k: v for k, v in form.items() if v is not None}
        query = {}
        if key == 'query':
            query['api_key'] = self.key
        elif key == 'form':
            form['api_key'] = self.key
        elif key is not None:
            query['api_key'] = key
        if media is not None:
            form['media'] = [(BytesIO(data), name) for name, data in media]
        response = self.client.post(
            BASE + 'requests.json', query_string=query, data=form)
        self.assertEqual(response.status_code, expect, response.data)
        self.assertEqual(response.headers['Content-Type'], JSON)
        return response

    def assertError(self, response, code, description=None):
        "The answer is the specification's error: [{code, description}]"
        self.assertEqual(response.status_code, code)
        self.assertEqual(response.headers['Content-Type'], JSON)
        errors = self.data(response)
        self.assertIsInstance(errors, list)
        self.assertEqual(len(errors), 1)
        self.assertEqual(set(errors[0]), {'code', 'description'})
        self.assertEqual(errors[0]['code'], code)
        self.assertTrue(errors[0]['description'])
        if description is not None:
            if isinstance(description, re.Pattern):
                self.assertRegex(errors[0]['description'], description)
            else:
                self.assertEqual(errors[0]['description'], description)
        return errors[0]['description']

    # -- the database ----------------------------------------------------

    def counts(self):
        "The applications, receipts, attachments and movements stored"
        with Transaction().start(DB_NAME, 0, readonly=True):
            pool = Pool()
            return {name: pool.get(model).search_count([])
                for name, model in [
                    ('applications', 'edaftar.portal.application'),
                    ('receipts', 'edaftar.receipt'),
                    ('attachments', 'ir.attachment'),
                    ('movements', 'edaftar.movement'),
                    ]}

    def application(self, number):
        "The stored application of number, as a dict of what is checked"
        with Transaction().start(DB_NAME, 0, readonly=True):
            Application = Pool().get('edaftar.portal.application')
            application, = Application.search([('number', '=', number)])
            receipt = application.receipt
            return {
                'id': application.id,
                'token': application.token,
                'api_key': application.api_key.id,
                'name': application.name,
                'cnic': application.cnic,
                'phone': application.phone,
                'email': application.email,
                'latitude': application.latitude,
                'longitude': application.longitude,
                'category': application.category.code,
                'department': application.department.name,
                'receipt': receipt.id,
                'receipt_mode': receipt.mode,
                'receipt_state': receipt.state,
                'receipt_department': receipt.department.name,
                'holder': receipt.holder.user.login,
                'attachments': sorted(
                    (a.name, bytes(a.data)) for a in application.attachments),
                'public_state': application.public_state,
                }

    def close(self, number, login='so.admin1'):
        "The holder of its receipt closes the case of number"
        receipt_id = self.application(number)['receipt']
        with Transaction().start(DB_NAME, 0):
            pool = Pool()
            Receipt = pool.get('edaftar.receipt')
            User = pool.get('res.user')
            user, = User.search([('login', '=', login)])
            with Transaction().set_user(user.id), \
                    Transaction().set_context(
                        User.get_preferences(context_only=True)), \
                    Transaction().set_context(_check_access=True):
                receipt = Receipt(receipt_id)
                Receipt.write([receipt], {'disposal_remark': "Pipe repaired"})
                Receipt.close([receipt])

    def backdate(self, number, days):
        "Move the submission of number days back"
        with Transaction().start(DB_NAME, 0) as transaction:
            Application = Pool().get('edaftar.portal.application')
            table = Application.__table__()
            application, = Application.search([('number', '=', number)])
            when = application.submitted_at - dt.timedelta(days=days)
            transaction.connection.cursor().execute(*table.update(
                    [table.submitted_at], [when],
                    where=table.id == application.id))

    def set_rate(self, kind, value):
        if not config.has_section('edaftar_portal'):
            config.add_section('edaftar_portal')
        config.set('edaftar_portal', f'rate_{kind}', value)

    def create(self, **fields):
        "File a request (200); return its answer"
        answer, = self.data(self.post(**fields))
        return answer

    @contextlib.contextmanager
    def actor_as_admin(self):
        "Act as the administrator (proteus) for a while"
        user, context = self.config.user, self.config._context
        set_user(self.admin)
        try:
            yield
        finally:
            self.config.user, self.config._context = user, context

    def assertPublic(self, response):
        "What the public reads: no personal data, readable by any site"
        text = response.get_data(as_text=True)
        for value in PERSONAL + [DESCRIPTION, ADDRESS] + [
                str(v) for v in EXACT]:
            self.assertNotIn(value, text)
        self.assertEqual(
            response.headers['Access-Control-Allow-Origin'], '*')

    # -- tests -----------------------------------------------------------

    def test_discovery(self):
        "discovery.json: where the API is and what it speaks"
        response = self.get('discovery.json')
        self.assertEqual(response.headers['Content-Type'], JSON)
        discovery = self.data(response)
        endpoint, = discovery['endpoints']
        self.assertEqual(endpoint['specification'],
            'http://wiki.open311.org/GeoReport_v2')
        self.assertEqual(urllib.parse.unquote(endpoint['url']),
            f'http://localhost/{DB_NAME}/open311/v2/')
        self.assertEqual(endpoint['formats'], ['application/json'])
        self.assertEqual(endpoint['type'], 'production')
        self.assertTrue(parse(discovery['changeset']))
        self.assertIn('key_service', discovery)

    def test_services(self):
        "services.json: the active categories, their department as group"
        response = self.get('services.json')
        self.assertEqual(response.headers['Content-Type'], JSON)
        self.assertEqual(response.headers['Access-Control-Allow-Origin'], '*')
        services = self.data(response)
        expected = {code: (name, kind, department)
            for code, name, kind, department, _, _ in CATEGORIES}
        self.assertEqual({s['service_code'] for s in services}, set(expected))
        for service in services:
            name, kind, department = expected[service['service_code']]
            self.assertEqual(service, {
                    'service_code': service['service_code'],
                    'service_name': name,
                    'description': '',
                    'metadata': True,
                    'type': 'realtime',
                    'keywords': kind,
                    'group': SGAD if department == 'SGAD' else FINANCE,
                    })

    def test_service_definition(self):
        "services/<code>.json: the CNIC attribute; 404 for an unknown one"
        definition = self.data(self.get('services/WATER.json'))
        self.assertEqual(definition['service_code'], 'WATER')
        attribute, = definition['attributes']
        self.assertEqual(attribute['code'], 'cnic')
        self.assertIs(attribute['required'], True)
        self.assertIs(attribute['variable'], True)
        self.assertEqual(attribute['datatype'], 'string')
        self.assertError(self.get('services/NOPE.json', 404), 404,
            'There is no service NOPE.')

    def test_inactive_service(self):
        "A category made inactive is no service: not listed, not filed"
        Category = Model.get('edaftar.portal.category')
        roads, = Category.find([('code', '=', 'ROADS')])
        roads.active = False
        roads.save()
        try:
            codes = {s['service_code']
                for s in self.data(self.get('services.json'))}
            self.assertEqual(codes, {'WATER', 'PENSION'})
            self.assertError(self.get('services/ROADS.json', 404), 404)
            before = self.counts()
            self.assertError(self.post(400, service_code='ROADS'), 400,
                'service_code "ROADS" is not a service of this server: '
                'see services.json.')
            self.assertEqual(self.counts(), before)
        finally:
            roads.active = True
            roads.save()

    def test_round_trip(self):
        """File a complaint with the key in the query string and a photo;
        find it by number, dates, status and token; closed by its holder,
        it is closed"""
        before = self.counts()
        started = dt.datetime.utcnow()
        response = self.post(media=[('leak.png', PNG)])
        self.assertNotIn('Access-Control-Allow-Origin', response.headers)
        answer, = self.data(response)
        self.assertEqual(set(answer), {
                'service_request_id', 'token', 'service_notice',
                'account_id'})
        number = answer['service_request_id']
        self.assertRegex(number, r'^BCP-\d{4}-\d{7}$')
        self.assertIsNone(answer['account_id'])
        self.assertIn(number, answer['service_notice'])
        after = self.counts()
        self.assertEqual(after['applications'], before['applications'] + 1)
        self.assertEqual(after['receipts'], before['receipts'] + 1)
        self.assertEqual(after['attachments'], before['attachments'] + 1)

        # Registered as a receipt of the portal, in the category's
        # department, in the hands of its focal person
        stored = self.application(number)
        self.assertEqual(stored['token'], answer['token'])
        self.assertEqual(stored['api_key'], self.key_id)
        self.assertEqual(stored['category'], 'WATER')
        self.assertEqual(stored['receipt_mode'], 'portal')
        self.assertEqual(stored['receipt_state'], 'registered')
        self.assertEqual(stored['receipt_department'], SGAD)
        self.assertEqual(stored['holder'], 'so.admin1')
        self.assertEqual(stored['name'], "Zarghuna Achakzai")
        self.assertEqual(stored['cnic'], VALID_CNIC)
        self.assertEqual(stored['phone'], '+923001234567')
        self.assertEqual(stored['email'], CITIZEN['email'])
        self.assertEqual(
            (stored['latitude'], stored['longitude']), EXACT)
        self.assertEqual(stored['attachments'], [('leak.png', PNG)])
        # The citizen is told by e-mail
        (_, to, message), = self.mailbox.take()
        self.assertEqual(to, [CITIZEN['email']])
        self.assertIn(number, message['Subject'])

        # By number: a one-element array, public
        response = self.get(f'requests/{number}.json')
        self.assertEqual(response.headers['Content-Type'], JSON)
        self.assertPublic(response)
        request, = self.data(response)
        requested = parse(request['requested_datetime'])
        self.assertLess(
            abs(requested - dt.datetime.utcnow()), dt.timedelta(minutes=5))
        self.assertEqual(request, {
                'service_request_id': number,
                'status': 'open',
                'status_notes': None,
                'service_name': "Water supply",
                'service_code': 'WATER',
                'description': None,
                'agency_responsible': SGAD,
                'service_notice': None,
                'requested_datetime': request['requested_datetime'],
                'updated_datetime': request['requested_datetime'],
                'expected_datetime': (
                    f'{(requested.date() + dt.timedelta(days=7))}'
                    'T23:59:59Z'),
                'address': None,
                'address_id': None,
                'zipcode': None,
                'lat': 30.183,
                'long': 66.999,
                'media_url': None,
                })
        self.assertTrue(request['requested_datetime'].endswith('Z'))
        # ... lower case, with its spaces
        self.assertEqual(
            self.data(self.get(f'requests/ {number.lower()}.json')), [request])

        # By dates (with their time zone) and status
        # From just before it was filed (the requests of the other tests
        # are older), the start in Pakistan's time
        window = {
            'start_date': started.replace(tzinfo=dt.timezone.utc).astimezone(
                dt.timezone(dt.timedelta(hours=5))).isoformat(),
            'end_date': iso(started + dt.timedelta(minutes=1)),
            }

        def numbers(**params):
            response = self.get('requests.json', **params)
            self.assertPublic(response)
            return [r['service_request_id'] for r in self.data(response)]

        self.assertEqual(numbers(**window), [number])
        self.assertEqual(numbers(**window, status='open'), [number])
        self.assertEqual(numbers(**window, status='closed'), [])
        self.assertEqual(numbers(**window, service_code='WATER'), [number])
        self.assertEqual(numbers(**window, service_code='ROADS,PENSION'), [])
        self.assertIn(number, numbers())
        self.assertEqual(numbers(start_date=iso(
                    started + dt.timedelta(minutes=1))), [])

        # By token
        response = self.get(f'tokens/{answer["token"]}.json')
        self.assertEqual(self.data(response), [
                {'token': answer['token'], 'service_request_id': number}])

        # Closed by its holder: closed
        self.close(number)
        self.assertEqual(self.application(number)['public_state'], 'done')
        self.assertEqual(numbers(**window, status='closed'), [number])
        self.assertEqual(numbers(**window, status='open'), [])
        self.assertEqual(numbers(**window, status='open,closed'), [number])
        request, = self.data(self.get(f'requests/{number}.json'))
        self.assertEqual(request['status'], 'closed')
        # Updated when closed (filed a day before, to tell the times apart)
        self.backdate(number, 1)
        request, = self.data(self.get(f'requests/{number}.json'))
        self.assertEqual(parse(request['requested_datetime']),
            requested - dt.timedelta(days=1))
        self.assertGreaterEqual(
            parse(request['updated_datetime']), requested)

    def test_key_in_form(self):
        "The key may come in the form body, the request without media"
        before = self.counts()
        answer = self.create(key='form', media=None)
        after = self.counts()
        self.assertEqual(after['applications'], before['applications'] + 1)
        self.assertEqual(after['attachments'], before['attachments'])
        self.assertEqual(
            self.application(answer['service_request_id'])['api_key'],
            self.key_id)

    def test_filer_reads_its_own(self):
        """With its key, the application that filed a request reads its
        description, address and exact place; not those of others"""
        mine = self.create()['service_request_id']
        ApiKey = Model.get('edaftar.portal.api_key')
        other = ApiKey(name="Other app")
        other.save()
        theirs = self.create(key=other.key)['service_request_id']
        try:
            request, = self.data(self.get(
                    f'requests/{mine}.json', api_key=self.key))
            self.assertEqual(request['description'], DESCRIPTION)
            self.assertEqual(request['address'], ADDRESS)
            self.assertEqual(
                (request['lat'], request['long']), EXACT)
            response = self.get(f'requests/{theirs}.json', api_key=self.key)
            self.assertNotIn('Access-Control-Allow-Origin', response.headers)
            self.assertEqual(response.headers['Cache-Control'], 'no-store')
            request, = self.data(response)
            self.assertIsNone(request['description'])
            self.assertIsNone(request['address'])
            self.assertEqual(
                (request['lat'], request['long']), (30.183, 66.999))
            by_number = {r['service_request_id']: r for r in self.data(
                    self.get('requests.json', api_key=self.key,
                        service_request_id=f'{mine},{theirs}'))}
            self.assertEqual(by_number[mine]['description'], DESCRIPTION)
            self.assertIsNone(by_number[theirs]['description'])
            # Never who the citizen is, even to the filer
            text = self.get('requests.json', api_key=self.key).get_data(
                as_text=True)
            for value in ["Achakzai", CITIZEN['email'], VALID_CNIC,
                    '+923001234567']:
                self.assertNotIn(value, text)
            # A wrong key is refused, not ignored
            self.assertError(self.get(
                    f'requests/{mine}.json', 403, api_key='wrong'), 403)
        finally:
            other.active = False
            other.save()

    def test_application_place_withheld(self):
        "The public is not told where an application (not a complaint) was"
        number = self.create(service_code='PENSION')['service_request_id']
        self.assertEqual(self.application(number)['holder'], 'registrar.fin')
        request, = self.data(self.get(f'requests/{number}.json'))
        self.assertEqual(request['agency_responsible'], FINANCE)
        self.assertEqual((request['lat'], request['long']), (None, None))
        request, = self.data(self.get(
                f'requests/{number}.json', api_key=self.key))
        self.assertEqual((request['lat'], request['long']), EXACT)
        features = self.data(self.get('requests.geojson'))['features']
        self.assertNotIn(number, [f['properties']['number'] for f in features])

    def test_forbidden(self):
        "No key, a wrong key, an inactive key: 403, nothing stored"
        ApiKey = Model.get('edaftar.portal.api_key')
        inactive = ApiKey(name="Retired app")
        inactive.save()
        inactive.active = False
        inactive.save()
        before = self.counts()
        self.assertError(self.post(403, key=None), 403,
            "api_key was not provided: the applications that file requests "
            "get a key from the portal's administrators.")
        for key in ['wrong', inactive.key, self.key + 'x', '']:
            with self.subTest(key=key):
                self.assertError(self.post(403, key=key), 403)
        self.assertEqual(self.counts(), before)
        self.assertEqual(self.mailbox.take(), [])

    def test_bad_input(self):
        "Each bad request is refused (400) with its reason; nothing stored"
        with self.actor_as_admin():
            cnic_invalid = message_text(self.config,
                'edaftar_portal.msg_cnic_invalid', cnic='12345')
            phone_invalid = message_text(self.config,
                'edaftar_portal.msg_phone_invalid', phone='12345')
            email_invalid = message_text(self.config,
                'edaftar_portal.msg_email_invalid', email='nobody')
            location_invalid = message_text(self.config,
                'edaftar_portal.msg_location_invalid')
            # (the type as libmagic names it)
            exe = message_pattern(self.config,
                'edaftar_dak.msg_attachment_type')
            required = {field: message_text(self.config,
                    'edaftar_portal.msg_field_required',
                    field=message_text(self.config,
                        f'edaftar_portal.msg_label_{field}'))
                for field in ['description', 'email', 'phone']}
        cases = [
            ({'service_code': None}, "service_code was not provided."),
            ({'service_code': 'NOPE'},
                'service_code "NOPE" is not a service of this server: see '
                'services.json.'),
            ({'attribute[cnic]': None},
                "attribute[cnic] was not provided: the citizen's CNIC (13 "
                "digits, as 12345-1234567-1) is required."),
            ({'attribute[cnic]': '12345'}, cnic_invalid),
            ({'first_name': None, 'last_name': None},
                "first_name and last_name were not provided: the citizen's "
                "name is required."),
            ({'description': None}, required['description']),
            ({'description': '   '}, required['description']),
            ({'email': None}, required['email']),
            ({'email': 'nobody'}, email_invalid),
            ({'phone': None}, required['phone']),
            ({'phone': '12345'}, phone_invalid),
            ({'lat': '91', 'long': '66'}, location_invalid),
            ({'lat': 'north'}, location_invalid),
            ({'media_url': 'http://example.com/leak.png'},
                "media_url is not supported: send the photo as the file "
                "field media of a multipart/form-data request."),
            ({'media': [('photo.png', EXE)]}, exe),
            ]
        before = self.counts()
        for fields, description in cases:
            with self.subTest(fields=fields):
                media = fields.pop('media', None)
                self.assertError(
                    self.post(400, media=media, **fields), 400, description)
                fields['media'] = media
        self.assertEqual(self.counts(), before)
        self.assertEqual(self.mailbox.take(), [])

    def test_bad_query(self):
        "Bad parameters of requests.json and requests.geojson: 400"
        now = dt.datetime.utcnow()
        cases = [
            ({'start_date': iso(now - dt.timedelta(days=91)),
                    'end_date': iso(now)},
                "start_date and end_date are more than 90 days apart: ask "
                "for 90 days at most."),
            ({'start_date': iso(now), 'end_date': iso(
                        now - dt.timedelta(days=1))},
                "start_date is after end_date."),
            ({'start_date': 'yesterday'},
                'start_date "yesterday" is not an ISO 8601 date and time, '
                'as 2025-01-31T09:30:00+05:00.'),
            ({'end_date': '2025-13-01'},
                re.compile(r'^end_date "2025-13-01" is not')),
            ({'status': 'pending'},
                'status "pending" is neither open nor closed.'),
            ({'service_code': 'WATER,NOPE'},
                'service_code "NOPE" is not a service of this server: see '
                'services.json.'),
            ({'page_size': '0'},
                'page_size "0" is not a whole number from 1 to 1000.'),
            ({'page': 'two'},
                'page "two" is not a whole number from 1 to 10000.'),
            ]
        for path in ['requests.json', 'requests.geojson']:
            for params, description in cases:
                with self.subTest(path=path, params=params):
                    self.assertError(
                        self.get(path, 400, **params), 400, description)
        self.assertError(self.get('requests.json', 400,
                service_request_id=','.join(
                    f'BCP-2025-{i:07d}' for i in range(1001))), 400)

    def test_window(self):
        """The default window is the last 90 days; one of 90 days exactly
        is allowed; dates are read with their time zone"""
        number = self.create()['service_request_id']
        self.backdate(number, 100)
        requested = parse(self.data(self.get(
                    f'requests/{number}.json'))[0]['requested_datetime'])

        def numbers(**params):
            return [r['service_request_id']
                for r in self.data(self.get('requests.json', **params))]

        self.assertNotIn(number, numbers())
        self.assertNotIn(number, numbers(status='open'))
        start = requested - dt.timedelta(days=1)
        self.assertIn(number, numbers(start_date=iso(start)))
        self.assertIn(number, numbers(
                start_date=iso(start),
                end_date=iso(start + dt.timedelta(days=90))))
        self.assertIn(number, numbers(
                end_date=iso(requested + dt.timedelta(days=1))))
        # By number, whatever its age
        self.assertEqual(numbers(service_request_id=number), [number])
        # A date with an offset: the same instant
        karachi = dt.timezone(dt.timedelta(hours=5))
        local = requested.replace(tzinfo=dt.timezone.utc).astimezone(karachi)
        self.assertEqual(numbers(
                start_date=(local - dt.timedelta(seconds=1)).isoformat(),
                end_date=(local + dt.timedelta(seconds=1)).isoformat()),
            [number])
        self.assertEqual(numbers(
                start_date=(local + dt.timedelta(seconds=1)).isoformat(),
                end_date=(local + dt.timedelta(minutes=1)).isoformat()),
            [])
        # ... its "+" sent unencoded (read as a space)
        response = self.client.get(BASE + 'requests.json?start_date='
            + (local - dt.timedelta(seconds=1)).replace(
                microsecond=0).isoformat()
            + '&end_date=' + (local + dt.timedelta(seconds=1)).replace(
                microsecond=0).isoformat())
        self.assertEqual(response.status_code, 200, response.data)
        self.assertEqual(
            [r['service_request_id'] for r in self.data(response)], [number])

    def test_paging(self):
        "Newest first, page by page, a Link to the next page"
        # From just before (the requests of the other tests are older)
        start = iso(dt.datetime.utcnow())
        numbers = [self.create(service_code='ROADS')['service_request_id']
            for _ in range(3)]
        response = self.get('requests.json', service_code='ROADS',
            page_size='2', start_date=start)
        self.assertEqual(
            [r['service_request_id'] for r in self.data(response)],
            numbers[::-1][:2])
        link = response.headers['Link']
        self.assertRegex(link, r'^<http://localhost/.*>; rel="next"$')
        url = urllib.parse.urlsplit(link[1:link.index('>')])
        params = dict(urllib.parse.parse_qsl(url.query))
        self.assertEqual(params, {
                'service_code': 'ROADS', 'page_size': '2', 'start_date': start,
                'page': '2'})
        response = self.client.get(url.path, query_string=params)
        self.assertEqual(
            [r['service_request_id'] for r in self.data(response)],
            numbers[:1])
        self.assertNotIn('Link', response.headers)

    def test_upload_limits(self):
        """A photo over the configured limit: the portal's refusal (400);
        a body over the limit and the form: 413; nothing stored"""
        Configuration = Model.get('edaftar.portal.configuration')
        configuration = Configuration(1)
        saved = configuration.max_upload_size, configuration.max_uploads
        configuration.max_upload_size, configuration.max_uploads = 1, 1
        configuration.save()
        try:
            with self.actor_as_admin():
                too_large = message_text(self.config,
                    'edaftar_portal.msg_file_too_large',
                    name='leak.png', limit=1)
            big = PNG + bytes(1024 * 1024)
            before = self.counts()
            self.assertError(self.post(400, media=[('leak.png', big)]), 400,
                too_large)
            self.assertError(self.post(413, media=[
                        ('leak.png', PNG + bytes(3 * 1024 * 1024))]), 413,
                "The request is larger than 2 MB.")
            self.assertEqual(self.counts(), before)
            self.assertEqual(self.mailbox.take(), [])
        finally:
            configuration.max_upload_size, configuration.max_uploads = saved
            configuration.save()

    def test_cors(self):
        """Any site may read the public answers (errors too), not the
        filer's nor the POST's"""
        for path, params, code in [
                ('services.json', {}, 200),
                ('requests.json', {}, 200),
                ('requests.json', {'status': 'pending'}, 400),
                ('requests/BCP-1999-0000001.json', {}, 404),
                ]:
            with self.subTest(path=path, params=params):
                response = self.get(path, code, **params)
                self.assertEqual(
                    response.headers['Access-Control-Allow-Origin'], '*')
        response = self.client.head(BASE + 'services.json')
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.data, b'')
        response = self.get('requests.json', api_key=self.key)
        self.assertNotIn('Access-Control-Allow-Origin', response.headers)
        self.assertEqual(response.headers['Cache-Control'], 'no-store')
        response = self.post(403, key=None)
        self.assertNotIn('Access-Control-Allow-Origin', response.headers)

    def test_not_found(self):
        "Unknown request, token, service, path: 404 in JSON"
        for path, description in [
                ('requests/BCP-1999-0000001.json',
                    'There is no service request BCP-1999-0000001.'),
                ('tokens/no-such-token.json',
                    'There is no token no-such-token.'),
                ('services/NOPE.json', 'There is no service NOPE.'),
                ('requests/' + 'X' * 40 + '.json', None),
                ('tokens/' + 'x' * 100 + '.json', None),
                ]:
            with self.subTest(path=path):
                self.assertError(self.get(path, 404), 404, description)
        # A database that is not there
        response = self.client.get(
            '/no_such_database/open311/v2/services.json')
        self.assertError(response, 404, 'Not found.')

    def test_method_not_allowed(self):
        "Another method: 405 in JSON"
        response = self.client.delete(BASE + 'requests.json')
        self.assertError(response, 405)
        self.assertEqual(response.headers['Allow'], 'GET, HEAD, POST')
        response = self.client.post(BASE + 'services.json')
        self.assertError(response, 405)

    def test_no_personal_data(self):
        "Nothing the public reads names the citizen or repeats their text"
        number = self.create(media=[('leak.png', PNG)])['service_request_id']
        token = self.application(number)['token']
        for path, params in [
                ('requests.json', {}),
                ('requests.json', {'service_request_id': number}),
                ('requests.json', {'status': 'open', 'service_code': 'WATER'}),
                (f'requests/{number}.json', {}),
                (f'tokens/{token}.json', {}),
                ('requests.geojson', {}),
                ('services.json', {}),
                ]:
            with self.subTest(path=path, params=params):
                self.assertPublic(self.get(path, **params))

    def test_geojson(self):
        "requests.geojson: the complaints as points for a map"
        number = self.create()['service_request_id']
        other = self.create(
            service_code='ROADS', lat=None, long=None)['service_request_id']
        response = self.get('requests.geojson')
        self.assertEqual(response.headers['Content-Type'],
            'application/geo+json; charset=utf-8')
        self.assertPublic(response)
        collection = self.data(response)
        self.assertEqual(collection['type'], 'FeatureCollection')
        features = {f['properties']['number']: f
            for f in collection['features']}
        # Without a place, a complaint is not on the map
        self.assertNotIn(other, features)
        feature = features[number]
        self.assertEqual(feature['type'], 'Feature')
        self.assertEqual(feature['geometry'], {
                'type': 'Point', 'coordinates': [66.999, 30.183]})
        properties = feature['properties']
        self.assertEqual(properties, {
                'number': number,
                'status': 'open',
                'service_code': 'WATER',
                'service_name': "Water supply",
                'agency': SGAD,
                'requested_datetime': properties['requested_datetime'],
                'updated_datetime': properties['updated_datetime'],
                })
        parse(properties['requested_datetime'])
        for f in collection['features']:
            longitude, latitude = f['geometry']['coordinates']
            self.assertEqual(round(longitude, 3), longitude)
            self.assertEqual(round(latitude, 3), latitude)
        # Filtered as requests.json
        self.assertEqual(self.data(self.get(
                    'requests.geojson', status='closed',
                    service_code='WATER'))['features'],
            [f for f in collection['features']
                if f['properties']['status'] == 'closed'
                and f['properties']['service_code'] == 'WATER'])
        self.assertIn(number, [f['properties']['number']
                for f in self.data(self.get('requests.geojson',
                        service_code='WATER', status='open'))['features']])

    def test_rate_limit(self):
        "Past the rate of an address: 429 with Retry-After; nothing stored"
        self.set_rate('open311_post', '2/3600')
        self.create()
        self.create()
        before = self.counts()
        response = self.post(429)
        self.assertError(response, 429, re.compile(
                r'^Too many requests from your address: try again in \d+ '
                r'seconds\.$'))
        self.assertGreater(int(response.headers['Retry-After']), 3500)
        self.assertEqual(self.counts(), before)
        # Reading is counted apart
        self.set_rate('open311_get', '2/60')
        self.get('services.json')
        self.get('requests.json')
        response = self.get('requests.json', 429)
        self.assertError(response, 429)
        self.assertGreater(int(response.headers['Retry-After']), 0)
        reset_rates()
        self.get('requests.json')

    def test_urdu(self):
        "locale=ur: the portal's refusals in Urdu"
        with Transaction().start(DB_NAME, 0, readonly=True, context={
                    'language': 'ur'}):
            from trytond.i18n import gettext
            urdu = gettext('edaftar_portal.msg_cnic_invalid', cnic='12345')
            english = gettext('edaftar_portal.msg_cnic_invalid',
                'en', cnic='12345')
        self.assertNotEqual(urdu, english)
        before = self.counts()
        self.assertError(self.post(
                400, locale='ur', **{'attribute[cnic]': '12345'}), 400, urdu)
        self.assertError(self.post(
                400, locale='en', **{'attribute[cnic]': '12345'}), 400,
            english)
        self.assertEqual(self.counts(), before)

    def test_urdu_api_refusals(self):
        "locale=ur: the API's own refusals in Urdu too"
        with Transaction().start(DB_NAME, 0, readonly=True, context={
                    'language': 'ur'}):
            from trytond.i18n import gettext
            urdu = gettext('edaftar_portal.msg_open311_service_code_missing')
            english = gettext(
                'edaftar_portal.msg_open311_service_code_missing', 'en')
        self.assertNotEqual(urdu, english)
        before = self.counts()
        self.assertError(
            self.post(400, locale='ur', service_code=''), 400, urdu)
        self.assertError(
            self.post(400, locale='en', service_code=''), 400, english)
        self.assertEqual(self.counts(), before)
