# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Bad input from citizens, as the portal hands it to the model
(Application.submit, web.user sign_up): each is refused with its own
error and clear message, in the citizen's language, and nothing is
stored — the counts of applications, receipts, attachments, portal
accounts and movements are as before."""
import datetime as dt
import os
import unittest

import polib

from trytond.exceptions import UserError
from trytond.modules.edaftar_base.tests.tools import (
    Actor, RefusalTestMixin, message_pattern, setup_government)
from trytond.modules.edaftar_dak.exceptions import AttachmentError
from trytond.modules.edaftar_portal.exceptions import PortalError
from trytond.modules.edaftar_portal.tests.tools import (
    OTHER_CNIC, VALID_CNIC, setup_portal)
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, drop_db
from trytond.tests.tools import activate_modules
from trytond.transaction import Transaction, TransactionError

APPLICATION = 'edaftar.portal.application'
UR_PO = os.path.join(
    os.path.dirname(os.path.dirname(__file__)), 'locale', 'ur.po')
# The smallest whole PDF the Dak's attachment checks accept
PDF = b'%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'
# Content that is not an office document, named as one
HTML = b'<html><body><script>alert(1)</script></body></html>'
EXE = b'MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff' + b'\x00' * 64
MB = 1024 * 1024
PERSON = {
    'name': "Zainab Bibi", 'cnic': VALID_CNIC, 'phone': '0301-9998887',
    'email': 'zainab.bibi@citizen.example'}
# What is counted before and after each refusal
COUNTED = [APPLICATION, 'edaftar.receipt', 'ir.attachment', 'web.user',
    'edaftar.movement', 'ir.chat.message']


def counts():
    "How many records of each counted model there are, as the server"
    pool = Pool()
    return {name: pool.get(name).search_count([]) for name in COUNTED}


def urdu():
    "The Urdu texts of the module's messages: {message id: text}"
    return {entry.msgctxt.rpartition(':')[2]: entry.msgstr
        for entry in polib.pofile(UR_PO)
        if entry.msgctxt and entry.msgctxt.startswith(
            'model:ir.message,text:') and entry.msgstr}


class BadInputTestCase(RefusalTestMixin, unittest.TestCase):
    "Bad input is refused with a clear message and changes nothing"
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config = activate_modules(
            'edaftar_portal', setup_government, setup_portal)
        cls.actor = Actor(cls.config)
        with Transaction().start(DB_NAME, 0):
            Category = Pool().get('edaftar.portal.category')
            cls.categories = {c.code: c.id for c in Category.search([])}

    @classmethod
    def tearDownClass(cls):
        drop_db()
        super().tearDownClass()

    # Helpers

    def as_server(self, func, context=None):
        """Run func() as the server (user 0), in a transaction rolled back
        after, run again with the locks it asks for (as the portal's
        requests are); return its result"""
        extras = {}
        while True:
            with Transaction().start(
                    DB_NAME, 0, context=context, **extras) as transaction:
                try:
                    return func()
                except TransactionError as error:
                    transaction.rollback()
                    error.fix(extras)
                finally:
                    transaction.rollback()

    def refused_by_server(self, exception, func, prepare=None,
            context=None):
        """Run prepare() then func() as the server: assert func raises
        exception (exactly) and stores nothing; return the error"""
        def run():
            if prepare:
                prepare()
            before = counts()
            try:
                func()
            except UserError as error:
                return error, before, counts()
            self.fail(f"{exception.__name__} not raised")
        error, before, after = self.as_server(run, context=context)
        self.assertIs(type(error), exception, error.message)
        self.assertEqual(after, before)
        return error

    def submit(self, code='WATER', files=(), **values):
        "A call submitting a case of the category code with values"
        values = {
            'category': self.categories.get(code, code),
            'description': "Sewage overflows into the street.",
            'address': "Brewery Road, Quetta",
            **PERSON, **values}

        def submit():
            Application = Pool().get(APPLICATION)
            return Application.submit(values, files=files)
        return submit

    def sign_up(self, **values):
        "A call signing up with values"
        values = {**PERSON, 'password': 'strong-enough', **values}

        def sign_up():
            WebUser = Pool().get('web.user')
            return WebUser.sign_up(values)
        return sign_up

    def check(self, cases):
        """Each case (label, call, message id, params or None for any
        value of them) refused by a PortalError, nothing stored"""
        for label, call, message, params in cases:
            with self.subTest(label):
                error = self.refused_by_server(PortalError, call)
                if params is None:
                    with self.actor.as_admin():
                        pattern = message_pattern(self.config, message)
                    self.assertRegex(error.message, pattern)
                else:
                    self.assertEqual(
                        error.message, self.message(message, **params))

    # Tests

    def test_good_input_stored(self):
        "The input the refusals change one thing of is taken as it is"
        def submit():
            before = counts()
            application = self.submit(files=[("Photo.pdf", PDF)])()
            after = counts()
            return application.public_state, {
                n: after[n] - before[n] for n in COUNTED}
        state, added = self.as_server(submit)
        self.assertEqual(state, 'new')
        self.assertEqual(
            {n: added[n] for n in COUNTED if n != 'ir.chat.message'}, {
                APPLICATION: 1, 'edaftar.receipt': 1, 'ir.attachment': 1,
                'web.user': 0, 'edaftar.movement': 0})

    def test_person(self):
        "Who the citizen says they are: CNIC, mobile, e-mail, all given"
        cases = []
        for cnic in ['34201-0891231', 'abc', '82101-1234567-1',
                '34201-0891231-0', '34201 0891231 8x']:
            cases.append((f"cnic {cnic}", self.submit(cnic=cnic),
                    'edaftar_portal.msg_cnic_invalid', {'cnic': cnic}))
        for phone in ['12345', '021-1234567', '0300-123456',
                '+1 300 1234567', '0300-12345678']:
            cases.append((f"phone {phone}", self.submit(phone=phone),
                    'edaftar_portal.msg_phone_invalid', {'phone': phone}))
        for email in ['zainab@', 'zainab.example.com', 'zainab@@example.com',
                'zainab bibi@example.com']:
            cases.append((f"email {email}", self.submit(email=email),
                    'edaftar_portal.msg_email_invalid', {'email': email}))
        for field, label in [('name', "Name"), ('cnic', "CNIC"),
                ('phone', "Mobile number"), ('email', "E-mail"),
                ('description', "Description")]:
            for value in [None, '', '   ']:
                cases.append((f"{field} {value!r}",
                        self.submit(**{field: value}),
                        'edaftar_portal.msg_field_required',
                        {'field': label}))
        cases.append(("description too long",
                self.submit(description="x" * 5001),
                'edaftar_portal.msg_field_too_long',
                {'field': "Description", 'limit': 5000}))
        self.check(cases)

    def test_location(self):
        """A point that is not on the map; a complaint with no place at
        all (an application needs none)"""
        cases = []
        for latitude, longitude in [('abc', '66.99'), ('30.18', 'east'),
                ('91', '66.99'), ('30.18', '181'), ('-90.5', '0'),
                ('nan', '66.99'), ('30.18', 'inf'), ('30.18', ''),
                ('', '66.99'), ('30.18', None)]:
            cases.append((f"{latitude}, {longitude}",
                    self.submit(latitude=latitude, longitude=longitude),
                    'edaftar_portal.msg_location_invalid', {}))
        for address in [None, '', '   ']:
            cases.append((f"complaint, address {address!r}",
                    self.submit(address=address),
                    'edaftar_portal.msg_location_required', {}))
        self.check(cases)
        with self.subTest("application without a place"):
            def submit():
                application = self.submit('PENSION', address=None)()
                return application.latitude, application.address
            self.assertEqual(self.as_server(submit), (None, None))

    def test_category(self):
        """A category that does not exist, is closed, or has nobody to
        receive it"""
        cases = [(f"category {value!r}", self.submit(category=value),
                'edaftar_portal.msg_category_unknown', {})
            for value in [None, '', 0, -1, 999999, 'WATER', 'abc', [1]]]
        self.check(cases)

        def close():
            Category = Pool().get('edaftar.portal.category')
            Category.write([Category(self.categories['ROADS'])],
                {'active': False})
        with self.subTest("closed"):
            error = self.refused_by_server(
                PortalError, self.submit('ROADS'), prepare=close)
            self.assertEqual(error.message,
                self.message('edaftar_portal.msg_category_unknown'))

        def nobody(kind):
            """A category of S&GAD whose focal person retired yesterday,
            whose login is disabled, who has no login; of a department
            without a head and without focal person"""
            pool = Pool()
            Category = pool.get('edaftar.portal.category')
            Employee = pool.get('company.employee')
            Party = pool.get('party.party')
            User = pool.get('res.user')
            Unit = pool.get('edaftar.org.unit')
            Company = pool.get('company.company')
            company, = Company.search([])
            today = pool.get('ir.date').today()
            sgad, = Unit.search([('code', '=', 'SGAD')])
            section, = Unit.search([('code', '=', 'II'),
                    ('parent.code', '=', 'ADM')])
            receiver, department = None, sgad
            if kind == 'no head':
                department = Unit(name="Mines & Minerals", code='MIN',
                    kind='department', parent=sgad.parent)
                department.save()
            else:
                user = None
                if kind != 'no login':
                    user = User(login=f'focal.{kind.replace(" ", "")}',
                        name="Focal Person")
                    user.save()
                receiver = Employee(party=Party(name="Focal Person"),
                    company=company, user=user, edaftar_unit=section)
                if kind == 'retired':
                    receiver.start_date = today - dt.timedelta(days=400)
                    receiver.end_date = today - dt.timedelta(days=1)
                receiver.party.save()
                receiver.save()
                if kind == 'disabled':
                    User.write([user], {'active': False})
            category = Category(code='NOBODY', name="Street lights",
                kind='complaint', department=department, receiver=receiver,
                sla_days=7)
            category.save()

        def submit():
            Category = Pool().get('edaftar.portal.category')
            category, = Category.search([('code', '=', 'NOBODY')])
            self.submit(category.id)()
        for kind in ['retired', 'disabled', 'no login', 'no head']:
            with self.subTest(kind):
                error = self.refused_by_server(
                    PortalError, submit, prepare=lambda: nobody(kind))
                self.assertEqual(error.message, self.message(
                        'edaftar_portal.msg_category_no_receiver',
                        category="Street lights"))

    def test_files(self):
        """Too many files; a file over the configured limit; content that
        is not an office document, named as one"""
        self.check([
                ("six files", self.submit(files=[
                            (f"Page {i}.pdf", PDF) for i in range(6)]),
                    'edaftar_portal.msg_too_many_files', {'limit': 5}),
                ])

        def limit():
            Configuration = Pool().get('edaftar.portal.configuration')
            Configuration.write([Configuration(1)], {'max_upload_size': 1})
        with self.subTest("over the limit"):
            error = self.refused_by_server(PortalError,
                self.submit(files=[
                        ("Photo.pdf", PDF), ("Scan.pdf", PDF + b'%' * MB)]),
                prepare=limit)
            self.assertEqual(error.message, self.message(
                    'edaftar_portal.msg_file_too_large', name="Scan.pdf",
                    limit=1))

        for name, data, message, params in [
                # libmagic names the kind of a program its own way
                ("Receipt.pdf", EXE, 'msg_attachment_type', None),
                ("Photo.png", HTML, 'msg_attachment_type',
                    {'type': 'text/html'}),
                ("Photo.png", PDF, 'msg_attachment_name_type',
                    {'type': 'application/pdf', 'named': 'image/png'}),
                ]:
            with self.subTest(name=name, message=message):
                error = self.refused_by_server(AttachmentError,
                    self.submit(files=[("Fine.pdf", PDF), (name, data)]))
                if params is None:
                    with self.actor.as_admin():
                        pattern = message_pattern(
                            self.config, f'edaftar_dak.{message}')
                    self.assertRegex(error.message, pattern)
                    self.assertIn(f'"{name}"', error.message)
                else:
                    self.assertEqual(error.message, self.message(
                            f'edaftar_dak.{message}', name=name, **params))

    def test_sign_up(self):
        "A portal account with bad particulars or password, or taken"
        def existing():
            WebUser = Pool().get('web.user')
            WebUser.sign_up({**PERSON, 'password': 'strong-enough'})
        self.check([
                ("cnic", self.sign_up(cnic='12345'),
                    'edaftar_portal.msg_cnic_invalid', {'cnic': '12345'}),
                ("phone", self.sign_up(phone='5551234'),
                    'edaftar_portal.msg_phone_invalid',
                    {'phone': '5551234'}),
                ("email", self.sign_up(email='zainab@'),
                    'edaftar_portal.msg_email_invalid',
                    {'email': 'zainab@'}),
                ("name", self.sign_up(name=''),
                    'edaftar_portal.msg_field_required', {'field': "Name"}),
                ("password", self.sign_up(password=''),
                    'edaftar_portal.msg_field_required',
                    {'field': "Password"}),
                ("short", self.sign_up(password='short'),
                    'edaftar_portal.msg_password_short', {}),
                ("mismatch", self.sign_up(password2='strong-enougH'),
                    'edaftar_portal.msg_password_mismatch', {}),
                ])
        with self.subTest("taken"):
            error = self.refused_by_server(PortalError,
                self.sign_up(cnic=OTHER_CNIC, email=PERSON['email'].upper(),
                    password='other-strong-one'),
                prepare=existing)
            self.assertEqual(error.message,
                self.message('edaftar_portal.msg_email_taken'))

    @unittest.skipUnless(os.path.exists(UR_PO),
        "locale/ur.po is not written yet: no Urdu messages to compare")
    def test_urdu(self):
        "The same refusals, to a citizen using the portal in Urdu"
        texts = urdu()
        context = {'language': 'ur'}
        for label, call, message, params in [
                ("cnic", self.submit(cnic='abc'), 'msg_cnic_invalid',
                    {'cnic': 'abc'}),
                ("name", self.submit(name=''), 'msg_field_required',
                    {'field': texts['msg_label_name']}),
                ("category", self.submit(category=0),
                    'msg_category_unknown', {}),
                ("place", self.submit(address=None),
                    'msg_location_required', {}),
                ("files", self.submit(files=[("x.pdf", PDF)] * 6),
                    'msg_too_many_files', {'limit': 5}),
                ("password", self.sign_up(password='short'),
                    'msg_password_short', {}),
                ]:
            with self.subTest(label):
                error = self.refused_by_server(
                    PortalError, call, context=context)
                self.assertEqual(error.message, texts[message] % params)
                self.assertNotEqual(error.message, self.message(
                        f'edaftar_portal.{message}', **params))
