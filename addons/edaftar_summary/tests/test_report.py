# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The summary printed in the government's format: heading, text, the views
of the departments consulted, the signatures of its route and the decision;
printed by who may read the summary, refused to anyone else; an ODT, a PDF
where LibreOffice is installed."""
import datetime as dt
import io
import shutil
import unittest
import zipfile
from xml.etree import ElementTree

from proteus import Model, Report
from trytond.model.exceptions import AccessError
from trytond.modules.edaftar_base.tests.tools import (
    get_user, setup_executive, setup_government)
from trytond.tests.test_tryton import drop_db
from trytond.tests.tools import activate_modules, set_user

NS = {
    'office': 'urn:oasis:names:tc:opendocument:xmlns:office:1.0',
    'table': 'urn:oasis:names:tc:opendocument:xmlns:table:1.0',
    'text': 'urn:oasis:names:tc:opendocument:xmlns:text:1.0',
    }
REPORT = 'edaftar.summary'
BODY = ("1. Ten tehsils were notified in 2026 without revenue officers.\n"
    "\n"
    "2. The Chief Minister is requested to approve ten posts of Tehsildar "
    "(BPS-16).")


def odt_content(content):
    """Return {table name: rows of cell texts (a cell's paragraphs joined
    by new lines)} and the paragraphs outside tables of an ODT"""
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


class SummaryReportTestCase(unittest.TestCase):
    "The printed summary"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config = activate_modules(
            'edaftar_summary', setup_government, setup_executive)
        User = Model.get('res.user')
        cls.admin = User(cls.config.user)
        cls.today = dt.date.today()
        cls.setup_summaries()

    @classmethod
    def tearDownClass(cls):
        drop_db()
        super().tearDownClass()

    def tearDown(self):
        set_user(self.admin)
        super().tearDown()

    @classmethod
    def login(cls, login):
        set_user(cls.admin)
        set_user(get_user(login))

    @classmethod
    def decide(cls, login, summary, button, remarks=None):
        Summary = Model.get('edaftar.summary')
        cls.login(login)
        summary = Summary(summary.id)
        if remarks:
            summary.remarks = remarks
            summary.save()
        summary.click(button)

    @classmethod
    def setup_summaries(cls):
        """Two summaries of the Admin-I section of S&GAD. The first went
        the whole route: the wing head, the PS for the Secretary, Finance
        consulted and concurring, the PS for the Chief Secretary, the Chief
        Minister; the CM's PS dispatched the decision. The second is with
        the Secretary, Finance's view awaited."""
        Summary = Model.get('edaftar.summary')
        Vetting = Model.get('edaftar.summary.vetting')
        Unit = Model.get('edaftar.org.unit')
        finance, = Unit.find([('code', '=', 'FIN')])

        cls.login('so.admin1')
        posts = Summary(subject="Creation of ten posts of Tehsildar",
            body=BODY)
        posts.save()
        posts.click('send')
        cls.decide('as.admin', posts, 'approve', "Recommended.")
        cls.login('secretary.sgad')
        Vetting(summary=Summary(posts.id), department=Unit(finance.id)
            ).save()
        cls.decide('ps.sgad', posts, 'approve',
            "Recommended for approval.\nFinance is consulted.")
        cls.login('secretary.fin')
        vetting, = Vetting.find([('summary', '=', posts.id)])
        vetting.comments = "Finance concurs; funds are available."
        vetting.save()
        vetting.click('reply')
        cls.decide('ps.cs', posts, 'approve', "May kindly be approved.")
        cls.decide('cm', posts, 'approve', "Approved.")
        cls.login('ps.cm')
        posts = Summary(posts.id)
        posts.decision = "Approved as proposed."
        posts.save()
        posts.click('dispatch')
        cls.posts = posts

        cls.login('so.admin1')
        rules = Summary(subject="Amendment of the Rules of Business",
            body="The Rules of Business are to provide for e-files.")
        rules.save()
        rules.click('send')
        Vetting(summary=Summary(rules.id), department=Unit(finance.id)
            ).save()
        cls.decide('as.admin', rules, 'approve', "Recommended.")
        cls.rules = rules
        set_user(cls.admin)

    def execute(self, summaries, xml_id='report_summary'):
        ModelData = Model.get('ir.model.data')
        action_id = ModelData.get_id(
            'edaftar_summary', xml_id, self.config.context)
        report = Report(REPORT)
        return report.execute(summaries, {
                'model': 'edaftar.summary',
                'id': summaries[0].id,
                'ids': [s.id for s in summaries],
                'action_id': action_id,
                })

    def test_print_menu(self):
        "The summary form's Print menu offers the summary, ODT and PDF"
        ActionKeyword = Model.get('ir.action.keyword')
        self.login('secretary.fin')
        actions = ActionKeyword.get_keyword(
            'form_print', ('edaftar.summary', -1), self.config.context)
        self.assertEqual(
            sorted(a['name'] for a in actions),
            ['Summary for the CM', 'Summary for the CM (PDF)'])

    def test_report_dispatched(self):
        """Finance's secretary, who was consulted, prints the dispatched
        summary: heading, text, Finance's view, every signature (who signed
        for whom) and the Chief Minister's decision"""
        Summary = Model.get('edaftar.summary')
        self.login('secretary.fin')
        summary = Summary(self.posts.id)
        extension, content, _, name = self.execute([summary])
        self.assertEqual(extension, 'odt')
        self.assertEqual(name, f'Summary for the CM-{summary.rec_name}')
        tables, paragraphs = odt_content(content)
        today = fmt(self.today)
        self.assertEqual(paragraphs, [
                'Government of Balochistan',
                'Services & General Administration',
                'SUMMARY FOR THE CHIEF MINISTER',
                f'No. {summary.number}',
                f'Dated: {today}',
                'Subject: Creation of ten posts of Tehsildar',
                '1. Ten tehsils were notified in 2026 without revenue '
                'officers.',
                '2. The Chief Minister is requested to approve ten posts of '
                'Tehsildar (BPS-16).',
                'Views of the Departments Consulted',
                'Signatures',
                'Decision of the Chief Minister',
                'Approved as proposed.',
                f'Communicated by PS to the Chief Minister on {today}.',
                paragraphs[-1],
                ])
        self.assertRegex(paragraphs[-1],
            r'^Printed on .+ by Secretary Finance$')
        self.assertEqual(tables['Views'], [
                ['Department', 'Comments', 'Replied On'],
                ['Finance', 'Finance concurs; funds are available.', today],
                ])
        self.assertEqual(tables['Signatures'], [
                ['Step', 'Approver', 'Decision', 'Remarks', 'Signed By',
                    'Date'],
                ['Wing Head', 'Additional Secretary (Admin)', 'Approved',
                    'Recommended.', 'Additional Secretary (Admin)', today],
                ['Department Head', 'Secretary S&GAD', 'Approved',
                    'Recommended for approval.\nFinance is consulted.',
                    'PS to Secretary S&GAD\non behalf of Secretary S&GAD',
                    today],
                ['Chief Secretary', 'Chief Secretary', 'Approved',
                    'May kindly be approved.',
                    'PS to the Chief Secretary\n'
                    'on behalf of Chief Secretary', today],
                ['Chief Minister', 'Chief Minister', 'Approved',
                    'Approved.', 'Chief Minister', today],
                ])

    def test_report_on_route(self):
        """The author prints both summaries in one document: the second is
        with the Secretary, Finance's view awaited, no decision yet"""
        Summary = Model.get('edaftar.summary')
        self.login('so.admin1')
        summaries = [Summary(self.posts.id), Summary(self.rules.id)]
        _, content, _, _ = self.execute(summaries)
        tables, paragraphs = odt_content(content)
        self.assertEqual(
            [p for p in paragraphs if p.startswith('No. ')],
            [f'No. {s.number}' for s in summaries])
        # Tables of the same name are read one after the other.
        self.assertEqual(tables['Views'][2:], [
                ['Department', 'Comments', 'Replied On'],
                ['Finance', 'Awaited', ''],
                ])
        self.assertEqual(tables['Signatures'][5:], [
                ['Step', 'Approver', 'Decision', 'Remarks', 'Signed By',
                    'Date'],
                ['Wing Head', 'Additional Secretary (Admin)', 'Approved',
                    'Recommended.', 'Additional Secretary (Admin)',
                    fmt(self.today)],
                ])
        second = paragraphs[paragraphs.index(
                f'No. {self.rules.number}'):]
        self.assertIn(
            'Awaiting: Department Head, Secretary S&GAD.', second)
        self.assertIn(
            'The Rules of Business are to provide for e-files.', second)
        self.assertNotIn('Decision of the Chief Minister', second)
        self.assertEqual(paragraphs.count('Decision of the Chief Minister'),
            1)

    def test_report_outsider_refused(self):
        """Who may not read a summary may not print it: the wing head of
        Regulations (same department, another wing) and Finance's section
        officer (his department was consulted, not his section) are refused
        by the summary's read rule"""
        Summary = Model.get('edaftar.summary')
        self.login('so.admin1')
        summary = Summary(self.posts.id)
        for login in ['as.regs', 'so.budget1']:
            with self.subTest(login=login):
                self.login(login)
                self.assertEqual(
                    Summary.find([('id', '=', summary.id)]), [])
                with self.assertRaises(AccessError) as cm:
                    self.execute([summary])
                self.assertEqual(cm.exception.message,
                    f'You are not allowed to read records "{summary.id}" '
                    'of "Summary for the Chief Minister" because of at '
                    'least one of these rules:\n'
                    'Summaries of the user scope, route or vetting')

    def test_report_pdf(self):
        "The PDF where LibreOffice is installed, else the ODT"
        Summary = Model.get('edaftar.summary')
        self.login('cs')
        summary = Summary(self.posts.id)
        extension, content, _, _ = self.execute(
            [summary], 'report_summary_pdf')
        if shutil.which('soffice'):
            self.assertEqual(extension, 'pdf')
            self.assertTrue(bytes(content).startswith(b'%PDF'))
        else:
            self.assertEqual(extension, 'odt')
            tables, _ = odt_content(content)
            self.assertEqual(len(tables['Signatures']), 5)
