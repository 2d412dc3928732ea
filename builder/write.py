"""The only writer of generated files: atomic, deterministic, never the same path twice.

Pages are written as they are produced (`Output.add`), not gathered first:
at 20,000 articles the rendered pages alone weigh hundreds of megabytes, and
a page held until the end only costs memory. Each file is written to a
temporary name and renamed over the old one, so a reader (or `mkdocs serve`)
never sees half a page, and an interrupted build leaves every page whole,
old or new. Unchanged files are not touched, so MkDocs' watcher only sees
what really changed.

Generated files are listed in a manifest, so files of articles that
disappeared are removed without ever touching the hand-written pages that
share `docs/`. A path this build creates that the last manifest did not list
is first appended to a journal, so a build killed before it wrote its
manifest still lets the next one remove that file once it is stale.

A page can also be given with a key (`add_rendered`): any picklable value
holding everything its text depends on. When the key and the file on disk are
those the last build recorded, the page is not even rendered; the keys live
in the cache folder, salted with the builder's code and templates, so a
change to either renders everything again.
"""

from __future__ import annotations

import contextlib
import copyreg
import dataclasses
import hashlib
import io
import itertools
import json
import marshal
import operator
import os
import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

MANIFEST = ".generated.json"
JOURNAL = ".generated.pending"  # paths created since the manifest was last written
CHUNK = 1 << 16


class DuplicateOutput(ValueError):
    """Two pages want the same path: a bug in the builder, never an input problem."""


@dataclass(frozen=True)
class WriteResult:
    written: tuple[str, ...]
    unchanged: int
    removed: tuple[str, ...]


# path -> (digest of the page's key, size and mtime of the file as last written[, digest of each line])
Entry = tuple


