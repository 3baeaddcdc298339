"""A PyTorch reference of the Vocos mel vocoder (charactr/vocos-mel-24khz layout).

Written from the published architecture description (Siuzdak, "Vocos", 2023) and the
published checkpoint's key names; the module attribute names are chosen so that
``Vocos.state_dict()`` has exactly the keys of the published ``pytorch_model.bin``:

    feature_extractor.mel_spec.spectrogram.window     [n_fft]              buffer
    feature_extractor.mel_spec.mel_scale.fb           [n_fft/2+1, n_mels]  buffer
    backbone.embed.weight / .bias                     [dim, n_mels, 7] / [dim]
    backbone.norm.weight / .bias                      [dim]
    backbone.convnext.{i}.gamma                       [dim]
    backbone.convnext.{i}.dwconv.weight / .bias       [dim, 1, 7] / [dim]
    backbone.convnext.{i}.norm.weight / .bias         [dim]
    backbone.convnext.{i}.pwconv1.weight / .bias      [intermediate, dim] / [intermediate]
    backbone.convnext.{i}.pwconv2.weight / .bias      [dim, intermediate] / [dim]
    backbone.final_layer_norm.weight / .bias          [dim]
    head.out.weight / .bias                           [n_fft+2, dim] / [n_fft+2]
    head.istft.window                                 [n_fft]              buffer

Only what decoding a mel needs is here (no training code, no AdaLayerNorm: the mel
model's ``adanorm_num_embeddings`` is null).
"""

import math

import torch
import torchaudio
from torch import nn

LOG_CLAMP = 1e-7
LAYER_NORM_EPS = 1e-6
KERNEL = 7
PADDINGS = ("center", "same")

FEATURE_EXTRACTOR_CLASS = "vocos.feature_extractors.MelSpectrogramFeatures"
BACKBONE_CLASS = "vocos.models.VocosBackbone"
HEAD_CLASS = "vocos.heads.ISTFTHead"


def _check_padding(padding):
    if padding not in PADDINGS:
        raise ValueError(f"padding must be one of {PADDINGS}, got {padding!r}")
    return padding


def safe_log(x, clamp=LOG_CLAMP):
    """Natural log with a floor, as Vocos computes its log-mel features."""
    return torch.log(torch.clamp(x, min=clamp))


class MelSpectrogramFeatures(nn.Module):
    """Audio -> log-mel. Holds the two published buffers (STFT window and mel filter bank)."""

    def __init__(self, sample_rate=24000, n_fft=1024, hop_length=256, n_mels=100, padding="center"):
        super().__init__()
        self.padding = _check_padding(padding)
        # "center" lets the STFT reflect-pad n_fft/2 per side; "same" pads (win - hop)/2 itself.
        self.mel_spec = torchaudio.transforms.MelSpectrogram(
            sample_rate=sample_rate,
            n_fft=n_fft,
            hop_length=hop_length,
            n_mels=n_mels,
            center=(padding == "center"),
            power=1,
        )

    def forward(self, audio):
        if self.padding == "same":
            extra = (self.mel_spec.win_length - self.mel_spec.hop_length) // 2
            audio = torch.nn.functional.pad(audio, (extra, extra), mode="reflect")
        return safe_log(self.mel_spec(audio))


