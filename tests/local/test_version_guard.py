"""The llama-cpp-python patch module refuses any version but the one its patches were written for."""

from __future__ import annotations

import pytest

server = pytest.importorskip("summarizer.local._llama_server", reason="needs the [local] extra")


def test_the_pinned_version_passes() -> None:
    server.check_llama_cpp_version(server.PINNED_LLAMA_CPP_VERSION)


def test_another_version_fails_with_one_line_naming_the_pinned_one() -> None:
    with pytest.raises(SystemExit) as info:
        server.check_llama_cpp_version("0.3.99")
    message = str(info.value.code)
    assert "\n" not in message
    assert "0.3.99" in message and f"llama-cpp-python=={server.PINNED_LLAMA_CPP_VERSION}" in message


def test_the_installed_version_is_the_pinned_one() -> None:
    import llama_cpp

    assert llama_cpp.__version__ == server.PINNED_LLAMA_CPP_VERSION
