# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"Open311 GeoReport v2 (see doc/open311.rst)"
