let stopSignal: NodeJS.Signals | undefined;

/** The signal a long-running command was stopped by, if one was: its action has shut down when it returns. */
export function stoppedBy(): NodeJS.Signals | undefined {
  return stopSignal;
}

/**
 * Resolves with the first SIGINT or SIGTERM, then removes its handlers. Only long-running
 * command actions (api, controller, worker, emulator) call it: they are entry points.
 */
export function waitForSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals): void => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
      stopSignal = signal;
      resolve(signal);
    };
    process.once('SIGTERM', on);
    process.once('SIGINT', on);
  });
}
