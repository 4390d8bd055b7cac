"""On a processor with AMX, models load without llama.cpp's extra weight buffers."""

from __future__ import annotations

from pathlib import Path

import llama_cpp.llama as llama_module

from engine.backend.weight_buffers import cpu_has_amx, plain_buffers_if_amx


def _cpu_info(tmp_path: Path, flags: str) -> Path:
    path = tmp_path / "cpuinfo"
    path.write_text(f"processor\t: 0\nmodel name\t: Some CPU\nflags\t\t: {flags}\n\n", encoding="ascii")
    return path


def test_amx_is_read_from_the_cpu_flags(tmp_path: Path) -> None:
    assert cpu_has_amx(_cpu_info(tmp_path, "fpu sse2 avx2 avx512f amx_bf16 amx_tile amx_int8"))
    assert not cpu_has_amx(_cpu_info(tmp_path, "fpu sse2 avx2 avx512f"))
    assert not cpu_has_amx(_cpu_info(tmp_path, "fpu amx_int8x"))  # a whole flag, not a prefix
    assert not cpu_has_amx(tmp_path / "missing")


def test_with_amx_the_model_parameters_leave_out_extra_buffers() -> None:
    bindings = llama_module.llama_cpp
    original = bindings.llama_model_default_params
    assert original().use_extra_bufts  # llama.cpp's default, which the AMX path crashes with
    with plain_buffers_if_amx(amx=True):
        assert bindings.llama_model_default_params().use_extra_bufts is False
    assert bindings.llama_model_default_params is original


def test_without_amx_nothing_changes() -> None:
    bindings = llama_module.llama_cpp
    original = bindings.llama_model_default_params
    with plain_buffers_if_amx(amx=False):
        assert bindings.llama_model_default_params is original
        assert bindings.llama_model_default_params().use_extra_bufts


def test_the_parameters_are_restored_when_loading_fails() -> None:
    bindings = llama_module.llama_cpp
    original = bindings.llama_model_default_params
    try:
        with plain_buffers_if_amx(amx=True):
            raise ValueError("the model file is damaged")
    except ValueError:
        pass
    assert bindings.llama_model_default_params is original
