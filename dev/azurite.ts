import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Where to run Azurite's queue service. */
export interface AzuriteOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  readonly port?: number;
  /** Folder for Azurite's data; created if missing. */
  readonly location: string;
}

/** A running Azurite queue service. */
export interface Azurite {
  /** Connection string for the well-known development account, queue endpoint only. */
  readonly connectionString: string;
  /** Stops the service and waits for its process to exit. */
  close(): Promise<void>;
}

/** The well-known development storage account every Azure Storage emulator accepts (public). */
const developmentAccount = {
  name: 'devstoreaccount1',
  key: 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==',
};

/**
 * Loaded into the Azurite process before its own code: when our process goes away (even killed),
 * the IPC channel closes and Azurite is told to shut down, so it never outlives us.
 */
const exitWithParent =
  'data:text/javascript,process.on("disconnect",()=>{' +
  'process.kill(process.pid,"SIGTERM");setTimeout(()=>process.exit(0),5000).unref();})';

const startTimeoutInMs = 30_000;
const stopTimeoutInMs = 10_000;

/**
 * Starts Azurite's queue service (only) in a child process on the loopback interface, with
 * telemetry disabled and the API version check skipped (SDKs may be newer than Azurite).
 */
export async function startAzurite(options: AzuriteOptions): Promise<Azurite> {
  await mkdir(options.location, { recursive: true });
  const child = spawn(
    process.execPath,
    [
      '--import',
      exitWithParent,
      azuriteQueueEntry(),
      ...['--queueHost', '127.0.0.1', '--queuePort', String(options.port ?? 0)],
      ...['--location', options.location, '--skipApiVersionCheck', '--disableTelemetry'],
      '--silent',
    ],
    { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env: { ...process.env, NODE_OPTIONS: '' } },
  );

  try {
    const port = await waitForListening(child);
    return {
      connectionString:
        `DefaultEndpointsProtocol=http;AccountName=${developmentAccount.name};` +
        `AccountKey=${developmentAccount.key};` +
        `QueueEndpoint=http://127.0.0.1:${port}/${developmentAccount.name};`,
      close: () => stop(child),
    };
  } catch (caught) {
    await stop(child);
    throw caught;
  }
}

function azuriteQueueEntry(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('azurite/package.json')), 'dist/src/queue/main.js');
}

/** Resolves with the port once Azurite says it listens; rejects if it exits or takes too long. */
function waitForListening(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`Azurite did not start within ${startTimeoutInMs} ms.`)),
      startTimeoutInMs,
    );
    const settle = (settleWith: () => void) => {
      clearTimeout(timer);
      child.stdout?.off('data', onData).resume();
      child.stderr?.off('data', onData).resume();
      child.off('exit', onExit);
      settleWith();
    };
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4096);
      const listening = /successfully listens on https?:\/\/[^\s:]+:(\d+)/.exec(output);
      if (listening) {
        settle(() => resolve(Number(listening[1])));
      }
    };
    const onExit = (code: number | null) =>
      settle(() => {
        const lastLine = output.trim().split('\n').at(-1) ?? '';
        reject(new Error(`Azurite exited with code ${code} before listening: ${lastLine}`));
      });

    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

/**
 * Closes the IPC channel, which makes Azurite shut down gracefully (see {@link exitWithParent}),
 * and kills it if it has not exited in time.
 */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (child.connected) {
    child.disconnect();
  } else {
    child.kill('SIGTERM');
  }
  const timer = setTimeout(() => child.kill('SIGKILL'), stopTimeoutInMs);
  await exited;
  clearTimeout(timer);
}
