"""What `make serve` makes an editor wait for: an edit until its page is served, in a live `mkdocs serve --dirty`.

`bench.serve_rebuild` times the builder alone; this times the whole loop. It
copies a project (SRC: a checkout) into WORK with the seeds of SEEDS and no
annotations, starts `mkdocs serve --dirty` there, then twice: changes one
seed (a sentence appended to a paragraph, as `bench.__main__.change_one_seed`)
or writes one annotation, and polls the article's URL until the change is
served. MkDocs answers a page only once its build has ended (Pagefind
included), so that time is the build's. It prints, per edit: seconds until
served, the builder's wall and CPU seconds (from the hook's log line), the
MkDocs process's CPU seconds (Pagefind, a child process, not counted) and how
many builds the edit caused, as JSON.

    python -m bench.serve_live SRC SEEDS WORK PORT [mkdocs serve options]
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

NOTE = "ملاحظة للقياس رقم ٦٧٨٩."
SENTENCE = "وأضاف المتحدث أن التحقيق مستمر ١٢٣٤٥."
SKIP = shutil.ignore_patterns(
    ".cache", "site", "node_modules", ".venv", "__pycache__", ".git", "bench", "tests", "fuzz"
)


class Server:
    """`mkdocs serve --dirty` in a project, its log lines timestamped as they come."""

    def __init__(self, project: Path, port: int, options: list[str]) -> None:
        self.port = port
        mkdocs = str(Path(sys.executable).parent / "mkdocs")
        self.proc = subprocess.Popen(
            [mkdocs, "serve", "--dirty", "-a", f"127.0.0.1:{port}", *options],
            cwd=project,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            encoding="utf-8",
            errors="replace",
        )
        self.lines: list[tuple[float, str]] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append((time.perf_counter(), line.rstrip()))

    def cpu(self) -> float:
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def since(self, start: float, pattern: str) -> list[tuple[float, str]]:
        return [(t, line) for t, line in list(self.lines) if t >= start and re.search(pattern, line)]

    def wait(self, test, timeout: float = 1800) -> float:
        end = time.perf_counter() + timeout
        while time.perf_counter() < end:
            if test():
                return time.perf_counter()
            if self.proc.poll() is not None:
                sys.exit("mkdocs stopped:\n" + "\n".join(line for _, line in self.lines[-30:]))
            time.sleep(0.2)
        sys.exit("timed out")

    def page(self, url: str) -> str:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/{url}", timeout=30) as response:
                return response.read().decode("utf-8")
        except OSError:
            return ""

    def idle(self, start: float) -> None:
        """Until every build started since `start` has ended, and none started for 4 s."""

        def quiet() -> bool:
            starts = self.since(start, "Building documentation")
            ends = self.since(start, "Documentation built in")
            return len(ends) >= len(starts) and time.perf_counter() - max((t for t, _ in ends), default=start) > 4

        self.wait(quiet)


def changed_article(docs: Path, marker: str, after: float) -> str | None:
    """The id of the article page the builder wrote with `marker` in it, if it has yet."""
    for entry in os.scandir(docs / "articles"):
        if entry.stat().st_mtime >= after and marker in Path(entry.path).read_text(encoding="utf-8"):
            return entry.name.removesuffix(".md")
    return None


def measure(server: Server, docs: Path, edit, marker: str, article: str | None) -> dict[str, object]:
    start, cpu, wall = time.perf_counter(), server.cpu(), time.time() - 1
    edit()
    found = [article]

    def written() -> bool:  # the page the builder rewrote with the marker, when not known beforehand
        found[0] = found[0] or changed_article(docs, marker, wall)
        return found[0] is not None

    server.wait(written)
    served = server.wait(lambda: marker in server.page(f"articles/{found[0]}/"))
    server.idle(start)
    result: dict[str, object] = {"served_s": round(served - start, 2), "mkdocs_cpu_s": round(server.cpu() - cpu, 2)}
    for _, line in server.since(start, r"archive builder: .*wall ([\d.]+) s, cpu ([\d.]+) s")[:1]:
        m = re.search(r"wall ([\d.]+) s, cpu ([\d.]+) s", line)
        assert m is not None
        result["builder_wall_s"], result["builder_cpu_s"] = float(m[1]), float(m[2])
    result["builds"] = len(server.since(start, "Building documentation"))
    built = server.since(start, r"Documentation built in ([\d.]+) seconds")
    result["mkdocs_build_s"] = [float(re.search(r"in ([\d.]+) sec", line)[1]) for _, line in built]  # type: ignore[index]
    return result


def main(argv: list[str]) -> int:
    source, seeds, work, port = Path(argv[0]), Path(argv[1]), Path(argv[2]), int(argv[3])
    project = work / "project"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(source, project, ignore=SKIP, symlinks=True)
    if (source / "node_modules").exists():
        os.symlink((source / "node_modules").resolve(), project / "node_modules")
    shutil.rmtree(project / "seeds")
    shutil.copytree(seeds, project / "seeds")
    for note in (project / "annotations").glob("*.yml"):
        note.unlink()
    docs = project / "docs"
    started = time.perf_counter()
    server = Server(project, port, argv[4:])
    try:
        server.wait(lambda: bool(server.since(0, "Serving on")))
        results: dict[str, object] = {"first_build_s": round(time.perf_counter() - started, 1)}
        server.idle(started)

        files = sorted((project / "seeds").glob("*.txt"))
        seed = files[len(files) // 2]
        lines = seed.read_text(encoding="utf-8").split("\n")
        at = next((i for i, line in enumerate(lines) if len(line) > 80 and line.endswith(".")), len(lines) - 1)
        lines[at] += " " + SENTENCE
        text = "\n".join(lines)
        results["one_seed"] = measure(server, docs, lambda: seed.write_text(text, "utf-8"), SENTENCE, None)

        first = json.loads((docs / "data" / "articles.jsonl").open(encoding="utf-8").readline())
        quote = json.dumps(" ".join(first["paragraphs"][0].split()[:5]), ensure_ascii=False)
        body = (
            f"article: {first['id']}\nnotes:\n  - quote: {quote}\n    kind: context\n"
            f"    text: {json.dumps(NOTE, ensure_ascii=False)}\n    author: bench\n"
        )
        note = project / "annotations" / f"{first['id']}.yml"
        results["one_annotation"] = measure(server, docs, lambda: note.write_text(body, "utf-8"), NOTE, first["id"])
    finally:
        server.proc.terminate()
        server.proc.wait(60)
    print(json.dumps(results, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
