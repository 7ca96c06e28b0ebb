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

# Starts the changes to one source file (a path under whisper.cpp's source tree): its pristine
# text, kept beside it as `<file>.orig`, becomes the text the changes below it edit.
macro(vidmsg_file path)
  set(vidmsg_path "${path}")
  list(APPEND vidmsg_files "${CMAKE_SOURCE_DIR}/${path}")
  set(vidmsg_source "${CMAKE_SOURCE_DIR}/${path}")
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
endmacro()

function(vidmsg_change what old new)
  string(FIND "${vidmsg_text}" "${old}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "vidmsg: ${what}: the text to change is not in ${vidmsg_path}; "
      "whisper.cpp changed: update crates/transcribe/whisper-cpp/changes.cmake")
  endif()
  string(REPLACE "${old}" "${new}" text "${vidmsg_text}")
  set(vidmsg_text "${text}" PARENT_SCOPE)
  message(STATUS "vidmsg: ${what}")
endfunction()

# Ends the changes to the current file: written only when the result differs, so an unchanged
# file keeps its time stamp and is not compiled again.
macro(vidmsg_write)
  file(READ "${vidmsg_source}" vidmsg_current)
  if(NOT vidmsg_current STREQUAL vidmsg_text)
    file(WRITE "${vidmsg_source}" "${vidmsg_text}")
    message(STATUS "vidmsg: ${vidmsg_path} written with the changes above")
  endif()
endmacro()

vidmsg_file("src/whisper.cpp")

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

