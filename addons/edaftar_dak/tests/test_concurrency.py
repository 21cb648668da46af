# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Concurrent clerks and officers on PostgreSQL, through JSON-RPC against a
real trytond server."""
import re
import threading
import unittest

from trytond import backend
from trytond.config import get as config_get
from trytond.modules.edaftar_base.tests.tools import (
    PASSWORD, JsonRpc, RPCError, setup_government, trytond_server)
from trytond.tests.test_tryton import DB_NAME, drop_db
from trytond.tests.tools import activate_modules


def run_together(calls):
    """Run the callables at the same moment, one thread each; return their
    results or the RPCError they raised, in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        try:
            results[i] = call()
        except RPCError as error:
            results[i] = error
    threads = [threading.Thread(target=run, args=(i, c))
        for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results


@unittest.skipUnless(backend.name == 'postgresql', "needs PostgreSQL")
class ConcurrencyTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_modules('edaftar_dak', setup_government)
        cls.server = trytond_server(config_get('database', 'uri'), DB_NAME)
        cls.url = cls.server.__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)
        drop_db()
        super().tearDownClass()

    def client(self, login):
        rpc = JsonRpc(self.url, DB_NAME)
        rpc.login(login, PASSWORD)
        return rpc

    def test_parallel_registrations(self):
        "20 clerks register at once: 20 distinct, consecutive numbers"
        clerks = [self.client('registrar.sgad') for _ in range(20)]
        ids = [c.model('edaftar.receipt', 'create', [{
                        'sender_name': "Sender", 'subject': f"Letter {i}"}])[0]
            for i, c in enumerate(clerks)]
        results = run_together([
                (lambda c=c, i=i: c.model('edaftar.receipt', 'register', [i]))
                for c, i in zip(clerks, ids)])
        self.assertEqual(
            [r for r in results if isinstance(r, RPCError)], [])
        numbers = [r['number'] for r in clerks[0].model(
                'edaftar.receipt', 'read', ids, ['number'])]
        sequence = sorted(int(re.search(r'(\d+)$', n).group(1))
            for n in numbers)
        self.assertEqual(len(set(numbers)), 20)
        self.assertEqual(sequence, list(range(sequence[0], sequence[0] + 20)))

    def test_two_holders_forward_at_once(self):
        """The Secretary and his PS forward the same receipt at the same
        moment: one move is made, the other is told, nothing is lost"""
        clerk = self.client('registrar.sgad')
        receipt_id, = clerk.model('edaftar.receipt', 'create', [{
                    'sender_name': "Sender", 'subject': "Contested"}])
        clerk.model('edaftar.receipt', 'register', [receipt_id])
        employees = {e['user.']['login']: e['id'] for e in clerk.model(
                'company.employee', 'search_read',
                [('user.login', 'in', [
                            'secretary.sgad', 'as.admin', 'as.regs'])],
                0, None, None, ['user.login'])}
        clerk.model('edaftar.movement', 'create', [{
                    'document': f'edaftar.receipt,{receipt_id}',
                    'action': 'mark',
                    'to_employee': employees['secretary.sgad']}])

        secretary = self.client('secretary.sgad')
        ps = self.client('ps.sgad')
        results = run_together([
                lambda: secretary.model('edaftar.movement', 'create', [{
                            'document': f'edaftar.receipt,{receipt_id}',
                            'action': 'forward',
                            'to_employee': employees['as.admin']}]),
                lambda: ps.model('edaftar.movement', 'create', [{
                            'document': f'edaftar.receipt,{receipt_id}',
                            'action': 'forward',
                            'to_employee': employees['as.regs']}]),
                ])
        errors = [r for r in results if isinstance(r, RPCError)]
        self.assertEqual(len(errors), 1, results)
        self.assertEqual(errors[0].args[0], 'UserError')
        self.assertIn('You do not hold', errors[0].args[1][0])

        forwards = clerk.model('edaftar.movement', 'search_read', [
                ('receipt', '=', receipt_id), ('action', '=', 'forward')],
            0, None, None, ['to_employee'])
        self.assertEqual(len(forwards), 1)
        receipt, = clerk.model(
            'edaftar.receipt', 'read', [receipt_id], ['holder'])
        self.assertEqual(receipt['holder'], forwards[0]['to_employee'])


