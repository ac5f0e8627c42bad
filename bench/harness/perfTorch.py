"""The PyTorch CPU twins of the perf bench's workloads (bench/harness/perfWorkloads.ts):
the same layers, batch 64, Adam, on seeded random 28x28x1 images; the char-LSTM is
charLstmTorch.py's model and step (the sequence bench's twin), on windows of the built-in corpus
with the workbench's vocabulary size (--char-vocabulary). Prints one JSON line.

  python3 perfTorch.py --workloads mlp,lenet --steps 10 --warmup 2 --threads 1
  python3 perfTorch.py --peak --threads 1     # sgemm GFLOP/s and the BLAS in use

In the DCGAN generator step the discriminator's weights are frozen (requires_grad off), so
PyTorch computes only the gradients the step needs, as the bench's FLOP count assumes.
"""
import argparse
import ctypes
import json
import time

import torch
from torch import nn

from charLstmTorch import char_lstm_step


def classifier(name: str) -> nn.Module:
    if name == 'mlp':
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Dropout(0.2), nn.Linear(128, 10))
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


def dense_stack(sizes: list, last: nn.Module) -> nn.Sequential:
    layers: list = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        layers.append(nn.ReLU() if i < len(sizes) - 2 else last)
    return nn.Sequential(*layers)


def supervised_step(name: str, batch: int):
    model = classifier(name)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.rand(batch, 1, 28, 28)
    y = torch.randint(0, 10, (batch,))
    loss_fn = nn.CrossEntropyLoss()

    def step() -> None:
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()
    return step


def autoencoder_step(hidden: list, latent: int, batch: int):
    enc = nn.Sequential(nn.Flatten(), dense_stack([784, *hidden, latent], nn.Identity()))
    dec = dense_stack([latent, *reversed(hidden), 784], nn.Sigmoid())
    opt = torch.optim.Adam([*enc.parameters(), *dec.parameters()], lr=1e-3)
    x = torch.rand(batch, 1, 28, 28)
    loss_fn = nn.BCELoss()

    def step() -> None:
        opt.zero_grad()
        loss_fn(dec(enc(x)), x.flatten(1)).backward()
        opt.step()
    return step


def vae_step(batch: int, latent: int = 20):
    enc = nn.Sequential(nn.Flatten(), nn.Linear(784, 400), nn.ReLU(), nn.Linear(400, 2 * latent))
    dec = nn.Sequential(nn.Linear(latent, 400), nn.ReLU(), nn.Linear(400, 784))
    opt = torch.optim.Adam([*enc.parameters(), *dec.parameters()], lr=1e-3)
    x = torch.rand(batch, 1, 28, 28)
    bce = nn.BCEWithLogitsLoss(reduction='none')

    def step() -> None:
        opt.zero_grad()
        mu, log_var = enc(x).chunk(2, dim=1)
        z = mu + torch.exp(0.5 * log_var) * torch.randn_like(mu)
        rec = bce(dec(z), x.flatten(1)).sum(1)
        kl = 0.5 * (mu * mu + log_var.exp() - 1 - log_var).sum(1)
        (rec + kl).mean().backward()
        opt.step()
    return step


