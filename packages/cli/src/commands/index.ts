import Comment from './comment.js';
import Doctor from './doctor.js';
import Evaluate from './evaluate.js';
import GeneratePipeline from './generate/pipeline.js';
import HistoryExport from './history/export.js';
import HistoryImport from './history/import.js';
import HistoryInvalidate from './history/invalidate.js';
import HistoryList from './history/list.js';
import HistoryPin from './history/pin.js';
import HistoryRescore from './history/rescore.js';
import HistoryShow from './history/show.js';
import HistoryUnpin from './history/unpin.js';
import Promote from './promote.js';
import Remediate from './remediate.js';
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
  remediate: Remediate,
  report: Report,
  comment: Comment,
  'history:list': HistoryList,
  'history:show': HistoryShow,
  'history:invalidate': HistoryInvalidate,
  'history:pin': HistoryPin,
  'history:unpin': HistoryUnpin,
  'history:export': HistoryExport,
  'history:import': HistoryImport,
  'history:rescore': HistoryRescore,
  'generate:pipeline': GeneratePipeline,
};