class ConvNeXtBlock(nn.Module):
    """Depthwise conv (k7) -> LayerNorm -> Linear -> GELU -> Linear -> layer scale, plus residual."""

    def __init__(self, dim, intermediate_dim, layer_scale_init_value):
        super().__init__()
        self.gamma = nn.Parameter(torch.full((dim,), float(layer_scale_init_value)))
        self.dwconv = nn.Conv1d(dim, dim, kernel_size=KERNEL, padding=KERNEL // 2, groups=dim)
        self.norm = nn.LayerNorm(dim, eps=LAYER_NORM_EPS)
        self.pwconv1 = nn.Linear(dim, intermediate_dim)
        self.act = nn.GELU()  # exact (erf) GELU
        self.pwconv2 = nn.Linear(intermediate_dim, dim)

    def forward(self, x):  # x: [B, dim, T]
        residual = x
        y = self.dwconv(x).transpose(1, 2)  # [B, T, dim]
        y = self.norm(y)
        y = self.pwconv2(self.act(self.pwconv1(y)))
        y = (self.gamma * y).transpose(1, 2)  # [B, dim, T]
        return residual + y


class VocosBackbone(nn.Module):
    """log-mel [B, n_mels, T] -> hidden [B, T, dim] (after the final LayerNorm)."""

    def __init__(self, input_channels, dim, intermediate_dim, num_layers, layer_scale_init_value=None):
        super().__init__()
        self.input_channels = input_channels
        self.embed = nn.Conv1d(input_channels, dim, kernel_size=KERNEL, padding=KERNEL // 2)
        self.norm = nn.LayerNorm(dim, eps=LAYER_NORM_EPS)
        scale = layer_scale_init_value if layer_scale_init_value else 1.0 / num_layers
        self.convnext = nn.ModuleList(
            [ConvNeXtBlock(dim, intermediate_dim, scale) for _ in range(num_layers)]
        )
        self.final_layer_norm = nn.LayerNorm(dim, eps=LAYER_NORM_EPS)
        for module in self.modules():
            if isinstance(module, (nn.Conv1d, nn.Linear)):
                nn.init.trunc_normal_(module.weight, std=0.02)
                nn.init.zeros_(module.bias)

    def forward(self, mel):
        x = self.embed(mel)  # [B, dim, T]
        x = self.norm(x.transpose(1, 2)).transpose(1, 2)
        for block in self.convnext:
            x = block(x)
        return self.final_layer_norm(x.transpose(1, 2))  # [B, T, dim]


class ISTFT(nn.Module):
    """Inverse STFT with Vocos's two padding modes.

    "center": torch.istft(center=True); output length (T - 1) * hop.
    "same":   irfft per frame, windowed overlap-add, (win - hop)/2 trimmed from both ends,
              divided by the overlap-added squared window; output length T * hop.
    """

    def __init__(self, n_fft, hop_length, win_length=None, padding="center"):
        super().__init__()
        self.n_fft = n_fft
        self.hop_length = hop_length
        self.win_length = win_length or n_fft
        self.padding = _check_padding(padding)
        self.register_buffer("window", torch.hann_window(self.win_length))  # periodic Hann

    def forward(self, spec):  # spec: complex [B, n_fft/2+1, T]
        if self.padding == "center":
            return torch.istft(
                spec, self.n_fft, self.hop_length, self.win_length, self.window, center=True
            )
        return self._istft_same(spec)

    def _overlap_add(self, frames, frame_count):
        """frames [B, win, T] -> [B, (T-1)*hop + win] by summing hop-shifted frames."""
        length = (frame_count - 1) * self.hop_length + self.win_length
        folded = torch.nn.functional.fold(
            frames,
            output_size=(1, length),
            kernel_size=(1, self.win_length),
            stride=(1, self.hop_length),
        )
        return folded[:, 0, 0, :]

    def _istft_same(self, spec):
        trim = (self.win_length - self.hop_length) // 2
        frame_count = spec.shape[-1]
        frames = torch.fft.irfft(spec, self.n_fft, dim=1, norm="backward")
        frames = frames * self.window[None, :, None]
        audio = self._overlap_add(frames, frame_count)[:, trim:-trim]

        squared = self.window.square()[None, :, None].expand(1, self.win_length, frame_count)
        envelope = self._overlap_add(squared, frame_count)[0, trim:-trim]
        if not bool((envelope > 1e-11).all()):
            raise AssertionError("window envelope is ~0 (NOLA violated)")
        return audio / envelope


class ISTFTHead(nn.Module):
    """hidden [B, T, dim] -> waveform: linear to log-magnitude || phase, then inverse STFT."""

    MAX_MAGNITUDE = 1e2

    def __init__(self, dim, n_fft, hop_length, padding="center"):
        super().__init__()
        self.out = nn.Linear(dim, n_fft + 2)
        self.istft = ISTFT(n_fft=n_fft, hop_length=hop_length, win_length=n_fft, padding=padding)

    def spectrum(self, x):
        """Complex STFT S [B, n_fft/2+1, T] that the inverse STFT turns into audio."""
        x = self.out(x).transpose(1, 2)  # [B, n_fft+2, T]
        log_mag, phase = x.chunk(2, dim=1)
        mag = torch.exp(log_mag).clamp(max=self.MAX_MAGNITUDE)
        return torch.complex(mag * torch.cos(phase), mag * torch.sin(phase))

    def forward(self, x):
        return self.istft(self.spectrum(x))


class Vocos(nn.Module):
    def __init__(self, feature_extractor, backbone, head):
        super().__init__()
        self.feature_extractor = feature_extractor
        self.backbone = backbone
        self.head = head

    def decode(self, mel):
        """log-mel [B, n_mels, T] -> waveform [B, samples]."""
        return self.head(self.backbone(mel))

    def decode_stages(self, mel):
        """Like decode, but also returns the intermediate tensors (for debugging fixtures)."""
        hidden = self.backbone(mel)
        spec = self.head.spectrum(hidden)
        return hidden, spec, self.head.istft(spec)

    def forward(self, audio):
        return self.decode(self.feature_extractor(audio))


# --------------------------------------------------------------------------------------------
# Published config.yaml layout
# --------------------------------------------------------------------------------------------

def make_config(dim=512, intermediate_dim=1536, num_layers=8, padding="center", sample_rate=24000,
                n_fft=1024, hop_length=256, n_mels=100):
    """The dictionary that the published config.yaml parses to."""
    _check_padding(padding)
    return {
        "feature_extractor": {
            "class_path": FEATURE_EXTRACTOR_CLASS,
            "init_args": {
                "sample_rate": sample_rate,
                "n_fft": n_fft,
                "hop_length": hop_length,
                "n_mels": n_mels,
                "padding": padding,
            },
        },
        "backbone": {
            "class_path": BACKBONE_CLASS,
            "init_args": {
                "input_channels": n_mels,
                "dim": dim,
                "intermediate_dim": intermediate_dim,
                "num_layers": num_layers,
            },
        },
        "head": {
            "class_path": HEAD_CLASS,
            "init_args": {
                "dim": dim,
                "n_fft": n_fft,
                "hop_length": hop_length,
                "padding": padding,
            },
        },
    }


def config_yaml(config):
    """Render a config dict in the published file's layout (two-space indentation, section per
    top-level key, a blank line between sections, scalars unquoted)."""
    sections = []
    for section in ("feature_extractor", "backbone", "head"):
        body = config[section]
        lines = [f"{section}:", f"  class_path: {body['class_path']}", "  init_args:"]
        lines += [f"    {key}: {value}" for key, value in body["init_args"].items()]
        sections.append("\n".join(lines) + "\n")
    return "\n".join(sections)


def _expect_class(section, config, expected):
    actual = config[section]["class_path"]
    if actual != expected:
        raise ValueError(f"{section}.class_path is {actual}; this reference only has {expected}")
    return dict(config[section]["init_args"])


def from_config(config):
    """Build a Vocos with the default (Vocos) initialisation from a parsed config.yaml."""
    fe = _expect_class("feature_extractor", config, FEATURE_EXTRACTOR_CLASS)
    bb = _expect_class("backbone", config, BACKBONE_CLASS)
    hd = _expect_class("head", config, HEAD_CLASS)
    bb.pop("adanorm_num_embeddings", None)  # null for the mel model
    return Vocos(MelSpectrogramFeatures(**fe), VocosBackbone(**bb), ISTFTHead(**hd))


def parameter_count(model):
    return sum(p.numel() for p in model.parameters())


def output_length(frames, hop_length, padding):
    return (frames - 1) * hop_length if padding == "center" else frames * hop_length


def frames_for_seconds(seconds, sample_rate=24000, hop_length=256):
    """Frames a center-padded mel of `seconds` of audio has (10 s -> 938)."""
    return 1 + int(math.floor(seconds * sample_rate)) // hop_length
