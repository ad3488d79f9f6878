// Inputs for the seed's import forms: the vendor multi-select with "all", the vendor picker, and
// the device-type regular expression with a live preview of what it matches.
import { useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { ApiError } from '../api/client.ts';
import { useDeviceTypePreview, useIntents, useVendors } from '../api/hooks.ts';
import { ErrorPanel } from '../components/error-panel.tsx';
import { formatCount } from '../format.ts';
import type { FieldProps, Widget } from './schema-form.tsx';

/** `value`, settled: it changes only after the user paused typing for `ms`. */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/** selected_vendors: "all", or a searchable checklist of the library's vendors. */
export function VendorMultiSelect({ id, value, onChange, describedBy, error }: FieldProps): ReactNode {
  const vendors = useVendors();
  const [filter, setFilter] = useState('');
  const selected = useMemo(() => new Set(Array.isArray(value) ? value.map(String) : []), [value]);
  const all = selected.has('all');
  const shown = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    return (vendors.data?.items ?? []).filter((v) => needle === '' || v.name.toLowerCase().includes(needle) || v.slug.includes(needle));
  }, [vendors.data, filter]);
  const toggle = (name: string, on: boolean): void => {
    const next = new Set([...selected].filter((v) => v !== 'all'));
    if (on) next.add(name);
    else next.delete(name);
    onChange([...next]);
  };
  const chosen = (vendors.data?.items ?? []).filter((v) => selected.has(v.name));
  const types = all ? (vendors.data?.items ?? []).reduce((n, v) => n + v.deviceTypes, 0) : chosen.reduce((n, v) => n + v.deviceTypes, 0);
  return (
    <div className="vendor-multi" id={id} role="group" aria-labelledby={`${id}-label`} aria-describedby={describedBy} aria-invalid={error !== undefined}>
      <label className="check">
        <input type="checkbox" checked={all} onChange={(e) => onChange(e.target.checked ? ['all'] : [])} /> All vendors
        {vendors.data ? <span className="muted small"> ({formatCount(vendors.data.items.length)} in the library)</span> : null}
      </label>
      {vendors.error ? <ErrorPanel error={vendors.error} title="The vendor list is not available" /> : null}
      {!all && vendors.data ? (
        <>
          <input type="search" aria-label="Find a vendor" placeholder="find a vendor" value={filter} onChange={(e) => setFilter(e.target.value)} />
          <div className="vendor-list" role="group" aria-label="Vendors">
            {shown.map((v) => (
              <label key={v.slug} className="check">
                <input type="checkbox" checked={selected.has(v.name)} onChange={(e) => toggle(v.name, e.target.checked)} /> {v.name}{' '}
                <span className="muted small">{formatCount(v.deviceTypes)} device types</span>
              </label>
            ))}
          </div>
        </>
      ) : null}
      <p className="muted small" role="status">
        {all ? 'Every vendor' : `${formatCount(selected.size)} selected`}
        {vendors.data ? ` · ${formatCount(types)} device types in the library` : ''}
      </p>
    </div>
  );
}

/** selected_vendor: one vendor of the library. */
export function VendorSelect({ id, value, onChange, describedBy, error, required }: FieldProps): ReactNode {
  const vendors = useVendors();
  if (vendors.error) {
    return (
      <>
        <input
          id={id}
          type="text"
          value={String(value ?? '')}
          onChange={(e) => onChange(e.target.value)}
          aria-describedby={describedBy}
          aria-invalid={error !== undefined}
          required={required}
        />
        <ErrorPanel error={vendors.error} title="The vendor list is not available; type the vendor's name" />
      </>
    );
  }
  return (
    <select
      id={id}
      value={String(value ?? '')}
      onChange={(e) => onChange(e.target.value)}
      aria-describedby={describedBy}
      aria-invalid={error !== undefined}
      required={required}
    >
      <option value="">{vendors.data ? 'choose a vendor…' : 'loading vendors…'}</option>
      {(vendors.data?.items ?? []).map((v) => (
        <option key={v.slug} value={v.name}>
          {v.name} ({v.deviceTypes})
        </option>
      ))}
    </select>
  );
}

