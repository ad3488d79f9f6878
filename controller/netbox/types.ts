/**
 * Read and write shapes of the NetBox objects the controller uses, taken from NetBox 4.5.10's
 * own OpenAPI schema (what it serves at `/api/schema/`). Fields that older
 * servers (3.7–4.4) do not send are optional. Front-port templates always use the canonical
 * 4.5 shape here; the client converts for older servers.
 *
 * Object shapes are type aliases, not interfaces: an alias of an object type is assignable to
 * `Readonly<Record<string, unknown>>`, so a typed record can also be read field by field (the
 * reconcile engine compares the fields an intent names) without a cast; an interface cannot.
 */

/** A choice field as NetBox reads it back, e.g. `{ value: "front-to-rear", label: "Front to rear" }`. */
export type Choice<V extends string = string> = {
  readonly value: V;
  readonly label: string;
};

/** What every NetBox object carries. */
export type NetBoxObject = {
  readonly id: number;
  readonly url: string;
  readonly display: string;
};

export type BriefManufacturer = NetBoxObject & {
  readonly name: string;
  readonly slug: string;
  readonly description?: string;
};

export type BriefDeviceType = NetBoxObject & {
  readonly manufacturer: BriefManufacturer;
  readonly model: string;
  readonly slug: string;
  readonly description?: string;
  readonly device_count?: number;
};

export type BriefModuleType = NetBoxObject & {
  readonly manufacturer: BriefManufacturer;
  readonly model: string;
  readonly description?: string;
};

/** A template referenced from another template, e.g. an outlet's power port or an interface's bridge. */
export type BriefTemplate = NetBoxObject & {
  readonly name: string;
  readonly description?: string;
};

export type NestedTag = NetBoxObject & {
  readonly name: string;
  readonly slug: string;
  readonly color?: string;
};

type Timestamps = {
  readonly created: string | null;
  readonly last_updated: string | null;
};

type Taggable = {
  readonly tags: readonly NestedTag[];
  readonly custom_fields: Readonly<Record<string, unknown>>;
};

export type Manufacturer = NetBoxObject &
  Timestamps &
  Taggable & {
    readonly display_url?: string;
    readonly name: string;
    readonly slug: string;
    readonly description: string;
    readonly comments?: string;
    readonly devicetype_count?: number;
    readonly moduletype_count?: number;
    readonly inventoryitem_count?: number;
    readonly platform_count?: number;
  };

export type DeviceType = NetBoxObject &
  Timestamps &
  Taggable & {
    readonly display_url?: string;
    readonly manufacturer: BriefManufacturer;
    readonly default_platform?: NetBoxObject | null;
    readonly model: string;
    readonly slug: string;
    readonly part_number: string;
    readonly u_height: number;
    readonly exclude_from_utilization?: boolean;
    readonly is_full_depth: boolean;
    readonly subdevice_role: Choice<'parent' | 'child'> | null;
    readonly airflow: Choice | null;
    readonly weight: number | null;
    readonly weight_unit: Choice<'kg' | 'g' | 'lb' | 'oz'> | null;
    readonly front_image: string | null;
    readonly rear_image: string | null;
    readonly description: string;
    readonly comments: string;
    readonly device_count?: number;
    readonly console_port_template_count?: number;
    readonly console_server_port_template_count?: number;
    readonly power_port_template_count?: number;
    readonly power_outlet_template_count?: number;
    readonly interface_template_count?: number;
    readonly front_port_template_count?: number;
    readonly rear_port_template_count?: number;
    readonly device_bay_template_count?: number;
    readonly module_bay_template_count?: number;
    readonly inventory_item_template_count?: number;
  };

export type ModuleType = NetBoxObject &
  Timestamps &
  Taggable & {
    readonly display_url?: string;
    readonly profile?: NetBoxObject | null;
    readonly manufacturer: BriefManufacturer;
    readonly model: string;
    readonly part_number: string;
    readonly airflow: Choice | null;
    readonly weight: number | null;
    readonly weight_unit: Choice<'kg' | 'g' | 'lb' | 'oz'> | null;
    readonly description: string;
    readonly attributes?: unknown;
    readonly comments: string;
    readonly module_count?: number;
  };

/** Fields every component template shares; a template belongs to a device type or a module type. */
export type TemplateBase = NetBoxObject &
  Timestamps & {
    readonly device_type: BriefDeviceType | null;
    readonly module_type?: BriefModuleType | null;
    readonly name: string;
    readonly label: string;
    readonly description: string;
  };

export type InterfaceTemplate = TemplateBase & {
  readonly type: Choice;
  readonly enabled: boolean;
  readonly mgmt_only: boolean;
  readonly bridge: BriefTemplate | null;
  readonly poe_mode: Choice<'pd' | 'pse'> | null;
  readonly poe_type: Choice | null;
  readonly rf_role?: Choice<'ap' | 'station'> | null;
};

