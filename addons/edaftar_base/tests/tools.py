# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"Shared fixtures for the scenarios of the e-Daftar modules"
import base64
import contextlib
import datetime as dt
import email
import email.policy
import doctest
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

from aiosmtpd.controller import Controller
from proteus import Model
from trytond.exceptions import UserError
from trytond.modules.company.tests.tools import create_company, get_company
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    DB_NAME, doctest_checker, doctest_setup, doctest_teardown,
    with_transaction)
from trytond.tests.tools import set_user
from trytond.transaction import Transaction

__all__ = ['setup_government', 'setup_executive', 'get_user', 'Actor',
    'message_text', 'message_pattern', 'ALLOWED', 'AccessMatrixMixin',
    'refusal_kind',
    'run_scenario', 'JsonRpc', 'RPCError', 'trytond_server', 'PASSWORD',
    'GuardedRelationsTestMixin', 'Mailbox', 'run_cron', 'RefusalTestMixin']

PASSWORD = 'scenario-password'

# unit code: (name, kind, parent code)
UNITS = [
    ('GOB', "Government of Balochistan", 'government', None),
    ('CSO', "Chief Secretary's Office", 'executive', 'GOB'),
    ('SGAD', "Services & General Administration", 'department', 'GOB'),
    ('SGAD.CR', "Central Registry", 'section', 'SGAD'),
    ('SGAD.ADM', "Admin Wing", 'wing', 'SGAD'),
    ('SGAD.ADM.I', "Admin-I Section", 'section', 'SGAD.ADM'),
    ('SGAD.ADM.II', "Admin-II Section", 'section', 'SGAD.ADM'),
    ('SGAD.REG', "Regulations Wing", 'wing', 'SGAD'),
    ('SGAD.REG.I', "Regulations-I Section", 'section', 'SGAD.REG'),
    ('FIN', "Finance", 'department', 'GOB'),
    ('FIN.CR', "Finance Registry", 'section', 'FIN'),
    ('FIN.BUD', "Budget Wing", 'wing', 'FIN'),
    ('FIN.BUD.I', "Budget-I Section", 'section', 'FIN.BUD'),
    ]

# login: (name, groups, unit code, principal login)
PEOPLE = [
    ('secretary.sgad', "Secretary S&GAD", ['group_department_head'],
        'SGAD', None),
    ('ps.sgad', "PS to Secretary S&GAD", ['group_pa'], 'SGAD',
        'secretary.sgad'),
    ('as.admin', "Additional Secretary (Admin)", ['group_wing_head'],
        'SGAD.ADM', None),
    ('as.regs', "Additional Secretary (Regulations)", ['group_wing_head'],
        'SGAD.REG', None),
    ('so.admin1', "Section Officer (Admin-I)", ['group_section_officer'],
        'SGAD.ADM.I', None),
    ('so.admin2', "Section Officer (Admin-II)", ['group_section_officer'],
        'SGAD.ADM.II', None),
    ('officer.admin1', "Assistant (Admin-I)", ['group_officer'],
        'SGAD.ADM.I', None),
    ('registrar.sgad', "Diary Clerk S&GAD", ['group_registrar'],
        'SGAD.CR', None),
    ('secretary.fin', "Secretary Finance", ['group_department_head'],
        'FIN', None),
    ('as.budget', "Additional Secretary (Budget)", ['group_wing_head'],
        'FIN.BUD', None),
    ('registrar.fin', "Diary Clerk Finance", ['group_registrar'],
        'FIN.CR', None),
    ('so.budget1', "Section Officer (Budget-I)", ['group_section_officer'],
        'FIN.BUD.I', None),
    ('cs', "Chief Secretary", ['group_chief_secretary'], 'CSO', None),
    ('auditor', "Auditor", ['group_auditor'], 'GOB', None),
    ]

# The Chief Minister's office and the staff of both leaders, added by
# setup_executive for the modules that act for them (directives). Kept out
# of setup_government: the Dak tests assert its units and people.
EXECUTIVE_UNITS = [
    ('CMO', "Chief Minister's Office", 'executive', 'GOB'),
    ]
