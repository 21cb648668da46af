# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""What the citizen is told and how they answer, with a real SMTP server:
a case closed is done and the citizen is asked to rate the answer; a
rating of 1 or 2 reopens it once, escalated to the officer above the one
who closed it; any other rating is kept; a rating that is out of range,
early, repeated or not the citizen's is refused. The officers' public
answers reach the citizen by e-mail, their internal notes never."""
import datetime as dt
import unittest

import trytond.config as config
from proteus import Model
from trytond.modules.edaftar_base.tests.tools import (
    Actor, Mailbox, RefusalTestMixin, message_text, run_cron,
    setup_government)
from trytond.modules.edaftar_portal.exceptions import (
    ApplicationAccessError, PortalError, RatingError)
from trytond.modules.edaftar_portal.tests.tools import (
    OTHER_CNIC, VALID_CNIC, setup_portal)
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, drop_db
from trytond.tests.tools import activate_modules
from trytond.transaction import Transaction, TransactionError

APPLICATION = 'edaftar.portal.application'
RECEIPT = 'edaftar.receipt'
FROM = 'portal@gob.example'
PORTAL_URL = 'https://portal.gob.example/edaftar/portal'
CITIZEN = {
    'name': "Nasreen Akhtar", 'cnic': VALID_CNIC, 'phone': '0300-2223334',
    'email': 'nasreen.akhtar@citizen.example', 'password': 'rate-it-well'}
STRANGER = {
    'name': "Imran Ali", 'cnic': OTHER_CNIC, 'phone': '0321-4445556',
    'email': 'imran.ali@citizen.example', 'password': 'not-my-case'}


def as_server(func, *args):
    """Run func(*args) as the server (user 0) in a transaction of its own,
    run again with the locks it asks for, as the portal's requests are;
    return its result"""
    extras = {}
    while True:
        with Transaction().start(DB_NAME, 0, **extras) as transaction:
            try:
                return func(*args)
            except TransactionError as error:
                transaction.rollback()
                error.fix(extras)


class RatingTestCase(RefusalTestMixin, unittest.TestCase):
    "The citizen's rating of the answer, and what they are told"
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.saved = {o: config.get(s, o) for s, o in [
                ('email', 'uri'), ('email', 'from'),
                ('edaftar', 'portal_url')]}
        cls.mailbox = Mailbox()
        cls.mailbox.start()
        config.set('email', 'uri', cls.mailbox.uri)
        config.set('email', 'from', FROM)
        # Where the links of the e-mails sent from the back office lead
        if not config.has_section('edaftar'):
            config.add_section('edaftar')
        config.set('edaftar', 'portal_url', PORTAL_URL)
        cls.config = activate_modules(
            'edaftar_portal', setup_government, setup_portal)
        cls.actor = Actor(cls.config)

        def sign_up():
            WebUser = Pool().get('web.user')
            return [WebUser.sign_up(values).id
                for values in [CITIZEN, STRANGER]]
        cls.citizen, cls.stranger = as_server(sign_up)

    @classmethod
    def tearDownClass(cls):
        cls.mailbox.stop()
        for (section, option), value in zip([
                    ('email', 'uri'), ('email', 'from'),
                    ('edaftar', 'portal_url')], cls.saved.values()):
            if value is None:
                config._config.remove_option(section, option)
                config._cache_clear()
            else:
                config.set(section, option, value)
        drop_db()
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        self.mailbox.take()

    def tearDown(self):
        self.actor.login('admin')
        super().tearDown()

    # Helpers

    def subject(self):
        "A description of its own for each case of a test"
        return f"{self.id().rsplit('.', 1)[-1]}: water comes once a week"

    def submit(self, web_user=None):
        "The citizen's complaint, as the portal submits it; its id"
        web_user = web_user or self.citizen

        def submit():
            pool = Pool()
            Application = pool.get(APPLICATION)
            Category = pool.get('edaftar.portal.category')
            WebUser = pool.get('web.user')
            category, = Category.search([('code', '=', 'WATER')])
            return Application.submit({
                    'category': category.id,
                    'description': self.subject(),
                    'address': "Satellite Town, Quetta",
                    **{k: CITIZEN[k]
                        for k in ['name', 'cnic', 'phone', 'email']}},
                web_user=WebUser(web_user)).id
        return as_server(submit)

    def case(self, application):
        "What the case and its receipt are, read as the server"
        def read():
            Application = Pool().get(APPLICATION)
            case = Application(application)
            receipt = case.receipt
            return {
                'public_state': case.public_state,
                'rating': case.rating,
                'feedback': case.feedback,
                'rated': case.rated_at is not None,
                'reopened': bool(case.reopened),
                'appeal_rating': case.appeal_rating,
                'appeal_feedback': case.appeal_feedback,
                'escalated': bool(case.escalated),
                'level': case.escalation_level,
                'done': case.done_at is not None,
                'state': receipt.state,
                'holder': receipt.holder.user.login,
                'movements': [(m.action,
                        m.from_employee.user.login, m.to_employee.user.login,
                        m.instructions)
                    for m in sorted(receipt.movements, key=lambda m: m.id)],
                }
        return as_server(read)

    def number(self, application):
        return as_server(lambda: Pool().get(APPLICATION)(application).number)

    def receipt(self, application):
        return as_server(
            lambda: Pool().get(APPLICATION)(application).receipt.id)

    def rate(self, application, rating, feedback=None, web_user=None):
        "A call rating the case as the portal does for a web user"
        web_user = self.citizen if web_user is None else web_user

        def rate():
            pool = Pool()
            Application = pool.get(APPLICATION)
            WebUser = pool.get('web.user')
            Application(application).rate(
                WebUser(web_user) if web_user else None, rating, feedback)
        return lambda: as_server(rate)

    def forward(self, login, application, to):
        "Forward the case's receipt as its holder, login, to the login to"
        self.actor.login(login)
        self.actor.call('edaftar.movement', 'create', [{
                    'document': f'{RECEIPT},{self.receipt(application)}',
                    'action': 'forward',
                    'to_employee': self.actor.employee(to),
                    'instructions': "Please see and dispose of"}])

    def close(self, login, application, remark="Supply restored."):
        "Close the case's receipt as its holder, login"
        receipt = self.receipt(application)
        self.actor.write(login, RECEIPT, receipt, disposal_remark=remark)
        self.actor.click(login, RECEIPT, receipt, 'close')

    def mails(self):
        """The e-mails received since the last call: (recipients, subject,
        plain text)"""
        return [(rcpt, str(msg['Subject']),
                msg.get_body(('plain',)).get_content().replace('\r\n', '\n'))
            for _, rcpt, msg in self.mailbox.take()]

    def status_mail(self, event, application):
        "The e-mail (recipients, subject) of the status event of the case"
        number = self.number(application)
        return ([CITIZEN['email']], message_text(self.config,
                f'edaftar_portal.msg_email_subject_{event}', number=number))

    # Tests

    def test_close_appeal_once(self):
        """Closed: done, the citizen asked to rate by e-mail; rated 1:
        reopened, escalated above the officer who closed it, the citizen
        told; closed again and rated 1 again: kept, not reopened again"""
        application = self.submit()
        number = self.number(application)
        self.assertEqual(
            [m[:2] for m in self.mails()],
            [self.status_mail('new', application)])
        self.forward('so.admin1', application, 'officer.admin1')
        self.assertEqual(self.case(application)['public_state'],
            'in_progress')
        self.assertEqual([m[:2] for m in self.mails()],
            [self.status_mail('in_progress', application)])

        # Not before it is done
        self.assertRefused(RatingError, 'edaftar_portal.msg_rating_not_done',
            self.rate(application, 5), number=number)

        self.close('officer.admin1', application)
        closed = self.case(application)
        self.assertEqual(
            (closed['public_state'], closed['done'], closed['state'],
                closed['rating']),
            ('done', True, 'closed', None))
        (rcpt, subject, text), = self.mails()
        self.assertEqual((rcpt, subject),
            self.status_mail('done', application))
        self.assertEqual(text.strip(), message_text(self.config,
                'edaftar_portal.msg_email_body_done', number=number,
                category="Water supply",
                url=f'{PORTAL_URL}/applications/{number}').strip())

        # The citizen appeals: reopened, in the hands of the Additional
        # Secretary above the Assistant who closed it.
        feedback = "Still no water on our street."
        self.rate(application, 1, feedback)()
        appealed = self.case(application)
        reason = message_text(self.config, 'edaftar_portal.msg_appeal_reason',
            number=number, rating='1', feedback=feedback)
        self.assertEqual(
            {k: appealed[k] for k in [
                    'public_state', 'rating', 'feedback', 'rated',
                    'reopened', 'appeal_rating', 'appeal_feedback',
                    'escalated', 'level', 'done', 'state', 'holder']},
            {'public_state': 'in_progress', 'rating': None,
                'feedback': None, 'rated': False, 'reopened': True,
                'appeal_rating': '1', 'appeal_feedback': feedback,
                'escalated': True, 'level': 1, 'done': False,
                'state': 'in_process', 'holder': 'as.admin'})
        self.assertEqual(appealed['movements'][len(closed['movements']):], [
                ('reopen', 'officer.admin1', 'officer.admin1', reason),
                ('escalate', 'officer.admin1', 'as.admin', reason),
                ])
        self.assertEqual([m[:2] for m in self.mails()],
            [self.status_mail('reopened', application)])
        with self.actor.as_admin():
            notes = [(m['audience'], m['content']) for m in self.actor.call(
                    'ir.chat.channel', 'get', f'{APPLICATION},{application}')
                if m['content'] == reason]
        self.assertEqual(notes, [('internal', reason)])
        self.actor.login('as.admin')
        receipt = Model.get(RECEIPT)(self.receipt(application))
        self.assertEqual(
            (receipt.portal_escalated, receipt.portal_application.id),
            (True, application))

        # Answered again by the Additional Secretary: done, the citizen
        # asked again; a second 1 is kept and reopens nothing.
        self.close('as.admin', application, "Tanker service arranged.")
        self.assertEqual([m[:2] for m in self.mails()],
            [self.status_mail('done', application)])
        again = self.case(application)
        self.assertEqual(again['public_state'], 'done')
        self.rate(application, 1, "Still unhappy.")()
        final = self.case(application)
        self.assertEqual(
            {k: final[k] for k in [
                    'public_state', 'rating', 'feedback', 'rated',
                    'reopened', 'appeal_rating', 'appeal_feedback', 'level',
                    'state', 'holder', 'movements']},
            {'public_state': 'done', 'rating': '1',
                'feedback': "Still unhappy.", 'rated': True,
                'reopened': True, 'appeal_rating': '1',
                'appeal_feedback': feedback, 'level': 1,
                'state': 'closed', 'holder': 'as.admin',
                'movements': again['movements']})
        self.assertEqual(self.mails(), [])
        # Once rated, not again
        self.assertRefused(RatingError, 'edaftar_portal.msg_rating_given',
            self.rate(application, 5), number=number)
        self.assertEqual(self.case(application), final)

    def test_rating_kept(self):
        """A rating of 3 to 5 is kept and changes nothing else; 2 reopens
        as 1 does"""
        for rating, reopened in [(4, False), (3, False), (2, True)]:
            with self.subTest(rating=rating):
                application = self.submit()
                self.forward('so.admin1', application, 'officer.admin1')
                self.close('officer.admin1', application)
                self.mails()
                closed = self.case(application)
                self.rate(application, str(rating), "Thank you.")()
                rated = self.case(application)
                if reopened:
                    self.assertEqual(
                        (rated['public_state'], rated['reopened'],
                            rated['appeal_rating'], rated['holder']),
                        ('in_progress', True, '2', 'as.admin'))
                    continue
                self.assertEqual(rated, dict(closed, rating=str(rating),
                        feedback="Thank you.", rated=True))
                self.assertEqual(self.mails(), [])
                # Once rated, not again
                self.assertRefused(RatingError,
                    'edaftar_portal.msg_rating_given',
                    self.rate(application, 1),
                    number=self.number(application))
                self.assertEqual(self.case(application), rated)

    def test_rating_refused(self):
        """A rating outside 1 to 5, or not by the citizen who made the
        case, is refused and changes nothing"""
        application = self.submit()
        self.forward('so.admin1', application, 'officer.admin1')
        self.close('officer.admin1', application)
        self.mails()
        done = self.case(application)
        for rating in [0, 6, -1, '', None, 'five', '4.5']:
            with self.subTest(rating=rating):
                self.assertRefused(RatingError,
                    'edaftar_portal.msg_rating_invalid',
                    self.rate(application, rating))
                self.assertEqual(self.case(application), done)
        with self.subTest("too long a comment"):
            self.assertRefused(RatingError,
                'edaftar_portal.msg_field_too_long',
                self.rate(application, 1, "x" * 1001),
                field="Comment", limit=1000)
            self.assertEqual(self.case(application), done)
        for who, web_user in [("another citizen", self.stranger),
                ("nobody", 0)]:
            with self.subTest(who):
                self.assertRefused(ApplicationAccessError,
                    'edaftar_portal.msg_application_not_yours',
                    self.rate(application, 1, web_user=web_user))
                self.assertEqual(self.case(application), done)
        self.assertEqual(self.mails(), [])

    def test_unrated_stays_done(self):
        """A case nobody rates stays done (the escalation leaves it alone,
        however late); its holder may still reopen and close it, the
        citizen told each time"""
        application = self.submit()
        self.forward('so.admin1', application, 'officer.admin1')
        self.close('officer.admin1', application)
        self.mails()
        done = self.case(application)

        def late():
            Application = Pool().get(APPLICATION)
            table = Application.__table__()
            cursor = Transaction().connection.cursor()
            cursor.execute(*table.update(
                    [table.expected_date],
                    [dt.date.today() - dt.timedelta(days=60)],
                    where=table.id == application))
        as_server(late)
        run_cron('edaftar.portal.application|escalate_overdue')
        self.assertEqual(self.case(application), done)

        receipt = self.receipt(application)
        self.actor.write('officer.admin1', RECEIPT, receipt,
            reopen_reason="The citizen called: the supply failed again.")
        self.actor.click('officer.admin1', RECEIPT, receipt, 'reopen')
        self.assertEqual(
            (self.case(application)['public_state'],
                self.case(application)['reopened']),
            ('in_progress', False))
        self.assertEqual([m[:2] for m in self.mails()],
            [self.status_mail('in_progress', application)])
        self.close('officer.admin1', application, "Restored again.")
        self.assertEqual(self.case(application)['public_state'], 'done')
        self.assertEqual([m[:2] for m in self.mails()],
            [self.status_mail('done', application)])
        # And the citizen may rate it.
        self.rate(application, 5)()
        self.assertEqual(self.case(application)['rating'], '5')

    def test_discussion(self):
        """The officer's public answer is e-mailed to the citizen by the
        chat, and shown on the case's page; an internal note is neither;
        the citizen's reply reaches the holder"""
        Notification = Model.get('res.notification')
        application = self.submit()
        number = self.number(application)
        resource = f'{APPLICATION},{application}'
        self.forward('so.admin1', application, 'officer.admin1')
        self.mails()
        self.actor.login('officer.admin1')
        answer = "A tanker will come on Monday morning."
        note = "Internal: the XEN says the pump is burnt."
        self.actor.call('ir.chat.channel', 'post', resource, answer,
            'public')
        self.actor.call('ir.chat.channel', 'post', resource, note,
            'internal')
        (rcpt, subject, text), = self.mails()
        self.assertEqual((rcpt, subject, text.strip()), (
                [CITIZEN['email']],
                message_text(self.config, 'ir.msg_chat_subject',
                    channel=number, author="Assistant (Admin-I)"),
                answer))

        def page():
            return Pool().get(APPLICATION)(application).public_messages()
        self.assertEqual(
            [(m['from_citizen'], m['content']) for m in as_server(page)],
            [(False, answer)])

        # The citizen replies on the case's page: the holder is told.
        reply = "Thank you, we will wait."

        def post_reply(web_user):
            pool = Pool()
            Application = pool.get(APPLICATION)
            WebUser = pool.get('web.user')
            Application(application).post_reply(WebUser(web_user), reply)
        as_server(post_reply, self.citizen)
        self.assertEqual(
            [(m['from_citizen'], m['content']) for m in as_server(page)],
            [(False, answer), (True, reply)])
        self.actor.login('officer.admin1')
        self.assertIn(
            message_text(self.config, 'edaftar_portal.msg_citizen_replied',
                number=number),
            [n.label for n in Notification.find([])])
        # Not the citizen's own mail back, nor anything internal
        self.assertEqual(self.mails(), [])

        # Nobody else replies on the citizen's case, nor an empty reply.
        self.assertRefused(ApplicationAccessError,
            'edaftar_portal.msg_application_not_yours',
            lambda: as_server(post_reply, self.stranger))
        reply = "  "
        self.assertRefused(PortalError, 'edaftar_portal.msg_field_required',
            lambda: as_server(post_reply, self.citizen), field="Reply")
        self.assertEqual(len(as_server(page)), 2)
