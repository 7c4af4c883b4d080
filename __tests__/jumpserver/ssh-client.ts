/** Promise helpers around the ssh2 client for the sshd tests. */
import { Client } from 'ssh2';
import type { AnyAuthMethod, AuthenticationType, ClientChannel, ConnectConfig } from 'ssh2';

export interface ConnectOptions {
  port: number;
  username: string;
  privateKey?: string;
  /** Host key signature algorithms to offer, e.g. ['ssh-ed25519']. */
  serverHostKey?: string[];
  /** Called with the raw host key blob the server presents. */
  onHostKey?: (blob: Buffer) => void;
  /** Replaces the default authentication with these attempts, in order. */
  attempts?: AnyAuthMethod[];
  /** Receives the methods the server says may continue, after each attempt. */
  onMethodsLeft?: (methods: AuthenticationType[] | null) => void;
  /** Allow requesting agent forwarding (the agent itself is never used). */
  agentForward?: boolean;
  /** The client's source address (another loopback address is another source to sshd). */
  localAddress?: string;
}

/** Connects and authenticates; rejects with ssh2's error when that fails. */
export function connect(options: ConnectOptions): Promise<Client> {
  const client = new Client();
  const config: ConnectConfig = {
    host: '127.0.0.1',
    port: options.port,
    username: options.username,
    readyTimeout: 60_000,
    hostVerifier: (key: Buffer) => {
      options.onHostKey?.(key);
      return true;
    }
  };
  if (options.privateKey !== undefined) config.privateKey = options.privateKey;
  if (options.localAddress !== undefined) config.localAddress = options.localAddress;
  if (options.agentForward) {
    config.agent = '/nonexistent/agent.sock';
    config.agentForward = true;
  }
  if (options.serverHostKey) config.algorithms = { serverHostKey: options.serverHostKey as never };
  if (options.attempts) {
    const queue: (AnyAuthMethod | false)[] = [...options.attempts, false];
    config.authHandler = (methodsLeft, _partial, next) => {
      options.onMethodsLeft?.(methodsLeft);
      next(queue.shift() as AnyAuthMethod);
    };
  }
  return new Promise((resolve, reject) => {
    client.once('ready', () => {
      client.removeListener('error', reject);
      resolve(client);
    });
    client.once('error', reject);
    client.connect(config);
  });
}

/** Opens a direct-tcpip channel; rejects when the server refuses it. */
export function forwardOut(client: Client, host: string, port: number): Promise<ClientChannel> {
  return new Promise((resolve, reject) =>
    client.forwardOut('127.0.0.1', 40000, host, port, (error, channel) =>
      error ? reject(error) : resolve(channel)
    )
  );
}

/** Sends `data` through a channel to an echo server and collects as many bytes back. */
export function echoThrough(channel: ClientChannel, data: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const timer = setTimeout(() => reject(new Error(`only ${received} bytes came back`)), 60_000);
    channel.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
      if (received >= data.length) {
        clearTimeout(timer);
        resolve(Buffer.concat(chunks));
      }
    });
    channel.on('error', reject);
    channel.write(data);
  });
}

/** Resolves with the error ssh2 reports, or rejects if the operation succeeded. */
export function expectFailure(
  start: (done: (error: Error | undefined) => void) => void
): Promise<Error> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('neither success nor failure within 60 s')),
      60_000
    );
    start(error => {
      clearTimeout(timer);
      if (error) resolve(error);
      else reject(new Error('the server allowed it'));
    });
  });
}