EXECUTIVE_PEOPLE = [
    ('cm', "Chief Minister", ['group_chief_minister'], 'CMO', None),
    ('ps.cm', "PS to the Chief Minister", ['group_pa'], 'CMO', 'cm'),
    ('ps.cs', "PS to the Chief Secretary", ['group_pa'], 'CSO', 'cs'),
    ]
# unit code: login of its head
EXECUTIVE_HEADS = [('CMO', 'cm')]


def setup_government(config):
    """Create the company, a small government (two departments, three
    wings, seven sections, the CS office) and one user per person."""
    create_company(config=config)
    units, employees = {}, {}
    _create_units(config, UNITS, units)
    _create_people(config, PEOPLE, units, employees)
    for unit, login in [
            ('SGAD', 'secretary.sgad'), ('FIN', 'secretary.fin'),
            ('SGAD.ADM', 'as.admin'), ('SGAD.REG', 'as.regs'),
            ('FIN.BUD', 'as.budget'), ('CSO', 'cs')]:
        units[unit].head = employees[login]
        units[unit].save()


def setup_executive(config):
    """After setup_government: the Chief Minister's office (executive,
    under GOB, headed by the CM), the Chief Minister ('cm'), the PS to the
    CM ('ps.cm', posted in the CM's office) and the PS to the CS ('ps.cs',
    posted in the CS's office)."""
    Unit = Model.get('edaftar.org.unit', config=config)
    Employee = Model.get('company.employee', config=config)
    # The units of setup_government they hang from or are posted in (top
    # units: their code is their path).
    new = {code for code, _, _, _ in EXECUTIVE_UNITS}
    codes = ({p for _, _, _, p in EXECUTIVE_UNITS}
        | {u for _, _, _, u, _ in EXECUTIVE_PEOPLE}) - new
    units = {u.code: u for u in Unit.find([('code', 'in', sorted(codes))])}
    employees = {
        e.user.login: e for e in Employee.find([('user', '!=', None)])}
    _create_units(config, EXECUTIVE_UNITS, units)
    _create_people(config, EXECUTIVE_PEOPLE, units, employees)
    for unit, login in EXECUTIVE_HEADS:
        units[unit].head = employees[login]
        units[unit].save()


def _create_units(config, rows, units):
    "Create the units of rows, adding them to units (by code path)"
    Unit = Model.get('edaftar.org.unit', config=config)
    for code, name, kind, parent in rows:
        unit = Unit(name=name, code=code.split('.')[-1], kind=kind)
        unit.parent = units[parent] if parent else None
        unit.save()
        units[code] = unit


def _create_people(config, rows, units, employees):
    """Create a user and an employee of the company for each person of
    rows, adding them to employees (by login)"""
    ModelData = Model.get('ir.model.data', config=config)
    Group = Model.get('res.group', config=config)
    Party = Model.get('party.party', config=config)
    Employee = Model.get('company.employee', config=config)
    User = Model.get('res.user', config=config)
    company = get_company(config=config)

    def group(xml_id):
        return Group(ModelData.get_id('edaftar_base', xml_id, config.context))

    for login, name, groups, unit, principal in rows:
        user = User(login=login, name=name, password=PASSWORD)
        user.groups.extend(group(g) for g in groups)
        user.save()
        party = Party(name=name)
        party.save()
        employee = Employee(
            party=party, company=company, user=user,
            edaftar_unit=units[unit])
        if principal:
            employee.principal = employees[principal]
        employee.save()
        employees[login] = employee


def get_user(login, config=None):
    User = Model.get('res.user', config=config)
    user, = User.find([('login', '=', login)])
    return user


