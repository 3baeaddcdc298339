"""A PyTorch reference of the LeWM TTS network (text -> JEPA latents -> log-mel).

This module is the contract the TorchSharp port (LeWm.Model) matches key for key and number
for number; ``docs/articles/model-architecture.md`` lists every state-dict key with its shape
and every choice made where ``model-spec.md`` is silent. It runs on torch 1.13 (Debian's
``python3-torch``) and on current PyTorch: no ``scaled_dot_product_attention``, no
``nn.MultiheadAttention``, no ``nn.Transformer*`` -- attention is written out with fused
projections so the key layout is simple.

Shapes: text ids ``[B, N]`` (long), mels ``[B, n_mels, T]`` (channels first, like Vocos),
latents ``[B, Tz, latent_size]`` (time major), with ``Tz = ceil(T / downsample)``.
Lengths are ``[B]`` long tensors; everything past an item's length is padding and never
influences that item's outputs or losses.
"""

import dataclasses
import math
from typing import List, Optional, Tuple

import torch
import torch.nn.functional as F
from torch import nn

# Text ids: 0..255 are UTF-8 bytes; then three special ids.
PAD_ID = 256
BOS_ID = 257
EOS_ID = 258
TEXT_VOCAB = 259

LAYER_NORM_EPS = 1e-5          # every LayerNorm
SPECTRAL_MAG_FLOOR = 1e-5      # |S| floor before log in the spectral loss
SPECTRAL_POWER_FLOOR = 1e-12   # re^2 + im^2 floor before sqrt (keeps the gradient finite)
POSITION_BASE = 10000.0        # sinusoidal positions


# --------------------------------------------------------------------------------------------
# Configuration
# --------------------------------------------------------------------------------------------