/** device_type_filter: a regular expression, with the device types it selects for the chosen vendor, as you type. */
export function RegexWithPreview({ id, value, onChange, describedBy, error, values }: FieldProps): ReactNode {
  const text = typeof value === 'string' ? value : '';
  const vendor = typeof values.selected_vendor === 'string' ? values.selected_vendor : '';
  const settled = useDebounced(text, 250);
  const preview = useDeviceTypePreview(vendor, settled);
  const previewError = preview.error instanceof ApiError ? preview.error : undefined;
  const fieldError = previewError?.status === 422 ? (previewError.fieldIssues().device_type_filter ?? previewError.message) : undefined;
  return (
    <>
      <input
        id={id}
        type="text"
        className="mono"
        value={text}
        placeholder="e.g. ^DCS-7050 (all device types when empty)"
        spellCheck={false}
        onChange={(e) => onChange(e.target.value)}
        aria-describedby={`${describedBy} ${id}-preview`}
        aria-invalid={error !== undefined || fieldError !== undefined}
      />
      <div id={`${id}-preview`} className="preview" aria-live="polite" data-testid="device-type-preview">
        {vendor === '' ? (
          <p className="muted small">Choose a vendor to see which device types the filter selects.</p>
        ) : fieldError ? (
          <p className="field-error">{fieldError}</p>
        ) : preview.error ? (
          <ErrorPanel error={preview.error} />
        ) : preview.data ? (
          <>
            <p>
              <strong data-testid="preview-count">{formatCount(preview.data.count)}</strong> device type{preview.data.count === 1 ? '' : 's'} of{' '}
              {preview.data.vendor.name} match
              {preview.data.filter ? (
                <>
                  {' '}
                  <code>{preview.data.filter}</code>
                </>
              ) : null}
              {preview.data.moduleTypes > 0 ? `, with ${formatCount(preview.data.moduleTypes)} module types` : ''}
              {preview.isFetching ? <span className="muted small"> (updating…)</span> : null}
            </p>
            {preview.data.items.length > 0 ? (
              <ul className="preview-list" aria-label="Matching device types">
                {preview.data.items.map((d) => (
                  <li key={d.slug}>
                    <span className="mono">{d.model}</span>
                    {d.partNumber ? <span className="muted small"> {d.partNumber}</span> : null}
                  </li>
                ))}
              </ul>
            ) : null}
            {preview.data.truncated ? <p className="muted small">…and {formatCount(preview.data.count - preview.data.items.length)} more.</p> : null}
          </>
        ) : (
          <p className="muted small">Looking up the library…</p>
        )}
      </div>
    </>
  );
}

/** reconcile_intent's name: free text with the known intents of the chosen kind offered. */
export function IntentNameInput({ id, value, onChange, describedBy, error, values, required }: FieldProps): ReactNode {
  const intents = useIntents();
  const kind = typeof values.kind === 'string' ? values.kind : '';
  const names = (intents.data ?? []).filter((i) => kind === '' || i.kind === kind).map((i) => i.name);
  return (
    <>
      <input
        id={id}
        type="text"
        list={`${id}-names`}
        value={String(value ?? '')}
        onChange={(e) => onChange(e.target.value)}
        aria-describedby={describedBy}
        aria-invalid={error !== undefined}
        required={required}
      />
      <datalist id={`${id}-names`}>
        {names.map((n) => (
          <option key={n} value={n} />
        ))}
      </datalist>
    </>
  );
}

/** Widgets by workflow and field name; other fields get the input their schema type asks for. */
export const WIDGETS: Readonly<Record<string, Readonly<Record<string, Widget>>>> = {
  task_import_vendors: { selected_vendors: VendorMultiSelect },
  task_import_device_types: { selected_vendor: VendorSelect, device_type_filter: RegexWithPreview },
  reconcile_intent: { name: IntentNameInput },
};
