"""This package's import names (``contracts``, ``factories``, ``mockserver``) against a project's own.

The three folders are the package's import names, fixed by its design; a project with a module of
one of those names either shadows the package (Python finds the project's first) or is shadowed by
it (the pytest plugin imported the package's first). Either is said in one line, with the ways out.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

NAMES = ("contracts", "factories", "mockserver")
HOME = Path(__file__).resolve().parents[1]  # where the three packages sit side by side
LEAVE_OUT = "leave this plugin out with -p no:callback_contracts -p no:callback_contracts_server"
# Folders a project's own modules are never in.
_SKIPPED = frozenset({"node_modules", "site-packages", "__pycache__", "build", "dist"})


def _ours(origin: str | os.PathLike[str]) -> bool:
    return Path(origin).resolve() in {HOME / name / "__init__.py" for name in NAMES}


def check_importable(*names: str) -> None:
    """Raise ImportError in one line if ``import name`` would find a module that is not this package's."""
    for name in names:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.origin and not _ours(spec.origin):
            raise ImportError(
                f"callback-contracts: your module {name!r} ({spec.origin}) shadows this package's {name!r}, "
                "which its pytest plugin needs: rename your module, put its folder after this package on "
                f"sys.path (pytest, unlike python -m pytest, leaves the current folder off), or {LEAVE_OUT}",
                name=name,
                path=spec.origin,
            )


def shadowed(roots: Iterable[Path], depth: int = 2) -> Iterator[Path]:
    """A project's modules named as this package's, in ``roots`` and their folders ``depth`` deep,
    that pytest's default import mode would put on ``sys.path`` (their folder has no ``__init__.py``)."""
    seen: set[Path] = set()
    for root in roots:
        for folder in _folders(root.resolve(), depth):
            if folder in seen or (folder / "__init__.py").exists():
                continue
            seen.add(folder)
            for name in NAMES:
                for module in (folder / f"{name}.py", folder / name / "__init__.py"):
                    if module.is_file() and not _ours(module):
                        yield module


def _folders(root: Path, depth: int) -> Iterator[Path]:
    yield root
    if depth == 0:
        return
    try:
        children = sorted(root.iterdir())
    except OSError:
        return
    for child in children:
        if (
            child.is_dir()
            and not child.name.startswith(".")
            and child.name not in _SKIPPED
            and not (child / "pyvenv.cfg").exists()
        ):
            yield from _folders(child, depth - 1)


def advice(module: Path, root: Path) -> str:
    """The one line for a project's ``module`` that this package shadows once its plugin is loaded."""
    name = module.parent.name if module.name == "__init__.py" else module.stem
    try:
        shown = module.relative_to(root)
    except ValueError:
        shown = module
    return (
        f"callback-contracts: your {shown} is shadowed by this package's {name!r} (its pytest plugin "
        f"imported it first), so `import {name}` gives this package's: rename your module, import it "
        f"by its package path with --import-mode=importlib, or {LEAVE_OUT}"
    )
