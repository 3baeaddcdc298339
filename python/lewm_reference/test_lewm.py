"""Checks of the PyTorch reference (plain asserts).

Run: /usr/bin/python3 python/lewm_reference/test_lewm.py
"""

import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from lewm import (LeWmConfig, build, encode_texts, kl_anneal, kl_standard_normal,  # noqa: E402
                  latent_lengths, sinusoidal_positions, spectral_loss_item)

LOSSES = ("prediction", "kl", "recon", "spectral", "stop")


def max_diff(a, b):
    return float((a - b).abs().max())


def make_batch(config, mel_lengths, texts, seed=1):
    g = torch.Generator().manual_seed(seed)
    ids, text_lengths = encode_texts(texts, config)
    t = max(mel_lengths)
    mel = torch.randn(len(mel_lengths), config.n_mels, t, generator=g) - 4.0
    lengths = torch.tensor(mel_lengths)
    mel = mel * (torch.arange(t)[None, None, :] < lengths[:, None, None])   # zero padding
    return {"text": ids, "text_lengths": text_lengths, "mel": mel, "mel_lengths": lengths}


# ------------------------------------------------------------------------------------- (a)
def test_parameter_counts():
    base = build("base", seed=0).parameter_counts()
    tiny = build("tiny", seed=0).parameter_counts()
    print("  base", base)
    print("  tiny", tiny)
    assert 21_600_000 <= base["total"] <= 26_400_000, base
    assert tiny["total"] < 2_000_000, tiny
    # stride 2 keeps the model valid (one upsampling stage)
    two = build("base", seed=0, downsample=2).parameter_counts()
    print("  base downsample=2", two)
    assert two["total"] < base["total"]


def test_state_dict_keys():
    sd = build("base", seed=0).state_dict()
    expect = {
        "text_encoder.embed.weight": (259, 256),
        "text_encoder.layers.0.attn.qkv.weight": (768, 256),
        "text_encoder.layers.3.ff.fc2.weight": (256, 1024),
        "text_encoder.norm.bias": (256,),
        "audio_encoder.convs.0.weight": (256, 100, 3),
        "audio_encoder.convs.2.weight": (256, 256, 4),
        "audio_encoder.mu.weight": (256, 256),
        "audio_encoder.logvar.bias": (256,),
        "predictor.input.weight": (256, 256),
        "predictor.start": (256,),
        "predictor.layers.0.self_attn.qkv.weight": (768, 256),
        "predictor.layers.5.cross_attn.q.weight": (256, 256),
        "predictor.layers.0.cross_attn.kv.weight": (512, 256),
        "predictor.layers.0.norm3.weight": (256,),
        "predictor.output.weight": (256, 256),
        "predictor.stop.weight": (1, 256),
        "mel_decoder.input.weight": (512, 256),
        "mel_decoder.stages.1.up.weight": (512, 512, 4),
        "mel_decoder.stages.0.blocks.1.conv2.weight": (512, 512, 3),
        "mel_decoder.refine.1.weight": (512, 512, 3),
        "mel_decoder.output.weight": (100, 512, 3),
    }
    for key, shape in expect.items():
        assert key in sd, key
        assert tuple(sd[key].shape) == shape, (key, tuple(sd[key].shape))
    assert not any("speaker" in k for k in sd)
    # text 1 + 4*12 + 2, audio 6 + 4*12 + 2 + 4, predictor 3 + 6*20 + 6, decoder 2 + 2*(2 + 2*4) + 2*2 + 2
    assert len(sd) == 51 + 60 + 129 + 28, len(sd)
    spk = build("tiny", seed=0, n_speakers=3).state_dict()
    assert tuple(spk["text_encoder.speaker.weight"].shape) == (3, 128)


