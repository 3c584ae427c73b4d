"""Many prompts at once through a local transformers model: left-padded batches, greedy decoding.

On a GPU this is what makes an evaluation of a thousand questions take a minute instead of an
hour; on a CPU a batch of one is as fast as anything.

Example:
    >>> batches_by_length([[1, 2, 3], [1], [1, 2]], batch_size=2)
    [[1, 2], [0]]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from nl2sql.models.base import Generation, Generator, Message


def batches_by_length(token_lists: Sequence[Sequence[int]], batch_size: int) -> list[list[int]]:
    """Indices grouped into batches of similar length (shortest first), so padding stays small."""
    order = sorted(range(len(token_lists)), key=lambda i: len(token_lists[i]))
    return [order[start : start + batch_size] for start in range(0, len(order), batch_size)]


def generate_many(
    generator: Generator,
    prompts: Sequence[list[Message]],
    *,
    max_new_tokens: int = 256,
    batch_size: int = 32,
    progress: Any = None,
    temperature: float = 0.0,
    seed: int = 0,
    schemas: Sequence[Any] | None = None,
) -> list[Generation]:
    """Answers to ``prompts`` in their order; batched when ``generator`` is a local transformers model.

    Args:
        progress: a tqdm-like object whose ``update(n)`` is called as answers arrive.
        temperature: 0 for greedy decoding; above 0 samples (reproducibly for ``seed``).
        schemas: one schema per prompt, to constrain table and column names (:mod:`nl2sql.constrain`).
    """
    model = getattr(generator, "model", None)
    tokenizer = getattr(generator, "tokenizer", None)
    if model is None or tokenizer is None or batch_size <= 1:
        results = []
        for index, messages in enumerate(prompts):
            constraint = {"schema": schemas[index]} if schemas else {}
            results.append(
                generator.generate(
                    messages, max_new_tokens=max_new_tokens, temperature=temperature, seed=seed, **constraint
                )
            )
            if progress is not None:
                progress.update(1)
        return results
    sampling = {"do_sample": True, "temperature": temperature, "top_p": 0.95} if temperature > 0 else {}
    if sampling:
        import torch

        torch.manual_seed(seed)
    return _batched(
        generator, model, tokenizer, prompts, max_new_tokens, batch_size, progress, sampling, schemas
    )


def _constraint(schemas: Sequence[Any] | None, batch: list[int], tokenizer: Any, width: int) -> Any:
    if not schemas:
        return None
    from nl2sql.constrain import SchemaLogitsProcessor

    return [SchemaLogitsProcessor([schemas[i] for i in batch], tokenizer, width)]


class ClosedCodeBlock:
    """Stops each sequence once its answer holds a closed Markdown code block: the SQL is complete
    and whatever prose a model adds after it is not worth generating."""

    def __init__(self, tokenizer: Any, prompt_width: int) -> None:
        self.tokenizer = tokenizer
        self.prompt_width = prompt_width

    def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
        import torch

        texts = self.tokenizer.batch_decode(input_ids[:, self.prompt_width :], skip_special_tokens=True)
        return torch.tensor([text.count("```") >= 2 for text in texts], device=input_ids.device)


def _batched(
    generator: Any,
    model: Any,
    tokenizer: Any,
    prompts: Sequence[list[Message]],
    max_new_tokens: int,
    batch_size: int,
    progress: Any,
    sampling: dict[str, Any],
    schemas: Sequence[Any] | None,
) -> list[Generation]:
    import torch

    encoded = [tokenizer.apply_chat_template(m, add_generation_prompt=True, tokenize=True) for m in prompts]
    encoded = [e["input_ids"] if isinstance(e, dict) or hasattr(e, "keys") else e for e in encoded]
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    device = next(model.parameters()).device
    config = getattr(generator, "_generation_config", None)
    results: list[Generation | None] = [None] * len(prompts)
    for batch in batches_by_length(encoded, batch_size):
        width = max(len(encoded[i]) for i in batch)
        ids = torch.full((len(batch), width), pad, dtype=torch.long)
        mask = torch.zeros((len(batch), width), dtype=torch.long)
        for row, index in enumerate(batch):
            tokens = encoded[index]
            ids[row, width - len(tokens) :] = torch.tensor(tokens)
            mask[row, width - len(tokens) :] = 1
        with torch.inference_mode():
            output = model.generate(
                input_ids=ids.to(device),
                attention_mask=mask.to(device),
                generation_config=config,
                max_new_tokens=max_new_tokens,
                stopping_criteria=[ClosedCodeBlock(tokenizer, width)],
                logits_processor=_constraint(schemas, batch, tokenizer, width),
                **sampling,
            )
        for row, index in enumerate(batch):
            new = output[row, width:].tolist()
            ended = [t for t in new if t != pad]
            text = tokenizer.decode(ended, skip_special_tokens=True)
            results[index] = Generation(
                text=text.strip(), prompt_tokens=len(encoded[index]), output_tokens=len(ended)
            )
        if progress is not None:
            progress.update(len(batch))
    return [r for r in results if r is not None]
