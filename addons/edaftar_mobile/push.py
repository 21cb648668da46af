# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Web Push: the subscriptions of the staff's phones, and every
notification (res.notification, see edaftar_base/notify.py) sent to them
from the queue, encrypted for the device (RFC 8291) and signed with the
server's VAPID key (RFC 8292). See doc/design.rst."""
import base64
import binascii
import datetime as dt
import json
import logging
import os
import re
from collections import defaultdict
from urllib.parse import quote, urlsplit

from sql.aggregate import Count

import trytond.config as config
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.modules.edaftar_base.guard import GuardMixin
from trytond.pool import Pool, PoolMeta
from trytond.rpc import RPC
from trytond.transaction import Transaction, without_check_access

from .exceptions import PushSubscriptionError, PushSubscriptionTakenError

logger = logging.getLogger(__name__)

SECTION = 'edaftar_mobile'
# The push services of the browsers staff use, by host (and its
# subdomains): the server posts only there, so that a subscription cannot
# make it call an address of the internal network.
PUSH_HOSTS = (
    'fcm.googleapis.com',  # Chrome, Edge and Samsung Internet on Android
    'android.googleapis.com',
    'updates.push.services.mozilla.com',  # Firefox
    'push.apple.com',  # Safari, and every browser on an iPhone
    'notify.windows.com',  # Edge on Windows
    )
# Plain http is allowed to these only, and only when the configuration
# says so (the tests' own push service).
LOCAL_HOSTS = {'localhost', '127.0.0.1', '::1'}
MAX_ENDPOINT = 2048
MAX_DEVICE = 100
# Subscriptions kept per user (the newest): a phone that subscribes again
# and again with new addresses does not fill the table.
MAX_DEVICES = 10
# Consecutive failures after which a subscription is dropped (its VAPID
# key was changed, the service refuses it): the phone subscribes again
# the next time the app starts.
MAX_FAILURES = 10
# base64url with or without its padding
BASE64URL = re.compile(r'^[A-Za-z0-9_-]+={0,2}$')
KEY_LENGTHS = {'p256dh': 65, 'auth': 16}
# What a path segment may hold as is (RFC 3986 pchar)
PATH_SAFE = "!$&'()*+,;=:@"

_vapid_keys = {}
_warned = set()


def _warn_once(key, message, *args):
    if key not in _warned:
        _warned.add(key)
        logger.warning(message, *args)


def vapid_key():
    """The server's VAPID key (a py_vapid.Vapid), or None when
    [edaftar_mobile] vapid_private_key is not set (or is not a key)"""
    from py_vapid import Vapid
    value = config.get(SECTION, 'vapid_private_key', default='')
    if not value:
        _warn_once('not configured',
            "Web Push is off: [%s] vapid_private_key is not set", SECTION)
        return None
    if value not in _vapid_keys:
        try:
            if os.path.isfile(value):
                key = Vapid.from_file(value)
            else:
                key = Vapid.from_string(value)
            key.public_key
        except Exception:
            _warn_once(('invalid', value),
                "Web Push is off: [%s] vapid_private_key is neither a "
                "PEM file nor a key", SECTION, exc_info=True)
            return None
        _vapid_keys[value] = key
    return _vapid_keys[value]


def push_configured():
    "Whether the server can send Web Push"
    return bool(config.get(SECTION, 'vapid_private_key', default=''))


def application_server_key():
    """The public VAPID key in base64url (no padding), as
    PushManager.subscribe({applicationServerKey}) takes it; None when push
    is not configured"""
    from cryptography.hazmat.primitives import serialization
    key = vapid_key()
    if key is None:
        return None
    raw = key.public_key.public_bytes(
        serialization.Encoding.X962,
        serialization.PublicFormat.UncompressedPoint)
    return _b64url(raw)


def vapid_subject():
    """The contact of the VAPID claims (mailto: or https:): [edaftar_mobile]
    vapid_subject, else the sender address of the server's e-mail"""
    subject = config.get(SECTION, 'vapid_subject', default='')
    if not subject:
        sender = config.get('email', 'from', default='') or ''
        if '@' in sender:
            subject = 'mailto:' + sender.split('<')[-1].strip(' >')
    return subject or None