def run_scenario(test_case, module_file, name):
    "Run the doctest scenario name, beside module_file, inside test_case"
    suite = doctest.DocFileSuite(
        os.path.join(os.path.dirname(module_file), name),
        module_relative=False,
        setUp=doctest_setup, tearDown=doctest_teardown,
        encoding='utf-8', checker=doctest_checker,
        optionflags=(
            doctest.REPORT_ONLY_FIRST_FAILURE | doctest.ELLIPSIS
            | doctest.NORMALIZE_WHITESPACE))
    result = unittest.TestResult()
    suite.run(result)
    problems = result.failures + result.errors
    if problems:
        test_case.fail('\n'.join(text for _, text in problems))
    test_case.assertEqual(result.testsRun, 1)


class RPCError(Exception):
    "An error answered by the server: args are (kind, message, ...)"


class JsonRpc:
    "A minimal JSON-RPC client, as the web client and integrations call"

    def __init__(self, url, database):
        self.url = f'{url}/{database}/rpc/'
        self.auth = None
        self._id = 0

    def login(self, login, password):
        user_id, session, *_ = self.call(
            'common.db.login', login, {'password': password})
        token = base64.b64encode(
            f'{login}:{user_id}:{session}'.encode()).decode()
        self.auth = f'Session {token}'
        self.user_id = user_id
        self.context = self.call('model.res.user.get_preferences', True, {})
        return user_id

    def call(self, method, *params):
        self._id += 1
        request = urllib.request.Request(
            self.url, data=json.dumps({
                    'id': self._id, 'method': method,
                    'params': list(params)}).encode(),
            headers={'Content-Type': 'application/json'})
        if self.auth:
            request.add_header('Authorization', self.auth)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                answer = json.loads(response.read())
        except urllib.error.HTTPError as error:
            raise RPCError('HTTPError', error.code, error.reason)
        if answer.get('error'):
            raise RPCError(*answer['error'])
        return answer['result']

    def model(self, model, method, *args):
        "Call model.method(*args, context) as the logged-in user"
        return self.call(f'model.{model}.{method}', *args, self.context)


@contextlib.contextmanager
def trytond_server(
        database_uri, database_name, database_path=None, session=None):
    """Run trytond on a free localhost port serving database_name (loaded
    at start); yield its base URL. session: options of the [session]
    section, over max_attempt = 100."""
    session = {'max_attempt': 100, **(session or {})}
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
    with tempfile.TemporaryDirectory() as tmp:
        conf = os.path.join(tmp, 'trytond.conf')
        with open(conf, 'w') as fp:
            # retry as in config/trytond-postgresql.conf: clerks queueing
            # on a register retry rather than fail.
            fp.write(f'[database]\nuri = {database_uri}\n'
                f'path = {database_path or tmp}\nretry = 20\n'
                f'[web]\nlisten = 127.0.0.1:{port}\n'
                '[session]\n' + ''.join(
                    f'{k} = {v}\n' for k, v in session.items()))
        env = {k: v for k, v in os.environ.items()
            if not k.startswith('TRYTOND_')}
        log = open(os.environ.get('EDAFTAR_TEST_SERVER_LOG', os.devnull), 'a')
        server = subprocess.Popen(
            [os.path.join(os.path.dirname(sys.executable), 'trytond'),
                '-c', conf, '-d', database_name],
            env=env, stdout=log, stderr=log)
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    with socket.create_connection(('127.0.0.1', port), 1):
                        break
                except OSError:
                    if (server.poll() is not None
                            or time.monotonic() > deadline):
                        raise RuntimeError("trytond did not start")
                    time.sleep(0.1)
            yield f'http://127.0.0.1:{port}'
        finally:
            server.terminate()
            server.wait(10)
            log.close()


