import { createServer } from 'node:net';

/** Asks the OS for a free TCP port on loopback (0 = any). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not find a free port'));
      });
    });
  });
}

/** Fails with a clear message when a fixed port is taken. */
export async function assertPortFree(
  port: number,
  what: string,
  host = '127.0.0.1',
): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new Error(
              `port ${port} for ${what} is already in use; set another port or stop the other process`,
            )
          : err,
      ),
    );
    server.listen(port, host, () => server.close(() => resolve()));
  });
}
