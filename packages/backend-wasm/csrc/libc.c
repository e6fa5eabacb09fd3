/* memcpy/memset for the freestanding build: clang lowers struct copies and
 * some loops to calls of these; bulk-memory makes them single instructions. */
#include "common.h"

void *memcpy(void *dst, const void *src, size_t n) {
  __builtin_memcpy(dst, src, n);
  return dst;
}

void *memset(void *dst, int c, size_t n) {
  __builtin_memset(dst, c, n);
  return dst;
}
