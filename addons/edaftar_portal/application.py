# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Applications and complaints from citizens: each one a registered receipt
of its category's department, followed by the citizen by its number.

Citizens never call the model: the portal's routes (routes.py, open311.py)
call the class methods here as the server, after deciding who the visitor
is. Officers read an application through its receipt (its rules), answer
in its chat with audience public, and change nothing else: its state
follows the receipt's movements."""
import datetime as dt
import math
import re
from email.errors import MessageError
from email.headerregistry import Address
from email.message import EmailMessage
from secrets import token_urlsafe

from stdnum.exceptions import ValidationError as StdnumError
from stdnum.pk import cnic as stdnum_cnic

import trytond.config as config
from trytond.i18n import gettext
from trytond.model import (
    ChatMixin, Index, ModelSQL, ModelView, Unique, fields)
from trytond.modules.edaftar_base.guard import GuardMixin
from trytond.modules.edaftar_base.notify import notify_many
from trytond.pool import Pool, PoolMeta
from trytond.sendmail import send_message_transactional
from trytond.tools.email_ import (
    EmailNotValidError, normalize_email, set_from_header, validate_email)
from trytond.transaction import Transaction, without_check_access

from .exceptions import (
    ApplicationAccessError, PortalError, RatingError)

PUBLIC_STATES = [
    ('new', "New"),
    ('in_progress', "In Progress"),
    ('done', "Done"),
    ]
LANGUAGES = [('en', "English"), ('ur', "اردو")]
DESCRIPTION_MAX = 5000
REPLY_MAX = 2000
FEEDBACK_MAX = 1000
# A Pakistani mobile number: 03XX-XXXXXXX, or +92 3XX XXXXXXX
PHONE = re.compile(r'^(?:\+92|0092|0)(3\d{9})$')
EARTH_RADIUS = 6371008.8  # metres
# Levels of escalation: to the holder's superior, then to the head of the
# department; an appeal is one more.
MAX_ESCALATION = 2


def format_phone(value):
    "Return the number as +923XXXXXXXXX, or None if it is not a mobile one"
    digits = re.sub(r'[\s\-()]', '', value or '')
    match = PHONE.match(digits)
    return '+92' + match.group(1) if match else None


def _text(values, name):
    value = values.get(name)
    return value.strip() if isinstance(value, str) else ''


def required(field):
    "The error of a required field left empty"
    return PortalError(gettext(
            'edaftar_portal.msg_field_required',
            field=gettext(f'edaftar_portal.msg_label_{field}')))


def is_address(value):
    "Whether value is one e-mail address, user@domain.tld, to send to"
    try:
        address = Address(addr_spec=value)
    except (ValueError, IndexError, MessageError):
        return False
    return bool(address.username and '.' in address.domain
        and not address.domain.startswith('['))


def clean_person(values):
    """Check who a citizen says they are (name, cnic, phone, email);
    return them as stored, or raise PortalError"""
    for name in ['name', 'cnic', 'phone', 'email']:
        if not _text(values, name):
            raise required(name)
    person = {'name': _text(values, 'name')[:128]}
    try:
        person['cnic'] = stdnum_cnic.format(
            stdnum_cnic.validate(_text(values, 'cnic')))
    except StdnumError:
        raise PortalError(gettext(
                'edaftar_portal.msg_cnic_invalid', cnic=_text(values, 'cnic')))
    person['phone'] = format_phone(_text(values, 'phone'))
    if not person['phone']:
        raise PortalError(gettext(
                'edaftar_portal.msg_phone_invalid',
                phone=_text(values, 'phone')))
    try:
        validate_email(_text(values, 'email'))
        # Tryton checks nothing without the email_validator package.
        if not is_address(_text(values, 'email')):
            raise EmailNotValidError(_text(values, 'email'))
    except EmailNotValidError:
        raise PortalError(gettext(
                'edaftar_portal.msg_email_invalid',
                email=_text(values, 'email')))
    person['email'] = normalize_email(_text(values, 'email')).lower()
    return person


