/** `--name <number>` from a benchmark's arguments, or `dflt` */
export function option (args: string[], name: string, dflt: number): number {
  const i = args.indexOf(`--${name}`)
  return i === -1 ? dflt : Number(args[i + 1])
}
