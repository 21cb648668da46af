# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The menu entry of the Kanban board: a URL action whose address names
the database, which is not known when the module's XML is loaded"""
from urllib.parse import quote

from trytond.pool import PoolMeta
from trytond.transaction import Transaction

# Written in the url of an ir.action.url, replaced by the name of the
# database when a client gets the action to run it
DATABASE = '{database}'


class Action(metaclass=PoolMeta):
    __name__ = 'ir.action'

    @classmethod
    def get_action_values(cls, type_, action_ids, columns=None):
        """Give the clients the URL actions with the database's name in
        place of DATABASE: '/{database}/edaftar_task/board' opens
        '/<database>/edaftar_task/board' beside the web client, served by
        the same trytond. The stored url keeps DATABASE, so a copied or
        renamed database opens its own board."""
        values = super().get_action_values(
            type_, action_ids, columns=columns)
        if type_ == 'ir.action.url':
            database = quote(Transaction().database.name, safe='')
            for value in values:
                if DATABASE in (value.get('url') or ''):
                    value['url'] = value['url'].replace(DATABASE, database)
        return values
