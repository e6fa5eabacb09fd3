import { registerBasicExporters } from './basic-layers.js';
import { registerRecurrentExporters } from './recurrent-layers.js';
import { registerAttentionExporters } from './attention-layers.js';
import { registerOnnxGraphExporter } from './onnx-graph.js';

let done = false;

/** Registers every built-in layer's exporter once (exportOnnx calls it); a third party's registrations for the same names win if made after. */
export function registerBuiltinExporters(): void {
  if (done) return;
  done = true;
  registerBasicExporters();
  registerRecurrentExporters();
  registerAttentionExporters();
  registerOnnxGraphExporter();
}