class Output:
    """The generated files of one build, written into `docs_dir` as they come; `close()` ends it."""

    def __init__(self, docs_dir: Path, keys_file: Path | None = None, salt: bytes = b"") -> None:
        self.docs_dir = docs_dir
        docs_dir.mkdir(parents=True, exist_ok=True)
        self._root = str(docs_dir)
        self._folders: set[str] = set()  # folders known to exist: no mkdir per page
        self._fresh: set[str] = set()  # folders this build made: no file in them to compare with or replace
        self._manifest = _read_manifest(docs_dir)
        self._previous = self._manifest | _read_journal(docs_dir)
        self._paths: set[str] = set()
        self._written: list[str] = []
        self._unchanged = 0
        self._journal = None
        self._keys_file = keys_file
        self._salt = salt
        self._old_keys: dict[str, Entry] = _read_keys(keys_file, salt) if keys_file else {}
        self._new_keys: dict[str, Entry] = {}

    # ------------------------------------------------------------ adding pages

    def add(self, path: str, content: str | bytes, key: object = None, digest: bytes | None = None) -> None:
        """Write one file now, unless its bytes are already there; `digest` is the key's, when already made."""
        self._claim(path)
        target = f"{self._root}/{path}"
        data = content.encode("utf-8") if isinstance(content, str) else content
        folder = os.path.dirname(target)
        if folder not in self._folders:
            self._make_folder(folder)
        keep = digest is not None or key is not None  # a key to record with the file's size and mtime
        # A cold build writes into folders it made itself: nothing there to stat or read first.
        written = None if folder in self._fresh else _same_stat(target, data)
        if written is not None:
            self._unchanged += 1
        else:
            self._create(path)
            written = _write_into(folder, target, data, stat=keep)
            self._written.append(path)
        if keep and written is not None:
            self._new_keys[path] = (self._digest(key) if digest is None else digest, *written)

    @property
    def keyed(self) -> bool:
        """Whether page keys are kept (not with `--no-cache`): without them a key need not even be made."""
        return self._keys_file is not None

    def add_rendered(self, path: str, key: object, render: Callable[[], str | bytes]) -> None:
        """`add(path, render())`, skipping `render` when `key` and the file are as the last build left them."""
        if not self.keyed:
            self.add(path, render())
            return
        digest = self._digest(key)
        old = self._old_keys.get(path)
        if old is not None and old[0] == digest and _stat(f"{self._root}/{path}") == old[1:3]:
            self._claim(path)
            self._unchanged += 1
            self._new_keys[path] = old
            return
        self.add(path, render(), digest=digest)

    def add_lines(self, path: str, keys: Sequence[tuple[str, object]], line: Callable[[int], str]) -> None:
        """A file of one line per record (the data catalogue), re-making only the lines whose record changed.

        `keys[i]` is (record id, key of line i); `line(i)` makes line i, ending in a newline.
        Lines of unchanged records are taken from the file the last build wrote, when it is still as written.
        """
        if not self.keyed:
            self.add_stream(path, map(line, range(len(keys))))
            return
        digests = [(rid, self._digest(key)) for rid, key in keys]
        whole = self._digest(digests)
        old = self._old_keys.get(path)
        target = self.docs_dir / path
        stat = _stat(target)
        if old is not None and stat == old[1:3]:
            if old[0] == whole:
                self._claim(path)
                self._unchanged += 1
                self._new_keys[path] = old
                return
            reuse = _old_lines(target, old[3] if len(old) > 3 else ())
        else:
            reuse = {}

        def lines(previous: BinaryIO | None) -> Iterator[str | bytes]:
            for i, (rid, digest) in enumerate(digests):
                kept = reuse.get(rid)
                if previous is not None and kept is not None and kept[0] == digest:
                    previous.seek(kept[1])
                    yield previous.read(kept[2])
                else:
                    yield line(i)

        # The old file stays readable until the new one is renamed over it; only offsets are held.
        with target.open("rb") if reuse else contextlib.nullcontext() as previous:
            self.add_stream(path, lines(previous))
        written = _stat(target)
        if written is not None:
            self._new_keys[path] = (whole, *written, tuple(digests))

    def add_stream(self, path: str, chunks: Iterable[str | bytes]) -> None:
        """A large file (the data catalogue) written piece by piece, never held whole in memory."""
        self._claim(path)
        target = self.docs_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
        try:
            with os.fdopen(fd, "wb", buffering=CHUNK * 16) as handle:  # a write call per megabyte, not per line
                for chunk in chunks:
                    handle.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
            if _same_file(Path(tmp), target):
                Path(tmp).unlink()
                self._unchanged += 1
                return
            self._create(path)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self._written.append(path)

    def __contains__(self, path: str) -> bool:
        return path in self._paths

    def __len__(self) -> int:
        return len(self._paths)

    # ------------------------------------------------------------ the end of a build

    def close(self) -> WriteResult:
        """Remove what the last build generated and this one did not, then record the manifest."""
        if self._journal is not None:
            self._journal.close()
            self._journal = None
        removed = sorted(p for p in self._previous - self._paths if (self.docs_dir / p).is_file())
        for rel in removed:
            (self.docs_dir / rel).unlink()
            _prune_empty_dirs((self.docs_dir / rel).parent, self.docs_dir)
        manifest = json.dumps(sorted(self._paths), ensure_ascii=False, indent=0).encode("utf-8")
        if not _same_bytes(self.docs_dir / MANIFEST, manifest):
            atomic_write(self.docs_dir / MANIFEST, manifest)
        (self.docs_dir / JOURNAL).unlink(missing_ok=True)
        if self._keys_file is not None:
            with contextlib.suppress(OSError):  # a cache that cannot be written only costs time
                payload = pickle.dumps((self._salt, self._new_keys), protocol=pickle.HIGHEST_PROTOCOL)
                atomic_write(self._keys_file, payload)
        return WriteResult(tuple(sorted(self._written)), self._unchanged, tuple(removed))

    # ------------------------------------------------------------ helpers

    def _claim(self, path: str) -> None:
        if path in self._paths:
            raise DuplicateOutput(f"two generated pages want {path}")
        if path.startswith("/") or ".." in path.split("/"):
            raise DuplicateOutput(f"generated path escapes the docs folder: {path}")
        self._paths.add(path)

    def _create(self, path: str) -> None:
        """Journal a path the last manifest does not list, before the file exists."""
        if path in self._previous:
            return
        if self._journal is None:  # unbuffered: each path reaches the file (one write call) before its page does
            self._journal = (self.docs_dir / JOURNAL).open("ab", buffering=0)
        self._journal.write(f"{path}\n".encode())

    def _digest(self, key: object) -> bytes:
        return key_digest(key)

    def _make_folder(self, folder: str) -> None:
        """Make a page's folder once per build, noting whether it is new (`_fresh`)."""
        try:
            os.mkdir(folder)
        except FileExistsError:
            pass
        except FileNotFoundError:  # its parent is missing too: all of them are new
            os.makedirs(folder)
            self._fresh.add(folder)
        else:
            self._fresh.add(folder)
        self._folders.add(folder)


