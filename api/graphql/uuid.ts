const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `text` is a UUID (process ids), so that no query runs with a value Postgres would reject. */
export function isUuid(text: string): boolean {
  return UUID.test(text);
}
