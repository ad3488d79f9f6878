import type { FastifyInstance } from 'fastify';
import { findVendor } from '../../controller/catalogue/index.ts';
import type { Catalogue } from '../../controller/catalogue/index.ts';
import { ValidationError } from '../../controller/errors/index.ts';
import { intentFromDeviceTypeImportForm } from '../../controller/intents/index.ts';
import { resolveIntents } from '../../controller/resolve/index.ts';
import type { RouteContext } from '../context.ts';
import { HttpError } from '../errors.ts';
import { errorResponses, ref } from '../schemas.ts';

/**
 * The devicetype-library as the workflow forms need it, under /api/v1/library: the vendors for
 * the import forms' vendor pickers, and a preview of what a device-type import would bring
 * (resolved exactly as task_import_device_types resolves its form).
 */
export async function libraryRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  const catalogue = async (): Promise<Catalogue> => {
    if (!ctx.deps.library) throw new HttpError(503, 'resource_unavailable', 'This API has no devicetype-library configured (LIBRARY_PATH or LIBRARY_GIT_URL).');
    return ctx.deps.library.current();
  };

  app.get(
    '/library/vendors',
    {
      schema: {
        tags: ['workflows'],
        summary: 'Vendors of the devicetype-library with their device and module type counts, by name',
        response: { 200: ref('LibraryVendors'), ...errorResponses(401, 403, 429, 503) },
      },
    },
    async () => {
      const library = await catalogue();
      const items = [...library.vendors.values()]
        .map((v) => ({ name: v.name, slug: v.slug, deviceTypes: v.deviceTypeCount, moduleTypes: v.moduleTypeCount }))
        .sort((a, b) => a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }));
      return { revision: library.revision, items };
    },
  );

  app.get<{ Querystring: { vendor: string; filter?: string; limit: number } }>(
    '/library/device-types',
    {
      schema: {
        tags: ['workflows'],
        summary: 'Preview of task_import_device_types: the device types a vendor and filter (regular expression on model or slug) select',
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['vendor'],
          properties: {
            vendor: { type: 'string', minLength: 1, maxLength: 200, description: 'vendor name or slug (selected_vendor)' },
            filter: { type: 'string', maxLength: 1000, description: 'regular expression (device_type_filter); all device types when empty' },
            limit: { type: 'integer', minimum: 0, maximum: 5000, default: 200, description: 'most items returned (count is always the full number)' },
          },
        },
        response: { 200: ref('DeviceTypePreview'), ...errorResponses(401, 403, 422, 429, 503) },
      },
    },
    async (request) => {
      const { vendor, filter, limit } = request.query;
      // Field issues name the form's fields, so the dashboard shows them next to the inputs.
      const intent = intentFromDeviceTypeImportForm({ selected_vendor: vendor, device_type_filter: filter === '' ? null : (filter ?? null) });
      const library = await catalogue();
      const known = findVendor(library, vendor);
      if (!known) {
        throw new ValidationError(`The devicetype-library has no vendor "${vendor}".`, [
          { path: 'selected_vendor', message: `unknown vendor "${vendor}"`, severity: 'error' },
        ]);
      }
      const resolved = resolveIntents([{ intent }], library);
      const errors = resolved.issues.filter((i) => i.severity === 'error');
      if (errors.length > 0) {
        throw new ValidationError(
          `The form does not resolve: ${errors.map((e) => e.message).join('; ')}`,
          errors.map((e) => ({ ...e, path: 'device_type_filter' })),
        );
      }
      const desired = resolved.intents[0];
      const deviceTypes = [...(desired?.deviceTypes ?? [])].sort((a, b) => a.model.localeCompare(b.model, 'en', { numeric: true }));
      return {
        revision: library.revision,
        vendor: { name: known.name, slug: known.slug },
        filter: filter === undefined || filter === '' ? null : filter,
        count: deviceTypes.length,
        moduleTypes: desired?.moduleTypes.length ?? 0,
        items: deviceTypes
          .slice(0, limit)
          .map((d) => ({ model: d.model, slug: d.slug, partNumber: typeof d.fields.part_number === 'string' ? d.fields.part_number : null })),
        truncated: deviceTypes.length > limit,
      };
    },
  );
}
