/**
 * What a failed console call said, in the code the rest of the extension acts on. The vendor documents
 * no exit codes and no error format: a console fails with free text or a Python traceback on stderr.
 * So the words decide, and the console's own words are kept for the user.
 */
import { knownCode, type JetStreamErrorCode } from './errors';

export interface ConsoleFailure {
  code: JetStreamErrorCode;
  /** The meaningful lines of the console's text, without traceback frames, for the user. */
  words: string;
}

/** Traceback noise: the header, `File "…", line N, in f` frames, and the source line under each frame. */
function meaningfulLines(text: string): string[] {
  const out: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\s*File ".*", line \d+/.test(line)) {
      if (/^\s{4,}\S/.test(lines[i + 1] ?? '') && !/^\s*File "/.test(lines[i + 1] ?? '')) i++;
      continue;
    }
    if (/^Traceback \(most recent call last\):/.test(line) || /^\s*\^+\s*$/.test(line)) continue;
    if (/^(During handling of the above exception|The above exception was the direct cause)/.test(line)) continue;
    if (line.trim()) out.push(line.trim());
  }
  return out;
}

const RULES: readonly [JetStreamErrorCode, RegExp][] = [
  // A password prompt met the closed stdin: nothing to sign in with.
  [
    'AuthRequired',
    /\bEOFError\b|GetPassWarning|\bpassword:\s*$|password prompt|no password (given|set|provided)|needs? a log ?in|not (signed|logged) in|(login|authentication|sign-in) (is )?required|requires a user/im,
  ],
  ['UnknownCommand', /unknown (api )?command|invalid choice|unrecognized command|no such command|not a valid command|has no attribute/i],
  // argparse refusing an option or argument: a request the console cannot take, in its own words.
  ['InvalidRequest', /\berror: (unrecognized arguments|the following arguments are required|argument )/i],
  [
    'AuthFailed',
    /\blog ?in\b|\blogon\b|\bsign[- ]?in\b|authenticat|password|credential|unauthori[sz]ed|bad token|invalid token|token (expired|refused|rejected)/i,
  ],
  [
    'Unreachable',
    /connection (refused|reset|aborted|closed|lost)|timed out|timeout|unreachable|could not connect|cannot connect|failed to connect|name or service not known|nodename nor servname|getaddrinfo|no route to host|broken pipe|remote end closed|RemoteDisconnected|ConnectionError/i,
  ],
  [
    'PermissionDenied',
    /permission|not allowed|forbidden|access denied|\bdenied\b|not a superuser|belongs to (another|someone)|not (the|its) owner/i,
  ],
  ['NotFound', /not found|no such|does not exist|unknown (destination|object|id)\b|\bno (destination|object|connection|transfer) with\b/i],
  [
    'InvalidParameter',
    /invalid (parameter|argument|value)|unexpected keyword argument|missing \d+ required|must be|out of range|too (big|large|small)|\b(ValueError|TypeError)\b/i,
  ],
];

/** Classifies a console's failure text; `ServerError` when no rule fits. */
export function classifyConsoleFailure(text: string): ConsoleFailure {
  const lines = meaningfulLines(text);
  const usage = lines.filter((l) => !/^usage:/i.test(l) && !/^\s*\[/.test(l));
  const words = usage.slice(-4).join(' ');
  // A console that prints this project's own `Code: message` form (our shim does) says exactly what it means.
  const last = usage[usage.length - 1] ?? '';
  const coded = /^(\w+):\s*(.*)$/.exec(last);
  const code = coded ? knownCode(coded[1]!) : undefined;
  if (code) return { code, words: coded![2]! };
  if (coded && (coded[1] === 'Unreachable' || coded[1] === 'Timeout' || coded[1] === 'InvalidResponse')) {
    return { code: coded[1], words: coded[2]! };
  }
  const all = lines.join('\n');
  for (const [rule, pattern] of RULES) if (pattern.test(rule === 'AuthRequired' ? all : words || all)) return { code: rule, words };
  return { code: 'ServerError', words };
}

/**
 * The JSON a console printed. The examples print indented JSON alone; a console that prints a banner
 * or a warning line before it is read from the first line that starts a JSON value.
 */
export function parseConsoleOutput(text: string): { ok: true; value: unknown } | { ok: false } {
  const trimmed = text.trim();
  if (!trimmed) return { ok: true, value: null };
  try {
    return { ok: true, value: JSON.parse(trimmed) };
  } catch {
    const start = trimmed.search(/^(\[|\{|"|-?\d|null\b|true\b|false\b)/m);
    if (start > 0) {
      try {
        return { ok: true, value: JSON.parse(trimmed.slice(start)) };
      } catch {
        // fall through: not JSON after a preamble either
      }
    }
    return { ok: false };
  }
}
