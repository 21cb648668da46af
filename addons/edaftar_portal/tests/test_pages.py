# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The citizen portal's pages, through HTTP (werkzeug's test client on
trytond's WSGI application, in process, on the test database): a citizen
signs up with the link of the e-mail really received, logs in, applies with
a photo, follows the timeline and the discussion with the officer, rates the
answer and appeals; the public tracking tells status and dates only; another
citizen sees nothing of it; bad input is refused with a clear message and
nothing stored; every form needs its token; rate limits, security headers,
cookies and the Urdu pages."""
import datetime as dt
import html
import io
import re
import struct
import unittest
import urllib.parse
import zlib
from html.parser import HTMLParser

from werkzeug.test import Client

import trytond.config as config
from trytond.modules.edaftar_base.tests.tools import (
    Actor, Mailbox, setup_government)
from trytond.modules.edaftar_portal import ratelimit
from trytond.modules.edaftar_portal.application import distance
from trytond.modules.edaftar_portal.tests.tools import (
    OTHER_CNIC, VALID_CNIC, setup_portal)
from trytond.pool import Pool
from trytond.protocols.wrappers import Response
from trytond.tests.test_tryton import DB_NAME, drop_db
from trytond.tests.tools import activate_modules
from trytond.transaction import (
    Transaction, TransactionError)
from trytond.wsgi import app

from trytond.modules.edaftar_portal import routes

FROM = 'portal@gob.example'
PASSWORD = 'citizen-password-1'
APPLICATION = 'edaftar.portal.application'
RECEIPT = 'edaftar.receipt'
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data: https://tile.openstreetmap.org; "
    "connect-src 'self'; font-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'")
MB = 1024 * 1024
# Quetta, Sariab Road
POINT = ('30.158400', '66.996100')
URDU_HOME_TITLE = 'شہری خدمات'


def png(width=2, height=2):
    "A small, valid PNG image"
    def chunk(kind, data):
        return (struct.pack('>I', len(data)) + kind + data
            + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff))
    raw = b''.join(b'\x00' + b'\x80\x40\x20' * width for _ in range(height))
    return (b'\x89PNG\r\n\x1a\n'
        + chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0))
        + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))


class Forms(HTMLParser):
    "The forms of a page: {id: {'action', 'method', 'fields'}}"

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.forms, self.form, self.textarea = {}, None, None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == 'form':
            self.form = self.forms[attrs.get('id')] = {
                'action': attrs.get('action'),
                'method': attrs.get('method', 'get'), 'fields': {}}
        elif self.form is None:
            return
        elif tag == 'input' and attrs.get('name') and (
                attrs.get('type') not in {'radio', 'checkbox', 'file',
                    'submit'} or 'checked' in attrs):
            self.form['fields'][attrs['name']] = attrs.get('value') or ''
        elif tag == 'textarea':
            self.textarea = attrs['name']
            self.form['fields'][self.textarea] = ''

    def handle_data(self, data):
        if self.form is not None and self.textarea:
            self.form['fields'][self.textarea] += data

    def handle_endtag(self, tag):
        if tag == 'form':
            self.form = None
        elif tag == 'textarea':
            self.textarea = None


def as_server(func):
    """Run func() as the server in a transaction of its own, again with
    the locks it asks for; return its result"""
    extras = {}
    while True:
        with Transaction().start(DB_NAME, 0, **extras) as transaction:
            try:
                return func()
            except TransactionError as error:
                transaction.rollback()
                error.fix(extras)


def counts():
    "How many applications, receipts, attachments, portal accounts there are"
    with Transaction().start(DB_NAME, 0, readonly=True):
        pool = Pool()
        return {
            'applications': pool.get(APPLICATION).search([], count=True),
            'receipts': pool.get(RECEIPT).search([], count=True),
            'attachments': pool.get('ir.attachment').search(
                [], count=True),
            'accounts': pool.get('web.user').search(
                [('active', 'in', [True, False])], count=True),
            'messages': pool.get('ir.chat.message').search([], count=True),
            }


def read_case(number):
    "What the database holds of the application of number"
    with Transaction().start(DB_NAME, 0, readonly=True):
        Application = Pool().get(APPLICATION)
        case, = Application.search([('number', '=', number)])
        return {
            'id': case.id, 'receipt': case.receipt.id,
            'holder': case.receipt.holder.user.login,
            'public_state': case.public_state, 'rating': case.rating,
            'reopened': case.reopened, 'escalated': case.escalated,
            'description': case.description,
            'attachments': sorted(a.name for a in case.attachments),
            'web_user': case.web_user.email if case.web_user else None,
            'followers': sorted(f.email for f in case.followers),
            }


def text_of(msg):
    "The headers and the decoded text of every part of an e-mail"
    return '\n'.join([f'{k}: {v}' for k, v in msg.items()] + [
            part.get_content() for part in msg.walk()
            if not part.is_multipart()])


class Visitor:
    "A browser: a cookie jar on the portal, from an address of its own"
    count = 0

    def __init__(self, test, address=None):
        if address is None:
            Visitor.count += 1
            address = f'10.9.{Visitor.count // 250}.{Visitor.count % 250 + 1}'
        self.test = test
        self.client = Client(app, Response)
        self.environ = {'REMOTE_ADDR': address}
        self.base = f'/{DB_NAME}/portal/'

    def get(self, path='', **kwargs):
        response = self.client.get(
            self.base + path, environ_base=self.environ, **kwargs)
        self.test.check_page(response)
        return response

    def post(self, path, data, **kwargs):
        response = self.client.post(
            self.base + path, data=data, environ_base=self.environ, **kwargs)
        self.test.check_page(response)
        return response

    def form(self, path, form_id):
        "The fields of form_id of the page at path (with its token)"
        response = self.get(path)
        self.test.assertEqual(response.status_code, 200, response.text)
        return self.form_of(response, form_id)

    def form_of(self, response, form_id):
        forms = Forms(response.text).forms
        self.test.assertIn(form_id, forms, response.text)
        return dict(forms[form_id]['fields'])

    def submit(self, path, form_id, action=None, files=None, **values):
        "Fill form_id of the page at path with values and post it"
        data = self.form(path, form_id)
        data.update(values)
        if files is not None:
            data['files'] = [(io.BytesIO(content), name)
                for name, content in files]
        return self.post(action or path, data)

    def cookie(self, name):
        return self.client.get_cookie(name, path=self.base)


class PagesTestCase(unittest.TestCase):
    "The citizen portal's pages"
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.saved = {o: config.get('email', o) for o in ['uri', 'from']}
        if not config.has_section('edaftar_portal'):
            config.add_section('edaftar_portal')
        # Many applications from one address here: test_rate_limit checks
        # the limits.
        config.set('edaftar_portal', 'rate_apply', '1000/3600')
        cls.mailbox = Mailbox()
        cls.mailbox.start()
        config.set('email', 'uri', cls.mailbox.uri)
        config.set('email', 'from', FROM)
        cls.config = activate_modules(
            'edaftar_portal', setup_government, setup_portal)
        cls.actor = Actor(cls.config)

        def setup():
            pool = Pool()
            Configuration = pool.get('edaftar.portal.configuration')
            Category = pool.get('edaftar.portal.category')
            # Small limits: 5 MB a file, 3 files, about 16 MB a form
            Configuration.write([Configuration(1)], {
                    'max_upload_size': 5, 'max_uploads': 3})
            return {c.code: c.id for c in Category.search([])}
        cls.categories = as_server(setup)
        with Transaction().start(DB_NAME, 0, readonly=True):
            cls.password_hash = Pool().get('web.user').hash_password(
                PASSWORD)
        cls.mailbox.take()
        cls.citizens = 0

    @classmethod
    def tearDownClass(cls):
        cls.mailbox.stop()
        for option, value in cls.saved.items():
            config.set('email', option, value)
        config.set('edaftar_portal', 'rate_apply', '')
        drop_db()
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        ratelimit.reset()
        self.mailbox.take()

    # -- checks of every answer ---------------------------------------

    def check_page(self, response):
        "The security headers, and no inline script or style in HTML"
        headers = response.headers
        self.assertEqual(headers['Content-Security-Policy'], CSP)
        self.assertEqual(headers['X-Content-Type-Options'], 'nosniff')
        self.assertEqual(headers['Referrer-Policy'], 'same-origin')
        self.assertEqual(headers['X-Frame-Options'], 'DENY')
        if response.mimetype == 'text/html':
            self.assertEqual(headers['Cache-Control'], 'no-store')
            text = response.text
            for script in re.findall(r'<script\b[^>]*>', text, re.I):
                self.assertRegex(script, r'\bsrc="', script)
            self.assertNotRegex(text, r'<script\b[^>]*>[^<\s]')
            self.assertNotRegex(text, r'(?i)<style\b')
            self.assertNotRegex(text, r'(?i)\sstyle\s*=')
            self.assertNotRegex(text, r'(?i)<[^>]+\son[a-z]+\s*=')
            self.assertNotRegex(text, r'(?i)javascript:')
            # Every text is a message (no id shown for a missing one)
            self.assertNotIn('msg_page_', text)
            for form in Forms(text).forms.values():
                if form['method'] == 'post':
                    self.assertIn('csrf_token', form['fields'])

    def assertStatus(self, response, status):
        self.assertEqual(response.status_code, status,
            response.text if response.mimetype.startswith('text/')
            else response.mimetype)

    def assertShows(self, response, text):
        "The page shows text (escaped as HTML)"
        self.assertIn(html.escape(text, quote=False), response.text)

    def assertStep(self, response, step, state):
        "The timeline shows step as state (reached or pending)"
        self.assertRegex(response.text,
            rf'<li class="step {state}" id="step-{step}">')

    def assertRedirect(self, response, path):
        self.assertStatus(response, 303)
        location = urllib.parse.urlsplit(response.headers['Location'])
        self.assertEqual(
            location.path + (f'?{location.query}' if location.query else '')
            + (f'#{location.fragment}' if location.fragment else ''),
            f'/{DB_NAME}/portal/{path}')

    def message(self, message_id, language='en', **variables):
        from trytond.i18n import gettext
        with Transaction().start(DB_NAME, 0, readonly=True, context={
                    'language': language}):
            return gettext(f'edaftar_portal.{message_id}', **variables)

    def mails_to(self, address):
        return [msg for _, to, msg in self.mailbox.take()
            if address in to]

    # -- acts -------------------------------------------------------------

    @classmethod
    def new_email(cls, name):
        cls.citizens += 1
        return f'{name}.{cls.citizens}@citizen.example'

    def sign_up(self, visitor, email, cnic=VALID_CNIC, name="Karim Shah",
            phone='0312-5556667', validate=True):
        response = visitor.submit('signup', 'signup-form',
            name=name, cnic=cnic, phone=phone, email=email,
            password=PASSWORD, password2=PASSWORD)
        self.assertStatus(response, 200)
        self.assertShows(response, self.message(
                'msg_page_signup_done', email=email))
        mail, = self.mails_to(email)
        link = re.search(r'https?://[^\s"<>]+/validate\?token=\w+',
            html.unescape(text_of(mail))).group(0)
        if validate:
            path = link.split('/portal/', 1)[1]
            response = visitor.get(path)
            self.assertStatus(response, 200)
            self.assertShows(response, self.message('msg_page_validate_ok'))
        return link

    def log_in(self, visitor, email, password=PASSWORD):
        response = visitor.submit('login', 'login-form',
            email=email, password=password)
        self.assertRedirect(response, 'applications')
        return response

    def citizen(self, name="Karim Shah", cnic=VALID_CNIC, address=None,
            phone='+923125556667'):
        """A new citizen with a validated account, logged in: (visitor,
        e-mail). Made in the database with a password hashed once for all
        (hashing costs more than half a second): signing up and logging in
        through the pages are tested on their own."""
        visitor = Visitor(self, address)
        email = self.new_email(name.split()[0].lower())

        def create():
            WebUser = Pool().get('web.user')
            user = WebUser(email=email, email_valid=True,
                password_hash=self.password_hash, edaftar_name=name,
                edaftar_cnic=cnic, edaftar_phone=phone)
            user.save()
            return user.new_session()
        key = as_server(create)
        visitor.client.set_cookie('edaftar_portal_session', key,
            path=visitor.base)
        self.assertStatus(visitor.get('applications'), 200)
        return visitor, email

    def apply(self, visitor, description, category='WATER', files=(),
            latitude='', longitude='', address='Sariab Road, Quetta',
            **values):
        "Post the apply form; return the response"
        fields = dict(
            category=str(self.categories.get(category, category)),
            description=description, latitude=latitude,
            longitude=longitude, address=address)
        fields.update(values)
        return visitor.submit(
            'apply', 'apply-form', files=list(files), **fields)

    def applied(self, visitor, description, **kwargs):
        "Apply; return the number of the new application"
        response = self.apply(visitor, description, **kwargs)
        self.assertStatus(response, 303)
        match = re.search(r'/applications/([A-Z0-9-]+)\?submitted=1$',
            response.headers['Location'])
        self.assertTrue(match, response.headers['Location'])
        return match.group(1)

    def officer_post(self, number, text, audience):
        "The holder so.admin1 posts text in the case's chat"
        with Transaction().start(DB_NAME, 0) as transaction:
            pool = Pool()
            User = pool.get('res.user')
            Channel = pool.get('ir.chat.channel')
            Application = pool.get(APPLICATION)
            case, = Application.search([('number', '=', number)])
            officer, = User.search([('login', '=', 'so.admin1')])
            # As over RPC (ir.chat.channel.post checks itself)
            with transaction.set_user(officer.id):
                Channel.post(str(case), text, audience=audience)

    # -- the tests ----------------------------------------------------

    def test_home(self):
        "The home page: what one can do, the categories, the forms"
        visitor = Visitor(self)
        response = visitor.get('')
        self.assertStatus(response, 200)
        self.assertIn('<html lang="en" dir="ltr">', response.text)
        for text in ["Water supply", "Roads and streets", "Pension case",
                "Services & General Administration", "Finance",
                self.message('msg_page_days', days=7)]:
            self.assertShows(response, text)
        forms = Forms(response.text).forms
        self.assertEqual(forms['track-form']['method'], 'get')
        self.assertIn('lang-form', forms)
        for path in ['signup', 'login', 'apply', 'track']:
            self.assertIn(f'href="/{DB_NAME}/portal/{path}"', response.text)
        # The anonymous visitor's token cookie
        cookie = visitor.cookie('edaftar_portal_csrf')
        self.assertTrue(cookie.http_only)
        self.assertEqual(cookie.same_site, 'Lax')
        self.assertEqual(cookie.path, f'/{DB_NAME}/portal/')
        # Static files
        for name, kind in [('portal.css', 'text/css'),
                ('portal.js', 'text/javascript')]:
            response = visitor.get(f'static/{name}')
            self.assertStatus(response, 200)
            self.assertEqual(response.mimetype, kind)
        folder = routes.leaflet_folder()
        if folder:
            for name in ['leaflet.js', 'leaflet.css',
                    'images/marker-icon.png']:
                self.assertStatus(visitor.get(f'static/{name}'), 200)
        visitor, _ = self.citizen()
        response = visitor.get('apply')
        self.assertEqual(
            f'src="/{DB_NAME}/portal/static/leaflet.js"' in response.text,
            bool(folder))
        self.assertIn('id="map"', response.text)
        self.assertStatus(visitor.get('static/../routes.py'), 404)
        self.assertStatus(visitor.get('static/leaflet-src.js'), 404)
        self.assertStatus(visitor.get('nowhere'), 404)

    def test_citizen_journey(self):
        """Sign up, validate by the e-mail's link, log in, apply with a
        photo, see the timeline, reply; the officer's public answer is
        shown and e-mailed, the internal note never; the case is closed,
        rated 1: reopened and escalated"""
        visitor = Visitor(self)
        email = self.new_email('karim')
        self.sign_up(visitor, email)
        response = self.log_in(visitor, email)
        cookie = visitor.cookie('edaftar_portal_session')
        self.assertTrue(cookie.http_only)
        self.assertEqual(cookie.same_site, 'Lax')
        self.assertFalse(cookie.secure)  # http here
        self.assertEqual(cookie.path, f'/{DB_NAME}/portal/')
        set_cookie = [h for h in response.headers.getlist('Set-Cookie')
            if h.startswith('edaftar_portal_session=')]
        self.assertRegex(set_cookie[0], r'(?i)HttpOnly')
        self.assertRegex(set_cookie[0], r'(?i)SameSite=Lax')

        # The form is prefilled from the account
        fields = visitor.form('apply', 'apply-form')
        self.assertEqual(
            (fields['name'], fields['cnic'], fields['phone'],
                fields['email']),
            ("Karim Shah", VALID_CNIC, '+923125556667', email))
        # Lines as a browser sends them from a textarea
        number = self.applied(visitor,
            "No water in our street since Monday.\r\nThe tank is empty.",
            latitude=POINT[0], longitude=POINT[1],
            files=[('street.png', png())])
        case = read_case(number)
        self.assertEqual(case['attachments'], ['street.png'])
        self.assertEqual(case['web_user'], email)
        self.assertEqual(case['holder'], 'so.admin1')
        mail, = self.mails_to(email)
        self.assertIn(number, mail['Subject'])
        self.assertIn(f'/portal/applications/{number}', text_of(mail))

        response = visitor.get(f'applications/{number}?submitted=1')
        self.assertStatus(response, 200)
        self.assertShows(response, self.message(
                'msg_page_submitted_notice', number=number))
        self.assertShows(response, "No water in our street since Monday.")
        self.assertShows(response, "The tank is empty.")
        self.assertShows(response, 'street.png')
        self.assertStep(response, 'new', 'reached')
        self.assertStep(response, 'done', 'pending')
        self.assertNotIn('rate-form', response.text)
        response = visitor.get('applications')
        self.assertIn(f'id="application-{number}"', response.text)

        # The citizen's reply
        fields = visitor.form_of(
            visitor.get(f'applications/{number}'), 'reply-form')
        response = visitor.post(f'applications/{number}/reply',
            dict(fields, reply="The tanker did not come either."))
        self.assertRedirect(
            response, f'applications/{number}?replied=1#discussion')
        response = visitor.get(f'applications/{number}')
        self.assertShows(response, "The tanker did not come either.")
        self.assertIn('class="citizen"', response.text)

        # The officer answers in public, and notes in private
        self.officer_post(number, "A team is on its way.", 'public')
        self.officer_post(number, "Internal: check the valve.", 'internal')
        mails = self.mails_to(email)
        self.assertEqual(len(mails), 1)
        self.assertIn("A team is on its way.", text_of(mails[0]))
        self.assertNotIn("check the valve", text_of(mails[0]))
        response = visitor.get(f'applications/{number}')
        self.assertShows(response, "A team is on its way.")
        self.assertIn('class="officer"', response.text)
        self.assertNotIn("check the valve", response.text)

        # Closed by its holder: done, the rating is asked
        self.actor.write('so.admin1', RECEIPT, case['receipt'],
            disposal_remark="The main was repaired.")
        self.actor.click('so.admin1', RECEIPT, case['receipt'], 'close')
        self.actor.login('admin')
        self.assertEqual(read_case(number)['public_state'], 'done')
        mails = self.mails_to(email)
        self.assertTrue(any(number in m['Subject'] for m in mails))
        response = visitor.get(f'applications/{number}')
        self.assertStep(response, 'done', 'reached')
        fields = visitor.form_of(response, 'rate-form')
        response = visitor.post(f'applications/{number}/rate',
            dict(fields, rating='1', feedback="Still no water."))
        self.assertRedirect(response, f'applications/{number}?rated=1')
        case = read_case(number)
        self.assertEqual(
            (case['reopened'], case['escalated'], case['public_state']),
            (True, True, 'in_progress'))
        self.assertEqual(case['holder'], 'as.admin')
        mails = self.mails_to(email)
        self.assertTrue(any('reopened' in m['Subject'] for m in mails))
        response = visitor.get(f'applications/{number}')
        self.assertNotIn('rate-form', response.text)
        for flag in ['flag_escalated', 'flag_reopened']:
            self.assertShows(response, self.message(f'msg_page_{flag}'))
        self.assertStep(response, 'escalated', 'reached')

    def test_track(self):
        """Anybody tracks a case by its number: status and dates only,
        never who sent it nor what it says; an unknown number is told"""
        visitor, email = self.citizen(
            name="Zarina Marri", cnic=OTHER_CNIC)
        number = self.applied(visitor, "Broken pipe behind the mosque.",
            address="Jinnah Road", phone='0300-1234567')
        anonymous = Visitor(self, '10.0.0.9')
        response = anonymous.get('track?' + urllib.parse.urlencode(
                {'number': number.lower()}))
        self.assertStatus(response, 200)
        self.assertShows(response, number)
        self.assertShows(response, self.message('msg_page_state_new'))
        self.assertShows(response, self.message('msg_page_expected_by'))
        for private in ["Zarina", "Marri", OTHER_CNIC, '4210112345671',
                '+923001234567', '0300-1234567', email, "Broken pipe",
                "mosque", "Jinnah"]:
            self.assertNotIn(private, response.text)
        response = anonymous.get('track?number=BCP-1999-0000001')
        self.assertStatus(response, 404)
        self.assertShows(response, self.message(
                'msg_page_track_unknown', number='BCP-1999-0000001'))
        response = anonymous.get('track')
        self.assertStatus(response, 200)
        self.assertIn('track-form', response.text)

    def test_other_citizen(self):
        """Another citizen gets the page of an unknown number for the
        first's, by number or by id, and can neither reply nor rate nor
        follow it as its owner"""
        first, first_email = self.citizen()
        number = self.applied(first, "Secret: my pension file is lost.",
            category='PENSION', address='')
        case = read_case(number)
        other, other_email = self.citizen(name="Other Person",
            cnic=OTHER_CNIC)
        unknown = other.get('applications/BCP-1999-0000001')
        self.assertStatus(unknown, 404)
        for path in [f'applications/{number}',
                f'applications/{number.lower()}',
                f'applications/{case["id"]}',
                f'applications/{case["receipt"]}']:
            response = other.get(path)
            self.assertStatus(response, 404)
            self.assertNotIn("pension file", response.text)
            self.assertEqual(
                re.sub(r'value="[^"]*"', '', response.text),
                re.sub(r'value="[^"]*"', '', unknown.text))
        self.assertNotIn(number, other.get('applications').text)
        # Anonymous: to the login
        response = Visitor(self).get(f'applications/{number}')
        self.assertRedirect(response, 'login?next=applications')

        # With the tokens of the other's own page, on the first's case
        mine = self.applied(other, "My own complaint.", address="Quetta")
        page = other.get(f'applications/{mine}')
        before = counts()
        for action, form in [('reply', 'reply-form'), ('rate', 'rate-form'),
                ('follow', 'reply-form')]:
            fields = (other.form_of(page, form)
                if form in page.text else {})
            fields.update(reply="Let me in", rating='5')
            response = other.post(f'applications/{number}/{action}', fields)
            self.assertIn(response.status_code, {400, 404}, action)
        self.assertEqual(counts(), before)
        case = read_case(number)
        self.assertEqual(case['followers'], [])
        self.assertEqual(case['rating'], None)
        self.assertEqual(case['web_user'], first_email)

    def test_duplicates(self):
        """A complaint near an open one of the same category shows it
        first (number, status, dates, distance, nothing of its sender):
        follow it instead, or submit one's own anyway"""
        first, _ = self.citizen(name="Ahmed Khan")
        number = self.applied(first, "Sewage overflowing at the corner.",
            category='ROADS', latitude='30.200000', longitude='67.000000')
        other, other_email = self.citizen(name="Bibi Gul",
            cnic=OTHER_CNIC)
        before = counts()
        response = self.apply(other, "Dirty water on the road.",
            category='ROADS', latitude='30.200100', longitude='67.000100',
            files=[('road.png', png())])
        self.assertStatus(response, 200)
        self.assertIn(f'id="duplicate-{number}"', response.text)
        self.assertShows(response, self.message('msg_page_meters',
                meters=round(distance(30.2, 67.0, 30.2001, 67.0001))))
        self.assertShows(response, self.message(
                'msg_page_files_again', names='road.png'))
        for private in ["Ahmed", "Khan", "Sewage", VALID_CNIC]:
            self.assertNotIn(private, response.text)
        self.assertEqual(counts(), before)

        # Submit anyway: the values kept, the file chosen again
        fields = other.form_of(response, 'duplicates-form')
        self.assertEqual(fields['confirm'], '1')
        self.assertEqual(fields['description'], "Dirty water on the road.")
        fields['files'] = [(io.BytesIO(png()), 'road.png')]
        response = other.post('apply', fields)
        self.assertStatus(response, 303)
        mine = re.search(r'applications/([A-Z0-9-]+)\?',
            response.headers['Location']).group(1)
        self.assertEqual(read_case(mine)['attachments'], ['road.png'])

        # Follow it instead (a third citizen)
        third, third_email = self.citizen(name="Third Person")
        response = self.apply(third, "Same sewage.", category='ROADS',
            latitude='30.200000', longitude='67.000050')
        fields = third.form_of(response, f'follow-form-{number}')
        before = counts()
        response = third.post(f'applications/{number}/follow', fields)
        self.assertRedirect(response,
            'applications?' + urllib.parse.urlencode({'followed': number}))
        self.assertEqual(counts()['applications'],
            before['applications'])
        self.assertEqual(read_case(number)['followers'], [third_email])
        response = third.get('applications?followed=' + number)
        self.assertIn(f'id="followed-{number}"', response.text)
        self.assertNotIn("Sewage", response.text)
        # Its page stays the owner's
        self.assertStatus(third.get(f'applications/{number}'), 404)
        # A follow token is for the number it was given for
        response = third.post(f'applications/{mine}/follow', fields)
        self.assertStatus(response, 400)

    def test_signup_refused(self):
        """Signing up with an invalid CNIC, missing fields, a short or
        mismatched password or a taken e-mail: the message, the values
        again (not the password), no account"""
        visitor = Visitor(self)
        email = self.new_email('refused')
        base = dict(name="Karim Shah", cnic=VALID_CNIC,
            phone='0312-5556667', email=email, password=PASSWORD,
            password2=PASSWORD)
        label = self.message('msg_label_name')
        cases = [
            (dict(cnic='12345'), self.message(
                    'msg_cnic_invalid', cnic='12345')),
            (dict(name=''), self.message(
                    'msg_field_required', field=label)),
            (dict(phone='12'), self.message(
                    'msg_phone_invalid', phone='12')),
            (dict(password='short', password2='short'),
                self.message('msg_password_short')),
            (dict(password2='another-password'),
                self.message('msg_password_mismatch')),
            ]
        before = counts()
        for change, message in cases:
            with self.subTest(change=change):
                response = visitor.submit(
                    'signup', 'signup-form', **dict(base, **change))
                self.assertStatus(response, 400)
                self.assertShows(response, message)
                fields = visitor.form_of(response, 'signup-form')
                self.assertEqual(fields['email'], email)
                self.assertEqual(fields['password'], '')
                self.assertNotIn(PASSWORD, response.text)
        self.assertEqual(counts(), before)
        self.assertEqual(self.mails_to(email), [])
        # Taken (from another address: 5 signups an hour from one)
        visitor = Visitor(self)
        self.sign_up(visitor, email, validate=False)
        response = visitor.submit('signup', 'signup-form', **base)
        self.assertStatus(response, 400)
        self.assertShows(response, self.message('msg_email_taken'))

    def test_apply_refused(self):
        """Bad applications: the message, nothing stored (applications,
        receipts, attachments)"""
        visitor, email = self.citizen()
        before = counts()
        label = self.message('msg_label_description')
        cases = [
            (dict(description=''), [], 400,
                self.message('msg_field_required', field=label)),
            (dict(category=''), [], 400,
                self.message('msg_category_unknown')),
            (dict(cnic='11111'), [], 400,
                self.message('msg_cnic_invalid', cnic='11111')),
            (dict(address='', latitude=''), [], 400,
                self.message('msg_location_required')),
            (dict(latitude='95', longitude='10'), [], 400,
                self.message('msg_location_invalid')),
            (dict(), [('virus.pdf', b'MZ\x90\x00' + b'\x00' * 200)], 400,
                None),
            (dict(), [('a.png', png()), ('b.png', png()),
                    ('c.png', png()), ('d.png', png())], 400,
                self.message('msg_too_many_files', limit=3)),
            (dict(), [('big.png', png() + b'\x00' * (6 * MB))], 400,
                self.message('msg_file_too_large', name='big.png',
                    limit=5)),
            (dict(), [('huge.png', b'\x00' * (50 * MB))], 413,
                self.message('msg_page_too_large', limit=15, count=3,
                    size=5)),
            ]
        for values, files, status, message in cases:
            with self.subTest(values=values, files=[n for n, _ in files]):
                response = self.apply(
                    visitor, **dict({'description': "A complaint."},
                        files=files, **values))
                self.assertStatus(response, status)
                if message:
                    self.assertShows(response, message)
                if status == 400:
                    fields = visitor.form_of(response, 'apply-form')
                    self.assertEqual(fields['description'],
                        values.get('description', "A complaint."))
                if files and status == 400:
                    self.assertIn('id="files-again"', response.text)
        self.assertEqual(counts(), before)
        # The .exe named .pdf: the Dak's attachment check, by content
        response = self.apply(visitor, "A complaint.",
            files=[('virus.pdf', b'MZ\x90\x00' + b'\x00' * 200)])
        with Transaction().start(DB_NAME, 0, readonly=True):
            from trytond.i18n import gettext
            pattern = re.escape(gettext(
                    'edaftar_dak.msg_attachment_type', name='virus.pdf',
                    type='TYPE')).replace('TYPE', r'[\w/.+-]+')
        error = re.search(r'<p id="error"[^>]*>([^<]*)</p>', response.text)
        self.assertRegex(html.unescape(error.group(1)), '^' + pattern + '$')
        self.assertEqual(counts(), before)
        self.assertEqual(self.mails_to(email), [])

    def test_script_escaped(self):
        "HTML in what a citizen writes is stored as sent, shown as text"
        visitor, _ = self.citizen()
        script = '<script>alert("x")</script><b onclick="x()">bold</b>'
        number = self.applied(visitor, f"Look: {script}")
        self.assertEqual(read_case(number)['description'],
            f"Look: {script}")
        for path in [f'applications/{number}']:
            response = visitor.get(path)
            self.assertNotIn(script, response.text)
            self.assertIn(html.escape(script, quote=False), response.text)
        fields = visitor.form_of(
            visitor.get(f'applications/{number}'), 'reply-form')
        visitor.post(f'applications/{number}/reply',
            dict(fields, reply=script))
        response = visitor.get(f'applications/{number}')
        self.assertNotIn('<b onclick', response.text)
        self.assertEqual(response.text.count(
                html.escape(script, quote=False)), 2)

    def test_csrf(self):
        """A form posted without its token, with another form's, another
        visitor's or a forged one: 400, nothing stored"""
        visitor, email = self.citizen()
        number = self.applied(visitor, "A complaint for the tokens.")
        fields = visitor.form('apply', 'apply-form')
        fields.update(category=str(self.categories['WATER']),
            description="Replayed", address="Quetta")
        reply = visitor.form_of(
            visitor.get(f'applications/{number}'), 'reply-form')
        stranger, _ = self.citizen(name="Stranger Danger",
            cnic=OTHER_CNIC)
        stolen = stranger.form('apply', 'apply-form')['csrf_token']
        self.mailbox.take()
        before = counts()
        for token in [None, '', 'x', reply['csrf_token'], stolen,
                '1700000000.' + '0' * 64, fields['csrf_token'][:-1]
                + ('1' if fields['csrf_token'][-1] == '0' else '0')]:
            with self.subTest(token=token):
                data = dict(fields)
                if token is None:
                    del data['csrf_token']
                else:
                    data['csrf_token'] = token
                response = visitor.post('apply', data)
                self.assertStatus(response, 400)
                self.assertShows(response, self.message('msg_page_csrf'))
        response = visitor.post(f'applications/{number}/reply',
            {'reply': "No token"})
        self.assertStatus(response, 400)
        # Signing up, logging in and out without a token
        anonymous = Visitor(self)
        anonymous.get('')
        for path, data in [
                ('signup', dict(name="X", cnic=VALID_CNIC,
                        phone='03001234567', email='x@citizen.example',
                        password=PASSWORD, password2=PASSWORD)),
                ('login', dict(email=email, password=PASSWORD)),
                ('reset', dict(email=email)),
                ('lang', dict(code='ur'))]:
            response = anonymous.post(path, data)
            self.assertStatus(response, 400)
        response = visitor.post('logout', {})
        self.assertStatus(response, 400)
        self.assertEqual(counts(), before)
        self.assertEqual(self.mails_to(email), [])
        # The real token still works
        self.assertStatus(visitor.post('apply', fields), 303)

    def test_login_logout(self):
        """A wrong password is refused (403), the session ends on logout
        (with its token), an unvalidated account is asked to validate
        before applying and may have the link again"""
        visitor = Visitor(self)
        email = self.new_email('login')
        link = self.sign_up(visitor, email, validate=False)
        response = visitor.submit('login', 'login-form',
            email='nobody@citizen.example', password=PASSWORD)
        self.assertStatus(response, 403)
        self.assertShows(response, self.message('msg_page_login_failed'))
        self.assertIsNone(visitor.cookie('edaftar_portal_session'))
        self.log_in(visitor, email)
        response = visitor.get('apply')
        self.assertShows(response, self.message(
                'msg_page_validate_first', email=email))
        self.assertNotIn('apply-form', response.text)
        before = counts()
        response = visitor.submit('apply', 'resend-form',
            action='validate/resend')
        self.assertStatus(response, 200)
        mail, = self.mails_to(email)
        new_link = re.search(r'/validate\?token=\w+',
            html.unescape(text_of(mail))).group(0)
        self.assertNotIn(new_link, link)
        self.assertEqual(counts(), before)
        self.assertStatus(visitor.get(new_link[1:]), 200)
        self.assertIn('apply-form', visitor.get('apply').text)
        # The old link is used up
        response = visitor.get(link.split('/portal/', 1)[1])
        self.assertStatus(response, 404)
        self.assertShows(response, self.message('msg_page_validate_invalid'))

        response = visitor.submit('', 'logout-form', action='logout')
        self.assertRedirect(response, '')
        self.assertIsNone(visitor.cookie('edaftar_portal_session'))
        self.assertRedirect(visitor.get('apply'), 'login?next=apply')
        # The login page goes back where it was asked from
        fields = visitor.form('login?next=apply', 'login-form')
        self.assertEqual(fields['next'], 'apply')
        response = visitor.post('login', dict(fields, email=email,
                password=PASSWORD))
        self.assertRedirect(response, 'apply')
        # ... only inside the portal
        fields['next'] = '//evil.example/x'
        visitor.submit('', 'logout-form', action='logout')
        fields = visitor.form('login', 'login-form')
        response = visitor.post('login', dict(fields, email=email,
                password=PASSWORD, next='//evil.example/x'))
        self.assertRedirect(response, 'applications')

    def test_reset_password(self):
        """A reset asked for any address gets the same answer; the link of
        the e-mail sets a new password, once; an invalid or expired link
        is told"""
        visitor = Visitor(self)
        email = self.new_email('reset')
        self.sign_up(visitor, email)
        other = Visitor(self)
        self.log_in(other, email)
        answers = []
        for address in [email, 'nobody.here@citizen.example']:
            response = visitor.submit('reset', 'reset-form', email=address)
            self.assertStatus(response, 200)
            answers.append(response.text.replace(address, 'ADDRESS'))
        self.assertEqual(
            re.sub(r'value="[^"]*"', '', answers[0]),
            re.sub(r'value="[^"]*"', '', answers[1]))
        mails = [m for _, _, m in self.mailbox.take()]
        self.assertEqual([m['To'] for m in mails], [email])
        link = re.search(r'https?://[^\s"<>]+/reset\?[^\s"<>]+',
            html.unescape(text_of(mails[0]))).group(0)
        path = link.split('/portal/', 1)[1]
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(
                    link).query))
        self.assertEqual(query['email'], email)

        # Too short, mismatched: not tried
        response = visitor.submit(path, 'reset-password-form',
            action='reset', password='short', password2='short')
        self.assertStatus(response, 400)
        self.assertShows(response, self.message('msg_password_short'))
        response = visitor.submit(path, 'reset-password-form',
            action='reset', password='new-password-1',
            password2='new-password-2')
        self.assertStatus(response, 400)
        self.assertShows(response, self.message('msg_password_mismatch'))
        # The right one
        response = visitor.submit(path, 'reset-password-form',
            action='reset', password='new-password-1',
            password2='new-password-1')
        self.assertStatus(response, 200)
        self.assertShows(response, self.message('msg_page_reset_done'))
        # The session of before has ended
        self.assertRedirect(other.get('applications'),
            'login?next=applications')
        self.log_in(visitor, email, password='new-password-1')
        # Used: invalid now; a made-up token neither (each failure is
        # counted by web.user against its address: tried last, as the
        # next attempt for the address would wait)
        for token_path in [path, 'reset?' + urllib.parse.urlencode(
                    {'email': 'nobody.here@citizen.example',
                        'token': 'f' * 32})]:
            response = Visitor(self).submit(token_path, 'reset-password-form',
                action='reset', password='new-password-2',
                password2='new-password-2')
            self.assertStatus(response, 400)
            self.assertShows(
                response, self.message('msg_page_reset_invalid'))

        # An expired link (the token's time past, as the days make it)
        _, expired = self.citizen(name="Late Comer")
        self.assertStatus(Visitor(self).submit(
                'reset', 'reset-form', email=expired), 200)
        mail, = self.mails_to(expired)
        path = re.search(r'/portal/(reset\?[^\s"<>]+)',
            html.unescape(text_of(mail))).group(1)

        def expire():
            WebUser = Pool().get('web.user')
            table = WebUser.__table__()
            cursor = Transaction().connection.cursor()
            cursor.execute(*table.update(
                    [table.reset_password_token_expire],
                    [dt.datetime.now() - dt.timedelta(minutes=1)],
                    where=table.email == expired))
        as_server(expire)
        response = Visitor(self).submit(path, 'reset-password-form',
            action='reset', password='new-password-3',
            password2='new-password-3')
        self.assertStatus(response, 400)
        self.assertShows(response, self.message('msg_page_reset_invalid'))

    def test_rate_limit(self):
        "Past the limit of an address: 429 with Retry-After, others pass"
        config.set('edaftar_portal', 'rate_track', '3/60')
        try:
            visitor = Visitor(self, '10.1.1.1')
            for _ in range(3):
                self.assertStatus(
                    visitor.get('track?number=BCP-1999-0000001'), 404)
            response = visitor.get('track?number=BCP-1999-0000001')
            self.assertStatus(response, 429)
            self.assertGreater(int(response.headers['Retry-After']), 0)
            self.assertShows(response,
                self.message('msg_page_rate_limited_title'))
            # The form itself is not counted; another address passes
            self.assertStatus(visitor.get('track'), 200)
            self.assertStatus(Visitor(self, '10.1.1.2').get(
                    'track?number=BCP-1999-0000001'), 404)
        finally:
            # Back to the default
            config.set('edaftar_portal', 'rate_track', '')
        # Signing up: 5 an hour by default
        visitor = Visitor(self, '10.1.1.3')
        fields = visitor.form('signup', 'signup-form')
        before = counts()
        statuses = [visitor.post('signup', dict(fields, cnic='1')).status_code
            for _ in range(6)]
        self.assertEqual(statuses, [400] * 5 + [429])
        self.assertEqual(counts(), before)

    def test_urdu(self):
        """The language switch: Urdu pages right to left with Urdu texts,
        the account's language kept for the e-mails; back to English"""
        visitor, email = self.citizen()
        fields = visitor.form('track', 'lang-form')
        self.assertEqual(fields['next'], 'track')
        response = visitor.post('lang', dict(fields, code='ur'))
        self.assertRedirect(response, 'track')
        cookie = visitor.cookie('edaftar_portal_lang')
        self.assertEqual(cookie.value, 'ur')
        self.assertEqual(cookie.same_site, 'Lax')
        response = visitor.get('')
        self.assertIn('<html lang="ur" dir="rtl">', response.text)
        self.assertIn(URDU_HOME_TITLE, response.text)
        self.assertEqual(self.message('msg_page_home_title', 'ur'),
            URDU_HOME_TITLE)
        with Transaction().start(DB_NAME, 0, readonly=True):
            WebUser = Pool().get('web.user')
            user, = WebUser.search([('email', '=', email)])
            self.assertEqual(user.edaftar_language, 'ur')
        # An error in Urdu (the model's messages are translated too)
        self.assertNotEqual(self.message('msg_field_required', 'ur', field=''),
            self.message('msg_field_required', field=''))
        response = self.apply(visitor, '', address='Quetta')
        self.assertShows(response, self.message('msg_field_required', 'ur',
                field=self.message('msg_label_description', 'ur')))
        # The e-mails of the case in Urdu
        self.applied(visitor, "شکایت")
        mail, = self.mails_to(email)
        self.assertIn('آپ کی درخواست', mail['Subject'])
        # GET with a relative path only
        anonymous = Visitor(self)
        response = anonymous.get('lang?code=ur&next=track')
        self.assertRedirect(response, 'track')
        self.assertIn('dir="rtl"', anonymous.get('track').text)
        response = anonymous.get('lang?code=en&next=//evil.example')
        self.assertRedirect(response, '')
        self.assertIn('dir="ltr"', anonymous.get('').text)
        self.assertStatus(anonymous.get('lang?code=fr'), 400)
        # Accept-Language, without a cookie
        response = Visitor(self).get('', headers={
                'Accept-Language': 'ur-PK,ur;q=0.9,en;q=0.5'})
        self.assertIn('dir="rtl"', response.text)

