"""The layout rule, read from the source: the core (nl2sql, explain, feedback) imports nothing
Jupyter-facing, and the notebook side (chatbi_jupyterlab.notebook) never imports the server side.

The only Jupyter import the core keeps is ``%load_ext nl2sql``'s alias, inside the function IPython calls.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE = ("nl2sql", "explain", "feedback")
JUPYTER = ("ipywidgets", "IPython", "jupyter_server", "chatbi_jupyterlab")
ALIAS = {("nl2sql/__init__.py", "chatbi_jupyterlab.notebook"), ("nl2sql/__init__.py", "IPython.core.error")}
"""(file, module) pairs allowed inside a function: ``nl2sql.load_ipython_extension``."""
NOTEBOOK = ROOT / "extension" / "chatbi_jupyterlab" / "notebook"


def imports(path: Path) -> Iterator[tuple[str, bool]]:
    """Each module ``path`` imports, and whether the import runs when the module loads (not inside a
    function). Relative imports are resolved against the file's package.

    Example:
        >>> sorted(imports(ROOT / "nl2sql" / "__init__.py"))[:2]
        [('IPython.core.error', False), ('chatbi_jupyterlab.notebook', False)]
    """
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    package = package.removeprefix("extension.")

    def walk(node: ast.AST, at_load: bool) -> Iterator[tuple[str, bool]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                yield from ((alias.name, at_load) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = ".".join(package.split(".")[: len(package.split(".")) - child.level + 1])
                module = child.module or ""
                yield (f"{base}.{module}".strip(".") if child.level else module), at_load
            yield from walk(child, at_load and not isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef))

    yield from walk(ast.parse(path.read_text(encoding="utf-8"), str(path)), True)


def _within(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == name or module.startswith(name + ".") for name in packages)


def _core_files() -> list[Path]:
    return sorted(path for package in CORE for path in (ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("path", _core_files(), ids=lambda path: str(path.relative_to(ROOT)))
def test_the_core_imports_nothing_jupyter_facing(path: Path) -> None:
    name = str(path.relative_to(ROOT))
    found = [
        (module, "at load" if at_load else "in a function")
        for module, at_load in imports(path)
        if _within(module, JUPYTER) and (at_load or (name, module) not in ALIAS)
    ]
    assert found == [], f"{name} imports Jupyter-facing code; it belongs in extension/chatbi_jupyterlab"


def test_the_notebook_side_never_imports_the_server_side() -> None:
    found = {
        (path.name, module)
        for path in sorted(NOTEBOOK.rglob("*.py"))
        for module, _ in imports(path)
        if _within(module, ("chatbi_jupyterlab", "jupyter_server", "tornado"))
        and not _within(module, ("chatbi_jupyterlab.notebook",))
    }
    assert found == set()


def test_the_rule_is_read_from_real_imports() -> None:
    """The checks above would pass on an empty list: they must see the imports that are there."""
    assert ("chatbi_jupyterlab.notebook", False) in set(imports(ROOT / "nl2sql" / "__init__.py"))
    assert ("ipywidgets", True) in set(imports(NOTEBOOK / "answer_view.py"))
    assert ("chatbi_jupyterlab.notebook.session", True) in set(imports(NOTEBOOK / "magic.py"))
    assert len(_core_files()) > 100
