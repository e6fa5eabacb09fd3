/**
 * Ctrl-C, SIGTERM and SIGHUP, one path for all: the first asks the running
 * command to stop cleanly (training: after the batch in progress, then save);
 * a second ends the process at once. Under the launcher (bin/tensile.js) the
 * same request also arrives as an IPC message, counted once with the
 * terminal's own signal, and the launcher is told that the request was seen
 * (a stuck process never says so, and the launcher ends it).
 */

export type StopSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

const CODES: Record<StopSignal, number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

/** The exit code of a run stopped by this signal (128 + its number, as shells report). */
export function exitCodeOf(signal: StopSignal): number {
  return CODES[signal];
}

let handler: ((signal: StopSignal) => void) | null = null;
let requested: StopSignal | null = null;
let direct = 0;

function stop(signal: StopSignal): void {
  if (requested) return;
  requested = signal;
  process.send?.({ type: 'stopping', signal });
  if (handler) handler(signal);
  else process.exit(exitCodeOf(signal)); // nothing to finish: end now
}

/** Installs the signal and IPC listeners (once, at start-up). */
export function installInterrupts(): void {
  let last = { signal: '', at: 0 };
  for (const signal of Object.keys(CODES) as StopSignal[]) {
    process.on(signal, () => {
      // The same signal twice within 300 ms is one request passed on twice (a wrapper forwarding what the group already got).
      if (signal === last.signal && Date.now() - last.at < 300) return;
      last = { signal, at: Date.now() };
      if (++direct > 1) process.exit(exitCodeOf(signal));
      stop(signal);
    });
  }
  if (process.send) {
    process.on('message', (message: { type?: string; signal?: StopSignal }) => {
      if (message?.type === 'stop' && message.signal && message.signal in CODES) stop(message.signal);
    });
    // The launcher is gone (killed): stop as if by SIGHUP, so the run still saves.
    process.on('disconnect', () => stop('SIGHUP'));
    process.channel?.unref();
  }
}

/** The signal that asked the process to stop, if any. */
export function stopRequested(): StopSignal | null {
  return requested;
}

/** Routes stop requests to `fn` (training) until the returned function is called. */
export function onStop(fn: (signal: StopSignal) => void): () => void {
  handler = fn;
  if (requested) fn(requested);
  return () => {
    if (handler === fn) handler = null;
  };
}
