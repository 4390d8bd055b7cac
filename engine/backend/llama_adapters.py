"""LoRA adapters on a live llama.cpp context: load once, mix, rescale, remove.

Each adapter is validated against the loaded model before llama.cpp reads it (a
mismatched one would kill the process) and loaded once; after that, changing which
adapters are active or their scales is a single call on the context, with no reload
of the model. The KV cache is cleared on every change, because what it holds was
computed with the old weights.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from pathlib import Path

import llama_cpp

from engine.backend.llama_internals import clear_cache, context_pointer, model_pointer
from engine.errors import BackendError, ModelFileError, StyleError
from engine.models.adapter_validation import AdapterCheck, validate_adapter
from engine.models.gguf_info import GGUFInfo

MAX_SCALE = 2.0


@dataclass(frozen=True)
class ActiveAdapter:
    path: Path
    scale: float


class AdapterSet:
    """The adapters loaded into one model and the ones active on its context."""

    def __init__(self, llm: llama_cpp.Llama, base: GGUFInfo) -> None:
        self._llm = llm
        self._base = base
        self._loaded: dict[Path, tuple[AdapterCheck, llama_cpp.llama_adapter_lora_p]] = {}
        self.active: tuple[ActiveAdapter, ...] = ()

    def load(self, path: Path | str) -> AdapterCheck:
        """Validate and load an adapter (once); it is freed with the model."""
        resolved = Path(path).expanduser().resolve()
        if resolved not in self._loaded:
            check = validate_adapter(resolved, self._base)
            handle = llama_cpp.llama_adapter_lora_init(model_pointer(self._llm), str(resolved).encode("utf-8"))
            if not handle:
                raise ModelFileError(f"llama.cpp could not load the adapter {resolved.name}.")
            self._loaded[resolved] = (check, handle)
        return self._loaded[resolved][0]

    def apply(self, adapters: list[tuple[Path | str, float]]) -> None:
        """Make exactly ``adapters`` active, each at its scale (0 to 2)."""
        for _, scale in adapters:
            if not 0.0 <= scale <= MAX_SCALE:
                raise StyleError(f"A style's scale must be between 0 and {MAX_SCALE:g}, not {scale:g}.")
        wanted = tuple(ActiveAdapter(Path(path).expanduser().resolve(), float(scale)) for path, scale in adapters)
        if wanted == self.active:
            return
        handles = [self._loaded[a.path][1] if a.path in self._loaded else None for a in wanted]
        for index, adapter in enumerate(wanted):
            if handles[index] is None:
                self.load(adapter.path)
                handles[index] = self._loaded[adapter.path][1]
        count = len(wanted)
        array = (llama_cpp.llama_adapter_lora_p_ctypes * count)(*handles) if count else None
        scales = (ctypes.c_float * count)(*(a.scale for a in wanted)) if count else None
        if llama_cpp.llama_set_adapters_lora(context_pointer(self._llm), array, count, scales) != 0:
            raise BackendError("llama.cpp refused to apply the adapters.")
        clear_cache(self._llm)  # the cached keys and values were computed with the old weights
        self.active = wanted