export type ConsolePortTemplate = TemplateBase & {
  readonly type: Choice | null;
};

export type ConsoleServerPortTemplate = TemplateBase & {
  readonly type: Choice | null;
};

export type PowerPortTemplate = TemplateBase & {
  readonly type: Choice | null;
  readonly maximum_draw: number | null;
  readonly allocated_draw: number | null;
};

export type PowerOutletTemplate = TemplateBase & {
  readonly type: Choice | null;
  readonly color?: string;
  readonly power_port: BriefTemplate | null;
  readonly feed_leg: Choice<'A' | 'B' | 'C'> | null;
};

/**
 * One front-port position mapped to a rear-port position (the canonical, NetBox 4.5 shape).
 * `rear_port` is the rear-port template's id.
 */
export type FrontPortMapping = {
  readonly position: number;
  readonly rear_port: number;
  readonly rear_port_position: number;
};

/** Front-port template in the canonical shape, whatever the server version. */
export type FrontPortTemplate = TemplateBase & {
  readonly type: Choice;
  readonly color: string;
  readonly positions: number;
  readonly rear_ports: readonly FrontPortMapping[];
};

export type RearPortMapping = {
  readonly position: number;
  readonly front_port: number;
  readonly front_port_position: number;
};

export type RearPortTemplate = TemplateBase & {
  readonly type: Choice;
  readonly color: string;
  readonly positions: number;
  /** Only NetBox 4.5+ reads the mapping back on the rear side. */
  readonly front_ports?: readonly RearPortMapping[];
};

export type DeviceBayTemplate = TemplateBase & {
  readonly device_type: BriefDeviceType;
};

export type ModuleBayTemplate = TemplateBase & {
  readonly position: string;
};

export type InventoryItemTemplate = TemplateBase & {
  readonly device_type: BriefDeviceType;
  readonly parent: number | null;
  readonly role: NetBoxObject | null;
  readonly manufacturer: BriefManufacturer | null;
  readonly part_id: string;
  readonly component_type: string | null;
  readonly component_id: number | null;
  readonly _depth?: number;
};

export type Tag = NetBoxObject &
  Timestamps & {
    readonly display_url?: string;
    readonly name: string;
    readonly slug: string;
    readonly color: string;
    readonly description: string;
    readonly weight?: number;
    readonly object_types?: readonly string[];
    readonly tagged_items?: number;
  };

/** Read shape per endpoint name. */
export interface ReadShapes {
  manufacturers: Manufacturer;
  'device-types': DeviceType;
  'module-types': ModuleType;
  'interface-templates': InterfaceTemplate;
  'console-port-templates': ConsolePortTemplate;
  'console-server-port-templates': ConsoleServerPortTemplate;
  'power-port-templates': PowerPortTemplate;
  'power-outlet-templates': PowerOutletTemplate;
  'front-port-templates': FrontPortTemplate;
  'rear-port-templates': RearPortTemplate;
  'device-bay-templates': DeviceBayTemplate;
  'module-bay-templates': ModuleBayTemplate;
  'inventory-item-templates': InventoryItemTemplate;
  tags: Tag;
}

/** The NetBox list endpoints the client knows, by their last path segment. */
export type Endpoint = keyof ReadShapes;

/** What NetBox reads back from `endpoint`. */
export type ReadShape<E extends Endpoint> = ReadShapes[E];

/**
 * What a brief (`brief=1`) or `fields=` read returns: the identifying fields for sure, the rest
 * only when the form includes them.
 */
export type PartialShape<E extends Endpoint> = NetBoxObject & Partial<ReadShape<E>>;

// ---------------------------------------------------------------- write shapes

/** A reference written as an id or as identifying attributes (`{ slug: "cisco" }`). */
export type Ref = number | Readonly<Record<string, string | number>>;

/** A tag reference in a write: id or `{ slug }` / `{ name }`. */
export type TagRef = number | { readonly slug: string } | { readonly name: string };

type TaggableWrite = {
  readonly tags?: readonly TagRef[];
  readonly custom_fields?: Readonly<Record<string, unknown>>;
};

export type ManufacturerWrite = TaggableWrite & {
  readonly name: string;
  readonly slug: string;
  readonly description?: string;
  readonly comments?: string;
};

export type DeviceTypeWrite = TaggableWrite & {
  readonly manufacturer: Ref;
  readonly model: string;
  readonly slug: string;
  readonly part_number?: string;
  readonly u_height?: number;
  readonly exclude_from_utilization?: boolean;
  readonly is_full_depth?: boolean;
  readonly subdevice_role?: string | null;
  readonly airflow?: string | null;
  readonly weight?: number | null;
  readonly weight_unit?: string | null;
  readonly description?: string;
  readonly comments?: string;
};

