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

# The encoder's attention in f32. Its weights stay f16 (widening them to f32 was tried: the f32
# tiles no longer fit the L1 cache and the multiply was no faster), but attention has no weights:
# whisper.cpp cast the keys and values to f16 only for ggml's tiled multiply to convert them back
# on every load, and converted the 1472×1472 attention weights per head to f16 before the second
# product. Now Q·Kᵀ and the weighted sum of V run through the f32 tiled multiply (the queries
# made contiguous for it): no conversions, and no rounding of activations to f16.
vidmsg_change("encoder attention in f32: keys"
  [==[                struct ggml_tensor * K =
                    ggml_permute(ctx0,
                            ggml_cast(ctx0,
                                ggml_reshape_3d(ctx0, Kcur, n_state_head, n_head, n_ctx),
                                wctx.itype),
                            0, 2, 1, 3);

                // K * Q
                struct ggml_tensor * KQ = ggml_mul_mat(ctx0, K, Q);
]==]
  [==[                // vidmsg: the keys as they are (f32), the queries contiguous: the tiled multiply
                struct ggml_tensor * K =
                    ggml_permute(ctx0,
                            ggml_reshape_3d(ctx0, Kcur, n_state_head, n_head, n_ctx),
                            0, 2, 1, 3);

                // K * Q
                struct ggml_tensor * KQ = ggml_mul_mat(ctx0, K, ggml_cont(ctx0, Q));
]==])
vidmsg_change("encoder attention in f32: values"
  [==[                                1, 2, 0, 3),
                            wctx.itype);
]==]
  [==[                                1, 2, 0, 3),
                            GGML_TYPE_F32); // vidmsg: the values transposed in f32
]==])

