# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The officer's desk: the landing board, its panels, and what is pending
where, for heads' statistics"""
from lxml import etree
from sql import Literal, Null
from sql.aggregate import Count, Sum
from sql.conditionals import Case

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import PYSONDecoder
from trytond.rpc import RPC
from trytond.transaction import Transaction, without_check_access

# The context key a panel of a board (My Desk, a module's dashboard) puts
# in its action's context, and My Desk's panels by that key: the XML id of
# the action whose model and domain say what the panel lists. Other
# modules add their panels with DeskPanelMixin.desk_panels.
DESK_PANEL = 'edaftar_desk_panel'
DESK_PANELS = {
    'priority': 'act_desk_priority',
    'files': 'act_desk_files',
    'flags': 'act_desk_flags',
    }


class UnitStatistics(ModelSQL, ModelView):
    "Open receipts held in each unit: pending, urgent and overdue"
    __name__ = 'edaftar.dak.unit_statistics'
    __string__ = "Dak Statistics by Unit"

    unit = fields.Many2One('edaftar.org.unit', "Unit", readonly=True)
    pending = fields.Integer("Pending", readonly=True)
    urgent = fields.Integer("Urgent or Immediate", readonly=True)
    overdue = fields.Integer("Overdue", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('pending', 'DESC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Receipt = pool.get('edaftar.receipt')
        Date = pool.get('ir.date')
        receipt = Receipt.__table__()
        today = Date.today()
        open_ = receipt.state.in_(['registered', 'in_process', 'actioned'])

        def count_if(condition):
            return Sum(Case((condition, Literal(1)), else_=Literal(0)))
        return receipt.select(
            receipt.holder_unit.as_('id'),
            receipt.holder_unit.as_('unit'),
            Count(receipt.id).as_('pending'),
            count_if(receipt.priority != 'normal').as_('urgent'),
            count_if((receipt.due_date != Null)
                & (receipt.due_date < today)).as_('overdue'),
            where=open_ & (receipt.holder_unit != Null),
            group_by=[receipt.holder_unit])


class PanelSearchRPC(RPC):
    """The RPC of search, search_count and search_read on a model listed
    by a desk panel: the panel named in the client's context adds its
    domain to the client's.

    sao 8.0 builds a board panel's list without the action's domain (it
    passes only the context), so a panel would list every record the user
    may read. The domain is added here, where a client's call enters the
    server, so that it narrows what the client lists and nothing that the
    server searches for itself in the same request."""
    __slots__ = ()

    @classmethod
    def of(cls, rpc):
        "Return a copy of rpc of this class"
        new = cls.__new__(cls)
        for name in RPC.__slots__:
            setattr(new, name, getattr(rpc, name))
        return new

    def convert(self, obj, *args, **kwargs):
        args, kwargs, context, timestamp = super().convert(
            obj, *args, **kwargs)
        panel = context.get(DESK_PANEL)
        if panel is not None:
            domain = obj.desk_panel_domain(panel, context)
            if 'domain' in kwargs:
                kwargs['domain'] = [domain, kwargs['domain'] or []]
            elif args:
                args[0] = [domain, args[0] or []]
        return args, kwargs, context, timestamp


class DeskPanelMixin:
    "A model listed by a panel of a board: My Desk or a module's dashboard"
    __slots__ = ()

    @classmethod
    def __setup__(cls):
        super().__setup__()
        for name in ['search', 'search_count', 'search_read']:
            cls.__rpc__[name] = PanelSearchRPC.of(cls.__rpc__[name])

    @classmethod
    def desk_panels(cls):
        """Return the panels that may list the model: {panel name: XML id
        of its action as 'module.id'}; a module with a board of its own
        extends it with its panels"""
        return {name: f'edaftar_dak.{xml_id}'
            for name, xml_id in DESK_PANELS.items()}

    @classmethod
    def desk_panel_domain(cls, panel, context):
        """Return the domain of the desk panel named panel, evaluated in
        context; an empty domain if it is not a panel of this model"""
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Action = pool.get('ir.action.act_window')
        panels = cls.desk_panels()
        if not isinstance(panel, str) or panel not in panels:
            return []
        module, fs_id = panels[panel].split('.', 1)
        with without_check_access():
            action = Action(ModelData.get_id(module, fs_id))
            if action.res_model != cls.__name__:
                return []
            return PYSONDecoder({
                    **context,
                    'context': context,
                    '_user': Transaction().user,
                    }).decode(action.domain or '[]')


class Receipt(DeskPanelMixin, metaclass=PoolMeta):
    __name__ = 'edaftar.receipt'


class File(DeskPanelMixin, metaclass=PoolMeta):
    __name__ = 'edaftar.file'


class Flag(DeskPanelMixin, metaclass=PoolMeta):
    __name__ = 'edaftar.flag'


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    @classmethod
    def _get_preferences(cls, user, context_only=False):
        """Staff with no login actions of their own land on My Desk, as
        Tryton puts the configuration wizard before the administrator"""
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Action = pool.get('ir.action')
        preferences = super()._get_preferences(
            user, context_only=context_only)
        if 'actions' in preferences and not preferences['actions']:
            with Transaction().set_user(user.id):
                groups = cls.get_groups()
            if ModelData.get_id('edaftar_base', 'group_staff') in groups:
                preferences['actions'] = [Action.get_action_id(
                        ModelData.get_id('edaftar_dak', 'act_desk'))]
        return preferences


class View(metaclass=PoolMeta):
    """Boards that other modules add panels to.

    trytond extends a view by an inheriting view of the same model, and a
    board has no model: a module that adds panels to a board (My Desk, a
    dashboard) lists them in `board_panels` instead, and they are added
    where the board's architecture is served."""
    __name__ = 'ir.ui.view'

    @classmethod
    def board_panels(cls):
        """Return {XML id of a board view ('module.id'): [(XML id of an
        action, position)]}: each action goes after the board's position-th
        action (0: first)"""
        return {}

    def view_get(self, model=None):
        result = super().view_get(model=model)
        if self.real_type != 'board' or not self.board_panels():
            return result
        ModelData = Pool().get('ir.model.data')
        panels = []
        for xml_id, actions in self.board_panels().items():
            module, fs_id = xml_id.split('.')
            try:
                view_id = ModelData.get_id(module, fs_id)
            except KeyError:
                # The board's module is not activated.
                continue
            if view_id == self.id:
                panels.extend(actions)
        if not panels:
            return result
        tree = etree.fromstring(result['arch'])
        existing = tree.findall('action')
        for name, position in reversed(panels):
            action = etree.Element('action', name=name)
            if position < len(existing):
                existing[position].addnext(action)
            else:
                tree.append(action)
        return {**result,
            'arch': etree.tostring(tree, encoding='utf-8').decode()}
