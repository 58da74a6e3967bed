// The results as Markdown tables: readable in a terminal, pasted as is into README.md.
export interface ThroughputRow {
  scenario: string;
  hawiya: number;
  bare: number;
  hawiyaP99Ms: number;
  bareP99Ms: number;
  // Server CPU time per answered request, in microseconds.
  hawiyaCpuUs: number;
  bareCpuUs: number;
  target: number;
}

export interface SignInRow {
  concurrency: number;
  signIns: number;
  signInsPerSecond: number;
  msPerSignIn: number;
  msPerHash: number;
  // Hawiya's CPU time (all threads) per sign-in and per hash.
  cpuMsPerSignIn: number;
  cpuMsPerHash: number;
  requestsPerSignIn: number;
  target: number;
}

const fixed = (value: number, digits: number) => value.toFixed(digits);
const verdict = (ok: boolean) => (ok ? 'pass' : '**miss**');

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export function throughputTable(rows: ThroughputRow[]): string {
  return table(
    ['scenario', 'Hawiya req/s', 'bare req/s', 'ratio', 'target', 'result', 'server CPU µs/req (Hawiya / bare)', 'CPU ratio', 'p99 ms (Hawiya / bare)'],
    rows.map((row) => {
      const ratio = row.hawiya / row.bare;
      return [row.scenario, fixed(row.hawiya, 0), fixed(row.bare, 0), fixed(ratio, 2), `≥ ${row.target}`, verdict(ratio >= row.target),
        `${fixed(row.hawiyaCpuUs, 0)} / ${fixed(row.bareCpuUs, 0)}`, fixed(row.bareCpuUs / row.hawiyaCpuUs, 2), `${row.hawiyaP99Ms} / ${row.bareP99Ms}`];
    }),
  );
}

export function signInTable(rows: SignInRow[]): string {
  return table(
    ['sign-ins at once', 'sign-ins', 'sign-ins/s', 'ms per sign-in', 'ms per argon2id hash', 'ratio', 'target', 'result',
      'server CPU ms (sign-in / hash)', 'CPU ratio', 'HTTP requests per sign-in'],
    rows.map((row) => {
      const ratio = row.msPerSignIn / row.msPerHash;
      return [String(row.concurrency), String(row.signIns), fixed(row.signInsPerSecond, 1), fixed(row.msPerSignIn, 1), fixed(row.msPerHash, 1),
        fixed(ratio, 2), `≤ ${row.target}`, verdict(ratio <= row.target),
        `${fixed(row.cpuMsPerSignIn, 1)} / ${fixed(row.cpuMsPerHash, 1)}`, fixed(row.cpuMsPerSignIn / row.cpuMsPerHash, 2), String(row.requestsPerSignIn)];
    }),
  );
}