class Digested(bytes):
    """A key already made into its digest by `key_digest`, which gives it back as it is.

    A builder that keeps a page's digest (to add the page again, unchanged,
    in a later build) passes this instead of the key, which then need not be
    serialised again; the digest stored is the key's own.
    """


def key_digest(key: object) -> bytes:
    """A digest of the key's value, never of object identity.

    Keys of plain values (tuples, lists, strings, numbers, bytes: most page
    keys) are serialised by `marshal` at version 0, which has no back-references
    and no interned-string marker, so equal values give equal bytes; it runs
    in C, a few microseconds a key. Other keys (dataclasses) are pickled, in
    the pickler's fast mode: plain pickling writes a back-reference for an
    object met twice, so two equal values with different sharing (fresh from
    extraction, or loaded from the cache) would pickle differently. A leading
    byte keeps the two kinds of bytes apart.
    """
    if type(key) is Digested:
        return bytes(key)
    try:
        data = b"m" + marshal.dumps(key, 0)
    except ValueError:  # not plain values
        buffer = io.BytesIO()
        buffer.write(b"p")
        pickler = _FieldPickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
        pickler.fast = True  # no memo: equal values, equal bytes (our records have no cycles)
        pickler.dump(key)
        data = buffer.getbuffer()
    return hashlib.blake2b(data, digest_size=16).digest()


_FIELDS: dict[type, Callable[[object], tuple] | None] = {}  # dataclass -> its field values, in order
_NAMES: dict[type, tuple[str, ...]] = {}  # dataclass -> its field names, in order


class _FieldPickler(pickle.Pickler):
    def reducer_override(self, obj: object) -> object:
        return _by_fields(obj)


class _StatePickler(pickle.Pickler):
    """A pickler that gives a dataclass's state as a new dict of its fields, not its own `__dict__` (see `_by_fields`).

    The bytes load as the default pickling's do (the object, then its
    attributes), so loading costs the same; only the dumping side changes.
    """

    def reducer_override(self, obj: object) -> object:
        cls = type(obj)
        values = _values_of(cls)
        if values is None:
            return NotImplemented
        return copyreg.__newobj__, (cls,), dict(zip(_NAMES[cls], values(obj), strict=True))


def dumps(value: object) -> bytes:
    """`pickle.dumps` for cache files, leaving no dict on the dataclasses it pickles (see `_by_fields`)."""
    buffer = io.BytesIO()
    _StatePickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return buffer.getvalue()


def _by_fields(obj: object) -> object:
    """A dataclass as its class and field values, never through its `__dict__`.

    Pickling an object the default way asks for its `__dict__`, and Python
    (3.11+) then makes a dict for an object that kept its attributes without
    one, and keeps it: at 20,000 articles, digesting every article's key left
    a dict on each article, block and mention, some 200 MB more than the
    build that digests nothing. The values pickled are the same; only the
    framing differs, so equal values still give equal bytes.
    """
    cls = type(obj)
    values = _values_of(cls)
    if values is None:
        return NotImplemented
    return cls, values(obj)


def _values_of(cls: type) -> Callable[[object], tuple] | None:
    """The field-values getter of a dataclass (None for anything else), made once per class."""
    values = _FIELDS.get(cls, _FIELDS)
    if values is _FIELDS:
        values = _FIELDS[cls] = _field_values(cls)
    return values  # type: ignore[return-value]


