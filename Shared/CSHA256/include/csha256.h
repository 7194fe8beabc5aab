// SHA-256 block compression in hardware (the x86 SHA extensions), for AttacheModels'
// SHA256.Hasher. Padding, lengths and the portable rounds stay in Swift
// (Shared/AttacheModels/SHA256.swift); this is only the inner loop.
#ifndef CSHA256_H
#define CSHA256_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// SHA-256's 64 round constants (the first 32 bits of the fractional parts of the cube roots
/// of the first 64 primes), for the hardware and the portable rounds alike.
extern const uint32_t csha256_round_constants[64];

/// Whether `csha256_compress` can run on this CPU: x86-64 with the SHA extensions, SSSE3 and
/// SSE4.1. Asked of the CPU once; later calls read the cached answer. Always 0 on other
/// architectures.
int csha256_available(void);

/// Runs the SHA-256 compression function over `count` consecutive 64-byte blocks at `blocks`
/// (any alignment), updating the chaining value `state` (H0…H7 as native 32-bit words) in place.
/// Only call it when `csha256_available()` returned 1: elsewhere it traps.
void csha256_compress(uint32_t state[8], const void *blocks, size_t count);

#ifdef __cplusplus
}
#endif

#endif