# Word times (DTW): the alignment pass decodes every token of a window again to read the
# cross-attention of the alignment heads, and computed the 51,864-word output projection of each
# of those tokens too (and zeroed a buffer for them), which nothing reads: 4–5 % of a
# transcription's time. That pass now stops at the last layer's output. The graph whisper.cpp
# sizes its buffers with (`worst_case`) keeps the projection.
vidmsg_change("DTW pass without the vocabulary projection: graph"
  [==[    struct ggml_tensor * logits = ggml_mul_mat(ctx0, model.d_te, cur);
]==]
  [==[    // vidmsg: the word-time pass reads the alignment heads only
    struct ggml_tensor * logits = save_alignment_heads_QKs && !worst_case ? cur : ggml_mul_mat(ctx0, model.d_te, cur);
]==])
vidmsg_change("DTW pass without the vocabulary projection: copy"
  [==[    logits_out.resize(n_tokens*n_vocab);
    for (int i = 0; i < n_tokens; i++) {
        if (batch.logits[i] == 0) {
]==]
  [==[    // vidmsg: the word-time pass computes no logits
    if (!save_alignment_heads_QKs) {
        logits_out.resize(n_tokens*n_vocab);
    }
    for (int i = 0; i < n_tokens; i++) {
        if (batch.logits[i] == 0 || save_alignment_heads_QKs) {
]==])

# Word times (DTW): the median filter over the alignment weights sorted a std::vector per output
# value through a non-inlined accessor (3 % of a transcription's time); now the window sits on
# the stack and std::nth_element finds its median: the same value.
vidmsg_change("DTW median filter"
  [==[    std::vector<float> filter;
    filter.reserve(filter_width);
    for (int64_t i = 0; i < a->ne[0]; ++i) {
        for (int64_t j = 0; j < a->ne[1]; ++j) {
            for (int64_t k = 0; k < a->ne[2]; ++k) {
                for (int64_t off = -filter_width/2; off <= filter_width/2; ++off) {
                    // "reflect" padding
                    int64_t idx = k + off;
                    if (idx < 0) {
                        idx = -idx;
                    } else if (idx >= a->ne[2]) {
                        idx = 2*(a->ne[2] - 1) - idx;
                    }

                    filter.push_back(whisper_get_f32_nd(a, i, j, idx, 0));
                }
                std::sort(filter.begin(), filter.end());
                const float v = filter[filter.size()/2];
                whisper_set_f32_nd(dst, i, j, k, 0, v);
                filter.clear();
            }
        }
    }
]==]
  [==[    // vidmsg: the window on the stack, std::nth_element for its median; the window's rows
    // along the filtered dimension, the contiguous one innermost
    WHISPER_ASSERT(filter_width < 64);
    WHISPER_ASSERT(a->ne[0] == dst->ne[0] && a->ne[1] == dst->ne[1] && a->ne[2] == dst->ne[2]);
    float filter[64];
    const char * rows[64];
    const int64_t n2 = a->ne[2];
    for (int64_t i = 0; i < a->ne[0]; ++i) {
        for (int64_t k = 0; k < n2; ++k) {
            int n = 0;
            for (int64_t off = -filter_width/2; off <= filter_width/2; ++off) {
                // "reflect" padding
                int64_t idx = k + off;
                if (idx < 0) {
                    idx = -idx;
                } else if (idx >= n2) {
                    idx = 2*(n2 - 1) - idx;
                }
                rows[n++] = (const char *) a->data + i*a->nb[0] + idx*a->nb[2];
            }
            char * out = (char *) dst->data + i*dst->nb[0] + k*dst->nb[2];
            for (int64_t j = 0; j < a->ne[1]; ++j) {
                for (int r = 0; r < n; ++r) {
                    filter[r] = *(const float *) (rows[r] + j*a->nb[1]);
                }
                std::nth_element(filter, filter + n/2, filter + n);
                *(float *) (out + j*dst->nb[1]) = filter[n/2];
            }
        }
    }
]==])

# Token times (whisper.cpp's own, the ends of word times): the signal's energy summed 65 samples
# for every sample of the piece (2 % of a transcription's time); now a running sum, in double so
# it does not drift.
vidmsg_change("signal energy as a running sum"
  [==[    for (int i = 0; i < n_samples; i++) {
        float sum = 0;
        for (int j = -hw; j <= hw; j++) {
            if (i + j >= 0 && i + j < n_samples) {
                sum += fabs(signal[i + j]);
            }
        }
        result[i] = sum/(2*hw + 1);
    }
]==]
  [==[    // vidmsg: a running sum over the window [i - hw, i + hw]
    double sum = 0;
    for (int j = 0; j <= hw && j < n_samples; j++) {
        sum += fabs(signal[j]);
    }
    for (int i = 0; i < n_samples; i++) {
        result[i] = (float) (sum/(2*hw + 1));
        if (i + hw + 1 < n_samples) {
            sum += fabs(signal[i + hw + 1]);
        }
        if (i - hw >= 0) {
            sum -= fabs(signal[i - hw]);
        }
    }
]==])

# The mel spectrogram: its FFT falls back to a plain DFT for the odd factor of 400 (25 points),
# which took an integer division per term to index the sine table: most of the mel's 4 % of a
# transcription's time. The index now advances by its step and wraps by one subtraction (the
# step is below the table's size): the same indices, the same values.
vidmsg_change("DFT without a division per term"
  [==[        for (int n = 0; n < N; n++) {
            int idx = (k * n * sin_cos_step) % (SIN_COS_N_COUNT); // t = 2*M_PI*k*n/N
            re += in[n]*global_cache.cos_vals[idx]; // cos(t)
            im -= in[n]*global_cache.sin_vals[idx]; // sin(t)
        }
]==]
  [==[        // vidmsg: idx = (k * n * sin_cos_step) % SIN_COS_N_COUNT, kept by adding
        const int step = k * sin_cos_step;
        int idx = 0;
        for (int n = 0; n < N; n++) {
            re += in[n]*global_cache.cos_vals[idx]; // cos(t)
            im -= in[n]*global_cache.sin_vals[idx]; // sin(t)
            idx += step;
            if (idx >= SIN_COS_N_COUNT) {
                idx -= SIN_COS_N_COUNT;
            }
        }
]==])

vidmsg_write()

# A file changed by an earlier version of this file but by none of the changes above gets its
# pristine text back.
file(GLOB_RECURSE vidmsg_origs "${CMAKE_SOURCE_DIR}/src/*.orig" "${CMAKE_SOURCE_DIR}/ggml/*.orig")
foreach(vidmsg_orig IN LISTS vidmsg_origs)
  string(REGEX REPLACE "\\.orig$" "" vidmsg_changed_file "${vidmsg_orig}")
  if(NOT vidmsg_changed_file IN_LIST vidmsg_files)
    file(READ "${vidmsg_orig}" vidmsg_text)
    file(READ "${vidmsg_changed_file}" vidmsg_current)
    if(NOT vidmsg_current STREQUAL vidmsg_text)
      file(WRITE "${vidmsg_changed_file}" "${vidmsg_text}")
      message(STATUS "vidmsg: ${vidmsg_changed_file} restored: no change is made to it now")
    endif()
  endif()
endforeach()
