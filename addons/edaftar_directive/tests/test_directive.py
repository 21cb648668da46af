# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Directives beyond the scenario: the targets of an issued order, reports
written by a PA/PS, and the compliance of a line sent back after its
deadline."""
import datetime as dt
import unittest

from proteus import Model
from trytond.exceptions import UserError
from trytond.modules.edaftar_base.tests.tools import (
    setup_executive, setup_government)
from trytond.tests.test_tryton import drop_db
from trytond.tests.tools import activate_modules

from .tools import Actor, backdate, setup_field

LINE = 'edaftar.directive.line'
DIRECTIVE = 'edaftar.directive'


class DirectiveTestCase(unittest.TestCase):
    "Directives, through proteus as users see them"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config = activate_modules('edaftar_directive',
            setup_government, setup_executive, setup_field)
        cls.actor = Actor(cls.config)

    @classmethod
    def tearDownClass(cls):
        drop_db()
        super().tearDownClass()

    def test_targets_of_issued_order(self):
        """Targets are added to an issued order (Add Lines sends theirs),
        not taken away from the units that have its line"""
        Directive = Model.get(DIRECTIVE)
        Line = Model.get(LINE)
        actor = self.actor
        directive = actor.order('ps.cs', ['FIN', 'SGAD'], "Targets")
        actor.login('ps.cs')
        with self.assertRaises(UserError):
            actor.call(DIRECTIVE, 'write', [directive],
                {'departments': [('remove', [actor.unit('FIN')])]})
        actor.login('admin')
        self.assertEqual(
            sorted(u.code for u in Directive(directive).departments),
            ['FIN', 'SGAD'])

        actor.login('ps.cs')
        actor.call(DIRECTIVE, 'write', [directive],
            {'departments': [('add', [actor.unit('QTA')])]})
        Directive(directive).click('add_lines')
        lines = actor.lines(directive)
        self.assertEqual(sorted(lines), ['FIN', 'QTA', 'SGAD'])
        actor.login('commissioner.qta')
        line = Line(lines['QTA'])
        self.assertEqual((line.state, line.held_by_me), ('waiting', True))

    def test_report_on_behalf(self):
        "The PS of the holder writes a report for him, recorded as such"
        Report = Model.get('edaftar.directive.report')
        actor = self.actor
        directive = actor.order('cm', ['SGAD'], "On behalf")
        line = actor.lines(directive)['SGAD']
        report = actor.report('ps.sgad', line, "Done, for the Secretary.")
        actor.login('admin')
        report = Report(report)
        self.assertEqual(
            (report.author.id, report.on_behalf_of.id),
            (actor.employee('ps.sgad'), actor.employee('secretary.sgad')))

    def test_compliance_sent_back_after_deadline(self):
        """A reply sent back is no longer an answer: the line, overdue
        again, is not counted on time nor in the days to reply"""
        Compliance = Model.get('edaftar.directive.compliance')
        Line = Model.get(LINE)
        actor = self.actor
        directive = actor.order('cm', ['QTA'], "Sent back late", days=2)
        line = actor.lines(directive)['QTA']
        actor.report('commissioner.qta', line, "Done.")
        actor.click('commissioner.qta', LINE, line, 'reply')
        # It was all five days ago: replied on time, the deadline passed
        # three days ago. Today the CM sends the reply back.
        backdate(self.config, directive, 5)
        actor.write('cm', LINE, line, remarks="Not what was asked.")
        actor.click('cm', LINE, line, 'send_back')
        actor.login('cm')
        record = Line(line)
        with self.subTest("the line"):
            self.assertEqual(
                (record.state, record.overdue, bool(record.on_time)),
                ('in_progress', True, False))
        today = dt.date.today()
        with self.config.set_context(
                from_date=today - dt.timedelta(days=6), to_date=today):
            row, = Compliance.find([
                    ('department', '=', actor.unit('QTA')),
                    ('issuer', '=', 'cm')])
        with self.subTest("its compliance row"):
            self.assertEqual(
                (row.total, row.in_progress, row.replied, row.overdue,
                    row.on_time, row.on_time_rate, row.average_days),
                (1, 1, 0, 1, 0, None, None))

    def test_duplicate(self):
        """Duplicating an order (the client's Duplicate: copy) gives a new
        draft with its subject, text and targets, nothing of its issue"""
        Directive = Model.get(DIRECTIVE)
        actor = self.actor
        for issue in [False, True]:
            with self.subTest(issued=issue):
                directive = actor.order('cm', ['FIN', 'SGAD'],
                    f"Duplicated {issue}", issue=issue)
                actor.login('cm')
                copy, = actor.call(DIRECTIVE, 'copy', [directive], {})
                copy = Directive(copy)
                self.assertEqual(
                    (copy.state, copy.number, copy.issued_by, len(copy.lines),
                        copy.subject,
                        sorted(u.code for u in copy.departments)),
                    ('draft', None, None, 0, f"Duplicated {issue}",
                        ['FIN', 'SGAD']))
