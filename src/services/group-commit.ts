interface Waiting<I, O> {
  item: I;
  resolve(result: O): void;
  reject(err: unknown): void;
}

/**
 * Group commit: items submitted together (the same turn of the event loop, or while the previous
 * group is being written) are written by one `writeGroup` call, so one transaction and one fsync.
 * Each submitter still waits for its own group's commit. When a group's write fails, `writeOne`
 * (if given) retries its items one by one, so one bad item cannot fail its neighbours; without it
 * every item of the group is rejected with the error.
 */
export class GroupCommit<I, O> {
  private waiting: Array<Waiting<I, O>> = [];
  private flushing = false;

  constructor(
    private readonly writeGroup: (items: I[]) => Promise<O[]>,
    private readonly writeOne: ((item: I) => Promise<O>) | null,
    private readonly maxGroup = 500,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    while (this.waiting.length > 0) {
      const group = this.waiting.splice(0, this.maxGroup);
      try {
        const results = await this.writeGroup(group.map((w) => w.item));
        group.forEach((w, i) => w.resolve(results[i]!));
      } catch (err) {
        if (!this.writeOne) {
          for (const w of group) w.reject(err);
          continue;
        }
        for (const w of group) await this.writeOne(w.item).then(w.resolve, w.reject);
      }
    }
    this.flushing = false;
  }
}
