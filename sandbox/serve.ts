/**
 * The sandbox on its own (`npm run emulator`, through scripts/sandbox.cjs): every provider under
 * http://127.0.0.1:<port>/<provider>, the sandbox page at /. Ctrl-C stops it.
 */
import { createEmulator } from './index';

export async function main(): Promise<void> {
	const port = Number(process.env.EMULATOR_PORT ?? 4010);
	const latencyMs = Number(process.env.EMULATOR_LATENCY_MS ?? 0);
	const emulator = await createEmulator({ port, latencyMs }).start();
	process.stdout.write(`emulator listening on ${emulator.url} (sandbox page: ${emulator.url}/)\n`);
	const stop = async () => {
		await emulator.stop();
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}
