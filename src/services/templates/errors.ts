// Errors the template services raise at their boundary, each with a message a user understands.
export { TemplateValidationError } from '../../domain/templates';

/** Built-in templates are read-only: editing or deleting one is refused with what to do instead. */
export class BuiltInTemplateError extends Error {
  override name = 'BuiltInTemplateError';
  readonly action = 'Duplicate it to make a copy of your own that you can change.';
  constructor(
    readonly templateName: string,
    readonly operation: 'edited' | 'deleted',
  ) {
    super(`“${templateName}” is a built-in template and cannot be ${operation}. Duplicate it to make a copy of your own that you can change.`);
  }
}

/** An export with nothing in it. */
export class NothingToExportError extends Error {
  override name = 'NothingToExportError';
  constructor(noun: string) {
    super(`There are no ${noun}s to export: select some first.`);
  }
}
