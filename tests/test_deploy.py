# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The deployment files: docker-compose.yml and the trytond configurations.

No Docker engine runs here, so the compose file is only validated and
resolved with `docker-compose config` (Debian's docker-compose, installed by
scripts/setup --compose).
"""
import configparser
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / 'config'
PG_CONFIG = CONFIG / 'trytond-postgresql.conf'
SERVICES = {'postgres', 'trytond', 'worker', 'cron'}
TRYTOND_SERVICES = SERVICES - {'postgres'}
# The compose file refuses to resolve without an admin password.
ENV = {**os.environ, 'EDAFTAR_ADMIN_PASSWORD': 'test-password'}


def read_config(path):
    parser = configparser.ConfigParser(interpolation=None)
    assert parser.read(path) == [str(path)]
    return parser


def test_sqlite_config():
    config = read_config(CONFIG / 'trytond.conf')
    assert config.get('database', 'uri') == 'sqlite://'


def test_postgresql_config():
    sqlite = read_config(CONFIG / 'trytond.conf')
    config = read_config(PG_CONFIG)
    # Left to TRYTOND_* environment variables, which the file would override.
    assert not config.has_option('database', 'uri')
    assert not config.has_option('database', 'path')
    assert not config.has_option('web', 'root')
    # Cache invalidation through LISTEN/NOTIFY, at once in every process.
    assert config.getint('cache', 'clean_timeout') == 0
    assert config.getboolean('bus', 'allow_subscribe')
    assert config.getboolean('queue', 'worker')
    assert dict(config['cache']) == {
        **dict(sqlite['cache']), 'clean_timeout': '0'}
    assert config.getint('session', 'timeout') == sqlite.getint(
        'session', 'timeout')
    assert config.getboolean('attachment', 'filestore')


@pytest.fixture(scope='module')
def compose():
    "The resolved docker-compose.yml as a dictionary"
    docker_compose = shutil.which('docker-compose')
    if not docker_compose:
        pytest.skip("docker-compose is missing (scripts/setup --compose)")
    result = subprocess.run(
        [docker_compose, '-f', 'docker-compose.yml', 'config'],
        cwd=ROOT, env=ENV, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    # docker-compose v1 prints YAML only; the Python that runs it has PyYAML.
    with open(docker_compose) as script:
        python = script.readline().removeprefix('#!').split()
    result = subprocess.run([*python, '-c',
            'import json, sys, yaml; '
            'json.dump(yaml.safe_load(sys.stdin), sys.stdout)'],
        input=result.stdout, capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def test_compose_services(compose):
    services = compose['services']
    assert set(services) == SERVICES
    assert services['postgres']['image'].startswith('postgres:15')
    assert {'pgdata', 'filestore'} <= set(compose['volumes'])
    images = {services[s]['image'] for s in TRYTOND_SERVICES}
    assert len(images) == 1, "one image for every trytond service"


@pytest.mark.parametrize('name', sorted(TRYTOND_SERVICES))
def test_compose_trytond_service(compose, name):
    service = compose['services'][name]
    env = service['environment']
    assert env['TRYTOND_CONFIG'] == '/etc/trytond.conf'
    assert env['TRYTOND_DATABASE__URI'].startswith('postgresql://')
    assert '@postgres:5432' in env['TRYTOND_DATABASE__URI']
    mounts = {}
    for volume in service['volumes']:
        source, target, *_ = volume.split(':')
        mounts[target] = source
    assert Path(mounts['/etc/trytond.conf']) == PG_CONFIG
    assert mounts[env['TRYTOND_DATABASE__PATH']] == 'filestore'
    command = ' '.join(service['command'])
    if name == 'trytond':
        assert 'trytond-admin' in command
        assert 'trytond.application:app' in command
        assert 'gunicorn' in command
    else:
        assert f'trytond-{name}' in command and '-d edaftar' in command


def test_compose_trytond_command_is_valid_shell(compose):
    *_, script = compose['services']['trytond']['command']
    # docker-compose config keeps $$ (a literal $ for the container).
    script = script.replace('$$', '$')
    subprocess.run(['sh', '-n', '-c', script], check=True)
