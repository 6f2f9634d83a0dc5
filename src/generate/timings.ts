/** One phase of a command and how long it took (phases run at the same time overlap). */
export interface Timing {
  phase: string;
  ms: number;
}

/**
 * Where a command's time goes, phase by phase (`generate --timings`).
 *
 * @example const timings = new Timings(); await timings.time('model DDL', () => applyModel(db, ddl));
 */
export class Timings {
  readonly phases: Timing[] = [];

  async time<T>(phase: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.add(phase, performance.now() - started);
    }
  }

  add(phase: string, ms: number): void {
    this.phases.push({ phase, ms: Math.round(ms) });
  }
}
