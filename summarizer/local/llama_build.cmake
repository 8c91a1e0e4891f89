# Included by summarizer's build of llama-server into llama.cpp's own configure step
# (CMAKE_PROJECT_llama.cpp_INCLUDE, see summarizer/local/_runtime.py). It changes how some
# targets compile, never what they contain:
#
# * The code off the inference hot path (argument parsing, chat templates and parsers, the HTTP
#   server, the multimodal library the server links but a text model never calls) is compiled in
#   unity groups (a few sources per compiler run, so headers and templates are read once) and at
#   -O1 (-O0 for multimodal). This code was most of the compile: measured 652 -> 365
#   CPU-seconds, 342 -> 202 s on two cores (`python bench/runtime_build.py --compare`); the same
#   answers at the same speed on recorded requests.
# * ggml (the matrix kernels) and src (llama: graph, KV cache, sampling, grammar) are left
#   exactly as llama.cpp builds them (-O3, -march=native), but for one thing: on x86-64 the CPU
#   backend is compiled without AMX (-mno-amx-*). -march=native turns AMX on wherever the CPU
#   lists it, and virtual machines list it without granting a process the right to use it: the
#   server then dies with SIGILL at its first matrix product (seen on a 2-core Xeon VM). AMX pays
#   only for large batches on many cores; AVX-512/AVX2 kernels are used instead.
#
# Each entry is "target|compile option|sources kept out of the unity groups": json.cpp
# specialises templates other sources instantiate; mtmd-helper*.cpp refuse mtmd's internal
# headers, which their group neighbours would bring in. A target that is missing fails the
# configure step: the pinned source is known, anything else is refused rather than guessed.

set(_SUMMARIZER_TUNE
  "llama-common|-O1|json.cpp"
  "server-context|-O1|"
  "llama-server-impl|-O1|"
  "mtmd|-O0|mtmd-helper.cpp,mtmd-helper-gen.cpp"
  "cpp-httplib|-O1|"
)
set(_SUMMARIZER_GROUP_SIZE 6)

function(_summarizer_no_amx)
  if(TARGET ggml-cpu AND CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$"
     AND CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(ggml-cpu PRIVATE -mno-amx-tile -mno-amx-int8 -mno-amx-bf16)
    message(STATUS "summarizer: ggml-cpu without AMX")
  endif()
endfunction()

function(_summarizer_tune)
  _summarizer_no_amx()
  foreach(entry IN LISTS _SUMMARIZER_TUNE)
    string(REPLACE "," ";" entry "${entry}")
    string(REPLACE "|" ";" parts "${entry}")
    list(GET parts 0 tgt)
    list(GET parts 1 opt)
    list(SUBLIST parts 2 -1 skip)
    if(NOT TARGET ${tgt})
      message(FATAL_ERROR "summarizer: llama.cpp has no target ${tgt}; refusing to guess")
    endif()
    target_compile_options(${tgt} PRIVATE ${opt})
    get_target_property(srcs ${tgt} SOURCES)
    get_target_property(sdir ${tgt} SOURCE_DIR)
    set(i 0)
    foreach(src IN LISTS srcs)
      get_filename_component(name "${src}" NAME)
      if(NOT src MATCHES "\\.cpp$" OR name IN_LIST skip)
        continue()
      endif()
      if(NOT IS_ABSOLUTE "${src}")
        set(src "${sdir}/${src}")
      endif()
      math(EXPR group "${i} / ${_SUMMARIZER_GROUP_SIZE}")
      set_source_files_properties("${src}" TARGET_DIRECTORY ${tgt} PROPERTIES UNITY_GROUP "g${group}")
      math(EXPR i "${i} + 1")
    endforeach()
    set_target_properties(${tgt} PROPERTIES UNITY_BUILD ON UNITY_BUILD_MODE GROUP)
    message(STATUS "summarizer: ${tgt} at ${opt}, ${i} sources in unity groups of ${_SUMMARIZER_GROUP_SIZE}")
  endforeach()
endfunction()

cmake_language(DEFER DIRECTORY "${CMAKE_SOURCE_DIR}" CALL _summarizer_tune)
