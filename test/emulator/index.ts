import { Emulator, type EmulatorOptions } from './core.ts';
import { IntercomEmulator } from './intercom.ts';

export { Emulator } from './core.ts';

/** An emulator serving every provider, each under `/<provider id>`. */
export function createEmulator(options: EmulatorOptions = {}): Emulator {
	return new Emulator([new IntercomEmulator()], options);
}
