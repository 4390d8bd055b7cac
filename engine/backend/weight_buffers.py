"""Load weights into llama.cpp's plain CPU buffers on processors with AMX.

A llama.cpp built for an Intel processor with AMX tiles (Sapphire Rapids and later)
repacks Q4_K weights into AMX buffers, and the first decode with them ends the
process with a segmentation fault (``ggml_backend_amx_mul_mat``; llama.cpp issue
20824). No Python exception can catch that, so on such a processor the model is
loaded without llama.cpp's extra buffer types: the plain CPU path computes the
same layers. Elsewhere the extra buffers (weight repacking) are left on.

``llama_cpp.Llama`` takes no argument for this; it builds its model parameters from
``llama_model_default_params``, so that one function is wrapped while a model loads.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path

import llama_cpp.llama as llama_module

CPU_INFO = Path("/proc/cpuinfo")
_lock = threading.Lock()


def cpu_has_amx(cpu_info: Path = CPU_INFO) -> bool:
    """Whether the processor reports AMX integer tiles (Linux; False where it cannot be read)."""
    try:
        text = cpu_info.read_text(encoding="ascii", errors="replace")
    except OSError:
        return False
    for line in text.splitlines():
        if line.startswith("flags"):
            return "amx_int8" in line.split(":", 1)[-1].split()
    return False


@contextlib.contextmanager
def plain_buffers_if_amx(amx: bool | None = None) -> Iterator[None]:
    """Inside the block, models load without extra buffer types when the CPU has AMX."""
    if not (cpu_has_amx() if amx is None else amx):
        yield
        return
    bindings = llama_module.llama_cpp
    with _lock:
        original = bindings.llama_model_default_params

        def plain_params():
            params = original()
            params.use_extra_bufts = False
            return params

        bindings.llama_model_default_params = plain_params
        try:
            yield
        finally:
            bindings.llama_model_default_params = original
