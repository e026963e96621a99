/** Starting the measured processes (atsgate, the proxy) and talking to them over IPC. */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface Child {
  url: string;
  proc: ChildProcess;
  ask<T = any>(msg: Record<string, unknown>): Promise<T>;
  close(): Promise<void>;
}

let seq = 0;

export async function startChild(script: string, env: Record<string, string>, execArgv: string[] = []): Promise<Child> {
  const proc = fork(fileURLToPath(new URL(script, import.meta.url)), [], {
    env: { ...process.env, ...env },
    execArgv: ['--import', 'tsx', '--expose-gc', ...execArgv],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, (m: any) => void>();
  const ready = new Promise<string>((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready`)));
    proc.on('message', (m: any) => {
      if (m.ready) return resolve(m.url);
      pending.get(m._rid)?.(m);
      pending.delete(m._rid);
    });
  });
  const url = await ready;
  return {
    url,
    proc,
    ask(msg) {
      const id = ++seq;
      return new Promise((resolve, reject) => {
        pending.set(id, (m) => (m.ok ? resolve(m) : reject(new Error(m.error))));
        proc.send({ ...msg, _rid: id });
      });
    },
    async close() {
      if (proc.exitCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      const id = ++seq;
      proc.send({ cmd: 'close', _rid: id });
      await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
      if (proc.exitCode === null) proc.kill('SIGKILL');
    },
  };
}
