"""The fake-fix guard's precision and recall on the labelled set (testing/fakefix_set.py).

    .venv/bin/python bench/guard_accuracy.py                 # 100 originals, 800 queries
    .venv/bin/python bench/guard_accuracy.py --originals 40

Runs in a throwaway test database (SQLite in memory unless DATABASE_URL says otherwise);
figures in docs/benchmarks.md, floors in complaints/tests/test_guard_accuracy.py.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bkk1555.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from testing.fakefix_set import NEGATIVE_KINDS, POSITIVE_KINDS, evaluate  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--originals", type=int, default=100)
    parser.add_argument("--first-seed", type=int, default=1)
    args = parser.parse_args()
    setup_test_environment()
    old = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        t0 = time.perf_counter()
        score = evaluate(args.originals, first_seed=args.first_seed)
        print(f"{args.originals} originals, {sum(score.total.values())} queries, {time.perf_counter() - t0:.0f} s")
        for kind in POSITIVE_KINDS + NEGATIVE_KINDS:
            print(f"  {kind:16s} flagged {score.flagged[kind]:4d}/{score.total[kind]:<4d} ({score.rate(kind):.1%})")
        print(f"  copies matched to the wrong original: {score.wrong_original}")
        print(f"recall {score.recall:.1%}")
        print(f"precision vs unrelated scenes {score.precision():.1%}")
        print(f"precision vs unrelated + same-site re-shots {score.precision(NEGATIVE_KINDS):.1%}")
    finally:
        connection.creation.destroy_test_db(old, verbosity=0)


if __name__ == "__main__":
    main()
