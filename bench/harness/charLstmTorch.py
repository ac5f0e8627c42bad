"""The PyTorch CPU twin of the char-LSTM workload (bench/harness/charLstm.ts), defined once for the
sequence bench's speed part (bench/sequenceSpeed.ts, which runs this script) and the perf bench
(perfTorch.py imports char_lstm_step): nn.Embedding + nn.LSTM(batch_first) + nn.Linear, Adam,
cross-entropy over every position, clip_grad_norm_ 5, on windows of the same corpus.
Run as a script it prints one JSON line: the ms of each timed step (warm-up excluded).

  python3 charLstmTorch.py CORPUS --threads 1 --steps 10 --warmup 3
"""
import argparse
import json
import os
import random
import time

import torch
from torch import nn

# The built-in corpus the workbench's char-LSTM trains on (the default when no path is given).
DEFAULT_CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'workers', 'data', 'corpora', 'kjv-genesis.txt')


class CharLstm(nn.Module):
    def __init__(self, vocabulary: int, embedding: int, units: int) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocabulary, embedding)
        self.lstm = nn.LSTM(embedding, units, batch_first=True)
        self.out = nn.Linear(units, vocabulary)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h, _ = self.lstm(self.embed(x))
        return self.out(h)


def corpus_ids(path: str, vocabulary: int) -> torch.Tensor:
    """One id per character after the workbench's reserved ids (its order is by frequency, this one
    by code point: the same sizes, which is all a speed test needs); the vocabulary is the workbench's."""
    text = open(path, encoding='utf-8').read()
    chars = sorted(set(text))
    reserved = vocabulary - len(chars)
    index = {c: reserved + i for i, c in enumerate(chars)}
    return torch.tensor([index[c] for c in text], dtype=torch.long)


def char_lstm_step(corpus: str = DEFAULT_CORPUS, vocabulary: int = 64, units: int = 256, embedding: int = 64, length: int = 64, batch: int = 64, seed: int = 1):
    """A training-step function (returns the loss) of the char-LSTM on random windows of `corpus`."""
    rng = random.Random(seed)
    ids = corpus_ids(corpus, vocabulary)
    model = CharLstm(vocabulary, embedding, units)
    opt = torch.optim.Adam(model.parameters(), lr=0.003)
    loss_fn = nn.CrossEntropyLoss()

    def step() -> float:
        starts = [rng.randrange(0, len(ids) - length - 1) for _ in range(batch)]
        w = torch.stack([ids[s:s + length + 1] for s in starts])
        x, y = w[:, :-1], w[:, 1:]
        opt.zero_grad()
        loss = loss_fn(model(x).reshape(-1, vocabulary), y.reshape(-1))
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        return float(loss)
    return step


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument('corpus')
    for name, default in [('threads', 1), ('steps', 10), ('warmup', 3), ('batch', 64), ('length', 64), ('units', 256), ('embedding', 64), ('vocabulary', 64), ('seed', 1)]:
        p.add_argument(f'--{name}', type=int, default=default)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    step = char_lstm_step(a.corpus, a.vocabulary, a.units, a.embedding, a.length, a.batch, a.seed)
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
