/** `tsipfs bitswap reprovide`: Kubo's older name for `routing reprovide`. */
import { reprovideCommand } from '../routing/reprovide.ts'

export default reprovideCommand(['bitswap', 'reprovide'])
