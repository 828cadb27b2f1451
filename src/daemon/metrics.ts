/** Prometheus text exposition for /debug/metrics/prometheus on the API port: process, RPC and repo metrics */
import type { TsipfsNode } from '../core/node.ts'

export class Metrics {
  readonly requests = new Map<string, number>()
  readonly errors = new Map<string, number>()
  private repoCache: { at: number, size: number, objects: number } | undefined

  countRequest (command: string, failed: boolean): void {
    this.requests.set(command, (this.requests.get(command) ?? 0) + 1)
    if (failed) this.errors.set(command, (this.errors.get(command) ?? 0) + 1)
  }

  async render (node: TsipfsNode): Promise<string> {
    // the repo walk is not free: refresh it at most once a minute
    if (this.repoCache === undefined || Date.now() - this.repoCache.at > 60_000) {
      const s = await node.repo.stat()
      this.repoCache = { at: Date.now(), size: s.RepoSize, objects: s.NumObjects }
    }
    const cpu = process.cpuUsage()
    const mem = process.memoryUsage()
    const lines: string[] = []
    const metric = (name: string, type: string, help: string, samples: Array<[string, number]>): void => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`)
      for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`)
    }
    metric('process_cpu_seconds_total', 'counter', 'Total user and system CPU time spent in seconds.', [['', (cpu.user + cpu.system) / 1e6]])
    metric('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.', [['', mem.rss]])
    metric('process_start_time_seconds', 'gauge', 'Start time of the process since unix epoch in seconds.', [['', Math.floor(Date.now() / 1000 - process.uptime())]])
    metric('nodejs_heap_used_bytes', 'gauge', 'V8 heap in use, in bytes.', [['', mem.heapUsed]])
    metric('nodejs_external_memory_bytes', 'gauge', 'Memory of C++ objects bound to JavaScript, in bytes.', [['', mem.external]])
    metric('tsipfs_repo_size_bytes', 'gauge', 'Disk space the repo uses, in bytes (refreshed at most once a minute).', [['', this.repoCache.size]])
    metric('tsipfs_repo_objects', 'gauge', 'Blocks in the repo (refreshed at most once a minute).', [['', this.repoCache.objects]])
    metric('tsipfs_rpc_requests_total', 'counter', 'RPC API requests, by command.', [...this.requests].map(([c, n]) => [`{command="${c}"}`, n]))
    metric('tsipfs_rpc_errors_total', 'counter', 'RPC API requests that ended in an error, by command.', [...this.errors].map(([c, n]) => [`{command="${c}"}`, n]))
    return lines.join('\n') + '\n'
  }
}
