/* The shared oneDNN engine and stream (dnnl_context.h). */
#include "native.h"

#ifdef TENSILE_DNNL
#include "dnnl_context.h"

static dnnl_engine_t engine;
static dnnl_stream_t stream;

dnnl_engine_t dnnl_cpu_engine(void) {
  if (engine) return engine;
  if (dnnl_engine_create(&engine, dnnl_cpu, 0) != dnnl_success) return NULL;
  if (dnnl_stream_create(&stream, engine, dnnl_stream_default_flags) != dnnl_success) {
    dnnl_engine_destroy(engine);
    engine = NULL;
  }
  return engine;
}

int dnnl_run(dnnl_primitive_t p, int nargs, const dnnl_exec_arg_t *args) {
  if (!dnnl_cpu_engine()) return 0;
  sigset_t saved;
  signals_hold(&saved);
  dnnl_status_t s = dnnl_primitive_execute(p, stream, nargs, args);
  if (s == dnnl_success) s = dnnl_stream_wait(stream);
  signals_release(&saved);
  return s == dnnl_success;
}

#endif