def test_config_validation():
    for bad, word in ((dict(text_layers=0), "text_layers"), (dict(heads=3), "heads"),
                      (dict(dropout=-0.1), "dropout"), (dict(downsample=3), "downsample")):
        try:
            LeWmConfig.base(**bad)
        except ValueError as e:
            assert word in str(e), str(e)
        else:
            raise AssertionError(f"accepted {bad}")
    c = LeWmConfig.tiny(max_text_bytes=4)
    try:
        encode_texts(["hello"], c)
    except ValueError as e:
        assert "max_text_bytes" in str(e)
    else:
        raise AssertionError("accepted long text")
    assert LeWmConfig.from_dict(LeWmConfig.tiny().to_dict()) == LeWmConfig.tiny()


# ------------------------------------------------------------------------------------- (b)
def _text_state(model, texts):
    ids, lengths = encode_texts(texts, model.config)
    _, mask, ks, vs = model.encode_text(ids, lengths)
    return mask, ks, vs


def test_kv_cache_matches_full_pass():
    torch.manual_seed(0)
    model = build("tiny", seed=0).eval()
    c = model.config
    texts = ["a short one", "and a rather longer sentence of text"]
    mask, ks, vs = _text_state(model, texts)
    t = 12
    z = torch.randn(2, t, c.latent_size)
    with torch.no_grad():
        full_pred, full_stop = model.predictor(z, ks, vs, mask)
        # frame by frame from the start embedding
        cache = model.predictor.new_cache(ks, vs, mask)
        preds, stops = [], []
        prev = None
        for i in range(t):
            p, s, cache = model.step(prev, cache)
            assert cache.length == i + 1                       # one frame per step
            preds.append(p)
            stops.append(s)
            prev = z[:, i]
        inc_pred, inc_stop = torch.stack(preds, 1), torch.stack(stops, 1)
    d = max(max_diff(full_pred, inc_pred), max_diff(full_stop, inc_stop))
    print(f"  incremental vs full: max |diff| {d:.2e}")
    assert d <= 1e-5, d

    # voice prompt prefixes of different lengths (3 and 7) in one padded batch
    plen = torch.tensor([3, 7])
    prefix = torch.zeros(2, 7, c.latent_size)
    garbage = torch.randn(2, 7, c.latent_size) * 50
    for b in range(2):
        prefix[b, :plen[b]] = z[b, :plen[b]]
        prefix[b, plen[b]:] = garbage[b, plen[b]:]            # padding must not matter
    steps = 4
    with torch.no_grad():
        cache = model.predictor.new_cache(ks, vs, mask)
        nxt, stop, cache = model.predictor.prefill(prefix, plen, cache)
        got_pred = [nxt]
        got_stop = [stop]
        for k in range(steps):
            feed = torch.stack([z[b, plen[b] + k] for b in range(2)])
            nxt, stop, cache = model.step(feed, cache)
            got_pred.append(nxt)
            got_stop.append(stop)
        assert cache.length == 8 + steps
        worst = 0.0
        for b in range(2):
            # reference: this item alone (no text padding), one full causal pass
            m1, k1, v1 = _text_state(model, [texts[b]])
            ref_pred, ref_stop = model.predictor(z[b:b + 1], k1, v1, m1)
            for k in range(steps + 1):
                row = int(plen[b]) + k
                worst = max(worst, max_diff(got_pred[k][b], ref_pred[0, row]),
                            max_diff(got_stop[k][b], ref_stop[0, row]))
    print(f"  prefix + padded batch vs single full pass: max |diff| {worst:.2e}")
    assert worst <= 1e-5, worst

    # a full pass of a padded batch equals each item alone on its valid rows
    with torch.no_grad():
        worst = 0.0
        for b in range(2):
            m1, k1, v1 = _text_state(model, [texts[b]])
            ref, ref_s = model.predictor(z[b:b + 1, :7 + 2 * b], k1, v1, m1)
            n = ref.shape[1]
            worst = max(worst, max_diff(full_pred[b, :n], ref[0]), max_diff(full_stop[b, :n], ref_s[0]))
    assert worst <= 1e-5, worst