def _field_values(cls: type) -> Callable[[object], tuple] | None:
    if not dataclasses.is_dataclass(cls):
        return None
    names = _NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
    if len(names) == 1:
        name = names[0]
        return lambda obj: (getattr(obj, name),)
    return operator.attrgetter(*names) if names else lambda obj: ()


def atomic_write(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    _write_into(str(target.parent), str(target), data)


_TEMP_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)
_temp_numbers = itertools.count()
_pid = os.getpid()  # temporary names' prefix: asked of the kernel once, and again in a forked child


def _forked() -> None:
    global _pid
    _pid = os.getpid()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forked)


def _write_into(folder: str, target: str, data: bytes, stat: bool = False) -> tuple[int, int] | None:
    """`data` into a new temporary file in `folder`, then renamed over `target`; with `stat`, its size and mtime.

    The temporary name is this process's id and a counter rather than
    tempfile's random one: unique all the same (O_EXCL says so, and a clash
    moves on to the next number), without its cost on every page. The mode
    is 0o600, as mkstemp made it. Size and mtime come from the open file
    (renaming keeps them), not from another look-up of the path.
    """
    while True:
        tmp = f"{folder}/.tmp-{_pid}-{next(_temp_numbers)}"
        try:
            fd = os.open(tmp, _TEMP_FLAGS, 0o600)
            break
        except FileExistsError:
            continue
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            st = os.fstat(fd) if stat else None
        finally:
            os.close(fd)
        os.replace(tmp, target)
        return (st.st_size, st.st_mtime_ns) if st is not None else None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _stat(target: Path | str) -> tuple[int, int] | None:
    try:
        st = os.stat(target)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def _old_lines(target: Path, digests: Sequence[tuple[str, bytes]]) -> dict[str, tuple[bytes, int, int]]:
    """Record id -> (digest, offset, length) of its line in the file as the last build wrote it.

    Empty when the file does not have one line per recorded digest.
    """
    found: dict[str, tuple[bytes, int, int]] = {}
    offset = count = 0
    try:
        with target.open("rb") as handle:
            for count, text in enumerate(handle, start=1):
                if count > len(digests):
                    return {}
                rid, digest = digests[count - 1]
                found[rid] = (digest, offset, len(text))
                offset += len(text)
    except OSError:
        return {}
    return found if count == len(digests) else {}


def _same_stat(target: str, data: bytes) -> tuple[int, int] | None:
    """The file's size and mtime when it already holds exactly `data`, else None."""
    try:
        st = os.stat(target)
        if st.st_size != len(data):
            return None
        with open(target, "rb") as handle:
            same = handle.read() == data
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns) if same else None


def _same_bytes(target: Path | str, data: bytes) -> bool:
    try:
        if os.stat(target).st_size != len(data):
            return False
        with open(target, "rb") as handle:
            return handle.read() == data
    except OSError:
        return False


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.stat().st_size != b.stat().st_size:
            return False
        with a.open("rb") as fa, b.open("rb") as fb:
            while True:
                ca, cb = fa.read(CHUNK), fb.read(CHUNK)
                if ca != cb:
                    return False
                if not ca:
                    return True
    except OSError:
        return False


def _read_manifest(docs_dir: Path) -> set[str]:
    try:
        return set(json.loads((docs_dir / MANIFEST).read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return set()


def _read_journal(docs_dir: Path) -> set[str]:
    try:
        return {line for line in (docs_dir / JOURNAL).read_text(encoding="utf-8").splitlines() if line}
    except (OSError, ValueError):
        return set()


def _read_keys(keys_file: Path, salt: bytes) -> dict[str, Entry]:
    try:
        with keys_file.open("rb") as handle:
            stored_salt, keys = pickle.load(handle)
    except (OSError, pickle.PickleError, EOFError, ValueError, TypeError):
        return {}
    return keys if stored_salt == salt and isinstance(keys, dict) else {}


def _prune_empty_dirs(folder: Path, stop: Path) -> None:
    while folder != stop and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
