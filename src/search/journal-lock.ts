import { readFileSync, rmSync, writeFileSync } from 'node:fs';

/**
 * One search at a time per journal: two runs writing the same output (the default name is the
 * same for runs started in the same second) would share a journal and lose each other's rows.
 * The lock is a file `<journal>.lock` holding the process id, made with O_EXCL; a lock whose
 * process is gone (killed) is taken over. It is removed when the process exits.
 */
export function lockJournal(journalPath: string): { heldBy: number } | undefined {
  const lockPath = `${journalPath}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
      process.once('exit', () => rmSync(lockPath, { force: true }));
      return undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number(readFileSync(lockPath, 'utf8').trim());
    if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) return { heldBy: holder };
    rmSync(lockPath, { force: true });
  }
  return { heldBy: 0 };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, but another user's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
