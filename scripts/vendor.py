"""Build the static assets: copy the pinned front-end packages from node_modules into static/vendor/,
subset the fonts, give every asset a content-hashed name, and precompress the text ones.

- Fonts: DKFDS ships the complete IBM Plex Sans (about 60 KB a weight). The portal's pages are in
  Danish and English, so each woff2 is cut to Latin (Basic, Latin-1, Extended-A) and common
  punctuation: about a third of the size, nothing a Danish or English page uses is lost.
- Hashed names (`name.<hash>.ext`, beside the original so relative URLs keep working; url()s in CSS
  are rewritten to the hashed fonts): such a file never changes, so browsers keep it a year
  (`immutable`) and a repeat visit downloads only the page. static/manifest.json maps names.
- Precompressed .gz and .br files, which WhiteNoise serves to browsers that accept them."""
from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
STATIC = ROOT / "static"
VENDOR = STATIC / "vendor"
MANIFEST = STATIC / "manifest.json"

COPIES = [
    ("dkfds/dist/css", "dkfds/css"),
    ("dkfds/dist/js", "dkfds/js"),
    ("dkfds/dist/img", "dkfds/img"),
    ("dkfds/dist/fonts/IBMPlexSans/complete/woff", "dkfds/fonts/IBMPlexSans/complete/woff"),
    ("dkfds/dist/fonts/IBMPlexSans/complete/woff2", "dkfds/fonts/IBMPlexSans/complete/woff2"),
    ("htmx.org/dist/htmx.min.js", "htmx/htmx.min.js"),
]
# Basic Latin, Latin-1 (æ ø å é ü), Latin Extended-A, general punctuation (– — ‘ ’ “ ” …), € and ™.
UNICODES = "U+0000-017F,U+2000-206F,U+20AC,U+2122,U+2190-2193"
HASHED = re.compile(r"\.[0-9a-f]{12}\.\w+$")
# What pages link to, and what their CSS reaches (fonts and images); maps are not served.
SERVED = ("*.css", "*.js", "*.woff2", "*.woff", "*.svg", "*.png", "*.ico")
URL_IN_CSS = re.compile(r"url\((['\"]?)([^'\")]+)\1\)")


def copy_vendor() -> None:
    if VENDOR.exists():
        shutil.rmtree(VENDOR)
    for source, target in COPIES:
        src, dst = NODE / source, VENDOR / target
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst)
        else:
            shutil.copy2(src, dst)


def subset_fonts() -> None:
    from fontTools import subset

    for font in sorted((VENDOR / "dkfds/fonts").rglob("*.woff2")):
        subset.main([str(font), f"--unicodes={UNICODES}", f"--output-file={font}", "--flavor=woff2",
                     "--layout-features=*", "--no-hinting"])


def _hashed_name(path: Path, content: bytes) -> Path:
    digest = hashlib.sha256(content).hexdigest()[:12]
    return path.with_name(f"{path.stem}.{digest}{path.suffix}")


def hash_assets() -> dict[str, str]:
    """Fonts and images first, then CSS (its url()s rewritten to their hashed names), then JS."""
    for old in STATIC.rglob("*"):
        if old.is_file() and HASHED.search(old.name):
            old.unlink()
    files = sorted(p for pattern in SERVED for p in STATIC.rglob(pattern) if not HASHED.search(p.name))
    manifest: dict[str, str] = {}
    for path in sorted(files, key=lambda p: {".css": 1, ".js": 2}.get(p.suffix, 0)):
        content = path.read_bytes()
        if path.suffix == ".css":
            def rewrite(match, base=path.parent):
                target = match.group(2)
                if target.startswith(("data:", "http:", "https:", "/", "#")):
                    return match.group(0)
                clean = target.split("?")[0].split("#")[0]
                key = (base / clean).resolve().relative_to(STATIC.resolve()).as_posix()
                if key not in manifest:
                    return match.group(0)
                hashed = Path(manifest[key]).name
                return f"url({Path(clean).parent.as_posix()}/{hashed})".replace("url(./", "url(")
            content = URL_IN_CSS.sub(rewrite, content.decode()).encode()
        hashed = _hashed_name(path, content)
        hashed.write_bytes(content)
        manifest[path.relative_to(STATIC).as_posix()] = hashed.relative_to(STATIC).as_posix()
    MANIFEST.write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return manifest


def compress() -> None:
    from whitenoise.compress import Compressor

    compressor = Compressor(quiet=True)
    for path in STATIC.rglob("*"):
        if path.is_file() and HASHED.search(path.name) and compressor.should_compress(str(path)):
            for _ in compressor.compress(str(path)):
                pass


def main() -> None:
    copy_vendor()
    subset_fonts()
    manifest = hash_assets()
    compress()
    print(f"assets built: {len(manifest)} hashed files in {STATIC.relative_to(ROOT)}/, manifest.json")


if __name__ == "__main__":
    main()
