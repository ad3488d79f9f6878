/** NetBox release lines the emulator can imitate; 4.5 unless told otherwise. */
export type ApiVersion = '4.5' | '4.1' | '4.0' | '3.7';

export const API_VERSIONS: readonly ApiVersion[] = ['4.5', '4.1', '4.0', '3.7'];

/**
 * What differs between the emulated NetBox versions, as far as the endpoints we serve go.
 * Everything not listed here answers in the 4.5 shape whatever the version.
 */
export interface VersionProfile {
  readonly version: ApiVersion;
  /** `netbox-version` reported by /api/status/. */
  readonly fullVersion: string;
  /** Name of the template filter by parent device type: renamed in 4.1. */
  readonly deviceTypeFilter: 'device_type_id' | 'devicetype_id';
  readonly moduleTypeFilter: 'module_type_id' | 'moduletype_id';
  /** 4.5 maps front ports to rear ports through `rear_ports: [...]`; before, one `rear_port`. */
  readonly frontPortShape: 'mappings' | 'single';
  /** 4.5 added v2 tokens (`Bearer nbt_<key>.<secret>`). */
  readonly bearerTokens: boolean;
  /** `detail` of a 403 for a wrong `Token` header. */
  readonly invalidV1TokenMessage: string;
  /** `?fields=` dynamic field selection exists since 4.0. */
  readonly dynamicFields: boolean;
  /** The `owner` field on primary models exists since 4.5. */
  readonly ownerField: boolean;
  /** Template `q` search also matches descriptions since 4.1. */
  readonly templateSearchDescription: boolean;
}

const PROFILES: Readonly<Record<ApiVersion, VersionProfile>> = {
  '4.5': {
    version: '4.5',
    fullVersion: '4.5.10',
    deviceTypeFilter: 'device_type_id',
    moduleTypeFilter: 'module_type_id',
    frontPortShape: 'mappings',
    bearerTokens: true,
    invalidV1TokenMessage: 'Invalid v1 token',
    dynamicFields: true,
    ownerField: true,
    templateSearchDescription: true,
  },
  '4.1': {
    version: '4.1',
    fullVersion: '4.1.11',
    deviceTypeFilter: 'device_type_id',
    moduleTypeFilter: 'module_type_id',
    frontPortShape: 'single',
    bearerTokens: false,
    invalidV1TokenMessage: 'Invalid token',
    dynamicFields: true,
    ownerField: false,
    templateSearchDescription: true,
  },
  '4.0': {
    version: '4.0',
    fullVersion: '4.0.11',
    deviceTypeFilter: 'devicetype_id',
    moduleTypeFilter: 'moduletype_id',
    frontPortShape: 'single',
    bearerTokens: false,
    invalidV1TokenMessage: 'Invalid token',
    dynamicFields: true,
    ownerField: false,
    templateSearchDescription: false,
  },
  '3.7': {
    version: '3.7',
    fullVersion: '3.7.8',
    deviceTypeFilter: 'devicetype_id',
    moduleTypeFilter: 'moduletype_id',
    frontPortShape: 'single',
    bearerTokens: false,
    invalidV1TokenMessage: 'Invalid token',
    dynamicFields: false,
    ownerField: false,
    templateSearchDescription: false,
  },
};

/** The behaviour switches of one emulated version. */
export function profileFor(version: ApiVersion): VersionProfile {
  return PROFILES[version];
}

/** True when `value` names a version the emulator can imitate. */
export function isApiVersion(value: string): value is ApiVersion {
  return (API_VERSIONS as readonly string[]).includes(value);
}
