"""The GitHub workflows: what they run, and that actionlint finds nothing wrong in them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def actionlint() -> str:
    """The binary the pinned dev requirement installs next to this Python; never skipped when missing."""
    here = Path(sys.executable).parent / "actionlint"
    found = str(here) if here.exists() else shutil.which("actionlint")
    assert found, "actionlint is missing: pip install -r requirements-dev.txt"
    return found


def lint(*files: Path) -> subprocess.CompletedProcess[str]:
    cmd = [actionlint(), "-no-color", "-oneline", "-shellcheck=", "-pyflakes=", *map(str, files)]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)


def test_workflows_pass_actionlint():
    assert WORKFLOWS
    done = lint(*WORKFLOWS)
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_really_checks(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.event.pull_request.title }}\n",
        encoding="utf-8",
    )
    done = lint(bad)
    assert done.returncode == 1 and "potentially untrusted" in done.stdout


def steps_of(job: dict) -> list[str]:
    return [step.get("run", "") for step in job["steps"]]


def test_pull_requests_check_and_test_and_main_builds_the_site():
    ci = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8"))
    triggers = ci[True]  # YAML 1.1 reads the key `on` as true
    assert "pull_request" in triggers and triggers["push"]["branches"] == ["main"]
    jobs = ci["jobs"]
    assert jobs["check"]["if"] == "github.event_name == 'pull_request'"
    assert steps_of(jobs["check"])[-2:] == ["make check", "make test"]
    assert jobs["site"]["if"] == "github.event_name == 'push'"
    assert "make site" in steps_of(jobs["site"])
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "\t$(BIN)/python -m builder check\n" in makefile.split("\ncheck:", 1)[1].split("\n\n", 1)[0] + "\n"
    site_recipe = makefile.split("\nsite:", 1)[1].split("\n\n", 1)[0]
    assert site_recipe.index("-m builder build") < site_recipe.index("mkdocs build")  # a failing build stops it
