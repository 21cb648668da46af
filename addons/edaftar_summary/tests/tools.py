# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"Fixtures of the summary tests"

from proteus import Model
from trytond.modules.edaftar_base.tests.tools import (  # noqa: F401
    message_pattern, message_text)
from trytond.modules.edaftar_base.tests.tools import Actor as BaseActor

__all__ = ['Actor', 'message_text', 'message_pattern']

SUMMARY = 'edaftar.summary'
NOTE = 'edaftar.cs_note'
VETTING = 'edaftar.summary.vetting'
# A paper's text when none is given
DEFAULT = object()


class Actor(BaseActor):
    "Act through proteus as the people of the small government"

    def paper(self, login, subject, body=DEFAULT, model=SUMMARY,
            send=True):
        "Write (and send) a paper as login; return its id"
        Paper = Model.get(model, config=self.config)
        self.login(login)
        paper = Paper(subject=subject,
            body=body if body is not DEFAULT else f"The text of {subject}.")
        paper.save()
        if send:
            paper.click('send')
        return paper.id

    def click(self, login, model, record_id, button, remarks=None):
        "Click button as login, the remarks written first"
        if remarks is not None:
            Record = Model.get(model, config=self.config)
            self.login(login)
            record = Record(record_id)
            record.remarks = remarks
            record.save()
        super().click(login, model, record_id, button)

    def decide(self, logins, record_id, model=SUMMARY):
        "Approve the paper at each step, as each of logins in turn"
        for login in logins:
            self.click(login, model, record_id, 'approve',
                remarks=f"Approved by {login}.")

    def vetting(self, login, summary_id, code='FIN'):
        "Ask the department of code to vet the summary as login"
        Vetting = Model.get(VETTING, config=self.config)
        Summary = Model.get(SUMMARY, config=self.config)
        Unit = Model.get('edaftar.org.unit', config=self.config)
        self.login(login)
        vetting = Vetting(
            summary=Summary(summary_id), department=Unit(self.unit(code)))
        vetting.save()
        return vetting.id

    def steps(self, model, paper_id):
        "The (decision, approver login, current) of a paper's steps"
        Paper = Model.get(model, config=self.config)
        with self.as_admin():
            return [(s.decision,
                    s.approver.user.login if s.approver else None,
                    bool(s.current))
                for s in Paper(paper_id).steps]
