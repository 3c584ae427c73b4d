"""The panel's Chinese labels as JupyterLab serves them: a real Jupyter Server with JupyterLab's server
extension answers ``GET /lab/api/translations/zh_CN`` with the ``chatbi_jupyterlab`` domain's catalogue.

JupyterLab finds an extension's catalogue through the ``jupyterlab.locale`` entry point (the package
holding ``locale/<language>/LC_MESSAGES/<domain>.json``), but serves it only for a language whose
JupyterLab language pack is installed: ``chatbi-jupyterlab`` depends on ``jupyterlab-language-pack-zh-CN``
for that. That every label of the panel's source has an entry is checked by ``npm test``
(``src/__tests__/locale.spec.ts``).
"""

from __future__ import annotations

import asyncio
import json
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("chatbi_jupyterlab", reason="the extension is not installed: pip install -e extension")
pytest.importorskip("jupyterlab", reason="JupyterLab is not installed: pip install -e '.[notebook]'")
pytest.importorskip("pytest_jupyter", reason="pytest-jupyter is not installed: pip install -e '.[dev]'")

import chatbi_jupyterlab

# pytest-jupyter's server fixtures, for this module only (as in test_server_extension.py).
from pytest_jupyter.jupyter_server import *  # noqa: F403
from traitlets.config import Config

DOMAIN = "chatbi_jupyterlab"
CATALOGUE = Path(chatbi_jupyterlab.__file__).parent / "locale" / "zh_CN" / "LC_MESSAGES" / f"{DOMAIN}.json"


@pytest.fixture
def jp_server_config() -> Config:
    """JupyterLab's server extension, which owns the translations API."""
    return Config({"ServerApp": {"jpserver_extensions": {"jupyterlab": True}}})


@pytest.fixture
def get(jp_fetch: Any, jp_asyncio_loop: asyncio.AbstractEventLoop) -> Any:
    """``GET`` a path of the test server, its JSON body back."""

    def fetch(*parts: str) -> Any:
        response = jp_asyncio_loop.run_until_complete(jp_fetch(*parts, method="GET"))
        assert response.code == 200, response.body
        return json.loads(response.body)

    return fetch


def test_the_package_declares_its_catalogue_to_jupyterlab() -> None:
    declared = {point.name: point.value for point in entry_points(group="jupyterlab.locale")}
    assert declared.get(DOMAIN) == "chatbi_jupyterlab", (
        "the jupyterlab.locale entry point is missing: reinstall the extension (pip install -e extension)"
    )
    assert CATALOGUE.is_file()


def test_the_chinese_language_pack_is_installed(get: Any) -> None:
    """Without it JupyterLab serves no extension's zh_CN catalogue and offers no Chinese in its menu."""
    languages = get("lab", "api", "translations")
    assert "zh_CN" in languages["data"], languages


def test_the_server_serves_the_panels_chinese_labels(get: Any) -> None:
    served = get("lab", "api", "translations", "zh_CN")
    assert served["message"] == ""
    labels = served["data"][DOMAIN]
    assert labels[""]["language"] == "zh-CN"
    assert labels["Open ChatBI Panel"] == ["打开 ChatBI 面板"]
    assert labels["rows %1–%2 of %3"] == ["第 %1–%2 行，共 %3 行"]
    assert labels == json.loads(CATALOGUE.read_text(encoding="utf-8"))
    # JupyterLab's own labels come with them, from the language pack
    assert served["data"]["jupyterlab"][""]["language"] == "zh-CN"
