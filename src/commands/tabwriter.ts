/**
 * Go's text/tabwriter, as Kubo's text encoders use it (padding with spaces, cells aligned left): a cell is
 * text ended by a tab; the text after a line's last tab is not aligned. Consecutive lines that have a cell in
 * a column form a block, and the column is as wide as its widest cell in the block plus `padding` (at least
 * `minWidth`). Widths count characters (Go counts runes).
 */
export function tabwrite (text: string, minWidth: number, padding: number): string {
  const lines = text.split('\n').map(l => l.split('\t'))
  const width = (s: string): number => [...s].length
  let out = ''
  const widths: number[] = []

  const write = (from: number, to: number): void => {
    for (let i = from; i < to; i++) {
      const cells = lines[i] as string[]
      cells.forEach((c, j) => { out += j < widths.length && j < cells.length - 1 ? c + ' '.repeat(Math.max(0, (widths[j] as number) - width(c))) : c })
      if (i < lines.length - 1) out += '\n'
    }
  }

  // Go's Writer.format: find the blocks of the next column, recursively
  const format = (line0: number, line1: number): void => {
    const column = widths.length
    for (let i = line0; i < line1; i++) {
      if (column >= (lines[i] as string[]).length - 1) continue
      write(line0, i)
      line0 = i
      let w = minWidth
      for (; i < line1; i++) {
        const cells = lines[i] as string[]
        if (column >= cells.length - 1) break
        w = Math.max(w, width(cells[column] as string) + padding)
      }
      widths.push(w)
      format(line0, i)
      widths.pop()
      line0 = i
    }
    write(line0, line1)
  }

  format(0, lines.length)
  return out
}
