# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Accounts: the user-employee link edited on either side, the current
employee a user may choose, and logins during a password-guessing attack
(through a real trytond server)."""
import base64
import datetime as dt
import http.client
import json
import os
import sqlite3
import tempfile
import unittest
import urllib.parse

from proteus import Model
from trytond import backend
from trytond.config import get as config_get
from trytond.modules.company.tests.tools import create_company, get_company
from trytond.modules.edaftar_base.exceptions import (
    EmployeeUserError, PreferenceError)
from trytond.modules.edaftar_base.tests.tools import (
    PASSWORD, UNITS, JsonRpc, RPCError, get_user, setup_government,
    trytond_server)
from trytond.tests.test_tryton import DB_NAME, drop_db
from trytond.tests.tools import activate_modules, set_user
from trytond.transaction import Transaction


def message(xml_id, config):
    "The text of the e-Daftar message xml_id"
    ModelData = Model.get('ir.model.data', config=config)
    Message = Model.get('ir.message', config=config)
    return Message(ModelData.get_id('edaftar_base', xml_id, {})).text


class UserEmployeeLinkTestCase(unittest.TestCase):
    """The company module's res.user employees/employee and
    company.employee.user stay one link, whichever side is edited, and
    a user chooses no employee but his own"""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config = activate_modules('edaftar_base', setup_government)
        cls.company = get_company()

    @classmethod
    def tearDownClass(cls):
        drop_db()
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        set_user(1, config=self.config)

    def unit(self, code):
        Unit = Model.get('edaftar.org.unit')
        name, = [n for c, n, _, _ in UNITS if c == code]
        unit, = Unit.find([('name', '=', name)])
        return unit

    def person(self, login, unit_code, **values):
        """A new user (Section Officer) and a new employee posted in the
        unit, not linked to each other"""
        ModelData = Model.get('ir.model.data')
        Group = Model.get('res.group')
        Party = Model.get('party.party')
        Employee = Model.get('company.employee')
        User = Model.get('res.user')
        user = User(login=login, name=login, password=PASSWORD)
        user.groups.append(Group(ModelData.get_id(
                    'edaftar_base', 'group_section_officer', {})))
        if self.company not in user.companies:
            user.companies.append(Model.get('company.company')(
                    self.company.id))
        user.company = self.company
        user.save()
        party = Party(name=f"Person {login}")
        party.save()
        employee = Employee(
            party=party, company=self.company,
            edaftar_unit=self.unit(unit_code), **values)
        employee.save()
        return user, employee

    def scope(self, user):
        "The units in scope of user, read as that user"
        User = Model.get('res.user')
        admin = self.config.user
        set_user(user, config=self.config)
        try:
            scope, = User.read(
                [user.id], ['edaftar_scope'], self.config.context)
        finally:
            set_user(admin, config=self.config)
        return list(scope['edaftar_scope'])

    def link_lines(self, user):
        "The audit log's link lines of user, oldest first"
        AuditLog = Model.get('edaftar.audit.log')
        return [l.details for l in reversed(AuditLog.find([
                        ('model', '=', 'res.user'),
                        ('record_id', '=', user.id),
                        ('action', '=', 'employees'),
                        ]))]

    def test_user_form_add_employee(self):
        "An employee added on the user form links it: the scope follows"
        Employee = Model.get('company.employee')
        user, employee = self.person('link.add', 'SGAD.ADM.II')
        self.assertEqual(self.scope(user), [])

        user.employees.append(Employee(employee.id))
        user.save()

        employee.reload()
        self.assertEqual(employee.user, user)
        self.assertEqual(user.employee, employee)
        self.assertEqual(self.scope(user), [self.unit('SGAD.ADM.II').id])
        self.assertEqual(self.link_lines(user), [
                f'Linked to employee "{employee.rec_name}"'])

    def test_user_form_set_employee(self):
        "The current employee chosen on the user form links it"
        Employee = Model.get('company.employee')
        user, employee = self.person('link.set', 'SGAD.REG.I')

        user.employees.append(Employee(employee.id))
        user.employee = Employee(employee.id)
        user.save()

        employee.reload()
        self.assertEqual(employee.user, user)
        self.assertEqual(self.scope(user), [self.unit('SGAD.REG.I').id])

    def test_user_form_remove_employee(self):
        "An employee removed on the user form is unlinked: no scope left"
        Employee = Model.get('company.employee')
        user, employee = self.person('link.remove', 'SGAD.ADM.II')
        user.employees.append(Employee(employee.id))
        user.save()
        self.assertNotEqual(self.scope(user), [])

        user.employees.pop(0)  # the form's "Remove", not "Delete"
        user.save()

        employee.reload()
        self.assertIsNone(employee.user)
        self.assertIsNone(user.employee)
        self.assertEqual(self.scope(user), [])
        self.assertEqual(self.link_lines(user), [
                f'Linked to employee "{employee.rec_name}"',
                f'Unlinked from employee "{employee.rec_name}"'])

    def test_user_form_replace_employee(self):
        "A new posting replacing the old one in one save of the user form"
        Employee = Model.get('company.employee')
        user, old = self.person('link.replace', 'SGAD.ADM.I')
        _, new = self.person('link.replace.other', 'FIN.BUD.I')
        user.employees.append(Employee(old.id))
        user.save()

        user.employees.pop(0)
        user.employees.append(Employee(new.id))
        user.save()

        old.reload()
        new.reload()
        self.assertIsNone(old.user)
        self.assertEqual(new.user, user)
        self.assertEqual(user.employee, new)
        self.assertEqual(self.scope(user), [self.unit('FIN.BUD.I').id])

    def test_user_form_one_active_employee(self):
        "The user form cannot give a user a second active employee"
        Employee = Model.get('company.employee')
        user, first = self.person('link.two', 'SGAD.ADM.I')
        _, second = self.person('link.two.other', 'SGAD.ADM.II')
        user.employees.append(Employee(first.id))
        user.save()

        user.employees.append(Employee(second.id))
        with self.assertRaises(EmployeeUserError) as cm:
            user.save()
        self.assertIn(user.rec_name, cm.exception.message)

        second.reload()
        self.assertIsNone(second.user)
        self.assertEqual(self.scope(user), [self.unit('SGAD.ADM.I').id])

    def test_employee_side(self):
        """The user set on an employee, changed and removed: the users'
        employees and current employee follow"""
        Employee = Model.get('company.employee')
        user, employee = self.person('link.employee', 'SGAD.ADM.I')
        other, _ = self.person('link.employee.other', 'SGAD.ADM.II')

        employee.user = user
        employee.save()
        user.reload()
        self.assertEqual(list(user.employees), [employee])
        self.assertEqual(user.employee, employee)
        self.assertEqual(self.scope(user), [self.unit('SGAD.ADM.I').id])

        employee.user = other
        employee.save()
        user.reload()
        other.reload()
        self.assertEqual(list(user.employees), [])
        self.assertIsNone(user.employee)
        self.assertEqual(list(other.employees), [employee])
        self.assertEqual(other.employee, employee)
        self.assertEqual(self.scope(user), [])
        self.assertEqual(self.scope(other), [self.unit('SGAD.ADM.I').id])

        employee.user = None
        employee.save()
        other.reload()
        self.assertEqual(list(other.employees), [])
        self.assertIsNone(other.employee)
        self.assertEqual(self.scope(other), [])
        self.assertEqual(self.link_lines(user), [
                f'Linked to employee "{employee.rec_name}"',
                f'Unlinked from employee "{employee.rec_name}"'])
        self.assertEqual(self.link_lines(other), [
                f'Linked to employee "{employee.rec_name}"',
                f'Unlinked from employee "{employee.rec_name}"'])
        self.assertEqual(Employee(employee.id).user, None)

    def test_employee_side_one_active_employee(self):
        "An employee cannot be linked to a user who has an active one"
        user, first = self.person('link.side.two', 'SGAD.ADM.I')
        _, second = self.person('link.side.two.other', 'SGAD.ADM.II')
        first.user = user
        first.save()

        second.user = user
        with self.assertRaises(EmployeeUserError):
            second.save()

    def test_past_posting(self):
        """A user keeps the employee of a past posting; the current
        employee is the active one"""
        yesterday = dt.date.today() - dt.timedelta(days=1)
        user, old = self.person(
            'link.past', 'SGAD.ADM.I',
            start_date=yesterday - dt.timedelta(days=400),
            end_date=yesterday)
        _, new = self.person(
            'link.past.other', 'SGAD.REG.I', start_date=dt.date.today())
        old.user = user
        old.save()
        user.reload()
        self.assertEqual(list(user.employees), [old])
        self.assertIsNone(user.employee)

        new.user = user
        new.save()
        user.reload()
        self.assertEqual(sorted(e.id for e in user.employees),
            sorted([old.id, new.id]))
        self.assertEqual(user.employee, new)
        self.assertEqual(self.scope(user), [self.unit('SGAD.REG.I').id])

    def test_preference_other_employee(self):
        """A PS cannot make himself the Secretary (or anyone) through his
        preferences: the request is refused and nothing changes"""
        User = Model.get('res.user')
        Employee = Model.get('company.employee')
        ps = get_user('ps.sgad')
        own, = Employee.find([('user', '=', ps.id)])
        secretary, = Employee.find([('user.login', '=', 'secretary.sgad')])
        scope = self.scope(ps)
        expected = message('msg_preference_employee', self.config)

        set_user(ps, config=self.config)
        for value in [secretary.id, -1, str(own.id), [own.id]]:
            with self.subTest(value=value):
                with self.assertRaises(PreferenceError) as cm:
                    User.set_preferences(
                        {'employee': value}, self.config.context)
                self.assertEqual(cm.exception.message, expected)
        set_user(1, config=self.config)

        ps.reload()
        self.assertEqual(ps.employee, own)
        self.assertEqual(self.scope(ps), scope)

    def test_preference_other_company(self):
        "A user cannot choose a company that is not his own"
        User = Model.get('res.user')
        Company = Model.get('company.company')
        create_company(config=self.config)
        other, = Company.find([('id', '!=', self.company.id)])
        user = get_user('so.admin2')
        expected = message('msg_preference_company', self.config)

        set_user(user, config=self.config)
        with self.assertRaises(PreferenceError) as cm:
            User.set_preferences({'company': other.id}, self.config.context)
        self.assertEqual(cm.exception.message, expected)
        set_user(1, config=self.config)
        user.reload()
        self.assertEqual(user.company, self.company)

    def test_preference_own(self):
        """Preferences naming the user's own employee and company, as the
        web client sends its whole form, are saved"""
        User = Model.get('res.user')
        Employee = Model.get('company.employee')
        user = get_user('so.admin1')
        own, = Employee.find([('user', '=', user.id)])

        set_user(user, config=self.config)
        User.set_preferences({
                'employee': own.id, 'company': self.company.id,
                'name': "Section Officer (Admin-I)", 'language': 'en',
                }, self.config.context)
        set_user(1, config=self.config)
        user.reload()
        self.assertEqual(user.employee, own)

    def test_context_employee(self):
        """A current employee or company sent in the context of a call
        changes nothing of the scope"""
        User = Model.get('res.user')
        Employee = Model.get('company.employee')
        user = get_user('so.admin1')
        secretary, = Employee.find([('user.login', '=', 'secretary.sgad')])
        own, = Employee.find([('user', '=', user.id)])
        scope = self.scope(user)

        set_user(user, config=self.config)
        values, = User.read([user.id], [
                'edaftar_scope', 'edaftar_employee', 'employee'], {
                **self.config.context, 'employee': secretary.id,
                'company': -1, 'date': dt.date(2000, 1, 1)})
        set_user(1, config=self.config)
        self.assertEqual(list(values['edaftar_scope']), scope)
        self.assertEqual(values['edaftar_employee'], own.id)
        self.assertIsNone(values['employee'])


class Device(JsonRpc):
    """A web browser at one network address. Like sao (Sao.Session
    do_login and renew_device_cookie), it sends the device cookie it keeps
    for the login ("sao_device_cookies" in localStorage) with the password
    and renews the cookie after each login."""

    def __init__(self, url, database, address):
        super().__init__(url, database)
        self.address = address
        self.cookies = {}

    def call(self, method, *params):
        self._id += 1
        url = urllib.parse.urlsplit(self.url)
        connection = http.client.HTTPConnection(
            url.hostname, url.port, timeout=60,
            source_address=(self.address, 0))
        headers = {'Content-Type': 'application/json'}
        if self.auth:
            headers['Authorization'] = self.auth
        try:
            connection.request('POST', url.path, json.dumps({
                        'id': self._id, 'method': method,
                        'params': list(params)}), headers)
            response = connection.getresponse()
            body = response.read()
        finally:
            connection.close()
        if response.status != 200:
            raise RPCError('HTTPError', response.status, response.reason)
        answer = json.loads(body)
        if answer.get('error'):
            raise RPCError(*answer['error'])
        return answer['result']

    def login(self, login, password):
        self.auth = None
        user_id, session, *_ = self.call('common.db.login', login, {
                'password': password,
                'device_cookie': self.cookies.get(login),
                })
        token = base64.b64encode(
            f'{login}:{user_id}:{session}'.encode()).decode()
        self.auth = f'Session {token}'
        self.user_id = user_id
        self.context = self.call('model.res.user.get_preferences', True, {})
        self.cookies[login] = self.call(
            'model.res.user.device.renew', self.cookies.get(login), {})
        return user_id


class LoginAttackTestCase(unittest.TestCase):
    """Someone guesses the Chief Secretary's password from one address:
    his guesses are refused, then his address is; the Chief Secretary
    still logs in from the browser he used before"""
    # Small limits keep the server's growing pauses between failed
    # attempts (up to 2**attempts - 1 seconds) short.
    MAX_ATTEMPT = 2
    MAX_ATTEMPT_IP_NETWORK = 6
    VICTIM, ATTACKER, NEW_DEVICE = '127.0.0.2', '127.0.0.3', '127.0.0.4'

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_modules('edaftar_base', setup_government)
        cls.tmp = tempfile.TemporaryDirectory()
        if backend.name == 'sqlite':
            # The tests' database lives in memory: serve a copy of it.
            database_uri, database_name = 'sqlite://', 'edaftar_accounts'
            target = sqlite3.connect(
                os.path.join(cls.tmp.name, f'{database_name}.sqlite'))
            with Transaction().start(DB_NAME, 0) as transaction:
                transaction.connection.backup(target)
            target.close()
        else:
            database_uri, database_name = (
                config_get('database', 'uri'), DB_NAME)
        cls.database = database_name
        cls.server = trytond_server(
            database_uri, database_name, cls.tmp.name, session={
                'max_attempt': cls.MAX_ATTEMPT,
                'max_attempt_ip_network': cls.MAX_ATTEMPT_IP_NETWORK,
                })
        cls.url = cls.server.__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)
        cls.tmp.cleanup()
        drop_db()
        super().tearDownClass()

    def device(self, address):
        return Device(self.url, self.database, address)

    def assertRefused(self, device, login, password, status):
        with self.assertRaises(RPCError) as cm:
            device.login(login, password)
        self.assertEqual(cm.exception.args[:2], ('HTTPError', status))

    def test_known_device_during_attack(self):
        victim = self.device(self.VICTIM)
        victim.login('cs', PASSWORD)
        self.assertIn('cs', victim.cookies)

        attacker = self.device(self.ATTACKER)
        # Wrong passwords are refused, each after a growing pause; past
        # max_attempt the login is throttled for unknown devices, the
        # right password included.
        for _ in range(self.MAX_ATTEMPT + 1):
            self.assertRefused(attacker, 'cs', 'guess', 401)
        self.assertRefused(attacker, 'cs', 'guess', 429)
        self.assertRefused(attacker, 'cs', PASSWORD, 429)
        # A made-up device cookie is no known device.
        attacker.cookies['cs'] = victim.cookies['cs'][::-1]
        self.assertRefused(attacker, 'cs', PASSWORD, 429)
        for _ in range(self.MAX_ATTEMPT_IP_NETWORK):
            self.assertRefused(attacker, 'cs', 'guess', 429)

        # The Chief Secretary's browser still gets in, with a new cookie.
        cookie = victim.cookies['cs']
        self.assertEqual(victim.login('cs', PASSWORD), get_user('cs').id)
        self.assertNotEqual(victim.cookies['cs'], cookie)
        self.assertTrue(victim.model('res.user', 'read', [victim.user_id],
                ['login']))
        # A browser he never used is throttled until the attack stops.
        self.assertRefused(self.device(self.NEW_DEVICE), 'cs', PASSWORD, 429)

        # The attacker's address is refused for every login; the same
        # login from elsewhere is not.
        self.assertRefused(attacker, 'auditor', PASSWORD, 429)
        self.assertEqual(
            self.device(self.NEW_DEVICE).login('auditor', PASSWORD),
            get_user('auditor').id)

    def test_wrong_password_on_known_device(self):
        """Wrong passwords from a known device count for that device
        only: the Chief Secretary's own slips do not lock out his other
        browser"""
        first, second = self.device(self.VICTIM), self.device(self.VICTIM)
        first.login('secretary.fin', PASSWORD)
        second.login('secretary.fin', PASSWORD)
        for _ in range(self.MAX_ATTEMPT + 1):
            self.assertRefused(first, 'secretary.fin', 'typo', 401)
        self.assertRefused(first, 'secretary.fin', PASSWORD, 429)
        self.assertEqual(second.login('secretary.fin', PASSWORD),
            get_user('secretary.fin').id)
