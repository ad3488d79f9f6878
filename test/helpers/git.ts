import path from 'node:path';
import { simpleGit } from 'simple-git';
import type { SimpleGit } from 'simple-git';

/** A Git repository of intents for a Git source to fetch, and a clone to commit to it from. */
export interface IntentsRepository {
  /** The bare repository (the "remote"): sources fetch `file://<bare>`. */
  readonly bare: string;
  /** The working clone, on branch main with a test identity. */
  readonly workDir: string;
  readonly work: SimpleGit;
  /** Commits everything in the clone and pushes it to main; returns main's commit in the bare repository. */
  commitAndPush(message: string): Promise<string>;
}

/** Creates `intents.git` (bare) and its clone `work` in `root`; nothing committed yet. */
export async function createIntentsRepository(root: string): Promise<IntentsRepository> {
  const bare = path.join(root, 'intents.git');
  const workDir = path.join(root, 'work');
  await simpleGit(root).init(true, [bare]);
  await simpleGit(root).clone(bare, workDir);
  const work = simpleGit(workDir);
  await work.addConfig('user.name', 'Test').addConfig('user.email', 'test@example.invalid');
  await work.checkoutLocalBranch('main');
  return {
    bare,
    workDir,
    work,
    async commitAndPush(message: string): Promise<string> {
      await work.add(['-A', '.']);
      await work.commit(message);
      await work.push('origin', 'HEAD:main');
      return (await simpleGit(bare).revparse(['main'])).trim();
    },
  };
}
