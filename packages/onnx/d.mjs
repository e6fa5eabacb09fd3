import pkg from 'onnx-proto';
import fs from 'node:fs';
for (const n of ['mlp', 'lenet', 'resnet', 'gru', 'transformer']) {
  const m = pkg.onnx.ModelProto.decode(fs.readFileSync(`test/fixtures/${n}.onnx`));
  const g = m.graph;
  console.log(
    n,
    'ir',
    String(m.irVersion),
    'opset',
    m.opsetImport.map((o) => `${o.domain}:${o.version}`),
  );
  console.log(' init', g.initializer.map((i) => `${i.name}[${i.dims}]t${i.dataType}${i.rawData?.length ? 'raw' : ''}`).join(' '));
  for (const nd of g.node)
    console.log(
      '  ',
      nd.opType,
      nd.input.join(','),
      '->',
      nd.output.join(','),
      nd.attribute
        .map(
          (a) =>
            a.name +
            '=' +
            (a.type === 2
              ? a.i
              : a.type === 1
                ? a.f
                : a.type === 7
                  ? `[${a.ints}]`
                  : a.type === 4
                    ? 'T'
                    : a.type === 3
                      ? Buffer.from(a.s).toString()
                      : '?'),
        )
        .join(' '),
    );
}
