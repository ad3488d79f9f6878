/** The id of a reference NetBox returns as a nested object or a bare id. */
export function refId(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (value && typeof value === 'object' && typeof (value as { id?: unknown }).id === 'number') return (value as { id: number }).id;
  return undefined;
}

/** The tag slugs of a NetBox object (tags read back nested, or as slugs). */
export function tagSlugsOf(record: Readonly<Record<string, unknown>>): string[] {
  const tags = record.tags;
  if (!Array.isArray(tags)) return [];
  return tags.map((t: unknown) => (typeof t === 'object' && t !== null ? String((t as { slug?: unknown }).slug) : String(t)));
}