class GuardedRelationsTestMixin:
    "For the ModuleTestCase of every module with scoped models"

    @with_transaction()
    def test_relations_to_guarded_models_are_guarded(self):
        """Every model with a relation to a guarded (scoped) model guards
        its searches too, or checks its records' resource: otherwise a
        dotted search through it reads around the rules"""
        from trytond.ir.resource import ResourceAccessMixin
        from trytond.model import ModelSQL, fields
        from trytond.modules.edaftar_base.guard import GuardMixin
        from trytond.pool import Pool
        pool = Pool()
        guarded = {
            name for name, M in pool.iterobject()
            if isinstance(M, type) and issubclass(M, GuardMixin)}
        unguarded = []
        for name, M in pool.iterobject():
            if (not isinstance(M, type) or not issubclass(M, ModelSQL)
                    or issubclass(M, (GuardMixin, ResourceAccessMixin))):
                continue
            for fname, field in M._fields.items():
                if isinstance(field, fields.Function):
                    continue
                if isinstance(field, (
                            fields.Many2One, fields.One2Many,
                            fields.Many2Many)):
                    targets = {field.get_target().__name__}
                elif (isinstance(field, fields.Reference)
                        and isinstance(field.selection, (list, tuple))):
                    targets = {m for m, _ in field.selection if m}
                else:
                    continue
                for target in sorted(targets & guarded):
                    unguarded.append(f'{name}.{fname} -> {target}')
        self.assertTrue(guarded)
        self.assertEqual(unguarded, [])


class Actor:
    """Act through proteus as the people of the small government: log in
    by login, call over RPC as the current user, click, write; modules'
    tests subclass it with their own acts"""

    def __init__(self, config):
        self.config = config
        self.admin = config.user
        self._users = {}
        self.load()

    def load(self):
        "Read the ids of the people and units (again, after adding some)"
        Employee = Model.get('company.employee', config=self.config)
        Unit = Model.get('edaftar.org.unit', config=self.config)
        self.login('admin')
        self._employees = {e.user.login: e.id
            for e in Employee.find([('user', '!=', None)])}
        self._units = {u.code: u.id for u in Unit.find([])}

    def login(self, login):
        if login == 'admin':
            set_user(self.admin, config=self.config)
            return
        if login not in self._users:
            set_user(self.admin, config=self.config)
            self._users[login] = get_user(login, config=self.config)
        set_user(self._users[login], config=self.config)

    @contextlib.contextmanager
    def as_admin(self):
        "Act as the administrator, then as the user before"
        user, context = self.config.user, self.config._context
        set_user(self.admin, config=self.config)
        try:
            yield
        finally:
            self.config.user, self.config._context = user, context

    def employee(self, login):
        "The id of the employee of login"
        return self._employees[login]

    def unit(self, code):
        "The id of the unit of code (the last part of its path)"
        return self._units[code]

    def call(self, model, method, *args, context=None):
        "Call method of model over RPC as the current user"
        return getattr(self.config.get_proxy(model), method)(
            *args, {**self.config.context, **(context or {})})

    def click(self, login, model, record_id, button):
        "Click button of the record as login"
        Record = Model.get(model, config=self.config)
        self.login(login)
        Record(record_id).click(button)

    def write(self, login, model, record_id, **values):
        "Write values as login through RPC, as a client sends them"
        self.login(login)
        self.call(model, 'write', [record_id], values)


def _text(config, message):
    ModelData = Model.get('ir.model.data', config=config)
    Message = Model.get('ir.message', config=config)
    module, fs_id = message.split('.')
    return Message(ModelData.get_id(module, fs_id, config.context)).text


def message_text(config, message, **params):
    "The text of the ir.message message (module.id) with params"
    return _text(config, message) % params


def message_pattern(config, message):
    "The pattern of the text of the ir.message, any value for its params"
    return re.compile(re.sub(
            r'%\\\(\w+\\\)s', '.*', re.escape(_text(config, message))),
        re.DOTALL)


# An access matrix cell that the user may do
ALLOWED = 'allowed'


def refusal_kind(error, refusals, patterns):
    """Return the kind of refusal (a key of refusals: {kind: [(exception
    class, message id)]}) error is, or None; patterns: {message id:
    message_pattern}"""
    for kind, guards in refusals.items():
        for exception, message in guards:
            if (type(error) is exception
                    and patterns[message].fullmatch(error.message)):
                return kind


