import { AppError, ValidationError } from '../errors/index.ts';
import { ROLES } from './roles.ts';

/** A token with this name exists already (names are unique, also among revoked tokens). */
export class TokenNameTakenError extends AppError {
  override readonly code = 'token_name_taken';
  constructor(readonly tokenName: string) {
    super(`An API token named "${tokenName}" exists already (perhaps revoked); choose another name.`);
  }
}

/** No token has this name. */
export class TokenNotFoundError extends AppError {
  override readonly code = 'token_not_found';
  constructor(readonly tokenName: string) {
    super(`There is no API token named "${tokenName}"; list them with \`netbox-gitops token list\`.`);
  }
}

/** A token name or role given to createToken is not acceptable. */
export function invalidTokenInput(field: 'name' | 'role', value: string): ValidationError {
  const message =
    field === 'role'
      ? `unknown role "${value}": expects one of ${ROLES.join(', ')}`
      : `invalid token name ${JSON.stringify(value)}: expects 1-100 characters of letters, digits, ".", "_", "-", "@" or ":"`;
  return new ValidationError(message, [{ path: field, message, severity: 'error' }]);
}
