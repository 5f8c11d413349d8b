import type { Server } from 'node:http';

/**
 * Bounds the connections one address may hold open at once: past `max`, a new one is closed as it
 * arrives, before a byte of it is read. Slow clients then cost at most `max` sockets an address.
 * (0: no bound — behind a proxy every client shares its address; bound clients there instead.)
 */
export function limitConnectionsPerClient(server: Server, max: number): void {
  if (max === 0) return;
  const open = new Map<string, number>();
  server.on('connection', (socket) => {
    const address = socket.remoteAddress ?? '';
    const count = (open.get(address) ?? 0) + 1;
    if (count > max) {
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left === 0) open.delete(address);
      else open.set(address, left);
    });
  });
}
