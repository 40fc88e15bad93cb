/**
 * Splits an upload into the stream that goes to storage and a side stream an inspector
 * reads (the archive-metadata reader), in lockstep: the side only sees bytes as storage
 * pulls them, and storage waits while the side holds more than a few chunks. Unlike
 * `ReadableStream.tee()`, neither branch can run ahead and make the other buffer the whole
 * upload (a wheel's METADATA sits at its end, so an inspector reads every byte).
 *
 * Once the inspector cancels its side (it found what it needed), storage runs alone. If
 * storage fails or stops, `abortSide` errors the side so the inspector never waits forever.
 */

const SIDE_HIGH_WATER_CHUNKS = 4;

export interface LockstepTee {
  main: ReadableStream<Uint8Array>;
  side: ReadableStream<Uint8Array>;
  abortSide(reason: unknown): void;
}

export function lockstepTee(source: ReadableStream<Uint8Array>): LockstepTee {
  const reader = source.getReader();
  let sideController: ReadableStreamDefaultController<Uint8Array> | null = null;
  let sideOpen = true;
  let wake: (() => void) | null = null;
  const release = () => {
    const resume = wake;
    wake = null;
    resume?.();
  };
  const closeSide = (action: (c: ReadableStreamDefaultController<Uint8Array>) => void) => {
    if (!sideOpen) return;
    sideOpen = false;
    if (sideController) action(sideController);
    release();
  };
  const side = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        sideController = controller;
      },
      pull: release,
      cancel() {
        sideOpen = false;
        release();
      },
    },
    { highWaterMark: SIDE_HIGH_WATER_CHUNKS },
  );
  const main = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        result = await reader.read();
      } catch (error) {
        closeSide((c) => c.error(error));
        throw error;
      }
      if (result.done) {
        closeSide((c) => c.close());
        controller.close();
        return;
      }
      if (sideOpen && sideController) {
        sideController.enqueue(result.value);
        while (sideOpen && (sideController.desiredSize ?? 1) <= 0) {
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
        }
      }
      controller.enqueue(result.value);
    },
    async cancel(reason) {
      closeSide((c) => c.error(reason));
      await reader.cancel(reason);
    },
  });
  return { main, side, abortSide: (reason) => closeSide((c) => c.error(reason)) };
}
