"""Benchmark the drafting step: embedded LLM speed and the time to compose one draft.

Prints, for the packaged Gemma 3 270M GGUF run by llama-cpp-python:
- model load time, prompt-processing and generation tokens per second;
- time to compose one full draft with the embedded model, against a baseline measured in
  the same process with the deterministic mock LLM (the cost of everything except the
  language model: fact writing, sanitising, citation scoring).

Passages come from the shared MedQuAD corpus (NHLBI pneumonia page) when
``../shared/data`` is present, otherwise from a short built-in text.

Usage: ``python benchmarks/bench_drafting.py [--models-dir var/models] [--repeats 3]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from assistant.drafting.citations import EmbeddingSupportScorer
from assistant.drafting.composer import compose_draft
from assistant.drafting.llm import EmbeddedLlamaLLM, MockLLM, build_llm
from assistant.drafting.schemas import (
    CitedSource,
    ImagingFinding,
    ImagingFindings,
    ModelCardRef,
)
from assistant.intake import IntakeRecord, Symptom
from assistant.settings import LLMSettings
from knowledge.embeddings import load_embedder

REPO = Path(__file__).resolve().parents[1]
MEDQUAD_PNEUMONIA = (
    REPO.parent / "shared" / "data" / "knowledge" / "medquad" / "8_NHLBI_QA_XML" / "0000105.xml"
)
FALLBACK_TEXT = (
    "Pneumonia is an infection in one or both of the lungs. A chest X-ray is the most common "
    "test used to diagnose pneumonia. Several conditions can look like pneumonia on an X-ray."
)


def load_passages(limit: int = 5) -> list[CitedSource]:
    """Numbered passages from MedQuAD's NHLBI pneumonia answers (or a built-in text)."""
    if not MEDQUAD_PNEUMONIA.is_file():
        return [CitedSource(number=1, title="Pneumonia", publisher="built-in", text=FALLBACK_TEXT)]
    root = ET.parse(MEDQUAD_PNEUMONIA).getroot()
    url = root.get("url", "")
    out: list[CitedSource] = []
    for pair in root.iter("QAPair"):
        question, answer = pair.findtext("Question", ""), pair.findtext("Answer", "")
        text = " ".join(answer.split())[:1500]
        if text:
            out.append(
                CitedSource(
                    number=len(out) + 1, title=question.strip(), publisher="NHLBI", url=url, text=text
                )
            )
        if len(out) == limit:
            break
    return out


def case() -> tuple[IntakeRecord, ImagingFindings]:
    """A short pneumonia case with one positive chest X-ray finding."""
    card = ModelCardRef(
        id="cxr-pneumonia-v1", name="chest X-ray pneumonia", limitations=["trained on children"]
    )
    intake = IntakeRecord(
        diagnosis_in_question="pneumonia",
        reason_for_second_opinion="a patch on the chest X-ray",
        symptoms=[Symptom(description="cough and fever", onset="last week", duration="six days")],
        main_question="Is it really pneumonia?",
    )
    imaging = ImagingFindings(
        modality="chest X-ray",
        findings=[
            ImagingFinding(
                label="pneumonia", probability=0.87, threshold=0.42, positive=True, model_card=card
            )
        ],
    )
    return intake, imaging


def bench_tokens(llm: EmbeddedLlamaLLM, repeats: int) -> tuple[float, float]:
    """Median prompt and generation tokens/s for a 128-token completion."""
    prompt = "The lungs are two organs in the chest. " * 20 + "\nA short guide to pneumonia:\n"
    prompt_rates, gen_rates = [], []
    client = llm.client
    for _ in range(repeats):
        client.reset()
        start = time.perf_counter()
        client.create_completion(prompt=prompt, max_tokens=1, temperature=0.0)
        prompt_s = time.perf_counter() - start
        n_prompt = len(client.tokenize(prompt.encode()))
        client.reset()
        start = time.perf_counter()
        out = client.create_completion(prompt=prompt, max_tokens=128, temperature=0.0)
        total_s = time.perf_counter() - start
        n_gen = int(out["usage"]["completion_tokens"])
        prompt_rates.append(n_prompt / prompt_s)
        gen_rates.append(n_gen / max(total_s - prompt_s, 1e-6))
    return statistics.median(prompt_rates), statistics.median(gen_rates)


def main() -> None:
    """Run the benchmark and print the figures."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models-dir", type=Path, default=REPO / "var" / "models")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    start = time.perf_counter()
    llm = build_llm(LLMSettings(mode="embedded"), args.models_dir)
    assert isinstance(llm, EmbeddedLlamaLLM)
    _ = llm.client
    load_s = time.perf_counter() - start
    prompt_tps, gen_tps = bench_tokens(llm, args.repeats)

    intake, imaging = case()
    passages = load_passages()
    scorer = EmbeddingSupportScorer(load_embedder())
    compose_draft(intake, imaging, passages, MockLLM(), scorer=scorer)  # warm caches
    mock_s, embedded_s = [], []
    draft = None
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        compose_draft(intake, imaging, passages, MockLLM(), scorer=scorer)
        mock_s.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        draft = compose_draft(intake, imaging, passages, llm, scorer=scorer)
        embedded_s.append(time.perf_counter() - t0)
    assert draft is not None
    m = draft.citation_metrics
    print(f"embedded model: {llm.model_id}  threads={llm.n_threads or 'default'}")
    print(f"load (assemble/verify + llama.cpp init): {load_s:.2f} s")
    print(f"prompt processing: {prompt_tps:.0f} tokens/s   generation: {gen_tps:.1f} tokens/s")
    print(f"compose one draft, mock LLM (baseline): {statistics.median(mock_s):.2f} s")
    print(
        f"compose one draft, embedded LLM:        {statistics.median(embedded_s):.2f} s "
        f"({statistics.median(embedded_s) / statistics.median(mock_s):.1f}x baseline)"
    )
    print(
        f"draft checks: citations={m.n_citations} removed={m.n_unresolved_removed} "
        f"unsupported={m.n_unsupported} mean_support={m.mean_support}"
    )
    fallbacks = sum(f.detail == "fixed wording used" for f in draft.flags)
    print(f"sections needing fixed wording (model output unusable): {fallbacks} of 4")


if __name__ == "__main__":
    main()