def dcgan_step(batch: int, noise: int = 64):
    g = nn.Sequential(
        nn.Linear(noise, 7 * 7 * 128), nn.BatchNorm1d(7 * 7 * 128, momentum=0.1, eps=1e-3), nn.ReLU(), nn.Unflatten(1, (128, 7, 7)),
        nn.ConvTranspose2d(128, 64, 4, 2, padding=1), nn.BatchNorm2d(64, momentum=0.1, eps=1e-3), nn.ReLU(),
        nn.ConvTranspose2d(64, 1, 4, 2, padding=1), nn.Tanh())
    d = nn.Sequential(
        nn.Conv2d(1, 64, 4, 2, padding=1), nn.LeakyReLU(0.2), nn.Conv2d(64, 128, 4, 2, padding=1),
        nn.BatchNorm2d(128, momentum=0.1, eps=1e-3), nn.LeakyReLU(0.2), nn.Flatten(), nn.Linear(7 * 7 * 128, 1))
    opt_d = torch.optim.Adam(d.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_g = torch.optim.Adam(g.parameters(), lr=2e-4, betas=(0.5, 0.999))
    real = torch.rand(batch, 1, 28, 28) * 2 - 1
    ones, zeros = torch.ones(batch, 1), torch.zeros(batch, 1)
    bce = nn.BCEWithLogitsLoss()

    def step() -> None:
        with torch.no_grad():
            fake = g(torch.randn(batch, noise))
        opt_d.zero_grad()
        (bce(d(real), ones) + bce(d(fake), zeros)).backward()
        opt_d.step()
        d.requires_grad_(False)
        opt_g.zero_grad()
        bce(d(g(torch.randn(batch, noise))), ones).backward()
        opt_g.step()
        d.requires_grad_(True)
    return step


def build(name: str, batch: int, char_vocabulary: int):
    if name == 'char_lstm':
        return char_lstm_step(vocabulary=char_vocabulary, batch=batch)
    if name in ('mlp', 'lenet'):
        return supervised_step(name, batch)
    if name == 'ae_mlp':
        return autoencoder_step([256], 32, batch)
    if name == 'deep_ae':
        return autoencoder_step([1000, 500, 250], 30, batch)
    if name == 'vae_mlp':
        return vae_step(batch)
    if name == 'dcgan':
        return dcgan_step(batch)
    raise SystemExit(f'unknown workload {name}')


def openblas_corename() -> str:
    """The OpenBLAS kernel the process loaded (read from its memory map), or why not."""
    try:
        with open('/proc/self/maps', encoding='utf-8') as f:
            paths = sorted({line.split()[-1] for line in f if 'blas' in line.lower() and '/' in line})
        for p in paths:
            lib = ctypes.CDLL(p)
            if hasattr(lib, 'openblas_get_corename'):
                lib.openblas_get_corename.restype = ctypes.c_char_p
                lib.openblas_get_config.restype = ctypes.c_char_p
                return f'{lib.openblas_get_corename().decode()} ({lib.openblas_get_config().decode()}; {p})'
        return f'no OpenBLAS among the loaded BLAS libraries {paths}'
    except OSError as e:
        return f'unknown ({e})'


def peak(threads: int) -> dict:
    """Best sgemm GFLOP/s over a few 2048^3 products (2 n^3 FLOPs each)."""
    n = 2048
    a, b = torch.rand(n, n), torch.rand(n, n)
    torch.mm(a, b)
    best = 0.0
    for _ in range(5):
        t0 = time.perf_counter()
        torch.mm(a, b)
        best = max(best, 2 * n ** 3 / (time.perf_counter() - t0) / 1e9)
    return {'sgemm_gflops': best, 'n': n, 'openblas': openblas_corename(), 'config': config_excerpt()}


def config_excerpt() -> list:
    """The lines of torch.__config__.show() that say which BLAS, OpenMP and vector ISA it uses."""
    out = []
    for line in torch.__config__.show().splitlines():
        line = line.strip()
        if line.startswith('- Build settings:'):
            keep = ('BLAS_INFO', 'LAPACK_INFO', 'USE_OPENMP', 'USE_MKLDNN', 'PERF_WITH_AVX512')
            settings = [s.strip() for s in line[len('- Build settings:'):].split(',')]
            out.append('Build settings: ' + ', '.join(s for s in settings if s.split('=')[0] in keep))
        elif any(k in line for k in ('OpenMP', 'LAPACK', 'CPU capability', 'oneDNN', 'MKL')):
            out.append(line.lstrip('- '))
    return out


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument('--workloads', default='mlp,lenet,ae_mlp,vae_mlp,deep_ae,dcgan,char_lstm')
    p.add_argument('--peak', action='store_true')
    for name, default in [('threads', 1), ('steps', 10), ('warmup', 2), ('batch', 64), ('seed', 1), ('char-vocabulary', 64)]:
        p.add_argument(f'--{name}', type=int, default=default)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    out: dict = {'torch': torch.__version__, 'threads': torch.get_num_threads()}
    if a.peak:
        out.update(peak(a.threads))
    else:
        ms: dict = {}
        for name in a.workloads.split(','):
            step = build(name, a.batch, a.char_vocabulary)
            for _ in range(a.warmup):
                step()
            times = []
            for _ in range(a.steps):
                t0 = time.perf_counter()
                step()
                times.append((time.perf_counter() - t0) * 1000)
            ms[name] = times
        out['ms'] = ms
    print(json.dumps(out))


if __name__ == '__main__':
    main()
