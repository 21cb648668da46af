# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A Summary for the Chief Minister decided in the sao web client.

The database, the server and the browser are test_browser's fixtures (its
cached demo database, copied for this module alone). The summary is drafted,
sent, vetted and approved up to the Chief Secretary over XML-RPC by the demo
people themselves (proteus), as their clients would; the Chief Secretary
then decides it in the browser, and the server is asked what was recorded.
"""
import contextlib
import re
import time

import pytest
from proteus import Model
from proteus.config import set_xmlrpc_session

from test_browser import (  # noqa: F401 (fixtures)
    ARTIFACTS, DB, PASSWORD, TIMEOUT, PlaywrightTimeoutError, browser,
    database, expect, login, open_menu, page, row, server)

SUBJECT = "Upgrading the Central Registry of S&GAD to e-Daftar"
BODY = ("1. The Central Registry diarises about 300 receipts a day on "
    "paper.\n2. It is proposed to move it to e-Daftar by 1 July.")
COMMENTS = "Finance concurs: the cost is met from the IT budget of 2026-27."
CS_REMARKS = "Recommended. May kindly be approved."


@contextlib.contextmanager
def rpc(server, login):
    "A proteus configuration logged in over XML-RPC as the demo user login"
    with set_xmlrpc_session(
            f'{server}{DB}/rpc/', username=login, password=PASSWORD) as config:
        yield config


def decide(server, login, summary_id, button, remarks=None):
    with rpc(server, login) as config:
        summary = Model.get('edaftar.summary', config=config)(summary_id)
        if remarks:
            summary.remarks = remarks
            summary.save()
        summary.click(button)


@pytest.fixture(scope='module')
def summary_at_cs(server):
    """A summary of S&GAD's General Administration section approved by the
    Additional Secretary and the Secretary, Finance consulted and
    concurring: it awaits the Chief Secretary. Return its id."""
    with rpc(server, 'so.sgad') as config:
        Summary = Model.get('edaftar.summary', config=config)
        summary = Summary(subject=SUBJECT, body=BODY)
        summary.save()
        summary.click('send')
        summary_id = summary.id
    decide(server, 'addlsec.sgad', summary_id, 'approve', "Recommended.")
    with rpc(server, 'secretary.sgad') as config:
        Unit = Model.get('edaftar.org.unit', config=config)
        Vetting = Model.get('edaftar.summary.vetting', config=config)
        finance, = Unit.find([
                ('code', '=', 'FIN'), ('parent.code', '=', 'GOB')])
        Vetting(summary=summary_id, department=finance).save()
    decide(server, 'secretary.sgad', summary_id, 'approve',
        "Recommended for approval.")
    with rpc(server, 'secretary.fin') as config:
        Vetting = Model.get('edaftar.summary.vetting', config=config)
        vetting, = Vetting.find([('summary', '=', summary_id)])
        vetting.comments = COMMENTS
        vetting.save()
        vetting.click('reply')
    with rpc(server, 'chief.secretary') as config:
        Summary = Model.get('edaftar.summary', config=config)
        awaiting = Summary.find([('awaiting_me', '=', True)])
        assert summary_id in [s.id for s in awaiting]
    return summary_id


def steps(server, summary_id):
    "The route of the summary as the Chief Secretary reads it"
    with rpc(server, 'chief.secretary') as config:
        Summary = Model.get('edaftar.summary', config=config)
        summary = Summary(summary_id)
        return summary.state, [{
                'role': s.role,
                'approver': s.approver.rec_name,
                'decision': s.decision,
                'current': s.current,
                'remarks': s.remarks,
                'decided_by': s.decided_by.rec_name if s.decided_by else None,
                } for s in summary.steps]


def test_chief_secretary_approves_summary(page, server, summary_at_cs):
    """The Chief Secretary finds the summary awaiting him, reads Finance's
    view, writes his remarks and approves: his step is recorded and the
    Chief Minister's is current"""
    expect.set_options(timeout=TIMEOUT)
    errors = []
    page.on('pageerror', lambda error: errors.append(error))
    login(page, server, 'chief.secretary')
    tab = open_menu(
        page, 'e-Daftar', 'Summaries & Notes', 'Summaries for the CM')
    awaiting = tab.locator('.nav-tabs li', has_text='Awaiting Me')
    awaiting.click()
    expect(awaiting).to_have_class(re.compile(r'\bactive\b'))
    summary = row(tab, SUBJECT)
    expect(summary).to_be_visible()
    page.wait_for_load_state('networkidle')
    summary.locator(f'div.column-char[title="{SUBJECT}"]').click()
    expect(summary.locator('input[type=checkbox]')).to_be_checked()
    tab.locator('button#switch_').first.click()
    number = tab.locator('.form-char input:visible').first
    try:
        number.wait_for()
    except PlaywrightTimeoutError:
        pytest.fail(f"the summary's form did not open; page errors: {errors}")
    expect(number).to_have_value(re.compile(r'^SGAD-SUM-\d{4}-\d{4}$'))

    tab.get_by_role('tab', name='Vettings').click()
    expect(tab.get_by_text(COMMENTS)).to_be_visible()

    tab.get_by_role('tab', name='Decision').click()
    remarks = tab.locator('textarea:visible').first
    expect(remarks).to_be_editable()
    remarks.fill(CS_REMARKS)
    page.screenshot(path=ARTIFACTS / 'summary-chief-secretary.png')
    tab.get_by_role('button', name='Approve').filter(visible=True).click()

    # The button saves the remarks, then approves: wait for the server.
    deadline = time.monotonic() + TIMEOUT / 1000
    while True:
        state, route = steps(server, summary_at_cs)
        if route[2]['decision'] != 'pending' or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert state == 'sent'
    assert [(s['role'], s['decision'], s['current']) for s in route] == [
        ('Wing Head', 'approved', False),
        ('Department Head', 'approved', False),
        ('Chief Secretary', 'approved', False),
        ('Chief Minister', 'pending', True),
        ]
    cs_step, cm_step = route[2], route[3]
    assert cs_step['remarks'] == CS_REMARKS
    assert cs_step['decided_by'] == cs_step['approver'] == (
        'Dr. Farooq Ahmed Kakar (Chief Secretary)')
    assert cm_step['approver'] == 'Mir Dostain Khan Rind (Chief Minister)'
    page.wait_for_load_state('networkidle')
    page.screenshot(path=ARTIFACTS / 'summary-chief-secretary-approved.png')
    assert not errors, errors
