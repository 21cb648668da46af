# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from sql import For

from trytond import backend
from trytond.model import ModelSQL, Unique, fields
from trytond.model.exceptions import SQLConstraintError
from trytond.pool import Pool
from trytond.transaction import (
    Transaction, TransactionError, without_check_access)


class RegisterOpened(TransactionError):
    "A register was opened after the transaction started: restart it"


# kind: (prefix pattern, padding, module of its sequence_type_<kind>)
NUMBERING = {
    'receipt': ('{code}-{year}-', 6, 'edaftar_dak'),
    'file': ('{code}-F-{year}-', 5, 'edaftar_dak'),
    'dispatch': ('{code}-D-{year}-', 6, 'edaftar_dak'),
    }


class DocumentSequence(ModelSQL):
    "One gapless register per department, year and kind of document"
    __name__ = 'edaftar.document.sequence'
    __string__ = "Document Sequence"

    department = fields.Many2One(
        'edaftar.org.unit', "Department", required=True, ondelete='RESTRICT')
    year = fields.Integer("Year", required=True)
    kind = fields.Selection('get_kinds', "Kind", required=True)
    sequence = fields.Many2One(
        'ir.sequence.strict', "Sequence", required=True, ondelete='RESTRICT')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('department_year_kind_unique',
                Unique(t, t.department, t.year, t.kind),
                'edaftar_dak.msg_document_sequence_unique'),
            ]

    @classmethod
    def numbering(cls):
        """Return {kind: (prefix pattern, padding, module)}: a module that
        numbers documents of its own extends it (and provides the
        ir.sequence.type sequence_type_<kind>)"""
        return dict(NUMBERING)

    @classmethod
    def get_kinds(cls):
        return [(k, k.replace('_', ' ').title()) for k in cls.numbering()]

    @classmethod
    @without_check_access
    def next_number(cls, kind, department, date):
        """Return the next number of the department's register of kind for
        the year of date, creating the register on its first use. The
        strict sequence locks its row, so numbers are unique and gapless
        even when many clerks register at once."""
        domain = [
            ('department', '=', department.id),
            ('year', '=', date.year),
            ('kind', '=', kind),
            ]
        records = cls.search(domain, limit=1)
        if not records:
            if backend.name == 'postgresql':
                # Open the register in a transaction of its own, so that
                # clerks racing on the first number of the year all end
                # up on the same register.
                transaction = Transaction()
                with transaction.new_transaction() as new:
                    try:
                        cls._open_register(kind, department, date)
                        new.commit()
                    except (backend.DatabaseIntegrityError,
                            SQLConstraintError):
                        # Another clerk opened it first.
                        new.rollback()
                # This transaction's snapshot predates the register: start
                # it again to number from the register.
                raise RegisterOpened()
            cls._open_register(kind, department, date)
            records = cls.search(domain, limit=1)
        record, = records
        sequence = record.sequence
        if backend.name == 'postgresql':
            cls._wait_for_sequence(sequence)
        return sequence.get()

    @staticmethod
    def _wait_for_sequence(sequence):
        """Lock the strict sequence's row, waiting for a registration in
        progress, and tell the transaction it holds the lock.

        A strict sequence locks with ModelSQL.lock, which restarts every
        registration once to take the lock at the start of the
        transaction. Waiting here instead gives the same guarantee: when
        the registration we waited for took a number, PostgreSQL refuses
        to serialise and the dispatcher runs the request again, which then
        reads the next number. Transaction._locked_records is how trytond
        8.0 records the rows locked at the start of a transaction."""
        transaction = Transaction()
        table = sequence.__table__()
        cursor = transaction.connection.cursor()
        cursor.execute(*table.select(table.id,
                where=table.id == sequence.id, for_=For('UPDATE')))
        transaction._locked_records[sequence._table].add(sequence.id)

    @classmethod
    def _open_register(cls, kind, department, date):
        pool = Pool()
        Sequence = pool.get('ir.sequence.strict')
        SequenceType = pool.get('ir.sequence.type')
        ModelData = pool.get('ir.model.data')
        prefix, padding, module = cls.numbering()[kind]
        sequence = Sequence(
            name=f'{department.code} {kind} {date.year}',
            sequence_type=SequenceType(ModelData.get_id(
                    module, f'sequence_type_{kind}')),
            prefix=prefix.format(code=department.code, year=date.year),
            padding=padding)
        sequence.save()
        cls(department=department, year=date.year, kind=kind,
            sequence=sequence).save()


