"""A model behind an OpenAI-compatible HTTP server (llama.cpp's ``llama_cpp.server``, vLLM, Ollama...).

Only the standard library is used: one JSON POST to ``{base_url}/chat/completions`` per question.

Example:
    >>> generator = OpenAIHTTPGenerator("http://127.0.0.1:8000/v1", "qwen2.5-coder-0.5b")
    >>> generator.model_id
    'server:qwen2.5-coder-0.5b'
    >>> generator.adapter_hash is None
    True
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from nl2sql.errors import ModelUnavailableError
from nl2sql.models.base import Generation, Message, TokenCallback

_MESSAGE_CHARS = 200


class OpenAIHTTPGenerator:
    """Asks a chat model served over the OpenAI chat-completions API, greedily (temperature 0).

    Args:
        base_url: The API root, e.g. ``http://127.0.0.1:8000/v1``.
        model: The model name the server knows (llama.cpp's server answers with its one model
            whatever the name).
        api_key: Sent as a bearer token when given.
        timeout: Seconds to wait for one answer.
    """

    adapter_hash: str | None = None

    def __init__(self, base_url: str, model: str, *, api_key: str | None = None, timeout: float = 120):
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.model_id = f"server:{model}"
        self.api_key = api_key
        self.timeout = timeout

    def generate(
        self,
        messages: list[Message],
        *,
        max_new_tokens: int = 256,
        temperature: float = 0.0,
        seed: int = 0,
        schema: object = None,
        max_seconds: float | None = None,
        on_token: TokenCallback | None = None,
    ) -> Generation:
        """Answer the chat ``messages``; token counts come from the server's ``usage`` when it sends one.
        ``max_seconds`` shortens the request's timeout (never below one second). The answer comes in one
        piece, so ``on_token`` is told all of it at once.

        Raises:
            ModelUnavailableError: the server cannot be reached, answers an HTTP error, or sends
                something that is not a chat completion.

        Example:
            >>> generator = OpenAIHTTPGenerator("http://127.0.0.1:9/v1", "m", timeout=5)
            >>> try:
            ...     generator.generate([{"role": "user", "content": "hi"}])
            ... except ModelUnavailableError as error:
            ...     print(str(error).split(" (")[0])
            the model server at http://127.0.0.1:9/v1 cannot be reached
        """
        body = {
            "model": self.model,
            "messages": messages,
            "max_tokens": max_new_tokens,
            "temperature": temperature,
            "seed": seed,
            "stream": False,
        }
        timeout = self.timeout if max_seconds is None else max(1.0, min(self.timeout, max_seconds))
        answer = _request(self.base_url, "/chat/completions", body, self.api_key, timeout)
        try:
            text = answer["choices"][0]["message"]["content"] or ""
        except (KeyError, IndexError, TypeError):
            raise ModelUnavailableError(
                f"the model server at {self.base_url} sent no chat completion: "
                "check that it speaks the OpenAI chat-completions API"
            ) from None
        if text and on_token is not None:
            on_token(text)
        usage = answer.get("usage") or {}
        return Generation(
            text=text,
            prompt_tokens=int(usage.get("prompt_tokens") or 0),
            output_tokens=int(usage.get("completion_tokens") or 0),
        )


def served_models(base_url: str, *, api_key: str | None = None, timeout: float = 10) -> list[str]:
    """The model names an OpenAI-compatible server lists at ``{base_url}/models``.

    Raises:
        ModelUnavailableError: the server cannot be reached or answers an HTTP error.

    Example:
        >>> try:
        ...     served_models("http://127.0.0.1:9/v1", timeout=5)
        ... except ModelUnavailableError as error:
        ...     print(str(error).split(" (")[0])
        the model server at http://127.0.0.1:9/v1 cannot be reached
    """
    answer = _request(base_url.rstrip("/"), "/models", None, api_key, timeout)
    data = answer.get("data") if isinstance(answer, dict) else None
    return [str(entry["id"]) for entry in data or [] if isinstance(entry, dict) and "id" in entry]


def _request(base_url: str, path: str, body: dict[str, Any] | None, api_key: str | None, timeout: float):
    """GET (no body) or POST JSON to the server, returning the decoded JSON answer."""
    headers = {"Accept": "application/json"}
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(base_url + path, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
    except urllib.error.HTTPError as error:
        detail = _error_detail(error.read())
        raise ModelUnavailableError(
            f"the model server at {base_url} answered HTTP {error.code}"
            + (f": {detail}" if detail else f" {error.reason}")
        ) from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", None) or error
        if isinstance(reason, TimeoutError):
            raise ModelUnavailableError(
                f"the model server at {base_url} did not answer within {timeout:g} s: "
                "check that it is not overloaded, or allow a longer timeout"
            ) from None
        raise ModelUnavailableError(
            f"the model server at {base_url} cannot be reached ({_one_line(str(reason))}): "
            "start it or check the URL"
        ) from None
    try:
        return json.loads(raw)
    except ValueError:
        raise ModelUnavailableError(
            f"the model server at {base_url} sent something that is not JSON: "
            "check that the URL ends with the API root, e.g. /v1"
        ) from None


def _error_detail(raw: bytes) -> str:
    """The server's own message from an error body, shortened to one line."""
    text = raw.decode("utf-8", "replace")
    try:
        payload = json.loads(text)
    except ValueError:
        return _one_line(text)
    if isinstance(payload, dict):
        error = payload.get("error", payload.get("detail", payload.get("message")))
        if isinstance(error, dict):
            error = error.get("message", error)
        if error is not None:
            return _one_line(error if isinstance(error, str) else json.dumps(error))
    return _one_line(text)


def _one_line(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MESSAGE_CHARS else text[: _MESSAGE_CHARS - 1] + "…"
