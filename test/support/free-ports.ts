// Ports for the servers and processes a test starts.
import { createServer } from 'node:net';

/** A free TCP port on 127.0.0.1 (free when asked; good enough for a test's own server). */
export async function freePort(): Promise<number> {
  return (await freePorts(1))[0]!;
}

/**
 * `count` distinct free TCP ports on 127.0.0.1. The probes stay open until all are chosen: ports
 * asked for one at a time, for processes that bind them only later, can come back the same (a
 * fault-suite API once got a worker's metrics port, and the checks then asked the worker).
 */
export async function freePorts(count: number): Promise<number[]> {
  const probes = Array.from({ length: count }, () => createServer());
  await Promise.all(
    probes.map((probe) => new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))),
  );
  const ports = probes.map((probe) => {
    const address = probe.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return address.port;
  });
  await Promise.all(probes.map((probe) => new Promise<void>((resolve) => probe.close(() => resolve()))));
  return ports;
}
