/*
 * The oneDNN engine and stream every oneDNN kernel of the addon shares, and
 * the one way to run a primitive (with signals held; see signals.c).
 * Include only under TENSILE_DNNL.
 */
#ifndef TENSILE_DNNL_CONTEXT_H
#define TENSILE_DNNL_CONTEXT_H

#include <oneapi/dnnl/dnnl.h>

/* The CPU engine, created on first use; NULL where oneDNN could not make one. */
dnnl_engine_t dnnl_cpu_engine(void);
/* Executes p on the shared stream and waits for it; 1 on success. */
int dnnl_run(dnnl_primitive_t p, int nargs, const dnnl_exec_arg_t *args);

#endif
