/** An input the checker cannot read: where and what was expected. The CLI prints it and exits 2. */
export class InputError extends Error {
  override name = "InputError";
  /** 1-based line number in the file, when known. */
  readonly line?: number;

  constructor(message: string, line?: number) {
    super(message);
    this.line = line;
  }
}