def test_generate_runs_and_stops():
    model = build("tiny", seed=0).eval()
    ids, lengths = encode_texts(["hi", "hello there"], model.config)
    latents, n = model.generate(ids, lengths)
    caps = [model.config.length_cap(int(x) - 2) for x in lengths]
    assert all(int(n[i]) <= caps[i] for i in range(2)), (n, caps)
    mel = model.decode(latents, n)
    assert mel.shape == (2, 100, latents.shape[1] * 4)


# ------------------------------------------------------------------------------------- (c)
def test_padding_changes_no_loss():
    torch.manual_seed(0)
    model = build("tiny", seed=0).eval()                      # dropout off
    c = model.config
    texts = ["first item", "the second item is longer"]
    batch = make_batch(c, [301, 157], texts)                   # 157: not a multiple of 4, FFT 256 skipped
    b, t = 2, 301
    noise = torch.randn(b, math.ceil((t + 45) / 4), c.latent_size)

    # padded: extra garbage frames after every item, garbage text padding
    pad = 45
    mel_p = torch.randn(b, c.n_mels, t + pad) * 30
    ids_p = torch.randint(0, 256, (b, batch["text"].shape[1] + 9))
    for i in range(b):
        n = int(batch["mel_lengths"][i])
        mel_p[i, :, :n] = batch["mel"][i, :, :n]
        m = int(batch["text_lengths"][i])
        ids_p[i, :m] = batch["text"][i, :m]
    padded = {"text": ids_p, "text_lengths": batch["text_lengths"], "mel": mel_p, "mel_lengths": batch["mel_lengths"]}

    with torch.no_grad():
        ref = model(batch, noise=noise)
        out = model(padded, noise=noise)
        worst = max(abs(float(ref[k]) - float(out[k])) for k in LOSSES)
        for k in LOSSES:
            worst = max(worst, max_diff(ref["per_item"][k], out["per_item"][k]))
        # each item alone (no padding at all) equals its per-item loss in the padded batch
        for i in range(b):
            n, m = int(batch["mel_lengths"][i]), int(batch["text_lengths"][i])
            alone = {"text": batch["text"][i:i + 1, :m], "text_lengths": batch["text_lengths"][i:i + 1],
                     "mel": batch["mel"][i:i + 1, :, :n], "mel_lengths": batch["mel_lengths"][i:i + 1]}
            one = model(alone, noise=noise[i:i + 1])
            for k in LOSSES:
                worst = max(worst, abs(float(one[k]) - float(out["per_item"][k][i])))
    print(f"  garbage padding: max loss change {worst:.2e}")
    assert worst <= 1e-6, worst
    assert ref["latent_lengths"].tolist() == [76, 40]
    assert ref["mel_hat"].shape == (2, 100, 301)


def test_loss_values():
    # KL of a standard normal is 0; of N(1, 1) it is 0.5 per element
    assert float(kl_standard_normal(torch.zeros(3), torch.zeros(3)).abs().max()) == 0.0
    assert abs(float(kl_standard_normal(torch.ones(1), torch.zeros(1))) - 0.5) < 1e-7
    # spectral: identical signals give 0; too short items use no resolution
    x = torch.randn(100, 200)
    v, used = spectral_loss_item(x, x, (64, 128, 256))
    assert used == 2 and float(v) < 1e-6
    _, used = spectral_loss_item(x[:, :50], x[:, :50], (64, 128, 256))
    assert used == 0
    # scaling the prediction by 2 gives SC = 1 and LM = log 2 at every resolution
    v, _ = spectral_loss_item(2 * x, x, (64,))
    assert abs(float(v) - (1.0 + math.log(2.0))) < 1e-3, float(v)
    assert kl_anneal(0, 100, 0.01) == 0.0 and abs(kl_anneal(10, 100, 0.01) - 0.005) < 1e-12
    assert kl_anneal(50, 100, 0.01) == 0.01
    assert latent_lengths(torch.tensor([1, 4, 5, 8]), 4).tolist() == [1, 1, 2, 2]
    pe = sinusoidal_positions(torch.tensor([0, 1]), 4)
    assert torch.allclose(pe[1], torch.tensor([math.sin(1), math.cos(1), math.sin(0.01), math.cos(0.01)]))