export type ModuleTypeWrite = TaggableWrite & {
  readonly manufacturer: Ref;
  readonly model: string;
  readonly part_number?: string;
  readonly airflow?: string | null;
  readonly weight?: number | null;
  readonly weight_unit?: string | null;
  readonly description?: string;
  readonly comments?: string;
};

export type TemplateWriteBase = {
  readonly device_type?: Ref | null;
  readonly module_type?: Ref | null;
  readonly name: string;
  readonly label?: string;
  readonly description?: string;
};

export type InterfaceTemplateWrite = TemplateWriteBase & {
  readonly type: string;
  readonly enabled?: boolean;
  readonly mgmt_only?: boolean;
  readonly bridge?: number | null;
  readonly poe_mode?: string | null;
  readonly poe_type?: string | null;
  readonly rf_role?: string | null;
};

export type ConsolePortTemplateWrite = TemplateWriteBase & {
  readonly type?: string | null;
};

export type PowerPortTemplateWrite = TemplateWriteBase & {
  readonly type?: string | null;
  readonly maximum_draw?: number | null;
  readonly allocated_draw?: number | null;
};

export type PowerOutletTemplateWrite = TemplateWriteBase & {
  readonly type?: string | null;
  readonly color?: string;
  readonly power_port?: number | null;
  readonly feed_leg?: string | null;
};

/** Canonical front-port write: the client converts it for servers before 4.5. */
export type FrontPortTemplateWrite = TemplateWriteBase & {
  readonly type: string;
  readonly color?: string;
  readonly positions?: number;
  readonly rear_ports?: readonly FrontPortMapping[];
};

export type RearPortTemplateWrite = TemplateWriteBase & {
  readonly type: string;
  readonly color?: string;
  readonly positions?: number;
};

export type DeviceBayTemplateWrite = TemplateWriteBase;

export type ModuleBayTemplateWrite = TemplateWriteBase & {
  readonly position?: string;
};

export type InventoryItemTemplateWrite = TemplateWriteBase & {
  readonly parent?: number | null;
  readonly role?: Ref | null;
  readonly manufacturer?: Ref | null;
  readonly part_id?: string;
  readonly component_type?: string | null;
  readonly component_id?: number | null;
};

export type TagWrite = {
  readonly name: string;
  readonly slug: string;
  readonly color?: string;
  readonly description?: string;
  readonly weight?: number;
  readonly object_types?: readonly string[];
};

/** Write (create) shape per endpoint name. */
export interface WriteShapes {
  manufacturers: ManufacturerWrite;
  'device-types': DeviceTypeWrite;
  'module-types': ModuleTypeWrite;
  'interface-templates': InterfaceTemplateWrite;
  'console-port-templates': ConsolePortTemplateWrite;
  'console-server-port-templates': ConsolePortTemplateWrite;
  'power-port-templates': PowerPortTemplateWrite;
  'power-outlet-templates': PowerOutletTemplateWrite;
  'front-port-templates': FrontPortTemplateWrite;
  'rear-port-templates': RearPortTemplateWrite;
  'device-bay-templates': DeviceBayTemplateWrite;
  'module-bay-templates': ModuleBayTemplateWrite;
  'inventory-item-templates': InventoryItemTemplateWrite;
  tags: TagWrite;
}

export type WriteShape<E extends Endpoint> = WriteShapes[E];

/** Options of one bulk write call. */
export interface WriteOptions {
  /**
   * Timeout of each request of this call, in ms, instead of the client's `timeoutMs`: a big
   * chunk takes NetBox longer (about 15 ms per device type, 5–8 ms per template per worker).
   */
  readonly timeoutMs?: number;
}

/** A bulk-update item: the object's id and the fields to change. */
export type UpdateShape<E extends Endpoint> = { readonly id: number } & Partial<WriteShape<E>>;

// ---------------------------------------------------------------- reads

/** One filter value; arrays become repeated query parameters (`id=1&id=2`). */
export type FilterValue = string | number | boolean | readonly (string | number)[];

/**
 * Filters by their canonical (NetBox 4.1+) names, e.g. `{ device_type_id: [4, 5], name: "eth0" }`.
 * Undefined values are left out.
 */
export type Filters = Readonly<Record<string, FilterValue | undefined>>;

export interface ListOptions {
  /** NetBox's short form (`brief=1`); the client may widen it to verify filters. */
  readonly brief?: boolean;
  /** Dynamic fields (`fields=`, NetBox 4.0+); older servers return whole objects. */
  readonly fields?: readonly string[];
  /** Timeout of each page request, in ms, instead of the client's (a read queued behind big writes). */
  readonly timeoutMs?: number;
}

/** The server's version, from `/api/status/` (`netbox-version`). */
export interface NetBoxVersion {
  readonly version: string;
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

/** One image for {@link NetBoxClient.uploadImage}. */
export interface ImageFile {
  readonly filename: string;
  readonly data: Buffer;
  readonly contentType: string;
}
