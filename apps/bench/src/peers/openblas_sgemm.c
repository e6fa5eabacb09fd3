/*
 * OpenBLAS's sgemm called directly from C: the practical limit of any
 * library built on it (our native backend, PyTorch with OpenBLAS). Same
 * timing rule as the JS side: warm-up, then the best of several chunks.
 *
 *   openblas_sgemm N THREADS WARMUP CHUNKS MIN_ITERS MIN_CHUNK_MS  ->  "GFLOP/s iters"
 */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
  if (argc < 7) return 2;
  int n = atoi(argv[1]), threads = atoi(argv[2]), warmup = atoi(argv[3]), chunks = atoi(argv[4]), min_iters = atoi(argv[5]);
  double min_chunk = atof(argv[6]) / 1000;
  openblas_set_num_threads(threads);
  float *a = malloc(sizeof(float) * n * n), *b = malloc(sizeof(float) * n * n), *c = malloc(sizeof(float) * n * n);
  srand(1);
  for (long i = 0; i < (long)n * n; i++) {
    a[i] = (float)rand() / RAND_MAX - 0.5f;
    b[i] = (float)rand() / RAND_MAX - 0.5f;
  }
  for (int i = 0; i < warmup; i++) cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a, n, b, n, 0, c, n);
  double best = 1e30;
  long total = 0;
  for (int k = 0; k < chunks; k++) {
    double t0 = now(), dt = 0;
    int iters = 0;
    while (iters < min_iters || dt < min_chunk) {
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a, n, b, n, 0, c, n);
      iters++;
      dt = now() - t0;
    }
    total += iters;
    if (dt / iters < best) best = dt / iters;
  }
  printf("%f %ld %f\n", 2.0 * n * n * n / best / 1e9, total, c[0]);
  return 0;
}