def distance(lat1, lon1, lat2, lon2):
    "Metres between two points (haversine)"
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = (math.sin(dphi / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2)
    return 2 * EARTH_RADIUS * math.asin(math.sqrt(a))


class Application(GuardMixin, ChatMixin, ModelSQL, ModelView):
    "An application or complaint of a citizen"
    __name__ = 'edaftar.portal.application'
    __string__ = "Citizen Application"
    _rec_name = 'number'

    number = fields.Char("Number", readonly=True,
        help="The public tracking number.")
    web_user = fields.Many2One(
        'web.user', "Portal Account", readonly=True, ondelete='RESTRICT')
    api_key = fields.Many2One(
        'edaftar.portal.api_key', "API Key", readonly=True,
        ondelete='RESTRICT', help="The application that filed it (Open311).")
    name = fields.Char("Name", readonly=True)
    cnic = fields.Char("CNIC", readonly=True)
    phone = fields.Char("Mobile", readonly=True)
    email = fields.Char("E-mail", readonly=True)
    language = fields.Selection(LANGUAGES, "Language", readonly=True)
    category = fields.Many2One(
        'edaftar.portal.category', "Category", required=True, readonly=True,
        ondelete='RESTRICT')
    kind = fields.Selection([
            ('application', "Application"),
            ('complaint', "Complaint"),
            ], "Kind", readonly=True)
    department = fields.Many2One(
        'edaftar.org.unit', "Department", readonly=True, ondelete='RESTRICT')
    description = fields.Text("Description", readonly=True)
    latitude = fields.Float("Latitude", digits=(9, 6), readonly=True)
    longitude = fields.Float("Longitude", digits=(9, 6), readonly=True)
    address = fields.Char("Address", readonly=True)
    attachments = fields.One2Many(
        'ir.attachment', 'resource', "Attachments", readonly=True)
    receipt = fields.Many2One(
        'edaftar.receipt', "Receipt", required=True, readonly=True,
        ondelete='RESTRICT')
    public_state = fields.Selection(
        PUBLIC_STATES, "Status", readonly=True, required=True, sort=False)
    public_state_string = public_state.translated('public_state')
    submitted_at = fields.Timestamp("Submitted", readonly=True)
    started_at = fields.Timestamp("In Progress Since", readonly=True)
    done_at = fields.Timestamp("Done", readonly=True)
    expected_date = fields.Date("Expected By", readonly=True,
        help="The category's response time from submission.")
    overdue = fields.Function(
        fields.Boolean("Overdue"), 'get_overdue', searcher='search_overdue')
    escalated = fields.Boolean("Escalated", readonly=True)
    escalation_level = fields.Integer("Escalation Level", readonly=True)
    escalated_at = fields.Timestamp("Escalated At", readonly=True)
    rating = fields.Selection([
            (None, ""),
            ('1', "1 - Very poor"),
            ('2', "2 - Poor"),
            ('3', "3 - Fair"),
            ('4', "4 - Good"),
            ('5', "5 - Very good"),
            ], "Rating", readonly=True, sort=False)
    feedback = fields.Text("Feedback", readonly=True)
    rated_at = fields.Timestamp("Rated At", readonly=True)
    reopened = fields.Boolean("Reopened", readonly=True,
        help="Reopened once on the citizen's appeal (a rating of 1 or 2).")
    appeal_rating = fields.Char("Appeal Rating", readonly=True)
    appeal_feedback = fields.Text("Appeal Feedback", readonly=True)
    token = fields.Char("Token", readonly=True,
        help="The Open311 token of the request.")
    followers = fields.Many2Many(
        'edaftar.portal.application-web.user', 'application', 'web_user',
        "Followers", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls.__access__.add('receipt')
        cls._sql_constraints += [
            ('number_unique', Unique(t, t.number),
                'edaftar_portal.msg_application_number_unique'),
            ('token_unique', Unique(t, t.token),
                'edaftar_portal.msg_application_number_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.web_user, Index.Range()),
                    (t.submitted_at, Index.Range(order='DESC'))),
                Index(t, (t.submitted_at, Index.Range())),
                Index(t, (t.public_state, Index.Equality()),
                    (t.submitted_at, Index.Range())),
                Index(t, (t.receipt, Index.Range())),
                Index(t, (t.department, Index.Range()),
                    (t.public_state, Index.Equality())),
                Index(t, (t.category, Index.Range()),
                    (t.submitted_at, Index.Range())),
                Index(t, (t.expected_date, Index.Range()),
                    where=t.public_state != 'done'),
                })
        cls._order = [('submitted_at', 'DESC'), ('id', 'DESC')]

    @classmethod
    def default_public_state(cls):
        return 'new'

    @classmethod
    def default_escalation_level(cls):
        return 0

    @classmethod
    def default_escalated(cls):
        return False

    @classmethod
    def default_reopened(cls):
        return False

    @classmethod
    def default_language(cls):
        return 'en'

    @classmethod
    def _client_create_fields(cls):
        # Made by the portal only (there is no create access either).
        return set()

    def _client_write_fields(self):
        return set()

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        if mode == 'delete':
            raise ApplicationAccessError(gettext(
                    'edaftar_portal.msg_application_no_delete'))

    @classmethod
    def check_attachment(cls, applications):
        "What the citizen sent is kept as sent: staff attach to the receipt"
        raise ApplicationAccessError(gettext(
                'edaftar_portal.msg_application_attachment_citizen'))

    @classmethod
    def attachment_max_size(cls):
        Configuration = Pool().get('edaftar.portal.configuration')
        return Configuration.upload_limit()

    def chat_language(self, audience='internal'):
        if audience == 'public':
            return self.language or 'en'
        return super().chat_language(audience=audience)

    def get_overdue(self, name):
        Date = Pool().get('ir.date')
        return bool(self.public_state != 'done' and self.expected_date
            and self.expected_date < Date.today())

    @classmethod
    def search_overdue(cls, name, clause):
        Date = Pool().get('ir.date')
        _, operator, value = clause[:3]
        today = Date.today()
        overdue = [('public_state', '!=', 'done'),
            ('expected_date', '<', today)]
        if (operator == '=') == bool(value):
            return overdue
        return ['OR', ('public_state', '=', 'done'),
            ('expected_date', '>=', today), ('expected_date', '=', None)]

    # -- submission ------------------------------------------------------

    @classmethod
    def clean_submission(cls, values, files=()):
        """Check what a citizen (or an Open311 client) sent; return the
        values to store, or raise PortalError naming what is wrong.

        values: category (id), description, name, cnic, phone, email,
        latitude, longitude, address; files: (name, bytes) pairs."""
        pool = Pool()
        Category = pool.get('edaftar.portal.category')
        Configuration = pool.get('edaftar.portal.configuration')
        Attachment = pool.get('ir.attachment')

        def text(name):
            return _text(values, name) or None

        clean = {}
        try:
            category_id = int(values.get('category') or 0)
        except (TypeError, ValueError):
            category_id = 0
        with without_check_access():
            categories = Category.search([('id', '=', category_id)])
        if not categories:
            raise PortalError(gettext('edaftar_portal.msg_category_unknown'))
        category, = categories
        clean['category'] = category

        description = text('description')
        if not description:
            raise required('description')
        if len(description) > DESCRIPTION_MAX:
            raise PortalError(gettext(
                    'edaftar_portal.msg_field_too_long',
                    field=gettext('edaftar_portal.msg_label_description'),
                    limit=DESCRIPTION_MAX))
        clean['description'] = description

        clean.update(clean_person(values))

        latitude, longitude = values.get('latitude'), values.get('longitude')
        if latitude in (None, '') and longitude in (None, ''):
            latitude = longitude = None
        else:
            try:
                latitude, longitude = float(latitude), float(longitude)
            except (TypeError, ValueError):
                raise PortalError(gettext(
                        'edaftar_portal.msg_location_invalid'))
            if (not math.isfinite(latitude) or not math.isfinite(longitude)
                    or not -90 <= latitude <= 90
                    or not -180 <= longitude <= 180):
                raise PortalError(gettext(
                        'edaftar_portal.msg_location_invalid'))
        # Stored to the column's 6 decimals (about 0.1 m), whatever a GPS
        # or a client sends.
        clean['latitude'] = round(latitude, 6) if latitude is not None \
            else None
        clean['longitude'] = round(longitude, 6) if longitude is not None \
            else None
        clean['address'] = (text('address') or '')[:256] or None
        if category.kind == 'complaint' and latitude is None \
                and not clean['address']:
            raise PortalError(gettext('edaftar_portal.msg_location_required'))

        with without_check_access():
            limit = Configuration.upload_limit()
            count = Configuration(1).max_uploads
        files = [(n, d) for n, d in files if d]
        if len(files) > count:
            raise PortalError(gettext(
                    'edaftar_portal.msg_too_many_files', limit=count))
        checked = []
        resource = f'{cls.__name__},-1'
        for filename, data in files:
            if len(data) > limit:
                raise PortalError(gettext(
                        'edaftar_portal.msg_file_too_large',
                        name=filename, limit=limit // (1024 * 1024)))
            # The Dak's own check of content and name (AttachmentError)
            checked.append((Attachment.check_dak_attachment(
                        resource, 'data', filename, data, None), data))
        clean['files'] = checked
        return clean

    @classmethod
    def submit(cls, values, files=(), web_user=None, api_key=None,
            language='en'):
        """Take a citizen's application: check it, number it and register
        its receipt in the category's department, in the hands of the
        category's focal person (or the department's head). Return it."""
        pool = Pool()
        Receipt = pool.get('edaftar.receipt')
        Attachment = pool.get('ir.attachment')
        Date = pool.get('ir.date')
        Channel = pool.get('ir.chat.channel')
        clean = cls.clean_submission(values, files)
        category = clean.pop('category')
        files = clean.pop('files')
        with without_check_access():
            receiver = category.get_receiver()
            # Not to someone whose posting has ended, whatever their login
            if (not receiver or not receiver.active
                    or not receiver.edaftar_unit
                    or not receiver.user or not receiver.user.active):
                raise PortalError(gettext(
                        'edaftar_portal.msg_category_no_receiver',
                        category=category.name))
            today = Date.today()
            now = dt.datetime.now()
            # One line: a Char (the description has the citizen's lines)
            subject = f'{category.name}: ' + ' '.join(
                clean['description'].split())
            number = cls._new_number()
            receipt = Receipt(
                department=category.department, received_date=today,
                mode='portal', category=category.kind,
                sender_name=clean['name'],
                sender_address=clean['address'], letter_ref=number,
                subject=subject[:200], priority='normal',
                confidentiality='normal')
            receipt.save()
            application = cls(
                number=number, token=token_urlsafe(16),
                web_user=web_user, api_key=api_key, language=language,
                category=category, kind=category.kind,
                department=category.department, receipt=receipt,
                submitted_at=now, public_state='new',
                expected_date=today + dt.timedelta(days=category.sla_days),
                **clean)
            application.save()
            if files:
                Attachment.save([Attachment(
                            resource=application, name=n, type='data',
                            data=d) for n, d in files])
            # The citizen is e-mailed the officers' public replies.
            Channel.subscribe_email(application, application.email)
            # Last: it locks the department's register until the commit,
            # and submissions to one department queue on it.
            Receipt.register_intake([receipt], receiver)
        application.send_status_email('new')
        return application

    @classmethod
    def _new_number(cls):
        pool = Pool()
        Sequence = pool.get('ir.sequence')
        ModelData = pool.get('ir.model.data')
        sequence = Sequence(ModelData.get_id(
                'edaftar_portal', 'sequence_application'))
        return sequence.get()

    @classmethod
    def duplicates(cls, category, latitude, longitude, limit=5):
        """The open or recent cases of category within the configured
        radius and days of the point, nearest first"""
        pool = Pool()
        Configuration = pool.get('edaftar.portal.configuration')
        if latitude is None or longitude is None:
            return []
        with without_check_access():
            config = Configuration(1)
            radius, days = config.duplicate_radius, config.duplicate_days
            # A box around the point on the indexed columns, then the exact
            # distance in Python.
            dlat = radius / 111_320
            dlon = radius / max(
                111_320 * math.cos(math.radians(latitude)), 1)
            since = dt.datetime.now() - dt.timedelta(days=days)
            near = cls.search([
                    ('category', '=', int(category)),
                    ('submitted_at', '>=', since),
                    ('latitude', '>=', latitude - dlat),
                    ('latitude', '<=', latitude + dlat),
                    ('longitude', '>=', longitude - dlon),
                    ('longitude', '<=', longitude + dlon),
                    ])
            near = [(distance(latitude, longitude, a.latitude, a.longitude),
                    a) for a in near]
            return [a for d, a in sorted(near, key=lambda x: x[0])
                if d <= radius][:limit]

    # -- what the citizen sees ------------------------------------------

    @classmethod
    def by_number(cls, number):
        "The application with the number, or None"
        number = (number or '').strip().upper()
        if not number or len(number) > 32:
            return None
        with without_check_access():
            found = cls.search([('number', '=', number)], limit=1)
        return found[0] if found else None

    @classmethod
    def track(cls, number):
        """What anybody may know of a case by its number: its status and
        dates, never who sent it nor what it says; None if unknown"""
        pool = Pool()
        Date = pool.get('ir.date')
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        number = (number or '').strip().upper()
        if not number or len(number) > 32:
            return None
        cursor.execute(*table.select(
                table.number, table.public_state, table.kind,
                table.submitted_at, table.started_at, table.done_at,
                table.expected_date, table.escalated, table.reopened,
                where=table.number == number, limit=1))
        row = cursor.fetchone()
        if not row:
            return None
        keys = ['number', 'public_state', 'kind', 'submitted_at',
            'started_at', 'done_at', 'expected_date', 'escalated', 'reopened']
        result = dict(zip(keys, row))
        for key in ['submitted_at', 'started_at', 'done_at']:
            if isinstance(result[key], str):
                result[key] = dt.datetime.fromisoformat(result[key])
        if isinstance(result['expected_date'], str):
            result['expected_date'] = dt.date.fromisoformat(
                result['expected_date'])
        result['overdue'] = bool(result['public_state'] != 'done'
            and result['expected_date']
            and result['expected_date'] < Date.today())
        result['escalated'] = bool(result['escalated'])
        result['reopened'] = bool(result['reopened'])
        return result

    @classmethod
    def of_web_user(cls, web_user):
        "The applications a portal account made, newest first"
        with without_check_access():
            return cls.search([('web_user', '=', web_user.id)])

    @classmethod
    def followed_by(cls, web_user):
        "The cases of others a portal account follows"
        with without_check_access():
            return cls.search([
                    ('followers', '=', web_user.id),
                    ('web_user', '!=', web_user.id),
                    ])

    def check_owner(self, web_user):
        "Refuse anyone but the account that made it"
        if not web_user or not self.web_user or self.web_user != web_user:
            raise ApplicationAccessError(gettext(
                    'edaftar_portal.msg_application_not_yours'))

    def follow(self, web_user):
        "Have a portal account told of this case's status"
        if self.web_user == web_user:
            return
        with without_check_access():
            self.__class__.write([self], {
                    'followers': [('add', [web_user.id])]})

    def timeline(self):
        "The steps of the case with their dates, for its page"
        steps = [('new', self.submitted_at)]
        if self.started_at:
            steps.append(('in_progress', self.started_at))
        if self.escalated_at:
            steps.append(('escalated', self.escalated_at))
        if self.done_at and self.public_state == 'done':
            steps.append(('done', self.done_at))
        return steps

    def public_messages(self):
        """The public discussion: officers' replies and the citizen's
        messages, oldest first; internal notes never"""
        pool = Pool()
        Message = pool.get('ir.chat.message')
        with without_check_access():
            messages = Message.search([
                    ('channel.resource', '=', str(self)),
                    ('audience', '=', 'public'),
                    ], order=[('id', 'ASC')])
            return [{
                    'from_citizen': bool(m.email and not m.user),
                    'date': m.create_date,
                    'content': m.content,
                    } for m in messages
                if not (m.user is None and m.email is None)]

    def post_reply(self, web_user, text):
        "The citizen's message in the public discussion"
        pool = Pool()
        Channel = pool.get('ir.chat.channel')
        Message = pool.get('ir.chat.message')
        ModelData = pool.get('ir.model.data')
        self.check_owner(web_user)
        text = (text or '').strip()
        if not text:
            raise required('reply')
        if len(text) > REPLY_MAX:
            raise PortalError(gettext(
                    'edaftar_portal.msg_field_too_long',
                    field=gettext('edaftar_portal.msg_label_reply'),
                    limit=REPLY_MAX))
        with without_check_access():
            channel = Channel._get_channel(self)
            message = Message(channel=channel, email=self.email,
                audience='public', content=text)
            message.save()
            Channel.dispatch_message(message, lambda u: u == self.email)
            holder = self.receipt.holder if self.receipt else None
            notify_many([dict(
                        employees=[holder], assistants=True,
                        label=gettext(
                            'edaftar_portal.msg_citizen_replied',
                            number=self.number),
                        description=text[:200], records=[self],
                        action=ModelData.get_id(
                            'edaftar_portal', 'act_application_form'),
                        icon='tryton-chat')])
        return message

    def rate(self, web_user, rating, feedback):
        """The citizen's rating of the answer (1-5): a 1 or 2 reopens the
        case once, escalated to the officer above the one who closed it"""
        self.check_owner(web_user)
        if isinstance(rating, str) and rating.strip().isdigit():
            rating = int(rating)
        elif not isinstance(rating, int) or isinstance(rating, bool):
            # 2.5, True, None: not a rating
            rating = 0
        if not 1 <= rating <= 5:
            raise RatingError(gettext('edaftar_portal.msg_rating_invalid'))
        feedback = (feedback or '').strip()
        if len(feedback) > FEEDBACK_MAX:
            raise RatingError(gettext(
                    'edaftar_portal.msg_field_too_long',
                    field=gettext('edaftar_portal.msg_label_feedback'),
                    limit=FEEDBACK_MAX))
        if self.public_state != 'done':
            raise RatingError(gettext(
                    'edaftar_portal.msg_rating_not_done',
                    number=self.number))
        if self.rating:
            raise RatingError(gettext(
                    'edaftar_portal.msg_rating_given', number=self.number))
        now = dt.datetime.now()
        with without_check_access():
            self.rating = str(rating)
            self.feedback = feedback or None
            self.rated_at = now
            self.save()
            if rating <= 2 and not self.reopened:
                self._appeal()

    def _appeal(self):
        "Reopen the case, escalated, with the citizen's rating and comment"
        pool = Pool()
        Receipt = pool.get('edaftar.receipt')
        Movement = pool.get('edaftar.movement')
        reason = gettext('edaftar_portal.msg_appeal_reason',
            number=self.number, rating=self.rating,
            feedback=self.feedback or '-')
        # In progress before the receipt moves: receipt_moved then finds
        # nothing to tell, the citizen gets the one e-mail of the appeal.
        self.appeal_rating, self.appeal_feedback = self.rating, self.feedback
        self.rating = self.feedback = self.rated_at = None
        self.reopened = True
        self.escalated = True
        self.escalated_at = dt.datetime.now()
        self.escalation_level = (self.escalation_level or 0) + 1
        self.public_state = 'in_progress'
        if not self.started_at:
            # Closed straight from new: in progress from now
            self.started_at = self.escalated_at
        self.done_at = None
        self.save()
        receipt = self.receipt
        Receipt.reopen_by_server([receipt], lambda r: reason)
        receipt = Receipt(receipt.id)
        above = self.next_officer(receipt.holder)
        if above:
            Movement.escalate([receipt], [above], lambda r: reason)
        self.post_internal(reason)
        self.send_status_email('reopened')

    def post_internal(self, text):
        "A note for the officers in the case's chat, never shown to citizens"
        Channel = Pool().get('ir.chat.channel')
        Message = Pool().get('ir.chat.message')
        with without_check_access():
            channel = Channel._get_channel(self)
            message = Message(channel=channel, audience='internal',
                content=text, user=0)
            message.save()

    # -- escalation ------------------------------------------------------

    @classmethod
    def next_officer(cls, employee):
        """The first head above employee: of their unit, then up the tree
        to their department (a district's is its division's); None at the
        top"""
        unit = employee.edaftar_unit if employee else None
        while unit:
            head = unit.head
            # In post today, with a login that works
            if (head and head != employee and head.active
                    and head.edaftar_unit and head.user
                    and head.user.active):
                return head
            if unit.kind in {'department', 'executive', 'division'}:
                return None
            unit = unit.parent
        return None

    @classmethod
    def escalate_overdue(cls):
        """Escalate every open case past its response time to the officer
        above its holder (their unit's head), and again half a response
        time later (the department's head), with a notification and a note
        on the case"""
        pool = Pool()
        Date = pool.get('ir.date')
        Movement = pool.get('edaftar.movement')
        ModelData = pool.get('ir.model.data')
        today = Date.today()
        top = []
        with without_check_access():
            cases = cls.search([
                    ('public_state', '!=', 'done'),
                    ('expected_date', '<', today),
                    ('escalation_level', '<', MAX_ESCALATION),
                    ('receipt', '!=', None),
                    ], order=[('expected_date', 'ASC'), ('id', 'ASC')])
            escalated = []
            for case in cases:
                level = case.escalation_level or 0
                grace = dt.timedelta(days=max(1, case.category.sla_days // 2))
                if level == 1 and today <= case.expected_date + grace:
                    continue
                receipt = case.receipt
                if receipt.state not in receipt._movable_states:
                    continue
                above = cls.next_officer(receipt.holder)
                reason = gettext('edaftar_portal.msg_escalation_reason',
                    number=case.number, expected=case.expected_date,
                    level=level + 1)
                if above:
                    Movement.escalate([receipt], [above], lambda r: reason)
                else:
                    # Nobody above: the holder is told it is overdue.
                    top.append(dict(
                            employees=[receipt.holder], assistants=True,
                            label=reason, records=[case],
                            action=ModelData.get_id(
                                'edaftar_portal', 'act_application_form'),
                            icon='tryton-warning'))
                case.escalation_level = level + 1
                case.escalated = True
                case.escalated_at = dt.datetime.now()
                case.save()
                case.post_internal(reason)
                escalated.append(case)
            notify_many(top)
        return escalated

    # -- following the receipt --------------------------------------------

    @classmethod
    def receipt_moved(cls, moves):
        """Follow the receipts' movements: moves is (receipt id, action)
        in order. Marked or forwarded: in progress; closed: done (the
        citizen is asked to rate it); reopened: in progress again."""
        now = dt.datetime.now()
        with without_check_access():
            # On every move of the Dak: one indexed query, no order
            cases = {c.receipt.id: c for c in cls.search([
                        ('receipt', 'in', list({r for r, _ in moves})),
                        ], order=[])}
            changed = {}
            for receipt_id, action in moves:
                case = cases.get(receipt_id)
                if not case:
                    continue
                if action == 'close':
                    state = 'done'
                elif action == 'reopen' or case.public_state == 'new':
                    state = 'in_progress'
                else:
                    continue
                if case.public_state == state:
                    continue
                case.public_state = state
                if state in {'in_progress', 'done'} and not case.started_at:
                    case.started_at = now
                if state == 'done':
                    case.done_at = now
                changed[case.id] = case
            cls.save(list(changed.values()))
        for case in changed.values():
            case.send_status_email(case.public_state)

    # -- e-mail to the citizen --------------------------------------------

    def page_url(self):
        "The address of the case's page on the portal (from the request)"
        base = Transaction().context.get('edaftar_portal_url')
        if not base:
            base = config.get('edaftar', 'portal_url', default='')
        base = base.rstrip('/')
        if not base:
            return ''
        if not self.web_user:
            # Filed without an account (Open311): followed by its number.
            return f'{base}/track?number={self.number}'
        return f'{base}/applications/{self.number}'

    def send_status_email(self, event):
        """Tell the citizen (and the followers) that the case changed:
        event is new, in_progress, done or reopened"""
        pool = Pool()
        Lang = pool.get('ir.lang')
        recipients = [(self.email, self.language or 'en')]
        recipients += [(f.email, f.edaftar_language or 'en')
            for f in self.followers if f.email]
        from_ = config.get('email', 'from')
        for address, language in recipients:
            if not address:
                continue
            with Transaction().set_context(language=language):
                subject = gettext(
                    f'edaftar_portal.msg_email_subject_{event}',
                    number=self.number)
                body = gettext(
                    f'edaftar_portal.msg_email_body_{event}',
                    number=self.number,
                    category=self.category.name,
                    expected=Lang.get(language).strftime(
                        self.expected_date) if self.expected_date else '-',
                    url=self.page_url())
            msg = EmailMessage()
            set_from_header(msg, from_, from_)
            msg['To'] = address
            msg['Subject'] = subject
            msg.set_content(body)
            send_message_transactional(msg, from_, [address])


class ApplicationFollower(GuardMixin, ModelSQL):
    "A portal account told of another's case (a possible duplicate)"
    __name__ = 'edaftar.portal.application-web.user'
    __string__ = "Application Follower"

    application = fields.Many2One(
        'edaftar.portal.application', "Application", required=True,
        ondelete='CASCADE')
    web_user = fields.Many2One(
        'web.user', "Portal Account", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls.__access__.add('application')
        cls._sql_constraints += [
            ('unique', Unique(t, t.application, t.web_user),
                'edaftar_portal.msg_application_follower_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.web_user, Index.Range())))


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('edaftar.portal.application|escalate_overdue',
                "Escalate Overdue Citizen Cases"))
