import { findDeviceTypeByModel, findModuleTypeByModel } from '../../controller/catalogue/index.ts';
import type { Catalogue, CatalogueDeviceType, CatalogueModuleType } from '../../controller/catalogue/index.ts';
import type { NetBoxPort } from '../../controller/reconcile/index.ts';
import { importLikeCommunityImporter } from './importer.ts';

function device(catalogue: Catalogue, manufacturer: string, model: string): CatalogueDeviceType {
  const found = findDeviceTypeByModel(catalogue, manufacturer, model);
  if (!found) throw new Error(`fixture: the library has no ${manufacturer} ${model}`);
  return found;
}

function module(catalogue: Catalogue, manufacturer: string, model: string): CatalogueModuleType {
  const found = findModuleTypeByModel(catalogue, manufacturer, model);
  if (!found) throw new Error(`fixture: the library has no ${manufacturer} module ${model}`);
  return found;
}

/** What the seeded NetBox holds, and what the classification must find. */
export const EXPECTED = {
  identical: ['juniper/EX2300-24T', 'arista/AWE-5310', 'arista/AWE-5510', 'apc/AP4421', 'commscope/CPP-SDDM-SL-1U-24', 'juniper/EX-UM-2QSFP'],
  /** Edited by hand: u_height, an interface's type; a module type's comments. */
  differs: ['juniper/EX2300-24P', 'juniper/EX-UM-2XFP'],
  /** Imported without its interfaces (an importer whose filter NetBox ignored), or with an interface added by hand. */
  templates: ['juniper/EX2300-48T', 'juniper/EX2300-48P'],
  /** Model renamed in NetBox: paired by slug, and by part number (slug renamed too). */
  renamed: { 'juniper/EX2200-24T': 'slug', 'juniper/EX2300 24-port mGig': 'part-number' } as Record<string, string>,
  notInLibrary: ['acme-lab/TAP-4', 'acme-lab/ACME-LC-8', 'arista/LAB-SWITCH-1'],
  /** Created by netbox-gitops for an intent that exists elsewhere: init leaves it alone. */
  owned: 'arista/AWE-7230R-4TX-4S-F',
};

/**
 * Seeds NetBox the way teams arrive: the community importer loaded library types (untagged),
 * some were edited by hand, one import came out partial, some models were renamed, there are
 * types and a manufacturer the library never had, a manufacturer whose name differs from the
 * library's ("Juniper Networks", slug juniper), and one type an earlier intent already owns.
 */
