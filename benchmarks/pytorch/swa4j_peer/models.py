"""swa4j's models (swa-models) in PyTorch, with swa4j's initialisation and BatchNorm rules.

cnn<w> (org.swa4j.models.cnn.SmallCnn): three stages of widths w, 2w, 4w; each two 3x3 same-padded
convolutions without bias, each followed by BatchNorm and ReLU, then 2x2 max pooling; global average
pooling; a dense softmax layer.

preresnet<depth> (org.swa4j.models.preresnet.PreResNet, timgaripov/swa models/preresnet.py): stem conv3x3
(c -> 16); stages of planes 16, 32, 64 with strides 1, 2, 2; basic blocks (6n+2, depth < 44) or bottleneck
blocks with expansion 4 (9n+2, depth >= 44); shortcut = identity, or conv1x1 with the stride and no
BatchNorm where the shape changes; head BN-ReLU, global average pooling, dense. No convolution has a bias.

Initialisation: every convolution He-normal with fan-out, normal(0, sqrt(2 / (k * k * out_channels)))
(the reference code's rule); the dense layer U(-1/sqrt(fan_in), 1/sqrt(fan_in)) weights (PyTorch's
default) and zero bias; BatchNorm gamma 1, beta 0, running mean 0 and variance 1.

BatchNorm (BatchNorm below): eps 1e-5, momentum 0.1 (= DL4J decay 0.9); training normalises with the batch
mean and biased variance, and the running statistics follow swa4j's rule
running = 0.9 running + 0.1 batch with the *biased* batch variance (torch's BatchNorm2d uses the unbiased one).
"""
import math
import re

import torch
import torch.nn as nn
import torch.nn.functional as F

EPS = 1e-5
MOMENTUM = 0.1
CONV_INIT = "he-normal-fan-out"


class BatchNorm(nn.Module):
    """Spatial BatchNorm with swa4j's running-statistics rule, and the recalibration pass of bn_update.

    A training-mode forward normalises with torch.native_batch_norm, and takes the batch mean and biased
    variance for the running statistics from its saved mean and inverse standard deviation,
    var = invstd^-2 - eps (in float64), rather than from a second pass over the batch.

    While `recalibrating` holds a list [examples, mean_sum, var_sum], a training-mode forward adds
    n_b * batch mean and n_b * biased batch variance (n_b = examples in the batch) and leaves the running
    statistics alone; `finish_recalibration` sets them to sum / examples (swa4j's BatchNormUpdate).
    """

    def __init__(self, channels):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(channels))
        self.bias = nn.Parameter(torch.zeros(channels))
        self.register_buffer("running_mean", torch.zeros(channels))
        self.register_buffer("running_var", torch.ones(channels))
        self.recalibrating = None

    def forward(self, x):
        if not self.training:
            return F.batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias, False, 0.0, EPS)
        out, mean, invstd = torch.native_batch_norm(x, self.weight, self.bias, None, None, True, 0.0, EPS)
        with torch.no_grad():
            mean = mean.detach()
            var = (invstd.detach().double().pow(-2) - EPS).to(x.dtype)
            if self.recalibrating is not None:
                n = x.shape[0]
                self.recalibrating[0] += n
                self.recalibrating[1] += n * mean.double()
                self.recalibrating[2] += n * var.double()
            else:
                self.running_mean.mul_(1 - MOMENTUM).add_(mean, alpha=MOMENTUM)
                self.running_var.mul_(1 - MOMENTUM).add_(var, alpha=MOMENTUM)
        return out

    def start_recalibration(self):
        c, device = self.running_mean.shape[0], self.running_mean.device
        self.recalibrating = [0, torch.zeros(c, dtype=torch.float64, device=device),
                              torch.zeros(c, dtype=torch.float64, device=device)]

    def finish_recalibration(self):
        n, mean_sum, var_sum = self.recalibrating
        self.recalibrating = None
        if n == 0:
            raise ValueError("BatchNorm recalibration saw no batch")
        self.running_mean.copy_((mean_sum / n).float())
        self.running_var.copy_((var_sum / n).float())


def conv(cin, cout, kernel, stride, padding):
    return nn.Conv2d(cin, cout, kernel, stride, padding, bias=False)


