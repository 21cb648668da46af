# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Web Push, end to end: a phone subscribes over JSON-RPC, a letter is
forwarded to its user, the server's queued task posts the alert to a push
service (RFC 8030, run by the test, which checks the VAPID signature), and
the payload decrypts with the phone's keys. And the refusals: addresses
that are not https or not a push service, keys that are not keys, another
user's subscription, a forged user — each recognised by its guard's
exception and message."""
import datetime as dt
import os
import tempfile
import unittest

from proteus import Model
from py_vapid import Vapid
from trytond.model.exceptions import AccessError
from trytond.modules.edaftar_base.exceptions import ProtectedFieldError
from trytond.modules.edaftar_base.tests.tools import (
    PASSWORD, Actor, RefusalTestMixin, setup_government)
from trytond.modules.edaftar_mobile.exceptions import (
    PushSubscriptionError, PushSubscriptionTakenError)
from trytond.modules.edaftar_mobile.push import MAX_FAILURES
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, drop_db
from trytond.tests.tools import activate_modules
from trytond.transaction import Transaction

from .tools import (
    Browser, PushService, Rpc, RpcError, b64url, configured,
    raw_public_key)

SUBSCRIPTION = 'edaftar.push.subscription'
SUBJECT = 'mailto:it-cell@example.gov.pk'


class PushTestCase(RefusalTestMixin, unittest.TestCase):
    "Web Push subscriptions and their alerts"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tmp = tempfile.TemporaryDirectory()
        cls.vapid = Vapid()
        cls.vapid.generate_keys()
        cls.vapid_file = os.path.join(cls.tmp.name, 'vapid_private.pem')
        cls.vapid.save_key(cls.vapid_file)
        cls.server_key = b64url(raw_public_key(cls.vapid.private_key))
        cls.service = PushService()
        cls.service.start()
        cls.settings = configured(
            vapid_private_key=cls.vapid_file, vapid_subject=SUBJECT,
            allow_insecure_push_endpoints=True)
        cls.settings.__enter__()
        cls.config = activate_modules('edaftar_mobile', setup_government)
        cls.actor = Actor(cls.config)

    @classmethod
    def tearDownClass(cls):
        cls.settings.__exit__(None, None, None)
        cls.service.stop()
        cls.tmp.cleanup()
        drop_db()
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        self.actor.login('admin')
        self.addCleanup(self.actor.login, 'admin')
        self.service.take()
        self.service.answers.clear()

    # Helpers

    def rpc(self, login):
        return Rpc(DB_NAME).login(login, PASSWORD)

    def call(self, login, method, *args, context=None):
        "Call a method of the subscriptions as login (proteus, RPC checks)"
        self.actor.login(login)
        return self.actor.call(SUBSCRIPTION, method, *args, context=context)

    def subscriptions(self, **domain):
        "{id: (login, endpoint, failures)} of every subscription"
        with Transaction().start(DB_NAME, 0):
            Subscription = Pool().get(SUBSCRIPTION)
            return {s.id: (s.user.login, s.endpoint, s.failures)
                for s in Subscription.search([])}

    def queued(self):
        "The number of push tasks queued so far"
        with Transaction().start(DB_NAME, 0):
            Queue = Pool().get('ir.queue')
            return Queue.search([('name', '=', 'edaftar_push')], count=True)

    def subscribe(self, login, token, browser=None, device="Test phone"):
        browser = browser or Browser()
        id_ = self.call(login, 'subscribe',
            browser.subscription(self.service.endpoint(token)), device)
        return id_, browser

    def received_ok(self):
        "The messages received, each checked by the service"
        received = self.service.take()
        for message in received:
            self.assertIsNone(message['error'], message)
            self.assertEqual(message['vapid_key'], self.server_key)
            self.assertEqual(message['claims']['sub'], SUBJECT)
        return received

    def clear(self):
        "Forget every subscription"
        with Transaction().start(DB_NAME, 0) as transaction:
            Subscription = Pool().get(SUBSCRIPTION)
            Subscription.delete(Subscription.search([]))
            transaction.commit()

    # The round trip

    def test_forward_pushed_to_phone(self):
        "A letter forwarded to an officer reaches his phone, encrypted"
        self.clear()
        officer = self.rpc('as.admin')
        self.assertEqual(officer.model(SUBSCRIPTION, 'vapid_public_key'),
            self.server_key)
        phone = Browser()
        subscription = officer.model(SUBSCRIPTION, 'subscribe',
            phone.subscription(self.service.endpoint('as-admin')),
            "Chrome on Android")

        # Registered and marked to a section officer without a phone: no
        # task, nothing sent.
        queued = self.queued()
        clerk = self.rpc('registrar.sgad')
        receipt, = clerk.model('edaftar.receipt', 'create', [{
                    'sender_name': "Deputy Commissioner Quetta",
                    'subject': "Transfer of the Naib Tehsildar"}])
        clerk.model('edaftar.receipt', 'register', [receipt])
        so = self.actor.employee('so.admin2')
        clerk.model('edaftar.movement', 'create', [{
                    'document': f'edaftar.receipt,{receipt}',
                    'action': 'mark', 'to_employee': so}])
        self.assertEqual(self.service.take(), [])
        self.assertEqual(self.queued(), queued)

        # Forwarded to the wing head, who has a phone
        section = self.rpc('so.admin2')
        section.model('edaftar.movement', 'create', [{
                    'document': f'edaftar.receipt,{receipt}',
                    'action': 'forward',
                    'to_employee': self.actor.employee('as.admin'),
                    'instructions': "For orders, please."}])
        self.assertEqual(self.queued(), queued + 1)
        message, = self.received_ok()
        self.assertEqual(message['token'], 'as-admin')
        self.assertEqual(message['headers']['TTL'], '86400')
        self.assertEqual(message['headers']['Urgency'], 'high')
        payload = phone.decrypt(message['body'])

        read, = clerk.model('edaftar.receipt', 'read', [receipt], ['number'])
        number = read['number']
        with Transaction().start(DB_NAME, 0):
            Notification = Pool().get('res.notification')
            notification, = Notification.search([
                    ('user', '=', officer.user_id),
                    ], order=[('id', 'DESC')], limit=1)
            expected_title = notification.label
            notification_id = notification.id
        self.assertIn(number, payload['title'])
        self.assertEqual(payload['title'], expected_title)
        self.assertEqual(payload['body'], "Transfer of the Naib Tehsildar")
        self.assertEqual(payload['url'],
            f'/{DB_NAME}/mobile/#/open/edaftar.receipt/{receipt}')
        self.assertEqual(payload['tag'], f'edaftar.receipt,{receipt}')
        self.assertEqual(payload['id'], notification_id)
        self.assertGreaterEqual(payload['unread'], 1)

        mine, = officer.model(SUBSCRIPTION, 'search_read', [], 0, None,
            None, ['device', 'service', 'last_sent', 'failures'])
        self.assertEqual(mine['id'], subscription)
        self.assertEqual(mine['device'], "Chrome on Android")
        self.assertEqual(mine['service'], '127.0.0.1')
        self.assertEqual(mine['failures'], 0)
        self.assertIsNotNone(mine['last_sent'])

    def test_confidential_subject_not_pushed(self):
        "The subject of a confidential letter stays off the lock screen"
        self.clear()
        _, phone = self.subscribe('so.admin1', 'so-admin1')
        clerk = self.rpc('registrar.sgad')
        receipt, = clerk.model('edaftar.receipt', 'create', [{
                    'sender_name': "Inspector General of Police",
                    'subject': "Threat assessment",
                    'confidentiality': 'confidential'}])
        clerk.model('edaftar.receipt', 'register', [receipt])
        clerk.model('edaftar.movement', 'create', [{
                    'document': f'edaftar.receipt,{receipt}',
                    'action': 'mark',
                    'to_employee': self.actor.employee('so.admin1')}])
        message, = self.received_ok()
        payload = phone.decrypt(message['body'])
        self.assertNotIn("Threat", payload['body'])
        self.assertEqual(payload['body'], self.message(
                'edaftar_mobile.msg_push_confidential'))
        self.assertEqual(payload['url'],
            f'/{DB_NAME}/mobile/#/open/edaftar.receipt/{receipt}')

    def test_test_alert_on_every_device(self):
        "send_test: one alert per device of the user, to the app's home"
        self.clear()
        _, phone = self.subscribe('so.admin1', 'phone', device="Phone")
        _, tablet = self.subscribe('so.admin1', 'tablet', device="Tablet")
        self.subscribe('so.admin2', 'other')
        self.assertEqual(self.call('so.admin1', 'send_test'), 2)
        received = {m['token']: m for m in self.received_ok()}
        self.assertEqual(set(received), {'phone', 'tablet'})
        for token, browser in [('phone', phone), ('tablet', tablet)]:
            payload = browser.decrypt(received[token]['body'])
            self.assertEqual(payload['title'], self.message(
                    'edaftar_mobile.msg_push_test_label'))
            self.assertEqual(payload['url'], f'/{DB_NAME}/mobile/#/')
            self.assertEqual(
                received[token]['headers']['Urgency'], 'normal')

    def test_gone_subscription_deleted(self):
        "410 or 404 from the push service: the subscription is forgotten"
        self.clear()
        kept, _ = self.subscribe('so.admin1', 'kept')
        gone, _ = self.subscribe('so.admin1', 'gone')
        missing, _ = self.subscribe('so.admin1', 'missing')
        self.service.answers.update({'gone': 410, 'missing': 404})
        self.call('so.admin1', 'send_test')
        self.assertEqual(len(self.service.take()), 3)
        self.assertEqual(set(self.subscriptions()), {kept})

    def test_failures_counted_then_dropped(self):
        "Other refusals are counted; past MAX_FAILURES in a row, dropped"
        self.clear()
        failing, _ = self.subscribe('so.admin1', 'failing')
        self.service.answers['failing'] = 500
        self.call('so.admin1', 'send_test')
        self.assertEqual(len(self.service.take()), 1)
        (login, _, failures), = self.subscriptions().values()
        self.assertEqual(failures, 1)
        mine, = self.call('so.admin1', 'read', [failing], ['last_error'])
        self.assertEqual(mine['last_error'], '500 Internal Server Error')
        with Transaction().start(DB_NAME, 0) as transaction:
            Subscription = Pool().get(SUBSCRIPTION)
            Subscription.write(Subscription.search([]),
                {'failures': MAX_FAILURES - 1})
            transaction.commit()
        self.call('so.admin1', 'send_test')
        self.assertEqual(len(self.service.take()), 1)
        self.assertEqual(self.subscriptions(), {})
        # Subscribing again starts afresh.
        self.service.answers.clear()
        self.subscribe('so.admin1', 'failing')
        self.call('so.admin1', 'send_test')
        self.assertEqual(len(self.received_ok()), 1)
        (_, _, failures), = self.subscriptions().values()
        self.assertEqual(failures, 0)

    def test_expired_subscription_not_sent(self):
        "A subscription past its expirationTime is dropped, not posted to"
        self.clear()
        past = (dt.datetime.now(dt.timezone.utc)
            - dt.timedelta(days=1)).timestamp() * 1000
        browser = Browser()
        self.call('so.admin1', 'subscribe', browser.subscription(
                self.service.endpoint('expired'), int(past)), None)
        self.call('so.admin1', 'send_test')
        self.assertEqual(self.service.take(), [])
        self.assertEqual(self.subscriptions(), {})

    def test_subscribe_again_updates(self):
        "The same endpoint subscribed again by its user is updated"
        self.clear()
        first, _ = self.subscribe('so.admin1', 'again', device="Old name")
        second, browser = self.subscribe(
            'so.admin1', 'again', device="  New   name ")
        self.assertEqual(first, second)
        mine, = self.call('so.admin1', 'read', [first], ['device', 'p256dh'])
        self.assertEqual(mine['device'], "New name")
        self.assertEqual(mine['p256dh'],
            browser.subscription('x')['keys']['p256dh'])

    def test_unsubscribe(self):
        "unsubscribe forgets one's own endpoint, never another's"
        self.clear()
        mine, _ = self.subscribe('so.admin1', 'mine')
        theirs, _ = self.subscribe('so.admin2', 'theirs')
        self.assertIs(self.call('so.admin1', 'unsubscribe',
                self.service.endpoint('theirs')), False)
        self.assertIs(self.call('so.admin1', 'unsubscribe',
                self.service.endpoint('mine')), True)
        self.assertEqual(set(self.subscriptions()), {theirs})

    def test_devices_kept_per_user(self):
        "Only the newest subscriptions of a user are kept"
        from trytond.modules.edaftar_mobile.push import MAX_DEVICES
        self.clear()
        for i in range(MAX_DEVICES + 2):
            self.subscribe('so.admin1', f'device-{i}')
        endpoints = {e for _, e, _ in self.subscriptions().values()}
        self.assertEqual(endpoints, {self.service.endpoint(f'device-{i}')
                for i in range(2, MAX_DEVICES + 2)})

    def test_not_configured(self):
        "Without a VAPID key: no key for the app, no task, nothing sent"
        self.clear()
        self.subscribe('so.admin1', 'unconfigured')
        queued = self.queued()
        with configured(vapid_private_key=''):
            self.assertIsNone(self.call('so.admin1', 'vapid_public_key'))
            self.assertEqual(self.call('so.admin1', 'send_test'), 0)
        self.assertEqual(self.queued(), queued)
        self.assertEqual(self.service.take(), [])

    def test_raw_key_configured(self):
        "The key may be given itself (base64url), not as a file"
        raw = self.vapid.private_key.private_numbers().private_value
        with configured(vapid_private_key=b64url(raw.to_bytes(32, 'big'))):
            self.assertEqual(self.call('so.admin1', 'vapid_public_key'),
                self.server_key)

    # Refusals

    def test_endpoint_not_https_refused(self):
        "An address that is not https (or local http, when allowed)"
        browser = Browser()
        for endpoint, scheme in [
                ('http://push.example.com/push/x', 'http'),
                ('ftp://fcm.googleapis.com/fcm/send/x', 'ftp'),
                ]:
            with self.subTest(endpoint=endpoint):
                self.assertRefused(PushSubscriptionError,
                    'edaftar_mobile.msg_push_endpoint_insecure',
                    lambda: self.call('so.admin1', 'subscribe',
                        browser.subscription(endpoint), None),
                    scheme=scheme)
        with configured(allow_insecure_push_endpoints=False):
            self.assertRefused(PushSubscriptionError,
                'edaftar_mobile.msg_push_endpoint_insecure',
                lambda: self.call('so.admin1', 'subscribe',
                    browser.subscription(self.service.endpoint('x')), None),
                scheme='http')

    def test_endpoint_not_push_service_refused(self):
        "An https address that is not a known push service (SSRF)"
        browser = Browser()
        for endpoint, host in [
                ('https://intranet.local/admin/reset', 'intranet.local'),
                ('https://fcm.googleapis.com.evil.example/x',
                    'fcm.googleapis.com.evil.example'),
                ('https://10.0.0.5/x', '10.0.0.5'),
                ]:
            with self.subTest(endpoint=endpoint):
                self.assertRefused(PushSubscriptionError,
                    'edaftar_mobile.msg_push_endpoint_host',
                    lambda: self.call('so.admin1', 'subscribe',
                        browser.subscription(endpoint), None),
                    host=host)
        # A real push service's address is accepted.
        with Transaction().start(DB_NAME, 0):
            Subscription = Pool().get(SUBSCRIPTION)
            for endpoint in [
                    'https://fcm.googleapis.com/fcm/send/abc:APA91b',
                    'https://web.push.apple.com/QGz9',
                    'https://updates.push.services.mozilla.com/wpush/v2/x',
                    'https://wns2-par02p.notify.windows.com/w/?token=x']:
                self.assertEqual(
                    Subscription.check_endpoint(endpoint), endpoint)

    def test_endpoint_invalid_refused(self):
        "No address, not a string, credentials in it, too long"
        browser = Browser()
        for endpoint in ['', None, 42, 'https://',
                'https://user:pw@fcm.googleapis.com/x',
                'https://fcm.googleapis.com/x#frag',
                'https://fcm.googleapis.com/x y',
                'https://fcm.googleapis.com/' + 'x' * 2048]:
            with self.subTest(endpoint=endpoint):
                self.assertRefused(PushSubscriptionError,
                    'edaftar_mobile.msg_push_endpoint_invalid',
                    lambda: self.call('so.admin1', 'subscribe',
                        {**browser.subscription('x'),
                            'endpoint': endpoint}, None))

    def test_bad_keys_refused(self):
        "Keys of the wrong length, not base64url, not a P-256 point"
        browser = Browser()
        good = browser.subscription(self.service.endpoint('keys'))
        for name, value, length in [
                ('p256dh', b64url(b'\x04' + b'\x01' * 63), 65),
                ('p256dh', b64url(b'\x04' + b'\x00' * 64), 65),
                ('p256dh', good['keys']['p256dh'][:-2] + '!!', 65),
                ('p256dh', None, 65),
                ('auth', b64url(os.urandom(12)), 16),
                ('auth', b64url(os.urandom(32)), 16),
                ('auth', 'not base64/url+', 16),
                ]:
            with self.subTest(key=name, value=value):
                subscription = {**good, 'keys': {
                        **good['keys'], name: value}}
                self.assertRefused(PushSubscriptionError,
                    'edaftar_mobile.msg_push_key_invalid',
                    lambda: self.call('so.admin1', 'subscribe',
                        subscription, None),
                    key=name, length=length)

    def test_not_the_browser_format_refused(self):
        "Anything but PushSubscription.toJSON(): a user given, a key missing"
        browser = Browser()
        good = browser.subscription(self.service.endpoint('format'))
        for subscription in [
                {**good, 'user': 1},
                {**good, 'keys': {'p256dh': good['keys']['p256dh']}},
                {**good, 'keys': {**good['keys'], 'user': 1}},
                {'keys': good['keys']},
                [good],
                {**good, 'expirationTime': 'tomorrow'},
                {**good, 'expirationTime': True},
                ]:
            with self.subTest(subscription=subscription):
                self.assertRefused(PushSubscriptionError,
                    'edaftar_mobile.msg_push_subscription_invalid',
                    lambda: self.call('so.admin1', 'subscribe',
                        subscription, None))
        self.assertRefused(PushSubscriptionError,
            'edaftar_mobile.msg_push_subscription_invalid',
            lambda: self.call('so.admin1', 'subscribe', good, {'id': 1}))

    def test_endpoint_of_another_user_refused(self):
        "One user cannot take over another's endpoint"
        self.clear()
        mine, browser = self.subscribe('so.admin1', 'taken')
        thief = Browser()
        self.assertRefused(PushSubscriptionTakenError,
            'edaftar_mobile.msg_push_endpoint_taken',
            lambda: self.call('so.admin2', 'subscribe',
                thief.subscription(self.service.endpoint('taken')), None))
        self.assertEqual(self.subscriptions(), {
                mine: ('so.admin1', self.service.endpoint('taken'), 0)})
        # The alert still goes to its owner's keys.
        self.call('so.admin1', 'send_test')
        message, = self.received_ok()
        browser.decrypt(message['body'])

    def test_user_not_forged(self):
        """The generic create is not a client's: a user (or any column)
        sent is refused by the guard, and creating at all by the access
        rows; subscribe takes no user"""
        self.clear()
        browser = Browser()
        self.actor.login('so.admin1')
        error = self.refused(ProtectedFieldError,
            lambda: self.actor.call(SUBSCRIPTION, 'create', [{
                        'user': self._user_id('so.admin2'),
                        'endpoint': self.service.endpoint('forged'),
                        **browser.subscription('x')['keys'],
                        }]))
        self.assertEqual(error.message, self.message(
                'edaftar_base.msg_field_protected',
                field="User", record="Push Subscription"))
        self.actor.login('so.admin1')
        error = self.refused(AccessError,
            lambda: self.actor.call(SUBSCRIPTION, 'create', [{}]))
        self.assertEqual(error.message, self.message(
                'ir.msg_access_rule_error', model="Push Subscription"))
        self.assertEqual(self.subscriptions(), {})

    def _user_id(self, login):
        with Transaction().start(DB_NAME, 0):
            User = Pool().get('res.user')
            user, = User.search([('login', '=', login)])
            return user.id

    def test_other_users_subscription_hidden(self):
        """Another user's subscription is neither read, found, written nor
        deleted; the Super Admin reads and deletes any; auth is read by
        nobody"""
        self.clear()
        mine, _ = self.subscribe('so.admin1', 'private')
        theirs, _ = self.subscribe('so.admin2', 'private-2')
        self.assertEqual(self.call('so.admin2', 'search', [], 0, None, None),
            [theirs])
        # Not readable, so not deletable (the guard reads first); writing
        # is nobody's.
        for method, args, message in [
                ('read', ([mine], ['device']), 'ir.msg_read_rule_error'),
                ('delete', ([mine],), 'ir.msg_read_rule_error'),
                ('write', ([mine], {'device': "Mine now"}),
                    'ir.msg_access_rule_error'),
                ]:
            with self.subTest(method=method):
                self.assertRefusedLike(AccessError, message,
                    lambda: self.call('so.admin2', method, *args))
        self.assertRefusedLike(AccessError, 'ir.msg_access_rule_field_error',
            lambda: self.call('so.admin1', 'read', [mine], ['auth']))
        self.assertEqual(set(self.subscriptions()), {mine, theirs})
        # Super Admin
        self.assertEqual(set(self.call('admin', 'search', [], 0, None, None)),
            {mine, theirs})
        self.call('admin', 'delete', [mine])
        # One's own
        self.call('so.admin2', 'delete', [theirs])
        self.assertEqual(self.subscriptions(), {})

    def test_other_users_subscription_not_found_around(self):
        """Neither a dotted search, an order nor the history tells another
        user's subscription"""
        self.clear()
        mine, _ = self.subscribe('so.admin1', 'dotted')
        theirs, _ = self.subscribe('so.admin2', 'dotted-2')
        for domain in [
                [('user.login', '=', 'so.admin1')],
                [('endpoint', 'ilike', '%dotted')],
                [('id', '=', mine)],
                ]:
            with self.subTest(domain=domain):
                self.assertEqual(
                    self.call('so.admin2', 'search', domain, 0, None, None),
                    [])
        self.assertEqual(self.call('so.admin2', 'search', [], 0, None,
                [('user.login', 'ASC')]), [theirs])
        # No history of its own: the past is today's rule
        self.assertRefusedLike(AccessError, 'ir.msg_read_rule_error',
            lambda: self.call('so.admin2', 'read', [mine], ['device'],
                context={'_datetime': dt.datetime.now()}))

    def test_not_staff_refused(self):
        "A user who is not on e-Daftar's staff has no subscription"
        User = Model.get('res.user', config=self.config)
        with self.actor.as_admin():
            outsider = User.find([('login', '=', 'outsider')])
            if not outsider:
                outsider = User(login='outsider', name="Outsider")
                outsider.save()
            else:
                outsider, = outsider
        from trytond.tests.tools import set_user
        set_user(outsider, config=self.config)
        with self.assertRaises(AccessError):
            self.actor.call(SUBSCRIPTION, 'subscribe',
                Browser().subscription(self.service.endpoint('out')), None)

    def test_refusal_over_rpc_in_urdu(self):
        "A refusal reaches the app as the server's error, in Urdu for Urdu"
        with Transaction().start(DB_NAME, 0) as transaction:
            pool = Pool()
            Lang = pool.get('ir.lang')
            User = pool.get('res.user')
            # Urdu comes with the portal; this module does not need it.
            langs = Lang.search([
                    ('code', '=', 'ur'), ('active', 'in', [True, False])])
            if langs:
                urdu, = langs
            else:
                urdu, = Lang.create([{
                            'code': 'ur', 'name': "Urdu",
                            'direction': 'rtl'}])
            Lang.write([urdu], {'translatable': True, 'active': True})
            Lang.load_translations([urdu])
            user, = User.search([('login', '=', 'so.admin1')])
            User.write([user], {'language': urdu.id})
            transaction.commit()
        try:
            phone = self.rpc('so.admin1')
            self.assertEqual(phone.context['language'], 'ur')
            with self.assertRaises(RpcError) as refused:
                phone.model(SUBSCRIPTION, 'subscribe', Browser().subscription(
                        'http://push.example.com/x'), None)
            kind, (text, *_) = refused.exception.args[:2]
            self.assertEqual(kind, 'UserError')
            english = self.message(
                'edaftar_mobile.msg_push_endpoint_insecure', scheme='http')
            self.assertNotEqual(text, english)
            self.assertIn('https', text)
            self.assertIn('سروس', text)
        finally:
            with Transaction().start(DB_NAME, 0) as transaction:
                User = Pool().get('res.user')
                user, = User.search([('login', '=', 'so.admin1')])
                User.write([user], {'language': None})
                transaction.commit()
