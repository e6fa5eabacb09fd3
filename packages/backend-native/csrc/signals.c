/*
 * oneDNN 2.6's JIT sgemm points the stack pointer into a heap buffer while it
 * runs (oneDNN issue #4845, fixed in 3.11.2), so a signal handled on a thread
 * inside it pushes its frame over the heap: under V8's profiler (SIGPROF)
 * that corrupted malloc within seconds. Asynchronous signals are therefore
 * held for the length of each oneDNN call on the calling thread, and blocked
 * for good on the OpenMP workers, which never need them (Node handles signals
 * on its own threads). A held signal is delivered when the call returns.
 */
#include <omp.h>
#include <pthread.h>
#include <signal.h>

#include "native.h"

/* Everything but the faults a thread raises itself, which must stay deliverable. */
static void async_signals(sigset_t *set) {
  sigfillset(set);
  sigdelset(set, SIGSEGV);
  sigdelset(set, SIGBUS);
  sigdelset(set, SIGFPE);
  sigdelset(set, SIGILL);
  sigdelset(set, SIGTRAP);
  sigdelset(set, SIGABRT);
}

void signals_hold(sigset_t *saved) {
  sigset_t set;
  async_signals(&set);
  pthread_sigmask(SIG_BLOCK, &set, saved);
}

void signals_release(const sigset_t *saved) { pthread_sigmask(SIG_SETMASK, saved, NULL); }

void threads_start(int n) {
  sigset_t saved;
  /* workers created now inherit the blocked mask; ones that already exist block it themselves */
  signals_hold(&saved);
#pragma omp parallel num_threads(n)
  {
    if (omp_get_thread_num() != 0) {
      sigset_t set;
      async_signals(&set);
      pthread_sigmask(SIG_BLOCK, &set, NULL);
    }
  }
  signals_release(&saved);
}
