/** What the benches share: their scratch database, waiting for the server, reading a process's CPU. */
import { readFileSync } from 'node:fs';
import pg from 'pg';

async function adminQuery(serverUrl: string, text: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(text);
  } finally {
    await admin.end();
  }
}

/** The connection string of database `name` on the server of `serverUrl`. */
export function databaseUrlFor(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Creates database `name` empty (dropping an earlier one) on the server of `serverUrl`; returns its URL. */
export async function recreateDatabase(serverUrl: string, name: string): Promise<string> {
  await adminQuery(serverUrl, `drop database if exists ${name} with (force)`);
  await adminQuery(serverUrl, `create database ${name}`);
  return databaseUrlFor(serverUrl, name);
}

export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await adminQuery(serverUrl, `drop database if exists ${name} with (force)`);
}

/** Polls `{base}/health` every 100 ms until it answers 200 (30 s at most). */
export async function waitForHealth(base: string): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    if (await fetch(`${base}/health`).then((response) => response.ok, () => false)) return;
    if (attempt > 300) throw new Error('server did not start');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A process's name and the CPU seconds (user + system) it used so far, from /proc; undefined once it is gone. */
export function processCpu(pid: number | string): { name: string; seconds: number } | undefined {
  const ticks = 100; // USER_HZ
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { name, seconds: (Number(fields[11]) + Number(fields[12])) / ticks };
  } catch {
    return undefined;
  }
}
