// Handing mail to other programs: open a file with the system's handler (mailcap, else xdg-open),
// the links of a body, a private temp file for an attachment or the HTML part, `|` to a shell
// command, and the save prompt's completion. No UI here: the UI calls these (and gives up the
// terminal when a plan says needsTerminal, or when a pipe's output goes to the terminal).
export { applyNameTemplate, expandCommand, findEntry, loadMailcap, mailcapFiles, parseMailcap, shellQuote, type MailcapEntry } from './mailcap.js';
export { planOpen, planOpenUrl, runOpen, type OpenPlan, type OpenResult, type PlanOptions } from './open-file.js';
export { openContent, type OpenedContent } from './open-content.js';
export { extractUrls, type FoundUrl } from './urls.js';
export { writePrivateTemp, type PrivateTemp } from './private-temp.js';
export { pipeToCommand, type PipeOptions, type PipeResult } from './pipe-command.js';
export { completePath, expandHome, LastSaveDirectory, type Completion } from './save-path.js';