class AccessMatrixMixin:
    """Each role × operation of a module, allowed or refused as its
    contract says. The test case sets ROLES, OPERATIONS, EXPECTED ({role:
    {operation: ALLOWED or refusal kind}}), REFUSALS, self.actor, and
    defines attempt(role, operation, allowed) (returning ALLOWED or the
    kind of refusal) and check_allowed_happened()."""
    maxDiff = None

    def refusal(self, error):
        "The kind of the refusal error, for attempt()"
        if not hasattr(self, '_patterns'):
            self._patterns = {
                message: message_pattern(self.config, message)
                for guards in self.REFUSALS.values()
                for _, message in guards}
        return refusal_kind(error, self.REFUSALS, self._patterns)

    def test_matrix(self):
        "The access matrix"
        # Refusals first, so that the allowed cells change nothing seen by
        # the other cells.
        expected = {(r, o): self.EXPECTED[r][o]
            for r in self.ROLES for o in self.OPERATIONS}
        got = {}
        for allowed in [False, True]:
            for role in self.ROLES:
                self.actor.login(role)
                for operation in self.OPERATIONS:
                    cell = (role, operation)
                    if (expected[cell] == ALLOWED) != allowed:
                        continue
                    got[cell] = self.attempt(role, operation, allowed)
        self.actor.login('admin')
        wrong = sorted(
            f'{r} {o}: expected {expected[(r, o)]}, got {got[(r, o)]}'
            for (r, o) in expected if got[(r, o)] != expected[(r, o)])
        with self.subTest("the cells"):
            self.assertEqual(wrong, [])
        with self.subTest("what the allowed cells did"):
            self.check_allowed_happened()


class Mailbox:
    """An SMTP server on a free localhost port (aiosmtpd) keeping what it
    receives: (envelope sender, envelope recipients, parsed message)"""

    def __init__(self):
        self.messages = []
        with socket.socket() as sock:
            sock.bind(('127.0.0.1', 0))
            self.port = sock.getsockname()[1]
        self.controller = Controller(
            self, hostname='127.0.0.1', port=self.port)

    @property
    def uri(self):
        return f'smtp://127.0.0.1:{self.port}'

    def start(self):
        self.controller.start()

    def stop(self):
        self.controller.stop()

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((
                envelope.mail_from, list(envelope.rcpt_tos),
                email.message_from_bytes(
                    envelope.content, policy=email.policy.default)))
        return '250 Message accepted for delivery'

    def take(self):
        "Return the messages received since the last call"
        messages, self.messages = self.messages, []
        return messages


def run_cron(method):
    """Run the ir.cron task of method as trytond-cron does (Cron.run: as
    root, then the queued tasks), the other tasks not being due"""
    now = dt.datetime.now()
    with Transaction().start(DB_NAME, 0):
        Cron = Pool().get('ir.cron')
        crons = Cron.search([])
        Cron.write(
            [c for c in crons if c.method != method],
            {'next_call': now + dt.timedelta(days=1)},
            [c for c in crons if c.method == method],
            {'next_call': None})
    Cron.run(DB_NAME)


class RefusalTestMixin:
    """Assertions of a refusal by a named guard, for test cases with
    self.config and self.actor (an Actor): the exception type exactly and
    the text of its ir.message"""

    def message(self, message, **params):
        with self.actor.as_admin():
            return message_text(self.config, message, **params)

    def refused(self, exception, call):
        "Run call, assert it raises exception (exactly); return the error"
        with self.assertRaises(UserError) as context:
            call()
        error = context.exception
        self.assertIs(type(error), exception, error.message)
        return error

    def assertRefused(self, exception, message, call, **params):
        "call raises exception with the text of message and params"
        error = self.refused(exception, call)
        self.assertEqual(error.message, self.message(message, **params))
        return error

    def assertRefusedLike(self, exception, message, call):
        "call raises exception with the text of message, whatever params"
        error = self.refused(exception, call)
        with self.actor.as_admin():
            pattern = message_pattern(self.config, message)
        self.assertRegex(error.message, pattern)
        return error
