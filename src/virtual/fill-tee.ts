/**
 * Splits one upstream body between the R2 writer and (optionally) the first client.
 *
 * The writer's stream pulls from the upstream; every chunk is also queued for the client.
 * The client's stream is handed out (`onClient`) only once more than `streamAfterBytes`
 * arrived and the body has not ended: a small body is simply stored first and served from
 * R2 like any hit. The client's stream is closed by the fill (`closeClient`) once the entry
 * is committed, so a client that has read the whole body finds it cached.
 * Unlike `ReadableStream.tee()`, the client's queue is bounded: while it holds more than
 * `clientBufferBytes` the writer waits, so a slow client paces the fill instead of the
 * Durable Object buffering a multi-GB body in memory. A client that cancels (disconnects)
 * simply stops receiving; the writer then runs at the upstream's pace and the fill
 * completes. An upstream error, or a read that stalls longer than `idleTimeoutMs`, errors
 * both sides, so the client sees a broken body rather than a short one that looks complete.
 */
export interface FillTee {
  /** What the R2 writer reads. */
  store: ReadableStream<Uint8Array>;
  /** Ends the client's body after the entry is stored. */
  closeClient(): void;
  /** Ends the fill early (e.g. the R2 write failed): the upstream is cancelled and the client's body errors. */
  fail(reason: unknown): void;
}

export interface FillTeeOptions {
  /** Receives the client's stream; absent when nobody asked to stream. */
  onClient?: (body: ReadableStream<Uint8Array>) => void;
  streamAfterBytes: number;
  idleTimeoutMs: number;
  clientBufferBytes?: number;
}

const DEFAULT_CLIENT_BUFFER = 8 * 1024 * 1024;

export function teeForFill(source: ReadableStream<Uint8Array>, options: FillTeeOptions): FillTee {
  const reader = source.getReader();
  let client: ReadableStreamDefaultController<Uint8Array> | null = null;
  const withClient = options.onClient !== undefined;
  let clientOpen = withClient;
  let handedOut = false;
  let received = 0;
  let wake: (() => void) | null = null;
  const resume = () => {
    wake?.();
    wake = null;
  };

  const clientStream = withClient
    ? new ReadableStream<Uint8Array>(
        {
          start: (controller) => {
            client = controller;
          },
          pull: resume,
          cancel: () => {
            clientOpen = false;
            resume();
          },
        },
        new ByteLengthQueuingStrategy({ highWaterMark: options.clientBufferBytes ?? DEFAULT_CLIENT_BUFFER }),
      )
    : null;

  const failClient = (reason: unknown) => {
    if (clientOpen) client?.error(reason);
    clientOpen = false;
    resume();
  };

  const store = new ReadableStream<Uint8Array>({
    pull: async (controller) => {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await readWithin(reader, options.idleTimeoutMs);
      } catch (error) {
        failClient(error);
        reader.cancel(error).catch(() => {});
        throw error;
      }
      if (chunk.done) {
        // Never handed out: the body was small enough to store before serving.
        if (!handedOut) clientOpen = false;
        controller.close();
        return;
      }
      controller.enqueue(chunk.value);
      if (!clientOpen) return;
      // A copy: the writer's consumers may detach the buffer they are given.
      client?.enqueue(chunk.value.slice());
      received += chunk.value.byteLength;
      if (!handedOut && received > options.streamAfterBytes && clientStream) {
        handedOut = true;
        options.onClient?.(clientStream);
      }
      while (handedOut && clientOpen && (client?.desiredSize ?? 1) <= 0) await new Promise<void>((resolve) => (wake = resolve));
    },
    cancel: async (reason) => {
      failClient(reason);
      await reader.cancel(reason).catch(() => {});
    },
  });

  return {
    store,
    closeClient: () => {
      if (clientOpen) client?.close();
      clientOpen = false;
      resume();
    },
    fail: (reason) => {
      failClient(reason);
      reader.cancel(reason).catch(() => {});
    },
  };
}

/** One read that fails when the upstream sends nothing for `ms` milliseconds. */
async function readWithin(reader: ReadableStreamDefaultReader<Uint8Array>, ms: number): Promise<ReadableStreamReadResult<Uint8Array>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`upstream sent nothing for ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([reader.read(), stalled]);
  } finally {
    clearTimeout(timer);
  }
}
