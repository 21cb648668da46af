# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from . import routes  # noqa: F401 (HTTP routes register on import)
