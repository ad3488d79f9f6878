// Data of each view through TanStack Query: cached per key, refetched when live events mark it
// stale (see useLiveInvalidation), retried on network errors but never on 4xx.
import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { UseQueryResult } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { api, query } from './client.ts';
import { useWorkflowEvents } from './live.ts';
import type { LiveEvent } from './live.ts';
import type {
  AuditRecord,
  DeviceTypePreview,
  DriftHistory,
  DriftPage,
  DriftRow,
  IntentDetail,
  IntentSummary,
  LibraryVendor,
  Page,
  Process,
  ProcessDetail,
  ProcessOutcomes,
  Workflow,
} from './types.ts';

const enc = encodeURIComponent;

export const keys = {
  intents: ['intents'] as const,
  intent: (kind: string, name: string) => ['intent', kind, name] as const,
  drift: (kind: string, name: string) => ['drift', kind, name] as const,
  driftHistory: (range: string) => ['drift-history', range] as const,
  outcomes: (range: string) => ['outcomes', range] as const,
  processes: (filter: ProcessFilter, cursor: string | null) => ['processes', filter, cursor] as const,
  process: (id: string) => ['process', id] as const,
  audit: (filter: AuditFilter, cursor: string | null) => ['audit', filter, cursor] as const,
  workflows: ['workflows'] as const,
  vendors: ['library', 'vendors'] as const,
  preview: (vendor: string, filter: string) => ['library', 'preview', vendor, filter] as const,
};

/**
 * The overview's queries as options, for useQuery and for prefetching beside the session check.
 * `token` is only for that prefetch (before the session keeps the token); views leave it out.
 */
export const overviewQueries = {
  intents: (token?: string) =>
    queryOptions({
      queryKey: keys.intents,
      queryFn: async ({ signal }) => (await api<{ items: IntentSummary[] }>('/api/v1/intents', { signal, ...(token ? { token } : {}) })).items,
    }),
  driftHistory: (window: TimeWindow, token?: string) =>
    queryOptions({
      queryKey: keys.driftHistory(`${window.from}/${window.to}/${window.buckets}`),
      queryFn: ({ signal }) => api<DriftHistory>(`/api/v1/drift/history${query({ ...window })}`, { signal, ...(token ? { token } : {}) }),
      placeholderData: keepPreviousData,
    }),
  outcomes: (window: TimeWindow, token?: string) =>
    queryOptions({
      queryKey: keys.outcomes(`${window.from}/${window.to}/${window.buckets}`),
      queryFn: ({ signal }) =>
        api<ProcessOutcomes>(`/api/v1/processes/outcomes${query({ ...window, workflow: 'reconcile_intent' })}`, { signal, ...(token ? { token } : {}) }),
      placeholderData: keepPreviousData,
    }),
};

export function useIntents(): UseQueryResult<readonly IntentSummary[]> {
  return useQuery(overviewQueries.intents());
}

/** Page size of the drift download: 25,000 rows arrive in three requests. */
export const DRIFT_PAGE = 10_000;

/** The intent page's queries as options, for useQuery and for prefetching beside the session check (see overviewQueries). */
export const intentQueries = {
  intent: (kind: string, name: string, token?: string) =>
    queryOptions({
      queryKey: keys.intent(kind, name),
      queryFn: ({ signal }) => api<IntentDetail>(`/api/v1/intents/${enc(kind)}/${enc(name)}?driftLimit=0`, { signal, ...(token ? { token } : {}) }),
    }),
  /** All of an intent's drift rows, page after page (the list filters them in the browser). */
  drift: (kind: string, name: string, token?: string) =>
    queryOptions({
      queryKey: keys.drift(kind, name),
      queryFn: async ({ signal }): Promise<{ rows: DriftRow[]; total: number }> => {
        const rows: DriftRow[] = [];
        let cursor: string | null = null;
        let total = 0;
        do {
          const page: DriftPage = await api<DriftPage>(`/api/v1/intents/${enc(kind)}/${enc(name)}/drift${query({ limit: DRIFT_PAGE, cursor })}`, {
            signal,
            ...(token ? { token } : {}),
          });
          rows.push(...page.items);
          total = page.total;
          cursor = page.nextCursor;
        } while (cursor !== null);
        return { rows, total };
      },
    }),
};

