/**
 * Records uncaught exceptions and unhandled rejections while a fuzz file runs,
 * so a property can assert none happened (vitest would report them only after
 * the run, without the case that caused them).
 */
export class ProcessWatch {
  readonly problems: string[] = [];
  private readonly onError = (err: unknown) => void this.problems.push(`uncaught: ${describe(err)}`);
  private readonly onRejection = (err: unknown) => void this.problems.push(`unhandled rejection: ${describe(err)}`);

  /** Start listening. */
  install(): this {
    process.on('uncaughtException', this.onError);
    process.on('unhandledRejection', this.onRejection);
    return this;
  }

  /** Stop listening. */
  remove(): void {
    process.off('uncaughtException', this.onError);
    process.off('unhandledRejection', this.onRejection);
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
