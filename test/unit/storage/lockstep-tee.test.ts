// The lockstep split of an upload between storage and the metadata reader (pure).
import { describe, expect, it } from "vitest";
import { lockstepTee } from "../../../src/storage/lockstep-tee";

function source(chunks: number, size = 1024): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
  let pulled = 0;
  return {
    stream: new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled === chunks) return controller.close();
        controller.enqueue(new Uint8Array(size).fill(pulled++ % 256));
      },
    }, { highWaterMark: 0 }),
    pulled: () => pulled,
  };
}

async function drain(stream: ReadableStream<Uint8Array>): Promise<number> {
  let total = 0;
  for await (const chunk of stream) total += chunk.length;
  return total;
}

describe("lockstepTee", () => {
  it("gives both sides every byte", async () => {
    const { main, side } = lockstepTee(source(50).stream);
    expect(await Promise.all([drain(main), drain(side)])).toEqual([50 * 1024, 50 * 1024]);
  });

  it("does not let the side run ahead of storage", async () => {
    const src = source(1000);
    const { main, side } = lockstepTee(src.stream);
    const sideDone = drain(side);
    await new Promise((r) => setTimeout(r, 20));
    expect(src.pulled()).toBeLessThanOrEqual(2); // nothing flows until storage pulls
    const reader = main.getReader();
    for (let i = 0; i < 10; i++) await reader.read();
    await new Promise((r) => setTimeout(r, 20));
    expect(src.pulled()).toBeLessThanOrEqual(12);
    reader.releaseLock();
    await drain(main);
    expect(await sideDone).toBe(1000 * 1024);
  });

  it("holds storage back while the side is slow, and lets it run alone once the side cancels", async () => {
    const src = source(200);
    const { main, side } = lockstepTee(src.stream);
    const mainDone = drain(main);
    await new Promise((r) => setTimeout(r, 20));
    expect(src.pulled()).toBeLessThanOrEqual(6); // side's queue is full: storage waits
    await side.cancel();
    expect(await mainDone).toBe(200 * 1024);
  });

  it("errors the side when storage gives up", async () => {
    const { main, side, abortSide } = lockstepTee(source(100).stream);
    const sideRead = drain(side);
    const reader = main.getReader();
    await reader.read();
    abortSide(new Error("storage failed"));
    await expect(sideRead).rejects.toThrow("storage failed");
    await reader.cancel();
  });
});
