// A stack of cleanup steps run in reverse order at the end of a bench or on SIGINT/SIGTERM,
// so everything a bench starts (wrangler dev, nginx, Verdaccio, temp dirs) is stopped.
export const cleanups = [];

export async function cleanup() {
  while (cleanups.length) {
    const fn = cleanups.pop();
    try {
      await fn();
    } catch (error) {
      console.error("cleanup:", error);
    }
  }
}

for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => void cleanup().finally(() => process.exit(130)));
