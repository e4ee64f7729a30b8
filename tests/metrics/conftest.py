"""Makes the tiny-dataset builder (metrics_builders.py) importable by these tests.

pytest runs with --import-mode=importlib, which does not put test folders on
sys.path; the builder is a plain module so tests can import its functions.
"""

import sys
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)
