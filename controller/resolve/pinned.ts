import type { Catalogue } from '../catalogue/index.ts';
import type { ValidationIssue } from '../errors/index.ts';
import { resolveIntents } from './resolver.ts';
import type { ResolverInput } from './resolver.ts';
import type { DesiredIntent, DesiredState } from './types.ts';

/** The library ref an intent pins (`spec.library.ref`), if any. */
export function pinOf(input: ResolverInput): string | undefined {
  return (input.intent.spec as { library?: { ref?: string } }).library?.ref;
}

/**
 * Resolves intents, each against the library revision it pins (`spec.library.ref`, served by
 * `at`) or else against `catalogue` (the installation's current or pinned revision). A pin
 * that cannot be served becomes an error on that intent, at `spec.library.ref`. The result
 * keeps the input order.
 */
export async function resolvePinned(inputs: readonly ResolverInput[], catalogue: Catalogue, at: (ref: string) => Promise<Catalogue>): Promise<DesiredState> {
  const groups = new Map<string | undefined, number[]>();
  inputs.forEach((input, index) => {
    const ref = pinOf(input);
    groups.set(ref, [...(groups.get(ref) ?? []), index]);
  });
  const results: (DesiredIntent | undefined)[] = new Array<DesiredIntent | undefined>(inputs.length);
  const issues: ValidationIssue[] = [];
  for (const [ref, indexes] of groups) {
    let library: Catalogue;
    try {
      library = ref === undefined ? catalogue : await at(ref);
    } catch (error) {
      for (const index of indexes) issues.push(pinIssue(inputs[index] as ResolverInput, ref as string, error));
      continue;
    }
    const state = resolveIntents(
      indexes.map((i) => inputs[i] as ResolverInput),
      library,
    );
    state.intents.forEach((desired, position) => (results[indexes[position] as number] = desired));
    issues.push(...state.issues);
  }
  return { intents: results.filter((d): d is DesiredIntent => d !== undefined), libraryRevision: catalogue.revision, issues };
}

function pinIssue(input: ResolverInput, ref: string, error: unknown): ValidationIssue {
  const position = input.locate?.(['spec', 'library', 'ref']);
  const reason = error instanceof Error ? error.message : String(error);
  return {
    ...(input.file !== undefined ? { file: input.file } : {}),
    ...(position ? { line: position.line, column: position.column } : {}),
    path: 'spec.library.ref',
    message: `${input.intent.kind}/${input.intent.metadata.name} pins the devicetype-library at "${ref}", which cannot be loaded: ${reason}`,
    severity: 'error',
  };
}