class SmallCnn(nn.Module):
    def __init__(self, width, channels, classes):
        super().__init__()
        layers, cin = [], channels
        for stage in range(3):
            cout = width << stage
            for c_in in (cin, cout):
                layers += [conv(c_in, cout, 3, 1, 1), BatchNorm(cout), nn.ReLU(inplace=True)]
            layers.append(nn.MaxPool2d(2, 2))
            cin = cout
        self.features = nn.Sequential(*layers)
        self.fc = nn.Linear(cin, classes)

    def forward(self, x):
        return self.fc(self.features(x).mean(dim=(2, 3)))


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, cin, planes, stride):
        super().__init__()
        self.bn1, self.conv1 = BatchNorm(cin), conv(cin, planes, 3, stride, 1)
        self.bn2, self.conv2 = BatchNorm(planes), conv(planes, planes, 3, 1, 1)
        self.shortcut = conv(cin, planes, 1, stride, 0) if stride != 1 or cin != planes else None

    def forward(self, x):
        out = self.conv1(F.relu(self.bn1(x)))
        out = self.conv2(F.relu(self.bn2(out)))
        return out + (x if self.shortcut is None else self.shortcut(x))


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, cin, planes, stride):
        super().__init__()
        out = planes * self.expansion
        self.bn1, self.conv1 = BatchNorm(cin), conv(cin, planes, 1, 1, 0)
        self.bn2, self.conv2 = BatchNorm(planes), conv(planes, planes, 3, stride, 1)
        self.bn3, self.conv3 = BatchNorm(planes), conv(planes, out, 1, 1, 0)
        self.shortcut = conv(cin, out, 1, stride, 0) if stride != 1 or cin != out else None

    def forward(self, x):
        out = self.conv1(F.relu(self.bn1(x)))
        out = self.conv2(F.relu(self.bn2(out)))
        out = self.conv3(F.relu(self.bn3(out)))
        return out + (x if self.shortcut is None else self.shortcut(x))


class PreResNet(nn.Module):
    def __init__(self, depth, channels, classes):
        super().__init__()
        bottleneck = depth >= 44
        if bottleneck and (depth - 2) % 9 or not bottleneck and (depth < 8 or (depth - 2) % 6):
            raise ValueError(f"preresnet depth {depth} must be 6n+2 (basic blocks, 8 <= depth < 44) "
                             "or 9n+2 (bottleneck blocks, depth >= 44)")
        block = Bottleneck if bottleneck else BasicBlock
        n = (depth - 2) // (9 if bottleneck else 6)
        self.stem = conv(channels, 16, 3, 1, 1)
        blocks, cin = [], 16
        for stage in range(3):
            planes = 16 << stage
            for b in range(n):
                blocks.append(block(cin, planes, 2 if stage > 0 and b == 0 else 1))
                cin = planes * block.expansion
        self.blocks = nn.Sequential(*blocks)
        self.head_bn = BatchNorm(cin)
        self.fc = nn.Linear(cin, classes)

    def forward(self, x):
        x = F.relu(self.head_bn(self.blocks(self.stem(x))))
        return self.fc(x.mean(dim=(2, 3)))


def initialise(model):
    """swa4j's initialisation (see the module docstring); draws from torch's global generator."""
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            k = m.kernel_size[0] * m.kernel_size[1]
            nn.init.normal_(m.weight, 0.0, math.sqrt(2.0 / (k * m.out_channels)))
        elif isinstance(m, nn.Linear):
            bound = 1.0 / math.sqrt(m.in_features)
            nn.init.uniform_(m.weight, -bound, bound)
            nn.init.zeros_(m.bias)
    return model


def build(name, channels, classes, seed):
    """Model `name` initialised from `seed` (torch.manual_seed)."""
    m = re.fullmatch(r"cnn([1-9][0-9]*)", name)
    if m:
        model = SmallCnn(int(m.group(1)), channels, classes)
    else:
        m = re.fullmatch(r"preresnet([1-9][0-9]*)", name)
        if not m:
            raise ValueError(f"model '{name}' is not implemented by the PyTorch peer; it builds cnn<width> and preresnet<depth>")
        model = PreResNet(int(m.group(1)), channels, classes)
    torch.manual_seed(seed)
    return initialise(model)


def batch_norms(model):
    return [m for m in model.modules() if isinstance(m, BatchNorm)]


def parameter_count(model):
    return sum(p.numel() for p in model.parameters())
