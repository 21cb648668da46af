# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The compliance report: the table of the target units and their overdue
lines, per issuer and period, printed as the compliance list shows them;
an ODT, a PDF where LibreOffice is installed."""
import datetime as dt
import io
import shutil
import unittest
import zipfile
from xml.etree import ElementTree

from proteus import Model, Report
from trytond.model.exceptions import AccessError
from trytond.modules.edaftar_base.tests.tools import get_user, setup_government
from trytond.tests.test_tryton import drop_db
from trytond.tests.tools import activate_modules, set_user

from .reminder_tools import age_directives

NS = {
    'table': 'urn:oasis:names:tc:opendocument:xmlns:table:1.0',
    'text': 'urn:oasis:names:tc:opendocument:xmlns:text:1.0',
    }
REPORT = 'edaftar.directive.compliance.report'


def odt_tables(content):
    """Return {table name: rows of cell texts} and the paragraphs outside
    tables of an ODT"""
    with zipfile.ZipFile(io.BytesIO(content)) as odt:
        root = ElementTree.fromstring(odt.read('content.xml'))

    def text(element):
        return ''.join(element.itertext()).strip()
    tables = {}
    for table in root.iter(f'{{{NS["table"]}}}table'):
        tables.setdefault(table.get(f'{{{NS["table"]}}}name'), []).extend(
            [text(c) for c in row.iter(f'{{{NS["table"]}}}table-cell')]
            for row in table.iter(f'{{{NS["table"]}}}table-row'))
    body = root.find('.//{urn:oasis:names:tc:opendocument:xmlns:office:1.0}'
        'text')
    paragraphs = [text(p) for p in body.findall('text:p', NS)]
    return tables, paragraphs


def fmt(date):
    return date.strftime('%m/%d/%Y')


class ComplianceReportTestCase(unittest.TestCase):
    "The compliance report"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config = activate_modules('edaftar_directive', setup_government)
        User = Model.get('res.user')
        cls.admin = User(cls.config.user)
        cls.today = dt.date.today()
        cls.setup_orders()

    @classmethod
    def tearDownClass(cls):
        drop_db()
        super().tearDownClass()

    def tearDown(self):
        set_user(self.admin)
        super().tearDown()

    @classmethod
    def login(cls, login):
        set_user(get_user(login))

    @classmethod
    def setup_orders(cls):
        """Two CS orders to S&GAD and Finance. The first, due in five days:
        S&GAD replied and the CS accepted; Finance has not answered. The
        second, issued ten days ago, due a week ago: S&GAD regretted in
        time, Finance's line is overdue."""
        Directive = Model.get('edaftar.directive')
        Unit = Model.get('edaftar.org.unit')
        Line = Model.get('edaftar.directive.line')
        ActionReport = Model.get('edaftar.directive.report')
        units = [Unit.find([('code', '=', c)])[0] for c in ['SGAD', 'FIN']]

        def issue(subject, days):
            cls.login('cs')
            directive = Directive(
                subject=subject, text=subject,
                deadline=cls.today + dt.timedelta(days=days))
            directive.departments.extend(Unit(u.id) for u in units)
            directive.save()
            directive.click('issue')
            directive.reload()
            return directive, {l.department.code: l for l in directive.lines}

        def answer(line, button):
            cls.login('secretary.sgad')
            ActionReport(line=Line(line.id), text="Action taken").save()
            Line(line.id).click(button)

        first, first_lines = issue("Polio campaign", 5)
        answer(first_lines['SGAD'], 'reply')
        cls.login('cs')
        Line(first_lines['SGAD'].id).click('accept')
        second, second_lines = issue("Encroachments on state land", 3)
        answer(second_lines['SGAD'], 'regret')
        age_directives([second.number], 10)
        cls.first, cls.second = first, second
        cls.overdue_line = second_lines['FIN']

    def compliance(self, context):
        "The compliance rows the user sees with the context of the list"
        Compliance = Model.get('edaftar.directive.compliance')
        with self.config.set_context(context):
            return Compliance.find([])

    def execute(self, rows, context, xml_id='report_compliance'):
        ModelData = Model.get('ir.model.data')
        action_id = ModelData.get_id(
            'edaftar_directive', xml_id, self.config.context)
        report = Report(REPORT, context=context)
        return report.execute(rows, {
                'model': 'edaftar.directive.compliance',
                'id': rows[0].id if rows else None,
                'ids': [r.id for r in rows],
                'action_id': action_id,
                })

    def period(self):
        return {
            'from_date': self.today - dt.timedelta(days=30),
            'to_date': self.today,
            }

    def test_report_chief_secretary(self):
        "The CS prints the table and the overdue lines of the period"
        self.login('cs')
        context = self.period()
        rows = self.compliance(context)
        self.assertEqual(len(rows), 2)
        extension, content, _, name = self.execute(rows, context)
        self.assertEqual((extension, name), ('odt', 'Directive Compliance'))
        tables, paragraphs = odt_tables(content)
        self.assertEqual(tables['Compliance'], [
                ['Department', 'Total', 'Waiting', 'In Progress', 'Replied',
                    'Done', 'Regretted', 'Overdue', 'On Time',
                    'On-Time Rate (%)', 'Average Days to Reply'],
                ['[SGAD] Services & General Administration',
                    '2', '0', '0', '0', '1', '1', '0', '2', '100.0', '0.0'],
                ['[FIN] Finance',
                    '2', '2', '0', '0', '0', '0', '1', '0', '-', '-'],
                ['Total', '4', '2', '0', '0', '1', '1', '1', '2', '', ''],
                ])
        deadline = self.today - dt.timedelta(days=7)
        self.assertEqual(tables['Overdue'], [
                ['Line', 'Subject', 'Department', 'Holder', 'Deadline',
                    'Days Overdue', 'Priority'],
                [self.overdue_line.number, "Encroachments on state land",
                    '[FIN] Finance', 'Secretary Finance', fmt(deadline),
                    '7', 'Urgent'],
                ])
        self.assertIn('Directive Compliance: Chief Secretary', paragraphs)
        self.assertIn(
            f"Orders issued from {fmt(context['from_date'])} to "
            f"{fmt(self.today)}; figures as of {fmt(self.today)}.",
            paragraphs)

        # Printed with no row selected: every row in sight.
        _, content, _, _ = self.execute([], context)
        self.assertEqual(odt_tables(content)[0], tables)

    def test_report_period(self):
        "The period of the context chooses the orders, as in the list"
        self.login('cs')
        # The second order was issued ten days ago.
        context = {
            'from_date': self.today - dt.timedelta(days=2),
            'to_date': self.today,
            }
        rows = self.compliance(context)
        _, content, _, _ = self.execute(rows, context)
        tables, paragraphs = odt_tables(content)
        self.assertEqual(tables['Compliance'][1:], [
                ['[SGAD] Services & General Administration',
                    '1', '0', '0', '0', '1', '0', '0', '1', '100.0', '0.0'],
                ['[FIN] Finance',
                    '1', '1', '0', '0', '0', '0', '0', '0', '-', '-'],
                ['Total', '2', '1', '0', '0', '1', '0', '0', '1', '', ''],
                ])
        self.assertNotIn('Overdue', tables)
        self.assertIn('No line is overdue.', paragraphs)

        # A period without orders
        context = {
            'from_date': self.today + dt.timedelta(days=1),
            'to_date': self.today + dt.timedelta(days=30),
            }
        self.assertEqual(self.compliance(context), [])
        _, content, _, _ = self.execute([], context)
        tables, paragraphs = odt_tables(content)
        self.assertEqual(tables, {})
        self.assertIn('No order in the period.', paragraphs)

    def test_report_department_head(self):
        """A head prints his unit's row and lines; another unit's row is
        refused"""
        context = self.period()
        self.login('cs')
        sgad_row, = [r for r in self.compliance(context)
            if r.department.code == 'SGAD']
        self.login('secretary.fin')
        rows = self.compliance(context)
        self.assertEqual([r.department.code for r in rows], ['FIN'])
        _, content, _, _ = self.execute(rows, context)
        tables, _ = odt_tables(content)
        self.assertEqual([r[0] for r in tables['Compliance']],
            ['Department', '[FIN] Finance', 'Total'])
        self.assertEqual([r[0] for r in tables['Overdue'][1:]],
            [self.overdue_line.number])
        # Refused by the compliance rule (Report.check_access reads them).
        with self.assertRaises(AccessError) as cm:
            self.execute([sgad_row], context)
        self.assertIn(
            'Compliance of the units in the user scope',
            cm.exception.message)

    def test_report_pdf(self):
        "The PDF where LibreOffice is installed, else the ODT"
        self.login('cs')
        context = self.period()
        rows = self.compliance(context)
        extension, content, _, _ = self.execute(
            rows, context, 'report_compliance_pdf')
        if shutil.which('soffice'):
            self.assertEqual(extension, 'pdf')
            self.assertTrue(bytes(content).startswith(b'%PDF'))
        else:
            self.assertEqual(extension, 'odt')
            tables, _ = odt_tables(content)
            self.assertEqual(len(tables['Compliance']), 4)
