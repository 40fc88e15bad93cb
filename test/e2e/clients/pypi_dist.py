"""Builds a tiny pure-Python wheel and sdist with the standard library only.

usage: python pypi_dist.py OUT_DIR '{"name": ..., "version": ..., "requires": [...],
       "requiresPython": ..., "body": ...}'

Metadata-Version 2.1 (accepted by every twine), a correct RECORD (sha256, size) so pip
and uv install the wheel cleanly. Prints {"wheel": path, "sdist": path} as JSON.
"""

import base64
import hashlib
import io
import json
import os
import re
import sys
import tarfile
import zipfile


def main() -> None:
    out_dir, spec = sys.argv[1], json.loads(sys.argv[2])
    name, version = spec["name"], spec["version"]
    module = re.sub(r"[-_.]+", "_", name).lower()
    dist = re.sub(r"[-_.]+", "_", name).lower()
    lines = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}", f"Summary: {name} for e2e tests"]
    if spec.get("requiresPython"):
        lines.append(f"Requires-Python: {spec['requiresPython']}")
    lines += [f"Requires-Dist: {r}" for r in spec.get("requires", [])]
    metadata = "\n".join(lines) + "\n\n" + f"{name} {version}\n"
    body = spec.get("body") or f'VERSION = "{version}"\n'
    dist_info = f"{dist}-{version}.dist-info"
    files = {
        f"{module}/__init__.py": body.encode(),
        f"{dist_info}/METADATA": metadata.encode(),
        f"{dist_info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: pypi_dist.py\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        f"{dist_info}/top_level.txt": f"{module}\n".encode(),
    }
    record = io.StringIO()
    for path, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.write(f"{path},sha256={digest},{len(data)}\n")
    record.write(f"{dist_info}/RECORD,,\n")
    files[f"{dist_info}/RECORD"] = record.getvalue().encode()

    wheel = os.path.join(out_dir, f"{dist}-{version}-py3-none-any.whl")
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in files.items():
            archive.writestr(zipfile.ZipInfo(path, date_time=(2024, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)

    root = f"{dist.lower()}-{version}"
    sdist = os.path.join(out_dir, f"{root}.tar.gz")
    requires = ", ".join(json.dumps(r) for r in spec.get("requires", []))
    setup = f"from setuptools import setup\nsetup(name={name!r}, version={version!r}, packages=[{module!r}], install_requires=[{requires}])\n"
    members = {f"{root}/PKG-INFO": metadata.encode(), f"{root}/setup.py": setup.encode(), f"{root}/{module}/__init__.py": body.encode()}
    with tarfile.open(sdist, "w:gz", format=tarfile.PAX_FORMAT) as archive:
        for path, data in members.items():
            info = tarfile.TarInfo(path)
            info.size = len(data)
            info.mtime = 1704067200
            archive.addfile(info, io.BytesIO(data))
    print(json.dumps({"wheel": wheel, "sdist": sdist}))


if __name__ == "__main__":
    main()