export function useIntent(kind: string, name: string): UseQueryResult<IntentDetail> {
  return useQuery(intentQueries.intent(kind, name));
}

/** All of an intent's drift rows, page after page (the list filters them in the browser). */
export function useDrift(kind: string, name: string): UseQueryResult<{ rows: DriftRow[]; total: number }> {
  return useQuery(intentQueries.drift(kind, name));
}

export interface TimeWindow {
  readonly from: string;
  readonly to: string;
  readonly buckets: number;
}

export function useDriftHistory(window: TimeWindow): UseQueryResult<DriftHistory> {
  return useQuery(overviewQueries.driftHistory(window));
}

export function useOutcomes(window: TimeWindow): UseQueryResult<ProcessOutcomes> {
  return useQuery(overviewQueries.outcomes(window));
}

export interface ProcessFilter {
  readonly status?: string;
  readonly workflow?: string;
  readonly intentKind?: string;
  readonly intentName?: string;
  readonly from?: string;
  readonly to?: string;
}

export function useProcesses(filter: ProcessFilter, cursor: string | null, limit = 50): UseQueryResult<Page<Process>> {
  return useQuery({
    queryKey: [...keys.processes(filter, cursor), limit],
    queryFn: ({ signal }) => api<Page<Process>>(`/api/v1/processes${query({ ...filter, limit, cursor })}`, { signal }),
    placeholderData: keepPreviousData,
  });
}

export function useProcess(id: string): UseQueryResult<ProcessDetail> {
  return useQuery({ queryKey: keys.process(id), queryFn: ({ signal }) => api<ProcessDetail>(`/api/v1/processes/${enc(id)}`, { signal }) });
}

export interface AuditFilter {
  readonly processId?: string;
  readonly intentKind?: string;
  readonly intentName?: string;
  readonly objectKind?: string;
  readonly search?: string;
  readonly action?: string;
  readonly from?: string;
  readonly to?: string;
}

export function useAudit(filter: AuditFilter, cursor: string | null, limit = 50): UseQueryResult<Page<AuditRecord>> {
  return useQuery({
    queryKey: [...keys.audit(filter, cursor), limit],
    queryFn: ({ signal }) => api<Page<AuditRecord>>(`/api/v1/audit${query({ ...filter, limit, cursor })}`, { signal }),
    placeholderData: keepPreviousData,
  });
}

export function useWorkflows(): UseQueryResult<readonly Workflow[]> {
  return useQuery({
    queryKey: keys.workflows,
    queryFn: async ({ signal }) => (await api<{ items: Workflow[] }>('/api/v1/workflows', { signal })).items,
    staleTime: 60_000,
  });
}

export function useVendors(): UseQueryResult<{ revision: string; items: readonly LibraryVendor[] }> {
  return useQuery({
    queryKey: keys.vendors,
    queryFn: ({ signal }) => api<{ revision: string; items: LibraryVendor[] }>('/api/v1/library/vendors', { signal }),
    staleTime: 300_000,
  });
}

export function useDeviceTypePreview(vendor: string, filter: string): UseQueryResult<DeviceTypePreview> {
  return useQuery({
    queryKey: keys.preview(vendor, filter),
    queryFn: ({ signal }) => api<DeviceTypePreview>(`/api/v1/library/device-types${query({ vendor, filter, limit: 200 })}`, { signal }),
    enabled: vendor !== '',
    placeholderData: keepPreviousData,
    staleTime: 300_000,
  });
}