# The mel spectrogram: each of the 80 mel filters is a narrow triangle, but every frame summed
# all 201 frequency bins for each of them (16,080 products a frame, half the mel's time). Now
# only the groups of four bins that hold a filter's nonzero weights: the skipped groups added
# exactly +0 (power and weights are ≥ 0), the kept ones are summed as before, so the same values.
vidmsg_change("mel filters over their nonzero bins: ranges"
  [==[    int n_fft = filters.n_fft;
    int i = ith;
]==]
  [==[    int n_fft = filters.n_fft;
    int i = ith;

    // vidmsg: the first and last bin each mel filter weighs
    std::vector<int> band_lo(mel.n_mel, n_fft);
    std::vector<int> band_hi(mel.n_mel, -1);
    for (int j = 0; j < mel.n_mel; j++) {
        for (int k = 0; k < n_fft; k++) {
            if (filters.data[j * n_fft + k] != 0.0f) {
                band_lo[j] = std::min(band_lo[j], k);
                band_hi[j] = k;
            }
        }
    }
]==])
vidmsg_change("mel filters over their nonzero bins: sums"
  [==[            int k = 0;
            for (k = 0; k < n_fft - 3; k += 4) {
]==]
  [==[            // vidmsg: from the group of four holding the filter's first weight to its last
            int k = band_lo[j] - band_lo[j] % 4;
            if (band_hi[j] < 0) {
                k = n_fft;
            }
            for (; k < n_fft - 3; k += 4) {
                if (k > band_hi[j]) {
                    k = n_fft; // the rest weighs nothing
                    break;
                }
]==])

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
# value through a non-inlined accessor, striding across memory (3 % of a transcription's time);
# now it walks the contiguous dimension innermost and takes whisper's width of 7 by a sorting
# network (any other width by std::nth_element): the same values.
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
            if (n == 7 && a->nb[1] == sizeof(float)) {
                // whisper's width: the median of 7 by 13 compare-exchanges, 64 outputs at a
                // time (SIMD), instead of nth_element per output (30 → 0.5 ns, a microbenchmark)
                const auto cx = [](float & p, float & q) {
                    const float lo = std::min(p, q);
                    const float hi = std::max(p, q);
                    p = lo;
                    q = hi;
                };
                for (int64_t j0 = 0; j0 < a->ne[1]; j0 += 64) {
                    const int64_t jn = std::min<int64_t>(64, a->ne[1] - j0);
                    float med[64];
                    for (int64_t j = 0; j < jn; ++j) {
                        float p0 = ((const float *) rows[0])[j0 + j];
                        float p1 = ((const float *) rows[1])[j0 + j];
                        float p2 = ((const float *) rows[2])[j0 + j];
                        float p3 = ((const float *) rows[3])[j0 + j];
                        float p4 = ((const float *) rows[4])[j0 + j];
                        float p5 = ((const float *) rows[5])[j0 + j];
                        float p6 = ((const float *) rows[6])[j0 + j];
                        cx(p0, p5); cx(p0, p3); cx(p1, p6); cx(p2, p4); cx(p0, p1); cx(p3, p5); cx(p2, p6);
                        cx(p2, p3); cx(p3, p6); cx(p4, p5); cx(p1, p4); cx(p1, p3); cx(p3, p4);
                        med[j] = p3;
                    }
                    for (int64_t j = 0; j < jn; ++j) {
                        *(float *) (out + (j0 + j)*dst->nb[1]) = med[j];
                    }
                }
                continue;
            }
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
# which took an integer division per term to index the sine table, summing one output at a time:
# most of the mel's 4 % of a transcription's time. The DFT's N×N sines and cosines are now a
# table made once per thread, and the sums run over all outputs at once (SIMD), each output
# still adding its terms in the same order: 1.5 µs → 70 ns per DFT (a microbenchmark).
vidmsg_change("DFT from a table of its own"
  [==[    const int sin_cos_step = SIN_COS_N_COUNT / N;

    for (int k = 0; k < N; k++) {
        float re = 0;
        float im = 0;

        for (int n = 0; n < N; n++) {
            int idx = (k * n * sin_cos_step) % (SIN_COS_N_COUNT); // t = 2*M_PI*k*n/N
            re += in[n]*global_cache.cos_vals[idx]; // cos(t)
            im -= in[n]*global_cache.sin_vals[idx]; // sin(t)
        }

        out[k*2 + 0] = re;
        out[k*2 + 1] = im;
    }
]==]
  [==[    const int sin_cos_step = SIN_COS_N_COUNT / N;

    // vidmsg: cos and sin of 2*M_PI*k*n/N at [n*N + k], made once per thread and N
    thread_local int table_n = 0;
    thread_local std::vector<float> cos_nk;
    thread_local std::vector<float> sin_nk;
    if (table_n != N) {
        cos_nk.resize(N*N);
        sin_nk.resize(N*N);
        for (int n = 0; n < N; n++) {
            for (int k = 0; k < N; k++) {
                const int idx = (k * n * sin_cos_step) % (SIN_COS_N_COUNT); // t = 2*M_PI*k*n/N
                cos_nk[n*N + k] = global_cache.cos_vals[idx];
                sin_nk[n*N + k] = global_cache.sin_vals[idx];
            }
        }
        table_n = N;
    }

    float re[SIN_COS_N_COUNT] = {};
    float im[SIN_COS_N_COUNT] = {};
    for (int n = 0; n < N; n++) {
        const float x = in[n];
        const float * c = cos_nk.data() + n*N;
        const float * s = sin_nk.data() + n*N;
        for (int k = 0; k < N; k++) {
            re[k] += x*c[k]; // cos(t)
            im[k] -= x*s[k]; // sin(t)
        }
    }

    for (int k = 0; k < N; k++) {
        out[k*2 + 0] = re[k];
        out[k*2 + 1] = im[k];
    }
]==])

# The decoder's attention over the encoder's output reads, for every token, each head's keys:
# one 64-value dot product per audio frame and head (35,000 per token in four layers, 14 % of a
# transcription's samples). whisper.cpp stored the keys frame by frame, so a head's 64 values sat
# 768 bytes apart from the next frame's: every product started on new cache lines at a stride.
# They are now stored head by head (each head's frames contiguous), which is what the decoder
# reads in order. Only without flash attention (vidmsg never turns it on; that path keeps its
# layout).
vidmsg_change("cross-attention keys head by head: stored"
  [==[        } else {
            Vcross = ggml_transpose(ctx0, ggml_reshape_2d(ctx0, Vcross, n_state, n_ctx));
]==]
  [==[        } else {
            // vidmsg: keys head by head, [n_state_head, n_ctx, n_head]
            Kcross = ggml_permute(ctx0, ggml_reshape_3d(ctx0, Kcross, n_state_head, n_head, n_ctx), 0, 2, 1, 3);
            Vcross = ggml_transpose(ctx0, ggml_reshape_2d(ctx0, Vcross, n_state, n_ctx));
]==])
vidmsg_change("cross-attention keys head by head: read"
  [==[                struct ggml_tensor * Kcross =
                    ggml_view_3d(ctx0, wstate.kv_cross.k,
                            n_state_head, n_audio_ctx, n_head,
                            ggml_element_size(wstate.kv_cross.k)*n_state,
                            ggml_element_size(wstate.kv_cross.k)*n_state_head,
                            ggml_element_size(wstate.kv_cross.k)*n_state*n_audio_ctx*il);
]==]
  [==[                struct ggml_tensor * Kcross =
                    ggml_view_3d(ctx0, wstate.kv_cross.k,
                            n_state_head, n_audio_ctx, n_head,
                            ggml_element_size(wstate.kv_cross.k)*n_state_head,
                            ggml_element_size(wstate.kv_cross.k)*n_state_head*n_audio_ctx,
                            ggml_element_size(wstate.kv_cross.k)*n_state*n_audio_ctx*il); // vidmsg: head by head
]==])

# The same attention, one token at a time (greedy decoding): both of its products had a single
# column, which ggml computes one dot product per output (35,000 calls of 64 values per token;
# the tiled multiply takes two columns or more). The query gets a second, zero column: both
# products then take the tiled multiply, twice the arithmetic done many times faster, and the
# spare column (uniform weights over the audio) is dropped before the output projection. Not
# in the word-time pass, which reads these weights.
vidmsg_change("cross-attention of one token through the tiled multiply: keys"
  [==[                struct ggml_tensor * KQ = ggml_mul_mat(ctx0, Kcross, Q);
]==]
  [==[                // vidmsg: one token gets a zero second column (the tiled multiply needs two)
                const bool vidmsg_pad = n_tokens == 1 && !save_alignment_heads_QKs;
                struct ggml_tensor * KQ = ggml_mul_mat(ctx0, Kcross, vidmsg_pad ? ggml_pad(ctx0, Q, 0, 1, 0, 0) : Q);
]==])
vidmsg_change("cross-attention of one token through the tiled multiply: values"
  [==[                struct ggml_tensor * KQV = ggml_mul_mat(ctx0, Vcross, KQ_soft_max);

                struct ggml_tensor * KQV_merged = ggml_permute(ctx0, KQV, 0, 2, 1, 3);
]==]
  [==[                struct ggml_tensor * KQV = ggml_mul_mat(ctx0, Vcross, KQ_soft_max);
                if (vidmsg_pad) { // vidmsg: the zero column's output dropped
                    KQV = ggml_view_3d(ctx0, KQV, KQV->ne[0], 1, KQV->ne[2], KQV->nb[1], KQV->nb[2], 0);
                }

                struct ggml_tensor * KQV_merged = ggml_permute(ctx0, KQV, 0, 2, 1, 3);
]==])

# Sampling each token took two scalar `expf` over all 51,864 logits (4 % of a transcription's
# samples, and none of it shared between threads): the log-softmax's normalizer and the
# probabilities. Both are now ggml's softmax loop (eight exponentials at a time, compiled for
# this CPU, a double sum): the exponentials of `logits - max` go into `logprobs` before that
# array is overwritten, and the probabilities are exp(logprobs) with -inf giving 0, as before.
vidmsg_change("sampling's exponentials eight at a time: normalizer"
  [==[    const float logit_max = *std::max_element(logits.begin(), logits.end());
    float logsumexp = 0.0f;
    for (int i = 0; i < n_logits; ++i) {
        if (logits[i] > -INFINITY) {
            logsumexp += expf(logits[i] - logit_max);
        }
    }
    logsumexp = logf(logsumexp) + logit_max;

    for (int i = 0; i < n_logits; ++i) {
        if (logits[i] > -INFINITY) {
            logprobs[i] = logits[i] - logsumexp;
]==]
  [==[    const float logit_max = *std::max_element(logits.begin(), logits.end());
    // vidmsg: exp(logits - max) eight at a time, into logprobs until the loop below
    float logsumexp = (float) ggml_vec_soft_max_f32(n_logits, logprobs.data(), logits.data(), logit_max);
    logsumexp = logf(logsumexp) + logit_max;

    for (int i = 0; i < n_logits; ++i) {
        if (logits[i] > -INFINITY) {
            logprobs[i] = logits[i] - logsumexp;
]==])
vidmsg_change("sampling's exponentials eight at a time: probabilities"
  [==[    for (int i = 0; i < n_logits; ++i) {
        if (logits[i] == -INFINITY) {
            probs[i] = 0.0f;
        } else {
            probs[i] = expf(logprobs[i]);
        }
    }
]==]
  [==[    // vidmsg: exp(logprobs) eight at a time; logprobs is -inf exactly where logits is, and gives 0
    (void) logits;
    ggml_vec_soft_max_f32(n_logits, probs.data(), logprobs.data(), 0.0f);
]==])
vidmsg_change("sampling's exponentials eight at a time: ggml's loop"
  [==[static void whisper_compute_logprobs(
]==]
  [==[// vidmsg: ggml-cpu's softmax loop (vec.h, C linkage): y = exp(x - max), returns the sum
extern "C" double ggml_vec_soft_max_f32(const int n, float * y, const float * x, float max);

static void whisper_compute_logprobs(
]==])

# A multilingual model detects the language of each piece first (`whisper_full` with language
# "auto"): that ran the encoder on the piece's first window, and the transcription then encoded
# the same window again — the encoder twice per piece, most of a multilingual model's time. And
# the detection ran before whisper_full set this call's window size (`audio_ctx`), so it used
# the previous piece's (or a full 30 s window for the first). The window size is now set before
# the detection, and the transcription's first window reuses the detection's encoding: same
# audio, same window, and nothing in between touches what the encoder left (its output and the
# cross-attention keys and values; the detection's decoder only reads them).
vidmsg_change("language detection's encoding reused: flag"
  [==[    // auto-detect language if not specified
]==]
  [==[    bool vidmsg_encoded_at_0 = false; // vidmsg: the window at seek 0 is encoded (language detection)

    // auto-detect language if not specified
]==])
vidmsg_change("language detection's encoding reused: detection"
  [==[        const auto lang_id = whisper_lang_auto_detect_with_state(ctx, state, 0, params.n_threads, probs.data());
        if (lang_id < 0) {
            WHISPER_LOG_ERROR("%s: failed to auto-detect language\n", __func__);
            return -3;
        }
]==]
  [==[        state->exp_n_audio_ctx = params.audio_ctx; // vidmsg: detect on the window transcribed
        const auto lang_id = whisper_lang_auto_detect_with_state(ctx, state, 0, params.n_threads, probs.data());
        if (lang_id < 0) {
            WHISPER_LOG_ERROR("%s: failed to auto-detect language\n", __func__);
            return -3;
        }
        vidmsg_encoded_at_0 = true;
]==])
vidmsg_change("language detection's encoding reused: transcription"
  [==[        // encode audio features starting at offset seek
        if (!whisper_encode_internal(*ctx, *state, seek, params.n_threads, params.abort_callback, params.abort_callback_user_data)) {
]==]
  [==[        // encode audio features starting at offset seek
        // vidmsg: not again when language detection has just encoded this window
        const bool vidmsg_reuse = vidmsg_encoded_at_0 && seek == 0;
        vidmsg_encoded_at_0 = false;
        if (!vidmsg_reuse && !whisper_encode_internal(*ctx, *state, seek, params.n_threads, params.abort_callback, params.abort_callback_user_data)) {
]==])

vidmsg_write()

vidmsg_file("ggml/src/ggml-cpu/vec.h")

# GELU (the MLP of every encoder and decoder layer, 2–3 % of a transcription's time) rounds each
# value to f16 and looks it up in a table, one value at a time. Eight at a time now: the same
# rounding, the same table entries (an AVX2 gather), the same cut-offs at ±10: the same results
# (checked bit for bit on 150,000 values, edges and NaN included; 4.9 → 1.3 ns per value).
vidmsg_change("GELU eight values at a time"
  [==[inline static void ggml_vec_gelu_f32(const int n, float * y, const float * x) {
    uint16_t t;
    for (int i = 0; i < n; ++i) {
]==]
  [==[inline static void ggml_vec_gelu_f32(const int n, float * y, const float * x) {
    uint16_t t;
    int i = 0;
#if defined(__AVX2__) && defined(__F16C__)
    // vidmsg: eight at a time; values outside (-10, 10) look up entry 0 and are replaced
    for (; i + 8 <= n; i += 8) {
        const __m256 xv = _mm256_loadu_ps(x + i);
        const __m256 in = _mm256_and_ps(_mm256_cmp_ps(xv, _mm256_set1_ps(-10.0f), _CMP_GT_OQ),
                                        _mm256_cmp_ps(xv, _mm256_set1_ps(10.0f), _CMP_LT_OQ));
        const __m256i idx = _mm256_and_si256(_mm256_cvtepu16_epi32(_mm256_cvtps_ph(xv, 0)), _mm256_castps_si256(in));
        const __m256i g = _mm256_and_si256(_mm256_i32gather_epi32((const int *) ggml_table_gelu_f16, idx, 2),
                                           _mm256_set1_epi32(0xffff));
        const __m256 gv = _mm256_cvtph_ps(_mm_packus_epi32(_mm256_castsi256_si128(g), _mm256_extracti128_si256(g, 1)));
        __m256 yv = _mm256_blendv_ps(xv, gv, in);
        yv = _mm256_blendv_ps(yv, _mm256_setzero_ps(), _mm256_cmp_ps(xv, _mm256_set1_ps(-10.0f), _CMP_LE_OQ));
        _mm256_storeu_ps(y + i, yv);
    }
#endif
    for (; i < n; ++i) {
]==])

# The softmax over attention scores finds each row's maximum one value at a time (a chain of
# 1,472 dependent comparisons per row of the encoder's attention); eight lanes at a time now.
# The maximum is the same value (a NaN aside, which the softmax turns into NaN anyway).
vidmsg_change("max eight values at a time"
  [==[    float max = -INFINITY;
    for (int i = 0; i < n; ++i) {
        max = MAX(max, x[i]);
    }
    *s = max;
]==]
  [==[    float max = -INFINITY;
    int i = 0;
#if defined(__AVX2__)
    // vidmsg: eight lanes, then the lanes' maximum
    if (n >= 8) {
        __m256 m = _mm256_set1_ps(-INFINITY);
        for (; i + 8 <= n; i += 8) {
            m = _mm256_max_ps(m, _mm256_loadu_ps(x + i));
        }
        float lanes[8];
        _mm256_storeu_ps(lanes, m);
        for (int j = 0; j < 8; ++j) {
            max = MAX(max, lanes[j]);
        }
    }
#endif
    for (; i < n; ++i) {
        max = MAX(max, x[i]);
    }
    *s = max;
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
