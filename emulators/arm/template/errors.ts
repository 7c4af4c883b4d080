/** An error ARM reports for a template: `code` is ARM's error code (InvalidTemplate, ...). */
export class TemplateError extends Error {
  code: string;
  constructor(message: string, code = 'InvalidTemplate') {
    super(message);
    this.name = 'TemplateError';
    this.code = code;
  }
}
