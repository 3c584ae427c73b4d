"""Write a peft LoRA adapter as a GGUF LoRA file, the form llama.cpp applies at load time.

Tensors keep their peft shapes (A: rank × in, B: out × rank); only their names change to llama.cpp's
(``blk.3.attn_q.weight.lora_a``). The file is written once per adapter (keyed by the adapter's sha256)
into the model cache.

Example:
    >>> gguf_tensor_name("base_model.model.model.layers.3.self_attn.q_proj.lora_A.weight")
    'blk.3.attn_q.weight.lora_a'
    >>> gguf_tensor_name("base_model.model.model.layers.0.mlp.down_proj.lora_B.weight")
    'blk.0.ffn_down.weight.lora_b'
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

from nl2sql.errors import ModelUnavailableError
from nl2sql.paths import cache_dir

MODULE_NAMES = {
    "self_attn.q_proj": "attn_q",
    "self_attn.k_proj": "attn_k",
    "self_attn.v_proj": "attn_v",
    "self_attn.o_proj": "attn_output",
    "mlp.gate_proj": "ffn_gate",
    "mlp.up_proj": "ffn_up",
    "mlp.down_proj": "ffn_down",
}
"""peft module path inside a decoder layer → llama.cpp tensor name (Llama/Qwen2 family)."""

_PEFT_NAME = re.compile(r"layers\.(\d+)\.(.+)\.lora_([AB])\.weight$")


def gguf_tensor_name(peft_name: str) -> str:
    """llama.cpp's name for one peft LoRA tensor; ValueError for a module llama.cpp does not know."""
    match = _PEFT_NAME.search(peft_name)
    if not match or match.group(2) not in MODULE_NAMES:
        raise ValueError(f"cannot map LoRA tensor {peft_name} to llama.cpp")
    layer, module, side = match.groups()
    return f"blk.{layer}.{MODULE_NAMES[module]}.weight.lora_{side.lower()}"


def lora_gguf_path(adapter: str | Path, adapter_sha256: str, architecture: str = "qwen2") -> Path:
    """The GGUF form of ``adapter``, converted on first use and cached by its sha256."""
    target = cache_dir() / "adapters" / f"{adapter_sha256[:16]}.lora.gguf"
    if target.is_file():
        return target
    try:
        import gguf
        from safetensors.torch import load_file
    except ImportError as error:
        raise ModelUnavailableError(
            "converting a LoRA adapter needs gguf and safetensors: pip install 'chatbi[model]'"
        ) from error
    folder = Path(adapter).expanduser()
    config = json.loads((folder / "adapter_config.json").read_text(encoding="utf-8"))
    tensors = load_file(str(folder / "adapter_model.safetensors"))
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    os.close(handle)
    try:
        writer = gguf.GGUFWriter(temp_name, arch=architecture)
        writer.add_string(gguf.Keys.General.TYPE, "adapter")
        writer.add_string(gguf.Keys.Adapter.TYPE, "lora")
        writer.add_float32(gguf.Keys.Adapter.LORA_ALPHA, float(config["lora_alpha"]))
        for name, value in sorted(tensors.items()):
            writer.add_tensor(gguf_tensor_name(name), value.float().numpy())
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_tensors_to_file()
        writer.close()
        os.replace(temp_name, target)
    finally:
        Path(temp_name).unlink(missing_ok=True)
    return target