export async function seedOnboardingNetBox(api: NetBoxPort, catalogue: Catalogue): Promise<void> {
  await api.bulkCreate('manufacturers', [{ name: 'Juniper Networks', slug: 'juniper' }]);
  const deviceTypes = [
    device(catalogue, 'Juniper', 'EX2300-24T'),
    device(catalogue, 'Juniper', 'EX2300-24P'),
    device(catalogue, 'Juniper', 'EX2300-48P'),
    device(catalogue, 'Juniper', 'EX2200-24T-4G'),
    device(catalogue, 'Juniper', 'EX2300-24MP'),
    device(catalogue, 'Arista', 'AWE-5310'),
    device(catalogue, 'Arista', 'AWE-5510'),
    device(catalogue, 'Arista', 'AWE-7230R-4TX-4S-F'),
    device(catalogue, 'APC', 'AP4421'),
    device(catalogue, 'Commscope', 'CPP-SDDM-SL-1U-24'),
  ];
  const partial = device(catalogue, 'Juniper', 'EX2300-48T');
  const moduleTypes = [module(catalogue, 'Juniper', 'EX-UM-2QSFP'), module(catalogue, 'Juniper', 'EX-UM-2XFP')];
  const ids = await importLikeCommunityImporter(api, [...deviceTypes, partial], moduleTypes, {
    skipKinds: (t) => (t === partial ? ['interface'] : []),
  });
  const id = (identity: string): number => {
    const value = ids.deviceTypes.get(identity) ?? ids.moduleTypes.get(identity);
    if (value === undefined) throw new Error(`fixture: ${identity} was not imported`);
    return value;
  };

  // Hand edits.
  await api.bulkUpdate('device-types', [
    { id: id('juniper/EX2300-24P'), u_height: 2 },
    { id: id('juniper/EX2200-24T-4G'), model: 'EX2200-24T' },
    { id: id('juniper/EX2300-24MP'), model: 'EX2300 24-port mGig', slug: 'juniper-ex2300-24-mgig' },
  ]);
  await api.bulkUpdate('module-types', [{ id: id('juniper/EX-UM-2XFP'), part_number: 'EX-UM-2XFP-R' }]);
  const [ge0] = await api.list('interface-templates', { device_type_id: [id('juniper/EX2300-24P')], name: 'ge-0/0/0' });
  if (!ge0) throw new Error('fixture: EX2300-24P has no ge-0/0/0');
  await api.bulkUpdate('interface-templates', [{ id: ge0.id, type: '10gbase-t' }]);
  await api.bulkCreate('interface-templates', [{ device_type: id('juniper/EX2300-48P'), name: 'mgmt1', type: '1000base-t', mgmt_only: true }]);

  // What the library never had.
  const [acme] = await api.bulkCreate('manufacturers', [{ name: 'Acme Lab', slug: 'acme-lab', description: 'In-house lab hardware' }]);
  const [tap, lab] = await api.bulkCreate('device-types', [
    {
      manufacturer: acme?.id,
      model: 'TAP-4',
      slug: 'acme-lab-tap-4',
      part_number: 'ACME-TAP4',
      u_height: 1,
      is_full_depth: false,
      airflow: 'passive',
      comments: 'Optical tap.\nFour LC taps off one MPO trunk.',
    },
    { manufacturer: { slug: 'arista' }, model: 'LAB-SWITCH-1', slug: 'arista-lab-switch-1', u_height: 1, weight: 4.5, weight_unit: 'kg' },
  ]);
  const [acmeModule] = await api.bulkCreate('module-types', [
    { manufacturer: acme?.id, model: 'ACME-LC-8', part_number: 'LC8', description: 'Eight-port LC cassette' },
  ]);
  const [trunk] = await api.bulkCreate('rear-port-templates', [{ device_type: tap?.id, name: 'Trunk', type: 'mpo', positions: 4 }]);
  await api.bulkCreate(
    'front-port-templates',
    [1, 2, 3, 4].map((n) => ({
      device_type: tap?.id,
      name: `Tap ${n}`,
      type: 'lc',
      rear_ports: [{ position: 1, rear_port: trunk?.id, rear_port_position: n }],
    })),
  );
  const [psu] = await api.bulkCreate('power-port-templates', [{ device_type: tap?.id, name: 'PSU1', type: 'iec-60320-c14', maximum_draw: 25 }]);
  await api.bulkCreate('power-outlet-templates', [{ device_type: tap?.id, name: 'Aux', type: 'iec-60320-c13', power_port: psu?.id, feed_leg: 'A' }]);
  await api.bulkCreate('interface-templates', [
    { device_type: tap?.id, name: 'mgmt0', type: '1000base-t', mgmt_only: true, description: 'out-of-band' },
    { device_type: lab?.id, name: 'eth0', type: '1000base-t' },
    { device_type: lab?.id, name: 'eth1', type: '1000base-t', enabled: false },
    { module_type: acmeModule?.id, name: 'lc{module}/1', type: '10gbase-x-sfpp', label: 'Port 1' },
  ]);
  await api.bulkCreate('power-port-templates', [{ device_type: lab?.id, name: 'PSU', type: 'iec-60320-c14' }]);
  await api.bulkCreate('module-bay-templates', [{ device_type: tap?.id, name: 'Slot 1', position: '1' }]);

  // One type netbox-gitops already manages for another intent.
  await api.bulkCreate('tags', [
    { name: 'netbox-gitops', slug: 'netbox-gitops' },
    { name: 'gitops: DeviceTypeSet/existing', slug: 'nbg-devicetypeset-existing' },
  ]);
  await api.bulkUpdate('device-types', [{ id: id('arista/AWE-7230R-4TX-4S-F'), tags: [{ slug: 'netbox-gitops' }, { slug: 'nbg-devicetypeset-existing' }] }]);
}
