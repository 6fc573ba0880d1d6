"""Imported first by ``factories``: a project's own ``contracts`` first on ``sys.path`` is said in one line
(``_shadowing``), before the package's imports fail on it with a message that names neither."""

from __future__ import annotations

from factories._shadowing import check_importable

check_importable("contracts")
