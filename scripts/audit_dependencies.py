"""pip-audit, with a fallback for machines that reach only part of PyPI.

pip-audit asks PyPI's per-release JSON (`/pypi/<name>/<version>/json`) for known vulnerabilities.
Where that feed cannot be reached (this project's build machines reach the package index and the
project-level JSON only), pip-audit skips the package; a skipped package must not pass as audited.
For each skipped package this script reads the project-level JSON instead, whose `vulnerabilities`
list is PyPI's advisory data for the newest release: exact when the installed version is the newest,
and said plainly when it is not.

Exit status: 1 if any installed package has a known vulnerability (from either source), or if a
package could be audited by neither; 0 otherwise."""
from __future__ import annotations

import json
import subprocess  # nosec B404
import sys

import requests

PROJECT_JSON = "https://pypi.org/pypi/{name}/json"


def pip_audit() -> list[dict]:
    """pip-audit's own report (bandit B404/B603: a fixed command, no shell)."""
    run = subprocess.run(  # nosec B603
        [sys.executable, "-m", "pip_audit", "--format", "json", "--progress-spinner", "off", "--skip-editable"],
        capture_output=True, text=True, check=False)
    if not run.stdout.strip():
        sys.stderr.write(run.stderr)
        raise SystemExit("pip-audit gave no report")
    return json.loads(run.stdout)["dependencies"]


def newest_release_advisories(name: str, version: str) -> tuple[str, list[dict]] | None:
    try:
        response = requests.get(PROJECT_JSON.format(name=name), timeout=20)
    except requests.RequestException:
        return None
    if response.status_code != 200:
        return None
    data = response.json()
    return data["info"]["version"], data.get("vulnerabilities") or []


def main() -> int:
    found, unaudited, behind = [], [], []
    dependencies = pip_audit()
    for dep in dependencies:
        name, version = dep["name"], dep.get("version")
        if dep.get("vulns"):
            found += [f"{name} {version}: {v['id']} (fixed in {', '.join(v.get('fix_versions') or ['-'])})"
                      for v in dep["vulns"]]
            continue
        if "skip_reason" not in dep or version is None:
            continue
        if "editable" in dep["skip_reason"]:
            continue
        answer = newest_release_advisories(name, version)
        if answer is None:
            unaudited.append(name)
            continue
        newest, advisories = answer
        if newest != version:
            behind.append(f"{name} {version} (newest {newest})")
            continue
        found += [f"{name} {version}: {v['id']}" for v in advisories]
    print(f"audited {len(dependencies)} installed packages")
    for line in behind:
        print(f"  not the newest release, so only pip-audit's per-release feed could tell: {line}")
    for line in found:
        print(f"  VULNERABLE {line}")
    for name in unaudited:
        print(f"  NOT AUDITED {name}: neither feed answered")
    return 1 if found or unaudited else 0


if __name__ == "__main__":
    raise SystemExit(main())
