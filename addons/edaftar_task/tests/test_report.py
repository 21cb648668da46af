# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The performance report, printed as the user: a department head prints
the rows of his department with their figures over the period of his
context, nothing of another department; whoever may not read a row may
not print it; an ODT, a PDF only where LibreOffice is installed."""
import datetime as dt
import io
import shutil
import unittest
import zipfile
from xml.etree import ElementTree

from proteus import Model, Report
from trytond.model.exceptions import AccessError
from trytond.modules.edaftar_base.report import OdtFallbackMixin
from trytond.modules.edaftar_base.tests.tools import (
    setup_executive, setup_government)
from trytond.modules.edaftar_task.tests.tools import (
    PERFORMANCE, Actor, days, message_pattern)
from trytond.tests.test_tryton import drop_db
from trytond.tests.tools import activate_modules

NS = {
    'office': 'urn:oasis:names:tc:opendocument:xmlns:office:1.0',
    'table': 'urn:oasis:names:tc:opendocument:xmlns:table:1.0',
    'text': 'urn:oasis:names:tc:opendocument:xmlns:text:1.0',
    }
HEADER = ['Name', 'Level', 'Assigned', 'Done', 'On time', 'Late',
    'Open, overdue', 'On-time %', 'Avg. delay (days)']
PERIOD = {'from_date': days(-60), 'to_date': days(60)}
# What the Secretary S&GAD may read of the period: (name, level, assigned,
# done, on time, late, open overdue, on-time %, average delay)
SGAD_ROWS = [
    ["Secretary S&GAD", "Person", '1', '0', '0', '0', '0', '—', '—'],
    ["Additional Secretary (Admin)", "Person",
        '1', '1', '0', '1', '0', '0.0', '4.0'],
    ["Additional Secretary (Regulations)", "Person",
        '1', '1', '1', '0', '0', '100.0', '—'],
    ["Section Officer (Admin-I)", "Person",
        '1', '0', '0', '0', '1', '—', '—'],
    ["[I] Admin-I Section", "Section", '1', '0', '0', '0', '1', '—', '—'],
    ["[ADM] Admin Wing", "Wing / District",
        '2', '1', '0', '1', '1', '0.0', '4.0'],
    ["[REG] Regulations Wing", "Wing / District",
        '1', '1', '1', '0', '0', '100.0', '—'],
    ["[SGAD] Services & General Administration", "Department / Division",
        '4', '2', '1', '1', '1', '50.0', '4.0'],
    ]
FIN_NAMES = ["Secretary Finance", "Section Officer (Budget-I)",
    "Additional Secretary (Budget)", "[FIN] Finance", "[BUD] Budget Wing"]


def odt_content(content):
    """Return {table name: rows of cell texts} and the paragraphs outside
    tables of an ODT"""
    with zipfile.ZipFile(io.BytesIO(content)) as odt:
        root = ElementTree.fromstring(odt.read('content.xml'))

    def text(element):
        return ''.join(element.itertext()).strip()

    def cell(element):
        return '\n'.join(
            text(p) for p in element.findall('text:p', NS) if text(p))
    tables = {}
    for table in root.iter(f'{{{NS["table"]}}}table'):
        tables.setdefault(table.get(f'{{{NS["table"]}}}name'), []).extend(
            [cell(c) for c in row.iter(f'{{{NS["table"]}}}table-cell')]
            for row in table.iter(f'{{{NS["table"]}}}table-row'))
    body = root.find('.//office:text', NS)
    paragraphs = [text(p) for p in body.findall('text:p', NS)]
    return tables, [p for p in paragraphs if p]


def fmt(date):
    return date.strftime('%m/%d/%Y')


class PerformanceReportTestCase(unittest.TestCase):
    "The printed performance"
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config = activate_modules(
            'edaftar_task', setup_government, setup_executive)
        cls.actor = Actor(cls.config)
        # Given and completed now, not in the cached database: the figures
        # are measured against the test's days.
        cls.setup_tasks()

    @classmethod
    def tearDownClass(cls):
        drop_db()
        super().tearDownClass()

    def tearDown(self):
        self.actor.login('admin')
        super().tearDown()

    @classmethod
    def setup_tasks(cls):
        """The Chief Secretary gives each Secretary a task not yet due.
        The Secretary S&GAD gives the wing head (Admin) a task due four
        days ago, which he completes today (four days late), the wing
        head (Regulations) one due in five days, completed (on time), and
        the Section Officer Admin-I one due two days ago, left open. The
        Secretary Finance gives the Section Officer Budget-I one due three
        days ago, completed today, and the wing head (Budget) one not yet
        due."""
        actor = cls.actor
        targets = actor.activity('cs', "Annual targets")
        actor.task('cs', "Targets of S&GAD", 'secretary.sgad', 10,
            group=targets)
        actor.task('cs', "Targets of Finance", 'secretary.fin', 10,
            group=targets)
        sgad = actor.activity('secretary.sgad', "Housekeeping", start=-30)
        stores = actor.task('secretary.sgad', "Audit of stores", 'as.admin',
            -4, group=sgad, start=-30)
        rules = actor.task('secretary.sgad', "Leave rules", 'as.regs', 5,
            group=sgad, start=-30)
        actor.task('secretary.sgad', "Weed out files", 'so.admin1', -2,
            group=sgad, start=-30)
        actor.press('as.admin', 'complete', stores)
        actor.press('as.regs', 'complete', rules)
        fin = actor.activity('secretary.fin', "Budget calls", start=-30)
        call = actor.task('secretary.fin', "Budget call letters",
            'so.budget1', -3, group=fin, start=-30)
        actor.task('secretary.fin', "Release of funds", 'as.budget', 3,
            group=fin, start=-30)
        actor.press('so.budget1', 'complete', call)
        actor.login('admin')

    def rows(self, login, domain=None, context=PERIOD):
        "The performance rows login reads in the period, in their order"
        Performance = Model.get(PERFORMANCE)
        self.actor.login(login)
        with self.config.set_context(context):
            return Performance.find(domain or [])

    def execute(self, rows, context=PERIOD, xml_id='report_performance'):
        """Print rows as the current user, with the period in the context,
        as the client does from the list"""
        ModelData = Model.get('ir.model.data')
        action_id = ModelData.get_id(
            'edaftar_task', xml_id, self.config.context)
        report = Report(PERFORMANCE, context=context)
        return report.execute(rows, {
                'model': PERFORMANCE,
                'id': rows[0].id,
                'ids': [r.id for r in rows],
                'action_id': action_id,
                })

    def test_print_menu(self):
        "The list's Print menu offers the report"
        ActionKeyword = Model.get('ir.action.keyword')
        self.actor.login('secretary.sgad')
        actions = ActionKeyword.get_keyword(
            'form_print', (PERFORMANCE, -1), self.config.context)
        self.assertEqual(
            [a['name'] for a in actions], ["Performance Report"])

    def test_department_head(self):
        """The Secretary S&GAD prints every row he reads: those of his
        department, with their figures; nothing of Finance"""
        rows = self.rows('secretary.sgad')
        extension, content, _, name = self.execute(rows)
        self.assertEqual(extension, 'odt')
        self.assertTrue(name.startswith("Performance Report"))
        tables, paragraphs = odt_content(content)
        self.assertEqual(paragraphs, [
                "Performance on Tasks",
                f"Tasks due from {fmt(PERIOD['from_date'])} to "
                f"{fmt(PERIOD['to_date'])}; printed {fmt(dt.date.today())} "
                "by Secretary S&GAD.",
                ])
        table = tables['Performance']
        self.assertEqual(table[0], HEADER)
        # In the order printed, which is the order of the rows given
        self.assertEqual(
            [r[0] for r in table[1:]], [r.name for r in rows])
        self.assertEqual(
            sorted(table[1:]), sorted(SGAD_ROWS))
        text = zipfile.ZipFile(io.BytesIO(content)).read(
            'content.xml').decode()
        for other in FIN_NAMES + ["Finance"]:
            self.assertNotIn(other, text)

    def test_period(self):
        "The figures are those of the period in the context when printed"
        period = {'from_date': days(-5), 'to_date': days(-3)}
        rows = self.rows(
            'secretary.sgad', [('level', '=', 'department')], period)
        _, content, _, _ = self.execute(rows, period)
        tables, paragraphs = odt_content(content)
        self.assertEqual(tables['Performance'][1:], [
                ["[SGAD] Services & General Administration",
                    "Department / Division",
                    '1', '1', '0', '1', '0', '0.0', '4.0']])
        self.assertIn(
            f"Tasks due from {fmt(period['from_date'])} to "
            f"{fmt(period['to_date'])}", paragraphs[1])

    def test_other_department(self):
        """The Secretary Finance prints his department's rows, and may not
        print S&GAD's, alone or among his own"""
        fin_rows = self.rows('secretary.fin')
        _, content, _, _ = self.execute(fin_rows)
        tables, _ = odt_content(content)
        self.assertEqual(
            sorted(r[:2] + r[2:4] for r in tables['Performance'][1:]),
            sorted([
                    ["Additional Secretary (Budget)", "Person", '1', '0'],
                    ["Secretary Finance", "Person", '1', '0'],
                    ["Section Officer (Budget-I)", "Person", '1', '1'],
                    ["[BUD] Budget Wing", "Wing / District", '2', '1'],
                    ["[FIN] Finance", "Department / Division", '3', '1'],
                    ["[I] Budget-I Section", "Section", '1', '1'],
                    ]))
        sgad_rows = self.rows('secretary.sgad')
        department, = [
            r for r in sgad_rows if r.level == 'department']
        pattern = message_pattern(self.config, 'ir.msg_read_rule_error')
        self.actor.login('secretary.fin')
        Performance = Model.get(PERFORMANCE)
        for printed in [[department], sgad_rows, fin_rows + [department]]:
            with self.subTest(rows=[r.id for r in printed]):
                printed = [Performance(r.id) for r in printed]
                with self.assertRaises(AccessError) as refused:
                    self.execute(printed)
                self.assertRegex(refused.exception.message, pattern)
                self.assertIn(
                    "Performance of the user, their units or (CM, CS) "
                    "everyone", refused.exception.message)

    def test_not_readable_row(self):
        """A Section Officer may not print a row of his wing head, nor of
        another section"""
        rows = {r.name: r for r in self.rows('secretary.sgad')}
        Performance = Model.get(PERFORMANCE)
        pattern = message_pattern(self.config, 'ir.msg_read_rule_error')
        mine = self.rows('so.admin1')
        self.assertEqual(sorted(r.name for r in mine),
            ["Section Officer (Admin-I)", "[I] Admin-I Section"])
        _, content, _, _ = self.execute(mine)
        self.assertEqual(len(odt_content(content)[0]['Performance']), 3)
        for name in ["Additional Secretary (Admin)", "[ADM] Admin Wing",
                "Additional Secretary (Regulations)",
                "[SGAD] Services & General Administration"]:
            with self.subTest(name=name):
                with self.assertRaises(AccessError) as refused:
                    self.execute([Performance(rows[name].id)])
                self.assertRegex(refused.exception.message, pattern)

    def test_odt_without_libreoffice(self):
        """Printed as PDF where LibreOffice is installed, else as the ODT
        (OdtFallbackMixin) rather than an error"""
        ActionReport = Model.get('ir.action.report')
        ModelData = Model.get('ir.model.data')
        # The shipped report, asked as PDF
        with self.actor.as_admin():
            shipped = ActionReport(ModelData.get_id(
                    'edaftar_task', 'report_performance',
                    self.config.context))
            pdf = ActionReport(name="Performance Report (PDF)",
                model=shipped.model, report_name=shipped.report_name,
                report=shipped.report, extension='pdf')
            pdf.save()
        try:
            rows = self.rows('secretary.sgad')
            report = Report(PERFORMANCE, context=PERIOD)
            extension, content, _, _ = report.execute(rows, {
                    'model': PERFORMANCE, 'id': rows[0].id,
                    'ids': [r.id for r in rows], 'action_id': pdf.id})
            if OdtFallbackMixin.converter_available():
                self.assertEqual(extension, 'pdf')
                self.assertTrue(bytes(content).startswith(b'%PDF'))
            else:
                self.assertIsNone(shutil.which('soffice'))
                self.assertEqual(extension, 'odt')
                tables, _ = odt_content(content)
                self.assertEqual(
                    sorted(tables['Performance'][1:]), sorted(SGAD_ROWS))
        finally:
            with self.actor.as_admin():
                ActionReport.delete([ActionReport(pdf.id)])
