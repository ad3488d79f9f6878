import type { Pool } from '../../controller/db/index.ts';
import type { JsonObject, ProcessError, StepRecord, StepStatus } from '../../controller/workflow/index.ts';

interface StepRow {
  id: string;
  process_id: string;
  step_name: string;
  position: number;
  status: StepStatus;
  attempt: number;
  input_data: JsonObject;
  output_data: JsonObject;
  error_message: string | null;
  error: ProcessError | null;
  started_at: Date | null;
  completed_at: Date | null;
}

/** Step attempts of many processes in one query (the GraphQL `Process.steps` loader), by process id. */
export async function selectStepsOf(pool: Pool, processIds: readonly string[]): Promise<Map<string, StepRecord[]>> {
  const byProcess = new Map<string, StepRecord[]>(processIds.map((id) => [id, []]));
  if (processIds.length === 0) return byProcess;
  const { rows } = await pool.query<StepRow>('SELECT * FROM process_steps WHERE process_id = ANY($1::uuid[]) ORDER BY process_id, position, attempt', [processIds]);
  for (const row of rows) {
    byProcess.get(row.process_id)?.push({
      id: row.id,
      processId: row.process_id,
      name: row.step_name,
      position: row.position,
      status: row.status,
      attempt: row.attempt,
      input: row.input_data,
      output: row.output_data,
      errorMessage: row.error_message,
      error: row.error,
      startedAt: row.started_at?.toISOString() ?? null,
      completedAt: row.completed_at?.toISOString() ?? null,
    });
  }
  return byProcess;
}
