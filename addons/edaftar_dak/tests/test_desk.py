# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The first minutes of a staff user: landing on My Desk, each panel
listing what its title says whatever domain the client sends, only
e-Daftar's menus, and units shown by their short name — through proteus,
as clients call it."""
import unittest

from proteus import Model
from trytond.modules.edaftar_base.tests.tools import get_user, setup_government
from trytond.tests.test_tryton import drop_db
from trytond.tests.tools import activate_modules, set_user

PRIORITY = {'edaftar_desk_panel': 'priority'}
FILES = {'edaftar_desk_panel': 'files'}
FLAGS = {'edaftar_desk_panel': 'flags'}


def setup_desk(config):
    """Letters in S&GAD: one on the Secretary's desk, one he marked as
    actioned and one he closed (both he still holds), one he forwarded to
    a section officer, one marked to a wing head; one in Finance; a file
    opened by a section officer; two flags of the administrator, one
    done."""
    Receipt = Model.get('edaftar.receipt', config=config)
    Movement = Model.get('edaftar.movement', config=config)
    Employee = Model.get('company.employee', config=config)
    File = Model.get('edaftar.file', config=config)
    Flag = Model.get('edaftar.flag', config=config)
    admin = config.user

    def employee(login):
        found, = Employee.find([('user.login', '=', login)])
        return found

    def register(registrar, subject, holder, priority='normal'):
        set_user(get_user(registrar, config=config), config=config)
        receipt = Receipt(
            sender_name="Sender", subject=subject, priority=priority)
        receipt.save()
        receipt.click('register')
        Movement(document=receipt, action='mark',
            to_employee=employee(holder)).save()
        return receipt

    register('registrar.sgad', "On the Secretary's desk", 'secretary.sgad',
        priority='urgent')
    forwarded = register(
        'registrar.sgad', "Forwarded by the Secretary", 'secretary.sgad')
    register('registrar.sgad', "With the wing head", 'as.regs')
    actioned = register(
        'registrar.sgad', "Actioned by the Secretary", 'secretary.sgad')
    closed = register(
        'registrar.sgad', "Closed by the Secretary", 'secretary.sgad')
    register('registrar.fin', "In Finance", 'secretary.fin')

    set_user(get_user('secretary.sgad', config=config), config=config)
    Movement(document=Receipt(forwarded.id), action='forward',
        to_employee=employee('so.admin1')).save()
    Receipt(actioned.id).click('actioned')
    closed = Receipt(closed.id)
    closed.disposal_remark = "Filed"
    closed.save()
    closed.click('close')

    set_user(get_user('so.admin1', config=config), config=config)
    File(subject="Section file").save()

    set_user(admin, config=config)
    for subject, done in [
            ("With the wing head", False), ("In Finance", True)]:
        receipt, = Receipt.find([('subject', '=', subject)])
        Flag(document=receipt, due_date=receipt.registered_at.date(),
            done=done).save()


class DeskTestCase(unittest.TestCase):
    "My Desk and the first minutes of a staff user"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config = activate_modules(
            'edaftar_dak', setup_government, setup_desk)
        User = Model.get('res.user')
        cls.admin = User(cls.config.user)

    @classmethod
    def tearDownClass(cls):
        drop_db()
        super().tearDownClass()

    def tearDown(self):
        set_user(self.admin)
        super().tearDown()

    def login(self, login):
        set_user(get_user(login))

    def find(self, model, domain=None, context=None):
        "The subjects found, as a client asks with its context"
        Document = Model.get(model)
        with self.config.set_context(context or {}):
            return sorted(r.subject for r in Document.find(domain or []))

    def desk_action_id(self):
        "The id of My Desk's ir.action, as the admin reads it"
        ModelData = Model.get('ir.model.data')
        ActWindow = Model.get('ir.action.act_window')
        set_user(self.admin)
        return ActWindow(ModelData.get_id(
                'edaftar_dak', 'act_desk', self.config.context)).action.id

    def test_priority_panel_department_head(self):
        "The Secretary's priority panel lists what he holds, open"
        self.login('secretary.sgad')
        # His scope holds letters held by others, and the closed one.
        self.assertEqual(self.find('edaftar.receipt'), [
                "Actioned by the Secretary",
                "Closed by the Secretary",
                "Forwarded by the Secretary",
                "On the Secretary's desk",
                "With the wing head",
                ])
        # With the panel's context, an empty domain (as sao sends it)
        # lists exactly what the title says.
        self.assertEqual(self.find('edaftar.receipt', [], PRIORITY), [
                "Actioned by the Secretary", "On the Secretary's desk"])
        Receipt = Model.get('edaftar.receipt')
        context = dict(self.config.context, **PRIORITY)
        self.assertEqual(Receipt._proxy.search_count([], 0, None, context), 2)
        self.assertEqual(
            [r['subject'] for r in Receipt._proxy.search_read(
                    [], 0, None, [('id', 'ASC')], ['subject'], context)],
            ["On the Secretary's desk", "Actioned by the Secretary"])
        # The client's domain narrows further, never widens.
        self.assertEqual(self.find('edaftar.receipt',
                ['OR', ('subject', '=', "With the wing head"),
                    ('subject', '=', "On the Secretary's desk")],
                PRIORITY),
            ["On the Secretary's desk"])
        # His PS sees the Secretary's desk.
        self.login('ps.sgad')
        self.assertEqual(self.find('edaftar.receipt', [], PRIORITY), [
                "Actioned by the Secretary", "On the Secretary's desk"])
        self.login('as.regs')
        self.assertEqual(self.find('edaftar.receipt', [], PRIORITY),
            ["With the wing head"])

    def test_panel_narrows_only_what_is_listed(self):
        "What the server computes in the same request is not narrowed"
        self.login('secretary.sgad')
        Receipt = Model.get('edaftar.receipt')
        forwarded, = Receipt.find([
                ('subject', '=', "Forwarded by the Secretary")])
        with self.config.set_context(PRIORITY):
            self.assertEqual(Receipt.find([('id', '=', forwarded.id)]), [])
            # The server finds sent_by_me with a search of receipts, in the
            # panel's context: the letter is not in the panel, and is
            # still found sent by him.
            self.assertTrue(Receipt(forwarded.id).sent_by_me)
        # The context of another model's panel changes nothing.
        self.assertEqual(self.find('edaftar.receipt', [], FILES),
            self.find('edaftar.receipt'))
        # A name that is no panel changes nothing either.
        for name in ['all', ['priority'], 7]:
            self.assertEqual(
                self.find('edaftar.receipt', [], {'edaftar_desk_panel': name}),
                self.find('edaftar.receipt'))

    def test_files_panel(self):
        "Files With Me: the Secretary sees the section's file, holds none"
        self.login('secretary.sgad')
        self.assertEqual(self.find('edaftar.file'), ["Section file"])
        self.assertEqual(self.find('edaftar.file', [], FILES), [])
        self.login('so.admin1')
        self.assertEqual(self.find('edaftar.file', [], FILES),
            ["Section file"])

    def test_flags_panel(self):
        "My Follow-ups lists the flags not done"
        Flag = Model.get('edaftar.flag')
        with self.config.set_context(FLAGS):
            flags = Flag.find([])
        self.assertEqual([f.receipt.subject for f in flags],
            ["With the wing head"])
        self.assertEqual(len(Flag.find([])), 2)

    def test_staff_land_on_my_desk(self):
        "Every staff user, existing or new, has My Desk as login action"
        User = Model.get('res.user')
        Group = Model.get('res.group')
        ModelData = Model.get('ir.model.data')
        desk = self.desk_action_id()
        for login in ['secretary.sgad', 'so.admin1', 'registrar.sgad',
                'auditor', 'cs']:
            self.login(login)
            self.assertEqual(
                User.get_preferences(False, {})['actions'], [desk], login)

        set_user(self.admin)
        officer = User(login='new.officer', name="New Officer")
        officer.groups.append(Group(ModelData.get_id(
                    'edaftar_base', 'group_officer', self.config.context)))
        officer.save()
        stranger = User(login='stranger', name="Not Staff")
        stranger.save()
        receipts = Model.get('ir.action.act_window')(ModelData.get_id(
                'edaftar_dak', 'act_receipt_form', self.config.context))
        chooser = User(login='chooser', name="Own Login Action")
        chooser.groups.append(Group(ModelData.get_id(
                    'edaftar_base', 'group_officer', self.config.context)))
        chooser.actions.append(Model.get('ir.action')(receipts.action.id))
        chooser.save()

        self.login('new.officer')
        self.assertEqual(User.get_preferences(False, {})['actions'], [desk])
        # The context (context_only) carries no actions.
        self.assertNotIn('actions', User.get_preferences(True, {}))
        self.login('stranger')
        self.assertEqual(User.get_preferences(False, {})['actions'], [])
        self.login('chooser')
        self.assertEqual(User.get_preferences(False, {})['actions'],
            [receipts.action.id])

    def test_staff_menus(self):
        "Staff see e-Daftar only at the top; Parties are the admin's"
        Menu = Model.get('ir.ui.menu')
        for login in ['secretary.sgad', 'ps.sgad', 'as.admin', 'so.admin1',
                'officer.admin1', 'registrar.sgad', 'cs', 'auditor']:
            self.login(login)
            self.assertEqual(
                [m.name for m in Menu.find([('parent', '=', None)])],
                ['e-Daftar'], login)
        set_user(self.admin)
        self.assertIn(
            'Parties', [m.name for m in Menu.find([('parent', '=', None)])])

    def test_unit_short_name_and_path(self):
        "A unit shows as [code] name; its path is full_path, both search"
        Unit = Model.get('edaftar.org.unit')
        self.login('so.admin1')
        section, = Unit.find([
                ('code', '=', 'I'), ('parent.code', '=', 'ADM')])
        self.assertEqual(section.rec_name, "[I] Admin-I Section")
        self.assertEqual(section.full_path, "Government of Balochistan"
            " / Services & General Administration / Admin Wing"
            " / Admin-I Section")

        def found(clause):
            return sorted(u.rec_name for u in Unit.find([clause]))
        # The short name, the name, the code and the path find it.
        self.assertEqual(
            found(('rec_name', '=', "[I] Admin-I Section")),
            ["[I] Admin-I Section"])
        self.assertEqual(
            found(('rec_name', 'ilike', '%[i] admin-i%')),
            ["[I] Admin-I Section"])
        self.assertEqual(
            found(('rec_name', '=', "Admin Wing / Admin-I Section")),
            [])  # a path is searched from the top with '='
        self.assertEqual(
            found(('rec_name', 'ilike', "%Admin Wing / Admin-I Section")),
            ["[I] Admin-I Section"])
        # A path ending with a wildcard finds the units below too.
        self.assertEqual(
            found(('rec_name', 'ilike', "%Admin Wing / Admin-I%")),
            ["[II] Admin-II Section", "[I] Admin-I Section"])
        self.assertEqual(found(('rec_name', '=', "SGAD")),
            ["[SGAD] Services & General Administration"])
        self.assertEqual(
            found(('full_path', 'ilike', '%Regulations%')),
            ["[I] Regulations-I Section", "[REG] Regulations Wing"])
        self.assertEqual(
            found(('full_path', '=', "Government of Balochistan / Finance")),
            ["[FIN] Finance"])
        # Negative searches are the complement of the positive ones
        # ("Administration" is in S&GAD's name: all S&GAD is found).
        self.assertEqual(
            found(('rec_name', 'not ilike', '%Admin%')),
            ["[BUD] Budget Wing", "[CR] Finance Registry",
                "[CSO] Chief Secretary's Office", "[FIN] Finance",
                "[GOB] Government of Balochistan", "[I] Budget-I Section"])
        self.assertEqual(
            found(('full_path', 'not ilike', '%Finance%')),
            ["[ADM] Admin Wing", "[CR] Central Registry",
                "[CSO] Chief Secretary's Office",
                "[GOB] Government of Balochistan", "[II] Admin-II Section",
                "[I] Admin-I Section", "[I] Regulations-I Section",
                "[REG] Regulations Wing",
                "[SGAD] Services & General Administration"])
        self.assertNotIn("[FIN] Finance",
            found(('rec_name', 'not in', ["FIN", "[GOB] Nowhere"])))
