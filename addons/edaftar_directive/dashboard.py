# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The CM's and the CS's dashboards: the models their panels list.

A dashboard is a board as My Desk is; sao lists a board's panel without
its action's domain, so each panel names itself in its context
(`edaftar_desk_panel`) and edaftar_dak's PanelSearchRPC adds the domain
of the panel's action (dashboard.xml) where the client's search enters
the server."""
from trytond.modules.edaftar_dak.desk import DeskPanelMixin
from trytond.pool import PoolMeta

# The panels of the dashboards by name: the XML id of the action whose
# model and domain say what the panel lists.
DASHBOARD_PANELS = {
    f'{issuer}_{panel}': f'edaftar_directive.act_{issuer}_dashboard_{panel}'
    for issuer in ['cm', 'cs']
    for panel in ['open', 'replied', 'graph', 'ranking']}


class DashboardPanelMixin(DeskPanelMixin):
    __slots__ = ()

    @classmethod
    def desk_panels(cls):
        return {**super().desk_panels(), **DASHBOARD_PANELS}


class DirectiveLine(DashboardPanelMixin, metaclass=PoolMeta):
    __name__ = 'edaftar.directive.line'


class Compliance(DashboardPanelMixin, metaclass=PoolMeta):
    __name__ = 'edaftar.directive.compliance'
