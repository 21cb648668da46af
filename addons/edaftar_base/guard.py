# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The trust boundary: what a client may write, search and read back.

Tryton enforces model access and record rules, but not `readonly`/`states`
of fields, nor the record rules of the models a dotted domain or order
reaches, nor today's rules on a read of the history (`_datetime`). Every
e-Daftar model that holds or points at scoped records adopts
`GuardMixin`; see doc/security.rst of edaftar_dak."""
from trytond.i18n import gettext
from trytond.model import fields
from trytond.model.modelstorage import is_leaf
from trytond.pool import Pool
from trytond.transaction import Transaction, check_access

from .exceptions import (
    DomainAccessError, HistoryAccessError, ProtectedFieldError)

RELATION_TYPES = {'many2one', 'one2many', 'many2many', 'reference'}


def from_client():
    "Whether the current call is a client's (access checked, not root)"
    transaction = Transaction()
    return bool(transaction.user and transaction.check_access)


def is_empty(value):
    "Whether a client's value sets nothing (x2many actions on no record)"
    if value in (None, False, '', [], ()):
        return True
    if isinstance(value, (list, tuple)):
        return all(
            isinstance(a, (list, tuple)) and len(a) == 2 and not a[1]
            for a in value)
    return False


class GuardMixin:
    """Refuse what a client may not do, whatever it sends.

    - `_client_create_fields()`: the fields a client may give to create;
      any other may only be sent empty or with its default value.
    - `_client_write_fields()` (per record, e.g. by state): the fields a
      client may write; None allows any.
    - Searches: a clause or order that goes through a relation is answered
      with the target's record rules applied (Tryton converts it without
      them); an order on a dotted path into another model is refused.
    - History: a read or search with `_datetime` gives only records the
      user may read today."""
    __slots__ = ()

    @classmethod
    def _client_create_fields(cls):
        return None

    def _client_write_fields(self):
        return None

    @classmethod
    def create(cls, vlist):
        if from_client():
            allowed = cls._client_create_fields()
            if allowed is not None:
                for values in vlist:
                    cls._check_client_create(values, allowed)
        return super().create(vlist)

    @classmethod
    def _check_client_create(cls, values, allowed):
        for name, value in values.items():
            if name in allowed or is_empty(value):
                continue
            default = getattr(cls, f'default_{name}', None)
            if default is not None and value == default():
                continue
            cls._raise_protected(name, None)

    @classmethod
    def _raise_protected(cls, name, record):
        field = cls._fields.get(name)
        raise ProtectedFieldError(gettext(
                'edaftar_base.msg_field_protected',
                field=field.string if field else name,
                record=record.rec_name if record else cls.__string__))

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        if mode in {'write', 'delete'} and external and Transaction().user:
            # What the user may not read is refused as such, before any
            # message that would name it (Tryton checks the write and
            # delete rules after this).
            with check_access():
                cls.read([r.id for r in records], ['id'])
        if mode == 'write' and external and Transaction().user:
            for record in records:
                allowed = record._client_write_fields()
                if allowed is None:
                    continue
                for name in sorted(values.keys() - allowed):
                    cls._raise_protected(name, record)

    @classmethod
    def search(cls, domain, offset=0, limit=None, order=None, count=False,
            query=False):
        transaction = Transaction()
        if from_client():
            domain = guard_domain(cls, domain)
            if order:
                order = guard_order(cls, order)
            if transaction.context.get('_datetime'):
                if cls._history:
                    domain = [domain, ('id', 'in', cls._readable_today())]
                else:
                    with transaction.set_context(_datetime=None):
                        return super().search(
                            domain, offset=offset, limit=limit, order=order,
                            count=count, query=query)
        return super().search(domain, offset=offset, limit=limit,
            order=order, count=count, query=query)

    @classmethod
    def export_data(cls, records, fields_names, header=False):
        """Export only what the user may read: Tryton checks the records
        against the rules in Python, where an operator it cannot evaluate
        there (`where`) passes"""
        if from_client():
            with check_access():
                cls.read([r.id for r in records], ['id'])
        return super().export_data(records, fields_names, header=header)

    @classmethod
    def _readable_today(cls):
        "The query of the ids the user may read now"
        with Transaction().set_context(_datetime=None):
            return cls.search([], order=[], query=True)

    @classmethod
    def read(cls, ids, fields_names):
        transaction = Transaction()
        if from_client() and transaction.context.get('_datetime'):
            if not cls._history:
                # No history of its own: the rules of the models it points
                # at would be checked against their history.
                with transaction.set_context(_datetime=None):
                    return super().read(ids, fields_names)
            cls.check_readable_today(ids)
        return super().read(ids, fields_names)

    @classmethod
    def check_readable_today(cls, ids):
        "Refuse the history of records the user may not read now"
        ids = {int(i) for i in ids if int(i) >= 0}
        if not ids:
            return
        with Transaction().set_context(_datetime=None), check_access():
            readable = {r.id for r in cls.search(
                        [('id', 'in', list(ids))], order=[])}
        missing = sorted(ids - readable)
        if missing:
            raise HistoryAccessError(gettext(
                    'edaftar_base.msg_history_not_readable',
                    records=', '.join(
                        f'{cls.__string__} {i}' for i in missing[:5])))


def guard_domain(Model, domain):
    """Return domain where every clause that goes through a relation to
    another model (dotted, by name, or `where`) is answered with that
    model's rules applied, as the current user may read it"""
    if is_leaf(domain):
        return _guard_clause(Model, domain)
    if isinstance(domain, str) or not domain:
        return domain
    return [guard_domain(Model, d) for d in domain]


def _guard_clause(Model, clause):
    pool = Pool()
    name, operator, value = clause[:3]
    fname, _, rest = name.partition('.')
    field = Model._fields.get(fname)
    if (field is None or field._type not in RELATION_TYPES
            or isinstance(field, fields.Function)):
        return clause
    names_target = (
        bool(rest) or operator in {'where', 'not where'}
        or isinstance(value, str)
        or (isinstance(value, (list, tuple))
            and any(isinstance(v, str) for v in value)))
    if not names_target:
        return clause
    if field._type == 'reference':
        if not rest or len(clause) < 4:
            return clause
        Target = pool.get(clause[3])
    else:
        Target = field.get_target()
    if operator in {'where', 'not where'}:
        target_domain = value
    else:
        target_domain = [(rest or 'rec_name', operator, value)]
    # Searched as the user: the target's rules and guards apply.
    with check_access():
        query = Target.search(target_domain, order=[], query=True)
    in_ = 'not in' if operator == 'not where' else 'in'
    if field._type == 'reference':
        return (f'{fname}.id', in_, query, clause[3])
    return (fname, in_, query)


def guard_order(Model, order):
    """Refuse an order on a dotted path into a model with record rules
    (its position in the list would tell the hidden value)"""
    Rule = Pool().get('ir.rule')
    guarded = []
    for oexpr, otype in order:
        fname, _, rest = oexpr.partition('.')
        field = Model._fields.get(fname)
        # "file.id" is the column itself.
        if (rest and rest != 'id' and field is not None
                and field._type in RELATION_TYPES
                and field._type != 'reference'):
            Target = field.get_target()
            if Rule.domain_get(Target.__name__, mode='read'):
                raise DomainAccessError(gettext(
                        'edaftar_base.msg_order_related', field=oexpr))
        guarded.append((oexpr, otype))
    return guarded
