import type { ErrorObject, ValidateFunction } from 'ajv';

/** A validator as Fastify takes it: true or false, with Ajv's errors beside a false. */
export interface QueryValidator {
  (data: unknown): boolean;
  errors: ErrorObject[] | null | undefined;
}

/**
 * A query string's validator that also refuses a number that is not finite.
 * Ajv's type coercion reads `limit=1e309` as Infinity, and its `minimum` and
 * `maximum` only judge finite numbers (its own integer type check, which
 * coercion passed over, would have refused the rest): Infinity would reach
 * the database as a row limit.
 */
export function refusingNonFiniteNumbers(validate: ValidateFunction): QueryValidator {
  const checked: QueryValidator = Object.assign(
    (data: unknown): boolean => {
      if (!validate(data)) {
        checked.errors = validate.errors;
        return false;
      }
      const fields = data !== null && typeof data === 'object' ? Object.entries(data as Record<string, unknown>) : [];
      const refused = fields.find(([, value]) => typeof value === 'number' && !Number.isFinite(value));
      if (!refused) {
        checked.errors = null;
        return true;
      }
      const [name, value] = refused;
      checked.errors = [{ instancePath: `/${name}`, schemaPath: `#/properties/${name}`, keyword: 'type', params: {}, message: 'must be a finite number', data: value }];
      return false;
    },
    { errors: null },
  );
  return checked;
}
