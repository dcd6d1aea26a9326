import Doctor from './doctor.js';
import Evaluate from './evaluate.js';
import Promote from './promote.js';
import Report from './report.js';
import SendEvent from './send-event.js';
import TriggerDeployment from './trigger-deployment.js';
import Validate from './validate.js';

/** Every command, by id: oclif's explicit command strategy reads this map (no directory scan). */
export const COMMANDS = {
  evaluate: Evaluate,
  validate: Validate,
  'send-event': SendEvent,
  doctor: Doctor,
  'trigger-deployment': TriggerDeployment,
  promote: Promote,
  report: Report,
};