@dataclasses.dataclass
class LeWmConfig:
    """Hyper-parameters of the network and its losses (serialised as ``config.json``)."""

    # text
    text_vocab: int = TEXT_VOCAB
    pad_id: int = PAD_ID
    bos_id: int = BOS_ID
    eos_id: int = EOS_ID
    max_text_bytes: int = 1024           # UTF-8 bytes, not counting bos/eos
    # shared transformer shape
    d_model: int = 256
    heads: int = 4
    ff_dim: int = 1024
    dropout: float = 0.1
    text_layers: int = 4
    n_speakers: int = 0                  # 0 = single speaker, no table
    # audio encoder
    n_mels: int = 100
    audio_layers: int = 4
    downsample: int = 4                  # a power of two >= 2; 4 in base, 2 allowed
    latent_size: int = 256
    max_frames: int = 4096               # mel frames (about 43.7 s at 24 kHz / hop 256)
    # predictor
    predictor_layers: int = 6
    # mel decoder
    decoder_channels: int = 512
    decoder_res_blocks: int = 2          # ResConvBlocks per upsampling stage
    decoder_refine_convs: int = 2        # conv k3 + GELU after the stages
    decoder_kernel: int = 3              # kernel of res-block, refinement and output convs
    # losses
    prediction_weight: float = 1.0
    kl_weight: float = 0.01              # target of the linear annealing
    recon_weight: float = 2.0
    spectral_weight: float = 1.5
    stop_weight: float = 1.0
    stop_pos_weight: float = 1.0         # BCE weight of the single positive (last) frame
    spectral_fft_sizes: Tuple[int, ...] = (64, 128, 256)
    detach_prediction_target: bool = False
    # inference length cap (fallback when the stop head never fires)
    cap_latents_per_byte: float = 3.0
    cap_min_latents: int = 25

    def __post_init__(self):
        self.spectral_fft_sizes = tuple(int(n) for n in self.spectral_fft_sizes)
        self.validate()

    @staticmethod
    def base(**overrides):
        """The seed's 24 M-parameter shape."""
        return LeWmConfig(**overrides)

    @staticmethod
    def tiny(**overrides):
        """Under 2 M parameters: tests and CPU demos."""
        values = dict(d_model=128, heads=4, ff_dim=256, text_layers=2, audio_layers=2,
                      predictor_layers=2, latent_size=64, decoder_channels=128,
                      decoder_res_blocks=1, decoder_refine_convs=1)
        values.update(overrides)
        return LeWmConfig(**values)

    @staticmethod
    def preset(name, **overrides):
        if name == "base":
            return LeWmConfig.base(**overrides)
        if name == "tiny":
            return LeWmConfig.tiny(**overrides)
        raise ValueError(f"preset must be 'base' or 'tiny', got {name!r}")

    def validate(self):
        def positive(name):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")

        for name in ("d_model", "heads", "ff_dim", "text_layers", "audio_layers", "predictor_layers",
                     "latent_size", "n_mels", "decoder_channels", "max_text_bytes", "max_frames",
                     "decoder_kernel"):
            positive(name)
        for name in ("n_speakers", "decoder_res_blocks", "decoder_refine_convs"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 0:
                raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
        if self.d_model % self.heads != 0:
            raise ValueError(f"heads ({self.heads}) must divide d_model ({self.d_model})")
        if self.d_model % 2 != 0:
            raise ValueError(f"d_model must be even for sinusoidal positions, got {self.d_model}")
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {self.dropout!r}")
        ds = self.downsample
        if not isinstance(ds, int) or ds < 2 or ds & (ds - 1) != 0:
            raise ValueError(f"downsample must be a power of two >= 2, got {ds!r}")
        if self.decoder_kernel % 2 != 1:
            raise ValueError(f"decoder_kernel must be odd, got {self.decoder_kernel}")
        if sorted({self.pad_id, self.bos_id, self.eos_id}) != [256, 257, 258] or self.text_vocab != 259:
            raise ValueError("text ids must be 256 bytes + pad/bos/eos = 256/257/258 (text_vocab 259)")
        for name in ("prediction_weight", "kl_weight", "recon_weight", "spectral_weight", "stop_weight",
                     "stop_pos_weight", "cap_latents_per_byte"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0, got {getattr(self, name)!r}")
        if not self.spectral_fft_sizes or any(n < 4 or n % 4 for n in self.spectral_fft_sizes):
            raise ValueError(f"spectral_fft_sizes must be multiples of 4, got {self.spectral_fft_sizes!r}")

    @property
    def upsample_stages(self):
        return int(math.log2(self.downsample))

    def to_dict(self):
        d = dataclasses.asdict(self)
        d["spectral_fft_sizes"] = list(self.spectral_fft_sizes)
        return d

    @staticmethod
    def from_dict(d):
        names = {f.name for f in dataclasses.fields(LeWmConfig)}
        return LeWmConfig(**{k: v for k, v in d.items() if k in names})

    def length_cap(self, n_bytes):
        """Most latent frames the AR loop generates for a text of ``n_bytes`` UTF-8 bytes."""
        cap = math.ceil(self.cap_latents_per_byte * n_bytes) + self.cap_min_latents
        return min(cap, math.ceil(self.max_frames / self.downsample))


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------

def sinusoidal_positions(positions, dim):
    """``positions`` [...] (long) -> [..., dim]; interleaved: even dims sin, odd dims cos.

    pe[p, 2i] = sin(p * w_i), pe[p, 2i+1] = cos(p * w_i), w_i = 10000^(-2i/dim).
    """
    i = torch.arange(0, dim, 2, device=positions.device, dtype=torch.float32)
    freq = torch.exp(i * (-math.log(POSITION_BASE) / dim))
    angles = positions.to(torch.float32).unsqueeze(-1) * freq
    return torch.stack([torch.sin(angles), torch.cos(angles)], dim=-1).flatten(-2)


def length_mask(lengths, size):
    """[B] lengths -> [B, size] bool, True on valid positions."""
    return torch.arange(size, device=lengths.device).unsqueeze(0) < lengths.unsqueeze(1)


def latent_lengths(mel_lengths, downsample):
    """Tz = ceil(T / downsample)."""
    return torch.div(mel_lengths + downsample - 1, downsample, rounding_mode="floor")


class _Gelu(torch.autograd.Function):
    """Exact (erf) GELU whose backward makes the incoming gradient contiguous first.

    PyTorch's CPU ``gelu_backward`` returns garbage when the gradient's strides differ from the
    input's (pytorch/pytorch#112006; seen in Debian's 1.13 and reported up to 2.1): here that
    happens when a GELU output is masked and transposed from [B,C,T] to [B,T,C].
    """

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return F.gelu(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return torch.ops.aten.gelu_backward(grad.contiguous(), x)


def gelu(x):
    """Exact GELU, x * Phi(x) (same values as ``F.gelu``), with a safe backward."""
    if not (torch.is_grad_enabled() and x.requires_grad):
        return F.gelu(x)
    return _Gelu.apply(x)


def _mask_time(x, lengths):
    """Zero x [B, C, T] beyond each item's length."""
    return x * length_mask(lengths, x.shape[-1]).unsqueeze(1).to(x.dtype)


def encode_texts(texts: List[str], config: LeWmConfig, device=None):
    """UTF-8 bytes framed as [bos, bytes..., eos], right-padded with pad -> (ids [B, N], lengths [B])."""
    rows = []
    for text in texts:
        data = text.encode("utf-8")
        if len(data) > config.max_text_bytes:
            raise ValueError(f"text is {len(data)} UTF-8 bytes; max_text_bytes is {config.max_text_bytes}")
        rows.append([config.bos_id] + list(data) + [config.eos_id])
    n = max(len(r) for r in rows)
    ids = torch.full((len(rows), n), config.pad_id, dtype=torch.long, device=device)
    for b, r in enumerate(rows):
        ids[b, :len(r)] = torch.tensor(r, dtype=torch.long)
    lengths = torch.tensor([len(r) for r in rows], dtype=torch.long, device=device)
    return ids, lengths


def _attend(q, k, v, allowed):
    """q [B,H,Tq,dh], k/v [B,H,Tk,dh], allowed bool broadcastable to [B,H,Tq,Tk] -> [B,H,Tq,dh].

    scores = (q k^T) / sqrt(dh); disallowed scores become the dtype's lowest value (so a row never
    turns into NaN; with at least one allowed key their weight is exactly zero); softmax over keys.
    """
    scores = torch.matmul(q, k.transpose(-2, -1)) * (q.shape[-1] ** -0.5)
    scores = scores.masked_fill(~allowed, torch.finfo(scores.dtype).min)
    return torch.matmul(torch.softmax(scores, dim=-1), v)


def _split_heads(x, heads):   # [B, T, d] -> [B, H, T, d/H]
    b, t, d = x.shape
    return x.view(b, t, heads, d // heads).transpose(1, 2)


def _merge_heads(x):          # [B, H, T, dh] -> [B, T, H*dh]
    b, h, t, dh = x.shape
    return x.transpose(1, 2).reshape(b, t, h * dh)


# --------------------------------------------------------------------------------------------
# Transformer building blocks
# --------------------------------------------------------------------------------------------

class SelfAttention(nn.Module):
    """Fused projection ``qkv`` (rows: q | k | v, each d rows, heads contiguous) and ``out``."""

    def __init__(self, d_model, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.out = nn.Linear(d_model, d_model)

    def project(self, x):
        """x [B,T,d] -> q, k, v each [B,H,T,dh]."""
        q, k, v = self.qkv(x).chunk(3, dim=-1)
        return _split_heads(q, self.heads), _split_heads(k, self.heads), _split_heads(v, self.heads)

    def forward(self, x, allowed):
        q, k, v = self.project(x)
        return self.out(_merge_heads(_attend(q, k, v, allowed)))


class CrossAttention(nn.Module):
    """Query ``q`` from the predictor; fused ``kv`` (rows: k | v) from the text memory, once per request."""

    def __init__(self, d_model, heads):
        super().__init__()
        self.heads = heads
        self.q = nn.Linear(d_model, d_model)
        self.kv = nn.Linear(d_model, 2 * d_model)
        self.out = nn.Linear(d_model, d_model)

    def memory_kv(self, memory):
        k, v = self.kv(memory).chunk(2, dim=-1)
        return _split_heads(k, self.heads), _split_heads(v, self.heads)

    def forward(self, x, k, v, allowed):
        q = _split_heads(self.q(x), self.heads)
        return self.out(_merge_heads(_attend(q, k, v, allowed)))


class FeedForward(nn.Module):
    """fc1 (d -> ff), exact GELU, fc2 (ff -> d)."""

    def __init__(self, d_model, ff_dim):
        super().__init__()
        self.fc1 = nn.Linear(d_model, ff_dim)
        self.fc2 = nn.Linear(ff_dim, d_model)

    def forward(self, x):
        return self.fc2(gelu(self.fc1(x)))


class EncoderLayer(nn.Module):
    """Pre-norm: x += drop(attn(norm1(x))); x += drop(ff(norm2(x)))."""

    def __init__(self, d_model, heads, ff_dim, dropout):
        super().__init__()
        self.norm1 = nn.LayerNorm(d_model, eps=LAYER_NORM_EPS)
        self.attn = SelfAttention(d_model, heads)
        self.norm2 = nn.LayerNorm(d_model, eps=LAYER_NORM_EPS)
        self.ff = FeedForward(d_model, ff_dim)
        self.drop = nn.Dropout(dropout)

    def forward(self, x, allowed):
        x = x + self.drop(self.attn(self.norm1(x), allowed))
        return x + self.drop(self.ff(self.norm2(x)))


class DecoderLayer(nn.Module):
    """Pre-norm: causal self-attention (KV-cached), cross-attention to the text, feed-forward."""

    def __init__(self, d_model, heads, ff_dim, dropout):
        super().__init__()
        self.norm1 = nn.LayerNorm(d_model, eps=LAYER_NORM_EPS)
        self.self_attn = SelfAttention(d_model, heads)
        self.norm2 = nn.LayerNorm(d_model, eps=LAYER_NORM_EPS)
        self.cross_attn = CrossAttention(d_model, heads)
        self.norm3 = nn.LayerNorm(d_model, eps=LAYER_NORM_EPS)
        self.ff = FeedForward(d_model, ff_dim)
        self.drop = nn.Dropout(dropout)

    def forward(self, x, self_allowed, cross_k, cross_v, cross_allowed, past=None):
        """x [B,Tn,d] new frames. ``past`` = (k, v) [B,H,Tp,dh] of earlier frames or None.

        ``self_allowed`` is broadcastable to [B,1,Tn,Tp+Tn]. Returns (x, (k_all, v_all)).
        """
        q, k, v = self.self_attn.project(self.norm1(x))
        if past is not None:
            k = torch.cat([past[0], k], dim=2)
            v = torch.cat([past[1], v], dim=2)
        x = x + self.drop(self.self_attn.out(_merge_heads(_attend(q, k, v, self_allowed))))
        x = x + self.drop(self.cross_attn(self.norm2(x), cross_k, cross_v, cross_allowed))
        x = x + self.drop(self.ff(self.norm3(x)))
        return x, (k, v)


# --------------------------------------------------------------------------------------------
# Components
# --------------------------------------------------------------------------------------------

class TextEncoder(nn.Module):
    """Byte ids [B,N] -> text memory [B,N,d]: embed + speaker + sinusoidal positions, layers, norm."""

    def __init__(self, c: LeWmConfig):
        super().__init__()
        self.embed = nn.Embedding(c.text_vocab, c.d_model)
        self.speaker = nn.Embedding(c.n_speakers, c.d_model) if c.n_speakers > 0 else None
        self.drop = nn.Dropout(c.dropout)
        self.layers = nn.ModuleList(EncoderLayer(c.d_model, c.heads, c.ff_dim, c.dropout)
                                    for _ in range(c.text_layers))
        self.norm = nn.LayerNorm(c.d_model, eps=LAYER_NORM_EPS)
        self.max_ids = c.max_text_bytes + 2

    def forward(self, ids, lengths, speaker=None):
        b, n = ids.shape
        if n > self.max_ids:
            raise ValueError(f"text of {n} ids exceeds max_text_bytes + 2 = {self.max_ids}")
        mask = length_mask(lengths, n)                                   # [B, N]
        x = self.embed(ids)
        if self.speaker is not None:
            if speaker is None:
                raise ValueError("this model has a speaker table: pass speaker ids")
            x = x + self.speaker(speaker).unsqueeze(1)
        x = x + sinusoidal_positions(torch.arange(n, device=ids.device), x.shape[-1]).to(x.dtype)
        x = self.drop(x)
        allowed = mask[:, None, None, :]                                 # keys only
        for layer in self.layers:
            x = layer(x, allowed)
        return self.norm(x), mask


class AudioEncoder(nn.Module):
    """Mel [B,n_mels,T] -> mu, logvar [B,Tz,L]; conv stack (stride = downsample), layers, norm, heads."""

    def __init__(self, c: LeWmConfig):
        super().__init__()
        self.downsample = c.downsample
        self.max_frames = c.max_frames
        convs = [nn.Conv1d(c.n_mels, c.d_model, 3, padding=1)]
        convs += [nn.Conv1d(c.d_model, c.d_model, 4, stride=2, padding=1) for _ in range(c.upsample_stages)]
        self.convs = nn.ModuleList(convs)
        self.drop = nn.Dropout(c.dropout)
        self.layers = nn.ModuleList(EncoderLayer(c.d_model, c.heads, c.ff_dim, c.dropout)
                                    for _ in range(c.audio_layers))
        self.norm = nn.LayerNorm(c.d_model, eps=LAYER_NORM_EPS)
        self.mu = nn.Linear(c.d_model, c.latent_size)
        self.logvar = nn.Linear(c.d_model, c.latent_size)

    def forward(self, mel, mel_lengths):
        t = mel.shape[-1]
        if t > self.max_frames:
            raise ValueError(f"mel of {t} frames exceeds max_frames = {self.max_frames}")
        ds = self.downsample
        padded = -(-t // ds) * ds                                        # round T up to a multiple
        x = F.pad(mel, (0, padded - t))
        lengths = mel_lengths
        x = _mask_time(x, lengths)                                       # padded frames -> 0
        for i, conv in enumerate(self.convs):
            x = gelu(conv(x))
            if i > 0:
                lengths = torch.div(lengths + 1, 2, rounding_mode="floor")  # ceil(len / 2)
            x = _mask_time(x, lengths)
        x = x.transpose(1, 2)                                            # [B, Tz, d]
        tz = x.shape[1]
        x = self.drop(x + sinusoidal_positions(torch.arange(tz, device=x.device), x.shape[-1]).to(x.dtype))
        mask = length_mask(lengths, tz)
        allowed = mask[:, None, None, :]
        for layer in self.layers:
            x = layer(x, allowed)
        x = self.norm(x)
        return self.mu(x), self.logvar(x), lengths


class PredictorCache:
    """Incremental-decoding state of a batch.

    cross_k/cross_v: per layer [B,H,N,dh], computed once per request; text_mask [B,N];
    self_k/self_v: per layer [B,H,t,dh] for the t frames fed so far; self_valid [B,t] (False on
    padding inside a prefix of another item's length); pos [B] position of each item's next frame.
    """

    def __init__(self, cross_k, cross_v, text_mask):
        self.cross_k = cross_k
        self.cross_v = cross_v
        self.text_mask = text_mask
        self.self_k: Optional[List[torch.Tensor]] = None
        self.self_v: Optional[List[torch.Tensor]] = None
        self.self_valid = torch.zeros(text_mask.shape[0], 0, dtype=torch.bool, device=text_mask.device)
        self.pos = torch.zeros(text_mask.shape[0], dtype=torch.long, device=text_mask.device)

    @property
    def length(self):
        """Frames held in the self-attention cache (including masked prefix padding)."""
        return self.self_valid.shape[1]


class JepaPredictor(nn.Module):
    """Latents -> next latents. Input sequence: [start, proj(z_0), proj(z_1), ...]; output t predicts z_t."""

    def __init__(self, c: LeWmConfig):
        super().__init__()
        self.d_model = c.d_model
        self.input = nn.Linear(c.latent_size, c.d_model)
        self.start = nn.Parameter(torch.randn(c.d_model) * 0.02)
        self.drop = nn.Dropout(c.dropout)
        self.layers = nn.ModuleList(DecoderLayer(c.d_model, c.heads, c.ff_dim, c.dropout)
                                    for _ in range(c.predictor_layers))
        self.norm = nn.LayerNorm(c.d_model, eps=LAYER_NORM_EPS)
        self.output = nn.Linear(c.d_model, c.latent_size)
        self.stop = nn.Linear(c.d_model, 1)

    def memory_kv(self, memory):
        """Cross-attention K/V per layer: lists of [B,H,N,dh]."""
        ks, vs = [], []
        for layer in self.layers:
            k, v = layer.cross_attn.memory_kv(memory)
            ks.append(k)
            vs.append(v)
        return ks, vs

    def _embed(self, latents, positions):
        """latents [B,T,L] or None (start) -> [B,T,d] with sinusoidal positions [B,T]."""
        b, t = positions.shape
        if latents is None:
            x = self.start.view(1, 1, -1).expand(b, t, -1)
        else:
            x = self.input(latents)
        return self.drop(x + sinusoidal_positions(positions, self.d_model).to(x.dtype))

    def _head(self, x):
        x = self.norm(x)
        return self.output(x), self.stop(x).squeeze(-1)

    def forward(self, latents, cross_k, cross_v, text_mask):
        """Teacher forcing, one causal pass. latents [B,T,L] (padding after each item's length is
        harmless: causal attention never looks right). Returns predictions [B,T,L] (row t predicts
        z_t from start, z_0..z_{t-1}) and stop logits [B,T] (row t: "z_t is the last frame")."""
        b, t, _ = latents.shape
        dev = latents.device
        x = self._embed(None, torch.zeros(b, 1, dtype=torch.long, device=dev))
        if t > 1:
            pos = torch.arange(1, t, device=dev).unsqueeze(0).expand(b, t - 1)
            x = torch.cat([x, self._embed(latents[:, :t - 1], pos)], dim=1)
        causal = torch.ones(t, t, dtype=torch.bool, device=latents.device).tril()
        self_allowed = causal[None, None]
        cross_allowed = text_mask[:, None, None, :]
        for i, layer in enumerate(self.layers):
            x, _ = layer(x, self_allowed, cross_k[i], cross_v[i], cross_allowed)
        return self._head(x)

    def new_cache(self, cross_k, cross_v, text_mask):
        return PredictorCache(cross_k, cross_v, text_mask)

    def feed(self, x, valid, cache: PredictorCache):
        """Run new embedded frames x [B,Tn,d] (valid [B,Tn]) through the layers, growing the cache."""
        tn = x.shape[1]
        tp = cache.length
        keys_valid = torch.cat([cache.self_valid, valid], dim=1)                 # [B, Tp+Tn]
        causal = torch.ones(tn, tp + tn, dtype=torch.bool, device=x.device).tril(diagonal=tp)
        self_allowed = causal[None, None] & keys_valid[:, None, None, :]
        cross_allowed = cache.text_mask[:, None, None, :]
        new_k, new_v = [], []
        for i, layer in enumerate(self.layers):
            past = None if cache.self_k is None else (cache.self_k[i], cache.self_v[i])
            x, (k, v) = layer(x, self_allowed, cache.cross_k[i], cache.cross_v[i], cross_allowed, past)
            new_k.append(k)
            new_v.append(v)
        cache.self_k, cache.self_v = new_k, new_v
        cache.self_valid = keys_valid
        return self._head(x)

    def step(self, prev_latent, cache: PredictorCache):
        """One AR step: prev_latent [B,L] (None = the start embedding) -> (next [B,L], stop [B], cache).
        Exactly one new query frame enters self-attention; the cache grows by one frame."""
        b = cache.pos.shape[0]
        positions = cache.pos.unsqueeze(1)                                         # [B, 1]
        x = self._embed(None if prev_latent is None else prev_latent.unsqueeze(1), positions)
        pred, stop = self.feed(x, torch.ones(b, 1, dtype=torch.bool, device=x.device), cache)
        cache.pos = cache.pos + 1
        return pred[:, 0], stop[:, 0], cache

    def prefill(self, prefix, prefix_lengths, cache: PredictorCache):
        """Voice prompt: feed [start, prefix_0..prefix_{P_b-1}] for each item b in one pass
        (prefix [B,P,L], right-padded; lengths may differ and may be 0). Returns the prediction
        following each item's last prompt frame (next [B,L], stop [B]) and the cache; the next step
        is ``step(next, cache)``. Padded prompt frames stay in the cache but are masked out."""
        if cache.length != 0:
            raise ValueError("prefill must be the first call on a fresh cache")
        b, p, _ = prefix.shape
        dev = prefix.device
        start = self._embed(None, torch.zeros(b, 1, dtype=torch.long, device=dev))
        pos = torch.arange(1, p + 1, device=dev).unsqueeze(0).expand(b, p)
        x = torch.cat([start, self._embed(prefix, pos)], dim=1)                  # [B, P+1, d]
        valid = length_mask(prefix_lengths + 1, p + 1)
        pred, stop = self.feed(x, valid, cache)
        idx = prefix_lengths.view(b, 1)
        cache.pos = prefix_lengths + 1
        nxt = pred.gather(1, idx.unsqueeze(-1).expand(b, 1, pred.shape[-1]))[:, 0]
        return nxt, stop.gather(1, idx)[:, 0], cache


class ResConvBlock(nn.Module):
    """x + conv2(gelu(conv1(x))), both convs C -> C with 'same' padding."""

    def __init__(self, channels, kernel):
        super().__init__()
        self.conv1 = nn.Conv1d(channels, channels, kernel, padding=kernel // 2)
        self.conv2 = nn.Conv1d(channels, channels, kernel, padding=kernel // 2)

    def forward(self, x, lengths):
        h = _mask_time(gelu(self.conv1(x)), lengths)
        return x + _mask_time(self.conv2(h), lengths)


class UpStage(nn.Module):
    """2x: gelu(ConvTranspose1d(C, C, 4, stride 2, padding 1)), then ResConvBlocks."""

    def __init__(self, channels, blocks, kernel):
        super().__init__()
        self.up = nn.ConvTranspose1d(channels, channels, 4, stride=2, padding=1)
        self.blocks = nn.ModuleList(ResConvBlock(channels, kernel) for _ in range(blocks))

    def forward(self, x, lengths):
        lengths = lengths * 2
        x = _mask_time(gelu(self.up(x)), lengths)
        for block in self.blocks:
            x = block(x, lengths)
        return x, lengths


class MelDecoder(nn.Module):
    """Latents [B,Tz,L] -> log-mel [B,n_mels,downsample*Tz]. Every intermediate is zeroed past each
    item's length, so padding latents never reach valid frames."""

    def __init__(self, c: LeWmConfig):
        super().__init__()
        ch, k = c.decoder_channels, c.decoder_kernel
        self.input = nn.Linear(c.latent_size, ch)
        self.stages = nn.ModuleList(UpStage(ch, c.decoder_res_blocks, k) for _ in range(c.upsample_stages))
        self.refine = nn.ModuleList(nn.Conv1d(ch, ch, k, padding=k // 2) for _ in range(c.decoder_refine_convs))
        self.output = nn.Conv1d(ch, c.n_mels, k, padding=k // 2)

    def forward(self, latents, lengths=None):
        b, tz, _ = latents.shape
        if lengths is None:
            lengths = torch.full((b,), tz, dtype=torch.long, device=latents.device)
        x = _mask_time(self.input(latents).transpose(1, 2), lengths)             # [B, C, Tz]
        for stage in self.stages:
            x, lengths = stage(x, lengths)
        for conv in self.refine:
            x = _mask_time(gelu(conv(x)), lengths)
        return self.output(x)


# --------------------------------------------------------------------------------------------
# Losses
# --------------------------------------------------------------------------------------------

def _stft_magnitude(x, n_fft):
    """x [S, T] -> |STFT| [S, n_fft/2+1, frames]; Hann(n_fft) periodic, hop n_fft/4, no centring."""
    window = torch.hann_window(n_fft, periodic=True, dtype=x.dtype, device=x.device)
    spec = torch.stft(x, n_fft, hop_length=n_fft // 4, win_length=n_fft, window=window,
                      center=False, return_complex=True)
    ri = torch.view_as_real(spec)
    return (ri.pow(2).sum(-1)).clamp_min(SPECTRAL_POWER_FLOOR).sqrt()


def spectral_loss_item(pred, target, fft_sizes):
    """One item's multi-resolution spectral loss along time. pred/target [n_mels, T] (valid part).

    For each n in fft_sizes with n <= T: SC = || |S|-|S^| ||_F / || |S| ||_F and
    LM = mean | log max(|S|, 1e-5) - log max(|S^|, 1e-5) |, over all bands and STFT frames.
    Returns (mean over used resolutions of SC + LM, number of resolutions used); (0, 0) if none fits.
    """
    t = target.shape[-1]
    total = pred.new_zeros(())
    used = 0
    for n in fft_sizes:
        if n > t:
            continue
        s = _stft_magnitude(target, n)
        s_hat = _stft_magnitude(pred, n)
        sc = torch.linalg.norm((s - s_hat).flatten()) / torch.linalg.norm(s.flatten()).clamp_min(1e-12)
        lm = (torch.log(s.clamp_min(SPECTRAL_MAG_FLOOR)) - torch.log(s_hat.clamp_min(SPECTRAL_MAG_FLOOR))).abs().mean()
        total = total + sc + lm
        used += 1
    return (total / used if used else total), used


def kl_standard_normal(mu, logvar):
    """Element-wise KL(N(mu, exp(logvar)) || N(0, 1)) = 0.5 (mu^2 + exp(logvar) - 1 - logvar)."""
    return 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar)


# --------------------------------------------------------------------------------------------
# The whole model
# --------------------------------------------------------------------------------------------

class LeWmTts(nn.Module):
    """TextEncoder + AudioEncoder + JepaPredictor + MelDecoder, with the training losses and the
    inference steps (encode_text, encode_audio, step, decode)."""

    def __init__(self, config: LeWmConfig):
        super().__init__()
        self.config = config
        self.text_encoder = TextEncoder(config)
        self.audio_encoder = AudioEncoder(config)
        self.predictor = JepaPredictor(config)
        self.mel_decoder = MelDecoder(config)

    # ---------------------------------------------------------------- parameter accounting
    def parameter_counts(self):
        counts = {name: sum(p.numel() for p in getattr(self, name).parameters())
                  for name in ("text_encoder", "audio_encoder", "predictor", "mel_decoder")}
        counts["total"] = sum(counts.values())
        return counts

    # ---------------------------------------------------------------- inference steps
    def encode_text(self, ids, lengths, speaker=None):
        """-> (memory [B,N,d], text_mask [B,N], cross_k, cross_v: per-layer lists [B,H,N,dh])."""
        memory, mask = self.text_encoder(ids, lengths, speaker)
        ks, vs = self.predictor.memory_kv(memory)
        return memory, mask, ks, vs

    def encode_audio(self, mel, mel_lengths):
        """-> (mu [B,Tz,L], latent lengths [B]). Inference uses mu."""
        mu, _, lengths = self.audio_encoder(mel, mel_lengths)
        return mu, lengths

    def new_cache(self, text_mask, cross_k, cross_v):
        return self.predictor.new_cache(cross_k, cross_v, text_mask)

    def step(self, prev_latent, cache):
        return self.predictor.step(prev_latent, cache)

    def decode(self, latents, lengths=None, mel_lengths=None):
        """latents [B,Tz,L] -> mel [B,n_mels,downsample*Tz] (trimmed to max(mel_lengths) if given)."""
        mel = self.mel_decoder(latents, lengths)
        if mel_lengths is not None:
            mel = mel[..., :int(mel_lengths.max())]
        return mel

    @torch.no_grad()
    def generate(self, ids, lengths, speaker=None, prompt=None, prompt_lengths=None, threshold=0.5):
        """Batched AR synthesis: each item stops on its own (stop probability > threshold, the frame
        that fired included) or at its length cap. Returns (latents [B,Tmax,L], lengths [B]) without
        the prompt part."""
        _, mask, ks, vs = self.encode_text(ids, lengths, speaker)
        cache = self.predictor.new_cache(ks, vs, mask)
        b = ids.shape[0]
        caps = torch.tensor([self.config.length_cap(int(n) - 2) for n in lengths], device=ids.device)
        if prompt is not None:
            nxt, stop, cache = self.predictor.prefill(prompt, prompt_lengths, cache)
        else:
            nxt, stop, cache = self.predictor.step(None, cache)
        out, done = [], torch.zeros(b, dtype=torch.bool, device=ids.device)
        out_len = torch.zeros(b, dtype=torch.long, device=ids.device)
        while True:
            out.append(nxt)
            out_len = out_len + (~done).long()
            done = done | (torch.sigmoid(stop) > threshold) | (out_len >= caps)
            if bool(done.all()):
                break
            nxt, stop, cache = self.predictor.step(nxt, cache)
        return torch.stack(out, dim=1), out_len

    # ---------------------------------------------------------------- training
    def forward(self, batch, kl_weight=None, noise=None):
        """Every loss term for a batch.

        batch: ``text`` [B,N] long, ``text_lengths`` [B], ``mel`` [B,n_mels,T], ``mel_lengths`` [B],
        optional ``speaker`` [B]. ``kl_weight``: the annealed weight (default config.kl_weight).
        ``noise`` [B,Tz,L]: the reparameterisation epsilon; default randn in training mode and 0
        (z = mu) in eval mode.

        Returns a dict: prediction, kl, recon, spectral, stop, total (weighted sum), kl_weight,
        per_item (dict of [B] tensors), and the tensors mu, logvar, z, pred, stop_logits, mel_hat,
        latent_lengths.
        """
        c = self.config
        kl_w = c.kl_weight if kl_weight is None else float(kl_weight)
        ids, text_lengths = batch["text"], batch["text_lengths"]
        mel, mel_lengths = batch["mel"], batch["mel_lengths"]
        _, text_mask, ks, vs = self.encode_text(ids, text_lengths, batch.get("speaker"))
        mu, logvar, zlen = self.audio_encoder(mel, mel_lengths)
        if noise is None:
            noise = torch.randn_like(mu) if self.training else torch.zeros_like(mu)
        z = mu + torch.exp(0.5 * logvar) * noise[:, :mu.shape[1]]
        b, tz, lat = z.shape
        zmask = length_mask(zlen, tz)
        zm = zmask.to(z.dtype)
        z = z * zm.unsqueeze(-1)                       # padding latents are exactly zero

        # 1. prediction: row t (inputs start, z_0..z_{t-1}) predicts z_t
        pred, stop_logits = self.predictor(z, ks, vs, text_mask)
        target = z.detach() if c.detach_prediction_target else z
        pred_sum = ((pred - target).pow(2).sum(-1) * zm).sum(1)
        pred_cnt = zlen.to(z.dtype) * lat
        # 2. KL per element, over valid latent frames
        kl_sum = (kl_standard_normal(mu, logvar).sum(-1) * zm).sum(1)
        # 3. reconstruction L1 over valid mel frames
        mel_hat = self.mel_decoder(z, zlen)[..., :mel.shape[-1]]
        mmask = length_mask(mel_lengths, mel.shape[-1]).to(mel.dtype)
        rec_sum = ((mel_hat - mel).abs().sum(1) * mmask).sum(1)
        rec_cnt = mel_lengths.to(mel.dtype) * mel.shape[1]
        # 4. spectral, per item over its valid length
        spec_items, spec_used = [], []
        for i in range(b):
            t_i = int(mel_lengths[i])
            value, used = spectral_loss_item(mel_hat[i, :, :t_i], mel[i, :, :t_i], c.spectral_fft_sizes)
            spec_items.append(value)
            spec_used.append(used > 0)
        spec_items = torch.stack(spec_items)
        spec_used_t = torch.tensor(spec_used, device=mel.device)
        # 5. stop: target 1 on the last valid latent frame, 0 before it
        stop_target = (torch.arange(tz, device=z.device).unsqueeze(0) == (zlen - 1).unsqueeze(1)).to(z.dtype)
        bce = F.binary_cross_entropy_with_logits(
            stop_logits, stop_target, reduction="none",
            pos_weight=torch.tensor(c.stop_pos_weight, dtype=z.dtype, device=z.device))
        stop_sum = (bce * zm).sum(1)
        zcnt = zlen.to(z.dtype)

        losses = {
            "prediction": pred_sum.sum() / pred_cnt.sum(),
            "kl": kl_sum.sum() / pred_cnt.sum(),
            "recon": rec_sum.sum() / rec_cnt.sum(),
            "spectral": spec_items[spec_used_t].mean() if any(spec_used) else spec_items.sum() * 0.0,
            "stop": stop_sum.sum() / zcnt.sum(),
        }
        losses["total"] = (c.prediction_weight * losses["prediction"] + kl_w * losses["kl"]
                           + c.recon_weight * losses["recon"] + c.spectral_weight * losses["spectral"]
                           + c.stop_weight * losses["stop"])
        losses["kl_weight"] = kl_w
        losses["per_item"] = {
            "prediction": pred_sum / pred_cnt, "kl": kl_sum / pred_cnt, "recon": rec_sum / rec_cnt,
            "spectral": spec_items, "stop": stop_sum / zcnt,
        }
        losses.update(mu=mu, logvar=logvar, z=z, pred=pred, stop_logits=stop_logits, mel_hat=mel_hat,
                      latent_lengths=zlen)
        return losses


def kl_anneal(step, total_steps, target, fraction=0.2):
    """Linear from 0 to target over the first ``fraction`` of training, then constant."""
    ramp = max(1, int(round(fraction * total_steps)))
    return target * min(1.0, step / ramp)


def build(preset="base", seed=None, **overrides):
    if seed is not None:
        torch.manual_seed(seed)
    return LeWmTts(LeWmConfig.preset(preset, **overrides))


if __name__ == "__main__":
    for name in ("base", "tiny"):
        model = build(name, seed=0)
        print(name, model.parameter_counts())