def push_hosts():
    "The host names push is sent to ('*': any, over https)"
    value = config.get(SECTION, 'push_hosts', default=None)
    if value is None:
        return PUSH_HOSTS
    return tuple(h.strip().lower().strip('.') for h in value.split()
        if h.strip())


def _b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b'=').decode('ascii')


def _b64url_decode(value):
    return base64.urlsafe_b64decode(value + '=' * (-len(value) % 4))


class Subscription(GuardMixin, ModelSQL, ModelView):
    "The push subscription of one browser of a user (their phone)"
    __name__ = 'edaftar.push.subscription'
    __string__ = "Push Subscription"

    user = fields.Many2One(
        'res.user', "User", required=True, readonly=True, ondelete='CASCADE')
    device = fields.Char(
        "Device", readonly=True,
        help="The name the app gave the device, e.g. \"Chrome on Android\".")
    endpoint = fields.Char(
        "Push Service Address", required=True, readonly=True, strip=False,
        help="The address of the browser's push service for this device.")
    service = fields.Function(fields.Char("Push Service"), 'get_service')
    p256dh = fields.Char(
        "Device Public Key", required=True, readonly=True, strip=False)
    auth = fields.Char(
        "Authentication Secret", required=True, readonly=True, strip=False)
    expires = fields.Timestamp("Expires", readonly=True)
    subscribed_at = fields.Timestamp(
        "Subscribed", readonly=True,
        help="When the app last subscribed this device.")
    last_sent = fields.Timestamp("Last Sent", readonly=True)
    failures = fields.Integer(
        "Failures", readonly=True,
        help="Consecutive alerts the push service refused.")
    last_error = fields.Char("Last Error", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('endpoint_unique', Unique(t, t.endpoint),
                'edaftar_mobile.msg_push_endpoint_unique'),
            ]
        # notify_many asks on every movement which users have a device.
        cls._sql_indexes.add(Index(t, (t.user, Index.Equality())))
        cls._order = [('subscribed_at', 'DESC'), ('id', 'DESC')]
        cls.__rpc__.update({
                'subscribe': RPC(readonly=False),
                'unsubscribe': RPC(readonly=False),
                'vapid_public_key': RPC(),
                'send_test': RPC(readonly=False),
                })

    @classmethod
    def _client_create_fields(cls):
        # Made by subscribe() only, which sets the user on the server.
        return set()

    def _client_write_fields(self):
        return set()

    @classmethod
    def default_failures(cls):
        return 0

    def get_service(self, name):
        try:
            return urlsplit(self.endpoint).hostname
        except ValueError:
            return None

    def get_rec_name(self, name):
        return self.device or self.service or str(self.id)

    # The calls of the app

    @classmethod
    def vapid_public_key(cls):
        """The application server key for PushManager.subscribe(), in
        base64url; None when the server sends no push"""
        return application_server_key()

    @classmethod
    def subscribe(cls, subscription, device=None):
        """Keep the browser's push subscription (PushSubscription.toJSON():
        endpoint, expirationTime, keys.p256dh, keys.auth) for the current
        user, under device (a name for people); return its id.

        The same endpoint subscribed again by the same user is updated; an
        endpoint of another user is refused (PushSubscriptionTakenError)."""
        pool = Pool()
        ModelAccess = pool.get('ir.model.access')
        ModelAccess.check(cls.__name__, 'read')
        user = Transaction().user
        values = cls._subscription_values(subscription)
        if device is not None and not isinstance(device, str):
            raise PushSubscriptionError(gettext(
                    'edaftar_mobile.msg_push_subscription_invalid'))
        values['device'] = ' '.join((device or '').split())[:MAX_DEVICE]
        values['subscribed_at'] = dt.datetime.now()
        with without_check_access():
            records = cls.search(
                [('endpoint', '=', values['endpoint'])], limit=1)
            if records:
                record, = records
                if record.user.id != user:
                    raise PushSubscriptionTakenError(gettext(
                            'edaftar_mobile.msg_push_endpoint_taken'))
                cls.write(records, {
                        **values, 'failures': 0, 'last_error': None})
            else:
                record, = cls.create([{**values, 'user': user}])
            cls._prune(user)
        return record.id

    @classmethod
    def unsubscribe(cls, endpoint):
        """Forget the current user's subscription of endpoint (at log out,
        or when the browser's subscription changed); return whether there
        was one"""
        pool = Pool()
        ModelAccess = pool.get('ir.model.access')
        ModelAccess.check(cls.__name__, 'read')
        if not isinstance(endpoint, str) or len(endpoint) > MAX_ENDPOINT:
            raise PushSubscriptionError(gettext(
                    'edaftar_mobile.msg_push_endpoint_invalid'))
        with without_check_access():
            records = cls.search([
                    ('endpoint', '=', endpoint),
                    ('user', '=', Transaction().user),
                    ])
            cls.delete(records)
        return bool(records)

    @classmethod
    def send_test(cls):
        """Send the current user a test alert (a notification, so on every
        device they subscribed); return how many devices will receive it"""
        pool = Pool()
        ModelAccess = pool.get('ir.model.access')
        Notification = pool.get('res.notification')
        ModelAccess.check(cls.__name__, 'read')
        user = Transaction().user
        with without_check_access():
            devices = cls.search([('user', '=', user)], count=True)
            Notification.create([{
                        'user': user,
                        'label': gettext('edaftar_mobile.msg_push_test_label'),
                        'description': gettext(
                            'edaftar_mobile.msg_push_test_description'),
                        'icon': 'tryton-notification',
                        }])
        return devices if push_configured() else 0

    @classmethod
    def _subscription_values(cls, subscription):
        "The columns of a PushSubscription.toJSON(), checked"
        def invalid():
            return PushSubscriptionError(gettext(
                    'edaftar_mobile.msg_push_subscription_invalid'))
        if (not isinstance(subscription, dict)
                or set(subscription) - {'endpoint', 'expirationTime', 'keys'}
                or 'endpoint' not in subscription):
            raise invalid()
        keys = subscription.get('keys')
        if not isinstance(keys, dict) or set(keys) != set(KEY_LENGTHS):
            raise invalid()
        values = {'endpoint': cls.check_endpoint(subscription['endpoint'])}
        for name, length in KEY_LENGTHS.items():
            values[name] = cls._check_key(name, keys[name], length)
        expires = subscription.get('expirationTime')
        if expires is None:
            values['expires'] = None
        elif isinstance(expires, (int, float)) and not isinstance(
                expires, bool) and expires > 0:
            try:
                values['expires'] = dt.datetime.fromtimestamp(
                    expires / 1000, tz=dt.timezone.utc).replace(tzinfo=None)
            except (OverflowError, OSError, ValueError):
                raise invalid()
        else:
            raise invalid()
        return values

    @classmethod
    def check_endpoint(cls, endpoint):
        """Return endpoint if the server may post alerts to it: https to a
        push service of push_hosts(); http to this machine only when
        [edaftar_mobile] allow_insecure_push_endpoints"""
        def invalid():
            return PushSubscriptionError(gettext(
                    'edaftar_mobile.msg_push_endpoint_invalid'))
        if (not isinstance(endpoint, str) or not endpoint
                or len(endpoint) > MAX_ENDPOINT
                or any(c.isspace() or ord(c) < 32 for c in endpoint)):
            raise invalid()
        try:
            parts = urlsplit(endpoint)
            host = parts.hostname
            parts.port
        except ValueError:
            raise invalid()
        if (not host or parts.username is not None
                or parts.password is not None or parts.fragment):
            raise invalid()
        insecure = config.getboolean(
            SECTION, 'allow_insecure_push_endpoints', default=False)
        if parts.scheme == 'http' and insecure and host in LOCAL_HOSTS:
            return endpoint
        if parts.scheme != 'https':
            raise PushSubscriptionError(gettext(
                    'edaftar_mobile.msg_push_endpoint_insecure',
                    scheme=parts.scheme or '-'))
        hosts = push_hosts()
        if '*' not in hosts and not any(
                host == h or host.endswith('.' + h) for h in hosts):
            raise PushSubscriptionError(gettext(
                    'edaftar_mobile.msg_push_endpoint_host', host=host))
        return endpoint

    @classmethod
    def _check_key(cls, name, value, length):
        "Return the key value (base64url) normalised, if valid"
        from cryptography.hazmat.primitives.asymmetric import ec
        error = PushSubscriptionError(gettext(
                'edaftar_mobile.msg_push_key_invalid',
                key=name, length=length))
        if (not isinstance(value, str) or len(value) > 2 * length
                or not BASE64URL.match(value)):
            raise error
        try:
            raw = _b64url_decode(value.rstrip('='))
        except (binascii.Error, ValueError):
            raise error
        if len(raw) != length:
            raise error
        if name == 'p256dh':
            try:
                ec.EllipticCurvePublicKey.from_encoded_point(
                    ec.SECP256R1(), raw)
            except ValueError:
                raise error
        return _b64url(raw)

    @classmethod
    def _prune(cls, user):
        "Keep the MAX_DEVICES newest subscriptions of user"
        records = cls.search([('user', '=', user)])
        if len(records) > MAX_DEVICES:
            cls.delete(records[MAX_DEVICES:])

    # Sending

    @classmethod
    def push(cls, notifications):
        """Send each of notifications to every device of its user; forget
        the subscriptions the push service says are gone (404, 410) or
        that failed MAX_FAILURES times in a row"""
        import requests
        key = vapid_key()
        subject = vapid_subject()
        if key is None:
            return
        if not subject:
            _warn_once('no subject', "Web Push is off: set [%s] "
                "vapid_subject (mailto: or https:)", SECTION)
            return
        ttl = config.getint(SECTION, 'push_ttl', default=24 * 60 * 60)
        timeout = config.getfloat(SECTION, 'push_timeout', default=10)
        now = dt.datetime.now()
        users = {n.user.id for n in notifications}
        with without_check_access():
            subscriptions = cls.search([('user', 'in', list(users))])
        devices = defaultdict(list)
        for subscription in subscriptions:
            devices[subscription.user.id].append(subscription)
        unread = cls._unread_counts(users)
        sent, gone, failed = set(), set(), {}
        session = requests.Session()
        # A push service answers, it never redirects elsewhere.
        session.max_redirects = 0
        try:
            for notification in notifications:
                payload = None
                for subscription in devices.get(notification.user.id, []):
                    if subscription.id in gone:
                        continue
                    if subscription.expires and subscription.expires < now:
                        gone.add(subscription.id)
                        continue
                    if payload is None:
                        payload = cls._payload(notification, unread)
                    outcome, error = subscription._send(
                        payload, key, subject, ttl, timeout, session,
                        cls._urgency(notification))
                    if outcome == 'sent':
                        sent.add(subscription.id)
                        failed.pop(subscription.id, None)
                    elif outcome == 'gone':
                        gone.add(subscription.id)
                    else:
                        failed[subscription.id] = error
        finally:
            session.close()
        cls._record_outcomes(subscriptions, sent - gone, gone, failed, now)

    @classmethod
    def _record_outcomes(cls, subscriptions, sent, gone, failed, now):
        with without_check_access():
            # Those the user did not remove meanwhile
            by_id = {s.id: s for s in cls.search(
                    [('id', 'in', [s.id for s in subscriptions])])}
        sent &= set(by_id)
        gone &= set(by_id)
        failed = {i: e for i, e in failed.items() if i in by_id}
        drop = set(gone)
        args = []
        if sent - set(failed):
            args.extend([[by_id[i] for i in sorted(sent - set(failed))], {
                        'last_sent': now, 'failures': 0,
                        'last_error': None}])
        for i, error in failed.items():
            if i in drop:
                continue
            failures = (by_id[i].failures or 0) + 1
            if failures >= MAX_FAILURES:
                drop.add(i)
                continue
            args.extend([[by_id[i]], {
                        'failures': failures,
                        'last_error': (error or '')[:200]}])
        with without_check_access():
            if args:
                cls.write(*args)
            if drop:
                cls.delete([by_id[i] for i in sorted(drop)])

    def _send(self, payload, key, subject, ttl, timeout, session, urgency):
        """Post payload to the device; return (outcome, error): outcome
        'sent', 'gone' (the subscription no longer exists) or 'failed'"""
        import requests
        from http_ece import ECEException
        from pywebpush import WebPushException, webpush
        try:
            webpush(
                subscription_info={
                    'endpoint': self.endpoint,
                    'keys': {'p256dh': self.p256dh, 'auth': self.auth},
                    },
                data=json.dumps(payload, ensure_ascii=False,
                    separators=(',', ':')),
                vapid_private_key=key,
                # A new dict each time: webpush() adds the audience (the
                # origin of this endpoint) and the expiry to it.
                vapid_claims={'sub': subject},
                ttl=ttl, timeout=timeout,
                headers={'Urgency': urgency},
                requests_session=session)
        except WebPushException as exception:
            status = exception.status_code
            if status in {404, 410}:
                return 'gone', None
            reason = getattr(exception.response, 'reason', '') or ''
            return 'failed', f'{status} {reason}'.strip() if status else str(
                exception.message)
        except (requests.RequestException, ECEException, ValueError) as e:
            logger.info("push to %s failed", self.service, exc_info=True)
            return 'failed', f'{type(e).__name__}: {e}'
        return 'sent', None

    @classmethod
    def _unread_counts(cls, users):
        "The number of unread notifications of each user (the app's badge)"
        Notification = Pool().get('res.notification')
        table = Notification.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.user, Count(table.id),
                where=fields.SQL_OPERATORS['in'](table.user, list(users))
                & table.unread,
                group_by=[table.user]))
        return dict(cursor)

    @classmethod
    def _payload(cls, notification, unread):
        """The JSON the service worker shows: title, body, the app's url to
        open, a tag (one alert per record on the phone), the notification's
        id and the unread count"""
        database = quote(Transaction().database.name, safe=PATH_SAFE)
        home = f'/{database}/mobile/'
        ids = json.loads(notification.records) if notification.records else []
        if notification.model and len(ids) == 1:
            url = (f'{home}#/open/{quote(notification.model, safe="")}'
                f'/{int(ids[0])}')
            tag = f'{notification.model},{int(ids[0])}'
        else:
            url = home + '#/'
            tag = f'res.notification,{notification.id}'
        body = notification.description or ''
        if cls._confidential(notification.model, ids):
            # The lock screen of a phone is no place for the subject of a
            # confidential letter.
            language = notification.user.language
            body = gettext('edaftar_mobile.msg_push_confidential',
                language.code if language else Transaction().language)
        return {
            'title': notification.label or '',
            'body': body,
            'url': url,
            'tag': tag,
            'id': notification.id,
            'unread': unread.get(notification.user.id, 0),
            }

    @classmethod
    def _confidential(cls, model, ids):
        "Whether any of the records is confidential or secret"
        pool = Pool()
        if not model or not ids:
            return False
        try:
            Model = pool.get(model)
        except KeyError:
            return False
        if 'confidentiality' not in Model._fields:
            return False
        with without_check_access():
            records = Model.search([('id', 'in', [int(i) for i in ids])])
            return any(
                getattr(r, 'confidentiality', None) not in {None, 'normal'}
                for r in records)

    @classmethod
    def _urgency(cls, notification):
        """RFC 8030 Urgency: high for a document that moved to the user
        (the phone wakes for it), normal otherwise"""
        from trytond.modules.edaftar_dak.movement import document_classes
        if notification.model in document_classes():
            return 'high'
        return 'normal'


