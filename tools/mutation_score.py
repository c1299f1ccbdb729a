"""Print the mutation score of the money and seat core from mutmut 3's results (`make mutate`).

Reads `mutants/**/*.py.meta` (what `mutmut run` wrote) and tools/mutation_accepted.toml, the
survivors we accept, each with a kind and a reason:
- `message`: the mutant changes only the text of an error or log message;
- `equivalent`: the mutant behaves exactly as the original (the reason says why);
- `postgresql`: the mutant only differs under concurrent transactions, which SQLite (one
  writer at a time) cannot produce; the reason names the PostgreSQL test that covers it.

Score = killed / (killed + survived + no tests), over behaviour-changing mutants, i.e. with
the accepted survivors left out of both sides. A timeout counts as killed (the mutant hung a
test). Exit status 1 when the score is under --fail-under, when a mutant was not checked, or
when an accepted entry no longer survives (stale: drop it).

    python tools/mutation_score.py                # table, per file and overall
    python tools/mutation_score.py --survivors    # and each unaccepted survivor's diff
    python tools/mutation_score.py --names        # just their names (for `mutmut run NAME…`)
"""

import argparse
import difflib
import json
import re
import sys
import tomllib
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ACCEPTED = ROOT / "tools" / "mutation_accepted.toml"
STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", None: "unchecked"}
TIMEOUTS = {24, -24, 36, 152, 255}
KINDS = ("message", "equivalent", "postgresql")


def load_results(mutants: Path) -> dict[str, str]:
    results = {}
    for meta in sorted(mutants.rglob("*.py.meta")):
        for name, code in json.loads(meta.read_text())["exit_code_by_key"].items():
            results[name] = "killed" if code in TIMEOUTS else STATUS.get(code, "suspicious")
    return results


def load_accepted() -> dict[str, dict]:
    if not ACCEPTED.exists():
        return {}
    accepted = tomllib.loads(ACCEPTED.read_text())["accepted"]
    for name, entry in accepted.items():
        if entry.get("kind") not in KINDS or not entry.get("reason"):
            raise SystemExit(
                f"{ACCEPTED.name}: {name} needs a kind ({', '.join(KINDS)}) and a reason"
            )
    return accepted


def module_of(name: str) -> str:
    return name.split(".x_", 1)[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mutants", type=Path, default=ROOT / "mutants")
    parser.add_argument("--fail-under", type=float, default=90.0)
    parser.add_argument("--survivors", action="store_true", help="show unaccepted survivors")
    parser.add_argument("--names", action="store_true", help="print unaccepted survivors' names")
    args = parser.parse_args()

    results = load_results(args.mutants)
    if not results:
        print("No mutmut results: run `make mutate` first.")
        return 1
    accepted = load_accepted()
    per_file: dict[str, Counter] = defaultdict(Counter)
    open_survivors, stale = [], []
    for name, status in results.items():
        counts = per_file[module_of(name)]
        if name in accepted:
            if status == "survived":
                counts["accepted " + accepted[name]["kind"]] += 1
                continue
            stale.append(name)
        counts[status] += 1
        if status in ("survived", "no tests", "suspicious"):
            open_survivors.append(name)
    if args.names:
        print(" ".join(open_survivors))
        return 0

    header = (
        f"{'module':36} {'killed':>6} {'surv.':>6} {'none':>5} "
        f"{'msg':>4} {'eq.':>4} {'pg':>4} {'score':>7}"
    )
    print(header)
    total: Counter = Counter()
    for module in sorted(per_file):
        counts = per_file[module]
        total.update(counts)
        print(_row(module.replace(".services.", "."), counts))
    print("-" * len(header))
    print(_row("overall", total))
    unchecked = total["unchecked"]
    if unchecked:
        print(f"{unchecked} mutant(s) not checked yet: the score is incomplete.")
    for name in stale:
        print(f"stale accepted entry (no longer survives): {name}")
    if args.survivors:
        for name in open_survivors:
            print(f"\n{name} ({results[name]})", *mutant_diff(args.mutants, name), sep="\n  ")
    score = _score(total)
    return 0 if score >= args.fail_under and not unchecked and not stale else 1


def mutant_diff(mutants: Path, name: str) -> list[str]:
    """The lines a mutant changes, read from mutmut's trampolined copy of the module."""
    module, function = name.split(".x_", 1)
    source = (mutants / (module.replace(".", "/") + ".py")).read_text()
    original = _function_text(source, "x_" + function.rsplit("__mutmut_", 1)[0] + "__mutmut_orig")
    mutant = _function_text(source, "x_" + function)
    return [
        line
        for line in difflib.ndiff(original, mutant)
        if line[:2] in ("- ", "+ ") and line[2:].strip()
    ]


def _function_text(source: str, function: str) -> list[str]:
    match = re.search(rf"^def {re.escape(function)}\(.*?(?=^[^\s)])", source, re.M | re.S)
    return match.group(0).replace(function, "…", 1).splitlines() if match else []


def _score(counts: Counter) -> float:
    tried = counts["killed"] + counts["survived"] + counts["no tests"] + counts["suspicious"]
    return 100.0 * counts["killed"] / tried if tried else 100.0


def _row(label: str, counts: Counter) -> str:
    return (
        f"{label:36} {counts['killed']:6} {counts['survived'] + counts['suspicious']:6} "
        f"{counts['no tests']:5} {counts['accepted message']:4} "
        f"{counts['accepted equivalent']:4} {counts['accepted postgresql']:4} "
        f"{_score(counts):6.1f}%"
    )


if __name__ == "__main__":
    sys.exit(main())
