# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Framework speed-ups that change no behaviour.

trytond.tools.cursor_dict asks the cursor for its description once per
row, and fetches rows by cursor.arraysize, which psycopg 3 sets to 1; each
description builds a new list of column objects: about a third of the time
of reading 50 receipts. This one fetches up to 1,000 rows at a time and
asks for the description once per batch. Installed when edaftar_base is imported, in every
module of trytond that imported the original."""
import trytond.ir.model
import trytond.ir.translation
import trytond.model.modelsql
import trytond.tools

_original = trytond.tools.cursor_dict


def cursor_dict(cursor, size=None):
    size = max(cursor.arraysize, 1000) if size is None else size
    while True:
        rows = cursor.fetchmany(size)
        if not rows:
            break
        names = [d[0] for d in cursor.description]
        for row in rows:
            yield dict(zip(names, row))


def install():
    for module in [
            trytond.tools, trytond.model.modelsql, trytond.ir.model,
            trytond.ir.translation]:
        if getattr(module, 'cursor_dict', None) is _original:
            module.cursor_dict = cursor_dict
