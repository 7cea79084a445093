/**
 * API errors as the server returns them (metav1.Status) and field errors as apimachinery's
 * field.Error prints them, so kubectl can print the exact text a real cluster produces.
 */

export type StatusReason = 'NotFound' | 'AlreadyExists' | 'Invalid' | 'BadRequest' | 'Conflict' | 'MethodNotAllowed';

export interface StatusCause {
  field: string;
  message: string;
}

export class ApiError extends Error {
  readonly reason: StatusReason;
  readonly details: { kind?: string; name?: string; causes?: StatusCause[] };

  constructor(reason: StatusReason, message: string, details: ApiError['details'] = {}) {
    super(message);
    this.reason = reason;
    this.details = details;
  }
}

/** `pods "x" not found` (apierrors.NewNotFound with the group-qualified resource). */
export function notFound(resource: string, name: string): ApiError {
  return new ApiError('NotFound', `${resource} "${name}" not found`, { name });
}

export function alreadyExists(resource: string, name: string): ApiError {
  return new ApiError('AlreadyExists', `${resource} "${name}" already exists`, { name });
}

/** field.Error's ErrorBody value printing: strings quoted, numbers bare. */
function valueText(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export const field = {
  required: (path: string, detail = ''): StatusCause => ({
    field: path,
    message: detail === '' ? 'Required value' : `Required value: ${detail}`,
  }),
  invalid: (path: string, value: unknown, detail: string): StatusCause => ({
    field: path,
    message: `Invalid value: ${valueText(value)}${detail === '' ? '' : `: ${detail}`}`,
  }),
  unsupported: (path: string, value: unknown, supported: string[]): StatusCause => ({
    field: path,
    message: `Unsupported value: ${valueText(value)}: supported values: ${supported.map((s) => `"${s}"`).join(', ')}`,
  }),
  /** An invalid value already printed the way Go's %#v prints it (maps, structs). */
  invalidGo: (path: string, goValue: string, detail: string): StatusCause => ({
    field: path,
    message: `Invalid value: ${goValue}: ${detail}`,
  }),
  duplicate: (path: string, value: unknown): StatusCause => ({
    field: path,
    message: `Duplicate value: ${valueText(value)}`,
  }),
  forbidden: (path: string, detail: string): StatusCause => ({ field: path, message: `Forbidden: ${detail}` }),
};

/** apierrors.NewInvalid: `The Service "x" is invalid: <causes>`. */
export function invalid(kind: string, name: string, causes: StatusCause[]): ApiError {
  const body = causes.map((c) => `${c.field}: ${c.message}`);
  const msg =
    body.length === 1
      ? `${kind} "${name}" is invalid: ${body[0]}`
      : `${kind} "${name}" is invalid: [${body.join(', ')}]`;
  return new ApiError('Invalid', msg, { kind, name, causes });
}
