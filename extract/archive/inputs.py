"""Finding the input files of a batch: folders, zip archives and file lists.

Every input gets a stable key (its path, or ``archive.zip!member``) that the
database uses to tell a finished document from a new one. Folders are walked with
symlinks followed but each real directory visited once, so a symlink loop ends.
Pipes, devices and folders given as files are inputs too: their document rows say
E_UNREADABLE instead of the run blocking on them or reading /dev/zero for ever.
"""

from __future__ import annotations

import os
import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from gongkai.extract.errors import CorruptInput, TooLarge, Unreadable
from gongkai.extract.options import Limits

# Files that are never reports: skip them quietly when walking folders.
_SKIP_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}
_SKIP_SUFFIXES = {".json", ".duckdb", ".wal", ".lock", ".parquet", ".py", ".pyc", ".css", ".js"}


@dataclass(frozen=True)
class InputFile:
    key: str
    """Stable identity: the path, or "archive.zip!member/name.pdf"."""
    path: str
    """The file on disk (the archive for a zip member)."""
    member: str | None
    size: int
    mtime: float


def display_path(path: str | os.PathLike[str]) -> str:
    """A path as text that can be stored and printed: bytes that are not UTF-8 (a GBK name from an
    old archive) become ``\\xNN`` escapes instead of lone surrogates that JSON and DuckDB refuse."""
    s = os.fspath(path)
    try:
        s.encode("utf-8")
        return s
    except UnicodeEncodeError:
        try:
            return s.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        except UnicodeEncodeError:
            return s.encode("utf-8", "backslashreplace").decode("utf-8")


def read_file(path: str | os.PathLike[str], limits: Limits) -> bytes:
    """A regular file's bytes; too-large files are refused before being read.

    Opened non-blocking and checked on the open descriptor, so a named pipe cannot hang the
    read and a link to a device cannot be read without end, even if the path changes meanwhile.
    """
    name = display_path(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise Unreadable(f"{name} does not exist") from None
    except IsADirectoryError:
        raise Unreadable(f"{name} is a folder, not a file") from None
    except OSError as exc:
        raise Unreadable(f"{name} cannot be opened ({exc.strerror})") from None
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        kind = "a folder" if stat.S_ISDIR(st.st_mode) else "a named pipe" if stat.S_ISFIFO(st.st_mode) else (
            "a device or socket")
        raise Unreadable(f"{name} is {kind}, not a file")
    with os.fdopen(fd, "rb") as f:
        if st.st_size > limits.max_file_bytes:
            raise TooLarge(f"{st.st_size} bytes, more than the limit of {limits.max_file_bytes}")
        try:
            data = f.read(limits.max_file_bytes + 1)
        except OSError as exc:
            raise Unreadable(f"{name} cannot be read ({exc.strerror})") from None
    if len(data) > limits.max_file_bytes:
        raise TooLarge(f"the file grew past the limit of {limits.max_file_bytes} bytes while being read")
    return data


def iter_inputs(sources: list[Path], since: float | None = None) -> Iterator[InputFile]:
    """Every candidate file under ``sources``, in a stable order, each once."""
    seen_dirs: set[tuple[int, int]] = set()
    seen_keys: set[str] = set()
    for src in sources:
        for item in _expand(src, seen_dirs):
            if item.key in seen_keys:
                continue
            seen_keys.add(item.key)
            if since is not None and item.mtime < since:
                continue
            yield item


def read_list(list_file: Path) -> list[Path]:
    """A file list: one path per line; blank lines and # comments ignored; relative to the list."""
    out = []
    for line in list_file.read_text("utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            p = Path(line)
            out.append(p if p.is_absolute() else list_file.parent / p)
    return out


def _expand(src: Path, seen_dirs: set[tuple[int, int]]) -> Iterator[InputFile]:
    try:
        st = src.stat()
    except OSError:
        # a missing path is still an input: its document row records the error
        yield InputFile(display_path(src), str(src), None, 0, 0.0)
        return
    if src.is_dir():
        yield from _walk(src, seen_dirs)
    elif _is_zip_archive(src):
        yield from _zip_members(src, st.st_mtime)
    else:
        yield InputFile(display_path(src), str(src), None, st.st_size, st.st_mtime)


def _walk(root: Path, seen_dirs: set[tuple[int, int]]) -> Iterator[InputFile]:
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        try:
            st = os.stat(dirpath)
        except OSError:
            dirnames[:] = []
            continue
        ident = (st.st_dev, st.st_ino)
        if ident in seen_dirs:
            dirnames[:] = []  # a symlink loop or a second link to a visited folder
            continue
        seen_dirs.add(ident)
        dirnames.sort()
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in sorted(filenames):
            if name in _SKIP_NAMES or name.startswith(".") or Path(name).suffix.lower() in _SKIP_SUFFIXES:
                continue
            p = Path(dirpath) / name
            try:
                fst = p.stat()
            except OSError:
                continue  # a dangling link
            if _is_zip_archive(p):
                yield from _zip_members(p, fst.st_mtime)
            else:
                yield InputFile(display_path(p), str(p), None, fst.st_size, fst.st_mtime)


def _is_zip_archive(p: Path) -> bool:
    """A .zip archive of reports (not a .docx/.odt, which are zips too)."""
    if p.suffix.lower() != ".zip" or not p.is_file():  # never open a pipe named .zip
        return False
    try:
        with p.open("rb") as f:
            return f.read(4) == b"PK\x03\x04"
    except OSError:
        return False


def _zip_members(p: Path, mtime: float) -> Iterator[InputFile]:
    try:
        with zipfile.ZipFile(p) as z:
            infos = [i for i in z.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):  # ValueError: a name flagged UTF-8 that is not
        yield InputFile(display_path(p), str(p), None, p.stat().st_size, mtime)  # reported as corrupt
        return
    for info in sorted(infos, key=lambda i: i.filename):
        name = info.filename
        base = name.rsplit("/", 1)[-1]
        if base in _SKIP_NAMES or base.startswith(".") or name.startswith("__MACOSX/"):
            continue
        yield InputFile(f"{display_path(p)}!{name}", str(p), name, info.file_size, mtime)


def load_bytes(item: InputFile, limits: Limits) -> bytes:
    """The input's bytes, refusing oversized files and zip bombs before reading them."""
    if item.member is None:
        return read_file(item.path, limits)
    try:
        with zipfile.ZipFile(item.path) as z:
            info = z.getinfo(item.member)
            if info.file_size > limits.max_file_bytes:
                raise TooLarge(f"zip member of {info.file_size} bytes, more than the limit of {limits.max_file_bytes}")
            with z.open(info) as f:
                data = f.read(limits.max_file_bytes + 1)
            if len(data) > limits.max_file_bytes:
                raise TooLarge("zip member inflates beyond the size limit")
            return data
    except (zipfile.BadZipFile, KeyError, EOFError, OSError, ValueError, NotImplementedError) as exc:
        raise CorruptInput(f"cannot read {item.member} from the archive ({type(exc).__name__})") from None
