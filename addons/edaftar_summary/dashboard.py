# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Summaries and notes awaiting the user on My Desk and on the CM's and
CS's dashboards (when edaftar_directive is activated), oldest first, with
the days each has waited.

Boards list a panel without its action's domain: each panel names itself
in its context (edaftar_desk_panel) and edaftar_dak's PanelSearchRPC adds
the domain of the panel's action (dashboard.xml)."""
from trytond.model import fields
from trytond.modules.edaftar_dak.desk import DeskPanelMixin
from trytond.pool import PoolMeta

PANELS = {
    'summaries_awaiting': 'edaftar_summary.act_desk_summaries_awaiting',
    'cs_notes_awaiting': 'edaftar_summary.act_desk_cs_notes_awaiting',
    }


class AwaitingPanelMixin(DeskPanelMixin):
    __slots__ = ()

    days_waiting = fields.Function(
        fields.Integer("Days Waiting",
            help="Days since the paper reached the step awaiting a "
            "decision."),
        'get_days_waiting')

    @classmethod
    def desk_panels(cls):
        return {**super().desk_panels(), **PANELS}

    def get_days_waiting(self, name):
        step = self.current_step
        return step.days_waiting if step else None


class View(metaclass=PoolMeta):
    __name__ = 'ir.ui.view'

    @classmethod
    def board_panels(cls):
        "After the first panel of My Desk, the second of the dashboards"
        panels = super().board_panels()
        for board, position in [
                ('edaftar_dak.desk_view_board', 0),
                ('edaftar_directive.cm_dashboard_view_board', 1),
                ('edaftar_directive.cs_dashboard_view_board', 1)]:
            panels.setdefault(board, []).extend(
                (action, position) for action in PANELS.values())
        return panels


class Summary(AwaitingPanelMixin, metaclass=PoolMeta):
    __name__ = 'edaftar.summary'


class CSNote(AwaitingPanelMixin, metaclass=PoolMeta):
    __name__ = 'edaftar.cs_note'
