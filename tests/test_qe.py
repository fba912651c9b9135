"""Quality estimation (mtqa.qe) and ``mtqa score --src``: real behaviour on corpus sentences."""

from __future__ import annotations

import ctypes
import json
import subprocess
import sys

import numpy as np
import pytest

from mtqa.qe import QEResult, QualityEstimator
from mtqa.qe.features import local_spans, span_features, wrong_script_share
from mtqa.qe.model import LinearQE, QEModelSet, packaged_models
from mtqa.translate.prompt import parallel_pairs

PAIRS = [(zh, en) for _, zh, en in parallel_pairs()]  # hand-aligned zh/en sentences of document 000


@pytest.fixture(scope="module")
def fast(detector) -> QualityEstimator:
    return QualityEstimator("fast", detector=detector)


# --- the model file -----------------------------------------------------------------------------
def test_packaged_model_round_trips_through_json():
    ms = packaged_models()
    assert {"bilingual/fast", "monolingual/fast"} <= set(ms.models)
    again = QEModelSet.from_json(json.loads(json.dumps(ms.to_json())))
    assert again.to_json() == ms.to_json()
    rows = [{"src_len": 3.0, "cos": 0.8, "det_sev": 0.1, "wrong_script": 0.2}, {}]
    for key, m in ms.models.items():
        m2 = LinearQE.from_json(m.to_json())
        assert np.allclose(m.predict(rows), m2.predict(rows)), key
        assert ((m.predict(rows) >= 0) & (m.predict(rows) <= 100)).all()
        assert m.info.get("fitted_on"), key  # every combiner says what it was fitted on


def test_result_round_trip_and_bad_model_file(tmp_path):
    r = QEResult(71.234567, {"cos": 0.812345678}, "bilingual", "fast", ["a note"])
    d = r.to_json()
    assert d["qe"] == 71.23 and d["components"]["cos"] == 0.8123 and d["notes"] == ["a note"]
    assert QEResult.from_json(json.loads(json.dumps(d))).to_json() == d
    bad = tmp_path / "m.json"
    bad.write_text('{"version": 1, "models": {"bilingual/fast": {"features": ["a"]}}}')
    from mtqa.errors import ConfigError

    with pytest.raises(ConfigError):
        QEModelSet.load(bad)


