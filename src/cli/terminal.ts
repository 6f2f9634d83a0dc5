/** Whether to colour what goes to a stream: a terminal, and neither NO_COLOR nor TERM=dumb. */
export function wantsColour(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb';
}

const CODES = { red: [31, 39], yellow: [33, 39], green: [32, 39], dim: [2, 22], bold: [1, 22] } as const;

/** Text in a colour when `on`, plain otherwise. */
export function paint(text: string, colour: keyof typeof CODES, on: boolean): string {
  if (!on) return text;
  const [open, close] = CODES[colour];
  return `\u001b[${open}m${text}\u001b[${close}m`;
}
