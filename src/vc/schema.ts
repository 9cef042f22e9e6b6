// Credential schemas: the bundled JSON Schemas (2020-12) by `$id`, checked when issuing and verifying.
// @see https://www.w3.org/TR/vc-json-schema/
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { PACKAGE_ROOT, readAssetJson } from '../assets.js';
import { asArray, isObject, typesOf, type JsonObject } from './credential.js';

export interface SchemaProblem {
  code: 'SCHEMA_UNKNOWN' | 'SCHEMA_INVALID';
  message: string;
  schema?: string;
  errors?: { path: string; message: string }[];
}

export interface SchemaRegistry {
  /** `$id` → schema. */
  readonly schemas: ReadonlyMap<string, JsonObject>;
  /** Our credential types → the `$id` every credential of that type must carry. */
  readonly requiredByType: ReadonlyMap<string, string>;
  /**
   * Checks a credential against each `JsonSchema` it names. Errors for an invalid credential or a
   * missing required schema; `SCHEMA_UNKNOWN` problems (a schema we do not hold) are for the caller to weigh.
   */
  check(credential: JsonObject): SchemaProblem[];
}

/** Reads every `schemas/*.json`; a file named `<CredentialType>.v<N>.json` is required for that type. */
export function loadBundledSchemas(): SchemaRegistry {
  const dir = join(PACKAGE_ROOT, 'schemas');
  const schemas = new Map<string, JsonObject>();
  const requiredByType = new Map<string, string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const schema = readAssetJson('schemas', file) as JsonObject;
    if (typeof schema.$id !== 'string') throw new Error(`schemas/${file} has no $id`);
    schemas.set(schema.$id, schema);
    const type = /^([A-Za-z][A-Za-z0-9]*)\.v\d+\.json$/.exec(file)?.[1];
    if (type) requiredByType.set(type, schema.$id);
  }
  return createSchemaRegistry(schemas, requiredByType);
}

export function createSchemaRegistry(schemas: ReadonlyMap<string, JsonObject>, requiredByType: ReadonlyMap<string, string>): SchemaRegistry {
  // The bundled schemas are checked against the meta-schema by the tests, not at every start-up.
  const ajv = new Ajv2020({ allErrors: true, strict: false, validateSchema: false });
  addFormats.default(ajv);
  for (const schema of schemas.values()) ajv.addSchema(schema);
  const compiled = new Map<string, ValidateFunction>();
  const validator = (id: string): ValidateFunction => {
    let fn = compiled.get(id);
    if (!fn) {
      fn = ajv.getSchema(id)!;
      compiled.set(id, fn);
    }
    return fn;
  };

  return {
    schemas,
    requiredByType,
    check(credential) {
      const problems: SchemaProblem[] = [];
      const declared = asArray(credential.credentialSchema as unknown).filter(isObject);
      // Only a JsonSchema entry counts: our schemas are validated as such, never skipped as unknown.
      const declaredIds = new Set(declared.filter((s) => s.type === 'JsonSchema').map((s) => s.id));
      for (const type of typesOf(credential)) {
        const required = requiredByType.get(type);
        if (required && !declaredIds.has(required)) {
          problems.push({ code: 'SCHEMA_INVALID', schema: required, message: `A ${type} must carry credentialSchema ${required}` });
        }
      }
      const { proof: _proof, ...unsecured } = credential;
      for (const entry of declared) {
        const id = String(entry.id);
        if (entry.type !== 'JsonSchema' || !schemas.has(id)) {
          problems.push({ code: 'SCHEMA_UNKNOWN', schema: id, message: `Schema ${id} (${String(entry.type)}) is not one this verifier holds` });
          continue;
        }
        const validate = validator(id);
        if (!validate(unsecured)) {
          const errors = (validate.errors ?? []).slice(0, 20).map((e) => ({ path: e.instancePath || '/', message: e.message ?? 'invalid' }));
          problems.push({
            code: 'SCHEMA_INVALID',
            schema: id,
            errors,
            message: `Does not match ${id}: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`,
          });
        }
      }
      return problems;
    },
  };
}
