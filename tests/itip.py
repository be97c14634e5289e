"""libical's iTIP restriction check (RFC 5546), the judge of every calendar file the bot writes.

libical's Python binding comes from Debian (``gir1.2-ical-3.0`` and ``python3-gi``, installed by
``.ci/run``) and lives in the system's Python, not in the project's virtualenv, so the check runs
``/usr/bin/python3`` on the file's bytes in a subprocess.
"""

import json
import subprocess

import pytest

SYSTEM_PYTHON = "/usr/bin/python3"

CHECK = r"""
import json, sys
import gi
gi.require_version("ICalGLib", "3.0")
from gi.repository import ICalGLib

component = ICalGLib.Component.new_from_string(sys.stdin.read())
errors = []
if component is None:
    errors.append("libical could not parse the file")
else:
    passed = ICalGLib.restriction_check(component)

    def collect(node):
        prop = node.get_first_property(ICalGLib.PropertyKind.XLICERROR_PROPERTY)
        while prop is not None:
            errors.append(prop.get_xlicerror())
            prop = node.get_next_property(ICalGLib.PropertyKind.XLICERROR_PROPERTY)
        child = node.get_first_component(ICalGLib.ComponentKind.ANY_COMPONENT)
        while child is not None:
            collect(child)
            child = node.get_next_component(ICalGLib.ComponentKind.ANY_COMPONENT)

    collect(component)
    if not passed and not errors:
        errors.append("restriction check failed without saying why")
print(json.dumps(errors))
"""

PROBE = 'import gi; gi.require_version("ICalGLib", "3.0"); from gi.repository import ICalGLib'


def _libical_missing() -> str | None:
    try:
        subprocess.run([SYSTEM_PYTHON, "-c", PROBE], check=True, capture_output=True, timeout=30)
    except (OSError, subprocess.CalledProcessError) as error:
        return f"libical for Python is not installed (apt-get install gir1.2-ical-3.0 python3-gi): {error}"
    return None


_MISSING = _libical_missing()
needs_libical = pytest.mark.skipif(_MISSING is not None, reason=_MISSING or "")


def itip_errors(ics: bytes | str) -> list[str]:
    """What libical's iTIP check objects to in ``ics``; empty when the file passes."""
    data = ics if isinstance(ics, bytes) else ics.encode("utf-8")
    done = subprocess.run(
        [SYSTEM_PYTHON, "-c", CHECK], input=data, capture_output=True, check=True, timeout=30
    )
    return json.loads(done.stdout)
