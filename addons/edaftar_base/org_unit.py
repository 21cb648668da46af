# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import re
from collections import defaultdict

from trytond.cache import Cache
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, fields, sequence_ordered, tree)
from trytond.pool import Pool
from trytond.tools import escape_wildcard
from trytond.transaction import Transaction

from .exceptions import UnitCodeError, UnitKindError

KINDS = [
    ('government', "Government"),
    ('executive', "Executive Office"),
    ('department', "Department"),
    ('wing', "Wing"),
    ('section', "Section"),
    ('division', "Division"),
    ('district', "District"),
    ]

# Which kinds a unit of each kind may sit under (None: at the top).
ALLOWED_PARENT_KINDS = {
    'government': {None},
    'executive': {'government'},
    'department': {'government'},
    'division': {'government'},
    'wing': {'department', 'executive'},
    'section': {'wing', 'department', 'executive', 'division', 'district'},
    'district': {'division'},
    }
# A unit's short name, "[code] name", as a user may type it back.
SHORT_NAME = re.compile(r'\[(?P<code>[^\]]+)\]\s*(?P<name>.*)', re.DOTALL)
NEGATIONS = {
    '!=': '=', 'not like': 'like', 'not ilike': 'ilike', 'not in': 'in'}


class OrgUnit(
        DeactivableMixin, sequence_ordered(), tree(separator=' / '),
        ModelSQL, ModelView):
    __name__ = 'edaftar.org.unit'
    __string__ = "Organisation Unit"

    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char(
        "Code", required=True, strip=True,
        help="Short code, unique among the units under the same parent; "
        "department codes prefix document numbers.")
    kind = fields.Selection(KINDS, "Kind", required=True, sort=False)
    parent = fields.Many2One(
        'edaftar.org.unit', "Parent", ondelete='RESTRICT')
    childs = fields.One2Many('edaftar.org.unit', 'parent', "Children")
    head = fields.Many2One(
        'company.employee', "Head", ondelete='SET NULL',
        help="The employee who heads the unit; "
        "the unit's subtree is in the head's scope.")
    members = fields.One2Many(
        'company.employee', 'edaftar_unit', "Members", readonly=True)
    full_path = fields.Function(fields.Char(
            "Full Path",
            help="The names of the units above it and its own, from the "
            "top of the hierarchy."),
        'get_full_path', searcher='search_full_path')

    _tree_cache = Cache('edaftar.org.unit.tree', context=False)
    _path_cache = Cache('edaftar.org.unit.path', context=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(1, ('name', 'ASC'))

    @classmethod
    def validate_fields(cls, units, field_names):
        super().validate_fields(units, field_names)
        cls.check_kind(units, field_names)
        cls.check_code(units, field_names)

    @classmethod
    def check_kind(cls, units, field_names=None):
        if field_names and not (field_names & {'kind', 'parent'}):
            return
        kinds = dict(KINDS)
        for unit in units:
            pairs = [(unit, unit.parent)]
            pairs.extend((child, unit) for child in unit.childs)
            for child, parent in pairs:
                parent_kind = parent.kind if parent else None
                if parent_kind not in ALLOWED_PARENT_KINDS[child.kind]:
                    if parent:
                        raise UnitKindError(gettext(
                                'edaftar_base.msg_unit_wrong_parent_kind',
                                unit=child.name,
                                kind=kinds[child.kind],
                                parent=parent.name,
                                parent_kind=kinds[parent.kind]))
                    raise UnitKindError(gettext(
                            'edaftar_base.msg_unit_needs_parent',
                            unit=child.name, kind=kinds[child.kind]))

    @classmethod
    def check_code(cls, units, field_names=None):
        if field_names and not (field_names & {'code', 'parent'}):
            return
        with Transaction().set_context(active_test=False):
            for unit in units:
                others = cls.search([
                        ('parent', '=', unit.parent),
                        ('code', 'ilike', escape_wildcard(unit.code)),
                        ('id', '!=', unit.id),
                        ], limit=1)
                if others:
                    raise UnitCodeError(gettext(
                            'edaftar_base.msg_unit_code_unique',
                            code=unit.code, unit=unit.name,
                            other=others[0].name))

    @classmethod
    def on_modification(cls, mode, units, field_names=None):
        pool = Pool()
        User = pool.get('res.user')
        AuditLog = pool.get('edaftar.audit.log')
        super().on_modification(mode, units, field_names=field_names)
        cls._tree_cache.clear()
        cls._path_cache.clear()
        User._edaftar_scope_cache.clear()
        AuditLog.log(units, mode, field_names=field_names)

    @classmethod
    def get_rec_name(cls, units, name):
        """The short name, "[code] name", which fits narrow fields; the
        path is full_path"""
        return cls._get_names(units, 'short')

    @classmethod
    def get_full_path(cls, units, name):
        return cls._get_names(units, 'path')

    @classmethod
    def _get_names(cls, units, kind):
        "Return the short name or the path of units from the cache"
        names = cls.get_names()[kind]
        missing = [u for u in units if u.id not in names]
        if missing:
            # Created in this transaction, after the cache was filled.
            names = dict(names)
            for unit in missing:
                names[unit.id] = (
                    super(OrgUnit, cls).get_rec_name(unit, 'rec_name')
                    if kind == 'path' else f'[{unit.code}] {unit.name}')
        return {u.id: names.get(u.id) for u in units}

    @classmethod
    def search_rec_name(cls, name, clause):
        "Search by path (or name), by code, or by short name"
        _, operator, value = clause[:3]
        if operator in NEGATIONS:
            return cls._search_negation(name, clause)
        domain = ['OR', super().search_rec_name(name, clause)]
        if isinstance(value, str):
            domain.append(('code', operator, value))
            short = SHORT_NAME.fullmatch(value.lstrip('%'))
            if short:
                domain.append([
                        ('code', 'ilike' if operator.endswith('like')
                            else '=', short.group('code')),
                        ('name', operator, short.group('name')),
                        ])
        return domain

    @classmethod
    def search_full_path(cls, name, clause):
        if clause[1] in NEGATIONS:
            return cls._search_negation(name, clause)
        return super().search_rec_name(name, clause)

    @classmethod
    def _search_negation(cls, name, clause):
        """The units not found by the positive clause: the tree's own
        negative search keeps the units below any unit not matching"""
        _, operator, value = clause[:3]
        units = cls.search(
            [(name, NEGATIONS[operator], value)], order=[], query=True)
        return [('id', 'not in', units)]

    @classmethod
    def get_paths(cls):
        "Return the path of names of every unit in the user's language"
        return cls.get_names()['path']

    @classmethod
    def get_names(cls):
        """Return the names of every unit in the user's language, from a
        cache per language: 'short' ("[code] name") and 'path' (the names
        from the top) by unit id"""
        language = Transaction().language
        names = cls._path_cache.get(language)
        if names is not None:
            return names
        with Transaction().set_context(
                active_test=False, _check_access=False):
            units = cls.search_read(
                [], fields_names=['name', 'code', 'parent'])
        own = {u['id']: u['name'] for u in units}
        parents = {u['id']: u['parent'] for u in units}
        paths = {}

        def path(unit_id):
            if unit_id not in paths:
                parent_id = parents.get(unit_id)
                paths[unit_id] = (
                    f'{path(parent_id)} / {own[unit_id]}'
                    if parent_id in own else own[unit_id])
            return paths[unit_id]
        for unit_id in own:
            path(unit_id)
        shorts = {u['id']: f"[{u['code']}] {u['name']}" for u in units}
        return cls._path_cache.set(language, {
                'path': paths,
                'short': shorts,
                })

    @classmethod
    def get_tree(cls):
        """Return the whole tree as a mapping with the parent, kind and
        children of every unit (active or not) and the units each employee
        heads, read once per change."""
        tree_ = cls._tree_cache.get(None)
        if tree_ is not None:
            return tree_
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(
                table.id, table.parent, table.kind, table.head, table.active))
        parent, kind = {}, {}
        children, heads = defaultdict(list), defaultdict(list)
        for unit_id, parent_id, unit_kind, head, active in cursor:
            parent[unit_id] = parent_id
            kind[unit_id] = unit_kind
            if parent_id is not None:
                children[parent_id].append(unit_id)
            if head is not None and active:
                heads[head].append(unit_id)
        return cls._tree_cache.set(None, {
                'parent': parent,
                'kind': kind,
                'children': dict(children),
                'heads': dict(heads),
                })

    @classmethod
    def subtree_ids(cls, unit_ids, tree_=None):
        "Return the set of ids of the units and all units below them"
        if tree_ is None:
            tree_ = cls.get_tree()
        children = tree_['children']
        result, todo = set(), list(unit_ids)
        while todo:
            unit_id = todo.pop()
            if unit_id in result:
                continue
            result.add(unit_id)
            todo.extend(children.get(unit_id, ()))
        return result

    @classmethod
    def ancestor_of_kind(cls, unit_id, kinds, tree_=None):
        "Return the nearest unit at or above unit_id whose kind is in kinds"
        if tree_ is None:
            tree_ = cls.get_tree()
        while unit_id is not None:
            if tree_['kind'].get(unit_id) in kinds:
                return unit_id
            unit_id = tree_['parent'].get(unit_id)


class Designation(DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'edaftar.designation'

    name = fields.Char("Name", required=True, translate=True,
        help='The job title, e.g. "Section Officer (Admin)".')
    code = fields.Char("Code", strip=True)
    grade = fields.Integer(
        "Grade", help="Basic Pay Scale (BPS) of the post, for ordering.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('grade', 'DESC NULLS LAST'), ('name', 'ASC'), ('id', 'ASC')]

    @classmethod
    def on_modification(cls, mode, designations, field_names=None):
        Employee = Pool().get('company.employee')
        super().on_modification(mode, designations, field_names=field_names)
        Employee._edaftar_name_cache.clear()
