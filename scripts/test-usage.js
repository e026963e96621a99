// Loaded into each test process by scripts/test.js (--import): when the process exits, writes
// the CPU seconds it used, with the processes it started and waited for (servers, Chromium),
// to ATSGATE_TEST_USAGE_FILE, so the runner can report CPU per file and not just wall time.
import { readFileSync, writeFileSync } from 'node:fs';

const target = process.env.ATSGATE_TEST_USAGE_FILE;
if (target) {
  // The test's own child processes must not overwrite this process's figure.
  delete process.env.ATSGATE_TEST_USAGE_FILE;
  process.on('exit', () => {
    let cpuSeconds;
    try {
      // /proc/self/stat: utime, stime, cutime, cstime are fields 14-17, in clock ticks (100/s on Linux).
      const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
      cpuSeconds = fields.slice(11, 15).reduce((s, t) => s + Number(t), 0) / 100;
    } catch {
      const u = process.resourceUsage(); // elsewhere: this process only
      cpuSeconds = (u.userCPUTime + u.systemCPUTime) / 1e6;
    }
    writeFileSync(target, JSON.stringify({ cpuSeconds }));
  });
}
