/** `ci-connect doctor`: checks of the config directory, binaries, monitoring endpoints, tokens and history. */

export { runDoctor, doctorExitCode } from './run-doctor.js';
export type { DoctorOutcome, DoctorRequest } from './run-doctor.js';
export type { CheckStatus, DoctorCheck, DoctorDependencies, DoctorReport } from './types.js';
