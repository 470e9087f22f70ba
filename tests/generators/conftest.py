"""Make ``import generators`` mean the project's package here, not this test directory.

pytest puts ``tests/`` on ``sys.path`` (for ``tests/conftest.py``), where ``generators`` names this
directory as a namespace package; the editable install's import hook comes too late to win.
Putting the project root on the path lets the regular package take precedence.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[2])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
for name in [m for m in sys.modules if m == "generators" or m.startswith("generators.")]:
    if getattr(sys.modules[name], "__file__", None) is None:
        del sys.modules[name]

# The golden files include generated conftest.py and test modules: data here, never collected.
collect_ignore_glob = ["golden/*"]
