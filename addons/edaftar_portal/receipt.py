# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A citizen's case is a receipt of mode portal: its application follows
the receipt's movements, and the inboxes show which cases are escalated."""
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction


class Receipt(metaclass=PoolMeta):
    __name__ = 'edaftar.receipt'

    portal_application = fields.Function(
        fields.Many2One(
            'edaftar.portal.application', "Citizen Application",
            help="The citizen's application or complaint this receipt "
            "registers; answer the citizen in its chat (public)."),
        'get_portal_application')
    portal_escalated = fields.Function(
        fields.Boolean("Escalated Citizen Case"),
        'get_portal_application', searcher='search_portal_escalated')

    @classmethod
    def get_portal_application(cls, receipts, names):
        pool = Pool()
        Application = pool.get('edaftar.portal.application')
        table = Application.__table__()
        cursor = Transaction().connection.cursor()
        result = {n: {r.id: None for r in receipts} for n in names}
        if 'portal_escalated' in result:
            result['portal_escalated'] = {r.id: False for r in receipts}
        ids = [r.id for r in receipts if r.mode == 'portal']
        if ids:
            cursor.execute(*table.select(
                    table.receipt, table.id, table.escalated,
                    where=table.receipt.in_(ids)))
            for receipt, application, escalated in cursor:
                if 'portal_application' in result:
                    result['portal_application'][receipt] = application
                if 'portal_escalated' in result:
                    result['portal_escalated'][receipt] = bool(escalated)
        return result

    @classmethod
    def search_portal_escalated(cls, name, clause):
        Application = Pool().get('edaftar.portal.application')
        table = Application.__table__()
        _, operator, value = clause[:3]
        query = table.select(table.receipt,
            where=(table.escalated == True)  # noqa: E712
            & (table.public_state != 'done'))
        in_ = 'in' if (operator == '=') == bool(value) else 'not in'
        return [('id', in_, query)]


class Movement(metaclass=PoolMeta):
    __name__ = 'edaftar.movement'

    @classmethod
    def _perform(cls, vlist, notify=True):
        movements = super()._perform(vlist, notify=notify)
        # The receipt's id only (its column here): receipt_moved finds the
        # citizens' cases among them in one indexed query, without reading
        # the receipts of every move of the Dak.
        moves = [(m.receipt.id, m.action) for m in movements if m.receipt]
        if moves:
            Application = Pool().get('edaftar.portal.application')
            Application.receipt_moved(moves)
        return movements
