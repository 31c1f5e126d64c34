"""A lean forward pass of a BERT sentence embedder for one short query at a time.

Embedding the query is most of a search's time, and for one short text much of it is not
arithmetic: the sentence-transformers preprocessing, about 120 ``nn.Module`` calls with their
hooks, and transformers' per-layer signature inspection cost several milliseconds per query
on a loaded CPU. :class:`BertQueryEncoder` runs the same arithmetic on the same weights with
plain tensor functions: the Rust tokenizer directly, one fused QKV product per layer,
scaled-dot-product attention (one sequence, so no mask), mean pooling and L2 normalisation.

It applies only to the exact pipeline it reproduces (a ``BertModel`` with absolute positions
and GELU, mean pooling, optional normalisation); :func:`bert_query_encoder` returns ``None``
for anything else, and the embedder falls back to the model's own forward.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import torch
    from sentence_transformers import SentenceTransformer

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Layer:
    qkv_w: torch.Tensor
    qkv_b: torch.Tensor
    out_w: torch.Tensor
    out_b: torch.Tensor
    ln1: tuple[torch.Tensor, torch.Tensor]
    up_w: torch.Tensor
    up_b: torch.Tensor
    down_w: torch.Tensor
    down_b: torch.Tensor
    ln2: tuple[torch.Tensor, torch.Tensor]


class BertQueryEncoder:
    """Embeds one text with a BERT sentence model's weights, without the module machinery.

    ``bfloat16`` runs the matrix products in bfloat16 with the weights converted once (what
    CPU autocast does, without re-casting the weights on every call); layer norms, residuals,
    pooling and the output stay float32.
    """

    def __init__(self, tokenizer: Any, bert: Any, max_length: int, bfloat16: bool) -> None:
        import torch

        cfg = bert.config
        self._tokenizer = tokenizer
        self._heads = int(cfg.num_attention_heads)
        self._hidden = int(cfg.hidden_size)
        self._eps = float(cfg.layer_norm_eps)
        self._dtype = torch.bfloat16 if bfloat16 else torch.float32
        emb = bert.embeddings
        self._words = emb.word_embeddings.weight.detach()
        self._positions = emb.position_embeddings.weight.detach()
        self._type0 = emb.token_type_embeddings.weight.detach()[0]
        self._ln0 = (emb.LayerNorm.weight.detach(), emb.LayerNorm.bias.detach())
        self._layers = [self._layer(block) for block in bert.encoder.layer]
        self.max_length = max_length

    def _layer(self, block: Any) -> _Layer:
        import torch

        att = block.attention
        qkv = (att.self.query, att.self.key, att.self.value)
        return _Layer(
            qkv_w=torch.cat([m.weight.detach() for m in qkv]).to(self._dtype),
            qkv_b=torch.cat([m.bias.detach() for m in qkv]).to(self._dtype),
            out_w=att.output.dense.weight.detach().to(self._dtype),
            out_b=att.output.dense.bias.detach().to(self._dtype),
            ln1=(att.output.LayerNorm.weight.detach(), att.output.LayerNorm.bias.detach()),
            up_w=block.intermediate.dense.weight.detach().to(self._dtype),
            up_b=block.intermediate.dense.bias.detach().to(self._dtype),
            down_w=block.output.dense.weight.detach().to(self._dtype),
            down_b=block.output.dense.bias.detach().to(self._dtype),
            ln2=(block.output.LayerNorm.weight.detach(), block.output.LayerNorm.bias.detach()),
        )

    def token_ids(self, text: str) -> list[int]:
        """Word-piece ids with ``[CLS]``/``[SEP]``, truncated to the model's window."""
        ids: list[int] = self._tokenizer.encode(text).ids
        return ids

    def embed(self, text: str) -> np.ndarray[Any, np.dtype[np.float32]]:
        """The unit-length float32 vector of ``text`` (shape ``(hidden,)``)."""
        import torch
        import torch.nn.functional as F  # noqa: N812

        ids = torch.tensor(self.token_ids(text), dtype=torch.long)
        n, h, heads, dt = len(ids), self._hidden, self._heads, self._dtype
        with torch.inference_mode():
            x = self._words[ids] + self._positions[:n] + self._type0
            x = F.layer_norm(x, (h,), *self._ln0, eps=self._eps)
            for layer in self._layers:
                qkv = F.linear(x.to(dt), layer.qkv_w, layer.qkv_b)
                q, k, v = qkv.view(n, 3, heads, h // heads).permute(1, 2, 0, 3)
                att = F.scaled_dot_product_attention(q, k, v).transpose(0, 1).reshape(n, h)
                x = F.layer_norm(F.linear(att, layer.out_w, layer.out_b).float() + x, (h,), *layer.ln1,
                                 eps=self._eps)  # fmt: skip
                up = F.gelu(F.linear(x.to(dt), layer.up_w, layer.up_b))
                x = F.layer_norm(F.linear(up, layer.down_w, layer.down_b).float() + x, (h,), *layer.ln2,
                                 eps=self._eps)  # fmt: skip
            pooled = F.normalize(x.mean(0), dim=0)
        out: np.ndarray[Any, np.dtype[np.float32]] = pooled.numpy()
        return out


def _mean_pooling(pooling: Any) -> bool:
    """Whether a sentence-transformers ``Pooling`` averages the token vectors (and only that)."""
    mode = getattr(pooling, "pooling_mode", None)
    if mode is not None:
        return bool(mode == "mean")
    return bool(pooling.pooling_mode_mean_tokens) and not (
        pooling.pooling_mode_cls_token
        or pooling.pooling_mode_max_tokens
        or getattr(pooling, "pooling_mode_mean_sqrt_len_tokens", False)
    )


def bert_query_encoder(model: SentenceTransformer, path: Path, bfloat16: bool) -> BertQueryEncoder | None:
    """A :class:`BertQueryEncoder` for ``model`` when it is the pipeline it reproduces, else None.

    Args:
        model: A loaded sentence-transformers model.
        path: Its folder (for the ``tokenizer.json`` read by the Rust tokenizer).
        bfloat16: Run the matrix products in bfloat16.
    """
    try:
        from tokenizers import Tokenizer

        mods: list[Any] = list(model.children())
        bert: Any = mods[0].auto_model
        pooling: Any = mods[1]
        cfg: Any = bert.config
        plain = (
            cfg.model_type == "bert"
            and getattr(cfg, "position_embedding_type", "absolute") == "absolute"
            and cfg.hidden_act == "gelu"
            and type(pooling).__name__ == "Pooling"
            and _mean_pooling(pooling)
            and all(type(m).__name__ == "Normalize" for m in mods[2:])
            and str(model.device) == "cpu"
            and (path / "tokenizer.json").is_file()
        )
        if not plain:
            return None
        max_length = int(model.max_seq_length or cfg.max_position_embeddings)
        tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_length=max_length)
        return BertQueryEncoder(tokenizer, bert, max_length, bfloat16)
    except (AttributeError, IndexError, ImportError, OSError, ValueError) as e:
        logger.info("lean query encoder not used for %s: %s", path, e)
        return None