# --- monolingual --------------------------------------------------------------------------------
def _damage(zh: str, en: str) -> list[str]:
    """Damage of the kinds document 002 shows: an English tail, a cut word glued across scripts,
    a repeated fragment, the whole sentence left in English."""
    k = len(zh) // 2
    h = next(i for i in range(k, len(zh)) if all("\u4e00" <= c <= "\u9fff" for c in zh[i - 3 : i]))
    return [
        zh[:k] + en[len(en) // 2 :],
        zh[:k] + "countr" + zh[k:],
        zh[:h] + zh[h - 3 : h] + zh[h:],  # "通关通关"
        en,
    ]


def test_monolingual_damaged_passages_score_below_their_clean_version(fast):
    clean = [zh for zh, _ in PAIRS[:8]]
    damaged = [_damage(zh, en) for zh, en in PAIRS[:8]]
    q_clean = [r.qe for r in fast.monolingual(clean, "zh")]
    flat = [d for ds in damaged for d in ds]
    q_bad = [r.qe for r in fast.monolingual(flat, "zh")]
    for i, qc in enumerate(q_clean):
        for j in range(4):
            assert q_bad[4 * i + j] < qc, (clean[i], flat[4 * i + j])
    # English sentences of document 000, with words cut and glued, score below the clean ones
    en_clean = [en for _, en in PAIRS[:8]]
    en_bad = [en.replace(" ", "", 2)[: len(en) // 2] + "tinues" + en[len(en) // 2 :] for en in en_clean]
    assert np.mean([r.qe for r in fast.monolingual(en_bad, "en")]) < np.mean(
        [r.qe for r in fast.monolingual(en_clean, "en")]
    )


def test_monolingual_uses_given_spans_with_document_offsets(fast, detector):
    doc = "前文。中吉两国于After the two countr1992年建交。"
    spans = detector.detect(doc).spans
    passage = doc[3:]
    local = local_spans(passage, spans)  # document offsets moved into the passage
    assert local and all(passage[s.start : s.end] == sp.text for s, sp in zip(local, spans, strict=True))
    with_spans = fast.monolingual([passage], "zh", spans=[spans])[0]
    detected = fast.monolingual([passage], "zh")[0]
    assert with_spans.components["det_cov"] == detected.components["det_cov"] > 0
    assert span_features("abc", [])["det_cov"] == 0.0
    assert wrong_script_share("中吉合作 SCO 峰会", "zh") == 0.0 and wrong_script_share(
        "中吉 holds", "zh"
    ) == pytest.approx(5 / 13)


# --- bilingual ----------------------------------------------------------------------------------
def test_bilingual_correct_translation_beats_a_mismatched_one(fast):
    zh = [z for z, _ in PAIRS]
    en = [e for _, e in PAIRS]
    right = fast.bilingual(zh, en, "zh", "en")
    wrong = fast.bilingual(zh, en[1:] + en[:1], "zh", "en")
    wins = sum(r.qe > w.qe for r, w in zip(right, wrong, strict=True))
    assert wins == len(zh), [(r.qe, w.qe) for r, w in zip(right, wrong, strict=True)]
    assert all(r.mode == "bilingual" and r.level == "fast" and not r.notes for r in right)
    assert set(right[0].components) >= {"cos", "len_dev", "src_len", "det_sev"}
    # en->zh works too, and says it is not calibrated on human judgments
    back = fast.bilingual(en, zh, "en", "zh")
    flipped = fast.bilingual(en, zh[1:] + zh[:1], "en", "zh")
    assert sum(b.qe > f.qe for b, f in zip(back, flipped, strict=True)) >= len(zh) - 1
    assert "not calibrated" in back[0].notes[0]
    # an untranslated (copied) source and an empty output score low
    copied, empty = fast.bilingual([zh[0], zh[1]], [zh[0], ""], "zh", "en")
    assert copied.qe < right[0].qe - 20 and empty.qe == 0.0


def test_full_level_without_a_usable_lm_falls_back_to_fast_and_says_so(fast, detector):
    class NotLlama:  # e.g. a transformers translator: no llama.cpp model to share
        llm = None

    est = QualityEstimator("full", lm=NotLlama(), detector=detector)
    r = est.bilingual(["中吉合作大有可为。"], ["China-Kyrgyzstan cooperation holds great potential."], "zh", "en")[0]
    assert r.level == "fast" and r.components["lm_fallback"] == 1.0 and "fell back to fast" in r.notes[0]
    assert r.qe == pytest.approx(
        fast.bilingual(["中吉合作大有可为。"], ["China-Kyrgyzstan cooperation holds great potential."], "zh", "en")[
            0
        ].qe
    )
    with pytest.raises(ValueError):
        QualityEstimator("best")


# --- the command line ---------------------------------------------------------------------------
def _mtqa(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mtqa", *args], capture_output=True, text=True)


def test_score_src_formats_and_line_count_errors(tmp_path):
    src, hyp, ref = tmp_path / "src.zh", tmp_path / "hyp.en", tmp_path / "ref.en"
    src.write_text("\n".join(z for z, _ in PAIRS[:5]) + "\n", encoding="utf-8")
    hyp.write_text("\n".join(e for _, e in PAIRS[:5]) + "\n", encoding="utf-8")
    ref.write_text("\n".join(e for _, e in PAIRS[:5]) + "\n", encoding="utf-8")
    r = _mtqa("score", str(hyp), "--src", str(src), "--format", "jsonl", "-q")
    assert r.returncode == 0, r.stderr
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert [d["line"] for d in lines] == [1, 2, 3, 4, 5]
    assert all(0 <= d["qe"] <= 100 and d["mode"] == "bilingual" and "cos" in d["components"] for d in lines)
    r = _mtqa("score", str(hyp), "--src", str(src), "--format", "json", "-q")
    out = json.loads(r.stdout)
    assert out["qe"] == pytest.approx(np.mean([d["qe"] for d in lines]), abs=0.01)
    assert out["src_lang"] == "zh" and out["tgt_lang"] == "en" and out["lines"] == 5
    r = _mtqa("score", str(hyp), str(ref), "--src", str(src), "-q")  # text, with a reference
    assert r.returncode == 0 and r.stdout.startswith("QE ") and "BLEU" in r.stdout and "nrefs:1" in r.stdout
    r = _mtqa("score", str(hyp), str(ref), "--src", str(src), "-f", "jsonl", "-q")
    assert all({"qe", "bleu", "chrf", "ter"} <= set(json.loads(x)) for x in r.stdout.splitlines())
    src.write_text("只有一行。\n", encoding="utf-8")
    r = _mtqa("score", str(hyp), "--src", str(src), "--format", "jsonl")
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.count("\n") == 1 and "has 5 lines but" in r.stderr and "Traceback" not in r.stderr
    r = _mtqa("score", str(hyp))
    assert r.returncode == 2 and "--src" in r.stderr


# --- the real LM (slow) -------------------------------------------------------------------------
@pytest.mark.slow
def test_lm_scorer_matches_logits_all_and_reuses_the_prefix():
    from llama_cpp import Llama

    from mtqa.qe.lm import TRANSLATE_SYSTEM, LMScorer, _chat
    from mtqa.translate.models import resolve_gguf

    path = str(resolve_gguf("small").path)
    scorer = LMScorer.load("small", n_threads=2)
    zh, en = PAIRS[0]
    a = scorer.translation(zh, en, "zh", "en")
    scrambled = " ".join(en.split()[::-1])  # the same words, no longer a sentence
    b = scorer.translation(zh, scrambled, "zh", "en")  # same source: its prefix is reused
    a2 = scorer.translation(zh, en, "zh", "en")
    assert np.allclose(a.logprobs, a2.logprobs, atol=2e-3) and a.mean() > b.mean()
    assert scorer.fluency(en, "en").mean() > scorer.fluency(en[::-1], "en").mean()
    ref = Llama(model_path=path, n_threads=2, n_ctx=512, logits_all=True, verbose=False)
    pre = ref.tokenize(
        _chat(TRANSLATE_SYSTEM.format(src="Simplified Chinese", tgt="English"), zh).encode(),
        add_bos=False,
        special=True,
    )
    tgt = ref.tokenize(en.encode(), add_bos=False, special=False)
    ref.eval(pre + tgt)
    logits = np.asarray(ref.scores[: len(pre) + len(tgt)], dtype=np.float64)
    lse = np.log(np.exp(logits - logits.max(1, keepdims=True)).sum(1)) + logits.max(1)
    want = [logits[i - 1, t] - lse[i - 1] for i, t in enumerate(tgt, start=len(pre))]
    assert np.allclose(a.logprobs, want, atol=2e-3)
    scorer.close()


@pytest.mark.slow
def test_full_level_shares_the_translators_model():
    from mtqa.translate.llama_cpp import SmallTranslator

    tr = SmallTranslator(n_threads=2)
    est = QualityEstimator("full", lm=tr)
    assert est.lm() is not None and est.lm().llm is tr.llm  # shared, not a second copy
    zh = [z for z, _ in PAIRS[:4]]
    en = [e for _, e in PAIRS[:4]]
    right = est.bilingual(zh, en, "zh", "en")
    wrong = est.bilingual(zh, en[1:] + en[:1], "zh", "en")
    assert all(r.level == "full" and "lp_cond" in r.components for r in right)
    assert all(r.qe > w.qe for r, w in zip(right, wrong, strict=True))
    mono = est.monolingual([zh[0], zh[0][:6] + "countr" + en[0][20:]], "zh")
    assert mono[0].qe > mono[1].qe and "lp_flu" in mono[0].components
    # the translator still works after QE used its context
    out = tr.translate([zh[0]], "zh", "en")[0].text
    assert out and not any("\u4e00" <= c <= "\u9fff" for c in out)
    tr.close()


class _FakeLlama:
    """Just enough of ``llama_cpp.Llama`` for LMScorer: a bigram "model" whose logits depend on
    the previous token and the position, decoded batch by batch as llama.cpp does."""

    V = 50

    def __init__(self, n_batch: int = 8) -> None:
        from types import SimpleNamespace

        self.n_batch = n_batch
        self.input_ids = np.zeros(256, dtype=np.intc)
        self.n_tokens = 0
        self.decoded = 0
        cap = n_batch
        batch = SimpleNamespace(
            token=[0] * cap, pos=[0] * cap, seq_id=[[0] for _ in range(cap)], n_seq_id=[0] * cap, logits=[False] * cap
        )
        batch.n_tokens = 0
        self._batch = SimpleNamespace(batch=batch)
        self._ctx = self
        self._kv: dict[int, int] = {}
        self._out = np.zeros((0, self.V), dtype=np.float32)

    def n_vocab(self) -> int:
        return self.V

    def n_ctx(self) -> int:
        return 256

    def tokenize(self, b: bytes, add_bos: bool = False, special: bool = False) -> list[int]:
        text = b.decode()
        if special and text == "<|im_end|>":
            return [self.V - 1]
        return [1 + (ord(c) % (self.V - 2)) for c in text]

    def detokenize(self, toks) -> bytes:
        return b"x" * len(toks)

    def kv_cache_seq_rm(self, seq, p0, p1) -> bool:
        self._kv = {p: t for p, t in self._kv.items() if p < p0}
        return True

    def decode(self, _batch) -> None:
        b = self._batch.batch
        rows = []
        for j in range(b.n_tokens):
            p, t = b.pos[j], b.token[j]
            assert all(q in self._kv for q in range(p)), "a position was decoded before its prefix"
            self._kv[p] = t
            if b.logits[j]:
                rng = np.random.default_rng(1000 * t + p)
                rows.append(rng.normal(size=self.V).astype(np.float32))
        self.decoded += b.n_tokens
        self._out = np.array(rows, dtype=np.float32).reshape(len(rows), self.V)

    def get_logits(self):
        return self._out.ctypes.data_as(ctypes.POINTER(ctypes.c_float))


def test_lm_scorer_chunks_outputs_and_reuses_the_prefix_correctly():
    from mtqa.qe.lm import LMScorer

    def expected(prefix, target):
        toks = [*prefix, *target]
        out = []
        for i in range(len(prefix), len(toks)):
            row = np.random.default_rng(1000 * toks[i - 1] + (i - 1)).normal(size=_FakeLlama.V).astype(np.float32)
            row = row.astype(np.float64)
            out.append(row[toks[i]] - (np.log(np.exp(row - row.max()).sum()) + row.max()))
        return np.array(out)

    prefix, t1, t2 = list(range(1, 12)), [5, 9, 2, 7, 7, 3, 1, 4, 8, 6, 2, 9, 3], [5, 9, 4]
    for max_outputs in (1, 3, 64):
        fake = _FakeLlama(n_batch=8)
        sc = LMScorer(fake, max_outputs=max_outputs)
        assert np.allclose(sc.token_logprobs(prefix, t1), expected(prefix, t1), atol=1e-5)
        before = fake.decoded
        assert np.allclose(sc.token_logprobs(prefix, t2), expected(prefix, t2), atol=1e-5)
        assert fake.decoded - before == len(t2) + 1  # the prefix was reused (one token replayed)
        assert fake.n_tokens == len(prefix) + len(t2) and list(fake.input_ids[: fake.n_tokens]) == prefix + t2
        assert fake._requires_eval  # the translator replays a token before sampling
    lp = sc.next_logprobs(prefix, [3, 4])
    assert np.allclose(lp, [expected(prefix, [3])[0], expected(prefix, [4])[0]], atol=1e-5)
