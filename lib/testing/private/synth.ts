import * as fs from 'fs';
import * as path from 'path';
import { Stack, Stage } from 'aws-cdk-lib';

/** Where a synthesized stack lives on disk. */
export interface SynthesizedStack {
  /** Directory of the cloud assembly holding the stack (the nested assembly for stacks in a Stage). */
  readonly assemblyDir: string;
  /** Directory of the root (top-level App) cloud assembly. */
  readonly rootAssemblyDir: string;
  /** Absolute path of the stack's template file. */
  readonly templatePath: string;
  /** Parsed template. */
  readonly template: { [key: string]: any };
}

/**
 * Synthesizes the Stage/App that owns `stack` (cached by the CDK when already done) and
 * locates the stack's template, the same way `Template.fromStack()` does.
 */
export function synthStack(stack: Stack): SynthesizedStack {
  const stage = Stage.of(stack);
  if (!stage || !Stage.isStage(stage)) {
    throw new Error(`Stack '${stack.node.path}' is not part of an App or Stage, so it cannot be synthesized`);
  }
  const assembly = stage.synth();
  const templatePath = path.join(assembly.directory, stack.templateFile);
  if (!fs.existsSync(templatePath)) {
    throw new Error(`Synthesized template for stack '${stack.node.path}' not found at ${templatePath}`);
  }
  const template = JSON.parse(fs.readFileSync(templatePath, 'utf-8'));
  const root = stack.node.root;
  let rootAssemblyDir = assembly.directory;
  if (Stage.isStage(root) && root !== stage) {
    rootAssemblyDir = root.synth().directory;
  }
  return { assemblyDir: assembly.directory, rootAssemblyDir, templatePath, template };
}
