/**
 * Resolves with the first SIGINT or SIGTERM, then removes its handlers. Only long-running
 * command actions (api, controller, worker, emulator) call it: they are entry points.
 */
export function waitForSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals): void => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
      resolve(signal);
    };
    process.once('SIGTERM', on);
    process.once('SIGINT', on);
  });
}
