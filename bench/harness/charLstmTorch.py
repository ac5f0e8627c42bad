"""The PyTorch CPU twin of the sequence bench's char-LSTM speed test
(bench/sequenceSpeed.ts): nn.Embedding + nn.LSTM(batch_first) + nn.Linear,
Adam, cross-entropy over every position, on windows of the same corpus.
Prints one JSON line: the ms of each timed step (warm-up excluded).

  python3 charLstmTorch.py CORPUS --threads 1 --steps 10 --warmup 3
"""
import argparse
import json
import random
import time

import torch
from torch import nn


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument('corpus')
    for name, default in [('threads', 1), ('steps', 10), ('warmup', 3), ('batch', 64), ('length', 64), ('units', 256), ('embedding', 64), ('vocabulary', 64), ('seed', 1)]:
        p.add_argument(f'--{name}', type=int, default=default)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rng = random.Random(a.seed)
    text = open(a.corpus, encoding='utf-8').read()
    # One id per character after the workbench's reserved ids (its order is by frequency, this one
    # by code point: the same sizes, which is all a speed test needs); the vocabulary is the workbench's.
    chars = sorted(set(text))
    reserved = a.vocabulary - len(chars)
    index = {c: reserved + i for i, c in enumerate(chars)}
    ids = torch.tensor([index[c] for c in text], dtype=torch.long)

    class CharLstm(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embed = nn.Embedding(a.vocabulary, a.embedding)
            self.lstm = nn.LSTM(a.embedding, a.units, batch_first=True)
            self.out = nn.Linear(a.units, a.vocabulary)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            h, _ = self.lstm(self.embed(x))
            return self.out(h)

    model = CharLstm()
    opt = torch.optim.Adam(model.parameters(), lr=0.003)
    loss_fn = nn.CrossEntropyLoss()

    def batch() -> tuple[torch.Tensor, torch.Tensor]:
        starts = [rng.randrange(0, len(ids) - a.length - 1) for _ in range(a.batch)]
        w = torch.stack([ids[s:s + a.length + 1] for s in starts])
        return w[:, :-1], w[:, 1:]

    def step() -> float:
        x, y = batch()
        opt.zero_grad()
        loss = loss_fn(model(x).reshape(-1, a.vocabulary), y.reshape(-1))
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        return float(loss)

    for _ in range(a.warmup):
        step()
    ms = []
    loss = 0.0
    for _ in range(a.steps):
        t0 = time.perf_counter()
        loss = step()
        ms.append((time.perf_counter() - t0) * 1000)
    print(json.dumps({'ms': ms, 'loss': loss, 'torch': torch.__version__, 'threads': torch.get_num_threads()}))


if __name__ == '__main__':
    main()
