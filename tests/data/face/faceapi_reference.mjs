// Computes reference face descriptors with @vladmandic/face-api (the package
// whose weights shiming's C++ port loads) for the aligned 150x150 chips in
// chips/, and writes faceapi_reference.json. Run by make_faceapi_reference.sh.
// Usage: node faceapi_reference.mjs NODE_MODULES_DIR MODEL_DIR CHIPS_DIR OUT_JSON
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const [modulesDir, modelDir, chipsDir, outPath] = process.argv.slice(2);
if (!outPath) {
  console.error('usage: node faceapi_reference.mjs NODE_MODULES_DIR MODEL_DIR CHIPS_DIR OUT_JSON');
  process.exit(2);
}
const require = createRequire(path.join(path.resolve(modulesDir), 'x.js'));
const tf = require('@tensorflow/tfjs');
const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');
const { PNG } = require('pngjs');

await tf.setBackend('cpu');  // pure JavaScript kernels: no native or wasm binary needed
await tf.ready();
const weights = new Uint8Array(fs.readFileSync(path.join(modelDir, 'face_recognition_model.bin')));
const manifest = JSON.parse(fs.readFileSync(path.join(modelDir, 'face_recognition_model-weights_manifest.json')));
await faceapi.nets.faceRecognitionNet.loadFromWeightMap(
  tf.io.decodeWeights(weights.buffer, manifest.flatMap((g) => g.weights)));

const out = {
  generator: 'tests/data/face/faceapi_reference.mjs',
  face_api_version: faceapi.version,
  tfjs_version: tf.version_core,
  backend: tf.getBackend(),
  input: '150x150 RGB chips from chips/*.png (face-api normalises (pixel - mean) / 255)',
  descriptors: {},
};
for (const file of fs.readdirSync(chipsDir).filter((f) => f.endsWith('.png')).sort()) {
  const png = PNG.sync.read(fs.readFileSync(path.join(chipsDir, file)));
  const rgb = new Int32Array(png.width * png.height * 3);
  for (let i = 0; i < png.width * png.height; i++) {
    rgb[3 * i] = png.data[4 * i];
    rgb[3 * i + 1] = png.data[4 * i + 1];
    rgb[3 * i + 2] = png.data[4 * i + 2];
  }
  const tensor = tf.tensor3d(rgb, [png.height, png.width, 3], 'int32');
  const descriptor = await faceapi.computeFaceDescriptor(tensor);
  tensor.dispose();
  out.descriptors[file] = Array.from(descriptor).map((v) => Number(v.toPrecision(8)));
  console.log(file, descriptor.length);
}
fs.writeFileSync(outPath, JSON.stringify(out, null, 1) + '\n');
