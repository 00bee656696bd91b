import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyProject, removeProject } from './project.js';

// A real pseudo-terminal through util-linux `script`: the generator must prompt for what the
// flags left out, validate each answer with the same schema, and ask again after a bad one.
let dir: string;
beforeAll(async () => {
  dir = await copyProject();
});
afterAll(() => removeProject(dir));

function onTerminal(command: string, answers: readonly string[]): Promise<{ code: number | null; screen: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
    let screen = '';
    let next = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      screen += chunk.toString();
      // Answer each prompt once it is on screen, one question mark per prompt.
      const asked = screen.split('?').length - 1;
      while (next < answers.length && asked > next) {
        child.stdin.write(answers[next] ?? '');
        next += 1;
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, screen });
    });
  });
}

describe('generate on a terminal', () => {
  it('prompts for a missing answer, refuses a bad one with the rule, and writes after a good one', async () => {
    const command = "node generators/bin/generate.js endpoint --method GET --path /things --permission things:read --summary 'List things'";
    const result = await onTerminal(command, ['class\r', '\u0015listThings\r']);
    expect(result.screen).toContain('Endpoint name');
    expect(result.screen).toMatch(/reserved/i);
    expect(result.code).toBe(0);
    expect(existsSync(join(dir, 'src/endpoints/list-things.ts'))).toBe(true);
    expect(existsSync(join(dir, 'src/endpoints/class.ts'))).toBe(false);
  }, 60_000);
});
