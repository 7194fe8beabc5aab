// SHA-256 compression with the x86 SHA extensions (SHA-NI), selected at run time.
//
// The code is compiled for a baseline x86-64: only the functions that use the extensions carry
// `target("sha,sse4.1,ssse3")`, and they run only after CPUID said the CPU has them, so no
// global compiler flags are needed and the binary still runs on CPUs without them (the Swift
// rounds take over there). On other architectures nothing here is used.
#include "csha256.h"

/// The 64 round constants (FIPS 180-4 §4.2.2), aligned for 128-bit loads, four per round group.
/// The Swift rounds read them from here too: one table for both.
const uint32_t csha256_round_constants[64] __attribute__((aligned(16))) = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#if defined(__x86_64__)

#include <cpuid.h>
#include <immintrin.h>

#define CSHA256_TARGET __attribute__((target("sha,sse4.1,ssse3")))
#define CSHA256_INLINE static inline __attribute__((always_inline, target("sha,sse4.1,ssse3")))

/// 0 not yet asked, 1 no, 2 yes. Read and written atomically: two threads may both ask CPUID
/// the first time, and both store the same answer.
static int csha256_support = 0;

static int csha256_detect(void) {
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    const unsigned ssse3 = 1u << 9, sse41 = 1u << 19;
    if ((ecx & ssse3) == 0 || (ecx & sse41) == 0) return 0;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    const unsigned sha = 1u << 29;
    return (ebx & sha) != 0;
}

int csha256_available(void) {
    int support = __atomic_load_n(&csha256_support, __ATOMIC_RELAXED);
    if (support == 0) {
        support = csha256_detect() ? 2 : 1;
        __atomic_store_n(&csha256_support, support, __ATOMIC_RELAXED);
    }
    return support == 2;
}

/// Four rounds: the schedule words `w` plus the constants of round group `group`, two rounds per
/// SHA256RNDS2 (which takes its two words from the low half of its third operand). The
/// instruction returns the new (A, B, E, F); the old one becomes the new (C, D, G, H).
CSHA256_INLINE void csha256_rounds4(__m128i *abef, __m128i *cdgh, __m128i w, int group) {
    const __m128i wk = _mm_add_epi32(w, _mm_load_si128((const __m128i *)&csha256_round_constants[4 * group]));
    const __m128i first = _mm_sha256rnds2_epu32(*cdgh, *abef, wk);
    const __m128i second = _mm_sha256rnds2_epu32(*abef, first, _mm_shuffle_epi32(wk, 0x0E));
    *cdgh = first;
    *abef = second;
}

/// The next four schedule words W[t…t+3] from the previous sixteen, held four to a register:
/// w0 = W[t-16…t-13], w1 = W[t-12…t-9], w2 = W[t-8…t-5], w3 = W[t-4…t-1].
/// W[t] = σ1(W[t-2]) + W[t-7] + σ0(W[t-15]) + W[t-16]: SHA256MSG1 adds the σ0 terms,
/// the W[t-7…t-4] come from splicing w2 and w3, and SHA256MSG2 adds the σ1 terms (the last two
/// of which depend on the first two new words, which the instruction handles).
CSHA256_INLINE __m128i csha256_schedule(__m128i w0, __m128i w1, __m128i w2, __m128i w3) {
    __m128i t = _mm_sha256msg1_epu32(w0, w1);
    t = _mm_add_epi32(t, _mm_alignr_epi8(w3, w2, 4));
    return _mm_sha256msg2_epu32(t, w3);
}

CSHA256_TARGET void csha256_compress(uint32_t state[8], const void *message, size_t count) {
    const uint8_t *blocks = message;
    // The words of a block are big-endian: reverse the bytes of each 32-bit lane.
    const __m128i byteswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);

    // The instructions keep the state as (A, B, E, F) and (C, D, G, H), A and C in the high
    // lanes; memory has (A, B, C, D) and (E, F, G, H), A and E in the low lanes.
    const __m128i abcd = _mm_loadu_si128((const __m128i *)&state[0]);
    const __m128i efgh = _mm_loadu_si128((const __m128i *)&state[4]);
    const __m128i badc = _mm_shuffle_epi32(abcd, 0xB1); // lanes B A D C
    const __m128i hgfe = _mm_shuffle_epi32(efgh, 0x1B); // lanes H G F E
    __m128i abef = _mm_alignr_epi8(badc, hgfe, 8);      // lanes F E B A
    __m128i cdgh = _mm_blend_epi16(hgfe, badc, 0xF0);   // lanes H G D C

    for (size_t block = 0; block < count; block++, blocks += 64) {
        const __m128i saved_abef = abef, saved_cdgh = cdgh;
        __m128i w0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(blocks + 0)), byteswap);
        __m128i w1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(blocks + 16)), byteswap);
        __m128i w2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(blocks + 32)), byteswap);
        __m128i w3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(blocks + 48)), byteswap);

        // Sixteen groups of four rounds; each group after the first four uses words scheduled
        // from the four registers before it, which then replace the oldest one.
        csha256_rounds4(&abef, &cdgh, w0, 0);
        csha256_rounds4(&abef, &cdgh, w1, 1);
        csha256_rounds4(&abef, &cdgh, w2, 2);
        csha256_rounds4(&abef, &cdgh, w3, 3);
        for (int group = 4; group < 16; group += 4) {
            w0 = csha256_schedule(w0, w1, w2, w3);
            csha256_rounds4(&abef, &cdgh, w0, group);
            w1 = csha256_schedule(w1, w2, w3, w0);
            csha256_rounds4(&abef, &cdgh, w1, group + 1);
            w2 = csha256_schedule(w2, w3, w0, w1);
            csha256_rounds4(&abef, &cdgh, w2, group + 2);
            w3 = csha256_schedule(w3, w0, w1, w2);
            csha256_rounds4(&abef, &cdgh, w3, group + 3);
        }

        abef = _mm_add_epi32(abef, saved_abef);
        cdgh = _mm_add_epi32(cdgh, saved_cdgh);
    }

    // Back to (A, B, C, D) and (E, F, G, H).
    const __m128i abfe = _mm_shuffle_epi32(abef, 0x1B); // lanes A B E F
    const __m128i ghcd = _mm_shuffle_epi32(cdgh, 0xB1); // lanes G H C D
    _mm_storeu_si128((__m128i *)&state[0], _mm_blend_epi16(abfe, ghcd, 0xF0));
    _mm_storeu_si128((__m128i *)&state[4], _mm_alignr_epi8(ghcd, abfe, 8));
}

#else

int csha256_available(void) { return 0; }

void csha256_compress(uint32_t state[8], const void *blocks, size_t count) {
    (void)state;
    (void)blocks;
    (void)count;
    __builtin_trap();
}

#endif