class Notification(metaclass=PoolMeta):
    __name__ = 'res.notification'

    @classmethod
    def on_modification(cls, mode, notifications, field_names=None):
        super().on_modification(mode, notifications, field_names=field_names)
        if mode == 'create':
            cls._queue_push(notifications)

    @classmethod
    def _queue_push(cls, notifications):
        """Queue the push of the notifications of users with a subscribed
        device: one indexed query on the way of every notification, nothing
        more when nobody has a device"""
        if not notifications:
            return
        if not push_configured():
            vapid_key()  # says once in the log that push is off
            return
        Subscription = Pool().get('edaftar.push.subscription')
        table = Subscription.__table__()
        cursor = Transaction().connection.cursor()
        users = {n.user.id for n in notifications}
        cursor.execute(*table.select(table.user,
                where=fields.SQL_OPERATORS['in'](table.user, list(users)),
                group_by=[table.user]))
        subscribed = {u for u, in cursor}
        pushed = [n for n in notifications if n.user.id in subscribed]
        if pushed:
            with Transaction().set_context(queue_name='edaftar_push'):
                cls.__queue__.edaftar_push(pushed)

    @classmethod
    def edaftar_push(cls, notifications):
        "Send notifications to the devices of their users (a queued task)"
        Subscription = Pool().get('edaftar.push.subscription')
        Subscription.push(notifications)
