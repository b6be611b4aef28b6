import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { displayValue } from '../../domain/display.js';
import type { ToolInputSchema } from './tool-definition.js';

const ajv = new Ajv({ allErrors: false, strict: true, strictRequired: false });

/** `/scope/0/permission` → `scope[0].permission` */
function fieldPath(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
    .join('')
    .replace(/^\./, '');
}

function describe(tool: string, e: ErrorObject): string {
  // Field names and paths come from the model: bounded and escaped before they are echoed.
  const at = displayValue(fieldPath(e.instancePath));
  const prefix = at ? `${tool}.${at}` : tool;
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return `${prefix}: unknown field \`${displayValue(String(params['additionalProperty']))}\``;
    case 'required':
      return `${prefix}: missing required field \`${displayValue(String(params['missingProperty']))}\``;
    case 'enum':
      return `${prefix}: must be one of ${(params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return `${prefix}: ${e.message ?? 'is invalid'}`;
  }
}

/** Checks tool input against the very schema the model is given, so the two cannot drift. */
export class InputValidator {
  private compiled: ValidateFunction | undefined;
  constructor(
    private readonly tool: string,
    private readonly schema: ToolInputSchema,
  ) {}

  check(input: unknown): string | undefined {
    // Compiled on first use: a process that runs one tool (`pods tool`) compiles one schema.
    const validate = (this.compiled ??= ajv.compile(this.schema));
    if (validate(input)) return undefined;
    const first = validate.errors?.[0];
    return first ? describe(this.tool, first) : `${this.tool}: invalid input`;
  }
}
