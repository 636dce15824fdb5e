"""Write the reference outputs that test stancelib.encoder against transformers and torch.

``fixtures/encoder_reference.json`` holds, for a set of awkward strings and a sample of
training sentences, the token ids of Hugging Face's tokenizer for all-MiniLM-L6-v2 and
the logits of the shipped encoder computed by torch (``transformers.BertModel`` with the
weights of ``stancelib/models/encoder.npz``). The test suite, which has neither library,
checks that the NumPy tokenizer and forward pass give the same.

Needs the ``neural`` extra. Run: python tools/make_encoder_fixtures.py
"""

from __future__ import annotations

import json
from pathlib import Path

from stancelib import data
from stancelib.encoder import MAX_TOKENS, SentenceEncoder
from stancelib.train import ENCODER_FILE

OUT = Path(__file__).resolve().parents[1] / "fixtures" / "encoder_reference.json"

#: Strings that exercise every branch of BERT's basic tokenizer and WordPiece.
AWKWARD = [
    "",
    "   ",
    "Troops?",
    "NATO's \u201cno plans\u201d \u2014 for now.",
    "Caf\u00e9 cr\u00e8me, na\u00efve \u00c9lys\u00e9e, Zelensky/Zelenskyy, Przyd\u0142acz",
    "\u041f\u0443\u0442\u0438\u043d \u0437\u0430\u044f\u0432\u0438\u043b: \u043d\u0435\u0442.",
    "\u5317\u4eac and \u6771\u4eac said \u201c\u4e0d\u201d",
    "Emoji \U0001f1fa\U0001f1e6 and \U0001f1eb\U0001f1f7 flags \u2764\ufe0f",
    "zero\u200bwidth and soft\u00adhyphen and non\u00a0breaking space",
    "tabs\tand\nnewlines\r\nand\x00nul\ufffdreplacement",
    "$1.5bn, 20%, 3:00 p.m., #Ukraine @Elysee ^caret~tilde |pipe|",
    "##hash ##marks are not special in text",
    "antidisestablishmentarianism " + "x" * 120 + " supercalifragilistic",
    "READ ALSO: Live updates | Photo: AFP/Getty Images (c) 2025",
    "\u00abNous ne l'excluons pas\u00bb, a-t-il dit ; \u00bfPor qu\u00e9? \u00a1S\u00ed!",
    "word " * 200,
]


def main() -> None:
    import numpy as np
    import torch
    from finetune_encoder import _base  # the same pretrained tokenizer (tools/ is on the path)
    from transformers import AutoTokenizer, BertConfig, BertModel

    encoder = SentenceEncoder.from_file(ENCODER_FILE)
    tokenizer = AutoTokenizer.from_pretrained(_base(None))
    rows = data.validate_training()
    texts = AWKWARD + [r["text"] for r in rows[:: max(1, len(rows) // 60)]][:60]
    ids = [tokenizer(t, truncation=True, max_length=MAX_TOKENS)["input_ids"] for t in texts]

    config = encoder.metadata["config"]
    bert = BertModel(
        BertConfig(
            vocab_size=len(encoder.tokenizer.vocab),
            hidden_size=config["hidden"],
            num_hidden_layers=config["layers"],
            num_attention_heads=config["heads"],
            intermediate_size=encoder.weights["encoder.layer.0.intermediate.dense.weight"].shape[0],
            layer_norm_eps=config["eps"],
        ),
        add_pooling_layer=False,
    )
    state = {k: torch.tensor(np.asarray(v, dtype=np.float32)) for k, v in encoder.weights.items()}
    bert.load_state_dict({k: v for k, v in state.items() if not k.startswith("head.")})
    bert.eval()
    scored = texts[len(AWKWARD) - 6 :]
    with torch.no_grad():
        batch = tokenizer(
            scored, padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt"
        )
        hidden = bert(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).float()
        pooled = (hidden * mask).sum(1) / mask.sum(1)
        logits = pooled @ state["head.weight"].T + state["head.bias"]
    OUT.write_text(
        json.dumps(
            {
                "encoder_sha256": data.file_sha256(ENCODER_FILE),
                "tokens": [{"text": t, "ids": i} for t, i in zip(texts, ids)],
                "logits": [
                    {"text": t, "logits": [round(float(x), 6) for x in row]}
                    for t, row in zip(scored, logits.numpy())
                ],
            },
            ensure_ascii=False,
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"wrote {OUT}: {len(texts)} tokenizations, {len(scored)} logit rows")


if __name__ == "__main__":
    main()
