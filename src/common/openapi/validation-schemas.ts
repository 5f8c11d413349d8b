import type { SchemaObject } from '@nestjs/swagger';
import { getMetadataStorage, ValidationTypes } from 'class-validator';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import { PARTIAL_DATE_PATTERN } from '../dates/partial-date.js';
import { SLUG_MAX_LENGTH, SLUG_PATTERN } from '../slugs/slugify.js';

/** The schemas of this service's own validators, by the name they are registered under. */
const CUSTOM: Record<string, { type: 'string'; pattern: string; maxLength?: number }> = {
  isSlug: { type: 'string', pattern: SLUG_PATTERN.source, maxLength: SLUG_MAX_LENGTH },
  isPartialDate: { type: 'string', pattern: PARTIAL_DATE_PATTERN.source },
};

/**
 * The JSON schema of every validated class, by class name, derived from its class-validator
 * decorators (class-validator-jsonschema): what the validators enforce, for the OpenAPI document.
 */
export function validationSchemas(): Map<string, SchemaObject> {
  const storage = getMetadataStorage();
  const schemas = validationMetadatasToSchemas({
    additionalConverters: {
      [ValidationTypes.CUSTOM_VALIDATION]: (meta) => {
        const name = storage.getTargetValidatorConstraints(meta.constraintCls)[0]?.name;
        return name === undefined ? {} : (CUSTOM[name] ?? {});
      },
    },
  });
  return new Map(Object.entries(schemas) as [string, SchemaObject][]);
}
