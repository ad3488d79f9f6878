// Objects the contract tests create, all named after the file's run id, and their removal.
import { expect } from 'vitest';
import type { Target } from './target.ts';

export interface Named {
  readonly id: number;
  readonly [key: string]: unknown;
}

/** Tracks created objects so afterAll can delete them in dependency order. */
export class Fixtures {
  private readonly created: Array<{ path: string; id: number }> = [];

  constructor(readonly target: Target) {}

  /** Name/slug unique to this run: `<run id>-<suffix>`. */
  name(suffix: string): string {
    return `${this.target.runId}-${suffix}`;
  }

  async create(path: string, body: Record<string, unknown>): Promise<Named> {
    const reply = await this.target.call<Named>('POST', path, body);
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    this.created.push({ path, id: reply.body.id });
    return reply.body;
  }

  /** Bulk create; `cascaded` objects are not tracked because deleting their parent removes them. */
  async createMany(path: string, bodies: Array<Record<string, unknown>>, options: { cascaded?: boolean } = {}): Promise<Named[]> {
    const reply = await this.target.call<Named[]>('POST', path, bodies);
    expect(reply.status, JSON.stringify(reply.body).slice(0, 500)).toBe(201);
    if (!options.cascaded) for (const item of reply.body) this.created.push({ path, id: item.id });
    return reply.body;
  }

  /** Records an object created by the test itself. */
  track(path: string, id: number): void {
    this.created.push({ path, id });
  }

  manufacturer(suffix = 'mfr'): Promise<Named> {
    return this.create('/api/dcim/manufacturers/', { name: this.name(suffix), slug: this.name(suffix) });
  }

  deviceType(manufacturer: Named, suffix: string, extra: Record<string, unknown> = {}): Promise<Named> {
    return this.create('/api/dcim/device-types/', { manufacturer: manufacturer.id, model: this.name(suffix), slug: this.name(suffix), ...extra });
  }

  /**
   * Deletes everything created, newest first (templates before types before manufacturers),
   * one bulk DELETE per run of objects of the same endpoint. Ids already gone are skipped.
   */
  async cleanup(): Promise<void> {
    const batches: Array<{ path: string; ids: number[] }> = [];
    for (const { path, id } of this.created.reverse()) {
      const last = batches.at(-1);
      if (last && last.path === path) last.ids.push(id);
      else batches.push({ path, ids: [id] });
    }
    this.created.length = 0;
    for (const { path, ids } of batches) {
      const reply = await this.target.call(
        'DELETE',
        path,
        ids.map((id) => ({ id })),
      );
      if (reply.status !== 204) throw new Error(`cleanup DELETE ${path} answered ${reply.status}: ${JSON.stringify(reply.body)}`);
    }
  }
}

export interface Page<T = Named> {
  readonly count: number;
  readonly next: string | null;
  readonly previous: string | null;
  readonly results: T[];
}