/** Mutations: each marks what it changed stale; live events do the rest. */
export function useActions() {
  const client = useQueryClient();
  const touched = (...queryKeys: readonly (readonly unknown[])[]): void => {
    for (const key of queryKeys) void client.invalidateQueries({ queryKey: key });
  };
  return {
    startWorkflow: useMutation({
      mutationFn: ({ name, form }: { name: string; form: Record<string, unknown> }) =>
        api<Process>(`/api/v1/workflows/${enc(name)}`, { method: 'POST', body: form }),
      onSuccess: () => touched(['processes']),
    }),
    cancel: useMutation({
      mutationFn: (id: string) => api<Process>(`/api/v1/processes/${enc(id)}`, { method: 'DELETE' }),
      onSuccess: (p) => touched(keys.process(p.id), ['processes']),
    }),
    retry: useMutation({
      mutationFn: (id: string) => api<Process>(`/api/v1/processes/${enc(id)}/retry`, { method: 'POST' }),
      onSuccess: (p) => touched(keys.process(p.id), ['processes']),
    }),
    reconcile: useMutation({
      mutationFn: ({ kind, name }: { kind: string; name: string }) => api<Process>(`/api/v1/intents/${enc(kind)}/${enc(name)}/reconcile`, { method: 'POST' }),
      onSuccess: (_p, v) => touched(keys.intent(v.kind, v.name), keys.intents, ['processes']),
    }),
    suspend: useMutation({
      mutationFn: ({ kind, name, message }: { kind: string; name: string; message?: string }) =>
        api<IntentSummary>(`/api/v1/intents/${enc(kind)}/${enc(name)}/suspend`, { method: 'POST', body: message ? { message } : {} }),
      onSuccess: (_p, v) => touched(keys.intent(v.kind, v.name), keys.intents),
    }),
    resume: useMutation({
      mutationFn: ({ kind, name }: { kind: string; name: string }) =>
        api<IntentSummary>(`/api/v1/intents/${enc(kind)}/${enc(name)}/resume`, { method: 'POST' }),
      onSuccess: (_p, v) => touched(keys.intent(v.kind, v.name), keys.intents, ['processes']),
    }),
  };
}

/** How long events are collected before the affected views refetch, once. */
const INVALIDATE_AFTER_MS = 400;

/**
 * Keeps every open view current: engine events mark the queries they affect stale, batched so a
 * burst of step events costs one refetch per view. An event whose per-process `seq` is not newer
 * than the last one seen (a duplicate after a reconnect) is skipped; a gap needs nothing extra,
 * because the refetch reads the current state, not the events.
 */
export function useLiveInvalidation(token: string | null): void {
  const client = useQueryClient();
  const pending = useRef(new Set<string>());
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const lastSeq = useRef(new Map<string, number>());

  useEffect(() => () => clearTimeout(timer.current), []);

  useWorkflowEvents(token, (event: LiveEvent) => {
    if (event.processId && Number.isInteger(event.seq)) {
      const last = lastSeq.current.get(event.processId);
      if (last !== undefined && event.seq <= last) return;
      lastSeq.current.set(event.processId, event.seq);
    }
    const add = (key: readonly unknown[]): void => {
      pending.current.add(JSON.stringify(key));
    };
    add(['processes']);
    add(['outcomes']);
    if (event.processId) add(keys.process(event.processId));
    if (event.type === 'process.finished' || event.type === 'drift.changed') {
      add(keys.intents);
      add(['drift-history']);
      add(['audit']);
      if (event.intent) {
        add(keys.intent(event.intent.kind, event.intent.name));
        add(keys.drift(event.intent.kind, event.intent.name));
      }
    }
    if (event.type === 'process.created' && event.intent) add(keys.intent(event.intent.kind, event.intent.name));
    // At most one refetch round per interval, however busy the engine is.
    if (timer.current !== undefined) return;
    timer.current = setTimeout(() => {
      timer.current = undefined;
      const batch = [...pending.current].map((k) => JSON.parse(k) as unknown[]);
      pending.current.clear();
      for (const queryKey of batch) void client.invalidateQueries({ queryKey });
    }, INVALIDATE_AFTER_MS);
  });
}