# ------------------------------------------------------------------------------------- (d)
def _grads(model, loss):
    model.zero_grad(set_to_none=True)
    loss.backward(retain_graph=True)
    out = {}
    for name in ("text_encoder", "audio_encoder", "predictor", "mel_decoder"):
        total = 0.0
        for p in getattr(model, name).parameters():
            if p.grad is not None:
                total += float(p.grad.abs().sum())
        out[name] = total
    return out


def test_gradient_routing():
    torch.manual_seed(0)
    model = build("tiny", seed=0).train()
    batch = make_batch(model.config, [260, 200], ["one", "two words"])
    losses = model(batch)
    g = _grads(model, losses["kl"])
    print("  KL grads (sum |g|):", {k: f"{v:.3g}" for k, v in g.items()})
    assert g["audio_encoder"] > 0
    assert g["mel_decoder"] == 0 and g["predictor"] == 0 and g["text_encoder"] == 0
    g = _grads(model, losses["recon"])
    assert g["mel_decoder"] > 0 and g["audio_encoder"] > 0 and g["predictor"] == 0 and g["text_encoder"] == 0
    g = _grads(model, losses["spectral"])
    assert g["mel_decoder"] > 0 and g["audio_encoder"] > 0 and g["predictor"] == 0
    g = _grads(model, losses["prediction"])
    assert g["predictor"] > 0 and g["text_encoder"] > 0 and g["audio_encoder"] > 0 and g["mel_decoder"] == 0
    g = _grads(model, losses["stop"])
    assert g["predictor"] > 0 and g["text_encoder"] > 0 and g["audio_encoder"] > 0 and g["mel_decoder"] == 0
    # KL reaches the mu and logvar heads and the conv stack
    model.zero_grad(set_to_none=True)
    losses["kl"].backward(retain_graph=True)
    enc = model.audio_encoder
    assert float(enc.mu.weight.grad.abs().sum()) > 0 and float(enc.logvar.weight.grad.abs().sum()) > 0
    assert float(enc.convs[0].weight.grad.abs().sum()) > 0
    # the total is finite and trains
    model.zero_grad(set_to_none=True)
    losses["total"].backward()
    assert all(torch.isfinite(p.grad).all() for p in model.parameters() if p.grad is not None)


def test_gelu_backward_with_strided_gradient():
    from lewm import gelu
    x = torch.randn(2, 16, 30, dtype=torch.float64, requires_grad=True)
    assert torch.allclose(gelu(x), torch.nn.functional.gelu(x))
    assert torch.autograd.gradcheck(lambda t: gelu(t).transpose(1, 2).contiguous() * 1.5, (x,))
    # the masked-then-transposed pattern of the audio encoder, against a float64 finite difference
    g = torch.randn(2, 30, 16, dtype=torch.float64).transpose(1, 2)
    gelu(x).backward(g)
    expected = torch.autograd.functional.vjp(lambda t: 0.5 * t * (1 + torch.erf(t / math.sqrt(2))), x.detach(), g)[1]
    assert max_diff(x.grad, expected) < 1e-10


def test_gradients_are_deterministic():
    model = build("tiny", seed=0).eval()
    batch = make_batch(model.config, [260, 200], ["one", "two words"])
    runs = []
    for _ in range(3):
        model.zero_grad(set_to_none=True)
        model(batch)["total"].backward()
        runs.append(torch.cat([p.grad.flatten() for p in model.parameters() if p.grad is not None]))
    assert max_diff(runs[0], runs[1]) < 1e-5 and max_diff(runs[0], runs[2]) < 1e-5
    assert float(runs[0].abs().max()) < 1e3, float(runs[0].abs().max())


def main():
    tests = [v for k, v in sorted(globals().items()) if k.startswith("test_")]
    for test in tests:
        print(test.__name__)
        test()
    print(f"all {len(tests)} tests passed (torch {torch.__version__})")


if __name__ == "__main__":
    main()
