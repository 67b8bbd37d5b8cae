"""The package build's one extra step: the browser viewer's bundle (three.js and
src/nnvox/viewer/web/js, by esbuild) written into the package before its files are collected, so
wheels ship it; it is not committed. `make setup` builds it too, and rebuilds it when the sources change."""

import shutil
import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).parent
BUNDLE = ROOT / "src/nnvox/viewer/web/static/viewer.js"


class BuildWithViewer(build_py):
    def run(self):
        if not BUNDLE.exists() and (ROOT / "package.json").exists():
            npm = shutil.which("npm")
            if npm is None:
                self.warn("npm not found: the browser viewer's bundle is not built (nnvox export x.html will say so)")
            else:
                if not (ROOT / "node_modules").exists():
                    subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=ROOT, check=True)
                subprocess.run([npm, "run", "build"], cwd=ROOT, check=True)
        super().run()


setup(cmdclass={"build_py": BuildWithViewer})
