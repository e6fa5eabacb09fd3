import * as t from '@tensile/core';
import {
  AdaptiveAvgPool2d,
  BatchNorm2d,
  ConfigModule,
  Conv2d,
  GroupNorm,
  init,
  Linear,
  MaxPool2d,
  Module,
  Sequential,
} from '@tensile/layers';

/** ResNet's constructor config, saved as is in model files. */
export type ResNetConfig = {
  /** Input channels (default 1: grayscale). */
  inChannels?: number;
  numClasses: number;
  /** Channels of each stage; every stage after the first halves the resolution with a stride-2 convolution. */
  widths: number[];
  /** BasicBlocks per stage (same length as widths). */
  blocks: number[];
  /** 'batch' (BatchNorm2d, the default) or 'group' (GroupNorm, independent of the batch). */
  norm?: 'batch' | 'group';
  /** Groups of GroupNorm (default 8; must divide every width). */
  groups?: number;
  /** torchvision's max pool after the stem (3×3, stride 2: 28×28 → 14×14), which makes every stage 4× cheaper (default false). */
  stemPool?: boolean;
};

type NormKind = 'batch' | 'group';

function normLayer(kind: NormKind, channels: number, groups: number): Module<[t.Tensor], t.Tensor> {
  return kind === 'batch' ? new BatchNorm2d(channels) : new GroupNorm(groups, channels);
}

/**
 * torchvision's BasicBlock: two 3×3 convolutions with a norm after each and
 * a residual connection; when the block strides or widens, the shortcut is
 * torchvision's `downsample` (a strided 1×1 convolution and a norm).
 */
class BasicBlock extends Module<[t.Tensor], t.Tensor> {
  readonly typeName = 'BasicBlock';
  readonly conv1: Conv2d;
  readonly bn1: Module<[t.Tensor], t.Tensor>;
  readonly conv2: Conv2d;
  readonly bn2: Module<[t.Tensor], t.Tensor>;
  readonly downsample: Sequential | null;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly stride: number,
    norm: NormKind,
    groups: number,
  ) {
    super();
    this.conv1 = this.addModule('conv1', new Conv2d(inChannels, outChannels, 3, { stride, padding: 1, bias: false }));
    this.bn1 = this.addModule('bn1', normLayer(norm, outChannels, groups));
    this.conv2 = this.addModule('conv2', new Conv2d(outChannels, outChannels, 3, { padding: 1, bias: false }));
    this.bn2 = this.addModule('bn2', normLayer(norm, outChannels, groups));
    this.downsample =
      stride !== 1 || inChannels !== outChannels
        ? this.addModule(
            'downsample',
            new Sequential(new Conv2d(inChannels, outChannels, 1, { stride, bias: false }), normLayer(norm, outChannels, groups)),
          )
        : null;
  }

  get config() {
    return { inChannels: this.inChannels, outChannels: this.outChannels, stride: this.stride };
  }

  forward(x: t.Tensor): t.Tensor {
    const h = this.bn2.call(this.conv2.call(this.bn1.call(this.conv1.call(x)).relu()));
    const shortcut = this.downsample ? (this.downsample.call(x) as t.Tensor) : x;
    return h.add(shortcut).relu();
  }
}

/**
 * A small ResNet for small images (He et al. 2016, as torchvision lays it
 * out, with a CIFAR-style stem): a 3×3 convolution (and, with `stemPool`,
 * torchvision's 3×3 stride-2 max pool), stages of BasicBlocks
 * (`layer1`, `layer2`, …; each later stage starts with a stride-2 block),
 * global average pooling and a linear classifier `fc`. BatchNorm or, with
 * `norm: 'group'`, GroupNorm after every convolution. Parameter names match
 * torchvision's (`layer2.0.downsample.1.running_mean`), so the weights load
 * into the PyTorch module of apps/cli/scripts/crosscheck_resnet.py.
 * Convolutions start as torchvision's (He normal, fan_out).
 *
 * @example
 * const net = new ResNet({ numClasses: 10, widths: [16, 32, 64], blocks: [1, 1, 1] });
 * net.call(x); // x [N, 1, 28, 28] → logits [N, 10]
 */
export class ResNet extends ConfigModule<ResNetConfig, [t.Tensor], t.Tensor> {
  readonly conv1: Conv2d;
  readonly bn1: Module<[t.Tensor], t.Tensor>;
  readonly maxpool: MaxPool2d | null;
  readonly stages: Sequential[] = [];
  readonly avgpool: AdaptiveAvgPool2d;
  readonly fc: Linear;

  constructor(config: ResNetConfig) {
    super(config);
    const { widths, blocks, numClasses } = config;
    const inChannels = config.inChannels ?? 1;
    const norm = config.norm ?? 'batch';
    const groups = config.groups ?? 8;
    const positive = (v: unknown) => Number.isInteger(v) && (v as number) >= 1;
    if (!Array.isArray(widths) || widths.length === 0 || !widths.every(positive)) {
      throw new t.ArgumentError(`ResNet: widths must be a non-empty list of channel counts, got ${JSON.stringify(widths)}`);
    }
    if (!Array.isArray(blocks) || blocks.length !== widths.length || !blocks.every(positive)) {
      throw new t.ArgumentError(
        `ResNet: blocks must give a block count ≥ 1 for each of the ${widths.length} stages, got ${JSON.stringify(blocks)}`,
      );
    }
    if (!positive(numClasses) || !positive(inChannels))
      throw new t.ArgumentError('ResNet: numClasses and inChannels must be positive integers');
    if (norm !== 'batch' && norm !== 'group')
      throw new t.ArgumentError(`ResNet: norm must be 'batch' or 'group', got ${JSON.stringify(norm)}`);
    if (norm === 'group' && widths.some((w) => w % groups !== 0)) {
      throw new t.ArgumentError(`ResNet: GroupNorm's ${groups} groups must divide every width, got widths ${JSON.stringify(widths)}`);
    }
    this.conv1 = this.addModule('conv1', new Conv2d(inChannels, widths[0], 3, { padding: 1, bias: false }));
    this.bn1 = this.addModule('bn1', normLayer(norm, widths[0], groups));
    this.maxpool = config.stemPool ? this.addModule('maxpool', new MaxPool2d(3, { stride: 2, padding: 1 })) : null;
    let channels = widths[0];
    widths.forEach((width, s) => {
      const stage = new Sequential(
        ...Array.from({ length: blocks[s] }, (_, b) => {
          const block = new BasicBlock(b === 0 ? channels : width, width, b === 0 && s > 0 ? 2 : 1, norm, groups);
          return block;
        }),
      );
      channels = width;
      this.stages.push(this.addModule(`layer${s + 1}`, stage));
    });
    this.avgpool = this.addModule('avgpool', new AdaptiveAvgPool2d(1));
    this.fc = this.addModule('fc', new Linear(channels, numClasses));
    for (const m of this.modules()) if (m instanceof Conv2d) init.kaimingNormal_(m.weight, { mode: 'fan_out', nonlinearity: 'relu' });
  }

  forward(x: t.Tensor): t.Tensor {
    let h = this.bn1.call(this.conv1.call(x)).relu();
    if (this.maxpool) h = this.maxpool.call(h);
    for (const stage of this.stages) h = stage.call(h) as t.Tensor;
    return this.fc.call(this.avgpool.call(h).flatten(1));
  }
}
