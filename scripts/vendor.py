"""Copy the served parts of the pinned front-end packages from node_modules into static/vendor/."""
from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
VENDOR = ROOT / "static" / "vendor"

COPIES = [
    ("dkfds/dist/css", "dkfds/css"),
    ("dkfds/dist/js", "dkfds/js"),
    ("dkfds/dist/img", "dkfds/img"),
    ("dkfds/dist/fonts/IBMPlexSans/complete/woff", "dkfds/fonts/IBMPlexSans/complete/woff"),
    ("dkfds/dist/fonts/IBMPlexSans/complete/woff2", "dkfds/fonts/IBMPlexSans/complete/woff2"),
    ("htmx.org/dist/htmx.min.js", "htmx/htmx.min.js"),
]


def main() -> None:
    if VENDOR.exists():
        shutil.rmtree(VENDOR)
    for source, target in COPIES:
        src, dst = NODE / source, VENDOR / target
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst)
        else:
            shutil.copy2(src, dst)
    print(f"vendor assets copied to {VENDOR.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
