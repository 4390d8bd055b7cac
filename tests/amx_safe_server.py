"""llama-cpp-python's server for the HTTP backend's tests, loading as the in-process backend
does: without llama.cpp's extra weight buffers on a processor with AMX
(``engine.backend.weight_buffers``), where they crash the first decode."""

import runpy

from engine.backend.weight_buffers import plain_buffers_if_amx

if __name__ == "__main__":
    with plain_buffers_if_amx():
        runpy.run_module("llama_cpp.server", run_name="__main__", alter_sys=True)
