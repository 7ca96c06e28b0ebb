# vidmsg's changes to whisper.cpp, made to whisper-rs-sys's own copy of its sources (in cargo's
# OUT_DIR, never the registry) when CMake configures it. `.cargo/config.toml` names this file in
# CMAKE_PROJECT_INCLUDE, which whisper-rs-sys hands to CMake with every other CMAKE_* variable;
# CMake includes it after each project() (whisper.cpp's, then ggml's), and it acts once.
#
# Each change is an exact text replacement, made every time to the pristine source (kept beside
# it as `whisper.cpp.orig`), so editing or removing a change here takes effect on the next
# configure; the file is rewritten only when the result differs. A source without a change's old
# text is another whisper.cpp: the build stops and names the change to look at again (after
# upgrading whisper-rs).
#
# Cargo reruns whisper-rs-sys's build script (and so this file) only when an environment
# variable it watches changes: `.cargo/config.toml` sets one of those,
# BINDGEN_EXTRA_CLANG_ARGS, to a define holding this file's SHA-256, which a test
# (`whisper_changes` in vidmsg-transcribe) keeps equal to the file; update both together.

# Cargo sets the variable for every build script: any other CMake project is left alone.
get_property(vidmsg_changed GLOBAL PROPERTY VIDMSG_WHISPER_CHANGED)
if(vidmsg_changed OR NOT CMAKE_PROJECT_NAME STREQUAL "whisper.cpp")
  return()
endif()
set_property(GLOBAL PROPERTY VIDMSG_WHISPER_CHANGED TRUE)

set(vidmsg_source "${CMAKE_SOURCE_DIR}/src/whisper.cpp")
if(NOT EXISTS "${vidmsg_source}.orig")
  file(READ "${vidmsg_source}" vidmsg_text)
  string(FIND "${vidmsg_text}" "vidmsg" vidmsg_at)
  if(NOT vidmsg_at EQUAL -1)
    message(FATAL_ERROR "vidmsg: ${vidmsg_source} was changed by an older changes.cmake: "
      "run `cargo clean -p whisper-rs-sys`")
  endif()
  file(COPY_FILE "${vidmsg_source}" "${vidmsg_source}.orig")
endif()
file(READ "${vidmsg_source}.orig" vidmsg_text)

function(vidmsg_change what old new)
  string(FIND "${vidmsg_text}" "${old}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "vidmsg: ${what}: the text to change is not in src/whisper.cpp; "
      "whisper.cpp changed: update crates/transcribe/whisper-cpp/changes.cmake")
  endif()
  string(REPLACE "${old}" "${new}" text "${vidmsg_text}")
  set(vidmsg_text "${text}" PARENT_SCOPE)
  message(STATUS "vidmsg: ${what}")
endfunction()

# Word times (DTW): whisper.cpp computes the alignment graph on a CPU backend made with ggml's
# default of 4 threads, whatever n_threads the caller gave: on 2 cores with 1 or 2 whisper
# threads, 2–3 threads spin in ggml_barrier against the decoder (6–9 % of the samples in `perf`).
# Its own helper runs the graph on the caller's threads.
vidmsg_change("DTW on the caller's threads"
  [==[    ggml_backend_graph_compute(backend.get(), gf);
]==]
  [==[    ggml_graph_compute_helper(gf, n_threads, nullptr, nullptr); // vidmsg: the caller's threads
]==])

# Decoder weights in Q8_0, encoder weights in f16 (`Precision::Q8_0Decoder`, models named
# `…-q8_0-decoder`). The decoder runs one token at a time, so its products are matrix-vector
# ones that read every weight per token (the 51,864-word output projection alone is 40 MB in
# f16): bound by memory, they take half the time on Q8_0's half the bytes. The encoder's are
# matrix-matrix products, faster in f16 with ggml's tiled multiply than in Q8_0 on AVX2. whisper.cpp
# gives every weight matrix the one type its file's `ftype` names; an `ftype` of 100 + t (never
# written by whisper.cpp's tools, refused by an unchanged whisper.cpp) now means: the decoder's
# matrices (self-attention, cross-attention's query and output, MLP, token embedding) in t, the
# rest in f16. Cross-attention's key and value weights stay f16: they multiply the whole encoder
# output once per piece.
vidmsg_change("decoder weights of their own type: ftype"
  [==[        wctx.wtype = ggml_ftype_to_ggml_type((ggml_ftype) (model.hparams.ftype));
]==]
  [==[        wctx.wtype = ggml_ftype_to_ggml_type((ggml_ftype) (model.hparams.ftype >= 100 ? GGML_FTYPE_MOSTLY_F16 : model.hparams.ftype)); // vidmsg: 100 + t
]==])
vidmsg_change("decoder weights of their own type: dtype"
  [==[    const ggml_type vtype = wctx.wtype == GGML_TYPE_F32 ? GGML_TYPE_F32 : GGML_TYPE_F16; // conv type
]==]
  [==[    const ggml_type vtype = wctx.wtype == GGML_TYPE_F32 ? GGML_TYPE_F32 : GGML_TYPE_F16; // conv type
    // vidmsg: the decoder's weight type, from an ftype of 100 + t
    const ggml_type dtype = model.hparams.ftype >= 100 ? ggml_ftype_to_ggml_type((ggml_ftype) (model.hparams.ftype - 100)) : wtype;
    if (dtype == GGML_TYPE_COUNT) {
        WHISPER_LOG_ERROR("%s: invalid model (bad decoder ftype value %d)\n", __func__, model.hparams.ftype);
        return false;
    }
]==])
vidmsg_change("decoder weights of their own type: decoder"
  [==[ASR_SYSTEM_DECODER, ggml_new_tensor_2d(ctx, wtype,]==]
  [==[ASR_SYSTEM_DECODER, ggml_new_tensor_2d(ctx, dtype,]==])
vidmsg_change("decoder weights of their own type: cross-attention query"
  [==[layer.cross_attn_q_w = create_tensor(ASR_TENSOR_ATTN_QUERY_WEIGHT, ASR_SYSTEM_CROSS, ggml_new_tensor_2d(ctx, wtype,]==]
  [==[layer.cross_attn_q_w = create_tensor(ASR_TENSOR_ATTN_QUERY_WEIGHT, ASR_SYSTEM_CROSS, ggml_new_tensor_2d(ctx, dtype,]==])
vidmsg_change("decoder weights of their own type: cross-attention output"
  [==[layer.cross_attn_ln_1_w = create_tensor(ASR_TENSOR_ATTN_OUT_WEIGHT, ASR_SYSTEM_CROSS, ggml_new_tensor_2d(ctx, wtype,]==]
  [==[layer.cross_attn_ln_1_w = create_tensor(ASR_TENSOR_ATTN_OUT_WEIGHT, ASR_SYSTEM_CROSS, ggml_new_tensor_2d(ctx, dtype,]==])

file(READ "${vidmsg_source}" vidmsg_current)
if(NOT vidmsg_current STREQUAL vidmsg_text)
  file(WRITE "${vidmsg_source}" "${vidmsg_text}")
  message(STATUS "vidmsg: src/whisper.cpp written with the changes above")
endif()
