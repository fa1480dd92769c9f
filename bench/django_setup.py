"""Every benchmark runs as `python bench/<name>.py` from the project root: put the project on the
path and set Django up, once, here (import this module before any Django model)."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bkk1555.settings")

import django  # noqa: E402

django.setup()
